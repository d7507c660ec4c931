"""Signing in and out, and each user's own settings."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from feedback.accounts import services, sessions, sign_in_limit
from feedback.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    NotificationsForm,
    PreferencesForm,
)
from feedback.accounts.models import Role
from feedback.extensions import db
from feedback.notify import staff as notify
from feedback.notify.staff_models import When
from feedback.urls import safe_local_target

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site."""
    return safe_local_target(target, url_for("core.index"))


def _client_address() -> str:
    """The client's address as the app sees it: ProxyFix has applied PROXY_COUNT."""
    return request.remote_addr or ""


@bp.before_app_request
def _note_device_seen():
    """Load the signed-in user first thing (so a request with an ended session is anonymous
    before any work) and write the device's last_seen_at every few minutes, in a
    transaction of its own before the route's."""
    if current_user.is_authenticated and sessions.seen_due(current_user.current_session):
        sessions.mark_seen(current_user.current_session)
        db.session.commit()


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in, unless too many wrong passwords for this email or address came lately."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        return _login_page(form, 401 if request.method == "POST" else 200)
    attempt = sign_in_limit.reserve(form.email.data, _client_address())
    # Committed before it is counted, so that every process counts it (sign_in_limit.py).
    db.session.commit()
    lockout = sign_in_limit.lockout(attempt)
    if lockout is not None:
        sign_in_limit.withdraw(attempt)
        db.session.commit()
        return _locked_out(form, lockout)
    user = services.authenticate(form.email.data, form.password.data)
    if user is None:
        flash(_("Wrong email or password."), "error")
        return _login_page(form, 401)
    sign_in_limit.forget_account(attempt)
    sessions.start(user, request.user_agent.string, _client_address())
    login_user(user, remember=form.remember.data)
    if user.locale:  # else keep the language chosen before signing in
        session["locale"] = user.locale
    db.session.commit()
    return redirect(_safe_next(request.args.get("next")))


def _login_page(form: LoginForm, status: int):
    return render_template("accounts/login.html", form=form), status


def _locked_out(form: LoginForm, lockout: sign_in_limit.Lockout):
    """429 with the sign-in page, saying when to try again (even the right password)."""
    seconds = lockout.seconds_left()
    minutes = -(-seconds // 60)
    flash(
        ngettext(
            "Too many attempts to sign in. Try again in %(num)d minute.",
            "Too many attempts to sign in. Try again in %(num)d minutes.",
            minutes,
        ),
        "error",
    )
    page, status = _login_page(form, 429)
    return page, status, {"Retry-After": str(seconds)}


@bp.post("/logout")
@login_required
def logout():
    """Sign this device out: its session row ends, so a copied cookie stops working."""
    sessions.end(current_user.current_session)
    logout_user()
    db.session.commit()
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
    return _account_page(prefs=prefs), status


def _account_page(**forms):
    """The settings page with its three forms; those not given are blank."""
    forms.setdefault("prefs", PreferencesForm(prefix="prefs", data=_prefs_data(), formdata=None))
    forms.setdefault("password_form", ChangePasswordForm(prefix="pw", formdata=None))
    forms.setdefault("notify_form", _notifications_form(formdata=None))
    return render_template("accounts/account.html", hears_of_queue=_hears_of_queue(), **forms)


def _hears_of_queue() -> bool:
    """Only agents are told of new cases in the queue; managers hear of serious ones."""
    return current_user.role is Role.AGENT


def _notifications_form(**kwargs) -> NotificationsForm:
    choice = notify.preference(current_user)
    data = {"queue": choice.queue, "mine": choice.mine}
    form = NotificationsForm(prefix="notify", data=data, **kwargs)
    if not _hears_of_queue():
        del form.queue
    return form


@bp.post("/account/notifications")
@login_required
def notifications():
    """Save what the user hears of, and when."""
    form = _notifications_form()
    if not form.validate_on_submit():
        return _account_page(notify_form=form), 400
    # a manager's form has no queue field: their stored choice stays
    queue = form.queue.data if "queue" in form else notify.preference(current_user).queue
    notify.set_preference(current_user, When(queue), When(form.mine.data))
    db.session.commit()
    flash(_("Your notification settings are saved."), "success")
    return redirect(url_for("accounts.account"))


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
            flash(_("Your password is changed. Other devices are signed out."), "success")
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=form), 400


def _prefs_data() -> dict:
    return {"locale": current_user.locale or "", "timezone": current_user.timezone or ""}


@bp.get("/account/sessions")
@login_required
def devices():
    """The user's own signed-in devices."""
    return _devices_page(), 200


@bp.post("/account/sessions/<id:session_id>/end")
@login_required
def end_device(session_id: int):
    """Sign out another of the user's own devices."""
    # CSRFProtect has checked the token of every POST before the view runs.
    target = sessions.find_own(current_user, session_id)
    if target is None:
        abort(404)
    if target.id == current_user.current_session.id:
        flash(_("To end this device's session, sign out."), "error")
        return _devices_page(), 400
    sessions.end(target)
    db.session.commit()
    flash(_("That device is signed out."), "success")
    return redirect(url_for("accounts.devices"))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_devices():
    """Sign out every device of the user but this one."""
    sessions.end_all(current_user, keep=current_user.current_session)
    db.session.commit()
    flash(_("Every other device is signed out."), "success")
    return redirect(url_for("accounts.devices"))


def _devices_page():
    return render_template(
        "accounts/sessions.html",
        devices=sessions.own_sessions(current_user),
        current=current_user.current_session,
    )
