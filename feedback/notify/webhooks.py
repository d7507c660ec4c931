"""Hooks: creating, pausing and deleting them, and queuing each event a hook wants as a
delivery (the worker's reaction to the domain events; feedback/notify/delivery.py sends).

A webhook's body is ``{"id", "type", "created_at", "data"}``: the id is the domain event's
row id (the same on every retry, for the receiver's idempotency), and ``data`` holds ids
and facts (a case's status and priority, a score, the customer's external id, the case's
staff URL), never names, emails or comments.
"""

from __future__ import annotations

import json
import secrets

from flask import current_app
from sqlalchemy import select, update

from feedback import events
from feedback.complaints.models import Case, CaseResponse
from feedback.customers.models import Customer
from feedback.events import DomainEvent
from feedback.extensions import db
from feedback.notify import chat
from feedback.notify.addresses import check_url
from feedback.notify.webhook_models import (
    EVENT_TYPES,
    PUBLIC_NAMES,
    DeliveryStatus,
    Hook,
    HookDelivery,
    HookKind,
)
from feedback.surveys.models import Response, TouchpointType
from feedback.timeutil import utcnow


class HookError(ValueError):
    """A hook that cannot be made as asked; the message says why."""


def unknown_events(names: list[str]) -> list[str]:
    """The names that are not events a hook can hear of."""
    return [name for name in names if name not in EVENT_TYPES]


def create_hook(
    kind: HookKind,
    url: str,
    event_names: list[str],
    *,
    language: str = "en",
    secret: str | None = None,
    created_by=None,
) -> Hook:
    """Add a hook; a webhook gets a new random secret (the caller shows it once).

    Raises RefusedAddress for a URL the worker may not post to, HookError for unknown or
    no events."""
    url = url.strip()
    # the columns' lengths: PostgreSQL refuses longer values with an error, not a message
    if len(url) > Hook.url.type.length:
        raise HookError(f"the URL is too long (at most {Hook.url.type.length} characters)")
    if secret and len(secret) > Hook.secret.type.length:
        raise HookError(f"the secret is too long (at most {Hook.secret.type.length} characters)")
    check_url(url, current_app.config["WEBHOOK_ALLOW_PRIVATE"])
    names = list(dict.fromkeys(name.strip() for name in event_names if name.strip()))
    if not names:
        raise HookError("choose at least one event")
    if unknown := unknown_events(names):
        raise HookError(f"unknown events: {', '.join(unknown)}")
    if kind is HookKind.WEBHOOK:
        secret = secrets.token_urlsafe(32)
    hook = Hook(
        kind=kind,
        url=url,
        secret=secret or None,
        events=names,
        language=language,
        created_by_id=getattr(created_by, "id", None),
    )
    db.session.add(hook)
    db.session.flush()
    return hook


def update_hook(
    hook: Hook, event_names: list[str], language: str, secret: str | None = None
) -> None:
    """Change the events and language; a new signing secret replaces a chat robot's (a
    webhook's own secret never changes here)."""
    names = list(dict.fromkeys(event_names))
    if not names:
        raise HookError("choose at least one event")
    if unknown := unknown_events(names):
        raise HookError(f"unknown events: {', '.join(unknown)}")
    hook.events = names
    hook.language = language
    if secret and hook.kind.is_chat:
        hook.secret = secret
    db.session.flush()


def set_paused(hook: Hook, paused: bool) -> None:
    """Pause a hook (nothing is posted to it; its deliveries wait) or resume it with a
    clean slate."""
    hook.paused = paused
    if not paused:
        hook.consecutive_failures = 0
    db.session.flush()


def delete_hook(hook: Hook) -> None:
    """Delete a hook and its deliveries."""
    db.session.delete(hook)
    db.session.flush()


# --- queuing deliveries: the worker's reaction to the events ---------------------------


def _case_facts(case_id: int) -> dict:
    case = db.session.get(Case, case_id)
    if case is None:  # erased since
        return {"case_id": case_id}
    return {
        "case_id": case.id,
        "status": case.status.value,
        "priority": case.priority.value,
        "source": case.source.value,
        "customer_external_id": db.session.scalar(
            select(Customer.external_id).where(Customer.id == case.customer_id)
        ),
        "case_url": f"{current_app.config['BASE_URL']}/cases/{case.id}",
    }


