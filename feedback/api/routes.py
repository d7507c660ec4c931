"""POST /api/v1/touchpoints and /api/v1/touchpoints/batch (the score routes are in
feedback.api.scores and register on the same blueprint)."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, g, jsonify, request
from flask_smorest import Blueprint
from flask_smorest import abort as api_abort
from sqlalchemy.exc import IntegrityError

from feedback.accounts.services import authenticate_api_key
from feedback.api.schemas import BatchIn, BatchOut, EventOut, TouchpointSchema
from feedback.extensions import db
from feedback.surveys.ingest import ingest_events
from feedback.surveys.inputs import EventInput, parse_event
from feedback.surveys.models import EventSource
from feedback.timeutil import utcnow

bp = Blueprint(
    "api_v1",
    __name__,
    url_prefix="/api/v1",
    description=(
        "Touchpoints in; scores and answers out."
        " Authenticate with `Authorization: Bearer <api key>`."
    ),
)


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


def _ingest(inputs: list[tuple[int, EventInput]]) -> list[dict]:
    """Ingest and commit; returns one result dict per input.

    A concurrent request that stored the same ids first wins; a second pass then
    reports those events as existing.
    """
    for attempt in (1, 2):
        try:
            results = [
                {
                    "index": r.index,
                    "status": r.outcome,
                    "event": r.event,
                    "errors": r.errors,
                }
                for r in ingest_events(inputs, EventSource.API)
            ]
            db.session.commit()
            return results
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@bp.route("/touchpoints", methods=["POST"])
@bp.arguments(TouchpointSchema, location="json")
@bp.response(201, EventOut)
@bp.alt_response(200, schema=EventOut, description="Already known: nothing was created.")
@bp.alt_response(422, description="Invalid event; `error.fields` says which fields.")
def create_touchpoint(event: EventInput):
    """Record one touchpoint event; schedules the surveys tied to its type."""
    (result,) = _ingest([(0, event)])
    if result["status"] == "rejected":
        api_abort(422, message="The event is not valid.", errors=result["errors"])
    return result["event"], 201 if result["status"] == "created" else 200


@bp.route("/touchpoints/batch", methods=["POST"])
@bp.arguments(BatchIn, location="json")
@bp.response(200, BatchOut)
def create_touchpoints_batch(body: dict):
    """Record up to 1,000 events; valid ones are stored even when others are rejected."""
    parsed, rejected = [], []
    for index, raw in enumerate(body["events"]):
        event, errors = parse_event(raw)
        if errors:
            rejected.append({"index": index, "status": "rejected", "event": None, "errors": errors})
        else:
            parsed.append((index, event))
    results = sorted((_ingest(parsed) if parsed else []) + rejected, key=lambda r: r["index"])
    counts = {name: sum(r["status"] == name for r in results) for name in ("created", "existing")}
    counts["rejected"] = len(results) - counts["created"] - counts["existing"]
    # Already plain JSON values in the documented shape: skip the schema's second pass.
    return jsonify({**counts, "results": results})
