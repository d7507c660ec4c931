"""One log line per request and per worker action, with timing, without secrets or
personal data: survey tokens, API keys, email addresses, phone numbers and customers'
external ids are masked as ``***``."""

from __future__ import annotations

import logging
import re
import sys
import time

from flask import Flask, g, request
from flask_login import current_user

#: URL parts that are secrets or identify a customer, masked in the log
MASKED_VIEW_ARGS = frozenset({"token", "key", "external_id", "email", "phone"})

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: PostgreSQL's error detail quotes the value: "Key (email)=(ann@example.com) already exists"
KEY_DETAIL = re.compile(r"(Key \([^)]*\)=\().*(\) )")
#: a whole path segment that looks like a phone number: 7 or more digits and separators
PHONE = re.compile(r"\+?[\d ().-]{7,}")


class KeyValueFormatter(logging.Formatter):
    """`2026-11-22T10:00:00Z INFO feedback.request method=GET ...`, one line per record."""

    converter = time.gmtime

    def __init__(self):
        super().__init__("%(asctime)sZ %(levelname)s %(name)s %(message)s", "%Y-%m-%dT%H:%M:%S")

    def format(self, record):
        line = super().format(record)
        # Messages and tracebacks may quote an address (an SMTP server's refusal does) or
        # a value (PostgreSQL's detail of a unique violation does).
        line = KEY_DETAIL.sub(r"\1***\2", EMAIL.sub("***", line))
        return line.replace("\n", "\\n")


def configure_logging(app: Flask) -> None:
    """Send the app's and the worker's records to stderr as single lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger("feedback")
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    root.propagate = False
    # Our request line replaces the development server's own access log.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config["LOG_LEVEL"])
    app.logger.propagate = False


def logged_path() -> str:
    """The request path with secret and personal parts replaced by ***; never the query."""
    path = request.path
    view_args = request.view_args or {}
    for name, value in view_args.items():
        if name in MASKED_VIEW_ARGS and isinstance(value, str) and value:
            path = path.replace(value, "***")
    ids = {str(value) for value in view_args.values() if isinstance(value, int)}
    return "/".join(
        "***" if part not in ids and (EMAIL.search(part) or PHONE.fullmatch(part)) else part
        for part in path.split("/")
    )


def register_request_logging(app: Flask) -> None:
    log = logging.getLogger("feedback.request")

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.pop("request_started", None)
        ms = (time.perf_counter() - started) * 1000 if started else 0.0
        user = current_user.id if current_user.is_authenticated else None
        log.info(
            "method=%s path=%s status=%s ms=%.1f user=%s ip=%s",
            request.method,
            logged_path(),
            response.status_code,
            ms,
            user or "-",
            request.remote_addr,
        )
        return response
