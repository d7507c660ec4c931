"""Forms of the queue's configuration pages: routing rules, SLA targets and the business
calendar, closed dates, reply templates."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

import holidays
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from feedback.complaints.calendar import BusinessCalendar, format_day_hours, parse_day_hours
from feedback.complaints.models import CasePriority
from feedback.complaints.settings import weekly_from_json
from feedback.forms import NoNulMeta
from feedback.labels import PRIORITY_LABELS, SENTIMENT_LABELS
from feedback.surveys.inputs import EARLIEST_YEAR, LATEST_YEAR
from feedback.surveys.models import SentimentLabel, SurveyKind

#: SLA targets are typed in business hours; a year of nine-hour days is plenty
MAX_TARGET_HOURS = 2000
MAX_BODY_LENGTH = 10_000
WEEKDAYS = [
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
]
PLACEHOLDERS = ("name", "case")
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class _Form(FlaskForm):
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


class RuleForm(_Form):
    """A routing rule. Field names are the model's, so an edit form is ``RuleForm(obj=rule)``;
    the topic's choices are set by the page."""

    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=120)])
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
        filters=[_strip],
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


# --- SLA targets and the business calendar --------------------------------------------


class HoursField(DecimalField):
    """Business hours as a decimal number, shown without trailing zeros (1.5, not 1.50)."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format(Decimal(self.data).quantize(Decimal("0.01")).normalize(), "f")


def hours_to_minutes(hours: Decimal) -> int:
    return int((hours * 60).to_integral_value())


def minutes_to_hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def _business_hours(form, field):
    """Positive, finite, at least a minute; NaN and Infinity parse as decimals too."""
    hours = field.data
    if hours is None:
        return
    if not hours.is_finite() or not 0 < hours <= MAX_TARGET_HOURS:
        raise ValidationError(
            _l("Enter a number of hours above 0 and up to %(max)d.", max=MAX_TARGET_HOURS)
        )
    if hours_to_minutes(hours) < 1:
        raise ValidationError(_l("A target must be at least one minute (0.02 hours)."))


def _day_hours(form, field):
    try:
        parse_day_hours(field.data or "")
    except ValueError as error:
        raise ValidationError(str(error)) from None


@lru_cache(maxsize=1)
def holiday_countries() -> dict[str, list[str]]:
    """Country codes (with their aliases such as CHN) -> subdivision codes."""
    supported = holidays.list_supported_countries(include_aliases=True)
    return {code.upper(): list(subdivisions) for code, subdivisions in supported.items()}


def _holiday_country(form, field):
    if not field.data:
        return
    code = field.data.upper()
    if code not in holiday_countries():
        raise ValidationError(
            _l(
                "The holiday calendar does not know this country. Use an ISO code such as "
                "CN, US or GB, or leave it empty for no public holidays."
            )
        )
    field.data = code


def _holiday_subdivision(form, field):
    if not field.data:
        return
    country = form.holiday_country
    if not country.data:
        raise ValidationError(_l("Set the country first: a subdivision is part of one."))
    if country.errors:
        return
    known = holiday_countries()[country.data]
    match = next((code for code in known if code.casefold() == field.data.casefold()), None)
    if match is None:
        if not known:
            raise ValidationError(
                _l(
                    "The holiday calendar has no subdivisions for %(country)s.",
                    country=country.data,
                )
            )
        raise ValidationError(
            _l(
                "Not a subdivision of %(country)s. Known ones: %(codes)s.",
                country=country.data,
                codes=", ".join(known[:40]) + (" …" if len(known) > 40 else ""),
            )
        )
    field.data = match


def _time_zone(form, field):
    if not field.data:
        return
    try:
        BusinessCalendar(field.data)
    except ValueError:
        raise ValidationError(
            _l(
                "Unknown time zone. Use a name such as Asia/Shanghai, Europe/London or "
                "America/New_York."
            )
        ) from None


class SettingsForm(_Form):
    """SLA targets by priority (fields first_<priority> and resolution_<priority>, added
    below), the business calendar (hours_0 Monday ... hours_6 Sunday) and the top tier."""

    timezone = StringField(
        _l("Time zone"),
        filters=[_strip],
        validators=[DataRequired(), Length(max=64), _time_zone],
        description=_l("The working hours and closed dates are in this zone, e.g. Asia/Shanghai."),
    )
    holiday_country = StringField(
        _l("Public holidays of (country code)"),
        filters=[_strip],
        validators=[Optional(), Length(max=8), _holiday_country],
        description=_l("An ISO code such as CN, US or GB; empty for no public holidays."),
    )
    holiday_subdivision = StringField(
        _l("Region (optional)"),
        filters=[_strip],
        validators=[Optional(), Length(max=16), _holiday_subdivision],
        description=_l("A state or province with its own holidays, e.g. CA in the US."),
    )
    top_tier = StringField(
        _l("Top customer tier (optional)"),
        filters=[_strip],
        validators=[Optional(), Length(max=40)],
        description=_l("Cases of these customers get one priority step higher, e.g. vip."),
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        valid = True
        for priority in CasePriority:
            first, resolution = self.target_fields(priority)
            if hours_to_minutes(resolution.data) < hours_to_minutes(first.data):
                resolution.errors.append(
                    _l("The resolution target cannot be shorter than the first response's.")
                )
                valid = False
        weekly = self.weekly()
        if not any(weekly.values()):
            self.form_errors.append(
                _l("Give at least one day working hours: otherwise no deadline can be met.")
            )
            valid = False
        if valid:
            try:  # each part is checked above; this is the calendar as routing builds it
                BusinessCalendar(
                    self.timezone.data,
                    weekly,
                    country=self.holiday_country.data or None,
                    subdivision=self.holiday_subdivision.data or None,
                )
            except ValueError as error:
                self.form_errors.append(str(error))
                valid = False
        return valid

    def target_fields(self, priority: CasePriority) -> tuple[HoursField, HoursField]:
        return self[f"first_{priority.value}"], self[f"resolution_{priority.value}"]

    def day_fields(self) -> list[StringField]:
        return [self[f"hours_{day}"] for day in range(7)]

    def targets(self) -> dict[CasePriority, tuple[int, int]]:
        """Business minutes (first response, resolution) by priority."""
        return {
            priority: tuple(hours_to_minutes(f.data) for f in self.target_fields(priority))
            for priority in CasePriority
        }

    def weekly(self) -> dict[int, list[tuple[int, int]]]:
        """Working hours by weekday (0 Monday); call after validation."""
        return {
            day: parse_day_hours(field.data or "") for day, field in enumerate(self.day_fields())
        }


for _priority in CasePriority:
    for _kind, _label in (
        ("first", _l("First response within (business hours)")),
        ("resolution", _l("Resolved within (business hours)")),
    ):
        setattr(
            SettingsForm,
            f"{_kind}_{_priority.value}",
            HoursField(
                _label,
                places=None,
                validators=[InputRequired(), _business_hours],
                render_kw={"min": "0", "step": "any", "inputmode": "decimal"},
            ),
        )
for _day, _name in enumerate(WEEKDAYS):
    setattr(
        SettingsForm,
        f"hours_{_day}",
        StringField(
            _name,
            filters=[_strip],
            validators=[Optional(), Length(max=200), _day_hours],
            render_kw={"placeholder": "09:00-12:00, 13:00-18:00"},
        ),
    )


def settings_form_data(settings, targets: dict[CasePriority, tuple[int, int]]) -> dict:
    """What the settings form shows for the stored settings and SLA targets."""
    weekly = weekly_from_json(settings.weekly_hours)
    data = {
        "timezone": settings.timezone,
        "holiday_country": settings.holiday_country or "",
        "holiday_subdivision": settings.holiday_subdivision or "",
        "top_tier": settings.top_tier or "",
    }
    for priority, (first, resolution) in targets.items():
        data[f"first_{priority.value}"] = minutes_to_hours(first)
        data[f"resolution_{priority.value}"] = minutes_to_hours(resolution)
    for day in range(7):
        data[f"hours_{day}"] = format_day_hours(weekly.get(day, ()))
    return data


class ClosedDateForm(_Form):
    # InputRequired, not DataRequired: that would hide "Not a valid date value."
    day = DateField(_l("Date"), validators=[InputRequired()])
    name = StringField(
        _l("What it is"),
        filters=[_strip],
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
    return StringField(label, filters=[_strip], validators=validators)


def _body(label):
    validators = [DataRequired(), Length(max=MAX_BODY_LENGTH), _known_placeholders]
    return TextAreaField(label, validators=validators)


class TemplateForm(_Form):
    name = StringField(
        _l("Name (for staff)"), filters=[_strip], validators=[DataRequired(), Length(max=120)]
    )
    subject_en = _subject(_l("Subject in English"))
    body_en = _body(_l("Text in English"))
    subject_zh = _subject(_l("Subject in Chinese"))
    body_zh = _body(_l("Text in Chinese"))
