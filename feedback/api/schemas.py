"""What the API answers, as marshmallow schemas (they also make the OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from feedback.scoring import FEW, TOO_FEW
from feedback.surveys.inputs import TouchpointSchema, clean_text
from feedback.urls import MAX_ID

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
    value = fields.String(
        allow_none=True,
        metadata={
            "description": "The value as stored, two decimals, in the service's currency; "
            "null when none was sent",
            "example": "129.90",
        },
    )
    history = fields.Boolean(
        metadata={"description": "Sent as history: stored for loyalty, nobody invited"}
    )
    invitations = fields.List(
        fields.Nested(InvitationOut), metadata={"description": "Always empty for history"}
    )


class WarningOut(Schema):
    field = fields.String(metadata={"description": "The input left out, e.g. customer.phone"})
    message = fields.String(metadata={"description": "Why, in English"})


WARNINGS = {
    "description": "What was left out of the stored event, e.g. a phone number that is "
    "not valid (the event itself is stored). Empty when nothing was.",
}


class TouchpointOut(EventOut):
    warnings = fields.List(fields.Nested(WarningOut), metadata=WARNINGS)


class BatchIn(Schema):
    # Each event is read on its own (a bad one is rejected, the rest stored), so the list
    # takes any JSON; the document still says what an event must be.
    events = fields.List(
        fields.Raw(metadata={"allOf": [{"$ref": "#/components/schemas/Touchpoint"}]}),
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH),
        metadata={
            "description": f"Up to {MAX_BATCH} events, each as for POST /touchpoints. Each "
            "is checked on its own: an invalid one comes back `rejected` with its field "
            "errors in `results`, and the others are stored."
        },
    )


class BatchResultOut(Schema):
    index = fields.Integer(metadata={"description": "Position of the event in the request."})
    status = fields.String(metadata={"description": "created, existing or rejected"})
    event = fields.Nested(EventOut, allow_none=True)
    errors = fields.Dict(metadata={"description": "Field errors of a rejected event."})
    warnings = fields.List(fields.Nested(WarningOut), metadata=WARNINGS)


class BatchOut(Schema):
    created = fields.Integer()
    existing = fields.Integer()
    rejected = fields.Integer()
    results = fields.List(fields.Nested(BatchResultOut))


__all__ = ["TouchpointSchema", "EventOut", "TouchpointOut", "BatchIn", "BatchOut", "MAX_BATCH"]


class ScoreFilterArgs(Schema):
    """The dashboard's filters, as query arguments."""

    range = fields.String(
        load_default="30d",
        validate=validate.OneOf(["7d", "30d", "90d", "quarter", "year", "custom"]),
        metadata={
            "description": "Days up to today in `timezone`, this quarter or year, or custom."
        },
    )
    start = fields.Date(load_default=None, metadata={"description": "First day, for custom."})
    end = fields.Date(load_default=None, metadata={"description": "Last day, for custom."})
    survey = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "A survey id."},
    )
    touchpoint = fields.String(
        load_default=None,
        validate=[validate.Length(max=40), clean_text],
        metadata={"description": "A touchpoint key; an unknown one is a 422."},
    )
    tier = fields.String(load_default=None, validate=[validate.Length(max=40), clean_text])
    language = fields.String(load_default=None, validate=validate.OneOf(["en", "zh"]))
    timezone = fields.String(
        load_default=None,
        validate=[validate.Length(max=60), clean_text],
        metadata={
            "description": "IANA zone the days are counted in; the service default if absent."
        },
    )


class ResponsesArgs(ScoreFilterArgs):
    after = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=MAX_ID),
        metadata={
            "description": "Return answers with a larger id: the `next_after` of the last page."
        },
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class PeriodOut(Schema):
    first = fields.Date()
    last = fields.Date()
    timezone = fields.String()


def _interval(prefix: str = "", of: str = "the figure") -> dict:
    """margin, low and high fields (named with prefix) of a 95% interval."""
    return {
        f"{prefix}margin": fields.Float(
            allow_none=True,
            metadata={"description": f"Half the width of the 95% interval of {of}"},
        ),
        f"{prefix}low": fields.Float(
            allow_none=True, metadata={"description": f"Low end of the 95% interval of {of}"}
        ),
        f"{prefix}high": fields.Float(
            allow_none=True, metadata={"description": f"High end of the 95% interval of {of}"}
        ),
    }


