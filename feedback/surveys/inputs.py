"""Touchpoint events as other systems send them (API, CSV), validated with marshmallow.

The same schema checks the JSON API, the batch endpoint and each CSV line, and
describes the API in its OpenAPI document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask import current_app, has_app_context
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from feedback import text
from feedback.customers.consent_inputs import ConsentInput, ConsentSchema
from feedback.customers.phones import LONGEST_INPUT, read_phone

#: languages a customer can have; "zh-CN", "zh_Hans" and the like become "zh"
LOCALES = ("en", "zh")
#: touchpoints must fall in these years: beyond them a delay or the conversion to UTC
#: would overflow, and no real touchpoint is there
EARLIEST_YEAR, LATEST_YEAR = 1970, 2200
#: a touchpoint's value: what TouchpointEvent.value (Numeric(14, 2)) holds exactly
VALUE_DIGITS, VALUE_PLACES = 12, 2
#: a value sent as a string: plain digits, a point and more digits (no sign but for the
#: message, no exponent, no thousands separators)
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_CURRENCY_CODE = re.compile("[A-Za-z]{3}")


def _plausible(moment: datetime) -> bool:
    return EARLIEST_YEAR <= moment.year <= LATEST_YEAR


def validate_occurred_at(moment: datetime) -> None:
    if not _plausible(moment):
        raise ValidationError(f"Must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}.")


def clean_text(value: str) -> None:
    """Refuse a string we could not store or that no person typed (see feedback.text)."""
    if not text.is_clean(value):
        raise ValidationError(text.MESSAGE)


def clean_json(value) -> None:
    """Refuse a JSON value holding such a string anywhere, keys included."""
    if text.dirty_strings(value):
        raise ValidationError(text.MESSAGE)


def read_value(raw) -> Decimal:
    """A touchpoint's value from a JSON number or a decimal string ("129.90"), exactly.

    Raises ValidationError with a message for the sender: below 0, more than two decimal
    places or more than twelve digits before the point are refused, not rounded, so that
    nothing stored differs from what the sending system holds.
    """
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValidationError("Send a number or a decimal string, e.g. 129.90.")
    if isinstance(raw, str) and not _DECIMAL_TEXT.fullmatch(raw.strip()):
        raise ValidationError("Not a decimal number: write it as 129.90 (a point, no commas).")
    try:
        # str() of a float is its shortest exact spelling: 129.9 -> "129.9"
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationError("Not a decimal number: write it as 129.90.") from None
    if not value.is_finite():
        raise ValidationError("Not a decimal number: write it as 129.90.")
    if value < 0:
        raise ValidationError(
            "Must be 0 or more. A refund is sent with a positive value and a touchpoint "
            "type that counts as a refund."
        )
    # the size first: quantize() fails on a number wider than the context's precision
    if value >= Decimal(10) ** VALUE_DIGITS:
        raise ValidationError(f"At most {VALUE_DIGITS} digits before the decimal point.")
    if value != value.quantize(Decimal(1).scaleb(-VALUE_PLACES)):
        raise ValidationError(f"At most {VALUE_PLACES} decimal places.")
    return value


def check_currency(code: str) -> None:
    """Refuse a currency other than the installation's (config CURRENCY), any case."""
    if not (isinstance(code, str) and _CURRENCY_CODE.fullmatch(code)):
        raise ValidationError("Three letters, an ISO 4217 code such as CNY.")
    expected = current_app.config["CURRENCY"]
    if code.upper() != expected:
        raise ValidationError(
            f"This service counts money in {expected} only: send the value in {expected}."
        )


class Money(fields.Field):
    """A touchpoint's value (see ``read_value``): a JSON number or a decimal string."""

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
        return read_value(value)


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
    #: E.164 once the event is read (see ``read_customer_phone``); None when not given
    phone: str | None = None


