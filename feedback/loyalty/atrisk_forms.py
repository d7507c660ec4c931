"""The forms of the "Who to call" page: its filters, and the outreach button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import Length, Optional

from feedback.forms import NoNulMeta
from feedback.loyalty.atrisk import REASON_LABELS


class AtRiskFilterForm(Form):
    """The list's filters and page, from the query string (GET only: no CSRF)."""

    class Meta(NoNulMeta):
        pass

    tier = StringField(_l("Customer tier"), validators=[Optional(), Length(max=40)])
    reason = SelectField(
        _l("Reason"),
        choices=[SelectChoice("", _l("Any"))]
        + [SelectChoice(key, label) for key, label in REASON_LABELS.items()],
        validators=[Optional()],
    )
    after = StringField(validators=[Optional(), Length(max=300)])


class OutreachForm(FlaskForm):
    """Open an outreach case: nothing to fill in but the CSRF token."""

    class Meta(NoNulMeta):
        pass
