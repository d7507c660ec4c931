"""What the API answers, as marshmallow schemas (they also make the OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from feedback.surveys.inputs import TouchpointSchema

MAX_BATCH = 1000


class SurveyRef(Schema):
    id = fields.Integer()
    name = fields.String()


class CustomerRef(Schema):
    id = fields.Integer()
    external_id = fields.String()


class InvitationOut(Schema):
    id = fields.Integer()
    survey = fields.Nested(SurveyRef)
    status = fields.String(metadata={"description": "scheduled or suppressed"})
    suppression_reason = fields.String(
        allow_none=True,
        metadata={"description": "unsubscribed, cooldown, invalid_address or survey_paused"},
    )
    send_at = fields.String(metadata={"format": "date-time"})


class EventOut(Schema):
    id = fields.Integer()
    external_id = fields.String()
    touchpoint = fields.String()
    occurred_at = fields.String(metadata={"format": "date-time"})
    customer = fields.Nested(CustomerRef)
    invitations = fields.List(fields.Nested(InvitationOut))


class BatchIn(Schema):
    events = fields.List(
        fields.Raw(),
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH),
        metadata={"description": f"Up to {MAX_BATCH} events, each as for POST /touchpoints."},
    )


class BatchResultOut(Schema):
    index = fields.Integer(metadata={"description": "Position of the event in the request."})
    status = fields.String(metadata={"description": "created, existing or rejected"})
    event = fields.Nested(EventOut, allow_none=True)
    errors = fields.Dict(metadata={"description": "Field errors of a rejected event."})


class BatchOut(Schema):
    created = fields.Integer()
    existing = fields.Integer()
    rejected = fields.Integer()
    results = fields.List(fields.Nested(BatchResultOut))


__all__ = ["TouchpointSchema", "EventOut", "BatchIn", "BatchOut", "MAX_BATCH"]
