"""Security headers on every response: the pages' Content-Security-Policy and friends."""

from __future__ import annotations

from flask import Flask, Response, current_app

#: Every page's scripts and styles are files under static/; charts are inline SVG whose
#: sizes are attributes, not styles, so nothing inline needs allowing. An inline script a
#: stray template or an injected comment brings is refused by the browser.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

#: The email preview is the one document whose styles are inline, as mail clients need
#: them. It holds no script and runs sandboxed inside the preview page, and nowhere else.
EMAIL_PREVIEW_POLICY = "; ".join(
    (
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
        "sandbox",
    )
)

#: A year. Without includeSubDomains: other hosts of the same domain may not speak https.
HSTS = "max-age=31536000"


def register_security_headers(app: Flask) -> None:
    """Add the headers to every response, pages, errors, static files and the JSON API.

    A view that needs another policy sets its own Content-Security-Policy; it is kept.
    """

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # Survey links carry their token in the path: never hand it to another site.
        headers.setdefault("Referrer-Policy", "same-origin")
        if current_app.config["BASE_URL"].startswith("https://"):
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
