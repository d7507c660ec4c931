"""Helpers for the retention tests: a world of customers active long ago and lately, and
snapshots of what a run may change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from feedback.complaints import cases as actions
from feedback.complaints.inbound import receive
from feedback.complaints.inbound_models import InboundAttachment, InboundMessage
from feedback.complaints.models import CaseEvent
from feedback.customers.models import Customer
from feedback.dashboard.models import CaseDay, CaseDurationDay, InvitationDay, ScoreDay, TopicDay
from feedback.extensions import db
from feedback.outbox.delivery import deliver_due
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.surveys.ingest import ingest_events
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.surveys.models import EventSource, Response
from tests.complaints_helpers import answer, case_of
from tests.inbound_helpers import mail

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
#: 30 months back: older than a 24-month setting
LONG_AGO = NOW - relativedelta(months=30)
#: a month back: newer than any setting
LATELY = NOW - relativedelta(months=1)
#: the setting the tests save for every kind
MONTHS = 24


def person(clock, agent, when: datetime, customer: str, name: str, comment: str) -> None:
    """At ``when``: an unhappy answer with a comment, the case it opens, a reply (sent),
    a note, a wait for the customer with its note, and the customer's emailed answer with
    an attachment, all committed."""
    clock.move_to(when)
    email = f"{customer}@example.com"
    case = case_of(answer("csat", 1, comment, customer=customer, email=email, name=name))
    actions.reply(case, agent, "About your delivery", f"Dear {name}, we are sorry.", "en")
    actions.add_note(case, agent, f"{name} sounded upset")
    actions.set_pending(case, agent, f"Waiting for {name}'s photo")
    db.session.commit()
    deliver_due("test-worker")
    raw = mail(
        f"Thanks, this is {name}.",
        sender=f"{name} <{email}>",
        subject=f"Re: Your feedback [Case #{case.id}]",
        attachments=[("receipt.txt", "text/plain", f"{name}'s receipt".encode())],
    )
    receive(raw)
    db.session.commit()


def touchpoint(clock, when: datetime, customer: str) -> None:
    """A touchpoint of an existing customer at ``when`` (no survey answered)."""
    clock.move_to(when)
    data = EventInput(
        f"visit-{customer}-{when.isoformat()}",
        "purchase",
        when,
        CustomerInput(external_id=customer),
    )
    ingest_events([(0, data)], EventSource.API)
    db.session.commit()


def world(clock, agent) -> None:
    """Three customers, the clock left at NOW:
    - "old-1", active only LONG_AGO: every kind of their data is due;
    - "old-2", who answered LONG_AGO and made a purchase LATELY: their comment is due,
      their contact details are not;
    - "new-1", active LATELY: nothing of theirs is due.
    And a mail LONG_AGO that never went out (pending): never touched."""
    person(clock, agent, LONG_AGO, "old-1", "Olga Oldfield", "The courier Olga met was rude")
    clock.move_to(LONG_AGO + timedelta(hours=1))
    answer(
        "nps", 10, "Loved it, says Otto", customer="old-2", email="old-2@example.com", name="Otto"
    )
    touchpoint(clock, LATELY, "old-2")
    person(clock, agent, LATELY, "new-1", "Nina Newman", "Nina waited two days")
    clock.move_to(LONG_AGO)
    pending = OutboxMessage(
        to_address="late@example.com",
        subject="Waiting",
        body_text="Still waiting",
        status=OutboxStatus.PENDING,
        message_id="<pending-long-ago@example.com>",
    )
    db.session.add(pending)
    db.session.commit()
    clock.move_to(NOW)


def snapshot() -> dict:
    """What a run may change, by table: every row's personal columns, by id."""
    db.session.expire_all()

    def rows(*columns) -> dict:
        return {row[0]: tuple(row[1:]) for row in db.session.execute(select(*columns)).all()}

    return {
        "responses": rows(Response.id, Response.comment, Response.comment_erased_at),
        "case_events": rows(CaseEvent.id, CaseEvent.body, CaseEvent.detail),
        "customers": rows(
            Customer.id, Customer.external_id, Customer.name, Customer.email, Customer.erased_at
        ),
        "inbound": rows(
            InboundMessage.id,
            InboundMessage.raw,
            InboundMessage.from_address,
            InboundMessage.subject,
        ),
        "attachments": rows(
            InboundAttachment.id, InboundAttachment.filename, InboundAttachment.data
        ),
        "outbox": rows(
            OutboxMessage.id,
            OutboxMessage.to_address,
            OutboxMessage.body_text,
            OutboxMessage.status,
        ),
    }


def changed(before: dict, after: dict) -> dict[str, set[int]]:
    """The ids of the rows that differ, by table."""
    return {
        table: {id_ for id_, row in before[table].items() if after[table].get(id_) != row}
        for table in before
    }


def figures() -> dict:
    """Every row of the dashboard's daily summaries (what its pages and the API read)."""
    db.session.expire_all()
    found = {}
    for model in (ScoreDay, TopicDay, InvitationDay, CaseDay, CaseDurationDay):
        table = model.__table__
        found[table.name] = sorted(
            tuple(str(v) for v in row) for row in db.session.execute(select(table)).all()
        )
    return found
