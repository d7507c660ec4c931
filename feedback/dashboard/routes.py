"""The managers' pages: the scores (/dashboard), their CSV export, and the answers with
their tags (/answers)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale, get_timezone
from flask_babel import gettext as _
from sqlalchemy import false, select
from sqlalchemy.orm import selectinload
from wtforms.fields import SelectChoice

from feedback import scoring
from feedback.accounts.access import role_required
from feedback.accounts.models import Role, User
from feedback.complaints.configuration.settings import queue_config
from feedback.customers import audit
from feedback.dashboard import charts, drivers, export, summary
from feedback.dashboard.answers import Filters
from feedback.dashboard.forms import AnswerFilterForm, PropertyKeyForm
from feedback.dashboard.periods import midnight, report_zone
from feedback.dashboard.reading import read_filters
from feedback.extensions import db
from feedback.surveys.models import (
    PropertyKey,
    SentimentLabel,
    Survey,
    SurveyKind,
    TouchpointType,
)
from feedback.surveys.models import Response as Answer
from feedback.surveys.property_keys import all_keys
from feedback.tagging.models import Topic
from feedback.tagging.services import topics_of
from feedback.timeutil import utcnow

bp = Blueprint("dashboard", __name__)

ANSWERS_PER_PAGE = 50
#: how many answers a figure needs to be shown, and shown unflagged (feedback.scoring)
THRESHOLDS = {"TOO_FEW": scoring.TOO_FEW, "FEW": scoring.FEW}


@bp.app_template_filter("figure")
def figure(value, digits: int = 1) -> str:
    """A number with thousands separators (the same in English and Chinese), or a dash."""
    return "—" if value is None else f"{value:,.{digits}f}"


@bp.before_request
@role_required(Role.MANAGER)
def require_manager():
    """Scores, answers and exports are for managers and admins."""


@bp.get("/dashboard")
def index():
    reading = read_filters(request.args)
    form, period = reading.form, reading.period
    if period is None:
        return render_template("dashboard/index.html", form=form, invalid=True, **THRESHOLDS), 400
    interval = form.interval.data or ("week" if period.days <= 120 else "month")
    kinds = {survey.id: survey.kind for survey in reading.surveys}
    locale = str(get_locale())
    board = summary.build(
        period,
        reading.filters,
        report_zone(),
        utcnow(),
        interval,
        kinds,
        form.by.data or None,
        locale=locale,
    )
    topics = db.session.execute(select(Topic.id, Topic.name_en, Topic.name_zh))
    users = db.session.execute(select(User.id, User.name, User.email))
    names = {
        "survey_id": {s.id: s.name for s in reading.surveys},
        "touchpoint_type_id": {t.id: TouchpointType.name(t, locale) for t in reading.touchpoints},
        "topic": {t.id: Topic.name(t, locale) for t in topics},
        "agent": {u.id: u.name or u.email for u in users},
    }
    return render_template(
        "dashboard/index.html",
        form=form,
        board=board,
        names=names,
        charts=_charts(board),
        args=form.shared_args(),
        driver_labels=drivers.group_labels(board.drivers.kind),
        driver_links=drivers.answer_links(period, form.shared_args()),
        moods=scoring.MOOD_BOUNDS,
        readable=scoring.readable,
        **THRESHOLDS,
    )


def _charts(board: summary.Dashboard) -> dict:
    pattern = "MMM yyyy" if board.interval == "month" else "MMM d"
    labels = [format_date(bucket.first, pattern) for bucket, _scores in board.trend]
    trend = [scores for _bucket, scores in board.trend]
    shown = scoring.readable  # a point from too few answers is a gap
    result = {
        "nps": charts.trend_chart(
            _("NPS"),
            labels,
            {_("NPS"): [shown(s.nps.score, s.nps.n) for s in trend]},
            [s.nps.n for s in trend],
            y_min=-100,
            y_max=100,
        ),
        "csat": charts.trend_chart(
            _("CSAT"),
            labels,
            {_("CSAT %"): [shown(s.csat.percent, s.csat.n) for s in trend]},
            [s.csat.n for s in trend],
            y_min=0,
            y_max=100,
            unit="%",
        ),
        "ces": charts.trend_chart(
            _("CES"),
            labels,
            {_("CES mean"): [shown(s.ces.mean, s.ces.n) for s in trend]},
            [s.ces.n for s in trend],
            y_min=1,
            y_max=7,
        ),
    }
    for kind, counts in board.distributions.items():
        scale = list(kind.scale)
        result[f"dist_{kind.value}"] = charts.distribution_chart(
            _("How %(kind)s answers were spread", kind=kind.value.upper()),
            scale,
            [counts.get(score, 0) for score in scale],
            [scoring.mood(kind.value, score) for score in scale],
        )
    total = sum(board.sentiment.values())
    result["sentiment"] = charts.share_bars(
        _("Sentiment of comments"),
        [_("Positive"), _("Neutral"), _("Negative")],
        [
            shown(100.0 * board.sentiment[name] / total, total) if total else None
            for name in ("positive", "neutral", "negative")
        ],
    )
    return result


@bp.get("/dashboard/export.csv")
def export_csv():
    reading = read_filters(request.args)
    form, period = reading.form, reading.period
    if period is None:
        errors = "; ".join(
            f"{form[name].label.text}: {' '.join(str(m) for m in e)}"
            for name, e in form.errors.items()
        )
        message = _("These filters are not valid: %(errors)s", errors=errors)
        return Response(message + "\n", 400, mimetype="text/plain")
    # Audited before the first byte leaves, with the rows the file will hold: a download
    # cut short was still a download.
    count, through = export.counted(period, reading.filters)
    audit.record("answers.export", detail=export.describe(reading), count=count)
    db.session.commit()
    stamp = datetime.now().strftime("%Y%m%d")  # noqa: DTZ005 - a file name
    return Response(
        export.rows_as_csv(period, reading.filters, str(get_timezone()), through),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="responses-{stamp}.csv"'},
    )


@bp.get("/dashboard/properties")
def property_keys():
    """The event property keys, each with its label, whether breakdowns hide it and
    whether it is personal."""
    keys = all_keys()
    forms = {key.id: PropertyKeyForm(formdata=None, obj=key, prefix=f"k{key.id}") for key in keys}
    return render_template("dashboard/properties.html", keys=keys, forms=forms)


@bp.post("/dashboard/properties/<int:key_id>")
def edit_property_key(key_id: int):
    """Save one key's label and its internal and personal flags."""
    key = db.get_or_404(PropertyKey, key_id)
    form = PropertyKeyForm(prefix=f"k{key.id}")
    if not form.validate():
        keys = all_keys()
        forms = {
            k.id: form
            if k.id == key.id
            else PropertyKeyForm(formdata=None, obj=k, prefix=f"k{k.id}")
            for k in keys
        }
        return render_template("dashboard/properties.html", keys=keys, forms=forms), 400
    key.label, key.internal = form.label.data or "", form.internal.data
    key.personal = form.personal.data
    db.session.commit()
    flash(_("Property %(key)s saved.", key=key.key), "success")
    return redirect(url_for(".property_keys"))


