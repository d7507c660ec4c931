"""Home page, health check and the language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask_login import current_user, login_required
from sqlalchemy import func, select, text

from feedback.accounts.models import Role
from feedback.complaints import queue
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.timeutil import utcnow
from feedback.urls import safe_local_target

bp = Blueprint("core", __name__)


@bp.get("/")
@login_required
def index():
    failed_mail = 0
    if current_user.has_role(Role.ADMIN):
        failed_mail = db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.FAILED)
        )
    case_counts = queue.counts(current_user.id, utcnow(), queue.Filters())
    return render_template("main/index.html", failed_mail=failed_mail, case_counts=case_counts)


@bp.get("/healthz")
def healthz():
    """200 when the database answers a query, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to answer means unhealthy
        db.session.rollback()
        current_app.logger.warning("healthz.database_down error=%r", type(exc).__name__)
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok", database="up")


@bp.post("/language/<code>")
def set_language(code: str):
    """Switch the interface language; a signed-in user keeps the choice in their profile."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["locale"] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    return redirect(_back())


def _back() -> str:
    return safe_local_target(request.form.get("next"), "/")
