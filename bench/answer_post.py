"""Answers per second for POST /s/<token>, against a baseline endpoint doing one INSERT.

Run by hand: `.venv/bin/python bench/answer_post.py [SECONDS] [--unhappy]` (needs `wrk`,
from Debian: apt-get install wrk). With --unhappy every answer is a CSAT 1 with a
complaint, so each one opens a complaint case in the same request (every customer of the
bench is a different one). Prepares an SQLite database with 40,000 sent invitations,
serves it with gunicorn (2 workers) on 127.0.0.1, and drives both endpoints with wrk
(2 threads, 10 connections), each request answering a different invitation. Both
endpoints are measured in the same run. Targets: at least 0.8x the baseline's rate,
p99 under 50 ms.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _server import app_for, gunicorn, ingest_deliveries, machine, migrated_sqlite

INVITATIONS = 48_000
#: answers of the first second, to let each worker load what it loads once
WARM_UP = 6_000
LUA = """
local tokens = {%s}
local counter = 0
local offset = 0
function setup(thread)
  thread:set("offset", offset)
  offset = offset + 1
end
function init(args)
  offset = tonumber(wrk.thread:get("offset")) or 0
end
function request()
  counter = counter + 1
  local token = tokens[((counter * 2 + offset) %% #tokens) + 1]
  local body = "%s"
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
  return wrk.format("POST", "%s" .. token, headers, body)
end
"""


def prepare(url: str, count: int = INVITATIONS) -> list[str]:
    """``count`` sent invitations with known tokens, written in bulk."""
    from sqlalchemy import insert, select

    from feedback.extensions import db
    from feedback.surveys.models import Invitation, InvitationStatus, InvitationToken
    from feedback.surveys.tokens import hash_token

    ingest_deliveries(url, count, occurred_hours_ago=24)
    app = app_for(url)
    tokens = []
    with app.app_context():
        now = datetime.now(UTC)
        db.session.execute(
            Invitation.__table__.update().values(
                status=InvitationStatus.SENT,
                sent_at=now,
                locale="en",
                expires_at=now + timedelta(days=30),
            )
        )
        rows = []
        for invitation_id in db.session.scalars(select(Invitation.id)):
            token = f"bench{invitation_id:08d}x" + "a" * 20
            tokens.append(token)
            rows.append(
                {"invitation_id": invitation_id, "token_hash": hash_token(token), "created_at": now}
            )
        db.session.connection().execute(insert(InvitationToken.__table__), rows)
        db.session.commit()
        db.engine.dispose()
    return tokens


HAPPY = "score=4&comment=Quick+delivery%2C+friendly+driver."
UNHAPPY = "score=1&comment=The+parcel+arrived+two+days+late+and+the+box+was+crushed."


def run_wrk(
    base: str, path_prefix: str, tokens: list[str], seconds: int, folder: Path, body: str = HAPPY
) -> dict:
    script = folder / f"{path_prefix.strip('/').replace('/', '_')}.lua"
    script.write_text(LUA % (",".join(f'"{t}"' for t in tokens), body, path_prefix))
    done = subprocess.run(
        ["wrk", "-t2", "-c10", f"-d{seconds}s", "--latency", "-s", str(script), base],
        capture_output=True,
        text=True,
    )
    out = done.stdout
    if "Requests/sec" not in out:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(\w+)", out)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rate": rate, "p99_ms": p99_ms, "errors": int(errors.group(1)) if errors else 0}


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    seconds = int(args[0]) if args else 10
    body = UNHAPPY if "--unhappy" in sys.argv else HAPPY
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = migrated_sqlite(folder)
        tokens = prepare(url)
        warm, tokens = tokens[:WARM_UP], tokens[WARM_UP:]
        quarter = len(tokens) // 4
        runs = {"baseline": [], "answers": []}
        with gunicorn(url, folder, app="bench.wsgi_baseline:app") as base:
            # Each worker's first answer loads the queue's rules and business calendar
            # (the holidays package's country module): once per process, not measured.
            run_wrk(base, "/bench/insert/", warm[: WARM_UP // 2], 1, folder, body)
            run_wrk(base, "/s/", warm[WARM_UP // 2 :], 1, folder, body)
            # Two rounds, alternating, so that neither side always meets the fuller
            # database and the write-ahead log's checkpoints.
            for round_ in range(2):
                part = tokens[round_ * 2 * quarter : (round_ * 2 + 2) * quarter]
                runs["baseline"].append(
                    run_wrk(base, "/bench/insert/", part[:quarter], seconds, folder, body)
                )
                runs["answers"].append(run_wrk(base, "/s/", part[quarter:], seconds, folder, body))
        baseline, answers = (
            {
                "rate": sum(r["rate"] for r in results) / len(results),
                "p99_ms": max(r["p99_ms"] for r in results),
                "errors": sum(r["errors"] for r in results),
            }
            for results in (runs["baseline"], runs["answers"])
        )
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT count(*) FROM responses")).scalar()
            opened = conn.execute(text("SELECT count(*) FROM cases")).scalar()
        engine.dispose()
    print(
        f"# {machine()}; SQLite; gunicorn 2 workers; wrk 2 threads, 10 connections; "
        f"2 rounds of {seconds} s each; mean rate, worst p99; "
        + ("unhappy answers (each opens a case)" if body == UNHAPPY else "happy answers")
    )
    for name, r in (("baseline: one INSERT", baseline), ("POST /s/<token>", answers)):
        rate, p99, errors = r["rate"], r["p99_ms"], r["errors"]
        print(f"{name:<22} {rate:8.0f} req/s  p99 {p99:6.1f} ms  non-2xx/3xx {errors}")
    print(
        f"ratio {answers['rate'] / baseline['rate']:.2f}x; responses stored: {stored}; "
        f"cases opened: {opened}"
    )


if __name__ == "__main__":
    main()
