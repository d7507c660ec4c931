"""Past answers in (`flask responses import`, POST /api/v1/responses/import).

An imported answer is history: it counts in scores and loyalty like any answer, but it was
never delivered (so response rates leave it out), and it opens no case, tells nobody and
fires no webhook. Each one hangs, as the answer model needs, on a touchpoint event of
source PAST (sent as history) and an answered invitation that was never sent. It is
announced as AnswerImported, to which the worker only tags the comment.

Idempotent by the importer's ``external_id``: a row sent again answers "existing" with
what is stored, whatever it says now. Add and flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from feedback import events
from feedback.customers.consent_inputs import ConsentInput, ConsentSchema
from feedback.customers.models import Customer
from feedback.customers.tombstones import erased_digests, fingerprint
from feedback.extensions import db
from feedback.surveys.answers import MAX_COMMENT_LENGTH
from feedback.surveys.import_catalogue import Catalogue
from feedback.surveys.ingest_consent import apply_import_consents
from feedback.surveys.ingest_customers import chunks
from feedback.surveys.inputs import EARLIEST_YEAR, clean_text
from feedback.surveys.models import (
    EventSource,
    Invitation,
    InvitationStatus,
    Response,
    Survey,
    TouchpointEvent,
)
from feedback.timeutil import report_day, utcnow
from feedback.urls import MAX_ID

#: the touchpoint event of an imported answer is "past-answer:<external_id>", which must
#: fit TouchpointEvent.external_id (200)
EVENT_PREFIX = "past-answer:"
MAX_EXTERNAL_ID = 150
#: the field error of a row of an erased person (the API's errors are in English)
ERASED = "This customer was erased: their history cannot be imported."


class SurveyField(fields.Field):
    """A survey by its id (a number) or its name (text): CSV cells are always text, so
    text of digits that names no survey is read as an id."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError("Give the survey's id (a number) or its name.")
        if isinstance(value, int):
            if not 1 <= value <= MAX_ID:
                raise ValidationError("No survey has this id.")
            return value
        value = value.strip()
        if not 1 <= len(value) <= 120:
            raise ValidationError("Give the survey's id (a number) or its name.")
        clean_text(value)
        return value


def _not_in_future(moment: datetime) -> None:
    if moment.year < EARLIEST_YEAR:
        raise ValidationError(f"Must be in the year {EARLIEST_YEAR} or later.")
    if moment > utcnow():
        raise ValidationError("Must not be in the future: only past answers are imported.")


class PastAnswerSchema(Schema):
    """One past answer to import."""

    class Meta:
        unknown = EXCLUDE

    external_id = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=MAX_EXTERNAL_ID), clean_text],
        metadata={
            "description": "Your id for this answer; sending it again creates nothing.",
            "example": "survey-2024-0001",
        },
    )
    customer_external_id = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=120), clean_text],
        metadata={
            "description": "The customer's id in your system; an unknown customer is "
            "created with this id only.",
            "example": "c-42",
        },
    )
    customer_email = fields.Email(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=254), clean_text],
        metadata={
            "description": "The customer's email address, optional: only to recognise "
            "an erased person (their rows are refused); it is not stored.",
            "example": "ann@example.com",
        },
    )
    survey = SurveyField(
        required=True,
        metadata={
            "description": "The survey's id or its name.",
            "oneOf": [{"type": "integer"}, {"type": "string"}],
            "example": "NPS after purchase",
        },
    )
    touchpoint = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(min=1, max=40), clean_text],
        metadata={
            "description": "A touchpoint type key; when left out, the type of the survey's "
            "first trigger.",
            "example": "purchase",
        },
    )
    score = fields.Integer(
        required=True,
        metadata={"description": "On the survey's scale: NPS 0-10, CSAT 1-5, CES 1-7."},
    )
    comment = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=MAX_COMMENT_LENGTH), clean_text],
    )
    answered_at = fields.AwareDateTime(
        required=True,
        validate=_not_in_future,
        metadata={
            "description": "ISO 8601 with a time zone; not in the future.",
            "example": "2025-03-01T09:30:00Z",
        },
    )
    consent = fields.Nested(
        ConsentSchema,
        load_default=None,
        allow_none=True,
        metadata={
            "description": "The customer's consent to be surveyed, as at the touchpoints; "
            "without `at`, as of `answered_at`."
        },
    )

    @post_load
    def make(self, data, **_kwargs) -> PastAnswer:
        data["comment"] = (data.get("comment") or "").strip() or None
        data["answered_at"] = data["answered_at"].astimezone(UTC)
        return PastAnswer(**data)


