"""Fixtures: a migrated database (SQLite, or PostgreSQL with TEST_DATABASE_URL), the app,
clients signed in per role, model factories, and a real local SMTP server."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import re
import smtplib
import socket
import threading
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPProtocol
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from config import TestingConfig
from feedback import create_app
from feedback.accounts import services as accounts
from feedback.accounts.models import Role, User
from feedback.extensions import db

PASSWORD = "correct-horse-battery"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pytest_report_header(config):
    return f"database: {_database_kind()}"


def pytest_collection_modifyitems(config, items):
    """Pages in Chromium and the API's fuzzing run on SQLite only: they exercise the same
    Python on either database, and on PostgreSQL they doubled the suite's slowest part.
    Everything they reach is tested on both databases by the other tests."""
    if _database_kind() != "postgresql":
        return
    kept, dropped = [], []
    for item in items:
        one_database = "browser" in getattr(item, "fixturenames", ()) or (
            item.module.__name__.endswith("test_api_fuzz")
        )
        (dropped if one_database else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _database_kind() -> str:
    return "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A database migrated once for the whole run; tests empty it after themselves."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        engine = create_engine(url)
        with engine.begin() as conn:
            # Start from nothing, so that the migrations alone build the schema.
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        # Every test starts empty, the first too: the migrations install data (the default
        # topics) that the tests after it would not see.
        _empty_tables()
        db.engine.dispose()
    return url


def worker_env(database_url: str, tmp_path, **extra) -> dict:
    """The environment of a `flask` process started by a test, on the test database; no
    mail server unless ``extra`` names one."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "DATABASE_"))},
        "FEEDBACK_ENV": "development",
        "FEEDBACK_INSTANCE_DIR": str(tmp_path),
        "SECRET_KEY": "worker-test",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


@contextlib.contextmanager
def scratch_app(database_url: str, tmp_path, name: str):
    """An app on an empty database of its own (a SQLite file, or a PostgreSQL schema named
    ``name``), for a test that migrates from an old revision; the schema goes afterwards."""
    if database_url.startswith("sqlite"):
        yield create_app(
            TestingConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}.db"}
        )
        return
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {name}"))
    try:
        url = f"{database_url}?options=-csearch_path%3D{name}"
        yield create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {name} CASCADE"))
        engine.dispose()


class Client(FlaskClient):
    """A test client that can fill in the CSRF token, as the browser's form would.

    Each request runs in an empty context, as on a real server: it gets its own app
    context, ``g`` and database session instead of sharing the test's.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            # The test's own session commits, so that the request sees its data and the
            # test sees the request's changes afterwards (SQLite keeps read snapshots).
            db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.commit()
        return response

    def csrf_token(self) -> str:
        page = self.get("/login", follow_redirects=True).get_data(as_text=True)
        match = CSRF_RE.search(page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, **kwargs):
        """POST a form with a valid CSRF token."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_CAPTURE_DIR": str(tmp_path / "mail"),
        },
    )
    app.test_client_class = Client
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - our own table names


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Factory: make_user(role=Role.AGENT, email=None, **fields) -> User, committed."""
    counter = iter(range(1, 10_000))

    def make(role: Role = Role.AGENT, email: str | None = None, **fields) -> User:
        email = email or f"{role.value}{next(counter)}@example.com"
        user = accounts.create_user(email, fields.pop("password", PASSWORD), role)
        for name, value in fields.items():
            setattr(user, name, value)
        db.session.commit()
        return user

    return make


def sign_in(client: Client, user: User, password: str = PASSWORD):
    return client.submit("/login", {"email": user.email, "password": password})


def _signed_in_client(app, make_user, role: Role) -> Client:
    client = app.test_client()
    user = make_user(role)
    response = sign_in(client, user)
    assert response.status_code == 302, response.get_data(as_text=True)
    client.user = user
    return client


@pytest.fixture
def agent_client(app, make_user) -> Client:
    return _signed_in_client(app, make_user, Role.AGENT)


@pytest.fixture
def manager_client(app, make_user) -> Client:
    return _signed_in_client(app, make_user, Role.MANAGER)


@pytest.fixture
def admin_client(app, make_user) -> Client:
    return _signed_in_client(app, make_user, Role.ADMIN)


# --- mail -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_real_smtp(request, monkeypatch):
    """Fail any test that opens an SMTP connection without asking for the local server."""
    if "smtp_server" in request.fixturenames:
        return

    def refuse(self, host="localhost", port=0, source_address=None):
        pytest.fail(f"test opened a real SMTP connection to {host}:{port}")

    monkeypatch.setattr(smtplib.SMTP, "connect", refuse)


class RecordingHandler:
    """aiosmtpd handler that keeps every message; set ``refuse`` to answer 451 instead."""

    def __init__(self):
        self.messages: list[Message] = []
        #: each message's bytes as the server received them
        self.raw: list[bytes] = []
        self.refuse = False
        #: answer RCPT with a 550 that quotes the address, as real servers do
        self.reject_recipients = False
        #: seconds to take over each message, like a real server under load
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_recipients:
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refuse:
            return "451 4.3.0 Try again later"
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
            self.raw.append(envelope.original_content or envelope.content)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalSMTP(Controller):
    def factory(self):
        return SMTPProtocol(self.handler, hostname="localhost", ident="test-smtp")


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on 127.0.0.1; the app is configured to send through it."""
    handler = RecordingHandler()
    controller = LocalSMTP(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    app.extensions["mail"].server = "127.0.0.1"
    app.extensions["mail"].port = controller.port
    app.extensions["mail"].suppress = False
    controller.handler_obj = handler
    yield controller
    controller.stop()


# --- surveys --------------------------------------------------------------------------


@pytest.fixture
def surveys(app):
    """The default touchpoint types and surveys of the demo (no demo customers)."""
    from feedback.surveys.demo import ensure_default_surveys

    ensure_default_surveys()
    db.session.commit()


@pytest.fixture
def link(app, surveys, api):
    """The answer page path of a freshly sent CSAT invitation (scores 1 to 5)."""
    from feedback.outbox.delivery import deliver_due
    from feedback.surveys import invitations
    from tests.surveys_helpers import captured, event, html_links, local

    api("/api/v1/touchpoints", event())
    invitations.send_due_invitations()
    deliver_due("test")
    return local(html_links(captured(app)[0])[0]).split("?")[0]


@pytest.fixture
def api_key(app) -> str:
    key = accounts.create_api_key("tests")[1]
    db.session.commit()
    return key


@pytest.fixture
def api(client, api_key):
    """post(path, json) with the API key."""

    def post(path: str, body, **kwargs):
        headers = {"Authorization": f"Bearer {api_key}", **kwargs.pop("headers", {})}
        return client.post(path, json=body, headers=headers, **kwargs)

    return post


# --- a real browser -------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def live_server(app):
    """The app served over HTTP on 127.0.0.1, in a thread, for the browser."""
    from werkzeug.serving import make_server

    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser():
    """Debian's Chromium through Playwright (no browser download). Skipped where it is not
    installed, except under CI, where its absence fails the run."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must have Debian's chromium at /usr/bin/chromium")
        pytest.skip("Debian's chromium is not installed")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
