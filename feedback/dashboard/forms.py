"""The filters of the dashboard and of the Answers list, read from the query string so
that a view can be shared."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, Form, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import Length, Optional

from feedback.dashboard.periods import DEFAULT_RANGE, EARLIEST, LATEST, MAX_DAYS
from feedback.forms import NoNulMeta

RANGE_CHOICES = [
    SelectChoice("7d", _l("Last 7 days")),
    SelectChoice("30d", _l("Last 30 days")),
    SelectChoice("90d", _l("Last 90 days")),
    SelectChoice("quarter", _l("This quarter")),
    SelectChoice("year", _l("This year")),
    SelectChoice("custom", _l("Custom dates")),
]
INTERVAL_CHOICES = [
    SelectChoice("", _l("Automatic")),
    SelectChoice("week", _l("Weekly")),
    SelectChoice("month", _l("Monthly")),
]
KINDS = ("nps", "csat", "ces")
LANGUAGE_CHOICES = [
    SelectChoice("", _l("Any")),
    SelectChoice("en", _l("English")),
    SelectChoice("zh", _l("Chinese")),
]


class DashboardFilterForm(Form):
    """No CSRF: GET only, nothing changes."""

    class Meta(NoNulMeta):
        pass

    range = SelectField(_l("Period"), choices=RANGE_CHOICES, default=DEFAULT_RANGE)
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("Until"), validators=[Optional()])
    survey = SelectField(_l("Survey"), validators=[Optional()])
    touchpoint = SelectField(_l("Touchpoint"), validators=[Optional()])
    tier = SelectField(_l("Customer tier"), validators=[Optional()])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validators=[Optional()])
    interval = SelectField(_l("Trend by"), choices=INTERVAL_CHOICES, validators=[Optional()])
    by = SelectField(_l("Break down by property"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.range.data != "custom":
            return True
        start, end = self.start.data, self.end.data
        if start is None or end is None:
            self.end.errors.append(_l("Custom dates need a start and an end date."))
        elif start > end:
            self.end.errors.append(_l("The end date is before the start date."))
        elif start < EARLIEST or end > LATEST:
            self.end.errors.append(
                _l(
                    "Choose dates from %(earliest)s to %(latest)s.",
                    earliest=EARLIEST.isoformat(),
                    latest=LATEST.isoformat(),
                )
            )
        elif (end - start).days + 1 > MAX_DAYS:
            self.end.errors.append(_l("Choose at most %(days)d days.", days=MAX_DAYS))
        return not self.end.errors

    def shared_args(self) -> dict:
        """The filters as query arguments, for links that keep them (export, the API)."""
        names = (
            "range",
            "start",
            "end",
            "survey",
            "touchpoint",
            "tier",
            "language",
            "interval",
            "by",
            "window",
        )
        args = {}
        # a page's form may leave fields out (the Loyalty page has no trend) or add some
        for name in (name for name in names if name in self):
            value = self[name].data
            if name in ("start", "end") and self.range.data != "custom":
                continue
            if value not in (None, ""):
                args[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return args


class AnswerFilterForm(Form):
    """The Answers list's filters. No CSRF: GET only, nothing changes."""

    class Meta(NoNulMeta):
        pass

    survey = SelectField(_l("Survey"), validators=[Optional()])
    sentiment = SelectField(
        _l("Sentiment"),
        choices=[
            SelectChoice("", _l("Any sentiment")),
            SelectChoice("negative", _l("Negative")),
            SelectChoice("neutral", _l("Neutral")),
            SelectChoice("positive", _l("Positive")),
        ],
        validators=[Optional()],
    )
    language = SelectField(
        _l("Language"),
        choices=[
            SelectChoice("", _l("Any language")),
            SelectChoice("en", _l("English")),
            SelectChoice("zh", _l("Chinese")),
            SelectChoice("other", _l("Other")),
        ],
        validators=[Optional()],
    )
    topic = SelectField(_l("Topic"), validators=[Optional()])
    commented = BooleanField(_l("Only answers with a comment"))
    # Set by the links of the heat map and the drivers, kept as hidden fields.
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice("", ""), *(SelectChoice(k, k.upper()) for k in KINDS)],
        validators=[Optional()],
    )
    touchpoint = SelectField(_l("Touchpoint"), validators=[Optional()])
    tier = StringField(_l("Customer tier"), validators=[Optional(), Length(max=40)])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("Until"), validators=[Optional()])
    prop = StringField(_l("Event property"), validators=[Optional(), Length(max=100)])
    value = StringField(_l("Value"), validators=[Optional(), Length(max=200)])
    #: the heat map's "no tier" column: an empty ``tier`` means any tier
    untiered = BooleanField(_l("No tier"))
    #: the language the survey was answered in (the dashboard's language filter), not the
    #: comment's language above
    locale = SelectField(_l("Answered in"), choices=LANGUAGE_CHOICES, validators=[Optional()])
    #: the fields that narrow the list without a control of their own on the page
    HIDDEN = (
        "kind",
        "touchpoint",
        "tier",
        "untiered",
        "locale",
        "start",
        "end",
        "prop",
        "value",
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        start, end = self.start.data, self.end.data
        if start and end and start > end:
            self.end.errors.append(_l("The end date is before the start date."))
        for day in (start, end):
            if day and not EARLIEST <= day <= LATEST:
                self.end.errors.append(
                    _l(
                        "Choose dates from %(earliest)s to %(latest)s.",
                        earliest=EARLIEST.isoformat(),
                        latest=LATEST.isoformat(),
                    )
                )
                break
        return not self.end.errors


class PropertyKeyForm(FlaskForm):
    """A manager's label for an event property key, whether breakdowns hide it, and whether
    it holds personal data."""

    class Meta(NoNulMeta):
        pass

    label = StringField(
        _l("Label"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Optional(), Length(max=100)],
    )
    internal = BooleanField(_l("Internal: not offered for breakdowns"))
    personal = BooleanField(
        _l("Personal: cleared from an erased customer's touchpoints"),
        description=_l("Such as a delivery address or a loyalty card number."),
    )
