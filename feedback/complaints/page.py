"""What the case page shows: the customer, the conversation (answers, replies both ways,
calls, notes; see thread.py), the customer's earlier answers and cases, the clock, the
history and the forms of the actions the case allows now."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from feedback.accounts.models import Role
from feedback.complaints import forms, thread, timeline
from feedback.complaints.cases import fill_template
from feedback.complaints.models import (
    ACTIVE_STATUSES,
    Case,
    CaseEvent,
    CaseResponse,
    CaseStatus,
    ReplyTemplate,
)
from feedback.extensions import db
from feedback.surveys.models import Response
from feedback.tagging.services import topics_of
from feedback.timeutil import utcnow

EARLIER = 20


def case_page_context(case: Case, given: dict, args) -> dict:
    """Everything the template needs. ``given`` holds forms that came back with errors."""
    now = utcnow()
    events = list(
        db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id)
            .options(selectinload(CaseEvent.actor))
            .order_by(CaseEvent.at, CaseEvent.id)
        )
    )
    on_case_ids = set(
        db.session.scalars(select(CaseResponse.response_id).where(CaseResponse.case_id == case.id))
    )
    answered_ids = {e.response_id for e in events if e.kind in thread.ANSWERED and e.response_id}
    answers = {
        r.id: r
        for r in db.session.scalars(
            select(Response)
            .where(Response.id.in_(on_case_ids | answered_ids))
            .options(selectinload(Response.survey))
            .order_by(Response.answered_at)
        )
    }
    earlier = [
        r
        for r in db.session.scalars(
            select(Response)
            .where(Response.customer_id == case.customer_id)
            .options(selectinload(Response.survey))
            .order_by(Response.answered_at.desc())
            .limit(EARLIER + len(answers))
        )
        if r.id not in answers
    ][:EARLIER]
    other_cases = list(
        db.session.scalars(
            select(Case)
            .where(Case.customer_id == case.customer_id, Case.id != case.id)
            .order_by(Case.opened_at.desc())
        )
    )
    context = {
        "case": case,
        "customer": case.customer,
        "thread": thread.conversation(events, answers, thread.failed_replies(events)),
        "history": thread.history(events),
        "earlier": earlier,
        "other_cases": other_cases,
        "topics": topics_of(list(answers) + [r.id for r in earlier]),
        "followup": case.followup_invitation,
        "describe": timeline.describe,
        "clock": timeline.clock(case, now),
        "now": now,
        "is_manager": current_user.has_role(Role.MANAGER),
        "active": case.status in ACTIVE_STATUSES,
    }
    context.update(_forms(case, given, args))
    return context


def _forms(case: Case, given: dict, args) -> dict:
    assign = given.get("assign") or forms.AssignForm(formdata=None, owner=case.owner_id or 0)
    assign.owner.choices = forms.owner_choices()
    priority = given.get("priority") or forms.PriorityForm(
        formdata=None, priority=case.priority.value
    )
    reply, pick = _reply_forms(case, args)
    pick.template.choices = forms.template_choices()
    return {
        "pick_form": pick,
        "claim_form": forms.EmptyForm(formdata=None),
        "assign_form": assign,
        "priority_form": priority,
        "reply_form": given.get("reply") or reply,
        "call_form": forms.call_form(case.customer, given.get("call")),
        "note_form": given.get("note") or forms.NoteForm(formdata=None),
        "pending_form": given.get("pending") or forms.PendingForm(formdata=None),
        "resume_form": forms.EmptyForm(formdata=None),
        "resolve_form": given.get("resolve") or forms.ResolveForm(formdata=None),
        "reopen_form": given.get("reopen") or forms.ReopenForm(formdata=None),
        "close_form": forms.EmptyForm(formdata=None),
        "can_resolve": case.status in (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING)
        and case.first_responded_at is not None,
    }


def _reply_forms(case: Case, args) -> tuple[forms.ReplyForm, forms.TemplatePickForm]:
    """The reply, empty in the customer's language, or filled from the template asked
    for; and the template picker showing that choice."""
    language = args.get("lang")
    if language not in current_app.config["LANGUAGES"]:
        language = case.customer.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    subject = body = None
    template_id = args.get("template", "")
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses
    valid = template_id.isascii() and template_id.isdigit() and len(template_id) < 10
    template = db.session.get(ReplyTemplate, int(template_id)) if valid else None
    if template is not None:
        subject, body = fill_template(template, case, language)
    reply = forms.ReplyForm(formdata=None, language=language, subject=subject, body=body)
    pick = forms.TemplatePickForm(
        formdata=None, template=str(template.id) if template else "", lang=language
    )
    return reply, pick
