"""`flask dashboard rebuild`: count the summary tables again from the stored rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import click
from flask.cli import AppGroup
from sqlalchemy import text
from sqlalchemy.engine import Connection

from feedback.dashboard import rollups
from feedback.dashboard.periods import report_zone
from feedback.extensions import db

dashboard_cli = AppGroup("dashboard", help="The managers' dashboard and its summary tables.")


@dashboard_cli.command("rebuild")
def rebuild_command() -> None:
    """Set each answer's, delivery's and case's day in REPORT_TIMEZONE again and recount
    the summary tables: after changing REPORT_TIMEZONE, or after a bulk load. One
    transaction: the dashboard shows the old counts until it commits."""
    zone = report_zone()
    connection = db.session.connection()
    done = sum(restamp_days(connection, zone))
    rollups.refill(connection)
    db.session.commit()
    click.echo(f"Counted {done} rows again by their day in {zone}.")


def restamp_days(connection: Connection, zone: str, batch: int = 20_000) -> Iterator[int]:
    """Set each answer's report_day, each delivery's sent_day and each case's report_day in
    ``zone`` again; yields rows done per batch. The summaries are wrong until refill()."""
    if connection.dialect.name == "postgresql":
        for sql in (
            "UPDATE responses SET report_day = (answered_at AT TIME ZONE :zone)::date",
            "UPDATE invitations SET sent_day = (sent_at AT TIME ZONE :zone)::date"
            " WHERE sent_at IS NOT NULL",
            "UPDATE cases SET report_day = (opened_at AT TIME ZONE :zone)::date",
        ):
            yield connection.execute(text(sql), {"zone": zone}).rowcount
        return
    # SQLite knows no time zones: Python works out each day, a batch of ids at a time.
    tz = ZoneInfo(zone)
    for table, stamp, day in (
        ("responses", "answered_at", "report_day"),
        ("invitations", "sent_at", "sent_day"),
        ("cases", "opened_at", "report_day"),
    ):
        after = 0
        while True:
            rows = connection.execute(
                text(
                    f"SELECT id, {stamp} FROM {table} WHERE id > :after"  # noqa: S608 - fixed names
                    f" AND {stamp} IS NOT NULL ORDER BY id LIMIT :batch"
                ),
                {"after": after, "batch": batch},
            ).all()
            if not rows:
                break
            connection.execute(
                text(f"UPDATE {table} SET {day} = :day WHERE id = :id"),  # noqa: S608 - fixed names
                [{"id": i, "day": _sqlite_day(value, tz)} for i, value in rows],
            )
            after = rows[-1][0]
            yield len(rows)


def _sqlite_day(stored: str, tz: ZoneInfo) -> str:
    """The local day of a naive UTC timestamp as SQLite keeps it."""
    return datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(tz).date().isoformat()
