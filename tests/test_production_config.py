"""Production refuses a weak secret key and warns when BASE_URL is not https."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import ConfigError, ProductionConfig
from feedback import create_app

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" * 32
MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


def _run(
    command: list[str], tmp_path, timeout: int = 60, **env_overrides: str
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "BASE_URL"}}
    env.update(
        FEEDBACK_ENV="production",
        FEEDBACK_INSTANCE_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'feedback.db'}",
        **env_overrides,
    )
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _flask_routes(tmp_path, **env) -> subprocess.CompletedProcess:
    return _run([sys.executable, "-m", "flask", "--app", "wsgi", "routes"], tmp_path, **env)


def test_a_short_secret_key_refuses_to_start_and_says_how_to_make_one(tmp_path):
    result = _flask_routes(tmp_path, SECRET_KEY="x", BASE_URL="https://fb.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY is too short" in result.stderr
    assert "at least 32 characters (this one has 1)" in result.stderr
    assert MAKE_A_KEY in result.stderr
    assert "/healthz" not in result.stdout


def test_gunicorn_stops_rather_than_serve_with_a_short_key(tmp_path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed")
    command = [str(gunicorn), "--bind", "127.0.0.1:0", "--workers", "1", "wsgi:app"]
    # a gunicorn that started serving would run until the timeout fails the test
    result = _run(
        command, tmp_path, timeout=30, SECRET_KEY="x" * 31, BASE_URL="https://fb.example.com"
    )
    assert result.returncode != 0
    assert "SECRET_KEY is too short" in result.stderr
    assert "Worker failed to boot" in result.stderr


def _production_app(secret_key: str):
    overrides = {
        "SECRET_KEY": secret_key,
        "BASE_URL": "https://fb.example.com",
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
    }
    return create_app(ProductionConfig, overrides)


def test_31_characters_are_refused_and_32_accepted():
    with pytest.raises(ConfigError, match="SECRET_KEY is too short"):
        _production_app("k" * 31)
    assert _production_app("k" * 32).config["SECRET_KEY"] == "k" * 32


def test_an_http_base_url_starts_with_a_warning_about_a_tls_proxy(tmp_path):
    result = _flask_routes(tmp_path, SECRET_KEY=STRONG_KEY, BASE_URL="http://fb.example.com")
    assert result.returncode == 0, result.stderr
    assert "/healthz" in result.stdout
    warning = next(line for line in result.stderr.splitlines() if "BASE_URL" in line)
    assert "WARNING feedback.config" in warning
    assert "BASE_URL=http://fb.example.com is not https" in warning
    assert "If a proxy serves the site over https" in warning


def test_an_https_base_url_starts_without_a_warning(tmp_path):
    result = _flask_routes(tmp_path, SECRET_KEY=STRONG_KEY, BASE_URL="https://fb.example.com")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