@dataclass
class PastAnswer:
    external_id: str
    customer_external_id: str
    survey: int | str
    score: int
    answered_at: datetime
    touchpoint: str | None = None
    comment: str | None = None
    customer_email: str | None = None
    consent: ConsentInput | None = None


@dataclass
class ImportResult:
    """What became of one row: "created", "existing" (imported before) or "rejected"."""

    index: int
    status: str
    response: dict | None = None
    errors: dict = field(default_factory=dict)


_schema = PastAnswerSchema()


def parse_row(raw) -> tuple[PastAnswer | None, dict]:
    """Validate one row's form; returns the answer or the field errors ({} when valid)."""
    if not isinstance(raw, dict):
        return None, {"_schema": ["Each answer must be a JSON object."]}
    try:
        return _schema.load(raw), {}
    except ValidationError as exc:
        return None, exc.normalized_messages()


def refusal(row: PastAnswer, customer: Customer | None, erased: set[str]) -> dict | None:
    """Whether this row may be imported for this customer (None: it may; else the field
    errors). The one place for such rules: the answers of an erased person, known by
    the row's customer id or email (``erased``: the batch's tombstoned hashes, from
    tombstones.erased_digests), must not come back, nor be added to an erased row."""
    if customer is not None and customer.erased_at is not None:
        return {"customer_external_id": [ERASED]}
    if fingerprint("external_id", row.customer_external_id) in erased:
        return {"customer_external_id": [ERASED]}
    if row.customer_email and fingerprint("email", row.customer_email) in erased:
        return {"customer_email": [ERASED]}
    return None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def answer_summary(response: Response, touchpoint_key: str | None) -> dict:
    """The API's view of an imported answer."""
    return {
        "id": response.id,
        "external_id": response.external_id,
        "survey": {"id": response.survey.id, "name": response.survey.name},
        "kind": response.kind.value,
        "score": response.score,
        "touchpoint": touchpoint_key,
        "customer": {"id": response.customer.id, "external_id": response.customer.external_id},
        "answered_at": _iso(response.answered_at),
    }


def _stored(external_ids: set[str]) -> dict[str, Response]:
    found = {}
    for chunk in chunks(sorted(external_ids)):
        query = (
            select(Response)
            .where(Response.external_id.in_(chunk))
            .options(selectinload(Response.survey), selectinload(Response.customer))
        )
        found.update({r.external_id: r for r in db.session.scalars(query)})
    return found


def _taken_event_ids(external_ids: set[str]) -> set[str]:
    """The answers' ids whose touchpoint event id another system's touchpoint holds."""
    taken = set()
    for chunk in chunks(sorted(f"{EVENT_PREFIX}{e}" for e in external_ids)):
        query = select(TouchpointEvent.external_id).where(TouchpointEvent.external_id.in_(chunk))
        taken.update(e.removeprefix(EVENT_PREFIX) for e in db.session.scalars(query))
    return taken


def _customers(external_ids: set[str]) -> dict[str, Customer]:
    found = {}
    for chunk in chunks(sorted(external_ids)):
        query = select(Customer).where(Customer.external_id.in_(chunk))
        found.update({c.external_id: c for c in db.session.scalars(query)})
    return found


