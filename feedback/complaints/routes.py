"""The staff queue and the case page, with one POST route per action."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields import SelectChoice

from feedback.accounts.access import role_required
from feedback.accounts.models import Role, User
from feedback.complaints import cases, forms, queue, timeline
from feedback.complaints.models import Case, CaseActionError, CasePriority
from feedback.complaints.page import case_page_context
from feedback.extensions import db
from feedback.surveys.models import TouchpointType
from feedback.tagging.models import Topic
from feedback.timeutil import utcnow

bp = Blueprint("complaints", __name__, url_prefix="/cases")


@bp.before_request
@role_required(Role.AGENT)
def require_staff():
    """The queue is for all staff; some actions are for managers only."""


@bp.get("")
def index():
    form = forms.QueueFilterForm(request.args)
    locale = str(get_locale())
    touchpoints = db.session.scalars(select(TouchpointType).order_by(TouchpointType.key))
    form.touchpoint.choices = [SelectChoice("", _("Any"))] + [
        SelectChoice(t.key, t.name(locale)) for t in touchpoints
    ]
    topics = db.session.scalars(select(Topic).order_by(Topic.key))
    form.topic.choices = [SelectChoice("", _("Any"))] + [
        SelectChoice(t.key, t.name(locale)) for t in topics
    ]
    now = utcnow()
    view = request.args.get("view")
    if not form.validate() or (view is not None and view not in queue.VIEWS):
        return render_template("complaints/queue.html", form=form, invalid=True), 400
    filters = queue.Filters(
        priority=CasePriority(form.priority.data) if form.priority.data else None,
        touchpoint_type_id=_id_of(TouchpointType, form.touchpoint.data),
        topic_id=_id_of(Topic, form.topic.data),
        tier=(form.tier.data or "").strip() or None,
    )
    counts = queue.counts(current_user.id, now, filters)
    if view is None:  # your own cases first, else the ones nobody has taken
        view = "mine" if counts["mine"] else "unassigned"
    page = form.page.data or 1
    found, more = queue.page_of(view, current_user.id, now, filters, page)
    return render_template(
        "complaints/queue.html",
        form=form,
        view=view,
        counts=counts,
        cases=found,
        topics=queue.topics_by_case([c.id for c in found]),
        page=page,
        more=more,
        now=now,
        clock=timeline.clock,
    )


def _id_of(model, key: str | None) -> int | None:
    if not key:
        return None
    return db.session.scalar(select(model.id).where(model.key == key))


@bp.get("/<id:case_id>")
def show(case_id: int):
    case = db.get_or_404(Case, case_id)
    return _page(case)


def _page(case: Case, status: int = 200, error: str | None = None, **given):
    return (
        render_template(
            "complaints/case.html", **case_page_context(case, given, request.args), error=error
        ),
        status,
    )


def _locked(case_id: int) -> Case:
    case = cases.lock(case_id)
    if case is None:
        abort(404)
    return case


def _act(case_id: int, form, name: str, action, done: str):
    """Validate, act on the locked case, commit once and go back to the case page; a
    refused action shows the page again with the reason (409), a bad form with its
    errors (400). Nothing is half done: a refusal rolls the whole action back."""
    case = _locked(case_id)
    if not form.validate_on_submit():
        return _page(case, 400, **{name: form})
    try:
        action(case, form)
    except CaseActionError as refusal:
        db.session.rollback()
        return _page(db.get_or_404(Case, case_id), 409, str(refusal), **{name: form})
    db.session.commit()
    flash(done, "success")
    return redirect(url_for(".show", case_id=case_id), code=303)


def _manager_only():
    if not current_user.has_role(Role.MANAGER):
        abort(403)


@bp.post("/<id:case_id>/claim")
def claim(case_id: int):
    case = db.get_or_404(Case, case_id)
    if not forms.EmptyForm().validate_on_submit():
        abort(400)
    if cases.claim(case, current_user):
        db.session.commit()
        flash(_("Case #%(id)s is yours.", id=case_id), "success")
    else:
        db.session.rollback()
        case = db.session.get(Case, case_id)
        if case.owner is not None:
            message = _("%(name)s already has this case.", name=case.owner.display_name)
        else:
            message = _("This case is no longer in the queue.")
        flash(message, "error")
    return redirect(url_for(".show", case_id=case_id), code=303)


@bp.post("/<id:case_id>/assign")
def assign(case_id: int):
    _manager_only()
    form = forms.AssignForm()
    form.owner.choices = forms.owner_choices()

    def act(case, form):
        owner = db.session.get(User, form.owner.data) if form.owner.data else None
        cases.assign(case, current_user, owner)

    return _act(case_id, form, "assign", act, _("Owner changed."))


@bp.post("/<id:case_id>/priority")
def priority(case_id: int):
    _manager_only()

    def act(case, form):
        cases.change_priority(case, current_user, forms.priority_of(form), form.reason.data)

    return _act(
        case_id,
        forms.PriorityForm(),
        "priority",
        act,
        _("Priority changed; the deadlines are counted again from the opening time."),
    )


@bp.post("/<id:case_id>/reply")
def reply(case_id: int):
    form = forms.ReplyForm()

    def act(case, form):
        cases.reply(case, current_user, form.subject.data, form.body.data, form.language.data)

    return _act(case_id, form, "reply", act, _("Reply sent to the customer (through the outbox)."))


@bp.post("/<id:case_id>/call")
def call(case_id: int):
    def act(case, form):
        cases.log_call(case, current_user, forms.outcome_of(form), form.notes.data)

    return _act(case_id, forms.CallForm(), "call", act, _("Call logged."))


@bp.post("/<id:case_id>/note")
def note(case_id: int):
    def act(case, form):
        cases.add_note(case, current_user, form.body.data)

    return _act(case_id, forms.NoteForm(), "note", act, _("Note added."))


@bp.post("/<id:case_id>/pending")
def pending(case_id: int):
    def act(case, form):
        cases.set_pending(case, current_user, form.note.data)

    return _act(
        case_id,
        forms.PendingForm(),
        "pending",
        act,
        _("Waiting on the customer: the resolution clock is paused."),
    )


@bp.post("/<id:case_id>/resume")
def resume(case_id: int):
    def act(case, form):
        cases.resume(case, current_user)

    return _act(case_id, forms.EmptyForm(), "resume", act, _("Back in progress."))


@bp.post("/<id:case_id>/resolve")
def resolve(case_id: int):
    def act(case, form):
        cases.resolve(case, current_user, forms.code_of(form), form.note.data)

    return _act(
        case_id,
        forms.ResolveForm(),
        "resolve",
        act,
        _("Case resolved; the customer gets a short follow-up survey."),
    )


@bp.post("/<id:case_id>/reopen")
def reopen(case_id: int):
    def act(case, form):
        cases.reopen(case, current_user, form.reason.data)

    return _act(case_id, forms.ReopenForm(), "reopen", act, _("Case reopened."))


@bp.post("/<id:case_id>/close")
def close(case_id: int):
    def act(case, form):
        cases.close(case, current_user)

    return _act(case_id, forms.EmptyForm(), "close", act, _("Case closed."))
