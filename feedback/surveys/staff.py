"""Managers' pages: surveys with their triggers and previews, and touchpoint types."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.extensions import db
from feedback.security import EMAIL_PREVIEW_POLICY
from feedback.surveys.email import render_invitation, scale_labels
from feedback.surveys.forms import AnswerForm
from feedback.surveys.inputs import normalise_locale
from feedback.surveys.manage import (
    TEXT_FIELDS,
    SurveyError,
    save_survey,
    save_touchpoint_type,
    survey_counts,
)
from feedback.surveys.models import Survey, TouchpointType
from feedback.surveys.staff_forms import TouchpointTypeForm, survey_form_class

bp = Blueprint("surveys", __name__, url_prefix="/surveys")

#: stands in for a real link token in previews; it matches no invitation
PREVIEW_TOKEN = "preview"  # noqa: S105


@bp.before_request
@role_required(Role.MANAGER)
def require_manager():
    """Every page here is for managers and admins."""


def _types() -> list[TouchpointType]:
    return list(db.session.scalars(select(TouchpointType).order_by(TouchpointType.key)))


@bp.get("")
def index():
    surveys = db.session.scalars(select(Survey).order_by(Survey.name)).all()
    return render_template(
        "surveys/staff/index.html", surveys=surveys, counts=survey_counts(), types=_types()
    )


def _survey_form(types, survey: Survey | None):
    form_class = survey_form_class(types)
    if request.method == "POST" or survey is None:
        return form_class()
    data = {name: getattr(survey, name) for name in TEXT_FIELDS}
    data.update(kind=survey.kind.value, status=survey.status.value)
    for trigger in survey.triggers:
        data[f"use_{trigger.touchpoint_type_id}"] = True
        data[f"delay_{trigger.touchpoint_type_id}"] = trigger.delay_minutes
    return form_class(data=data)


def _delays(form, types) -> dict[int, int]:
    return {
        t.id: getattr(form, f"delay_{t.id}").data or 0
        for t in types
        if getattr(form, f"use_{t.id}").data
    }


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<id:survey_id>", methods=["GET", "POST"])
def edit(survey_id: int | None = None):
    survey = db.get_or_404(Survey, survey_id) if survey_id else None
    types = _types()
    form = _survey_form(types, survey)
    if form.validate_on_submit():
        try:
            survey = save_survey(survey, form.data, _delays(form, types))
        except SurveyError as exc:
            db.session.rollback()
            form.kind.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Survey %(name)s saved.", name=survey.name), "success")
            return redirect(url_for(".index"))
    status = 400 if form.is_submitted() else 200
    return render_template("surveys/staff/edit.html", form=form, survey=survey, types=types), status


@bp.get("/<id:survey_id>/preview")
def preview(survey_id: int):
    """The answer page and the email as a customer would see them, in either language."""
    survey = db.get_or_404(Survey, survey_id)
    locale = normalise_locale(request.args.get("lang")) or "en"
    email = _preview_email(survey, locale)
    with force_locale(locale):
        low, high = scale_labels(survey.kind)
        page = render_template(
            "surveys/answer.html",
            token=PREVIEW_TOKEN,
            survey=survey,
            locale=locale,
            form=AnswerForm(survey.kind),
            notice=None,
            low_label=low,
            high_label=high,
            preview=True,
        )
    return render_template(
        "surveys/staff/preview.html", survey=survey, locale=locale, email=email, page=page
    )


@bp.get("/<id:survey_id>/preview/email")
def preview_email(survey_id: int):
    """The invitation email's HTML alone, for the preview page's frame.

    A page of its own, not the frame's srcdoc: a srcdoc frame takes the page's policy,
    which refuses the inline styles an email must carry.
    """
    survey = db.get_or_404(Survey, survey_id)
    locale = normalise_locale(request.args.get("lang")) or "en"
    response = make_response(_preview_email(survey, locale).html)
    response.headers["Content-Security-Policy"] = EMAIL_PREVIEW_POLICY
    return response


def _preview_email(survey: Survey, locale: str):
    return render_invitation(survey, locale, PREVIEW_TOKEN, "Ann" if locale == "en" else "王伟")


@bp.route("/touchpoints", methods=["GET", "POST"])
@bp.route("/touchpoints/<id:type_id>", methods=["GET", "POST"])
def touchpoint_types(type_id: int | None = None):
    touchpoint_type = db.get_or_404(TouchpointType, type_id) if type_id else None
    form = TouchpointTypeForm(obj=touchpoint_type)
    if form.validate_on_submit():
        try:
            saved = save_touchpoint_type(touchpoint_type, form.data)
        except SurveyError as exc:
            db.session.rollback()
            form.key.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Touchpoint type %(key)s saved.", key=saved.key), "success")
            return redirect(url_for(".touchpoint_types"))
    if type_id is None and request.method == "GET":
        form = TouchpointTypeForm(formdata=None)
    status = 400 if form.is_submitted() else 200
    return (
        render_template(
            "surveys/staff/touchpoints.html",
            types=_types(),
            form=form,
            editing=touchpoint_type,
        ),
        status,
    )
