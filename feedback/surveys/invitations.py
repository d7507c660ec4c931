"""The worker's side of invitations: send when due, remind once, expire, note failures.

Each invitation is sent in a transaction of its own: a conditional UPDATE moves it from
scheduled to sent (only one worker's UPDATE can match), and the email goes into the
outbox in that same transaction. Two workers never send one invitation twice.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, func, insert, select, update
from sqlalchemy.orm import selectinload

from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.outbox.services import queue_email, queue_many
from feedback.surveys.email import EmailRenderer, render_for
from feedback.surveys.ingest import hold_back_reason
from feedback.surveys.models import (
    Invitation,
    InvitationStatus,
    InvitationToken,
    SuppressionReason,
    Survey,
    SurveyStatus,
)
from feedback.surveys.tokens import hash_token, issue_token, new_token
from feedback.timeutil import report_day, utcnow

log = logging.getLogger("feedback.invitations")


def _due_ids(condition, limit: int) -> list[int]:
    query = (
        select(Invitation.id)
        .where(condition)
        .order_by(Invitation.send_at, Invitation.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(db.session.scalars(query))
    db.session.commit()  # release the locks; each invitation is taken with its own UPDATE
    return ids


def _load(invitation_id: int) -> Invitation | None:
    return db.session.scalar(
        select(Invitation)
        .where(Invitation.id == invitation_id)
        .options(selectinload(Invitation.customer), selectinload(Invitation.survey))
    )


def _take(invitation_id: int, expected: InvitationStatus, **values) -> bool:
    """Move one invitation on if it is still in ``expected``; False when another worker won."""
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.status == expected)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def send_due_invitations(worker: str = "worker", stop: threading.Event | None = None) -> int:
    """Queue the email of every scheduled invitation whose time has come; returns how many."""
    config = current_app.config
    sent = 0
    renderer = EmailRenderer()
    while not (stop and stop.is_set()):
        now = utcnow()
        due = and_(Invitation.status == InvitationStatus.SCHEDULED, Invitation.send_at <= now)
        ids = _due_ids(due, config["INVITATION_BATCH_SIZE"])
        if not ids:
            break
        sent += _send_batch(ids, now, renderer)
    return sent


def _send_batch(ids: list[int], now, renderer: EmailRenderer) -> int:
    """Send one batch in one transaction: check, claim, render, queue, commit.

    The claim is an UPDATE ... WHERE status = 'scheduled' RETURNING id: where two workers
    reach the same invitation, only one UPDATE matches it, and only that worker queues
    its email, in the same commit.
    """
    config = current_app.config
    rows = db.session.execute(
        select(
            Invitation.id,
            Invitation.survey_id,
            Invitation.reply_to,
            Customer.email,
            Customer.name,
            Customer.locale,
            Customer.unsubscribed_at,
            Survey.status,
        )
        .join(Customer, Customer.id == Invitation.customer_id)
        .join(Survey, Survey.id == Invitation.survey_id)
        .where(Invitation.id.in_(ids), Invitation.status == InvitationStatus.SCHEDULED)
    ).all()
    held: dict[SuppressionReason, list[int]] = {}
    ready = {}
    for row in rows:
        reason = hold_back_reason(row.unsubscribed_at, row.email, row.status)
        if reason is None:
            ready[row.id] = row
        else:
            held.setdefault(reason, []).append(row.id)
    table = Invitation.__table__
    connection = db.session.connection()
    for reason, held_ids in held.items():
        connection.execute(
            update(table)
            .where(table.c.id.in_(held_ids), table.c.status == InvitationStatus.SCHEDULED)
            .values(status=InvitationStatus.SUPPRESSED, suppression_reason=reason)
        )
    won = set()
    if ready:
        won = set(
            connection.execute(
                update(table)
                .where(table.c.id.in_(list(ready)), table.c.status == InvitationStatus.SCHEDULED)
                .values(
                    status=InvitationStatus.SENT,
                    sent_at=now,
                    sent_day=report_day(now),
                    expires_at=now + timedelta(days=config["INVITATION_LINK_DAYS"]),
                    # as sent, for the dashboard's counts (invitation_days): the email's
                    # language (as rendered below) and the customer's tier
                    locale=func.coalesce(
                        _of_customer(Customer.locale, table), config["BABEL_DEFAULT_LOCALE"]
                    ),
                    tier=func.coalesce(_of_customer(Customer.tier, table), ""),
                )
                .returning(table.c.id)
            ).scalars()
        )
    if not won:
        db.session.commit()
        return 0
    surveys = {
        s.id: s
        for s in db.session.scalars(
            select(Survey).where(Survey.id.in_({ready[i].survey_id for i in won}))
        )
    }
    default_locale = config["BABEL_DEFAULT_LOCALE"]
    tokens, messages, order = [], [], sorted(won)
    for invitation_id in order:
        row = ready[invitation_id]
        locale = row.locale or default_locale
        token = new_token()
        tokens.append(
            {"invitation_id": invitation_id, "token_hash": hash_token(token), "created_at": now}
        )
        email = renderer.render(surveys[row.survey_id], locale, token, row.name or "")
        messages.append(
            {
                "to": row.email,
                "subject": email.subject,
                "body_text": email.text,
                "body_html": email.html,
                "headers": {**email.headers, **reply_to_header(row.reply_to)},
                "kind": "invitation",
                "sensitive": True,
                "locale": locale,
            }
        )
    connection.execute(insert(InvitationToken.__table__), tokens)
    message_ids = queue_many(messages)
    connection.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(outbox_message_id=bindparam("b_message"), locale=bindparam("b_locale")),
        [
            {"b_id": invitation_id, "b_message": message_id, "b_locale": message["locale"]}
            for invitation_id, message_id, message in zip(order, message_ids, messages, strict=True)
        ],
    )
    db.session.commit()
    log.info("invitation.sent count=%s", len(order))
    return len(order)


def send_reminders(worker: str = "worker", stop: threading.Event | None = None) -> int:
    """One reminder, N days after the email, to customers who have not answered."""
    config = current_app.config
    now = utcnow()
    # Only reminders that may go out: an ineligible row at the head of the queue must
    # not hold back everyone behind it.
    eligible = (
        select(Invitation.id)
        .join(Customer, Customer.id == Invitation.customer_id)
        .join(Survey, Survey.id == Invitation.survey_id)
        .where(
            Customer.unsubscribed_at.is_(None),
            Customer.email.is_not(None),
            Survey.status == SurveyStatus.ACTIVE,
        )
    )
    due = and_(
        Invitation.status == InvitationStatus.SENT,
        Invitation.reminder_sent_at.is_(None),
        Invitation.sent_at <= now - timedelta(days=config["INVITATION_REMINDER_DAYS"]),
        Invitation.expires_at > now,
        Invitation.id.in_(eligible.scalar_subquery()),
    )
    reminded = 0
    while not (stop and stop.is_set()):
        ids = _due_ids(due, config["INVITATION_BATCH_SIZE"])
        if not ids:
            break
        reminded += sum(_remind(invitation_id, now) for invitation_id in ids)
    return reminded


def _remind(invitation_id: int, now) -> int:
    """Queue one reminder with a token of its own, unless another worker did it first."""
    invitation = _load(invitation_id)
    customer: Customer = invitation.customer
    result = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation_id,
            Invitation.status == InvitationStatus.SENT,
            Invitation.reminder_sent_at.is_(None),
        )
        .values(reminder_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # another worker reminded first
        db.session.rollback()
        return 0
    token = issue_token(invitation)
    email = render_for(invitation, token, reminder=True)
    queue_email(
        customer.email,
        email.subject,
        email.text,
        email.html,
        headers={**email.headers, **reply_to_header(invitation.reply_to)},
        kind="reminder",
        sensitive=True,
    )
    db.session.commit()
    return 1


def reply_to_header(reply_to: str | None) -> dict[str, str]:
    """The Reply-To an invitation was given (a case's follow-up gets its case's reply
    address from complaints, so that the customer's answer by email lands on the case)."""
    return {"Reply-To": reply_to} if reply_to else {}


def expire_invitations(worker: str = "worker", stop: threading.Event | None = None) -> int:
    """Mark unanswered invitations whose links have run out as expired."""
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.status == InvitationStatus.SENT, Invitation.expires_at <= utcnow())
        .values(status=InvitationStatus.EXPIRED)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


def note_failed_deliveries(worker: str = "worker", stop: threading.Event | None = None) -> int:
    """An invitation whose email the outbox gave up on is failed, with the outbox's error."""
    failed = (
        select(OutboxMessage.id, OutboxMessage.last_error)
        .where(OutboxMessage.status == OutboxStatus.FAILED, OutboxMessage.kind == "invitation")
        .subquery()
    )
    rows = db.session.execute(
        select(Invitation.id, failed.c.last_error)
        .join(failed, failed.c.id == Invitation.outbox_message_id)
        .where(Invitation.status == InvitationStatus.SENT)
    ).all()
    for invitation_id, error in rows:
        _take(
            invitation_id,
            InvitationStatus.SENT,
            status=InvitationStatus.FAILED,
            error=error or "delivery failed",
        )
    db.session.commit()
    return len(rows)


def _of_customer(column, invitations):
    """``column`` of the customer of the invitation being updated."""
    return select(column).where(Customer.id == invitations.c.customer_id).scalar_subquery()
