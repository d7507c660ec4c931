"""Erasure and retention at scale, each against a plain SQL baseline in the same run.

On a database filled by bench/dashboard_data.py and bench/loyalty_page.py --purchases (a
copy: this erases customers), with an outbox of sent mail added once (--outbox rows, each
to a customer, naming them, as invitations are):

    cp /tmp/outcomes_100k.db /tmp/erase.db
    python bench/erasure.py --database sqlite:////tmp/erase.db [--outbox 100000] [--runs 9]

- Erase one customer (erase_customer + commit), for --runs customers with answers and an
  email address; baseline: ONE scan of the outbox's bodies for their address (LIKE), the
  least any erasure that finds quoted mail must do.
- Retention of comments older than a year (apply_retention with only that setting);
  baseline: one UPDATE blanking the same comments, rolled back before the run.
Medians; times in ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._server import app_for, machine  # noqa: E402

CHUNK = 10_000


def add_outbox(rows: int) -> int:
    """Sent invitation-like mail, one per customer in turn, until the outbox has ``rows``."""
    from sqlalchemy import func, insert, select

    from feedback.customers.models import Customer
    from feedback.extensions import db
    from feedback.outbox.models import OutboxMessage, OutboxStatus
    from feedback.timeutil import utcnow

    have = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    people = db.session.execute(
        select(Customer.email, Customer.name).where(Customer.email.is_not(None))
    ).all()
    now = utcnow()
    for start in range(have, rows, CHUNK):
        batch = []
        for n in range(start, min(rows, start + CHUNK)):
            email, name = people[n % len(people)]
            batch.append(
                {
                    "to_address": email,
                    "subject": "How did we do? / 您对我们的服务满意吗?",
                    "body_text": f"Dear {name},\n\nHow likely are you to recommend us? "
                    f"https://feedback.example.com/s/{n:012d}\n",
                    "body_html": None,
                    "headers": {},
                    "kind": "invitation",
                    "status": OutboxStatus.SENT,
                    "attempts": 1,
                    "next_attempt_at": now,
                    "created_at": now,
                    "sent_at": now,
                    "message_id": f"<bench-{n}@feedback.example.com>",
                }
            )
        db.session.execute(insert(OutboxMessage), batch)
        db.session.commit()
    return max(rows - have, 0)


def erase_runs(runs: int, seed: int) -> tuple[list[float], list[float]]:
    """(erase ms, baseline ms) for ``runs`` customers with answers and an email address."""
    from sqlalchemy import func, select, text

    from feedback.customers.erasure import erase_customer
    from feedback.customers.models import Customer
    from feedback.extensions import db
    from feedback.surveys.models import Response

    candidates = db.session.scalars(
        select(Customer.id)
        .where(Customer.erased_at.is_(None), Customer.email.is_not(None))
        .where(Customer.id.in_(select(Response.customer_id)))
    ).all()
    chosen = random.Random(seed).sample(list(candidates), runs)
    erase_ms, scan_ms = [], []
    for customer_id in chosen:
        customer = db.session.get(Customer, customer_id)
        started = time.perf_counter()
        db.session.scalar(
            select(func.count())
            .where(text("lower(outbox_messages.body_text) LIKE :needle"))
            .select_from(text("outbox_messages")),
            {"needle": f"%{customer.email.lower()}%"},
        )
        scan_ms.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
        customer = db.session.get(Customer, customer_id)
        started = time.perf_counter()
        erase_customer(customer, reason="benchmark")
        db.session.commit()
        erase_ms.append((time.perf_counter() - started) * 1000)
    return erase_ms, scan_ms


def retention_run() -> tuple[int, float, float]:
    """(comments and case texts due, ms of apply_retention, ms of one UPDATE blanking the
    comments alone)."""
    from sqlalchemy import update

    from feedback.customers import retention
    from feedback.extensions import db
    from feedback.surveys.models import Response
    from feedback.timeutil import utcnow

    retention.save_settings(
        {"comments": 12, "contacts": None, "inbound": None, "outbox": None}, None
    )
    db.session.commit()
    due = {d.key: d.count for d in retention.preview()}
    count = due["comments"] + due["case_texts"]
    limit = retention.cutoff(utcnow(), 12)
    started = time.perf_counter()
    db.session.execute(
        update(Response)
        .where(Response.comment.is_not(None), Response.answered_at < limit)
        .values(comment="")
    )
    baseline = (time.perf_counter() - started) * 1000
    db.session.rollback()
    started = time.perf_counter()
    retention.apply_retention("bench")
    took = (time.perf_counter() - started) * 1000
    return count, took, baseline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--outbox", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args()
    from flask_migrate import upgrade

    app = app_for(args.database, MAIL_CAPTURE_DIR=tempfile.mkdtemp(prefix="erase-bench-"))
    with app.app_context():
        upgrade()
        added = add_outbox(args.outbox)
        print(f"{machine()}; outbox rows added: {added}")
        erase_ms, scan_ms = erase_runs(args.runs, args.seed)
        print(
            f"erase one customer: median {statistics.median(erase_ms):.0f} ms "
            f"(max {max(erase_ms):.0f}); one outbox scan: "
            f"{statistics.median(scan_ms):.0f} ms; ratio "
            f"{statistics.median(erase_ms) / statistics.median(scan_ms):.1f}x"
        )
        count, took, baseline = retention_run()
        print(
            f"retention, comments over 12 months: {count} comments and case texts in "
            f"{took:.0f} ms ({count / took * 1000:.0f}/s); one UPDATE of the comments: "
            f"{baseline:.0f} ms; "
            f"ratio {took / baseline:.1f}x"
        )


if __name__ == "__main__":
    main()
