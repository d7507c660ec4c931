"""Batch ingestion through POST /api/v1/touchpoints/batch, on SQLite, under gunicorn.

Run by hand: `.venv/bin/python bench/ingest_batch.py [BATCHES]`. Two client threads
post batches of 1,000 new events (each a new customer, about a third of them with a
survey to schedule) over keep-alive connections to gunicorn with 2 workers on 127.0.0.1.
Target: at least 10,000 events per second.
"""

from __future__ import annotations

import http.client
import json
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _server import app_for, gunicorn, machine, migrated_sqlite

TOUCHPOINTS = ("delivery", "purchase", "support_call")


def batch_body(number: int, size: int = 1000) -> bytes:
    occurred = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    events = [
        {
            "external_id": f"bench-{number}-{i}",
            "touchpoint": TOUCHPOINTS[i % 3],
            "occurred_at": occurred,
            "customer": {
                "external_id": f"c-{number}-{i}",
                "email": f"c{number}x{i}@example.com",
                "name": "Bench Customer",
                "locale": "zh" if i % 2 else "en",
            },
            "properties": {"store": "Shanghai"},
        }
        for i in range(size)
    ]
    return json.dumps({"events": events}).encode()


def api_key(url: str) -> str:
    from feedback.accounts.services import create_api_key
    from feedback.extensions import db

    app = app_for(url)
    with app.app_context():
        key = create_api_key("bench")[1]
        db.session.commit()
        db.engine.dispose()
    return key


def main() -> None:
    batches = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = migrated_sqlite(folder)
        key = api_key(url)
        bodies = [batch_body(n) for n in range(batches + 2)]
        with gunicorn(url, folder) as base:
            port = int(base.rsplit(":", 1)[1])
            headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
            failures = []

            def post(body, connection):
                connection.request("POST", "/api/v1/touchpoints/batch", body, headers)
                response = connection.getresponse()
                payload = response.read()
                if response.status != 200 or json.loads(payload)["created"] != 1000:
                    failures.append(response.status)

            warm = http.client.HTTPConnection("127.0.0.1", port)
            for body in bodies[:2]:  # both workers warm, the first batch's schema caches
                post(body, warm)
            queue = list(bodies[2:])
            lock = threading.Lock()

            def client():
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                while True:
                    with lock:
                        if not queue:
                            return
                        body = queue.pop()
                    post(body, connection)

            started = time.perf_counter()
            threads = [threading.Thread(target=client) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        assert not failures, failures
    events = batches * 1000
    print(f"# {machine()}; SQLite; gunicorn 2 workers; 2 clients; batches of 1,000")
    print(
        f"batch ingestion: {events / elapsed:,.0f} events/s ({events:,} events in {elapsed:.2f} s)"
    )


if __name__ == "__main__":
    main()