@dataclass
class EventInput:
    external_id: str
    touchpoint: str
    occurred_at: datetime
    customer: CustomerInput
    properties: dict = field(default_factory=dict)
    #: money of a purchase or refund, in the installation's CURRENCY; None when not given
    value: Decimal | None = None
    #: a past event sent for loyalty: stored, and nobody is invited
    history: bool = False
    #: the customer's consent to be surveyed, when the event carries it
    consent: ConsentInput | None = None
    #: what was left out of a stored event: [{"field": "customer.phone", "message": ...}]
    warnings: list[dict] = field(default_factory=list)


def read_customer_phone(event: EventInput) -> EventInput:
    """Put the customer's phone in E.164, or leave it out with a warning on the event.

    An unreadable number never costs the event: a purchase is not lost to a typo.
    """
    raw = (event.customer.phone or "").strip()
    if not raw:
        event.customer.phone = None
        return event
    region = current_app.config.get("PHONE_DEFAULT_REGION") if has_app_context() else None
    reading = read_phone(raw, region)
    event.customer.phone = reading.e164
    if reading.problem:
        message = f"{reading.problem} The number was left out; the event was stored."
        event.warnings.append({"field": "customer.phone", "message": message})
    return event


class CustomerSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    external_id = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=120), clean_text],
        metadata={"description": "The customer's id in your system.", "example": "c-42"},
    )
    email = fields.Email(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=254), clean_text],
        metadata={"example": "ann@example.com"},
    )
    name = fields.String(
        load_default=None, allow_none=True, validate=[validate.Length(max=200), clean_text]
    )
    locale = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=20), clean_text],
        metadata={"description": "en or zh (zh-CN and the like are read as zh)."},
    )
    tier = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=40), clean_text],
        metadata={"example": "gold"},
    )
    phone = fields.String(
        load_default=None,
        allow_none=True,
        validate=clean_text,
        metadata={
            "description": "As people write it: +86 138 0013 8000, or (415) 555-0132 when "
            "the service's PHONE_DEFAULT_REGION is US. Stored in E.164. A number that is "
            "not valid is left out with a warning in the result, and the event is stored.",
            "example": "+86 138 0013 8000",
        },
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
        validate=[validate.Length(min=1, max=200), clean_text],
        metadata={
            "description": "Your id for this event; sending it again creates nothing.",
            "example": "order-1001-delivered",
        },
    )
    touchpoint = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=40), clean_text],
        metadata={
            "description": "A touchpoint type key, e.g. delivery. An unknown key is a 422 "
            "whose `error.fields.touchpoint` lists the known ones.",
            "example": "delivery",
        },
    )
    occurred_at = fields.AwareDateTime(
        required=True,
        validate=validate_occurred_at,
        metadata={"description": "ISO 8601 with a time zone.", "example": "2026-11-20T10:00:00Z"},
    )
    customer = fields.Nested(CustomerSchema, required=True)
    properties = fields.Dict(
        keys=fields.String(validate=validate.Length(max=100)),
        load_default=dict,
        validate=clean_json,
        metadata={"example": {"store": "Shanghai"}},
    )
    value = Money(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "The money of a purchase or refund, in the service's currency "
            "(see `currency`): a JSON number or a decimal string, 0 or more, at most 2 "
            f"decimal places and {VALUE_DIGITS} digits before the point. Stored exactly; "
            "a value with more places is refused, not rounded. A refund is sent positive: "
            "its touchpoint type makes it subtract.",
            "oneOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": r"^[0-9]{1,12}(\.[0-9]{1,2})?$"},
            ],
            "example": "129.90",
        },
    )
    currency = fields.String(
        load_default=None,
        allow_none=True,
        validate=check_currency,
        metadata={
            "description": "ISO 4217 code of `value`'s currency, optional. The service counts "
            "money in one currency (its CURRENCY setting); another one is a 422 whose "
            "`error.fields.currency` names it. Needs a `value`.",
            "example": "CNY",
        },
    )
    history = fields.Boolean(
        load_default=False,
        metadata={
            "description": "true for a past event sent for loyalty figures (a purchase "
            "last year): it is stored and counts as a purchase or refund, and nobody is "
            "invited to a survey for it. Default false: surveys tied to the touchpoint "
            "are scheduled.",
            "example": False,
        },
    )

    consent = fields.Nested(
        ConsentSchema,
        load_default=None,
        allow_none=True,
        metadata={"description": "The customer's consent to be surveyed, when known."},
    )

    @validates_schema
    def currency_needs_value(self, data, **_kwargs) -> None:
        """A currency alone is most likely a value lost on the way: say so."""
        if data.get("currency") is not None and data.get("value") is None:
            raise ValidationError(
                "A currency without a value: send the value too, or leave the currency out.",
                field_name="currency",
            )

    @post_load
    def make(self, data, **_kwargs) -> EventInput:
        data.pop("currency", None)  # checked; every stored value is in CURRENCY
        return read_customer_phone(EventInput(**data))


