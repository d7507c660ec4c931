"""Consent as other systems send it with a touchpoint or a past answer (API, CSV):
{"state": "given" | "withdrawn", "at": ISO time, "source": free text}.

One schema for the touchpoint API, its batch, the CSV import and the history imports;
feedback.customers.consent records what it says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from feedback import text
from feedback.timeutil import utcnow

#: what a sender may say of a customer's consent to be surveyed
CONSENT_STATES = ("given", "withdrawn")
#: a sender's clock may run a little ahead of ours; more than this is a mistake
CLOCK_SKEW = timedelta(minutes=5)
EARLIEST_YEAR = 1970


@dataclass
class ConsentInput:
    #: "given" or "withdrawn"
    state: str
    #: when the customer said so (UTC); None: when it is recorded, or for history the
    #: time of the touchpoint or answer it came with
    at: datetime | None = None
    #: where it was said, as the sender names it ("checkout form"); "" when not given
    source: str = ""


def _clean(value: str) -> None:
    if not text.is_clean(value):
        raise ValidationError(text.MESSAGE)


def _plausible(moment: datetime) -> None:
    if moment.year < EARLIEST_YEAR:
        raise ValidationError(f"Must be in the year {EARLIEST_YEAR} or later.")
    if moment > utcnow() + CLOCK_SKEW:
        raise ValidationError("Must not be in the future: send when the customer said so.")


class ConsentSchema(Schema):
    """The customer's consent to be surveyed, as said at this touchpoint."""

    class Meta:
        unknown = EXCLUDE

    state = fields.String(
        required=True,
        validate=validate.OneOf(
            CONSENT_STATES, error="Must be one of: given, withdrawn (not {input!r})."
        ),
        metadata={
            "description": "given: the customer may be surveyed (clears an opt-out); "
            "withdrawn: they may not (sets one).",
            "example": "given",
        },
    )
    at = fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        validate=_plausible,
        metadata={
            "description": "When the customer said so, ISO 8601 with a time zone; not in "
            "the future. Default: now (for history, the touchpoint's or answer's time). "
            "A consent older than the customer's latest recorded change is kept in their "
            "history but does not override that change.",
            "example": "2026-11-20T09:58:00Z",
        },
    )
    source = fields.String(
        load_default="",
        allow_none=True,
        validate=[validate.Length(max=200), _clean],
        metadata={"description": "Where it was said, free text.", "example": "checkout form"},
    )

    @post_load
    def make(self, data, **_kwargs) -> ConsentInput:
        at = data.get("at")
        return ConsentInput(
            state=data["state"],
            at=at.astimezone(UTC) if at else None,
            source=(data.get("source") or "").strip(),
        )


def consent_from_columns(row: dict, prefix: str = "consent") -> dict | None:
    """A CSV row's consent, consent_at and consent_source cells as the API's object;
    None when all three are empty (a time or source without a state is an error the
    schema words)."""
    cells = {
        name: (row.get(column) or "").strip() or None
        for name, column in (
            ("state", prefix),
            ("at", f"{prefix}_at"),
            ("source", f"{prefix}_source"),
        )
    }
    if not any(cells.values()):
        return None
    return {name: value for name, value in cells.items() if value is not None}
