"""GET /api/v1/drivers: its arguments and answer (feedback.dashboard.drivers)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from feedback.api.schemas import PeriodOut, ScoreFilterArgs


class DriversArgs(ScoreFilterArgs):
    kind = fields.String(
        load_default="nps",
        validate=validate.OneOf(["nps", "csat", "ces"]),
        metadata={
            "description": "Whose groups are compared: NPS detractors and promoters, CSAT"
            " dissatisfied (1-2) and satisfied (4-5), or CES hard (1-3) and easy (5-7)."
        },
    )


def _share(group: str) -> fields.Float:
    return fields.Float(
        allow_none=True,
        metadata={
            "description": f"Share (0-1) of the {group} answers with a comment whose comment"
            " has the topic; null when that group has no comment."
        },
    )


class DriverOut(Schema):
    key = fields.String()
    name = fields.String(metadata={"description": "The topic's English name"})
    name_zh = fields.String(metadata={"description": "The topic's Chinese name"})
    detractor_share = _share("unhappy (NPS detractors, CSAT 1-2, CES 1-3)")
    promoter_share = _share("happy (NPS promoters, CSAT 4-5, CES 5-7)")
    detractors = fields.Integer(metadata={"description": "Unhappy answers naming the topic"})
    promoters = fields.Integer(metadata={"description": "Happy answers naming the topic"})
    odds_ratio = fields.Float(
        allow_none=True,
        metadata={
            "description": "Odds of the topic in an unhappy comment over its odds in a happy"
            " one (0.5 added to every count when one is 0); null while either group has no"
            " comment."
        },
    )
    ci_low = fields.Float(allow_none=True, metadata={"description": "Woolf's 95% interval"})
    ci_high = fields.Float(allow_none=True)
    significant = fields.Boolean(metadata={"description": "The interval leaves out 1"})
    nps_points = fields.Float(
        allow_none=True,
        metadata={
            "description": "Points the topic costs: 100 x its unhappy answers / all answers"
            " of the kind (for NPS, the NPS gained had its detractors been passives)."
        },
    )


class DriversOut(Schema):
    kind = fields.String()
    period = fields.Nested(PeriodOut)
    answers = fields.Integer(metadata={"description": "Answers of the kind in the period"})
    detractor_comments = fields.Integer(metadata={"description": "Unhappy answers with a comment"})
    promoter_comments = fields.Integer(metadata={"description": "Happy answers with a comment"})
    topics = fields.List(
        fields.Nested(DriverOut), metadata={"description": "The most points first"}
    )
