"""Forms of the queue's configuration pages: routing rules, closed dates, reply templates
(the settings page's is in calendar_forms.py)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from feedback.complaints.enums import PRIORITY_LABELS
from feedback.complaints.models import CasePriority
from feedback.forms import NoNulMeta
from feedback.surveys.inputs import EARLIEST_YEAR, LATEST_YEAR
from feedback.surveys.models import SENTIMENT_LABELS, SentimentLabel, SurveyKind

MAX_BODY_LENGTH = 10_000
PLACEHOLDERS = ("name", "case")
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ConfigForm(FlaskForm):
    """A configuration form: NUL characters dropped from every field."""

    class Meta(NoNulMeta):
        pass


def _optional(cast):
    """Coerce a select's value with cast (an enum, int), and "" ("any") to None."""
    return lambda value: None if value is None or value == "" else cast(value)


# --- routing rules --------------------------------------------------------------------

KIND_CHOICES = [
    SelectChoice("", _l("Any survey kind")),
    SelectChoice("nps", _l("NPS (0 to 10)")),
    SelectChoice("csat", _l("CSAT (1 to 5)")),
    SelectChoice("ces", _l("CES (1 to 7)")),
]
SENTIMENT_CHOICES = [SelectChoice("", _l("Any sentiment"))] + [
    SelectChoice(label.value, SENTIMENT_LABELS[label])
    for label in (SentimentLabel.NEGATIVE, SentimentLabel.NEUTRAL, SentimentLabel.POSITIVE)
]
PRIORITY_CHOICES = [SelectChoice(p.value, PRIORITY_LABELS[p]) for p in CasePriority]


class RuleForm(ConfigForm):
    """A routing rule. Field names are the model's, so an edit form is ``RuleForm(obj=rule)``;
    the topic's choices are set by the page."""

    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    active = BooleanField(_l("Active: answers are routed by this rule"), default=True)
    survey_kind = SelectField(_l("Survey kind"), choices=KIND_CHOICES, coerce=_optional(SurveyKind))
    score_min = IntegerField(_l("Lowest score (optional)"), validators=[Optional()])
    score_max = IntegerField(_l("Highest score (optional)"), validators=[Optional()])
    sentiment = SelectField(
        _l("Comment's sentiment"),
        choices=SENTIMENT_CHOICES,
        coerce=_optional(SentimentLabel),
    )
    topic_id = SelectField(_l("Comment's topic"), coerce=_optional(int))
    tier = StringField(
        _l("Customer tier (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=40)],
        description=_l("As the sending system spells it, e.g. gold; case does not matter."),
    )
    priority = SelectField(
        _l("Priority of the case"),
        choices=PRIORITY_CHOICES,
        coerce=_optional(CasePriority),
        default=CasePriority.NORMAL,
        validators=[InputRequired()],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            return False
        kind = self.survey_kind.data
        low, high = self.score_min.data, self.score_max.data
        conditions = (kind, low, high, self.sentiment.data, self.topic_id.data, self.tier.data)
        if all(value is None or value == "" for value in conditions):
            self.form_errors.append(
                _l(
                    "A rule without any condition would open a case for every answer. "
                    "Set at least one condition: a survey kind, a score, a sentiment, a "
                    "topic or a tier."
                )
            )
            return False
        if (low is not None or high is not None) and kind is None:
            (self.score_min if low is not None else self.score_max).errors.append(
                _l("Choose the survey kind to set scores: NPS, CSAT and CES use different scales.")
            )
            return False
        for field in (self.score_min, self.score_max):
            if field.data is not None and field.data not in kind.scale:
                field.errors.append(
                    _l(
                        "%(kind)s scores run from %(low)d to %(high)d.",
                        kind=kind.name,
                        low=kind.scale.start,
                        high=kind.scale.stop - 1,
                    )
                )
                valid = False
        if valid and low is not None and high is not None and low > high:
            self.score_max.errors.append(_l("The highest score cannot be below the lowest."))
            valid = False
        return valid


class ClosedDateForm(ConfigForm):
    # InputRequired, not DataRequired: that would hide "Not a valid date value."
    day = DateField(_l("Date"), validators=[InputRequired()])
    name = StringField(
        _l("What it is"),
        filters=[strip],
        validators=[DataRequired(), Length(max=120)],
        description=_l("e.g. Company day off"),
    )

    def validate_day(self, field):
        if field.data and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
            raise ValidationError(
                _l("Between the years %(a)d and %(b)d.", a=EARLIEST_YEAR, b=LATEST_YEAR)
            )


# --- reply templates ------------------------------------------------------------------


def _known_placeholders(form, field):
    unknown = sorted(
        {f"{{{key}}}" for key in _PLACEHOLDER.findall(field.data or "") if key not in PLACEHOLDERS}
    )
    if unknown:
        raise ValidationError(
            _l(
                "Only {name} and {case} are filled in; %(unknown)s would reach the customer "
                "as written.",
                unknown=", ".join(unknown),
            )
        )


def _subject(label):
    validators = [DataRequired(), Length(max=200), _known_placeholders]
    return StringField(label, filters=[strip], validators=validators)


def _body(label):
    validators = [DataRequired(), Length(max=MAX_BODY_LENGTH), _known_placeholders]
    return TextAreaField(label, validators=validators)


class TemplateForm(ConfigForm):
    name = StringField(
        _l("Name (for staff)"), filters=[strip], validators=[DataRequired(), Length(max=120)]
    )
    subject_en = _subject(_l("Subject in English"))
    body_en = _body(_l("Text in English"))
    subject_zh = _subject(_l("Subject in Chinese"))
    body_zh = _body(_l("Text in Chinese"))
