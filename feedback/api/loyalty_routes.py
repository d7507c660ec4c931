"""The loyalty reads of the API: GET /api/v1/loyalty, /at-risk and /drivers. Importing this
module adds them to the API's blueprint (as feedback.api.records does)."""

from __future__ import annotations

from flask_babel import force_locale
from flask_smorest import abort as api_abort
from sqlalchemy import select

from feedback.api.atrisk_schemas import AtRiskArgs, AtRiskOut
from feedback.api.drivers_schemas import DriversArgs, DriversOut
from feedback.api.outcomes_schemas import LoyaltyArgs, LoyaltyOut, default_period, returns_out
from feedback.api.routes import bp, errors, period_and_filters, requires
from feedback.dashboard import drivers
from feedback.dashboard.periods import report_zone
from feedback.extensions import db
from feedback.loyalty import atrisk
from feedback.loyalty.definitions import window_days
from feedback.loyalty.outcomes import figures as loyalty_figures
from feedback.loyalty.types import type_counts
from feedback.surveys.models import SurveyKind
from feedback.tagging.models import Topic
from feedback.timeutil import utcnow

# --- outcomes ---


@bp.route("/loyalty", methods=["GET"])
@requires("read")
@bp.arguments(LoyaltyArgs, location="query")
@bp.response(200, LoyaltyOut)
@errors(401, 422)
def loyalty(args: dict):
    """Whether customers bought again within `window` days of their answer, by score group
    of `kind` (rates as fractions 0-1 with Wilson intervals, the happy - unhappy difference
    with Newcombe's), and NPS detractors by what became of their case. A customer counts
    once, by their latest answer in the period; answers whose days have not passed are
    `too_early`. Figures come with `too_few` and `few`: the pages grey them out."""
    window = args["window"] or window_days()
    if args["range"] is None:
        default_period(args, window)
    period, filters = period_and_filters(args)
    now = utcnow()
    figures = loyalty_figures(period, filters, window, now, (args["kind"],))
    found = figures.outcomes[args["kind"]]
    difference = found.difference
    return {
        "kind": args["kind"],
        "window": window,
        "period": {"start": period.first, "end": period.last, "timezone": period.zone},
        "return": {name: returns_out(returns) for name, returns in found.groups.items()},
        "too_early": found.too_early,
        "difference": None
        if difference is None
        else {
            "value": difference.value,
            "low": difference.interval.low,
            "high": difference.interval.high,
            "significant": difference.significant,
        },
        "recovery": {name: returns_out(returns) for name, returns in figures.recovery.items()},
        "types": type_counts(period, filters, window, now),
    }


# --- atrisk ---


@bp.route("/at-risk", methods=["GET"])
@requires("read")
@bp.arguments(AtRiskArgs, location="query")
@bp.response(200, AtRiskOut)
@errors(401, 422)
def at_risk(args: dict):
    """Who to call today: customers at risk of leaving with their `reasons`, the most
    valuable first (value at risk: purchases less refunds in the last 12 months), a page at
    a time: pass the page's `next` as `cursor` for the next one."""
    try:
        found = atrisk.at_risk(
            utcnow(), args["limit"] + 1, args["cursor"], tier=args["tier"], reason=args["reason"]
        )
    except atrisk.BadCursor:
        api_abort(
            422,
            message="That cursor is not one this API gave.",
            errors={"cursor": ["Pass the next of the page before, unchanged."]},
        )
    rows = found[: args["limit"]]
    with force_locale("en"):
        customers = [
            {
                "external_id": row.external_id,
                "name": row.name,
                "tier": row.tier,
                "value": row.value,
                "unsubscribed": row.unsubscribed,
                "reasons": [
                    {
                        "key": r.key,
                        "at": r.at.isoformat(),
                        "detail": r.sentence(),
                        "score": r.score,
                        "previous": r.previous,
                        "case_id": r.case_id,
                        "segment": r.note if r.key == "rfm_at_risk" else None,
                    }
                    for r in row.reasons
                ],
                "case_id": row.case_id,
            }
            for row in rows
        ]
    return {"customers": customers, "next": rows[-1].cursor if len(found) > len(rows) else None}


# --- drivers ---


@bp.route("/drivers", methods=["GET"])
@requires("read")
@bp.arguments(DriversArgs, location="query")
@bp.response(200, DriversOut)
@errors(401, 422)
def drivers_read(args: dict):
    """Which topics of the comments go with unhappy answers: for each, its share of the
    unhappy and of the happy comments, the odds ratio with its 95% interval, and the points
    it costs; the most points first."""
    period, filters = period_and_filters(args)
    table = drivers.drivers(period, filters, report_zone(), SurveyKind(args["kind"]), "en")
    names_zh = dict(db.session.execute(select(Topic.id, Topic.name_zh)).all())
    topics = []
    for row in table.topics:
        odds = row.odds
        topics.append(
            {
                "key": row.key,
                "name": row.name,
                "name_zh": names_zh.get(row.topic_id, row.name),
                "detractor_share": row.unhappy_share,
                "promoter_share": row.happy_share,
                "detractors": row.unhappy,
                "promoters": row.happy,
                "odds_ratio": None if odds is None else odds.value,
                "ci_low": None if odds is None else odds.low,
                "ci_high": None if odds is None else odds.high,
                "significant": odds is not None and odds.excludes_one,
                "nps_points": row.points,
            }
        )
    return {
        "kind": args["kind"],
        "period": {"first": period.first, "last": period.last, "timezone": period.zone},
        "answers": table.n,
        "detractor_comments": table.unhappy_comments,
        "promoter_comments": table.happy_comments,
        "topics": topics,
    }
