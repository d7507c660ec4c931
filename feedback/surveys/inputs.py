"""Touchpoint events as other systems send them (API, CSV), validated with marshmallow.

The same schema checks the JSON API, the batch endpoint and each CSV line, and
describes the API in its OpenAPI document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

#: languages a customer can have; "zh-CN", "zh_Hans" and the like become "zh"
LOCALES = ("en", "zh")


def normalise_locale(value: str | None) -> str | None:
    """Map a language tag to one we serve, or None when we serve none like it."""
    if not value:
        return None
    primary = value.replace("_", "-").split("-")[0].strip().lower()
    return primary if primary in LOCALES else None


@dataclass
class CustomerInput:
    external_id: str
    email: str | None = None
    name: str | None = None
    locale: str | None = None
    tier: str | None = None


@dataclass
class EventInput:
    external_id: str
    touchpoint: str
    occurred_at: datetime
    customer: CustomerInput
    properties: dict = field(default_factory=dict)


class CustomerSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    external_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=120),
        metadata={"description": "The customer's id in your system.", "example": "c-42"},
    )
    email = fields.Email(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=254),
        metadata={"example": "ann@example.com"},
    )
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    locale = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=20),
        metadata={"description": "en or zh (zh-CN and the like are read as zh)."},
    )
    tier = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=40),
        metadata={"example": "gold"},
    )

    @post_load
    def make(self, data, **_kwargs) -> CustomerInput:
        data["locale"] = normalise_locale(data.get("locale"))
        if data.get("email"):
            data["email"] = data["email"].strip().lower()
        return CustomerInput(**data)


class TouchpointSchema(Schema):
    """One touchpoint event."""

    class Meta:
        unknown = EXCLUDE

    external_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": "Your id for this event; sending it again creates nothing.",
            "example": "order-1001-delivered",
        },
    )
    touchpoint = fields.String(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "A touchpoint type key, e.g. delivery.", "example": "delivery"},
    )
    occurred_at = fields.AwareDateTime(
        required=True,
        metadata={"description": "ISO 8601 with a time zone.", "example": "2026-11-20T10:00:00Z"},
    )
    customer = fields.Nested(CustomerSchema, required=True)
    properties = fields.Dict(
        keys=fields.String(validate=validate.Length(max=100)),
        load_default=dict,
        metadata={"example": {"store": "Shanghai"}},
    )

    @post_load
    def make(self, data, **_kwargs) -> EventInput:
        return EventInput(**data)


_schema = TouchpointSchema()


def parse_event(raw) -> tuple[EventInput | None, dict]:
    """Validate one event; returns the input or the field errors ({} when valid)."""
    if not isinstance(raw, dict):
        return None, {"_schema": ["Each event must be a JSON object."]}
    try:
        return _schema.load(raw), {}
    except ValidationError as exc:
        return None, exc.normalized_messages()
