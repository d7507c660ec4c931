"""Managers' changes to surveys and touchpoint types. Add and flush; the caller commits."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from feedback.extensions import db
from feedback.surveys.models import (
    Invitation,
    InvitationStatus,
    Response,
    Survey,
    SurveyKind,
    SurveyStatus,
    SurveyTrigger,
    TouchpointType,
)

TEXT_FIELDS = (
    "name",
    "question_en",
    "question_zh",
    "followup_en",
    "followup_zh",
    "email_subject_en",
    "email_subject_zh",
)


class SurveyError(ValueError):
    """A change that would make stored answers mean something else; shown to the manager."""


def save_survey(survey: Survey | None, data: dict, delays: dict[int, int]) -> Survey:
    """Create or update a survey and its triggers (touchpoint type id -> delay in minutes)."""
    kind = SurveyKind(data["kind"])
    if survey is None:
        survey = Survey(kind=kind)
        db.session.add(survey)
    elif survey.kind is not kind and _has_responses(survey):
        raise SurveyError(
            _l("This survey has answers on its scale; make a new survey for another kind.")
        )
    survey.kind = kind
    survey.status = SurveyStatus(data["status"])
    for name in TEXT_FIELDS:
        value = (data.get(name) or "").strip()
        setattr(survey, name, value or None if name.startswith("followup") else value)
    by_type = {t.touchpoint_type_id: t for t in survey.triggers}
    for type_id, trigger in by_type.items():
        if type_id not in delays:
            survey.triggers.remove(trigger)
    for type_id, delay in delays.items():
        if type_id in by_type:
            by_type[type_id].delay_minutes = delay
        else:
            survey.triggers.append(SurveyTrigger(touchpoint_type_id=type_id, delay_minutes=delay))
    db.session.flush()
    return survey


def _has_responses(survey: Survey) -> bool:
    return bool(
        db.session.scalar(
            select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
        )
    )


def survey_counts() -> dict[int, dict[str, int]]:
    """Invitations sent and answered per survey, in one GROUP BY."""
    rows = db.session.execute(
        select(Invitation.survey_id, Invitation.status, func.count()).group_by(
            Invitation.survey_id, Invitation.status
        )
    )
    counts: dict[int, dict[str, int]] = {}
    for survey_id, status, n in rows:
        entry = counts.setdefault(survey_id, {"sent": 0, "answered": 0, "suppressed": 0})
        if status in (InvitationStatus.SENT, InvitationStatus.ANSWERED, InvitationStatus.EXPIRED):
            entry["sent"] += n
        if status is InvitationStatus.ANSWERED:
            entry["answered"] += n
        if status is InvitationStatus.SUPPRESSED:
            entry["suppressed"] += n
    return counts


def save_touchpoint_type(touchpoint_type: TouchpointType | None, data: dict) -> TouchpointType:
    """Create or update a touchpoint type; its key must be unique."""
    key = data["key"].strip()
    clash = db.session.scalar(select(TouchpointType).where(TouchpointType.key == key))
    if clash is not None and clash is not touchpoint_type:
        raise SurveyError(_l("Another touchpoint type already has the key %(key)s.", key=key))
    if touchpoint_type is None:
        touchpoint_type = TouchpointType(key=key)
        db.session.add(touchpoint_type)
    touchpoint_type.key = key
    touchpoint_type.name_en = data["name_en"].strip()
    touchpoint_type.name_zh = data["name_zh"].strip()
    touchpoint_type.cooldown_days = data.get("cooldown_days")
    touchpoint_type.counts_as_purchase = bool(data.get("counts_as_purchase"))
    touchpoint_type.counts_as_refund = bool(data.get("counts_as_refund"))
    db.session.flush()
    return touchpoint_type
