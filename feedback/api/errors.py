"""The API's error body as the OpenAPI document describes it (feedback.errors makes it)."""

from __future__ import annotations

from marshmallow import Schema, fields


class ErrorDetail(Schema):
    code = fields.String(
        required=True,
        metadata={
            "description": "bad_request, unauthorized, insufficient_scope, not_found,"
            " payload_too_large, validation_error"
        },
    )
    message = fields.String(required=True, metadata={"description": "For a person to read."})
    field_errors = fields.Dict(
        data_key="fields",
        required=True,
        metadata={
            "description": "Messages by field name, nested as the request is; `_body` for "
            "the body as a whole, `_schema` for an event as a whole. Empty when none."
        },
    )


class ErrorOut(Schema):
    """Every 4xx of the API: `{"error": {"code", "message", "fields"}}`."""

    error = fields.Nested(ErrorDetail, required=True)
