"""The application shell: configuration, health, error pages, logging, migrations."""

from __future__ import annotations

import logging
import os
import smtplib
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import String, Text, select, text

from config import TestingConfig
from feedback import create_app
from feedback.extensions import db
from feedback.surveys.models import Response

ROOT = Path(__file__).resolve().parent.parent


def _flask(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "BASE_URL"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _flask(
        {
            "FEEDBACK_ENV": "production",
            "BASE_URL": "https://fb.example.com",
            "FEEDBACK_INSTANCE_DIR": str(tmp_path),
        },
        "routes",
    )
    assert result.returncode != 0
    assert "FEEDBACK_ENV=production needs SECRET_KEY set in the environment" in result.stderr


def test_production_starts_with_its_settings(tmp_path):
    result = _flask(
        {
            "FEEDBACK_ENV": "production",
            "SECRET_KEY": "x" * 64,
            "BASE_URL": "https://fb.example.com",
            "FEEDBACK_INSTANCE_DIR": str(tmp_path),
        },
        "routes",
    )
    assert result.returncode == 0, result.stderr
    assert "/healthz" in result.stdout


def test_development_defaults_to_sqlite_and_mail_capture_in_instance():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "DATABASE_"))}
    env.pop("FEEDBACK_INSTANCE_DIR", None)
    env["FEEDBACK_ENV"] = "development"
    code = (
        "import config; c = config.DevelopmentConfig; "
        "print(c.SQLALCHEMY_DATABASE_URI); print(c.MAIL_SERVER); print(c.MAIL_CAPTURE_DIR)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    uri, server, capture = result.stdout.split()
    assert uri == f"sqlite:///{ROOT / 'instance' / 'feedback.db'}"
    assert server == "None"
    assert capture == str(ROOT / "instance" / "mail")


def test_sqlite_database_gets_wal_and_foreign_keys(tmp_path):
    env = {
        "FEEDBACK_ENV": "development",
        "FEEDBACK_INSTANCE_DIR": str(tmp_path),
        "DATABASE_URL": "",
    }
    result = _flask(env, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    connection = sqlite3.connect(tmp_path / "feedback.db")
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()
    app = create_app(
        TestingConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'feedback.db'}"}
    )
    with app.app_context():
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.session.remove()
        db.engine.dispose()


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "up"}


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////proc/no-such-dir/feedback.db",
        "postgresql+psycopg://feedback@127.0.0.1:1/none?connect_timeout=2",
    ],
)
def test_healthz_503_when_database_does_not_answer(url):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "down"


def test_api_errors_are_json_in_the_agreed_shape(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    body = response.get_json()
    assert body["error"]["code"] == "not_found"
    assert body["error"]["message"]
    assert body["error"]["fields"] == {}


def test_wrong_method_gets_405_page(client):
    response = client.delete("/login")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert "That action is not allowed here" in response.get_data(as_text=True)


def test_unexpected_error_gets_500_page_in_both_languages_and_json_under_api(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def boom():
        raise RuntimeError("kaput")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/v1/boom", "api_boom", boom)
    client = app.test_client()
    english = client.get("/boom", headers={"Accept-Language": "en"})
    assert english.status_code == 500
    assert "Something went wrong on our side" in english.get_data(as_text=True)
    chinese = client.get("/boom", headers={"Accept-Language": "zh"})
    assert "我们这边出了点问题" in chinese.get_data(as_text=True)
    api = client.get("/api/v1/boom")
    assert api.status_code == 500
    assert api.get_json()["error"]["code"] == "internal_error"
    assert "kaput" not in api.get_data(as_text=True)


def test_each_request_is_one_log_line_without_the_password(client, make_user, caplog):
    user = make_user()
    with caplog.at_level(logging.INFO, logger="feedback"):
        client.submit("/login", {"email": user.email, "password": "correct-horse-battery"})
    lines = [r.getMessage() for r in caplog.records if r.name == "feedback.request"]
    posted = [line for line in lines if "method=POST" in line]
    assert len(posted) == 1
    assert "path=/login status=302" in posted[0]
    assert "ms=" in posted[0]
    assert all("correct-horse-battery" not in r.getMessage() for r in caplog.records)


def test_secret_url_parts_are_masked_in_the_log(app, caplog):
    app.add_url_rule("/s/<token>", "survey_probe", lambda token: "ok")
    with caplog.at_level(logging.INFO, logger="feedback"):
        app.test_client().get("/s/very-secret-token-value?score=9")
    line = next(r.getMessage() for r in caplog.records if r.name == "feedback.request")
    assert "path=/s/*** " in line
    assert "very-secret" not in line


def _same_type(context, inspected, metadata, inspected_type, metadata_type):
    """Alembic's type comparison, except that SQLite's VARCHAR lengths do not count:
    SQLite does not enforce them, and an enum's column keeps the length of its longest
    value when it was made (a longer value added later is stored whole)."""
    both = (inspected_type, metadata_type)
    if context.dialect.name == "sqlite" and all(
        isinstance(t, String) and not isinstance(t, Text) for t in both
    ):
        return False
    return None  # Alembic's own comparison


def test_migrations_build_exactly_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": _same_type})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_a_test_that_opens_smtp_without_the_local_server_fails():
    with pytest.raises(pytest.fail.Exception, match="real SMTP connection"):
        smtplib.SMTP("127.0.0.1", 25)


def test_times_are_shown_in_the_viewers_time_zone(admin_client, make_user):
    user = make_user(email="seen@example.com")
    user.last_login_at = datetime(2026, 1, 1, 16, 30, tzinfo=UTC)
    db.session.commit()
    utc_page = admin_client.get("/admin/users").get_data(as_text=True).replace("\u202f", " ")
    assert "Jan 1, 2026, 4:30:00 PM" in utc_page

    admin_client.submit("/account", {"prefs-locale": "", "prefs-timezone": "Asia/Shanghai"})
    page = admin_client.get("/admin/users").get_data(as_text=True).replace("\u202f", " ")
    assert "Jan 2, 2026, 12:30:00 AM" in page
    assert 'datetime="2026-01-01T16:30:00+00:00"' in page  # stored and marked up in UTC


def test_unknown_time_zone_is_refused(agent_client):
    response = agent_client.submit("/account", {"prefs-locale": "", "prefs-timezone": "Mars/Base"})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_a_web_worker_answers_without_loading_the_analysis_models(link, database_url):
    """The answer page stores the answer; the worker tags its comment. A web process that
    served an answer with a comment has imported none of the models' libraries."""
    code = f"""
import sys
from config import TestingConfig
from feedback import create_app
app = create_app(TestingConfig, {{"SQLALCHEMY_DATABASE_URI": {database_url!r}}})
response = app.test_client().post({link!r}, data={{"score": "2", "comment": "太慢了"}})
heavy = [name for name in ("lingua", "jieba", "textblob", "vaderSentiment", "zhconv")
         if name in sys.modules]
print(response.status_code, heavy)
"""
    db.session.commit()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.splitlines()[-1:] == ["303 []"], result.stderr
    assert db.session.scalar(select(Response.comment)) == "太慢了"
