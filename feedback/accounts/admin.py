"""Admin pages: staff users and API keys."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from feedback.accounts import services
from feedback.accounts.access import role_required
from feedback.accounts.forms import (
    ApiKeyForm,
    ResetPasswordForm,
    UserCreateForm,
    UserEditForm,
)
from feedback.accounts.models import ApiKey, Role, User
from feedback.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@role_required(Role.ADMIN)
def require_admin():
    """Every page here is for admins only."""


@bp.get("/users")
def users():
    rows = db.session.scalars(select(User).order_by(User.active.desc(), User.email)).all()
    return render_template("admin/users.html", users=rows, form=UserCreateForm())


@bp.post("/users")
def create_user():
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data, form.password.data, Role(form.role.data), form.name.data
            )
        except services.AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("%(email)s can now sign in.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    rows = db.session.scalars(select(User).order_by(User.active.desc(), User.email)).all()
    return render_template("admin/users.html", users=rows, form=form), 400


def _user_form(user: User, **kwargs) -> UserEditForm:
    """The edit form, filled from the user (the role as its value, which the select uses)."""
    return UserEditForm(
        data={"name": user.name, "role": user.role.value, "active": user.active}, **kwargs
    )


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                acting=current_user,
                role=Role(form.role.data),
                active=form.active.data,
                name=form.name.data or "",
            )
        except services.AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return _edit_page(user, form), 400
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("admin.users"))
    return _edit_page(user, form), 400 if form.is_submitted() else 200


@bp.post("/users/<id:user_id>/password")
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm(prefix="reset")
    if form.validate_on_submit():
        services.reset_password(user, form.new_password.data, acting=current_user)
        db.session.commit()
        flash(
            _("New password set for %(email)s; their sessions are ended.", email=user.email),
            "success",
        )
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return _edit_page(user, _user_form(user, formdata=None), form), 400


def _edit_page(user, form, reset_form=None):
    return render_template(
        "admin/user_edit.html",
        user=user,
        form=form,
        reset_form=reset_form or ResetPasswordForm(prefix="reset"),
    )


@bp.get("/api-keys")
def api_keys():
    return _keys_page(ApiKeyForm())


@bp.post("/api-keys")
def create_api_key():
    form = ApiKeyForm()
    if form.validate_on_submit():
        try:
            api_key, secret = services.create_api_key(
                form.name.data, created_by=current_user, scopes=form.scopes.data
            )
        except services.AccountError as exc:
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            # Shown once, on this response only; it is not stored anywhere.
            return _keys_page(ApiKeyForm(formdata=None), new_key=secret, new_key_row=api_key)
    return _keys_page(form), 400


@bp.post("/api-keys/<id:key_id>/revoke")
def revoke_api_key(key_id: int):
    api_key = db.get_or_404(ApiKey, key_id)
    services.revoke_api_key(api_key)
    db.session.commit()
    flash(_("The key %(name)s no longer works.", name=api_key.name), "success")
    return redirect(url_for("admin.api_keys"))


def _keys_page(form, new_key=None, new_key_row=None):
    keys = db.session.scalars(
        select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc())
    ).all()
    response = make_response(
        render_template(
            "admin/api_keys.html",
            keys=keys,
            form=form,
            new_key=new_key,
            new_key_row=new_key_row,
        )
    )
    if new_key:
        response.headers["Cache-Control"] = "no-store"
    return response
