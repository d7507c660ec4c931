"""Staff users and API keys."""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from feedback.extensions import db
from feedback.timeutil import UTCDateTime, utcnow


class Role(enum.Enum):
    """What a staff member may do; each role can do everything the one before it can."""

    AGENT = "agent"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, required: Role) -> bool:
        """True when this role has at least the rights of ``required``."""
        return self.rank >= required.rank


ROLE_LABELS = {Role.AGENT: _l("agent"), Role.MANAGER: _l("manager"), Role.ADMIN: _l("admin")}


def role_label(role: Role) -> str:
    return str(ROLE_LABELS[role])


def _new_session_token() -> str:
    return secrets.token_urlsafe(24)


def _new_session_key() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stored lower-cased; sign-in compares lower-cased
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="user_role", values_callable=lambda e: [m.value for m in e])
    )
    active: Mapped[bool] = mapped_column(default=True)
    #: the user's own choice of language; None follows the browser
    locale: Mapped[str | None] = mapped_column(String(10))
    #: an IANA zone such as "Asia/Shanghai"; None uses the service default
    timezone: Mapped[str | None] = mapped_column(String(64))
    #: no longer read (user_sessions ends sessions); kept because SQLite cannot drop a
    #: UNIQUE column without rebuilding the table that every other table refers to
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=_new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def display_name(self) -> str:
        return self.name or self.email

    #: the signed-in device this request came from (a UserSession), set by the user loader
    current_session = None  # not a column

    # Flask-Login's UserMixin compares users by get_id(), which only the signed-in user
    # has here (it is their device's key): compare by identity, as SQLAlchemy's identity
    # map gives one object per row and session.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: the key of this
        device's session row, so that ending the row signs out those cookies too."""
        if self.current_session is None:
            raise RuntimeError("start a UserSession before login_user()")
        return self.current_session.key

    def set_password(self, password: str) -> None:
        """Hash with werkzeug's default (scrypt); the caller ends the sessions it must."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, required: Role) -> bool:
        return self.role.allows(required)


API_KEY_PREFIX = "fbk_"

#: what a key may do: ingest (send touchpoints), read (answers, cases, customers,
#: summaries), admin (erasure and export, to come). admin does not include read.
API_SCOPES = ("ingest", "read", "admin")
#: what new keys get unless told otherwise, and what keys made before scopes got
DEFAULT_API_SCOPES = ("ingest", "read")


def hash_api_key(key: str) -> str:
    """SHA-256 of a key: keys are 256 random bits, so a slow hash adds nothing."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKey(db.Model):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: the first characters of the key, shown so that people can tell keys apart
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: comma-separated API_SCOPES, such as "ingest,read"
    scopes: Mapped[str] = mapped_column(
        String(60), default=",".join(DEFAULT_API_SCOPES), server_default="ingest,read"
    )

    created_by: Mapped[User | None] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def scope_list(self) -> list[str]:
        """The key's scopes, in the order of API_SCOPES."""
        held = set(self.scopes.split(","))
        return [scope for scope in API_SCOPES if scope in held]

    def allows(self, scope: str) -> bool:
        """True when the key holds ``scope`` itself (no scope implies another)."""
        return scope in self.scope_list


class UserSession(db.Model):
    """One signed-in device: the session cookie and the remember cookie both carry its key,
    and a request whose row is ended is signed out."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 256 random bits that the cookies carry (signed); pages and URLs use the id instead
    key: Mapped[str] = mapped_column(String(64), unique=True, default=_new_session_key)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: updated at most every few minutes (SESSION_SEEN_INTERVAL_SECONDS), not per request
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: browser and system, such as "Firefox 128 on Windows", as people read it
    device: Mapped[str] = mapped_column(String(120), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class SignInFailure(db.Model):
    """A wrong password (or one being judged), counted by every process over a window."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the email as typed, normalised; unknown addresses count too, so that the limit
    #: does not tell which addresses have accounts
    email: Mapped[str] = mapped_column(String(254))
    #: the client's address as the app sees it (after ProxyFix)
    ip: Mapped[str] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    __table_args__ = (
        Index("ix_sign_in_failures_email_created_at", "email", "created_at"),
        Index("ix_sign_in_failures_ip_created_at", "ip", "created_at"),
    )
