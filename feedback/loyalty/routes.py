"""The managers' Loyalty page (/loyalty): whether customers came back after their answer,
by score group and by what became of a detractor's complaint."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import get_timezone

from feedback import scoring
from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.dashboard.reading import read_filters
from feedback.loyalty import outcomes
from feedback.loyalty.definitions import GROUP_LABELS, window_days
from feedback.loyalty.forms import MAX_WINDOW, LoyaltyFilterForm
from feedback.loyalty.tabs import loyalty_tabs
from feedback.loyalty.types import type_counts
from feedback.timeutil import utcnow

bp = Blueprint("loyalty", __name__)
bp.add_app_template_global(loyalty_tabs)

KINDS = ("nps", "csat", "ces")
#: how many customers a figure needs to be shown, and shown unflagged (feedback.scoring)
THRESHOLDS = {"TOO_FEW": scoring.TOO_FEW, "FEW": scoring.FEW}


@bp.before_request
@role_required(Role.MANAGER)
def require_manager():
    """Loyalty figures are for managers and admins."""


def with_default_period(args) -> tuple:
    """``args``, with the default period when they name none: the last full quarter (in
    the viewer's zone) whose answers have had their W days; and that quarter, or None."""
    if any(args.get(name) for name in ("range", "start", "end")):
        return args, None
    window = args.get("window", type=int)
    if window is None or not 1 <= window <= MAX_WINDOW:
        window = window_days()
    zone = get_timezone()
    quarter = outcomes.default_quarter(utcnow().astimezone(zone).date(), window, str(zone))
    args = args.copy()
    args["range"] = "custom"
    args["start"], args["end"] = quarter.first.isoformat(), quarter.last.isoformat()
    return args, quarter


@bp.get("/loyalty")
def index():
    """Return by group for NPS, CSAT and CES, service recovery and the loyalty types."""
    args, default = with_default_period(request.args)
    reading = read_filters(args, LoyaltyFilterForm)
    form, period, filters = reading.form, reading.period, reading.filters
    if period is None:
        page = render_template("loyalty/index.html", form=form, invalid=True, args={}, **THRESHOLDS)
        return page, 400
    window, now = form.window.data or window_days(), utcnow()
    figures = outcomes.figures(period, filters, window, now, KINDS)
    return render_template(
        "loyalty/index.html",
        form=form,
        period=period,
        default=default,
        window=window,
        found=figures.outcomes,
        recovery=figures.recovery,
        types=type_counts(period, filters, window, now),
        labels={**GROUP_LABELS, **outcomes.RECOVERY_LABELS},
        currency=current_app.config["CURRENCY"],
        args=form.shared_args(),
        **THRESHOLDS,
    )
