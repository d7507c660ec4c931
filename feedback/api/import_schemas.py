"""The API's schemas for POST /api/v1/responses/import (past answers in)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from feedback.api.schemas import MAX_BATCH, CustomerRef, SurveyRef
from feedback.surveys.imports import PastAnswerSchema

__all__ = ["ImportIn", "ImportOut", "PastAnswerSchema"]


class ImportIn(Schema):
    # Each answer is read on its own (a bad one is rejected, the rest stored), so the list
    # takes any JSON; the document still says what an answer must be.
    responses = fields.List(
        fields.Raw(metadata={"allOf": [{"$ref": "#/components/schemas/PastAnswer"}]}),
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH),
        metadata={
            "description": f"Up to {MAX_BATCH} past answers. Each is checked on its own: "
            "an invalid one comes back `rejected` with its field errors in `results`, and "
            "the others are stored. They count in scores and loyalty, not in response "
            "rates, and open no case, notify nobody and fire no webhook."
        },
    )


class ImportedAnswerOut(Schema):
    id = fields.Integer()
    external_id = fields.String()
    survey = fields.Nested(SurveyRef)
    kind = fields.String(metadata={"description": "nps, csat or ces"})
    score = fields.Integer()
    touchpoint = fields.String(allow_none=True, metadata={"description": "A type key."})
    customer = fields.Nested(CustomerRef)
    answered_at = fields.String(metadata={"format": "date-time"})


class ImportResultOut(Schema):
    index = fields.Integer(metadata={"description": "Position of the answer in the request."})
    status = fields.String(
        metadata={
            "description": "created; existing (imported before: what is stored, unchanged, "
            "whatever the row says now); or rejected"
        }
    )
    response = fields.Nested(ImportedAnswerOut, allow_none=True)
    errors = fields.Dict(metadata={"description": "Field errors of a rejected answer."})


class ImportOut(Schema):
    created = fields.Integer()
    existing = fields.Integer()
    rejected = fields.Integer()
    results = fields.List(fields.Nested(ImportResultOut))
