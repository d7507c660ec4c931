"""GET /api/v1/loyalty: its arguments and its answer (marshmallow; they make the OpenAPI
document too), and the two helpers that fill them."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from marshmallow import Schema, fields, validate

from feedback.api.schemas import ScoreFilterArgs
from feedback.loyalty.forms import MAX_WINDOW
from feedback.loyalty.outcomes import Returns, default_quarter
from feedback.timeutil import utcnow


class LoyaltyArgs(ScoreFilterArgs):
    """The dashboard's filters, the kind of answer and the window."""

    range = fields.String(
        load_default=None,
        validate=validate.OneOf(["7d", "30d", "90d", "quarter", "year", "custom"]),
        metadata={
            "description": "Days up to today in `timezone`, this quarter or year, or custom"
            " (`start` and `end`). Without any: the last full quarter whose answers have"
            " all had their `window` days."
        },
    )
    kind = fields.String(load_default="nps", validate=validate.OneOf(["nps", "csat", "ces"]))
    window = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=MAX_WINDOW),
        metadata={
            "description": "Days after an answer in which a purchase counts as a return;"
            " the service's setting (90 by default) if absent."
        },
    )


class LoyaltyPeriodOut(Schema):
    start = fields.Date()
    end = fields.Date()
    timezone = fields.String()


class ReturnsOut(Schema):
    """What customers of a group did in the W days after their answer."""

    customers = fields.Integer(metadata={"description": "Whose W days have passed"})
    returned = fields.Integer()
    rate = fields.Float(allow_none=True, metadata={"description": "returned / customers, 0-1"})
    low = fields.Float(allow_none=True, metadata={"description": "Wilson 95% interval"})
    high = fields.Float(allow_none=True)
    churn = fields.Float(allow_none=True, metadata={"description": "1 - rate"})
    churn_low = fields.Float(allow_none=True)
    churn_high = fields.Float(allow_none=True)
    value_after = fields.Float(metadata={"description": "Purchases less refunds in those days"})
    value_after_mean = fields.Float(allow_none=True, metadata={"description": "Per customer"})
    too_few = fields.Boolean(metadata={"description": "Too few customers to show (the pages)"})
    few = fields.Boolean(metadata={"description": "Few customers: read with care"})


class DifferenceOut(Schema):
    """The happy group's rate minus the unhappy group's (promoters - detractors,
    satisfied - dissatisfied, easy - hard), with Newcombe's 95% interval."""

    value = fields.Float()
    low = fields.Float()
    high = fields.Float()
    significant = fields.Boolean(metadata={"description": "The interval excludes 0"})


class LoyaltyOut(Schema):
    kind = fields.String()
    window = fields.Integer()
    period = fields.Nested(LoyaltyPeriodOut)
    return_ = fields.Dict(
        data_key="return",
        attribute="return",
        keys=fields.String(),
        values=fields.Nested(ReturnsOut),
        metadata={"description": "By group of `kind`: promoters, passives, detractors (NPS)"},
    )
    too_early = fields.Integer(
        metadata={"description": "Customers whose W days have not passed: not counted yet"}
    )
    difference = fields.Nested(DifferenceOut, allow_none=True)
    recovery = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(ReturnsOut),
        metadata={
            "description": "NPS detractors by their case: on_time (resolved, first response"
            " on time), late (resolved, first response late), not_resolved, no_case"
        },
    )
    types = fields.Dict(allow_none=True, metadata={"description": "Loyalty types' counts"})


def returns_out(returns: Returns) -> dict:
    """One group's (or recovery bucket's) figures, as LoyaltyOut has them."""
    rate, interval, churn = returns.rate, returns.interval, returns.churn_interval
    mean = returns.value_mean
    return {
        "customers": returns.customers,
        "returned": returns.returned,
        "rate": rate,
        "low": None if interval is None else interval.low,
        "high": None if interval is None else interval.high,
        "churn": returns.churn,
        "churn_low": None if churn is None else churn.low,
        "churn_high": None if churn is None else churn.high,
        "value_after": float(returns.value_after),
        "value_after_mean": None if mean is None else float(mean),
        "too_few": returns.too_few,
        "few": returns.few,
    }


def default_period(args: dict, window: int) -> None:
    """Custom dates: those given, else the last full quarter whose answers have had their
    W days (a bad time zone is left for the route to answer)."""
    args["range"] = "custom"
    if args["start"] is not None or args["end"] is not None:
        return
    zone = args["timezone"] or current_app.config["BABEL_DEFAULT_TIMEZONE"]
    try:
        today = utcnow().astimezone(ZoneInfo(zone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return
    quarter = default_quarter(today, window, zone)
    args["start"], args["end"] = quarter.first, quarter.last