@bp.get("/answers")
def answers():
    """Every answer, newest first, with the comment's tags; the filters are in the URL so
    a view can be shared."""
    form = AnswerFilterForm(request.args)
    locale, zone = str(get_locale()), str(get_timezone())
    surveys = db.session.scalars(select(Survey).order_by(Survey.name))
    topics = db.session.scalars(select(Topic).order_by(Topic.key))
    form.survey.choices = [SelectChoice("", _("Any survey"))] + [
        SelectChoice(str(s.id), s.name) for s in surveys
    ]
    form.topic.choices = [SelectChoice("", _("Any topic"))] + [
        SelectChoice(t.key, t.name(locale)) for t in topics
    ]
    touchpoints = dict(db.session.execute(select(TouchpointType.key, TouchpointType.id)).all())
    form.touchpoint.choices = [SelectChoice("", "")] + [SelectChoice(k, k) for k in touchpoints]
    valid = form.validate()
    query = select(Answer).options(selectinload(Answer.survey), selectinload(Answer.customer))
    shown = {}
    if not valid:
        query = query.where(false())
    else:
        shown = {name: value for name, value in form.data.items() if value}
        if form.commented.data:
            shown["commented"] = "y"
        query = Filters(
            survey_id=int(form.survey.data) if form.survey.data else None,
            sentiment=SentimentLabel(form.sentiment.data) if form.sentiment.data else None,
            language=form.language.data or None,
            topic_key=form.topic.data or None,
            commented=form.commented.data,
            touchpoint_type_id=touchpoints.get(form.touchpoint.data),
            tier="" if form.untiered.data else form.tier.data or None,
            locale=form.locale.data or None,
            kind=SurveyKind(form.kind.data) if form.kind.data else None,
            # A figure's link (it names a kind) opens what the figure counted: the figures
            # report the complaint follow-up survey apart unless it is the survey filtered.
            followup_survey_id=queue_config().followup_survey_id if form.kind.data else None,
            since=midnight(form.start.data, zone) if form.start.data else None,
            until=midnight(form.end.data + timedelta(days=1), zone) if form.end.data else None,
            property_key=form.prop.data or None,
            property_value=form.value.data or None,
        ).answers(query)
    page = db.paginate(
        query.order_by(Answer.answered_at.desc(), Answer.id.desc()),
        page=min(request.args.get("page", 1, type=int), 10_000),
        per_page=ANSWERS_PER_PAGE,
        error_out=False,
    )
    return (
        render_template(
            "dashboard/answers.html",
            form=form,
            page=page,
            filters=shown,
            topics_of=topics_of([r.id for r in page.items]),
        ),
        200 if valid else 400,
    )
