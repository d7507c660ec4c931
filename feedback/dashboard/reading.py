"""The dashboard's filters read from a request's query string, shared by the managers'
pages (Scores, Answers, Loyalty)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from sqlalchemy import select, union
from wtforms.fields import SelectChoice

from feedback.complaints.configuration.settings import queue_config
from feedback.customers.models import Customer
from feedback.dashboard.answers import Filters
from feedback.dashboard.forms import DashboardFilterForm
from feedback.dashboard.models import ScoreDay
from feedback.dashboard.periods import Period, resolve
from feedback.extensions import db
from feedback.surveys.models import Survey, TouchpointType
from feedback.surveys.property_keys import breakdown_keys
from feedback.timeutil import utcnow


@dataclass
class Reading:
    """The filter form, and the period and filters it means (None when it is not valid)."""

    form: DashboardFilterForm
    period: Period | None
    filters: Filters | None
    #: rows of id, name and kind
    surveys: list
    #: rows of id, key, name_en and name_zh (TouchpointType.name reads them)
    touchpoints: list


def read_filters(args, form_class: type[DashboardFilterForm] = DashboardFilterForm) -> Reading:
    """The dashboard's filters read from the query string (into ``form_class``: a page
    may add fields to the dashboard's, or leave some out)."""
    form = form_class(args)
    locale = str(get_locale())
    surveys = db.session.execute(select(Survey.id, Survey.name, Survey.kind).order_by(Survey.name))
    t = TouchpointType
    touchpoints = db.session.execute(select(t.id, t.key, t.name_en, t.name_zh).order_by(t.key))
    surveys, touchpoints = surveys.all(), touchpoints.all()
    any_ = SelectChoice("", _("Any"))
    form.survey.choices = [any_] + [SelectChoice(str(s.id), s.name) for s in surveys]
    form.touchpoint.choices = [any_] + [
        SelectChoice(t.key, TouchpointType.name(t, locale)) for t in touchpoints
    ]
    if "by" in form:
        form.by.choices = [SelectChoice("", _("None"))] + [
            SelectChoice(key.key, key.shown) for key in breakdown_keys()
        ]
    # The tiers customers have now, and those answers were given in (kept on the answer,
    # so an old link or an old tier still filters).
    tiers = db.session.scalars(
        union(
            select(Customer.tier).where(Customer.tier.is_not(None)),
            select(ScoreDay.tier).where(ScoreDay.tier != ""),
        )
    )
    form.tier.choices = [any_] + [SelectChoice(tier, tier) for tier in sorted(set(tiers))]
    if not form.validate():
        return Reading(form, None, None, surveys, touchpoints)
    zone = str(get_timezone())
    today = utcnow().astimezone(get_timezone()).date()
    period = resolve(form.range.data, today, zone, form.start.data, form.end.data)
    # The page shows the days a range such as "Last 30 days" stands for.
    form.start.data, form.end.data = period.first, period.last
    filters = Filters(
        survey_id=int(form.survey.data) if form.survey.data else None,
        touchpoint_type_id=next((t.id for t in touchpoints if t.key == form.touchpoint.data), None),
        tier=form.tier.data or None,
        locale=form.language.data or None,
        followup_survey_id=queue_config().followup_survey_id,
    )
    return Reading(form, period, filters, surveys, touchpoints)
