"""Forms of the staff pages: surveys, touchpoint types, recording a touchpoint."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from feedback.forms import NoNulMeta
from feedback.surveys.inputs import EARLIEST_YEAR, LATEST_YEAR

KIND_CHOICES = [
    SelectChoice("nps", _l("NPS: 0 to 10, how likely to recommend")),
    SelectChoice("csat", _l("CSAT: 1 to 5, how satisfied")),
    SelectChoice("ces", _l("CES 2.0: 1 to 7, how easy (agree or disagree)")),
]
#: the record-a-touchpoint form's consent: not said, or what the customer said
CONSENT_CHOICES = [
    SelectChoice("", _l("Not said")),
    SelectChoice("given", _l("Given: the customer agrees to surveys")),
    SelectChoice("withdrawn", _l("Withdrawn: no more surveys")),
]
STATUS_CHOICES = [
    SelectChoice("active", _l("Active: invitations go out")),
    SelectChoice("paused", _l("Paused: invitations are held back")),
]
MAX_DELAY_MINUTES = 60 * 24 * 60  # sixty days


def _text(label, required=True, max_length=2000):
    validators = [DataRequired()] if required else [Optional()]
    return StringField(label, validators=[*validators, Length(max=max_length)])


class SurveyForm(FlaskForm):
    class Meta(NoNulMeta):
        pass

    name = _text(_l("Name (for staff)"), max_length=120)
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES)
    status = SelectField(_l("Status"), choices=STATUS_CHOICES)
    question_en = _text(_l("Question in English"))
    question_zh = _text(_l("Question in Chinese"))
    followup_en = _text(_l("Follow-up question in English (optional)"), required=False)
    followup_zh = _text(_l("Follow-up question in Chinese (optional)"), required=False)
    email_subject_en = _text(_l("Email subject in English"), max_length=200)
    email_subject_zh = _text(_l("Email subject in Chinese"), max_length=200)


def survey_form_class(touchpoint_types):
    """The survey form with a 'send after' checkbox and delay for each touchpoint type."""

    class Form(SurveyForm):
        pass

    for touchpoint_type in touchpoint_types:
        setattr(Form, f"use_{touchpoint_type.id}", BooleanField())
        setattr(
            Form,
            f"delay_{touchpoint_type.id}",
            IntegerField(
                validators=[
                    Optional(),
                    NumberRange(
                        min=0,
                        max=MAX_DELAY_MINUTES,
                        message=_l("Between 0 and %(max)d minutes.", max=MAX_DELAY_MINUTES),
                    ),
                ],
                render_kw={"min": 0, "max": MAX_DELAY_MINUTES, "inputmode": "numeric"},
            ),
        )
    return Form


class TouchpointTypeForm(FlaskForm):
    class Meta(NoNulMeta):
        pass

    key = StringField(
        _l("Key (what systems send)"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(r"^[a-z][a-z0-9_]*$", message=_l("Lower-case letters, digits and _ only.")),
        ],
    )
    name_en = _text(_l("Name in English"), max_length=100)
    name_zh = _text(_l("Name in Chinese"), max_length=100)
    cooldown_days = IntegerField(
        _l("Own cooldown in days (empty: the global setting)"),
        validators=[Optional(), NumberRange(min=0, max=365)],
    )
    counts_as_purchase = BooleanField(_l("Counts as a purchase"))
    counts_as_refund = BooleanField(_l("Counts as a refund (its value subtracts)"))

    def validate_counts_as_refund(self, field):
        """One event is a purchase or a refund: both would add and subtract its value."""
        if field.data and self.counts_as_purchase.data:
            raise ValidationError(
                _l("A touchpoint type counts as a purchase or as a refund, not both.")
            )


def _plausible_year(form, field):
    if field.data and not (EARLIEST_YEAR <= field.data.year <= LATEST_YEAR):
        raise ValidationError(
            _l("Between the years %(a)d and %(b)d.", a=EARLIEST_YEAR, b=LATEST_YEAR)
        )


class RecordTouchpointForm(FlaskForm):
    class Meta(NoNulMeta):
        pass

    touchpoint = SelectField(_l("Touchpoint"))
    occurred_at = DateTimeLocalField(
        _l("When (your time zone)"),
        validators=[DataRequired(), _plausible_year],
        format="%Y-%m-%dT%H:%M",
    )
    external_id = _text(
        _l("Reference, e.g. the order or ticket number (optional)"),
        required=False,
        max_length=150,  # stored with a "staff-" prefix in a 200-character column
    )
    consent = SelectField(_l("Consent to surveys (optional)"), choices=CONSENT_CHOICES, default="")
