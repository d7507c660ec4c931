"""The JSON API v1: touchpoints in (POST /api/v1/touchpoints, /touchpoints/batch); scores
and answers out (GET /api/v1/summary, /responses)."""

from __future__ import annotations

import functools
from datetime import timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import abort, current_app, g, jsonify, request
from flask_smorest import abort as api_abort
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from feedback import scoring
from feedback.accounts.services import authenticate_api_key
from feedback.api.import_schemas import ImportIn, ImportOut
from feedback.api.parsing import ApiBlueprint
from feedback.api.schemas import (
    BatchIn,
    BatchOut,
    ResponsesArgs,
    ResponsesOut,
    ScoreFilterArgs,
    SummaryOut,
    TouchpointOut,
    TouchpointSchema,
)
from feedback.complaints.configuration.settings import queue_config
from feedback.dashboard import queries
from feedback.dashboard.answers import Filters, answers_after
from feedback.dashboard.periods import Period, report_zone, resolve
from feedback.dashboard.summary import DISTRIBUTION, Scores, tiles
from feedback.extensions import db
from feedback.surveys.batches import ingest_batch
from feedback.surveys.imports import import_answers
from feedback.surveys.inputs import EventInput, parse_event
from feedback.surveys.models import EventSource, Survey, TouchpointType
from feedback.timeutil import utcnow

bp = ApiBlueprint(
    "api_v1",
    __name__,
    url_prefix="/api/v1",
    description=(
        "Touchpoints in; scores, answers, cases and customers out."
        " Authenticate with `Authorization: Bearer <api key>`. A key has scopes: `ingest`"
        " for POST /touchpoints and /touchpoints/batch, `read` for every GET; a key without"
        " an operation's scope gets 403 with the code `insufficient_scope`."
    ),
)


def errors(*codes: int):
    """Document each status of ``codes`` as a response in our error shape."""

    def decorate(view):
        for code in codes:
            view = bp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view

    return decorate


