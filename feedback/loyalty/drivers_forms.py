"""The kind switch of the Drivers and Heat map pages (NPS, CSAT, CES)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectField
from wtforms.fields import SelectChoice

from feedback.forms import NoNulMeta

KIND_CHOICES = [
    SelectChoice("nps", "NPS"),
    SelectChoice("csat", "CSAT"),
    SelectChoice("ces", "CES"),
]


class KindForm(Form):
    """No CSRF: GET only, nothing changes."""

    class Meta(NoNulMeta):
        pass

    kind = SelectField(_l("Score"), choices=KIND_CHOICES, default="nps")
