"""Posting hook deliveries: the worker claims due rows atomically, posts each, and records
the outcome at once (as the outbox does, feedback/outbox/delivery.py).

Several workers share the rows: PostgreSQL locks the chosen rows FOR UPDATE SKIP LOCKED;
SQLite claims them with one conditional UPDATE under its database lock. A claim carries a
fresh token, so a worker reads back exactly the rows it won; a claim older than
CLAIM_TIMEOUT (its worker died) is handed out again, so delivery is at least once.

A 2xx (and, for a chat robot, no error code in its answer) is sent. Anything else is
retried with growing pauses until WEBHOOK_MAX_ATTEMPTS, then failed; a URL that now
resolves to a private address fails at once. WEBHOOK_PAUSE_AFTER failures in a row pause
the hook, and every admin gets an email.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import logging
import ssl
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import aliased

from feedback.accounts.models import Role, User
from feedback.extensions import db
from feedback.notify import chat
from feedback.notify.addresses import RefusedAddress, check_peer, check_url
from feedback.notify.webhook_models import (
    ONCE_ONLY,
    DeliveryStatus,
    Hook,
    HookDelivery,
    HookKind,
)
from feedback.outbox.delivery import retry_delay
from feedback.outbox.services import queue_email
from feedback.timeutil import utcnow

log = logging.getLogger("feedback.hooks")

#: deliveries a worker claims at once (each may take the whole timeout)
BATCH = 10
#: a claim older than this belongs to a worker that died: the row is handed out again
CLAIM_TIMEOUT = timedelta(minutes=10)
#: bytes of an answer read, for a chat robot's error code
ANSWER_LIMIT = 64 * 1024


@dataclass
class Claimed:
    """What sending needs of a claimed delivery, read once."""

    id: int
    hook_id: int
    kind: HookKind
    url: str
    secret: str | None
    event_id: int
    event_type: str
    body: str
    #: attempts before this one
    attempts: int


def _due(model, now: datetime):
    waiting = and_(model.status == DeliveryStatus.PENDING, model.next_attempt_at <= now)
    abandoned = and_(model.status == DeliveryStatus.SENDING, model.claimed_at < now - CLAIM_TIMEOUT)
    # a paused hook's deliveries wait until it is resumed
    active = model.hook_id.in_(select(Hook.id).where(Hook.paused.is_(False)))
    return and_(or_(waiting, abandoned), active)


def claim_due(worker: str, limit: int = BATCH) -> tuple[str, list[Claimed]]:
    """Claim up to ``limit`` due deliveries for this worker and commit."""
    now = utcnow()
    token = f"{worker}/{uuid.uuid4().hex[:12]}"
    candidate = aliased(HookDelivery)
    candidates = (
        select(candidate.id)
        .where(_due(candidate, now))
        .order_by(candidate.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        chosen = HookDelivery.id.in_(db.session.scalars(candidates).all())
    else:  # no row locks: one statement under the database's write lock
        chosen = HookDelivery.id.in_(candidates.scalar_subquery())
    db.session.execute(
        update(HookDelivery)
        .where(chosen, _due(HookDelivery, now))
        .values(status=DeliveryStatus.SENDING, claimed_at=now, claimed_by=token)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.execute(
        select(HookDelivery, Hook)
        .join(Hook, Hook.id == HookDelivery.hook_id)
        .where(HookDelivery.claimed_by == token, HookDelivery.status == DeliveryStatus.SENDING)
        .order_by(HookDelivery.id)
    ).all()
    batch = [
        Claimed(
            delivery.id,
            hook.id,
            hook.kind,
            hook.url,
            hook.secret,
            delivery.event_id,
            delivery.event_type,
            delivery.body,
            delivery.attempts,
        )
        for delivery, hook in rows
    ]
    db.session.commit()
    return token, batch


def signature(secret: str, body: bytes) -> str:
    """X-Feedback-Signature: ``sha256=`` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction: following it could lead anywhere,
    private addresses too."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _PeerChecked(http.client.HTTPConnection):
    """Checks the address the socket reached before a byte is sent: the name may resolve
    elsewhere than it did for check_url a moment ago (DNS rebinding)."""

    def connect(self):
        super().connect()
        try:
            check_peer(self.sock.getpeername()[0])
        except RefusedAddress:
            self.sock.close()
            raise


class _CheckedHTTPS(http.client.HTTPSConnection, _PeerChecked):
    """HTTPSConnection.connect opens the socket through _PeerChecked (the next class in
    its MRO), so the check runs before the TLS handshake."""


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_PeerChecked, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPS, req, context=_TLS)


_TLS = ssl.create_default_context()


def _opener(url: str, allow_private: bool) -> urllib.request.OpenerDirector:
    """An opener that follows no redirect and, for a direct connection, checks the
    address it reached. Through an outbound proxy (HTTP_PROXY / HTTPS_PROXY, often on a
    private address) the peer is the proxy: only the target's name is checked then."""
    parts = urlsplit(url)
    proxied = parts.scheme in urllib.request.getproxies() and not urllib.request.proxy_bypass(
        parts.hostname or ""
    )
    if allow_private or proxied:
        return urllib.request.build_opener(_NoRedirects)
    return urllib.request.build_opener(_NoRedirects, _CheckedHTTPHandler, _CheckedHTTPSHandler)


