"""The form of the RFM page: the scores' cut points, the computed tiers, the tier source."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    StringField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from feedback.forms import NoNulMeta
from feedback.loyalty.rfm_settings import LoyaltySettings, Tier

#: at most this many tiers; the page shows the stored ones and two empty rows
TIER_ROWS = 6
MAX_VALUE = Decimal("999999999999.99")  # Numeric(14, 2)
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
SCORES = {
    "r": _l("Recency: days since the last purchase, at most"),
    "f": _l("Frequency: purchases in the last 12 months, at least"),
    "m": _l("Monetary: value in the last 12 months, at least"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _finite(form, field):
    # Stop here: NumberRange after it would turn "NaN" or "sNaN" into a float (a 500)
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(_l("Enter a number."))


def _cut(score: str, n: int):
    label = _l("Score %(score)d", score=5 - n if score == "r" else n + 2)
    if score == "m":
        return DecimalField(
            label,
            places=2,
            validators=[InputRequired(), _finite, NumberRange(min=0, max=MAX_VALUE)],
        )
    return IntegerField(label, validators=[InputRequired(), NumberRange(min=0, max=100000)])


class TierForm(Form):
    """One computed tier; a row with every field empty is no tier."""

    class Meta(NoNulMeta):
        pass

    key = StringField(_l("Key"), filters=[_strip], validators=[Optional(), Length(max=40)])
    name_en = StringField(_l("Name (English)"), filters=[_strip], validators=[Length(max=60)])
    name_zh = StringField(_l("Name (Chinese)"), filters=[_strip], validators=[Length(max=60)])
    min_value = DecimalField(
        _l("Value in 12 months, at least"),
        places=2,
        validators=[Optional(), _finite, NumberRange(min=0, max=MAX_VALUE)],
    )
    min_frequency = IntegerField(
        _l("Purchases in 12 months, at least"),
        validators=[Optional(), NumberRange(min=0, max=100000)],
    )

    def is_empty(self) -> bool:
        """Nothing typed in the row (read from the submitted text, before coercion)."""
        texts = (self.key.raw_data, self.name_en.raw_data, self.name_zh.raw_data)
        numbers = (self.min_value.raw_data, self.min_frequency.raw_data)
        return not any(raw and raw[0].strip() for raw in (*texts, *numbers))

    def validate(self, extra_validators=None) -> bool:
        """A row that is not empty needs a key (letters routing can match), an English
        name, a least value and a least number of purchases."""
        ok = super().validate(extra_validators)
        if self.is_empty():
            return ok
        required = {
            self.key: _l("A tier needs a key, such as gold."),
            self.name_en: _l("A tier needs an English name."),
            self.min_value: _l("Enter the least value, 0 for none."),
            self.min_frequency: _l("Enter the least number of purchases, 0 for none."),
        }
        for field, message in required.items():
            if field.data in (None, "") and not field.errors:
                field.errors.append(message)
                ok = False
        if self.key.data and not KEY.match(self.key.data):
            self.key.errors.append(
                _l("Use lower-case letters, digits, - and _ (the key is what routing reads).")
            )
            ok = False
        return ok


class RfmSettingsForm(FlaskForm):
    """Cut points r_1..r_4 (days), f_1..f_4 (purchases), m_1..m_4 (value), the tiers and
    the tier source."""

    class Meta(NoNulMeta):
        def bind_field(self, form, unbound_field, options):
            # the list takes no filters; its rows' fields get them (TierForm's Meta)
            if unbound_field.field_class in (FieldList, FormField):
                return unbound_field.bind(form=form, **options)
            return super().bind_field(form, unbound_field, options)

    r_1, r_2, r_3, r_4 = (_cut("r", n) for n in range(4))
    f_1, f_2, f_3, f_4 = (_cut("f", n) for n in range(4))
    m_1, m_2, m_3, m_4 = (_cut("m", n) for n in range(4))
    tiers = FieldList(FormField(TierForm), max_entries=TIER_ROWS)
    tier_source = RadioField(
        _l("Tier used for routing, invitations, answers and breakdowns"),
        choices=[
            SelectChoice("sent", _l("The tier the API sends")),
            SelectChoice("computed", _l("The tier computed from purchases")),
        ],
        validators=[InputRequired()],
    )

    def cuts(self, score: str) -> list:
        """The four fields of a score, in order."""
        return [getattr(self, f"{score}_{n}") for n in range(1, 5)]

    def validate(self, extra_validators=None) -> bool:
        """The fields, then each score's cut points strictly increasing and the tiers' keys
        unique."""
        ok = super().validate(extra_validators)
        for score in SCORES:
            fields = self.cuts(score)
            values = [f.data for f in fields]
            if any(v is None for v in values) or any(f.errors for f in fields):
                continue
            for earlier, later in zip(fields, fields[1:], strict=False):
                if later.data <= earlier.data:
                    later.errors.append(
                        _l("Each cut point must be greater than the one before it.")
                    )
                    ok = False
        keys = [row.key.data for row in self.tiers if not row.is_empty()]
        for row in self.tiers:
            if not row.is_empty() and row.key.data and keys.count(row.key.data) > 1:
                row.key.errors.append(_l("Two tiers cannot have the same key."))
                ok = False
        return ok

    def thresholds(self) -> dict:
        """The cut points as stored."""
        return {
            "r": [f.data for f in self.cuts("r")],
            "f": [f.data for f in self.cuts("f")],
            "m": [str(f.data) for f in self.cuts("m")],
        }

    def tier_list(self) -> list[dict]:
        """The tiers as stored, lowest first."""
        tiers = [
            Tier(
                row.key.data,
                row.name_en.data,
                row.name_zh.data or "",
                row.min_value.data,
                row.min_frequency.data,
            )
            for row in self.tiers
            if not row.is_empty()
        ]
        tiers.sort(key=lambda t: (t.min_value, t.min_frequency))
        return [t.as_json() for t in tiers]


def form_data(settings: LoyaltySettings) -> dict:
    """The stored settings as the form's data."""
    current = settings.current()
    data = {f"{score}_{n + 1}": getattr(current, score)[n] for score in SCORES for n in range(4)}
    data["tiers"] = [
        {
            "key": t.key,
            "name_en": t.name_en,
            "name_zh": t.name_zh,
            "min_value": t.min_value,
            "min_frequency": t.min_frequency,
        }
        for t in current.tiers
    ]
    data["tiers"] += [{}] * min(2, TIER_ROWS - len(data["tiers"]))
    data["tier_source"] = settings.tier_source
    return data
