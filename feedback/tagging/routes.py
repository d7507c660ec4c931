"""Managers' pages: the topic taxonomy."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.extensions import db
from feedback.tagging import services
from feedback.tagging.forms import TopicForm
from feedback.tagging.models import Topic

bp = Blueprint("tagging", __name__)


@bp.before_request
@role_required(Role.MANAGER)
def require_manager():
    """Topics are managers' (and admins') pages."""


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
