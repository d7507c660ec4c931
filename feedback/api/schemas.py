"""What the API answers, as marshmallow schemas (they also make the OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from feedback.surveys.inputs import TouchpointSchema

MAX_BATCH = 1000


class InvitationOut(Schema):
    id = fields.Integer()
    survey = fields.Function(lambda inv: {"id": inv.survey_id, "name": inv.survey.name})
    status = fields.Function(lambda inv: inv.status.value)
    suppression_reason = fields.Function(
        lambda inv: inv.suppression_reason.value if inv.suppression_reason else None
    )
    send_at = fields.AwareDateTime()


class EventOut(Schema):
    id = fields.Integer()
    external_id = fields.String()
    touchpoint = fields.Function(lambda event: event.touchpoint_type.key)
    occurred_at = fields.AwareDateTime()
    customer = fields.Function(
        lambda event: {"id": event.customer_id, "external_id": event.customer.external_id}
    )
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
