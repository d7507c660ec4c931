"""Error pages in both languages, and JSON errors under /api/."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from feedback.extensions import db

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}

TITLES = {
    400: _l("That request could not be understood"),
    401: _l("Please sign in"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("That action is not allowed here"),
    413: _l("That upload is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is unavailable"),
}

MESSAGES = {
    400: _l("Check what you entered and try again."),
    403: _l("Your role does not include this page. Ask an admin if you need it."),
    404: _l("The address may be mistyped, or the page was moved or removed."),
    405: _l("Go back and use the buttons on the page."),
    413: _l("Send less than 1 MB at a time."),
    429: _l("Please wait a minute before you try again."),
    500: _l("The error was logged. Please try again in a moment."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str, fields: dict | None = None):
    """The error body of DESIGN.md: {"error": {"code", "message", "fields"}}."""
    body = {
        "error": {
            "code": ERROR_CODES.get(status, "error"),
            "message": message,
            "fields": fields or {},
        }
    }
    return jsonify(body), status


def _render(status: int, message: str | None = None):
    return (
        render_template(
            "errors/error.html",
            code=status,
            title=TITLES.get(status, _l("Error")),
            message=message or MESSAGES.get(status, ""),
        ),
        status,
    )


def _api_details(exc: HTTPException) -> tuple[str, dict]:
    """Message and field errors, also from flask-smorest's validation (exc.data)."""
    data = getattr(exc, "data", None) or {}
    fields = dict(data.get("errors") or {})
    messages = data.get("messages") or {}
    for location in ("json", "query", "form"):
        found = messages.get(location) if isinstance(messages, dict) else None
        if isinstance(found, dict):
            fields.update(found)
        elif found:  # e.g. ["Invalid JSON body."]
            fields.setdefault("_body", []).extend(found)
    message = data.get("message") or exc.description or exc.name
    if fields and exc.code == 422 and not data.get("message"):
        message = "The request has invalid fields; see error.fields."
    return message, fields


def handle_http_exception(exc: HTTPException):
    status = exc.code or 500
    # Keep what the exception says in headers (Allow on 405, Retry-After on 429).
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    if wants_json():
        message, fields = _api_details(exc)
        body, status = json_error(status, message, fields)
    else:
        body, status = _render(status)
    return body, status, headers


def handle_csrf_error(exc: CSRFError):
    if wants_json():
        return json_error(400, exc.description)
    return _render(
        400,
        _l(
            "This form has expired or came from another page. "
            "Go back, reload the page and try again."
        ),
    )


def handle_unexpected(exc: Exception):
    db.session.rollback()
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    original = getattr(exc, "original_exception", exc)
    current_app.logger.error("unhandled %s", type(original).__name__, exc_info=original)
    if wants_json():
        return json_error(500, "Internal error; it has been logged.")
    return _render(500)


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_unexpected)
