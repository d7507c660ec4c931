"""The managers' dashboard at scale: the page with default filters against ONE raw SQL
GROUP BY over the same answers, measured in the same run, and the memory of a full
CSV export. Run by hand, on a database filled by bench/dashboard_data.py:

    python bench/dashboard_data.py --responses 1000000 --database sqlite:////tmp/dash_1m.db --fresh
    python bench/dashboard.py --database sqlite:////tmp/dash_1m.db [--runs 15] [--export] [--views]

The page and the GROUP BY alternate, one of each a round; medians of the rounds.

The manager's time zone is the report zone the generator counted days in (Asia/Shanghai).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._server import app_for, machine  # noqa: E402

ZONE = "Asia/Shanghai"
EMAIL, PASSWORD = "bench-manager@example.com", "bench-manager-pass"


def _url(database: str) -> str:
    return database.replace("postgresql://", "postgresql+psycopg://", 1)


def _signed_in(app):
    from sqlalchemy import select

    from feedback.accounts import services as accounts
    from feedback.accounts.models import Role, User
    from feedback.extensions import db

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == EMAIL))
        if user is None:
            user = accounts.create_user(EMAIL, PASSWORD, Role.MANAGER)
        user.timezone = ZONE
        db.session.commit()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"csrf_token": token, "email": EMAIL, "password": PASSWORD}
    )
    assert response.status_code == 302, response.status_code
    return client


def _median_ms(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def page_against_group_by(database: str, runs: int) -> dict:
    from sqlalchemy import text

    from feedback.dashboard.periods import resolve
    from feedback.extensions import db
    from feedback.timeutil import utcnow

    app = app_for(_url(database), REPORT_TIMEZONE=ZONE, BABEL_DEFAULT_TIMEZONE=ZONE)
    client = _signed_in(app)
    with app.app_context():
        today = utcnow().astimezone(__import__("zoneinfo").ZoneInfo(ZONE)).date()
        period = resolve("30d", today, ZONE)
        params = {"start": period.start(), "end": period.end()}
        if db.engine.dialect.name == "sqlite":  # stored as naive UTC text there
            params = {k: v.replace(tzinfo=None).isoformat(" ") for k, v in params.items()}
        period_sql = text(
            "SELECT survey_id, score, COUNT(*) FROM responses"
            " WHERE answered_at >= :start AND answered_at < :end GROUP BY survey_id, score"
        )
        table_sql = text(
            "SELECT survey_id, score, COUNT(*) FROM responses GROUP BY survey_id, score"
        )
        connection = db.engine.connect()
        rows = connection.execute(text("SELECT COUNT(*) FROM responses")).scalar()
        in_period = sum(r[2] for r in connection.execute(period_sql, params))
        table_ms = _median_ms(lambda: connection.execute(table_sql).all(), max(3, runs // 3))
    for _ in range(3):
        connection.execute(period_sql, params).all()
        assert client.get("/dashboard").status_code == 200
    # Alternating, one GROUP BY then one page a round, so that a busier moment of a shared
    # machine weighs on both alike.
    group_by_times, page_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        connection.execute(period_sql, params).all()
        group_by_times.append((time.perf_counter() - start) * 1000)
        connection.rollback()  # no transaction left open across the page
        start = time.perf_counter()
        status = client.get("/dashboard").status_code
        page_times.append((time.perf_counter() - start) * 1000)
        assert status == 200, status
    connection.close()
    period_ms, page_ms = statistics.median(group_by_times), statistics.median(page_times)
    # The page alone too: at 5M each round's GROUP BY reads ~300,000 answers, which push
    # the summary tables out of PostgreSQL's buffers; the 1M and 5M pages compare alone.
    alone_ms = _median_ms(lambda: client.get("/dashboard"), runs)
    faster = sum(p < g for p, g in zip(page_times, group_by_times, strict=True))
    return {
        "rows": rows,
        "in_period": in_period,
        "rounds": runs,
        "page_faster": faster,
        "page_alone_ms": alone_ms,
        "page_ms": page_ms,
        "group_by_period_ms": period_ms,
        "group_by_table_ms": table_ms,
    }


#: filtered views a manager may open, for --views (the page alone, medians)
VIEWS = (
    "?range=year&tier=gold",
    "?range=90d&language=zh",
    "?range=quarter&touchpoint=delivery",
    "?range=year&interval=month",
)


def filtered_views(database: str, runs: int) -> dict[str, float]:
    """The page alone with each of VIEWS: median ms of ``runs``, after two warm-ups."""
    app = app_for(_url(database), REPORT_TIMEZONE=ZONE, BABEL_DEFAULT_TIMEZONE=ZONE)
    client = _signed_in(app)
    result = {}
    for query in VIEWS:
        for _ in range(2):
            assert client.get("/dashboard" + query).status_code == 200
        result[query] = _median_ms(lambda q=query: client.get("/dashboard" + q), runs)
    return result


def export_memory(database: str) -> dict:
    """In a child process: peak RSS after start-up, then after streaming every answer."""
    code = f"""
