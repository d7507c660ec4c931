"""The managers' RFM page (/loyalty/rfm): the scores' cut points, the computed tiers and
the tier source, with how many customers each segment holds."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.loyalty import rfm
from feedback.loyalty.definitions import SEGMENT_LABELS, SEGMENTS
from feedback.loyalty.models import CustomerRfm
from feedback.loyalty.rfm_forms import RfmSettingsForm, form_data
from feedback.loyalty.rfm_settings import settings_row

bp = Blueprint("loyalty_rfm", __name__, url_prefix="/loyalty/rfm")

#: up to this many customers, saving recomputes them at once; beyond, the worker does
#: on its next run (within a minute), so that the manager's request stays short
AT_ONCE = 2000


@bp.before_request
@role_required(Role.MANAGER)
def require_manager():
    """RFM settings are for managers and admins."""


@bp.route("", methods=["GET", "POST"])
def index():
    """The settings and segment counts; a valid POST saves, rewrites the tiers when the
    source changed, and recomputes (at once, or by the worker for many customers)."""
    settings = settings_row()
    db.session.commit()
    if request.method == "GET":
        return _page(RfmSettingsForm(formdata=None, data=form_data(settings)))
    form = RfmSettingsForm()
    if not form.validate():
        return _page(form, invalid=True), 400
    settings = db.session.get(type(settings), settings.id, with_for_update=True)
    switched = settings.tier_source != form.tier_source.data
    settings.thresholds = form.thresholds()
    settings.tiers = form.tier_list()
    settings.tier_source = form.tier_source.data
    settings.version += 1
    db.session.flush()
    if switched:
        rfm.use_tier_source(settings.tier_source)
    customers = db.session.scalar(select(func.count(Customer.id)))
    if customers <= AT_ONCE:
        rfm.compute()
        settings.rfm_run_version = settings.version
        message = _("Saved. Customers computed again: %(n)d.", n=customers)
    else:
        message = _("Saved. The worker computes every customer again within a few minutes.")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".index"))


def _page(form: RfmSettingsForm, invalid: bool = False):
    settings = settings_row()
    counts = dict(
        db.session.execute(
            select(CustomerRfm.segment, func.count()).group_by(CustomerRfm.segment)
        ).all()
    )
    tier_counts = dict(
        db.session.execute(
            select(CustomerRfm.computed_tier, func.count())
            .where(CustomerRfm.computed_tier.is_not(None))
            .group_by(CustomerRfm.computed_tier)
        ).all()
    )
    computed_at = db.session.scalar(select(func.max(CustomerRfm.computed_at)))
    return render_template(
        "loyalty/rfm.html",
        form=form,
        current=settings.current(),
        tier_source=settings.tier_source,
        segments=[
            (key, SEGMENT_LABELS[key], rfm.SEGMENT_HELP[key], counts.get(key, 0))
            for key in SEGMENTS
        ],
        computed=sum(counts.values()),
        customers=db.session.scalar(select(func.count(Customer.id))),
        tier_counts=tier_counts,
        computed_at=computed_at,
        locale=str(get_locale()),
        currency=current_app.config["CURRENCY"],
        args={},
        invalid=invalid,
    )
