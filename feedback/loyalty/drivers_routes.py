"""The Loyalty page's Drivers tab (/loyalty/drivers): which topics go with unhappy answers,
with odds ratios and the points each costs (feedback.dashboard.drivers)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import get_locale

from feedback import scoring
from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.dashboard import drivers
from feedback.dashboard.periods import report_zone
from feedback.dashboard.reading import read_filters
from feedback.loyalty.drivers_forms import KIND_CHOICES, KindForm
from feedback.surveys.models import SurveyKind

bp = Blueprint("loyalty_drivers", __name__)


@bp.before_request
@role_required(Role.MANAGER)
def require_manager():
    """The Loyalty pages are for managers and admins."""


@bp.get("/loyalty/drivers")
def index():
    """Every topic's odds ratio and points for one kind of score, the dashboard's filters
    applied."""
    reading, choice = read_filters(request.args), KindForm(request.args)
    valid = choice.validate() and reading.period is not None
    page = {"form": reading.form, "choice": choice, "kinds": KIND_CHOICES}
    if not valid:
        return render_template("loyalty/drivers.html", invalid=True, args={}, **page), 400
    kind = SurveyKind(choice.kind.data)
    args = reading.form.shared_args()
    table = drivers.drivers(
        reading.period,
        reading.filters,
        report_zone(),
        kind,
        str(get_locale()),
        {survey.id: survey.kind for survey in reading.surveys},
    )
    return render_template(
        "loyalty/drivers.html",
        table=table,
        labels=drivers.group_labels(kind),
        links=drivers.answer_links(reading.period, args),
        args=args,
        too_few=scoring.TOO_FEW,
        **page,
    )
