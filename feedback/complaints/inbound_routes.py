"""Staff pages of inbound mail: the unmatched list (attach to a case, or discard), a
received message's original and its attachments."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.complaints import unmatched
from feedback.complaints.forms import ActionForm, EmptyForm
from feedback.complaints.inbound_models import (
    INBOUND_STATUS_LABELS,
    InboundAttachment,
    InboundMessage,
    InboundStatus,
)
from feedback.complaints.models import Case
from feedback.extensions import db

bp = Blueprint("inbound", __name__, url_prefix="/mail")

#: the list's tabs
SHOWN = (InboundStatus.UNMATCHED, InboundStatus.AUTO, InboundStatus.DISCARDED)
#: attachment types a browser may be handed as they are; anything else is a download of
#: application/octet-stream, so that an HTML or SVG file cannot run as our page
SAFE_TYPES = frozenset(
    {
        "application/pdf",
        "image/gif",
        "image/jpeg",
        "image/png",
        "image/webp",
        "text/plain",
        "text/csv",
    }
)


class AttachForm(ActionForm):
    """The number of the case an unmatched message belongs to."""

    case_number = IntegerField(
        _l("Case number"), validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)]
    )


@bp.app_template_global()
def unmatched_mail_count() -> int:
    """How many emails wait for staff to attach or discard them (the queue page's link)."""
    return db.session.scalar(
        select(func.count()).where(InboundMessage.status == InboundStatus.UNMATCHED)
    )


@bp.before_request
@role_required(Role.AGENT)
def require_staff():
    """Customers' mail is for staff only."""


@bp.get("/unmatched")
def index():
    """Mail waiting for staff (or, by tab, the automatic and the discarded)."""
    return _list_page()


def _list_page(form: AttachForm | None = None, error: str | None = None, status: int = 200):
    """The list, with the reason a staff action was refused (and its status) if one was."""
    try:
        shown = InboundStatus(request.args.get("show", InboundStatus.UNMATCHED.value))
    except ValueError:
        abort(404)
    if shown not in SHOWN:
        abort(404)
    counts = dict(
        db.session.execute(
            select(InboundMessage.status, func.count()).group_by(InboundMessage.status)
        ).all()
    )
    page = db.paginate(
        select(InboundMessage)
        .options(selectinload(InboundMessage.attachments), selectinload(InboundMessage.handled_by))
        .where(InboundMessage.status == shown)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc()),
        page=min(request.args.get("page", 1, type=int), 10_000),
        per_page=30,
        error_out=False,
    )
    return (
        render_template(
            "complaints/unmatched.html",
            page=page,
            shown=shown,
            tabs=[(s, INBOUND_STATUS_LABELS[s], counts.get(s, 0)) for s in SHOWN],
            form=form or AttachForm(formdata=None),
            error=error,
        ),
        status,
    )


def _back(row: InboundMessage):
    shown = row.status if row.status in SHOWN else InboundStatus.UNMATCHED
    return redirect(url_for(".index", show=shown.value), code=303)


def _locked(message_id: int) -> InboundMessage:
    row = unmatched.lock_message(message_id)
    if row is None:
        abort(404)
    return row


@bp.post("/<id:message_id>/attach")
def attach(message_id: int):
    """Put the message on the case with the given number."""
    row = _locked(message_id)
    form = AttachForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _list_page(form, _("Give the number of the case."), 400)
    case = db.session.get(Case, form.case_number.data)
    if case is None:
        db.session.rollback()
        return _list_page(form, _("There is no case #%(id)s.", id=form.case_number.data), 404)
    try:
        landed = unmatched.attach(row, case, current_user)
    except unmatched.AlreadyHandled:
        db.session.rollback()
        return _list_page(form, _("Someone has already attached or discarded this message."), 409)
    db.session.commit()
    flash(_("The message is on case #%(id)s.", id=landed.id), "success")
    return redirect(url_for(".index"), code=303)


@bp.post("/<id:message_id>/discard")
def discard(message_id: int):
    """Throw the message away (it stays listed under Discarded)."""
    row = _locked(message_id)
    if not EmptyForm().validate_on_submit():
        db.session.rollback()
        abort(400)
    try:
        unmatched.discard(row, current_user)
    except unmatched.AlreadyHandled:
        db.session.rollback()
        return _list_page(None, _("Someone has already attached or discarded this message."), 409)
    db.session.commit()
    flash(_("The message was discarded."), "success")
    return redirect(url_for(".index"), code=303)


@bp.get("/<id:message_id>/original")
def original(message_id: int):
    """The whole message as it came, headers and all, as text: never rendered as HTML."""
    row = db.get_or_404(InboundMessage, message_id)
    # text/plain under the service's nosniff header (feedback/security.py): a browser
    # shows the HTML in it as text, never as a page of ours
    return send_file(BytesIO(row.raw), mimetype="text/plain", download_name=f"message-{row.id}.eml")


@bp.get("/attachments/<id:attachment_id>")
def attachment(attachment_id: int):
    """A received file, always as a download."""
    found = db.get_or_404(InboundAttachment, attachment_id)
    if not found.kept:  # over the size limit: only the original has it
        abort(404)
    content_type = found.content_type if found.content_type in SAFE_TYPES else None
    return send_file(
        BytesIO(found.data),
        mimetype=content_type or "application/octet-stream",
        as_attachment=True,
        download_name=found.filename,
    )
