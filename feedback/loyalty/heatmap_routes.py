"""The Loyalty page's Heat map tab (/loyalty/heatmap): one kind of score by touchpoint x
tier (or x an event property), drawn by the server as a table."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from feedback import scoring
from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.dashboard.drivers import answer_links
from feedback.dashboard.periods import report_zone
from feedback.dashboard.reading import read_filters
from feedback.loyalty import heatmap as heat
from feedback.loyalty.drivers_forms import KIND_CHOICES, KindForm
from feedback.surveys.models import SurveyKind, TouchpointType

bp = Blueprint("loyalty_heatmap", __name__)


@bp.before_request
@role_required(Role.MANAGER)
def require_manager():
    """The Loyalty pages are for managers and admins."""


@bp.get("/loyalty/heatmap")
def index():
    """The heat map of one kind of score, the dashboard's filters applied."""
    reading, choice = read_filters(request.args), KindForm(request.args)
    valid = choice.validate() and reading.period is not None
    page = {"form": reading.form, "choice": choice, "kinds": KIND_CHOICES}
    if not valid:
        return render_template("loyalty/heatmap.html", invalid=True, args={}, **page), 400
    kind, by = SurveyKind(choice.kind.data), reading.form.by.data or None
    args = reading.form.shared_args()
    board = heat.heatmap(reading.period, reading.filters, report_zone(), kind, by)
    locale = str(get_locale())
    return render_template(
        "loyalty/heatmap.html",
        board=board,
        figure_name={"nps": _("NPS"), "csat": _("CSAT %"), "ces": _("CES mean")}[kind.value],
        by=by,
        touchpoints={t.id: (t.key, TouchpointType.name(t, locale)) for t in reading.touchpoints},
        links=answer_links(reading.period, args),
        legend=heat.bin_edges(kind.value),
        args=args,
        few=scoring.FEW,
        too_few=scoring.TOO_FEW,
        **page,
    )