def _response_facts(response_id: int) -> dict:
    row = db.session.execute(
        select(Response.kind, Response.score, Customer.external_id, TouchpointType.key)
        .join(Customer, Customer.id == Response.customer_id)
        .outerjoin(TouchpointType, TouchpointType.id == Response.touchpoint_type_id)
        .where(Response.id == response_id)
    ).first()
    if row is None:  # erased since
        return {"response_id": response_id}
    return {
        "response_id": response_id,
        "survey_kind": row.kind.value,
        "score": row.score,
        "touchpoint": row.key,
        "customer_external_id": row.external_id,
    }


def event_data(event: events.Event) -> dict:
    """What a hook is told of an event: ids and facts, never personal data. A case's
    event carries the answer that opened it; an answer's, the case it is on. An erasure
    carries the erased external id, the one thing other systems need to follow it."""
    if isinstance(event, events.CustomerErased):
        return {"external_id": event.external_id}
    fields = event.data()
    case_id = fields.get("case_id")
    response_id = fields.get("response_id")
    if response_id is None and case_id is not None:
        response_id = db.session.scalar(
            select(CaseResponse.response_id)
            .where(CaseResponse.case_id == case_id)
            .order_by(CaseResponse.response_id)
            .limit(1)
        )
    if case_id is None and response_id is not None:
        case_id = db.session.scalar(
            select(CaseResponse.case_id).where(CaseResponse.response_id == response_id).limit(1)
        )
    data: dict = {}
    if response_id is not None:
        data.update(_response_facts(response_id))
    if case_id is not None:
        data.update(_case_facts(case_id))
    for name in ("deadline", "on_time"):
        if name in fields:
            data[name] = fields[name]
    return data


def _imported(response_id: int) -> bool:
    return bool(db.session.scalar(select(Response.imported).where(Response.id == response_id)))


def queue_deliveries(event: events.Event) -> int:
    """Queue the event for every hook that wants it (once per hook, even when this
    reaction runs again); a paused hook's wait until it is resumed, so a receiver that was
    down misses nothing. Returns how many deliveries were added.

    An erasure's external id is then cleared from its domain_events row: from here on
    only the deliveries hold it, until each is sent or given up (delivery.py)."""
    event_id = events.current_event_id()
    if event_id is None:
        raise RuntimeError("queue_deliveries runs as a worker reaction")
    queued = _queue(event, event_id)
    if isinstance(event, events.CustomerErased):
        db.session.execute(
            update(DomainEvent)
            .where(DomainEvent.id == event_id)
            .values(data={"customer_id": event.customer_id, "external_id": None})
            .execution_options(synchronize_session=False)
        )
    return queued


def _queue(event: events.Event, event_id: int) -> int:
    name = PUBLIC_NAMES[event.type]
    if isinstance(event, events.CommentTagged) and _imported(event.response_id):
        return 0  # history from an import: receivers hear of answers as they happen
    hooks = [
        hook for hook in db.session.scalars(select(Hook).order_by(Hook.id)) if name in hook.events
    ]
    queued = set(
        db.session.scalars(select(HookDelivery.hook_id).where(HookDelivery.event_id == event_id))
    )
    hooks = [hook for hook in hooks if hook.id not in queued]
    if not hooks:
        return 0
    created_at = db.session.scalar(select(DomainEvent.created_at).where(DomainEvent.id == event_id))
    data = event_data(event)
    webhook_body = json.dumps(
        {
            "id": str(event_id),
            "type": name,
            "created_at": (created_at or utcnow()).isoformat(),
            "data": data,
        },
        ensure_ascii=False,
    )
    touchpoint = db.session.execute(
        select(TouchpointType.name_en, TouchpointType.name_zh).where(
            TouchpointType.key == data.get("touchpoint")
        )
    ).first()
    for hook in hooks:
        if hook.kind.is_chat:
            shown = touchpoint and touchpoint[1 if hook.language == "zh" else 0]
            body = chat.message_body(hook.kind, name, data, hook.language, shown)
        else:
            body = webhook_body
        db.session.add(
            HookDelivery(
                hook_id=hook.id,
                event_id=event_id,
                event_type=name,
                body=body,
                status=DeliveryStatus.PENDING,
            )
        )
    db.session.flush()
    return len(hooks)


def recent_deliveries(hook: Hook, limit: int = 10) -> list[HookDelivery]:
    """The hook's latest deliveries, newest first, for its admin page."""
    return list(
        db.session.scalars(
            select(HookDelivery)
            .where(HookDelivery.hook_id == hook.id)
            .order_by(HookDelivery.id.desc())
            .limit(limit)
        )
    )
