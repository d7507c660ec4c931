"""The form of the queue settings page: SLA targets in business hours, the business
calendar (time zone, weekly hours, public holidays) and the top tier."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import holidays
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from feedback.complaints.calendar import BusinessCalendar, format_day_hours, parse_day_hours
from feedback.complaints.configuration.forms import ConfigForm, strip
from feedback.complaints.configuration.settings import weekly_from_json
from feedback.complaints.models import CasePriority

#: SLA targets are typed in business hours; a year of nine-hour days is plenty
MAX_TARGET_HOURS = 2000
WEEKDAYS = [
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
]


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


class SettingsForm(ConfigForm):
    """SLA targets by priority (fields first_<priority> and resolution_<priority>, added
    below), the business calendar (hours_0 Monday ... hours_6 Sunday) and the top tier."""

    timezone = StringField(
        _l("Time zone"),
        filters=[strip],
        validators=[DataRequired(), Length(max=64), _time_zone],
        description=_l("The working hours and closed dates are in this zone, e.g. Asia/Shanghai."),
    )
    holiday_country = StringField(
        _l("Public holidays of (country code)"),
        filters=[strip],
        validators=[Optional(), Length(max=8), _holiday_country],
        description=_l("An ISO code such as CN, US or GB; empty for no public holidays."),
    )
    holiday_subdivision = StringField(
        _l("Region (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=16), _holiday_subdivision],
        description=_l("A state or province with its own holidays, e.g. CA in the US."),
    )
    top_tier = StringField(
        _l("Top customer tier (optional)"),
        filters=[strip],
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
            filters=[strip],
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