import resource, sys, time
sys.path.insert(0, {str(ROOT)!r})
from bench.dashboard import _signed_in, _url, ZONE
from bench._server import app_for
app = app_for(_url({database!r}), REPORT_TIMEZONE=ZONE, BABEL_DEFAULT_TIMEZONE=ZONE)
client = _signed_in(app)
client.get("/dashboard")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
from datetime import date, timedelta
today = date.today()
response = client.get(
    f"/dashboard/export.csv?range=custom&start={{today - timedelta(days=1500)}}&end={{today}}",
    buffered=False)
assert response.status_code == 200, response.status_code
size = lines = 0
for chunk in response.response:
    size += len(chunk)
    lines += chunk.count(b"\\n") if isinstance(chunk, bytes) else chunk.count("\\n")
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(before, after, size, lines, seconds)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    before, after, size, lines, seconds = out[-5:]
    return {
        "rss_before_mb": int(before) / 1024,
        "rss_peak_mb": int(after) / 1024,
        "bytes": int(size),
        "lines": int(lines),
        "seconds": float(seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--export", action="store_true", help="also stream a full export")
    parser.add_argument("--views", action="store_true", help="also time filtered views")
    options = parser.parse_args()
    print(f"machine: {machine()}")
    result = page_against_group_by(options.database, options.runs)
    print(
        f"{result['rows']:,} answers, {result['in_period']:,} in the last 30 days\n"
        f"| what | median ms |\n|---|---|\n"
        f"| dashboard page, default filters (30 days) | {result['page_ms']:.1f} |\n"
        f"| the page alone, not between GROUP BYs | {result['page_alone_ms']:.1f} |\n"
        f"| one GROUP BY over the 30 days' answers | {result['group_by_period_ms']:.1f} |\n"
        f"| one GROUP BY over all answers | {result['group_by_table_ms']:.1f} |\n"
        f"page / GROUP BY over the same 30 days: "
        f"{result['page_ms'] / result['group_by_period_ms']:.2f}x; the page was faster in "
        f"{result['page_faster']} of {result['rounds']} alternating rounds"
    )
    if options.views:
        for query, ms in filtered_views(options.database, max(5, options.runs // 3)).items():
            print(f"| the page alone, /dashboard{query} | {ms:.1f} |")
    if options.export:
        memory = export_memory(options.database)
        print(
            f"export: {memory['lines'] - 1:,} rows, {memory['bytes'] / 1e6:.0f} MB of CSV in "
            f"{memory['seconds']:.0f} s; peak RSS {memory['rss_peak_mb']:.0f} MB "
            f"(after start-up {memory['rss_before_mb']:.0f} MB)"
        )


if __name__ == "__main__":
    main()