_schema = TouchpointSchema()
#: the very check marshmallow's Email field runs
_email = validate.Email()


def _text(value, longest: int, shortest: int = 0) -> bool:
    return isinstance(value, str) and shortest <= len(value) <= longest and text.is_clean(value)


def _optional_text(value, longest: int) -> bool:
    return value is None or _text(value, longest)


def quick_parse(raw: dict) -> EventInput | None:
    """The common, plainly valid event, checked in a few microseconds; None at any doubt.

    Marshmallow spends about 50 microseconds an event, a third of a batch's time. This
    accepts only what TouchpointSchema accepts and builds the same EventInput (a test
    holds the two to that); anything else goes to the schema, which also words the errors.
    """
    customer = raw.get("customer")
    properties = raw.get("properties", {})
    if not (
        raw.get("consent") is None
        and _text(raw.get("external_id"), 200, 1)
        and _text(raw.get("touchpoint"), 40, 1)
        and isinstance(raw.get("occurred_at"), str)
        and isinstance(customer, dict)
        and _text(customer.get("external_id"), 120, 1)
        and _optional_text(customer.get("email"), 254)
        and _optional_text(customer.get("name"), 200)
        and _optional_text(customer.get("locale"), 20)
        and _optional_text(customer.get("tier"), 40)
        and _optional_text(customer.get("phone"), LONGEST_INPUT)
        and isinstance(properties, dict)
        and all(isinstance(key, str) and len(key) <= 100 for key in properties)
        and not text.dirty_strings(properties)
    ):
        return None
    try:
        occurred_at = datetime.fromisoformat(raw["occurred_at"])  # as marshmallow does
        email = customer.get("email")
        if email is not None:
            _email(email)
    except (ValueError, ValidationError):
        return None
    if occurred_at.tzinfo is None or occurred_at.tzinfo.utcoffset(occurred_at) is None:
        return None
    if not _plausible(occurred_at):
        return None
    value, currency, history = raw.get("value"), raw.get("currency"), raw.get("history", False)
    if not isinstance(history, bool) or (currency is not None and value is None):
        return None
    try:
        value = None if value is None else read_value(value)
        if currency is not None:
            check_currency(currency)
    except ValidationError:
        return None
    event = EventInput(
        external_id=raw["external_id"],
        touchpoint=raw["touchpoint"],
        occurred_at=occurred_at,
        customer=CustomerInput(
            external_id=customer["external_id"],
            email=email.strip().lower() if email else email,
            name=customer.get("name"),
            locale=normalise_locale(customer.get("locale")),
            tier=customer.get("tier"),
            phone=customer.get("phone"),
        ),
        properties=properties,
        value=value,
        history=history,
    )
    return read_customer_phone(event)


def parse_event(raw) -> tuple[EventInput | None, dict]:
    """Validate one event; returns the input or the field errors ({} when valid)."""
    if not isinstance(raw, dict):
        return None, {"_schema": ["Each event must be a JSON object."]}
    event = quick_parse(raw)
    if event is not None:
        return event, {}
    try:
        return _schema.load(raw), {}
    except ValidationError as exc:
        return None, exc.normalized_messages()
