"""How fast the outbox delivers mail, against sending the same mail directly.

Run by hand: `make bench` or `.venv/bin/python bench/outbox_throughput.py [N]`.
Starts a local SMTP server (aiosmtpd) on 127.0.0.1 and measures, in one run:

- baseline: smtplib sends N messages over one connection, no database at all;
- outbox, 1 worker: N rows queued, then `deliver_due` claims, sends and records them;
- outbox, 2 workers: the same with two `flask worker --once` processes side by side.

On SQLite always; on PostgreSQL too when BENCH_POSTGRES_URL is set (the database is
emptied first). Prints one line per case with messages per second.
"""

from __future__ import annotations

import os
import platform
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import TestingConfig  # noqa: E402
from feedback import create_app  # noqa: E402
from feedback.extensions import db  # noqa: E402
from feedback.outbox.delivery import deliver_due  # noqa: E402
from feedback.outbox.services import queue_email  # noqa: E402


class Counter:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def baseline(n: int, port: int) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(n):
            msg = EmailMessage()
            msg["From"] = "bench@localhost"
            msg["To"] = f"c{i}@example.com"
            msg["Subject"] = f"Hello {i}"
            msg.set_content(f"Text {i}")
            msg.add_alternative(f"<p>HTML {i}</p>", subtype="html")
            smtp.send_message(msg)
    return time.perf_counter() - started


def prepare(url: str) -> None:
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    from flask_migrate import upgrade

    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING"})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def queue(app, n: int) -> None:
    with app.app_context():
        db.session.execute(text("DELETE FROM outbox_messages"))
        for i in range(n):
            queue_email(f"c{i}@example.com", f"Hello {i}", f"Text {i}", f"<p>HTML {i}</p>")
        db.session.commit()


def one_worker(url: str, n: int, port: int) -> float:
    app = create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "LOG_LEVEL": "WARNING",
        },
    )
    queue(app, n)
    with app.app_context():
        started = time.perf_counter()
        report = deliver_due("bench")
        elapsed = time.perf_counter() - started
        assert report.sent == n, report
        db.engine.dispose()
    return elapsed


def two_workers(url: str, n: int, port: int, instance: str) -> float:
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING"})
    queue(app, n)
    with app.app_context():
        db.engine.dispose()
    env = {
        **os.environ,
        "FEEDBACK_ENV": "development",
        "FEEDBACK_INSTANCE_DIR": instance,
        "SECRET_KEY": "bench",
        "DATABASE_URL": url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--once"]
    started = time.perf_counter()
    procs = [subprocess.Popen(command, cwd=ROOT, env=env) for _ in range(2)]
    for proc in procs:
        proc.wait(timeout=600)
        assert proc.returncode == 0
    # Includes two interpreter start-ups (about 0.6 s each, in parallel).
    return time.perf_counter() - started


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    counter = Counter()
    port = free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    print(
        f"# {platform.node()} {platform.machine()} {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {n} messages, local aiosmtpd"
    )
    rate = lambda s: f"{n / s:8.0f} msg/s  ({s:6.2f} s)"  # noqa: E731
    print(f"baseline smtplib, no database      {rate(baseline(n, port))}")
    with tempfile.TemporaryDirectory() as tmp:
        urls = [("sqlite", f"sqlite:///{tmp}/bench.db")]
        if os.environ.get("BENCH_POSTGRES_URL"):
            pg = os.environ["BENCH_POSTGRES_URL"].replace("postgresql://", "postgresql+psycopg://")
            urls.append(("postgresql", pg))
        for name, url in urls:
            prepare(url)
            print(f"outbox {name:<10} 1 worker          {rate(one_worker(url, n, port))}")
            print(f"outbox {name:<10} 2 workers (procs) {rate(two_workers(url, n, port, tmp))}")
    controller.stop()


if __name__ == "__main__":
    main()
