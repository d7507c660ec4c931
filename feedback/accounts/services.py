"""Operations on staff accounts and API keys. They add and flush; the caller commits."""

from __future__ import annotations

import secrets

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from feedback.accounts import sessions
from feedback.accounts.models import (
    API_KEY_PREFIX,
    API_SCOPES,
    DEFAULT_API_SCOPES,
    ApiKey,
    Role,
    User,
    hash_api_key,
)
from feedback.extensions import db
from feedback.timeutil import utcnow

MIN_PASSWORD_LENGTH = 10

# Checked against when the email is unknown, so that a wrong email costs as long as a
# wrong password and sign-in timing does not reveal which addresses have accounts.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A change to an account that is not allowed; the message is shown to the user."""


def normalise_email(email: str) -> str:
    """Emails are compared and stored trimmed and lower-cased."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The user with this email, in any case, or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_password_rules(password: str) -> None:
    """Raise AccountError when a new password is too weak to accept."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _l("The password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
        )


def create_user(email: str, password: str, role: Role, name: str = "") -> User:
    """Add a staff user; refuses a malformed or taken email, or a weak password."""
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError(_l("That is not a valid email address: %(why)s", why=str(exc))) from exc
    if find_user_by_email(email) is not None:
        raise AccountError(_l("A user with this email already exists."))
    check_password_rules(password)
    user = User(email=email, name=name.strip(), role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = find_user_by_email(email)
    if user is None:
        User(password_hash=_DUMMY_HASH).check_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def change_own_password(user: User, current: str, new: str) -> None:
    """Change a password after checking the current one; every other device of the user
    is signed out, the one asking stays signed in."""
    if not user.check_password(current):
        raise AccountError(_l("The current password is not right."))
    check_password_rules(new)
    user.set_password(new)
    sessions.end_all(user, keep=user.current_session)
    db.session.flush()


def reset_password(user: User, new: str, *, acting: User) -> None:
    """An admin sets a new password; the user's open sessions end (but the admin's own,
    when they reset their own password here)."""
    check_password_rules(new)
    user.set_password(new)
    sessions.end_all(user, keep=acting.current_session if acting.id == user.id else None)
    db.session.flush()


def count_active_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)
    )


def update_user(user: User, *, acting: User, role: Role, active: bool, name: str) -> None:
    """Change a user's role, name or whether they may sign in.

    The last active admin cannot be demoted or deactivated: nobody could undo it.
    """
    losing_admin = user.role == Role.ADMIN and user.active and (role != Role.ADMIN or not active)
    if losing_admin and count_active_admins() <= 1:
        raise AccountError(_l("This is the last active admin; make another admin first."))
    if user.id == acting.id and not active:
        raise AccountError(_l("You cannot deactivate your own account."))
    if user.active and not active:
        sessions.end_all(user)
    user.role = role
    user.active = active
    user.name = name.strip()
    db.session.flush()


def set_preferences(user: User, locale: str | None, timezone: str | None) -> None:
    """Store the user's language and time zone (None means: follow the default)."""
    user.locale = locale or None
    user.timezone = timezone or None
    db.session.flush()


def create_api_key(
    name: str, created_by: User | None = None, scopes=DEFAULT_API_SCOPES
) -> tuple[ApiKey, str]:
    """Make a key with ``scopes`` (names of API_SCOPES); returns the row and the key itself,
    which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise AccountError(_l("Give the key a name."))
    wanted = {scope.strip() for scope in scopes if scope.strip()}
    unknown = sorted(wanted - set(API_SCOPES))
    if unknown:
        raise AccountError(
            _l(
                "Unknown scope %(scope)s; the scopes are %(known)s.",
                scope=", ".join(unknown),
                known=", ".join(API_SCOPES),
            )
        )
    if not wanted:
        raise AccountError(_l("Give the key at least one scope."))
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey(
        name=name,
        prefix=key[:12],
        key_hash=hash_api_key(key),
        created_by=created_by,
        scopes=",".join(scope for scope in API_SCOPES if scope in wanted),
    )
    db.session.add(api_key)
    db.session.flush()
    return api_key, key


def revoke_api_key(api_key: ApiKey) -> None:
    """Stop a key from working; revoking twice keeps the first time."""
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        db.session.flush()


def authenticate_api_key(key: str) -> ApiKey | None:
    """The live key matching a presented secret, or None (unknown or revoked).

    Marks the key as used now, so admins can tell live integrations from stale keys.
    """
    if not key.startswith(API_KEY_PREFIX):
        return None
    api_key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_api_key(key)))
    if api_key is None or api_key.is_revoked:
        return None
    api_key.last_used_at = utcnow()
    return api_key
