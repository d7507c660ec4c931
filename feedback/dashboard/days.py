"""The day an answer or a delivery counts on in the summary tables."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app

from feedback.timeutil import local_day


def report_zone() -> str:
    """The zone whose calendar days the summary tables count in."""
    return current_app.config["REPORT_TIMEZONE"]


def report_day(when: datetime) -> date:
    """The day ``when`` counts on in the summary tables."""
    return local_day(when, current_app.config["REPORT_TIMEZONE"])
