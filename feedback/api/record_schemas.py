"""What the API answers about cases and customers, and the arguments of the case list."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from marshmallow import Schema, ValidationError, fields, validate
from webargs.fields import DelimitedList

from feedback.complaints.enums import CasePriority, CaseStatus
from feedback.urls import MAX_ID

MAX_CASES_PAGE = 200


class Moment(fields.Field):
    """A date (its whole day in UTC) or a date-time with an offset, read as a UTC instant.
    ``end`` makes a date mean the end of its day, for the last moment of a range."""

    def __init__(self, *, end: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.end = end

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        if not isinstance(value, str) or len(value) > 40:
            raise ValidationError("Give a date (2026-12-05) or a time (2026-12-05T08:00:00Z).")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            moment = datetime.combine(day, time.min, UTC)
            # the end of a day is the start of the next; the last day has none
            return moment + timedelta(days=1) if self.end and day < date.max else moment
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as error:
            raise ValidationError("Not a date or time in ISO 8601.") from error
        if moment.tzinfo is None:
            raise ValidationError("Give the time zone offset, such as Z or +08:00.")
        try:
            return moment.astimezone(UTC)
        except OverflowError as error:
            raise ValidationError("That time is out of range in UTC.") from error


#: a user id (a database integer), or "none"
OWNER_PATTERN = r"^(none|[1-9][0-9]{0,9})$"


def _owner(value: str) -> None:
    # fullmatch: "$" alone lets a trailing newline through
    if not re.fullmatch(OWNER_PATTERN[1:-1], value) or (value != "none" and int(value) > MAX_ID):
        raise ValidationError("Give a user id, or none for unassigned cases.")


class CasesArgs(Schema):
    status = DelimitedList(
        fields.String(validate=validate.OneOf([s.value for s in CaseStatus])),
        load_default=list,
        metadata={"description": "Comma-separated: new, open, pending, resolved, closed."},
    )
    priority = DelimitedList(
        fields.String(validate=validate.OneOf([p.value for p in CasePriority])),
        load_default=list,
        metadata={"description": "Comma-separated: urgent, high, normal, low."},
    )
    owner = fields.String(
        load_default=None,
        validate=_owner,
        metadata={
            "description": "The owner's user id, or `none` for unassigned cases.",
            "pattern": OWNER_PATTERN,
        },
    )
    opened_from = Moment(
        load_default=None,
        metadata={
            "description": "Opened at or after: a date (from its start, UTC) or a date-time "
            "with an offset.",
            "type": "string",
        },
    )
    opened_to = Moment(
        end=True,
        load_default=None,
        metadata={
            "description": "Opened before: a date counts its whole day (UTC), a date-time "
            "with an offset is the moment.",
            "type": "string",
        },
    )
    cursor = fields.String(
        load_default=None,
        validate=validate.Length(max=200),
        metadata={"description": "The `next_cursor` of the page before; a bad one is a 422."},
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_CASES_PAGE))


class UserRef(Schema):
    id = fields.Integer()
    name = fields.String()


class CaseCustomerRef(Schema):
    external_id = fields.String()


class CaseOut(Schema):
    id = fields.Integer()
    status = fields.String()
    priority = fields.String()
    source = fields.String(metadata={"description": "survey, email, staff or outreach"})
    tier = fields.String(metadata={"description": "The customer's tier when it opened"})
    owner = fields.Nested(UserRef, allow_none=True)
    customer = fields.Nested(CaseCustomerRef)
    touchpoint = fields.String(allow_none=True)
    opened_at = fields.String(metadata={"format": "date-time"})
    first_response_due_at = fields.String(metadata={"format": "date-time"})
    first_responded_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    first_response_breached = fields.Boolean(
        metadata={"description": "The first response was not there by its due time"}
    )
    resolution_due_at = fields.String(
        allow_none=True, metadata={"format": "date-time", "description": "null while pending"}
    )
    resolution_breached = fields.Boolean()
    resolved_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    closed_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    response_ids = fields.List(
        fields.Integer(), metadata={"description": "The answers on the case (GET /responses)"}
    )
    url = fields.String(metadata={"description": "The case's page for staff"})


class CasesOut(Schema):
    items = fields.List(fields.Nested(CaseOut))
    next_cursor = fields.String(
        allow_none=True,
        metadata={"description": "Pass as `cursor` for the next page; null on the last."},
    )


class ThreadEntryOut(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "reply, customer_reply, call or note"})
    at = fields.String(metadata={"format": "date-time"})
    author = fields.Nested(
        UserRef, allow_none=True, metadata={"description": "null for the customer"}
    )
    detail = fields.String(
        allow_none=True, metadata={"description": "A message's subject, a call's outcome"}
    )
    body = fields.String(allow_none=True)
    internal = fields.Boolean(metadata={"description": "A note: never shown to the customer"})


class TimelineEntryOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    at = fields.String(metadata={"format": "date-time"})
    actor = fields.Nested(
        UserRef, allow_none=True, metadata={"description": "null for the service itself"}
    )
    before = fields.String(allow_none=True)
    after = fields.String(allow_none=True)
    detail = fields.String(allow_none=True)


class CaseDetailOut(CaseOut):
    thread = fields.List(
        fields.Nested(ThreadEntryOut),
        metadata={"description": "Messages out and in, calls and notes, oldest first"},
    )
    timeline = fields.List(
        fields.Nested(TimelineEntryOut), metadata={"description": "Every change, oldest first"}
    )


class AnswerOut(Schema):
    id = fields.Integer()
    survey = fields.String()
    kind = fields.String(metadata={"description": "nps, csat or ces"})
    score = fields.Integer()
    comment = fields.String(allow_none=True)
    answered_at = fields.String(metadata={"format": "date-time"})
    touchpoint = fields.String(allow_none=True)


class CaseSummaryOut(Schema):
    id = fields.Integer()
    status = fields.String()
    priority = fields.String()
    opened_at = fields.String(metadata={"format": "date-time"})


class RfmOut(Schema):
    recency_days = fields.Integer(
        allow_none=True, metadata={"description": "Days since the last purchase; null: never"}
    )
    frequency = fields.Integer(metadata={"description": "Purchases in the last 12 months"})
    monetary = fields.Float(
        metadata={"description": "Purchases less refunds in the last 12 months, in CURRENCY"}
    )
    r = fields.Integer(metadata={"description": "Recency score, 1-5"})
    f = fields.Integer(metadata={"description": "Frequency score, 1-5"})
    m = fields.Integer(metadata={"description": "Monetary score, 1-5"})
    computed_tier = fields.String(allow_none=True)
    computed_at = fields.DateTime()


class ConsentChangeOut(Schema):
    change = fields.String(
        metadata={"description": "given, withdrawn, unsubscribed or resubscribed"}
    )
    source = fields.String(
        metadata={"description": "touchpoint, import, link, staff, api or erasure"}
    )
    detail = fields.String(metadata={"description": "The sender's source text, or staff's note"})
    at = fields.String(metadata={"format": "date-time", "description": "When it happened"})
    recorded_at = fields.String(metadata={"format": "date-time"})


class ConsentOut(Schema):
    subscribed = fields.Boolean(metadata={"description": "false: no survey is sent to them"})
    history = fields.List(
        fields.Nested(ConsentChangeOut), metadata={"description": "The last 100, newest first"}
    )


class CustomerOut(Schema):
    # Read from the Customer row (`customer`): a new column is one line here.
    external_id = fields.String(attribute="customer.external_id")
    email = fields.String(attribute="customer.email", allow_none=True)
    name = fields.String(attribute="customer.name")
    language = fields.String(
        attribute="customer.locale", allow_none=True, metadata={"description": "en or zh"}
    )
    tier = fields.String(attribute="customer.tier", allow_none=True)
    phone = fields.String(
        attribute="customer.phone", allow_none=True, metadata={"description": "E.164"}
    )
    unsubscribed = fields.Function(
        lambda record: record["customer"].unsubscribed_at is not None,
        metadata={"type": "boolean"},
    )
    created_at = fields.DateTime(attribute="customer.created_at")
    rfm = fields.Nested(
        RfmOut, allow_none=True, metadata={"description": "Null until RFM is computed"}
    )
    segment = fields.String(
        allow_none=True, metadata={"description": "The RFM segment's key (champions, loyal ...)"}
    )
    loyalty_type = fields.String(
        allow_none=True,
        metadata={"description": "emotional, latent, inertia or none; null with no answer"},
    )
    answers = fields.List(
        fields.Nested(AnswerOut), metadata={"description": "The last 100, newest first"}
    )
    cases = fields.List(fields.Nested(CaseSummaryOut), metadata={"description": "Newest first"})
    consent = fields.Nested(ConsentOut)
