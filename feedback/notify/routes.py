"""The hooks page: admins manage webhooks and work-chat hooks; managers, work chat."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.extensions import db
from feedback.notify import webhooks
from feedback.notify.addresses import RefusedAddress
from feedback.notify.forms import HookEditForm, HookForm
from feedback.notify.webhook_models import EVENT_LABELS, KIND_LABELS, Hook, HookKind

bp = Blueprint("hooks", __name__, url_prefix="/admin/webhooks")


@bp.before_request
@role_required(Role.MANAGER)
def require_manager():
    """Managers add work-chat hooks; only admins see and change webhooks."""


def _kinds() -> list[HookKind]:
    """The kinds the signed-in user may manage."""
    if current_user.has_role(Role.ADMIN):
        return list(HookKind)
    return [kind for kind in HookKind if kind.is_chat]


def _hook(hook_id: int) -> Hook:
    hook = db.get_or_404(Hook, hook_id)
    if hook.kind not in _kinds():
        abort(403)
    return hook


def _page(form: HookForm, new_hook: Hook | None = None, status: int = 200):
    kinds = _kinds()
    hooks = db.session.scalars(select(Hook).where(Hook.kind.in_(kinds)).order_by(Hook.id)).all()
    response = make_response(
        render_template(
            "notify/webhooks.html",
            hooks=[(hook, webhooks.recent_deliveries(hook)) for hook in hooks],
            form=form,
            new_hook=new_hook,
            kind_labels=KIND_LABELS,
            event_labels=EVENT_LABELS,
        ),
        status,
    )
    if new_hook is not None:
        response.headers["Cache-Control"] = "no-store"  # the secret is on this page only
    return response


@bp.get("")
def index():
    return _page(HookForm(kinds=_kinds()))


@bp.post("")
def create():
    form = HookForm(kinds=_kinds())
    if form.validate_on_submit():
        try:
            hook = webhooks.create_hook(
                HookKind(form.kind.data),
                form.url.data,
                form.events.data,
                language=form.language.data,
                secret=form.secret.data or None,
                created_by=current_user,
            )
        except RefusedAddress as exc:
            form.url.errors.append(str(exc))
        except webhooks.HookError as exc:
            form.events.errors.append(str(exc))
        else:
            db.session.commit()
            if hook.kind is HookKind.WEBHOOK:
                # shown once, on this response only
                return _page(HookForm(kinds=_kinds(), formdata=None), new_hook=hook)
            flash(_("The hook to %(url)s is added.", url=hook.shown_url), "success")
            return redirect(url_for("hooks.index"), 303)
    return _page(form, status=400)


@bp.route("/<id:hook_id>", methods=["GET", "POST"])
def edit(hook_id: int):
    hook = _hook(hook_id)
    form = HookEditForm(data={"events": hook.events, "language": hook.language})
    if form.validate_on_submit():
        try:
            webhooks.update_hook(hook, form.events.data, form.language.data, form.secret.data)
        except webhooks.HookError as exc:
            form.events.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("hooks.index"), 303)
    status = 400 if form.is_submitted() else 200
    return render_template("notify/webhook_edit.html", hook=hook, form=form), status


@bp.post("/<id:hook_id>/pause")
def pause(hook_id: int):
    hook = _hook(hook_id)
    webhooks.set_paused(hook, True)
    db.session.commit()
    flash(_("The hook to %(url)s is paused.", url=hook.shown_url), "success")
    return redirect(url_for("hooks.index"), 303)


@bp.post("/<id:hook_id>/resume")
def resume(hook_id: int):
    hook = _hook(hook_id)
    webhooks.set_paused(hook, False)
    db.session.commit()
    flash(_("The hook to %(url)s is sending again.", url=hook.shown_url), "success")
    return redirect(url_for("hooks.index"), 303)


@bp.post("/<id:hook_id>/delete")
def delete(hook_id: int):
    hook = _hook(hook_id)
    url = hook.shown_url
    webhooks.delete_hook(hook)
    db.session.commit()
    flash(_("The hook to %(url)s is deleted.", url=url), "success")
    return redirect(url_for("hooks.index"), 303)
