"""The managers' dashboard page and its CSV export."""

from __future__ import annotations

from collections import OrderedDict
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property, lru_cache

from babel import dates as babel_dates
from flask import Blueprint, Response, g, render_template, request
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from wtforms.fields import SelectChoice

from feedback.accounts.access import role_required
from feedback.accounts.models import Role, User
from feedback.complaints.settings import queue_config
from feedback.dashboard import charts, export, summary
from feedback.dashboard.figures import Figures
from feedback.dashboard.filters import Filters
from feedback.dashboard.forms import DashboardFilterForm
from feedback.dashboard.periods import Period, report_zone, resolve
from feedback.dashboard.reads import Batch, Later
from feedback.extensions import db
from feedback.surveys.models import Survey, TouchpointType
from feedback.tagging.models import Topic
from feedback.timeutil import utcnow

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.before_request
def read_only():
    """The dashboard only reads, so its statements run in autocommit, from the first one
    (the signed-in user's) on: that spares the BEGIN and ROLLBACK round trips, and keeps
    the statements psycopg has prepared on the connection, which a ROLLBACK drops (each
    would be planned anew on every page). Registered first, so that it runs first.

    The queue settings are read before, in a transaction of their own: on a fresh
    installation the first read writes their defaults (see settings_row)."""
    queue_config()
    if db.session().in_transaction():
        db.session.commit()
    db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


@bp.before_request
@role_required(Role.MANAGER)
def require_manager():
    """Scores and exports are for managers and admins."""


@dataclass
class Reading:
    """The filter form, the period and filters it means (None when it is not valid), and
    the surveys and touchpoint types its lists were filled from."""

    form: DashboardFilterForm
    period: Period | None
    filters: Filters | None
    #: rows of id, name and kind
    surveys: list
    #: rows of id, key, name_en and name_zh (TouchpointType.name reads them)
    touchpoints: list


# The page's reads of surveys, touchpoints, topics and agents, each built once, as the
# summary reads are: a statement built anew for every page costs SQLAlchemy ~0.1 ms more
# to run (its cache key, and its columns matched to those of the cached compiled form).
@cache
def _surveys():
    return select(Survey.id, Survey.name, Survey.kind).order_by(Survey.name)


@cache
def _touchpoints():
    t = TouchpointType
    return select(t.id, t.key, t.name_en, t.name_zh).order_by(t.key)


@cache
def _topics():
    return select(Topic.id, Topic.name_en, Topic.name_zh)


@cache
def _users():
    """Staff, for the agents' names in queue health: a few dozen rows, read with the
    page's other reads rather than after them."""
    return select(User.id, User.name, User.email)


def read_filters(args) -> Reading:
    """The dashboard's filters read from the query string."""
    form = DashboardFilterForm(args)
    locale = str(get_locale())
    # Rows of the columns used, not ORM objects: loading those cost more than the reads.
    # Two small reads: one after the other (a pipeline's own round trips cost more here).
    lists = Batch()
    survey_rows, touchpoint_rows = lists.add(_surveys()), lists.add(_touchpoints())
    surveys, touchpoints = lists.rows(survey_rows), lists.rows(touchpoint_rows)
    form.survey.choices = [SelectChoice("", _("Any"))] + [
        SelectChoice(str(s.id), s.name) for s in surveys
    ]
    form.touchpoint.choices = [SelectChoice("", _("Any"))] + [
        SelectChoice(t.key, TouchpointType.name(t, locale)) for t in touchpoints
    ]
    form.by.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(key, key) for key in summary.property_keys()
    ]
    if not form.validate():
        return Reading(form, None, None, surveys, touchpoints)
    zone = str(get_timezone())
    today = utcnow().astimezone(get_timezone()).date()
    period = resolve(form.range.data, today, zone, form.start.data, form.end.data)
    filters = Filters(
        survey_id=int(form.survey.data) if form.survey.data else None,
        touchpoint_type_id=next((t.id for t in touchpoints if t.key == form.touchpoint.data), None),
        tier=form.tier.data.strip() if form.tier.data and form.tier.data.strip() else None,
        locale=form.language.data or None,
        followup_survey_id=queue_config().followup_survey_id,
    )
    return Reading(form, period, filters, surveys, touchpoints)


@bp.get("")
def index():
    """The page. Its reads go to the database before the template starts, and the template
    is handed the board, its names and charts in a _Page that makes each on first use,
    after the menus and the filter form: on PostgreSQL the server works through the reads
    while those are written."""
    reading = read_filters(request.args)
    form, period, filters = reading.form, reading.period, reading.filters
    if period is None:
        filter_form = Markup(render_template("dashboard/_filters.html", form=form))  # noqa: S704 - a template's output
        return render_template(
            "dashboard/index.html", filter_form=filter_form, invalid=True, figures=Figures()
        ), 400
    interval = form.interval.data or ("week" if period.days <= 120 else "month")
    kinds = {survey.id: survey.kind for survey in reading.surveys}
    locale = str(get_locale())
    batch = Batch()
    board = summary.plan(
        batch, period, filters, report_zone(), utcnow(), interval, kinds, form.by.data or None
    )
    names = _names(batch, reading, locale)
    batch.send()
    g.dashboard_batch = batch
    page = _Page(board, names, locale)
    return render_template(
        "dashboard/index.html",
        form=form,
        filter_form=_filter_form(form, locale),
        page=page,
        args=form.shared_args(),
        figures=Figures(),
        now=utcnow(),
    )


