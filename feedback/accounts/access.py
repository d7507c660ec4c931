"""Who may open a page."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from feedback.accounts.models import Role


def role_required(role: Role):
    """Let in signed-in users whose role is ``role`` or above; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
