"""The admin's retention page: the policy, and what it will touch next."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.customers import retention
from feedback.customers.retention_forms import RetentionForm
from feedback.extensions import db

bp = Blueprint("retention", __name__)


@bp.route("/admin/retention", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def index():
    """The retention settings, and per kind what the worker would anonymise now."""
    settings = retention.current_settings()
    form = RetentionForm(
        data={f"{k}_months": v for k, v in retention.months_of(settings).items()}
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        retention.save_settings(form.months(), current_user.id)
        db.session.commit()
        flash(_("The retention policy is saved."), "success")
        return redirect(url_for("retention.index"))
    status = 400 if request.method == "POST" else 200
    page = render_template(
        "customers/retention.html",
        form=form,
        settings=settings,
        due=retention.preview(),
        kinds=retention.KINDS,
        target_labels=retention.TARGET_LABELS,
    )
    return page, status