@bp.teardown_request
def close_reads(error=None):
    """A page that failed before reading its batch leaves the pipeline open: close it."""
    batch = g.pop("dashboard_batch", None)
    if batch is not None:
        batch.close()


#: filter forms as written, by what they show (see _filter_form); the least used go first
_FILTER_FORMS: OrderedDict[tuple, Markup] = OrderedDict()
FILTER_FORMS_KEPT = 256
#: the fields whose choices come from the database (the others' are fixed, in each language)
LISTED = ("survey", "touchpoint", "by")


def _filter_form(form: DashboardFilterForm, locale: str) -> Markup:
    """The valid filter form's HTML, written once for each language, values and lists: its
    nine fields take ~100 WTForms and Jinja calls (~0.9 ms, a third of the page's template)
    and a manager's views mostly repeat the same filters. The key is all it shows."""
    key = (
        locale,
        tuple((field.data if field.type == "SelectField" else field._value()) for field in form),
        tuple(tuple((c.value, str(c.label)) for c in form[name].choices) for name in LISTED),
    )
    html = _FILTER_FORMS.get(key)
    if html is not None:
        with suppress(KeyError):  # another thread may have let it go meanwhile
            _FILTER_FORMS.move_to_end(key)
    else:
        html = Markup(render_template("dashboard/_filters.html", form=form))  # noqa: S704 - a template's output
        _FILTER_FORMS[key] = html
        while len(_FILTER_FORMS) > FILTER_FORMS_KEPT:
            _FILTER_FORMS.popitem(last=False)
    return html


class _Page:
    """The board, its names and charts, each made when the template first asks."""

    def __init__(self, board: Later[summary.Dashboard], names: Later[dict], locale: str):
        self._board, self._names, self.locale = board, names, locale

    @cached_property
    def board(self) -> summary.Dashboard:
        return self._board()

    @cached_property
    def names(self) -> dict:
        return self._names()

    @cached_property
    def charts(self) -> dict:
        return _charts(self.board, self.locale)


def _names(batch: Batch, reading: Reading, locale: str) -> Later[dict]:
    """Labels of the ids in breakdowns, drivers and the queue."""
    topics = batch.add(_topics())
    users = batch.add(_users())

    def result() -> dict:
        return {
            "survey_id": {s.id: s.name for s in reading.surveys},
            "touchpoint_type_id": {
                t.id: TouchpointType.name(t, locale) for t in reading.touchpoints
            },
            "topic": {t.id: Topic.name(t, locale) for t in batch.rows(topics)},
            "agent": {u.id: User.display_name.fget(u) for u in batch.rows(users)},
        }

    return result


def _charts(board: summary.Dashboard, locale: str) -> dict:
    labels = [_point_label(point["period"], board.interval) for point in board.trend]
    result = {
        "nps": charts.trend_chart(
            _("NPS"),
            labels,
            {_("NPS"): [p["scores"].nps.score for p in board.trend]},
            [p["scores"].nps.n for p in board.trend],
            y_min=-100,
            y_max=100,
        ),
        "csat": charts.trend_chart(
            _("CSAT"),
            labels,
            {_("CSAT %"): [p["scores"].csat.percent for p in board.trend]},
            [p["scores"].csat.n for p in board.trend],
            y_min=0,
            y_max=100,
            unit="%",
        ),
        "ces": charts.trend_chart(
            _("CES"),
            labels,
            {_("CES mean"): [p["scores"].ces.mean for p in board.trend]},
            [p["scores"].ces.n for p in board.trend],
            y_min=1,
            y_max=7,
        ),
    }
    from feedback.scoring import mood

    for kind, counts in board.distributions.items():
        scale = list(kind.scale)
        result[f"dist_{kind.value}"] = charts.distribution_chart(
            _("How %(kind)s answers were spread", kind=kind.value.upper()),
            scale,
            [counts.get(score, 0) for score in scale],
            [mood(kind.value, score) for score in scale],
        )
    total = sum(board.sentiment.values())
    result["sentiment"] = charts.share_bars(
        _("Sentiment of comments"),
        [_("Positive"), _("Neutral"), _("Negative")],
        [
            100.0 * board.sentiment[name] / total if total else None
            for name in ("positive", "neutral", "negative")
        ],
    )
    return result


def _point_label(period: Period, interval: str) -> str:
    return _date_label(
        period.first, "MMM yyyy" if interval == "month" else "MMM d", str(get_locale())
    )


@lru_cache(maxsize=1024)
def _date_label(day, pattern: str, locale: str) -> str:
    """A trend point's label; babel takes ~50 µs a date, a page has a dozen."""
    return babel_dates.format_date(day, pattern, locale=locale)


@bp.get("/export.csv")
def export_csv():
    reading = read_filters(request.args)
    form, period, filters = reading.form, reading.period, reading.filters
    if period is None:
        errors = "; ".join(
            f"{form[name].label.text}: {' '.join(str(m) for m in e)}"
            for name, e in form.errors.items()
        )
        return Response(
            _("These filters are not valid: %(errors)s", errors=errors) + "\n",
            400,
            mimetype="text/plain",
        )
    stamp = datetime.now().strftime("%Y%m%d")  # noqa: DTZ005 - a file name
    return Response(
        export.rows_as_csv(period, filters, str(get_timezone())),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="responses-{stamp}.csv"'},
    )
