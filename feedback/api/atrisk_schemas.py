"""What GET /api/v1/at-risk reads and answers."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from feedback.loyalty.atrisk import MAX_LIMIT, REASONS
from feedback.surveys.inputs import clean_text


class AtRiskArgs(Schema):
    tier = fields.String(
        load_default=None,
        # clean_text: a NUL, which PostgreSQL cannot compare, is a 422 as in every filter
        validate=[validate.Length(max=40), clean_text],
        metadata={"description": "Only customers of this tier (ignoring case)."},
    )
    reason = fields.String(
        load_default=None,
        validate=validate.OneOf(REASONS),
        metadata={"description": "Only customers with this reason: " + ", ".join(REASONS)},
    )
    cursor = fields.String(
        load_default=None,
        validate=[validate.Length(max=300), clean_text],
        metadata={"description": "The `next` of the page before; a bad one is a 422."},
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT))


class AtRiskReasonOut(Schema):
    key = fields.String(metadata={"description": ", ".join(REASONS)})
    at = fields.String(metadata={"format": "date-time", "description": "When it happened"})
    detail = fields.String(metadata={"description": "The reason in a sentence (English)"})
    score = fields.Integer(allow_none=True, metadata={"description": "The answer's score"})
    previous = fields.Integer(
        allow_none=True, metadata={"description": "The score before, for score_fell"}
    )
    case_id = fields.Integer(allow_none=True, metadata={"description": "The case it is about"})
    segment = fields.String(allow_none=True, metadata={"description": "For rfm_at_risk"})


class AtRiskCustomerOut(Schema):
    external_id = fields.String()
    name = fields.String()
    tier = fields.String(allow_none=True)
    value = fields.Decimal(
        as_string=True,
        places=2,
        metadata={
            "description": "Value at risk: purchases less refunds in the last 12 months, "
            "in the installation's currency"
        },
    )
    unsubscribed = fields.Boolean(
        metadata={"description": "Opted out of surveys (a call is not a survey)"}
    )
    reasons = fields.List(fields.Nested(AtRiskReasonOut))
    case_id = fields.Integer(allow_none=True, metadata={"description": "Their case in the queue"})


class AtRiskOut(Schema):
    customers = fields.List(fields.Nested(AtRiskCustomerOut))
    next = fields.String(
        allow_none=True,
        metadata={"description": "Pass as `cursor` for the next page; null on the last."},
    )
