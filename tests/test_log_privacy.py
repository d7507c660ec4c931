"""The request log and the worker's log lines carry no personal data."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.outbox.services import queue_email
from tests.conftest import worker_env

ROOT = Path(__file__).resolve().parent.parent


def test_worker_log_masks_the_address_an_smtp_refusal_quotes(
    app, smtp_server, database_url, tmp_path
):
    queue_email("ann.lee@example.com", "Hello", "Text", "<p>HTML</p>")
    db.session.commit()
    smtp_server.handler_obj.reject_recipients = True
    env = worker_env(
        database_url, tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_server.port)
    )
    worker = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=90,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr.decode()
    log = worker.stderr.decode()
    refused = [line for line in log.splitlines() if "outbox.retry" in line]
    assert len(refused) == 1, log
    assert "Recipient address rejected" in refused[0]
    assert "ann.lee" not in log
    assert "<***>" in refused[0]


@pytest.fixture
def log_output(app):
    """What the app's log handler writes, as the operator's terminal would show it."""
    (handler,) = logging.getLogger("feedback").handlers
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@pytest.mark.parametrize(
    ("path", "personal"),
    [
        ("/api/v1/customers/c-4711-ann", "c-4711-ann"),
        ("/customers/ann.lee@example.com", "ann.lee"),
        ("/customers/+86 138 0013 8000", "138 0013"),
        ("/customers/13800138000", "13800138000"),
    ],
)
def test_request_log_masks_personal_data_in_the_path(app, log_output, path, personal):
    app.add_url_rule("/api/v1/customers/<external_id>", "customer_probe", lambda external_id: "ok")
    app.test_client().get(path, query_string={"email": "ann.lee@example.com"})
    (line,) = [line for line in log_output.getvalue().splitlines() if "feedback.request" in line]
    assert personal not in line
    assert "ann.lee" not in line
    assert "***" in line


def test_an_id_in_the_path_stays_readable(manager_client, log_output):
    manager_client.get("/customers/12345678")
    assert "path=/customers/12345678 status=404" in log_output.getvalue()


def test_a_database_error_in_the_log_names_no_values(app, log_output):
    db.session.add(Customer(external_id="c-4711-ann", email="ann.lee@example.com", name="Ann"))
    db.session.commit()
    db.session.add(Customer(external_id="c-4711-ann", name="Ann"))
    with pytest.raises(IntegrityError) as caught:
        db.session.commit()
    db.session.rollback()
    # as feedback/errors.py logs an unhandled error
    app.logger.error("unhandled %s", type(caught.value).__name__, exc_info=caught.value)
    log = log_output.getvalue()
    assert "IntegrityError" in log
    assert "c-4711-ann" not in log
    assert "ann.lee" not in log