def _request(claimed: Claimed) -> urllib.request.Request:
    url, body = chat.prepare(claimed.kind, claimed.url, claimed.secret, claimed.body)
    data = body.encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "feedback-hooks"}
    if claimed.kind is HookKind.WEBHOOK:
        headers["X-Feedback-Event"] = claimed.event_type
        headers["X-Feedback-Delivery"] = str(claimed.event_id)
        headers["X-Feedback-Signature"] = signature(claimed.secret or "", data)
    return urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 - http(s) only, checked


def post(claimed: Claimed) -> tuple[int | None, str | None, bool]:
    """Post one delivery: the status code, the error (None when it was taken) and whether
    the error is final (no point retrying)."""
    config = current_app.config
    allow_private = config["WEBHOOK_ALLOW_PRIVATE"]
    try:
        check_url(claimed.url, allow_private)
        opener = _opener(claimed.url, allow_private)
        with opener.open(_request(claimed), timeout=config["WEBHOOK_TIMEOUT_SECONDS"]) as answer:
            status, content = answer.status, answer.read(ANSWER_LIMIT)
    except RefusedAddress as refused:
        return None, f"refused: {refused}", True
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code} {exc.reason}", False
    except (OSError, ValueError) as exc:  # refused, timed out, TLS, a bad URL
        return None, f"{type(exc).__name__}: {exc}", False
    if not 200 <= status < 300:
        return status, f"HTTP {status}", False
    return status, chat.refusal(claimed.kind, content), False


def _record(token: str, claimed: Claimed, status_code: int | None, error: str | None, final: bool):
    """Store one outcome and commit it, so a sent delivery is never sent again."""
    config = current_app.config
    attempts = claimed.attempts + 1
    values: dict = {
        "attempts": attempts,
        "claimed_at": None,
        "last_status_code": status_code,
        "last_error": error[:2000] if error else None,
    }
    if error is None:
        values.update(status=DeliveryStatus.SENT, sent_at=utcnow())
    elif final or attempts >= config["WEBHOOK_MAX_ATTEMPTS"]:
        values["status"] = DeliveryStatus.FAILED
    else:
        values["status"] = DeliveryStatus.PENDING
        values["next_attempt_at"] = utcnow() + retry_delay(
            attempts, config["WEBHOOK_RETRY_BASE_SECONDS"], config["WEBHOOK_RETRY_MAX_SECONDS"]
        )
    if claimed.event_type in ONCE_ONLY and values["status"] is not DeliveryStatus.PENDING:
        values["body"] = ""  # an erased person's external id: not kept once it is done
    ours = db.session.execute(
        update(HookDelivery)
        .where(
            HookDelivery.id == claimed.id,
            HookDelivery.claimed_by == token,
            HookDelivery.status == DeliveryStatus.SENDING,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if ours and values["status"] is DeliveryStatus.SENT:
        _hook_update(claimed.hook_id, consecutive_failures=0)
    elif ours and values["status"] is DeliveryStatus.FAILED:
        _count_failure(claimed, values["last_error"])
    db.session.commit()
    return values["status"]


def _hook_update(hook_id: int, *conditions, **values) -> int:
    return db.session.execute(
        update(Hook)
        .where(Hook.id == hook_id, *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount


def _count_failure(claimed: Claimed, error: str) -> None:
    """One more delivery given up in a row; at WEBHOOK_PAUSE_AFTER the hook is paused, and
    the worker whose update paused it tells the admins (once)."""
    _hook_update(claimed.hook_id, consecutive_failures=Hook.consecutive_failures + 1)
    limit = current_app.config["WEBHOOK_PAUSE_AFTER"]
    paused = _hook_update(
        claimed.hook_id,
        Hook.paused.is_(False),
        Hook.consecutive_failures >= limit,
        paused=True,
    )
    if paused:
        log.warning("hooks.paused hook=%s error=%r", claimed.hook_id, error)
        _tell_admins(claimed, limit, error)


def _tell_admins(claimed: Claimed, failures: int, error: str) -> None:
    page = f"{current_app.config['BASE_URL']}/admin/webhooks"
    url = claimed.url.split("?", 1)[0]
    admins = db.session.scalars(
        select(User).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
    )
    for admin in admins:
        with force_locale(admin.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            subject = _("A hook was paused: %(url)s", url=url)
            body = _(
                "The hook to %(url)s failed %(count)s deliveries in a row, so it is paused: "
                "nothing more is sent to it until it is resumed.\n\nThe last error: "
                "%(error)s\n\nResume it once the receiver works again: %(page)s",
                url=url,
                count=failures,
                error=error,
                page=page,
            )
        queue_email(admin.email, subject, body + "\n", kind="hook_paused")


def deliver_due(worker: str, stop: threading.Event | None = None) -> int:
    """The worker's job: post every due delivery, batch after batch, until none is left
    (or ``stop``). Returns how many were tried."""
    tried = 0
    while not (stop and stop.is_set()):
        token, batch = claim_due(worker)
        if not batch:
            break
        for claimed in batch:
            status_code, error, final = post(claimed)
            outcome = _record(token, claimed, status_code, error, final)
            tried += 1
            log.log(
                logging.INFO if error is None else logging.WARNING,
                "hooks.%s delivery=%s hook=%s event=%s attempts=%s error=%r",
                outcome.value,
                claimed.id,
                claimed.hook_id,
                claimed.event_id,
                claimed.attempts + 1,
                error,
            )
    return tried