def import_answers(rows: list[tuple[int, object]]) -> list[ImportResult]:
    """Import past answers; one result per row, in the rows' order.

    ``rows`` pairs each raw row (a dict as the API's JSON has it) with its position in
    the request or its line in the file. Another import storing the same ids or creating
    the same customer meanwhile makes the flush raise IntegrityError: the caller rolls
    back and calls again, and those rows then come back "existing".
    """
    results: list[ImportResult] = []
    parsed: list[tuple[int, PastAnswer]] = []
    for index, raw in rows:
        row, errors = parse_row(raw)
        if errors:
            results.append(ImportResult(index, "rejected", errors=errors))
        else:
            parsed.append((index, row))
    stored = _stored({row.external_id for _, row in parsed})
    customers = _customers({row.customer_external_id for _, row in parsed})
    taken = _taken_event_ids({row.external_id for _, row in parsed} - set(stored))
    catalogue = Catalogue.read()
    erased = erased_digests(
        (row.customer_external_id for _, row in parsed),
        (row.customer_email for _, row in parsed),
    )
    type_keys = {t.id: t.key for t in catalogue.types.values()}
    fresh: dict[str, tuple[int, PastAnswer, Survey, int]] = {}
    repeats: list[tuple[int, str]] = []
    for index, row in parsed:
        if row.external_id in stored:  # first: a replay answers as before, whatever changed
            response = stored[row.external_id]
            summary = answer_summary(response, type_keys.get(response.touchpoint_type_id))
            results.append(ImportResult(index, "existing", summary))
            continue
        resolved = catalogue.resolve(row)
        if isinstance(resolved, dict):
            results.append(ImportResult(index, "rejected", errors=resolved))
        elif row.external_id in taken:
            message = f"A touchpoint event already has the id {EVENT_PREFIX}{row.external_id}."
            results.append(ImportResult(index, "rejected", errors={"external_id": [message]}))
        elif errors := refusal(row, customers.get(row.customer_external_id), erased):
            results.append(ImportResult(index, "rejected", errors=errors))
        elif row.external_id in fresh:  # the same id twice in one request
            repeats.append((index, row.external_id))
        else:
            fresh[row.external_id] = (index, row, *resolved)
    created = _create(list(fresh.values()), customers)
    summaries = {
        external_id: answer_summary(response, type_keys.get(response.touchpoint_type_id))
        for external_id, response in created.items()
    }
    results += [
        ImportResult(index, "created", summaries[row.external_id])
        for index, row, *_ in fresh.values()
    ]
    results += [ImportResult(index, "existing", summaries[ext]) for index, ext in repeats]
    return sorted(results, key=lambda r: r.index)


def _create(fresh, customers: dict[str, Customer]) -> dict[str, Response]:
    """Write the answers with their events and invitations; returns them by external id."""
    for _, row, _, _ in fresh:
        if row.customer_external_id not in customers:
            customer = Customer(external_id=row.customer_external_id)
            db.session.add(customer)
            customers[row.customer_external_id] = customer
    responses = {}
    for _, row, survey, type_id in fresh:
        customer = customers[row.customer_external_id]
        locale = customer.locale or "en"
        event = TouchpointEvent(
            external_id=f"{EVENT_PREFIX}{row.external_id}",
            touchpoint_type_id=type_id,
            customer=customer,
            occurred_at=row.answered_at,
            properties={},
            source=EventSource.PAST,
            history=True,
        )
        # Never sent (sent_at and sent_day stay empty), so no response rate counts it.
        invitation = Invitation(
            customer=customer,
            event=event,
            survey=survey,
            status=InvitationStatus.ANSWERED,
            send_at=row.answered_at,
            locale=locale,
        )
        responses[row.external_id] = Response(
            invitation=invitation,
            survey=survey,
            customer=customer,
            kind=survey.kind,
            score=row.score,
            comment=row.comment,
            locale=locale,
            external_id=row.external_id,
            imported=True,
            answered_at=row.answered_at,
            touchpoint_type_id=type_id,
            tier=customer.tier or "",
            report_day=report_day(row.answered_at),
        )
        db.session.add(responses[row.external_id])
    db.session.flush()
    apply_import_consents([(row, customers[row.customer_external_id]) for _, row, *_ in fresh])
    events.publish_many(
        [
            events.AnswerImported(response_id=response.id, customer_id=response.customer_id)
            for response in responses.values()
        ]
    )
    return responses
