"""Staff put an unsubscribed customer back on the survey list when the customer asks
(most often by phone); the customer page shows it in their consent history."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.customers.consent import resubscribe
from feedback.customers.consent_forms import ResubscribeForm
from feedback.customers.models import Customer
from feedback.customers.routes import _page, _record_form
from feedback.extensions import db

bp = Blueprint("consent", __name__, url_prefix="/customers")


@bp.before_request
@role_required(Role.AGENT)
def require_staff():
    """Whoever takes the customer's call may act on it."""


@bp.post("/<id:customer_id>/resubscribe")
def resubscribe_customer(customer_id: int):
    """Record the customer's wish to get surveys again, with the staff member's note."""
    customer = db.get_or_404(Customer, customer_id)
    form = ResubscribeForm()
    event = None
    if customer.erased_at is None:
        if not form.validate_on_submit():
            return _page(customer, _record_form(), form), 400
        event = resubscribe(customer, form.note.data, current_user)
    if customer.erased_at is not None:  # erased before, or while this request waited
        db.session.rollback()
        flash(_("This customer was erased: they cannot be re-subscribed."), "error")
        return _page(customer, _record_form(), form), 409
    db.session.commit()
    if event is None:  # a second click, or a colleague was quicker
        flash(_("%(name)s is subscribed already.", name=customer.display_name), "success")
    else:
        flash(_("%(name)s is re-subscribed.", name=customer.display_name), "success")
    return redirect(url_for("customers.show", customer_id=customer.id), code=303)
