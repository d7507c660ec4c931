"""Times are stored in UTC and shown in the viewer's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def local_to_utc(naive: datetime, zone: str) -> datetime:
    """A wall-clock time typed by someone in ``zone`` (an IANA name), as aware UTC."""
    return naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local_day(when: datetime, zone: str) -> date:
    """The calendar day it was in ``zone`` at the aware time ``when``."""
    return when.astimezone(ZoneInfo(zone)).date()


def report_day(when: datetime) -> date:
    """The day ``when`` counts on in the dashboard's daily summaries: a calendar day in
    the application's REPORT_TIMEZONE (stored on answers, deliveries and cases)."""
    return local_day(when, current_app.config["REPORT_TIMEZONE"])


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python, whatever the database.

    PostgreSQL keeps it as ``timestamptz``; SQLite has no time zones, so the value is
    stored as naive UTC there and made aware again when read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