class SampleOut(Schema):
    n = fields.Integer(metadata={"description": "Answers (for the response rate: deliveries)"})
    too_few = fields.Boolean(
        metadata={"description": f"Fewer than {TOO_FEW}: every figure and interval is null"}
    )
    few = fields.Boolean(
        metadata={"description": f"{TOO_FEW} to {FEW - 1}: read the figures with care"}
    )


NpsOut = SampleOut.from_dict(
    {
        "score": fields.Float(
            allow_none=True,
            metadata={"description": "-100 to 100; null with no or too few answers"},
        ),
        **_interval(),
        "promoters": fields.Integer(),
        "passives": fields.Integer(),
        "detractors": fields.Integer(),
    },
    name="NpsOut",
)
CsatOut = SampleOut.from_dict(
    {
        "percent": fields.Float(allow_none=True, metadata={"description": "Share of 4 and 5"}),
        **_interval(of="the percent"),
        "mean": fields.Float(allow_none=True),
        **_interval("mean_", "the mean"),
    },
    name="CsatOut",
)
CesOut = SampleOut.from_dict(
    {
        "mean": fields.Float(allow_none=True),
        **_interval(of="the mean"),
        "easy_percent": fields.Float(allow_none=True, metadata={"description": "Share of 5-7"}),
        **_interval("easy_", "the easy percent"),
    },
    name="CesOut",
)
RateOut = SampleOut.from_dict(
    {
        "percent": fields.Float(allow_none=True),
        **_interval(of="the percent"),
        "delivered": fields.Integer(),
        "answered": fields.Integer(),
    },
    name="RateOut",
)


class ChangeOut(Schema):
    delta = fields.Float(
        allow_none=True,
        metadata={"description": "This period less the one before; null when not comparable"},
    )
    margin = fields.Float(allow_none=True)
    low = fields.Float(allow_none=True, metadata={"description": "95% interval of the delta"})
    high = fields.Float(allow_none=True)
    significant = fields.Boolean(metadata={"description": "The interval excludes 0"})
    too_few = fields.Boolean(metadata={"description": f"A period has fewer than {TOO_FEW}"})


class ChangesOut(Schema):
    nps = fields.Nested(ChangeOut)
    csat = fields.Nested(ChangeOut, metadata={"description": "Of the percent"})
    ces = fields.Nested(ChangeOut, metadata={"description": "Of the mean"})
    response_rate = fields.Nested(ChangeOut)


class ScoresOut(Schema):
    period = fields.Nested(PeriodOut)
    nps = fields.Nested(NpsOut)
    csat = fields.Nested(CsatOut)
    ces = fields.Nested(CesOut)
    response_rate = fields.Nested(RateOut)


class ComparisonOut(Schema):
    kind = fields.String(
        metadata={
            "description": "`same_span_last_year` (range=year), `same_span_last_quarter`"
            " (range=quarter): the same days a year or a quarter back, 29 February as 28;"
            " `previous_period`: as many days just before",
            "enum": ["previous_period", "same_span_last_quarter", "same_span_last_year"],
        }
    )
    first = fields.Date()
    last = fields.Date()


class SummaryOut(ScoresOut):
    previous = fields.Nested(
        ScoresOut, metadata={"description": "The period compared with (see `comparison`)"}
    )
    comparison = fields.Nested(ComparisonOut)
    change = fields.Nested(ChangesOut, metadata={"description": "From the period compared with"})


class ResponseOut(Schema):
    id = fields.Integer()
    answered_at = fields.String(metadata={"format": "date-time"})
    survey = fields.Nested(SurveyRef)
    kind = fields.String()
    score = fields.Integer()
    touchpoint = fields.String(allow_none=True)
    customer = fields.Nested(CustomerRef)
    tier = fields.String()
    locale = fields.String()
    comment = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    sentiment = fields.String(allow_none=True)
    polarity = fields.Float(allow_none=True)
    topics = fields.List(fields.String())
    case_id = fields.Integer(allow_none=True)


class ResponsesOut(Schema):
    items = fields.List(fields.Nested(ResponseOut))
    next_after = fields.Integer(
        allow_none=True,
        metadata={"description": "Pass as `after` for the next page; null on the last."},
    )
