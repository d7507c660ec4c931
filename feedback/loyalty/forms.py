"""The Loyalty pages' filters: the dashboard's, plus the window W in which a purchase
counts as returning."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from feedback.dashboard.forms import DashboardFilterForm
from feedback.loyalty.definitions import window_days

#: the longest window a manager may ask for, in days
MAX_WINDOW = 730


class LoyaltyFilterForm(DashboardFilterForm):
    """The dashboard's filters without its trend and breakdown, plus ``window``. No CSRF:
    GET only, nothing changes."""

    interval = None
    by = None
    window = IntegerField(
        _l("Days to return"),
        default=window_days,
        validators=[Optional(), NumberRange(min=1, max=MAX_WINDOW)],
        description=_l("A purchase within this many days after the answer counts as a return."),
    )
