"""Helpers for the survey tests: events, and reading links out of captured mail."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit

LINK_RE = re.compile(r'href="(http[^"]+)"')


def event(event_id="order-1001-delivered", touchpoint="delivery", hours_ago=3, **customer):
    """An API event body; customer fields by name, the customer's own id as customer_id."""
    occurred = datetime.now(UTC) - timedelta(hours=hours_ago)
    return {
        "external_id": event_id,
        "touchpoint": touchpoint,
        "occurred_at": occurred.isoformat().replace("+00:00", "Z"),
        "customer": {
            "external_id": customer.pop("customer_id", "c-42"),
            "email": customer.pop("email", "ann@example.com"),
            "name": customer.pop("name", "Ann"),
            "locale": customer.pop("locale", "en"),
            "tier": customer.pop("tier", "gold"),
        },
        "properties": {"store": "Shanghai"},
    }


def captured(app) -> list:
    """Every captured email, oldest first, parsed."""
    folder = Path(app.config["MAIL_CAPTURE_DIR"])
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(folder.glob("*.eml"))
    ]


def html_links(message) -> list[str]:
    html = message.get_body(("html",)).get_content()
    return [link.replace("&amp;", "&") for link in LINK_RE.findall(html)]


def local(url: str) -> str:
    """The path and query of an emailed link, for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
