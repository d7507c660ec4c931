"""`flask dashboard rebuild`: count the summary tables again from the stored rows."""

from __future__ import annotations

import click
from flask.cli import AppGroup

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
    done = sum(rollups.restamp_days(connection, zone))
    rollups.refill(connection)
    db.session.commit()
    click.echo(f"Counted {done} rows again by their day in {zone}.")
