"""Who to call today (/at-risk): the at-risk customers for staff, and the button that opens
an outreach case for one of them (or goes to their case in the queue)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.complaints.by_hand import open_by_hand
from feedback.complaints.models import CaseSource
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.loyalty import atrisk
from feedback.loyalty.atrisk_forms import AtRiskFilterForm, OutreachForm
from feedback.timeutil import utcnow

bp = Blueprint("atrisk", __name__, url_prefix="/at-risk")
PAGE_SIZE = 50


@bp.before_request
@role_required(Role.AGENT)
def require_staff():
    """Agents, managers and admins: calling customers is the queue's work."""


@bp.get("")
def index():
    """The at-risk customers, the most valuable first, 50 a page."""
    form = AtRiskFilterForm(request.args)
    if not form.validate():
        return render_template("loyalty/at_risk.html", form=form, invalid=True), 400
    try:
        found = atrisk.at_risk(
            utcnow(),
            PAGE_SIZE + 1,
            form.after.data or None,
            tier=(form.tier.data or "").strip() or None,
            reason=form.reason.data or None,
        )
    except atrisk.BadCursor:
        form.after.errors = [_("This page link is broken; start from the first page.")]
        return render_template("loyalty/at_risk.html", form=form, invalid=True), 400
    more = len(found) > PAGE_SIZE
    rows = found[:PAGE_SIZE]
    return render_template(
        "loyalty/at_risk.html",
        form=form,
        rows=rows,
        next_after=rows[-1].cursor if more else None,
        outreach_form=OutreachForm(),
        kept={"tier": form.tier.data or None, "reason": form.reason.data or None},
    )


@bp.post("/<id:customer_id>/outreach")
def outreach(customer_id: int):
    """Open an outreach case owned by the clicking agent, or go to the customer's case in
    the queue: two clicks at once give one case."""
    customer = db.get_or_404(Customer, customer_id)
    if not OutreachForm().validate_on_submit():
        abort(400)
    reasons = atrisk.reasons_of(customer.id, utcnow())
    note = "\n".join([_("Outreach: this customer is at risk.")] + [r.sentence() for r in reasons])
    case, opened = open_by_hand(customer, current_user, CaseSource.OUTREACH, note)
    db.session.commit()
    if opened:
        flash(_("Outreach case #%(case)s opened: it is yours.", case=case.id), "success")
    else:
        flash(
            _(
                "%(name)s has case #%(case)s open already.",
                name=customer.display_name,
                case=case.id,
            ),
            "info",
        )
    return redirect(url_for("complaints.show", case_id=case.id), code=303)
