"""Shared by the benchmarks: a migrated SQLite database and gunicorn serving the app."""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine() -> str:
    return (
        f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )


def migrated_sqlite(folder: Path) -> str:
    """A fresh SQLite database with the schema and the default surveys."""
    from flask_migrate import upgrade

    from config import TestingConfig
    from feedback import create_app
    from feedback.extensions import db
    from feedback.surveys.demo import ensure_default_surveys

    url = f"sqlite:///{folder / 'bench.db'}"
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING"})
    with app.app_context():
        upgrade()
        ensure_default_surveys()
        db.session.commit()
        db.engine.dispose()
    return url


def rss() -> float:
    """This process's resident memory (VmRSS), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def run_child(code: str, *args: str, stdin: str | None = None) -> dict:
    """Run ``code`` in a fresh interpreter (with the project and bench/ importable); the
    JSON object it prints last."""
    prelude = f"import sys; sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'bench')!r}]\n"
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", prelude + code, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def server_env(url: str, folder: Path, **extra: str) -> dict:
    """The environment of a server process of the benchmarks (gunicorn, flask worker)."""
    return {
        **os.environ,
        "FEEDBACK_ENV": "development",
        "FEEDBACK_INSTANCE_DIR": str(folder),
        "SECRET_KEY": "bench",
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def app_for(url: str, **overrides):
    from config import TestingConfig
    from feedback import create_app

    return create_app(
        TestingConfig, {"SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING", **overrides}
    )


@contextmanager
def gunicorn(url: str, folder: Path, workers: int = 2, app: str = "wsgi:app"):
    """gunicorn on 127.0.0.1 for the duration of the block; yields its base URL."""
    port = free_port()
    env = server_env(url, folder)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--preload",  # as the README runs it: the analysis models load once, before fork
        app,
    ]
    proc = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def ingest_deliveries(url: str, n: int, occurred_hours_ago: float) -> None:
    """n delivery touchpoints of n new customers (half in Chinese), ingested as the API
    would, with no cooldown, so that each schedules an invitation."""
    from datetime import UTC, datetime, timedelta

    from feedback.extensions import db
    from feedback.surveys.ingest import ingest_events
    from feedback.surveys.inputs import CustomerInput, EventInput
    from feedback.surveys.models import EventSource

    app = app_for(url, INVITATION_COOLDOWN_DAYS=0)
    occurred = datetime.now(UTC) - timedelta(hours=occurred_hours_ago)
    with app.app_context():
        for start in range(0, n, 1000):
            batch = []
            for i in range(start, min(start + 1000, n)):
                customer = CustomerInput(
                    f"c-{i}", f"c{i}@example.com", "Customer", "zh" if i % 2 else "en"
                )
                batch.append((i, EventInput(f"e-{i}", "delivery", occurred, customer)))
            ingest_events(batch, EventSource.API)
            db.session.commit()
        db.engine.dispose()
