"""Managers' pages: the topic taxonomy, and the answers with their tags, filtered."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import false, select
from sqlalchemy.orm import selectinload
from wtforms.fields import SelectChoice

from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.extensions import db
from feedback.surveys.models import Response, SentimentLabel, Survey
from feedback.tagging import services
from feedback.tagging.forms import AnswerFilterForm, TopicForm
from feedback.tagging.models import ResponseTopic, Topic

bp = Blueprint("tagging", __name__)

PER_PAGE = 50


@bp.before_request
@role_required(Role.MANAGER)
def require_manager():
    """Topics and the filtered answers are managers' (and admins') pages."""


def _topics() -> list[Topic]:
    return list(db.session.scalars(select(Topic).order_by(Topic.key)))


@bp.route("/topics", methods=["GET", "POST"])
@bp.route("/topics/<id:topic_id>", methods=["GET", "POST"])
def topics(topic_id: int | None = None):
    topic = db.get_or_404(Topic, topic_id) if topic_id else None
    form = TopicForm(obj=topic)
    if form.validate_on_submit():
        try:
            saved = services.save_topic(topic, form.data)
        except services.TopicError:
            db.session.rollback()
            form.key.errors.append(_("Another topic already has this key."))
        else:
            db.session.commit()
            flash(
                _(
                    "Topic %(key)s saved. Stored comments are tagged again within minutes.",
                    key=saved.key,
                ),
                "success",
            )
            return redirect(url_for(".topics"))
    if topic is None and request.method == "GET":
        form = TopicForm(formdata=None)
    status = 400 if form.is_submitted() else 200
    return (
        render_template(
            "tagging/topics.html",
            topics=_topics(),
            counts=services.topic_counts(),
            form=form,
            editing=topic,
            stale=services.count_to_retag(stale_only=True),
        ),
        status,
    )


@bp.post("/topics/<id:topic_id>/delete")
def delete_topic(topic_id: int):
    topic = db.get_or_404(Topic, topic_id)
    key = topic.key
    services.delete_topic(topic)
    db.session.commit()
    flash(_("Topic %(key)s deleted; its tags are gone from every answer.", key=key), "success")
    return redirect(url_for(".topics"))


def _filter_form() -> AnswerFilterForm:
    form = AnswerFilterForm(request.args)
    locale = str(get_locale())
    surveys = db.session.scalars(select(Survey).order_by(Survey.name)).all()
    form.survey.choices = [SelectChoice("", _("Any survey"))] + [
        SelectChoice(str(s.id), s.name) for s in surveys
    ]
    form.topic.choices = [SelectChoice("", _("Any topic"))] + [
        SelectChoice(t.key, t.name(locale)) for t in _topics()
    ]
    return form


@bp.get("/answers")
def answers():
    """Every answer, newest first, with the comment's tags; the filters are in the URL so
    a view can be shared."""
    form = _filter_form()
    valid = form.validate()
    query = (
        select(Response)
        .options(selectinload(Response.survey), selectinload(Response.customer))
        .order_by(Response.answered_at.desc(), Response.id.desc())
    )
    filters = {}
    if valid:
        filters = {
            name: value
            for name, value in (
                ("survey", form.survey.data),
                ("sentiment", form.sentiment.data),
                ("language", form.language.data),
                ("topic", form.topic.data),
                ("commented", "y" if form.commented.data else ""),
            )
            if value
        }
        if form.survey.data:
            query = query.where(Response.survey_id == int(form.survey.data))
        if form.sentiment.data:
            query = query.where(Response.sentiment == SentimentLabel(form.sentiment.data))
        if form.language.data:
            query = query.where(Response.language == form.language.data)
        if form.topic.data:
            query = query.where(
                Response.id.in_(
                    select(ResponseTopic.response_id)
                    .join(Topic, Topic.id == ResponseTopic.topic_id)
                    .where(Topic.key == form.topic.data)
                )
            )
        if form.commented.data:
            query = query.where(Response.comment.is_not(None))
    else:
        query = query.where(false())
    page = db.paginate(
        query,
        page=min(request.args.get("page", 1, type=int), 10_000),
        per_page=PER_PAGE,
        error_out=False,
    )
    return (
        render_template(
            "tagging/answers.html",
            form=form,
            page=page,
            filters=filters,
            topics_of=services.topics_of([r.id for r in page.items]),
        ),
        200 if valid else 400,
    )
