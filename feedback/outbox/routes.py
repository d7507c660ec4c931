"""Admins see what the outbox holds, above all what failed, and can send it again."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.outbox.services import retry_now

bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")


@bp.get("")
@role_required(Role.ADMIN)
def index():
    status_name = request.args.get("status", OutboxStatus.FAILED.value)
    try:
        status = OutboxStatus(status_name)
    except ValueError:
        abort(404)
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    page = db.paginate(
        select(OutboxMessage)
        .where(OutboxMessage.status == status)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
        page=min(request.args.get("page", 1, type=int), 10_000),
        per_page=50,
        error_out=False,
    )
    return render_template(
        "outbox/index.html", page=page, status=status, statuses=list(OutboxStatus), counts=counts
    )


@bp.post("/<id:message_id>/retry")
@role_required(Role.ADMIN)
def retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    if message.status is not OutboxStatus.FAILED:
        flash(_("Only a failed message can be sent again."), "error")
        return redirect(url_for("outbox.index", status=message.status.value)), 303
    retry_now(message)
    db.session.commit()
    flash(_("The message will be sent again by the worker."), "success")
    return redirect(url_for("outbox.index", status=OutboxStatus.FAILED.value))
