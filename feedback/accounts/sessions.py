"""Signed-in devices: a row per sign-in, which signing out, a password change or
deactivation end. They add and flush (or update in one statement); the caller commits."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update
from ua_parser import parse as parse_user_agent

from feedback.accounts.models import User, UserSession
from feedback.extensions import db
from feedback.timeutil import utcnow


def describe_device(user_agent: str) -> str:
    """A browser and system as people say them ("Chrome 120 on Windows"), from the
    User-Agent header by ua-parser's maintained rules; "" when nothing is known."""
    if not user_agent:
        return ""
    parsed = parse_user_agent(user_agent[:1000])
    browser = parsed.user_agent
    system = parsed.os
    name = " ".join(p for p in (browser.family, browser.major) if p) if browser else ""
    where = system.family if system and system.family != "Other" else ""
    if name.startswith("Other"):
        name = ""
    return " on ".join(p for p in (name, where) if p)[:120]


def start(user: User, user_agent: str, ip: str) -> UserSession:
    """A new signed-in device for ``user``, set as the one this request signs in."""
    row = UserSession(user=user, device=describe_device(user_agent), ip=ip[:45])
    db.session.add(row)
    db.session.flush()
    user.current_session = row
    return row


def _idle_cutoff():
    """A device unseen for as long as a remember cookie lasts is signed out."""
    return utcnow() - current_app.config["REMEMBER_COOKIE_DURATION"]


def _live():
    return (UserSession.ended_at.is_(None), UserSession.last_seen_at > _idle_cutoff())


def user_for_key(key: str) -> User | None:
    """Flask-Login's user loader: the active user of a live session with this key."""
    row = db.session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.key == key, User.active, *_live())
    ).first()
    if row is None:
        return None
    user_session, user = row
    user.current_session = user_session
    return user


def seen_due(user_session: UserSession) -> bool:
    """Whether last_seen_at is old enough to write again (not a write per request)."""
    interval = timedelta(seconds=current_app.config["SESSION_SEEN_INTERVAL_SECONDS"])
    return user_session.last_seen_at <= utcnow() - interval


def mark_seen(user_session: UserSession) -> None:
    """Note that the device is in use now."""
    user_session.last_seen_at = utcnow()
    db.session.flush()


def end(user_session: UserSession) -> None:
    """Sign this device out; ending an ended session keeps its first time."""
    if user_session.ended_at is None:
        user_session.ended_at = utcnow()
        db.session.flush()


def end_all(user: User, keep: UserSession | None = None) -> None:
    """Sign every device of ``user`` out, except ``keep`` (the one asking) if given."""
    statement = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    db.session.execute(statement.values(ended_at=utcnow()))


def prune(worker: str = "", stop=None) -> int:
    """Delete the rows of devices signed out or unseen for as long as a remember cookie
    lasts (a worker job): no cookie can name them any more."""
    cutoff = _idle_cutoff()
    result = db.session.execute(
        delete(UserSession).where(
            or_(UserSession.ended_at < cutoff, UserSession.last_seen_at < cutoff)
        )
    )
    db.session.commit()
    return result.rowcount


def own_sessions(user: User) -> list[UserSession]:
    """The user's signed-in devices, the most recently seen first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, *_live())
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def find_own(user: User, session_id: int) -> UserSession | None:
    """One of the user's own sessions, ended or not (a second click ends it again, which
    changes nothing), or None: someone else's is None too."""
    return db.session.scalar(
        select(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id)
    )
