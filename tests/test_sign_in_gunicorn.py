"""The sign-in limit under the README's production server, `gunicorn --preload -w 4`:
four processes share one count, because the count is in the database."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import CSRF_RE, PASSWORD, _free_port

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
ATTEMPTS = 24


def _request(port: int, method: str, path: str, body: str = "", cookie: str = ""):
    """One request on a connection of its own: (status, headers, text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


@pytest.fixture
def gunicorn(database_url, tmp_path):
    """gunicorn --preload -w 4 on a free port of 127.0.0.1, on the test database (a SQLite
    file, or PostgreSQL with TEST_DATABASE_URL); stopped, with its workers, at the end."""
    if not GUNICORN.exists():
        pytest.fail("gunicorn is missing: pip install -e '.[dev]'")
    port = _free_port()
    env = {
        **os.environ,
        "FEEDBACK_ENV": "testing",
        "DATABASE_URL": database_url,
        "FEEDBACK_INSTANCE_DIR": str(tmp_path),
        "MAIL_CAPTURE_DIR": str(tmp_path / "mail"),
    }
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [str(GUNICORN), "--preload", "-w", "4", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so that the workers stop too
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()


@pytest.mark.timeout(300)
def test_four_workers_judge_no_more_wrong_passwords_than_the_limit(app, make_user, gunicorn):
    email = make_user().email
    status, headers, page = _request(gunicorn, "GET", "/login")
    assert status == 200
    cookie = headers["Set-Cookie"].split(";")[0]
    token = CSRF_RE.search(page).group(1)

    def attempt(password: str) -> int:
        body = urlencode({"csrf_token": token, "email": email, "password": password})
        return _request(gunicorn, "POST", "/login", body, cookie)[0]

    # Eight at a time, so that every worker takes some and races the others.
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(attempt, ["wrong-password"] * ATTEMPTS))

    judged = statuses.count(401)
    assert statuses.count(401) + statuses.count(429) == ATTEMPTS, statuses
    assert 1 <= judged <= app.config["SIGN_IN_FAILURES_PER_ACCOUNT"], statuses
    assert attempt(PASSWORD) == 429  # the right password waits too
