"""How long a comment waits for its tags: from the answer to the worker's tagging.

    python bench/tagging_latency.py [RATE] [SECONDS]

Serves an SQLite database with sent invitations with gunicorn (2 workers) and runs one
`flask worker` beside it, on 127.0.0.1, as `make run` and production do. A client posts
answers with a real comment each (the public review sets, half English and half Chinese,
a third of them unhappy) at RATE answers a second (default 50) for SECONDS (default 20),
then waits until every comment is tagged (at most 60 s). Prints the answers' rate, their
p99, and the wait from each answer to its tags (responses.tagged_at - answered_at): p50,
p99, max. Target: p99 under 10 s.
"""

from __future__ import annotations

import http.client
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from _server import gunicorn, machine, migrated_sqlite, server_env  # noqa: E402


def post_answers(base: str, tokens: list[str], comments: list[str], rate: float) -> list[float]:
    """POST each answer on schedule, one connection each; returns their times in ms."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    times, started = [], time.monotonic()
    for n, (token, comment) in enumerate(zip(tokens, comments, strict=True)):
        delay = started + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        score = "1" if n % 3 == 0 else "5"
        body = urllib.parse.urlencode({"score": score, "comment": comment})
        mark = time.perf_counter()
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        connection.request(
            "POST", f"/s/{token}", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        status = connection.getresponse().status
        connection.close()
        assert status == 303, status
        times.append((time.perf_counter() - mark) * 1000)
    return times


def main() -> None:
    import answer_post
    from sqlalchemy import create_engine, text

    from training import data

    args = [float(a) for a in sys.argv[1:]]
    rate = args[0] if args else 50.0
    seconds = args[1] if len(args) > 1 else 20.0
    count = int(rate * seconds)
    english, chinese = [t for t, _ in data.english()], [t for t, _ in data.chinese()]
    comments = [(english if n % 2 else chinese)[n // 2 % 500] for n in range(count)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = migrated_sqlite(folder)
        tokens = answer_post.prepare(url, count + 100)
        env = server_env(url, folder, WORKER_POLL_SECONDS="5")
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT, env=env
        )
        engine = create_engine(url)
        try:
            with gunicorn(url, folder) as base:
                # the worker's models and each web worker's first answer load first
                post_answers(base, tokens[count:], comments[:100], 20)
                time.sleep(5)
                posted = post_answers(base, tokens[:count], comments, rate)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with engine.connect() as conn:
                    waiting = conn.execute(
                        text("SELECT COUNT(*) FROM responses WHERE tagged_at IS NULL")
                    ).scalar()
                if not waiting:
                    break
                time.sleep(0.5)
            with engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT answered_at, tagged_at FROM responses ORDER BY id")
                ).all()
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
            engine.dispose()
    from datetime import datetime

    waits = sorted(
        (datetime.fromisoformat(str(t)) - datetime.fromisoformat(str(a))).total_seconds()
        for a, t in rows[-count:]
        if t is not None
    )
    untagged = count - len(waits)
    posted.sort()
    print(
        f"# {machine()}; SQLite; gunicorn 2 workers and one flask worker; {count} answers"
        f" with comments at {rate:g}/s"
    )
    print(
        f"answers: p50 {statistics.median(posted):.1f} ms, "
        f"p99 {posted[int(len(posted) * 0.99)]:.1f} ms"
    )
    print(
        f"answer to tags: p50 {statistics.median(waits):.2f} s, "
        f"p99 {waits[int(len(waits) * 0.99)]:.2f} s, max {waits[-1]:.2f} s"
        f"; untagged after 60 s: {untagged} (target: p99 under 10 s)"
    )


if __name__ == "__main__":
    main()
