"""Signing in and out, and each user's own settings."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from feedback.accounts import services
from feedback.accounts.forms import ChangePasswordForm, LoginForm, PreferencesForm
from feedback.extensions import db, limiter
from feedback.urls import safe_local_target

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site."""
    return safe_local_target(target, url_for("core.index"))


def _login_failed(_response) -> bool:
    return bool(g.get("login_failed"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMIT"],
    methods=["POST"],
    deduct_when=_login_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            if user.locale:  # else keep the language chosen before signing in
                session["locale"] = user.locale
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        g.login_failed = True
        flash(_("Wrong email or password."), "error")
    elif request.method == "POST":
        g.login_failed = True
    status = 401 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    prefs = PreferencesForm(prefix="prefs", data=_prefs_data())
    if prefs.validate_on_submit():
        services.set_preferences(current_user, prefs.locale.data, prefs.timezone.data)
        session.pop("locale", None)
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("accounts.account"))
    status = 400 if prefs.is_submitted() else 200
    return render_template(
        "accounts/account.html", prefs=prefs, password_form=ChangePasswordForm(prefix="pw")
    ), status


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            services.change_own_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except services.AccountError as exc:
            form.current_password.errors.append(str(exc))
        else:
            db.session.commit()
            # The session token changed with the password: sign this session in again.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. Other devices are signed out."), "success")
            return redirect(url_for("accounts.account"))
    prefs = PreferencesForm(prefix="prefs", data=_prefs_data(), formdata=None)
    return render_template("accounts/account.html", prefs=prefs, password_form=form), 400


def _prefs_data() -> dict:
    return {"locale": current_user.locale or "", "timezone": current_user.timezone or ""}