def requires(scope: str):
    """Answer 403 (code ``insufficient_scope``) to a key without ``scope``, before the
    arguments are read; put it right under ``@bp.route``. Documents the 403."""

    def decorate(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            if scope not in g.api_scopes:
                body = {
                    "error": {
                        "code": "insufficient_scope",
                        "message": f"This API key lacks the scope {scope!r}; "
                        "an admin can make a key that has it.",
                        "fields": {},
                    }
                }
                return jsonify(body), 403
            return view(*args, **kwargs)

        return errors(403)(checked)

    return decorate


@bp.before_request
def require_api_key():
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        abort(401, description="Send an API key: Authorization: Bearer <key>.")
    api_key = authenticate_api_key(key.strip())
    if api_key is None:
        db.session.rollback()
        abort(401, description="That API key is unknown or revoked.")
    # Note the use at most once a minute: no write on every request.
    if api_key.last_used_at and utcnow() - api_key.last_used_at < timedelta(minutes=1):
        db.session.rollback()
    else:
        db.session.commit()
    g.api_key_id = api_key.id
    g.api_scopes = frozenset(api_key.scope_list)


def _ingest(inputs: list[tuple[int, EventInput]]) -> list[dict]:
    """Ingest and commit; returns one result dict per input.

    A concurrent request that stored the same ids first wins; a second pass then
    reports those events as existing.
    """
    warnings = {index: data.warnings for index, data in inputs}
    for attempt in (1, 2):
        try:
            results = [
                {
                    "index": r.index,
                    "status": r.outcome,
                    "event": r.event,
                    "errors": r.errors,
                    "warnings": warnings[r.index] if r.outcome != "rejected" else [],
                }
                for r in ingest_batch(inputs, EventSource.API)
            ]
            db.session.commit()
            return results
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@bp.route("/touchpoints", methods=["POST"])
@requires("ingest")
@bp.arguments(TouchpointSchema, location="json")
@bp.response(201, TouchpointOut)
@bp.alt_response(200, schema=TouchpointOut, description="Already known: nothing was created.")
@errors(400, 401, 413, 422)
def create_touchpoint(event: EventInput):
    """Record one touchpoint event; schedules the surveys tied to its type."""
    (result,) = _ingest([(0, event)])
    if result["status"] == "rejected":
        api_abort(422, message="The event is not valid.", errors=result["errors"])
    body = {**result["event"], "warnings": result["warnings"]}
    return body, 201 if result["status"] == "created" else 200


@bp.route("/touchpoints/batch", methods=["POST"])
@requires("ingest")
@bp.arguments(BatchIn, location="json")
@bp.response(200, BatchOut)
@errors(400, 401, 413, 422)
def create_touchpoints_batch(body: dict):
    """Record up to 1,000 events; valid ones are stored even when others are rejected."""
    parsed, rejected = [], []
    for index, raw in enumerate(body["events"]):
        event, errors = parse_event(raw)
        if errors:
            rejected.append(
                {
                    "index": index,
                    "status": "rejected",
                    "event": None,
                    "errors": errors,
                    "warnings": [],
                }
            )
        else:
            parsed.append((index, event))
    results = sorted((_ingest(parsed) if parsed else []) + rejected, key=lambda r: r["index"])
    counts = {name: sum(r["status"] == name for r in results) for name in ("created", "existing")}
    counts["rejected"] = len(results) - counts["created"] - counts["existing"]
    # Already plain JSON values in the documented shape: skip the schema's second pass.
    return jsonify({**counts, "results": results})


# --- scores and answers out ----------------------------------------------------------


def period_and_filters(args: dict) -> tuple[Period, Filters]:
    zone = args["timezone"] or current_app.config["BABEL_DEFAULT_TIMEZONE"]
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        api_abort(
            422,
            message="Unknown time zone.",
            errors={"timezone": ["Use a name such as Asia/Shanghai."]},
        )
    today = utcnow().astimezone(ZoneInfo(zone)).date()
    try:
        period = resolve(args["range"], today, zone, args["start"], args["end"])
    except ValueError as error:
        api_abort(422, message="The dates are not valid.", errors={"range": [str(error)]})
    touchpoint_id = None
    if args["touchpoint"]:
        touchpoint_id = db.session.scalar(
            select(TouchpointType.id).where(TouchpointType.key == args["touchpoint"])
        )
        if touchpoint_id is None:
            api_abort(422, message="Unknown touchpoint.", errors={"touchpoint": ["No such key."]})
    filters = Filters(
        survey_id=args["survey"],
        touchpoint_type_id=touchpoint_id,
        tier=args["tier"],
        locale=args["language"],
        followup_survey_id=queue_config().followup_survey_id,
    )
    return period, filters


def _bounds(interval: scoring.Interval | None, n: int, prefix: str = "") -> dict:
    """margin (half the interval's width), low and high; null with too few answers."""
    if interval is None or scoring.too_few(n):
        return {f"{prefix}margin": None, f"{prefix}low": None, f"{prefix}high": None}
    return {
        f"{prefix}margin": interval.margin,
        f"{prefix}low": interval.low,
        f"{prefix}high": interval.high,
    }


def _sample(n: int) -> dict:
    return {"n": n, "too_few": scoring.too_few(n), "few": scoring.few(n)}


def _scores(period: Period, scores: Scores, delivery: tuple[int, int]) -> dict:
    nps, csat, ces = scores.nps, scores.csat, scores.ces
    shown = scoring.readable
    delivered, answered = delivery
    answered = min(answered, delivered)
    return {
        "period": {"first": period.first, "last": period.last, "timezone": period.zone},
        "nps": {
            "score": shown(nps.score, nps.n),
            **_bounds(nps.interval, nps.n),
            **_sample(nps.n),
            "promoters": nps.promoters,
            "passives": nps.passives,
            "detractors": nps.detractors,
        },
        "csat": {
            "percent": shown(csat.percent, csat.n),
            **_bounds(csat.percent_interval, csat.n),
            "mean": shown(csat.mean, csat.n),
            **_bounds(csat.mean_interval, csat.n, "mean_"),
            **_sample(csat.n),
        },
        "ces": {
            "mean": shown(ces.mean, ces.n),
            **_bounds(ces.mean_interval, ces.n),
            "easy_percent": shown(ces.easy_share, ces.n),
            **_bounds(ces.easy_interval, ces.n, "easy_"),
            **_sample(ces.n),
        },
        "response_rate": {
            "percent": shown(scoring.response_rate(answered, delivered), delivered),
            **_bounds(scoring.share_interval(answered, delivered), delivered),
            "delivered": delivered,
            "answered": answered,
            "too_few": scoring.too_few(delivered),
            "few": scoring.few(delivered),
        },
    }


def _change(change: scoring.Change) -> dict:
    interval = change.interval
    return {
        "delta": change.delta,
        "margin": change.margin,
        "low": None if interval is None else interval.low,
        "high": None if interval is None else interval.high,
        "significant": change.significant,
        "too_few": change.too_few,
    }


@bp.route("/summary", methods=["GET"])
@requires("read")
@bp.arguments(ScoreFilterArgs, location="query")
@bp.response(200, SummaryOut)
@errors(401, 422)
def summary(args: dict):
    """NPS, CSAT, CES and the response rate for a period and filters, with the period it is
    compared with: this year or quarter to date with the same days a year or a quarter
    back, other ranges with as many days just before (`comparison.kind` says which)."""
    period, filters = period_and_filters(args)
    periods = [period, period.previous()]
    totals = queries.scores(periods, filters, report_zone(), ("kind",), DISTRIBUTION)
    deliveries = queries.deliveries(periods, filters, report_zone())
    result, scores = [], []
    for index, each in enumerate(periods):
        by_kind = {key[1]: value for key, value in totals.items() if key[0] == index}
        scores.append(Scores.of(by_kind))
        result.append(_scores(each, scores[-1], deliveries.get(index, (0, 0))))
    changes = tiles(scores[0], scores[1], deliveries)
    comparison = {"kind": period.comparison, "first": periods[1].first, "last": periods[1].last}
    return {
        **result[0],
        "previous": result[1],
        "comparison": comparison,
        "change": {name: _change(tile.change) for name, tile in changes.items()},
    }


@bp.route("/responses", methods=["GET"])
@requires("read")
@bp.arguments(ResponsesArgs, location="query")
@bp.response(200, ResponsesOut)
@errors(401, 422)
def responses(args: dict):
    """Answers with their tags, oldest first, a page at a time (by id, stable under new
    answers): pass the page's `next_after` as `after` for the next one."""
    period, filters = period_and_filters(args)
    page = answers_after(period, filters, args["after"], args["limit"] + 1)
    more = len(page.rows) > args["limit"]
    rows = page.rows[: args["limit"]]
    topics, cases = page.topics, page.cases
    surveys = dict(db.session.execute(select(Survey.id, Survey.name)).all())
    keys = dict(db.session.execute(select(TouchpointType.id, TouchpointType.key)).all())
    items = [
        {
            "id": row.id,
            "answered_at": row.answered_at.isoformat(),
            "survey": {"id": row.survey_id, "name": surveys.get(row.survey_id)},
            "kind": row.kind.value,
            "score": row.score,
            "touchpoint": keys.get(row.touchpoint_type_id),
            "customer": {"id": row.customer_id, "external_id": row.customer_external_id},
            "tier": row.tier,
            "locale": row.locale,
            "comment": row.comment,
            "language": row.language,
            "sentiment": row.sentiment.value if row.sentiment else None,
            "polarity": row.polarity,
            "topics": topics.get(row.id, []),
            "case_id": cases.get(row.id),
        }
        for row in rows
    ]
    return {"items": items, "next_after": rows[-1].id if more else None}


# --- import ---------------------------------------------------------------------------

#: tries of a request when another import stores the same ids or customers meanwhile;
#: each failed try leaves more of the request stored by the other, so it ends
IMPORT_ATTEMPTS = 5


@bp.route("/responses/import", methods=["POST"])
@requires("ingest")
@bp.arguments(ImportIn, location="json")
@bp.response(200, ImportOut)
@errors(400, 401, 413, 422)
def import_responses(body: dict):
    """Import up to 1,000 past answers; valid ones are stored even when others are
    rejected, and one imported before comes back `existing`, unchanged."""
    rows = list(enumerate(body["responses"]))
    for attempt in range(1, IMPORT_ATTEMPTS + 1):
        try:
            results = import_answers(rows)
            db.session.commit()
            break
        except IntegrityError:
            # Another request stored some of these ids or customers first: look again.
            db.session.rollback()
            if attempt == IMPORT_ATTEMPTS:
                api_abort(409, message="Other imports kept storing these answers; try again.")
    items = [
        {"index": r.index, "status": r.status, "response": r.response, "errors": r.errors}
        for r in results
    ]
    counts = {name: sum(r.status == name for r in results) for name in ("created", "existing")}
    counts["rejected"] = len(results) - counts["created"] - counts["existing"]
    return jsonify({**counts, "results": items})
