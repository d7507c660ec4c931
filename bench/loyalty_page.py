"""The Loyalty page at scale: GET /loyalty and GET /api/v1/loyalty (the default period: the
last full quarter whose answers have had their W days) against ONE raw GROUP BY over that
quarter's purchase touchpoints, measured in the same run. On a database filled by
bench/dashboard_data.py, to which --purchases adds the loyalty data once:

    python bench/dashboard_data.py --responses 1000000 --database sqlite:////tmp/dash_1m.db --fresh
    python bench/loyalty_page.py --database sqlite:////tmp/dash_1m.db --purchases [--runs 9]

--purchases gives every purchase event a value and adds, after each answer, a purchase
within 120 days with a chance that grows with the score (a promoter comes back more often
than a detractor), so that return rates differ by group as they do in life. The added
events are history (they invited nobody) with external ids "ret-<answer id>": running it
twice adds nothing. The page, the API and the GROUP BY alternate, one of each a round;
medians of the rounds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._server import app_for, machine  # noqa: E402
from bench.dashboard import ZONE, _signed_in, _url  # noqa: E402

#: chance of a purchase within RETURN_DAYS after an answer, by mood (-1, 0, 1)
RETURN_CHANCE = {-1: 0.30, 0: 0.45, 1: 0.60}
RETURN_DAYS = 120
CHUNK = 20_000


def add_purchases(app, seed: int = 22) -> int:
    """Values on purchase events, and a purchase after a share of the answers; returns the
    events added (0 when a run before added them)."""
    from sqlalchemy import func, insert, select, update

    from feedback import scoring
    from feedback.extensions import db
    from feedback.surveys.models import Response, TouchpointEvent, TouchpointType
    from feedback.timeutil import utcnow

    rng = random.Random(seed)
    with app.app_context():
        # as the service's default types have it (the generator's types predate the flag)
        db.session.execute(
            update(TouchpointType).filter_by(key="purchase").values(counts_as_purchase=True)
        )
        db.session.commit()
        done = db.session.scalar(
            select(func.count()).where(TouchpointEvent.external_id.like("ret-%"))
        )
        if done:
            return 0
        purchase = db.session.scalar(select(TouchpointType.id).filter_by(key="purchase"))
        # A value from 20 to 519 that the event's id decides: the same on both databases.
        db.session.execute(
            update(TouchpointEvent)
            .where(TouchpointEvent.touchpoint_type_id == purchase)
            .values(value=20 + TouchpointEvent.id % 500)
        )
        db.session.commit()
        now, added, last = utcnow(), 0, 0
        while True:
            answers = db.session.execute(
                select(Response.id, Response.customer_id, Response.kind, Response.score)
                .add_columns(Response.answered_at)
                .where(Response.id > last)
                .order_by(Response.id)
                .limit(CHUNK)
            ).all()
            if not answers:
                return added
            last, rows = answers[-1].id, []
            for answer in answers:
                if rng.random() >= RETURN_CHANCE[scoring.mood(answer.kind.value, answer.score)]:
                    continue
                days = rng.randrange(3600, RETURN_DAYS * 86400)
                at = answer.answered_at + timedelta(seconds=days)
                if at < now:
                    rows.append(_event(answer, at, purchase, rng.randrange(20, 520)))
            if rows:
                db.session.execute(insert(TouchpointEvent), rows)
            db.session.commit()
            added += len(rows)


def _event(answer, at, purchase: int, value: int) -> dict:
    from feedback.surveys.models import EventSource

    return {
        "external_id": f"ret-{answer.id}",
        "touchpoint_type_id": purchase,
        "customer_id": answer.customer_id,
        "occurred_at": at,
        "properties": {},
        "source": EventSource.API,
        "history": True,
        "value": value,
        "created_at": at,
    }


def _median(times: list[float]) -> float:
    return statistics.median(times)


def measure(database: str, runs: int, purchases: bool) -> dict:
    from sqlalchemy import text

    from feedback.accounts import services as accounts
    from feedback.extensions import db
    from feedback.loyalty.outcomes import default_quarter
    from feedback.timeutil import utcnow

    app = app_for(_url(database), REPORT_TIMEZONE=ZONE, BABEL_DEFAULT_TIMEZONE=ZONE)
    added = add_purchases(app) if purchases else 0
    client = _signed_in(app)
    with app.app_context():
        key = accounts.create_api_key("bench-loyalty")[1]
        db.session.commit()
        today = utcnow().astimezone(ZoneInfo(ZONE)).date()
        quarter = default_quarter(today, app.config["LOYALTY_WINDOW_DAYS"], ZONE)
        params = {"start": quarter.start(), "end": quarter.end()}
        if db.engine.dialect.name == "sqlite":  # stored as naive UTC text there
            params = {k: v.replace(tzinfo=None).isoformat(" ") for k, v in params.items()}
        baseline = text(
            "SELECT e.customer_id, COUNT(*), SUM(e.value) FROM touchpoint_events e"
            " JOIN touchpoint_types t ON t.id = e.touchpoint_type_id"
            " WHERE t.counts_as_purchase AND e.occurred_at >= :start AND e.occurred_at < :end"
            " GROUP BY e.customer_id"
        )
        connection = db.engine.connect()
        counts = {
            table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()  # noqa: S608
            for table in ("responses", "touchpoint_events", "customers")
        }
        in_period = connection.execute(
            text(
                "SELECT COUNT(*) FROM responses WHERE answered_at >= :start AND answered_at < :end"
            ),
            params,
        ).scalar()
        buyers = len(connection.execute(baseline, params).all())
    headers = {"Authorization": f"Bearer {key}"}
    for _ in range(2):
        assert client.get("/loyalty").status_code == 200
        assert client.get("/api/v1/loyalty", headers=headers).status_code == 200
    times: dict[str, list[float]] = {"group_by": [], "page": [], "api": []}
    for _ in range(runs):
        start = time.perf_counter()
        connection.execute(baseline, params).all()
        times["group_by"].append((time.perf_counter() - start) * 1000)
        connection.rollback()  # no transaction left open across the page
        start = time.perf_counter()
        assert client.get("/loyalty").status_code == 200
        times["page"].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        assert client.get("/api/v1/loyalty", headers=headers).status_code == 200
        times["api"].append((time.perf_counter() - start) * 1000)
    connection.close()
    return {
        "added": added,
        "counts": counts,
        "quarter": quarter,
        "in_period": in_period,
        "buyers": buyers,
        **{name: _median(values) for name, values in times.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--purchases", action="store_true", help="add the loyalty data first")
    options = parser.parse_args()
    print(f"machine: {machine()}")
    r = measure(options.database, options.runs, options.purchases)
    counts, quarter = r["counts"], r["quarter"]
    print(
        f"{counts['responses']:,} answers, {counts['touchpoint_events']:,} touchpoints"
        f" ({r['added']:,} purchases added now), {counts['customers']:,} customers;"
        f" default period {quarter.first} to {quarter.last}: {r['in_period']:,} answers,"
        f" {r['buyers']:,} customers who bought in it\n"
        f"| what | median ms |\n|---|---|\n"
        f"| one GROUP BY over the quarter's purchase touchpoints | {r['group_by']:.1f} |\n"
        f"| GET /loyalty (NPS, CSAT, CES, recovery) | {r['page']:.1f} |\n"
        f"| GET /api/v1/loyalty (NPS, recovery) | {r['api']:.1f} |\n"
        f"page / GROUP BY: {r['page'] / r['group_by']:.2f}x;"
        f" API / GROUP BY: {r['api'] / r['group_by']:.2f}x ({options.runs} rounds)"
    )


if __name__ == "__main__":
    main()
