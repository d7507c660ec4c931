"""The Loyalty page's Complaints tab (/loyalty/complaints): cases by topic, resolution code
and touchpoint by month, the median time to resolution by topic, and repeat complainers."""

from __future__ import annotations

import math

from flask import Blueprint, render_template, request
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from feedback import scoring
from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.complaints.enums import RESOLUTION_LABELS
from feedback.dashboard import charts
from feedback.dashboard.reading import read_filters
from feedback.extensions import db
from feedback.loyalty import complaints
from feedback.loyalty.definitions import REPEAT_COMPLAINTS, REPEAT_DAYS
from feedback.surveys.models import TouchpointType
from feedback.tagging.models import Topic

bp = Blueprint("loyalty_complaints", __name__)

#: the resolution codes' columns, then cases without one
CODES = [(code.value, label) for code, label in RESOLUTION_LABELS.items()]
#: the furthest page of repeat complainers one can ask for
MAX_PAGE = 10_000


@bp.before_request
@role_required(Role.MANAGER)
def require_manager():
    """The complaint analysis is for managers and admins."""


@bp.get("/loyalty/complaints")
def index():
    """The complaint analysis of the period and filters in the query string."""
    reading = read_filters(request.args)
    form, period = reading.form, reading.period
    words = {"TOO_FEW": scoring.TOO_FEW, "FEW": scoring.FEW}
    if period is None:
        return render_template("loyalty/complaints.html", form=form, invalid=True, **words), 400
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    offset = (page - 1) * complaints.REPEAT_PAGE
    repeaters = complaints.repeat_complainers(
        period, reading.filters, offset, complaints.REPEAT_PAGE + 1
    )
    analysis = complaints.analyse(period, reading.filters)
    locale = str(get_locale())
    topics = db.session.execute(select(Topic.id, Topic.name_en, Topic.name_zh))
    topic_names = {t.id: Topic.name(t, locale) for t in topics}
    topic_names[complaints.NO_TOPIC] = _("No topic")
    topic_names[complaints.OTHER] = _("Other topics")
    touchpoint_names = {t.id: TouchpointType.name(t, locale) for t in reading.touchpoints}
    touchpoint_names[0] = _("No touchpoint")
    return render_template(
        "loyalty/complaints.html",
        form=form,
        args=form.shared_args(),
        period=period,
        analysis=analysis,
        codes=[*CODES, (complaints.UNRESOLVED, _("Not resolved"))],
        topic_names=topic_names,
        touchpoint_names=touchpoint_names,
        months=[format_date(m.first, "MMM yyyy") for m in analysis.months],
        chart=_trend_chart(analysis, topic_names),
        repeaters=repeaters[: complaints.REPEAT_PAGE],
        more=len(repeaters) > complaints.REPEAT_PAGE,
        page=page,
        top_topics=complaints.TOP_TOPICS,
        repeat_days=REPEAT_DAYS,
        repeat_answers=REPEAT_COMPLAINTS,
        **words,
    )


def _trend_chart(analysis: complaints.Analysis, names: dict):
    labels = [format_date(m.first, "MMM yyyy") for m in analysis.months]
    most = max((n for counts in analysis.trend.values() for n in counts), default=0)
    return charts.trend_chart(
        _("Cases by topic, month by month"),
        labels,
        {names.get(key, "?"): counts for key, counts in analysis.trend.items()},
        analysis.month_totals,
        y_min=0,
        y_max=_round_up(most),
        no_data_text=_("No case in these months."),
    )


def _round_up(most: int) -> int:
    """A top for the chart's axis that its four grid lines divide into round steps."""
    if most <= 4:
        return 4
    step = 10 ** math.floor(math.log10(most / 4))
    for nice in (1, 2, 2.5, 5, 10):
        if nice * step * 4 >= most:
            return math.ceil(nice * step * 4)
    return math.ceil(most)
