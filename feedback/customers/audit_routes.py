"""The audit log's page for admins (/admin/audit): who looked at, exported or erased
customers' data, newest first, with filters."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import false

from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.customers import audit_log
from feedback.customers.audit_forms import AuditFilterForm
from feedback.customers.tombstones import find_tombstone
from feedback.dashboard.periods import midnight
from feedback.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

PER_PAGE = 50
#: the query arguments the pager's links keep
FILTERS = ("action", "who", "customer", "start", "end")


@bp.before_request
@role_required(Role.ADMIN)
def require_admin():
    """Only admins read the log."""


@bp.app_template_global()
def audit_action_label(action: str) -> str:
    """An audit entry's action as people read it."""
    return audit_log.action_label(action)


@bp.app_template_global()
def audit_actor(entry) -> str:
    """Who made an audit entry, in the reader's language."""
    return audit_log.actor_label(entry)


@bp.app_template_global()
def recent_access(customer_id: int) -> list:
    """The customer's last ten audit entries, for admins only (else empty)."""
    if not current_user.is_authenticated or not current_user.has_role(Role.ADMIN):
        return []
    return audit_log.recent(customer_id)


@bp.get("")
def index():
    """The log, filtered by the query string; a filter that cannot be read is a 400 with
    its message, never a 500."""
    form = AuditFilterForm(request.args)
    form.fill_choices()
    filters = _filters(form) if form.validate() else None
    query = filters.query() if filters else audit_log.LogFilters().query().where(false())
    page = db.paginate(
        query,
        page=min(request.args.get("page", 1, type=int), 10_000),
        per_page=PER_PAGE,
        error_out=False,
    )
    shown = {name: request.args[name] for name in FILTERS if request.args.get(name)}
    return (
        render_template(
            "admin/audit.html",
            form=form,
            page=page,
            filters=shown,
            customers=audit_log.customers_of(page.items),
        ),
        200 if filters else 400,
    )


def _filters(form: AuditFilterForm) -> audit_log.LogFilters | None:
    """What the valid form asks for, or None (with the customer field's error)."""
    customer_ids = None
    if form.customer.data:
        customer_ids = audit_log.customers_matching(form.customer.data)
        if not customer_ids:
            if find_tombstone(external_id=form.customer.data):
                message = _(
                    "That person was erased: the log now names them only by their number "
                    "(“erased customer #…”)."
                )
            else:
                message = _("No customer has that number or external id.")
            form.customer.errors = [*form.customer.errors, message]
            return None
    zone = str(get_timezone())
    user_id, api_key_id = form.who_ids()
    start, end = form.start.data, form.end.data
    return audit_log.LogFilters(
        action=form.action.data or None,
        user_id=user_id,
        api_key_id=api_key_id,
        customer_ids=customer_ids,
        since=midnight(start, zone) if start else None,
        until=midnight(end + timedelta(days=1), zone) if end else None,
    )
