"""The limit on wrong passwords, counted in the database so that every process and every
server sees the same count: per email (one account) and per client address (one machine,
or one office behind a proxy), over a sliding window.

An attempt is written as a failure *before* its password is judged, and committed, and only
then counted: of any number of simultaneous attempts, each sees at least the ones committed
before it, so no more than the limit are ever judged, whatever the number of workers. The
row is taken back when the password was right, or when the attempt was refused unjudged
(so that knocking on a locked account does not keep it locked: the right password works
again once the window has passed its oldest failures).
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, func, select

from feedback.accounts.models import SignInFailure
from feedback.accounts.services import normalise_email
from feedback.extensions import db
from feedback.timeutil import utcnow


@dataclass(frozen=True)
class Lockout:
    """Sign-in is refused until ``until`` (aware UTC)."""

    until: datetime

    def seconds_left(self, now: datetime | None = None) -> int:
        """Whole seconds to wait, rounded up, at least 1 (for a Retry-After header)."""
        return max(1, math.ceil((self.until - (now or utcnow())).total_seconds()))


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["SIGN_IN_WINDOW_MINUTES"])


def address_key(ip: str) -> str:
    """The client address failures are counted by: an IPv4 address as it is, an IPv6
    client's /64 (one subscriber's network, which hands out as many addresses as it likes)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6 and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return ip


def reserve(email: str, ip: str) -> SignInFailure:
    """Write an attempt as a failure before judging it; the caller commits at once, so that
    every other process counts it."""
    attempt = SignInFailure(email=normalise_email(email)[:254], ip=address_key(ip)[:45])
    db.session.add(attempt)
    db.session.flush()
    return attempt


def withdraw(attempt: SignInFailure) -> None:
    """Take back an attempt refused unjudged, so that it does not prolong the lockout."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.id == attempt.id))


def forget_account(attempt: SignInFailure) -> None:
    """The password was right: this attempt and the account's earlier typos no longer count.

    One statement for both, so that two clicks on "Sign in" lock the rows in one order.
    """
    db.session.execute(delete(SignInFailure).where(SignInFailure.email == attempt.email))


def prune(worker: str = "", stop=None) -> int:
    """Delete failures older than the window (a worker job: in the request, simultaneous
    deletes of the same old rows could deadlock on PostgreSQL)."""
    result = db.session.execute(
        delete(SignInFailure).where(SignInFailure.created_at < utcnow() - _window())
    )
    db.session.commit()
    return result.rowcount


def lockout(attempt: SignInFailure) -> Lockout | None:
    """The lockout this (committed) attempt falls under, or None when it may be judged."""
    config = current_app.config
    cutoff = utcnow() - _window()
    by_email = SignInFailure.email == attempt.email
    by_ip = SignInFailure.ip == attempt.ip
    others = (SignInFailure.id != attempt.id, SignInFailure.created_at >= cutoff)
    email_count, ip_count = db.session.execute(
        select(func.count(case((by_email, 1))), func.count(case((by_ip, 1)))).where(
            *others, by_email | by_ip
        )
    ).one()
    limits = [(by_email, email_count, config["SIGN_IN_FAILURES_PER_ACCOUNT"])]
    if attempt.ip:  # an unknown address (a Unix socket, no proxy) is nobody's in particular
        limits.append((by_ip, ip_count, config["SIGN_IN_FAILURES_PER_ADDRESS"]))
    ends = [
        _end_of_lockout(condition, count, limit, others)
        for condition, count, limit in limits
        if count >= limit
    ]
    return Lockout(until=max(ends)) if ends else None


def _end_of_lockout(condition, count: int, limit: int, others) -> datetime:
    """When fewer than ``limit`` of these failures are left inside the window: the
    (count - limit)-th oldest, counted from 0, leaves it then."""
    created = db.session.scalar(
        select(SignInFailure.created_at)
        .where(condition, *others)
        .order_by(SignInFailure.created_at, SignInFailure.id)
        .offset(count - limit)
        .limit(1)
    )
    return (created or utcnow()) + _window()
