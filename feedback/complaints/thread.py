"""A case as a conversation: what the customer said and what the team said or did with
them (answers, replies both ways, calls, internal notes) in one thread, newest last; and
the changes of the case itself (status, owner, priority, deadlines) apart, as history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from feedback.complaints.models import CaseEvent
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.surveys.models import Response

#: events that are something said to, by or about the customer: the thread's own
SAID = frozenset({"reply", "customer_reply", "call", "note"})
#: events that put an answer on the case; the answer shows in the thread, the event in
#: the history too (it says which rule and priority)
ANSWERED = {"opened": "opening", "attached": "later", "followup_answered": "followup"}


@dataclass(frozen=True)
class Entry:
    """One message of the thread.

    ``kind`` is "answer" (``response`` set, ``role`` "opening", "later" or
    "followup"), or the event's kind: "reply", "customer_reply", "call", "note" (an
    internal note: the page marks it as never sent to the customer).
    """

    kind: str
    at: datetime
    event: CaseEvent | None = None
    response: Response | None = None
    role: str = ""
    #: the outbox message of a reply that could not be delivered
    failed: OutboxMessage | None = None


def conversation(
    events: list[CaseEvent],
    responses: dict[int, Response],
    failed: dict[int, OutboxMessage] | None = None,
) -> list[Entry]:
    """The thread of a case from its events (in time order) and the answers on it.

    The answer that opened the case comes first even when it was answered long before
    (an imported answer); then everything in the order it happened. An answer on the
    case with no event that names it (older data) takes its place by its answer time.
    """
    failed = failed or {}
    first: list[Entry] = []
    rest: list[Entry] = []
    named: set[int] = set()
    for event in events:
        if event.kind in ANSWERED and event.response_id in responses:
            response = responses[event.response_id]
            named.add(response.id)
            role = ANSWERED[event.kind]
            entry = Entry("answer", event.at, event, response, role)
            (first if role == "opening" else rest).append(entry)
        elif event.kind in SAID:
            broken = failed.get(event.outbox_message_id) if event.outbox_message_id else None
            rest.append(Entry(event.kind, event.at, event, failed=broken))
    for response in responses.values():
        if response.id not in named:
            rest.append(Entry("answer", response.answered_at, None, response, "later"))
    rest.sort(key=lambda e: (e.at, e.event.id if e.event else 0))
    if not first and rest and rest[0].kind == "answer":
        rest[0] = Entry("answer", rest[0].at, rest[0].event, rest[0].response, "opening")
    return first + rest


def history(events: list[CaseEvent]) -> list[CaseEvent]:
    """The changes of the case itself, in time order, for the compact history."""
    return [e for e in events if e.kind not in SAID]


def failed_replies(events: list[CaseEvent]) -> dict[int, OutboxMessage]:
    """The outbox messages of the case's replies that the worker gave up on, by id."""
    ids = [e.outbox_message_id for e in events if e.kind == "reply" and e.outbox_message_id]
    if not ids:
        return {}
    found = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.FAILED
        )
    )
    return {m.id: m for m in found}
