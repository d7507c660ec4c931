"""Recording answers and opt-outs. Add and flush; the caller commits.

An answer is stored and announced (feedback.events): complaints routes it by its score in
the same transaction; the worker tags its comment afterwards.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, func, insert, select, update

from feedback import events
from feedback.customers.consent import hold_back_invitations, lock_customer, record_consent
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.surveys.models import (
    Invitation,
    InvitationStatus,
    InvitationToken,
    Response,
    Survey,
    SurveyKind,
    TouchpointEvent,
)
from feedback.surveys.tokens import TOKEN_LENGTHS, hash_token
from feedback.timeutil import report_day, utcnow

MAX_COMMENT_LENGTH = 2000


class AnswerError(ValueError):
    """An answer that cannot be taken; the message is shown to the customer."""


@dataclass(frozen=True)
class Link:
    """What the answer page needs to know of an invitation, read in one query."""

    invitation_id: int
    status: InvitationStatus
    expires_at: datetime | None
    customer_id: int
    survey_id: int
    kind: SurveyKind
    locale: str | None
    response_id: int | None
    touchpoint_type_id: int
    #: the customer's tier now, kept on the answer for the dashboard ("" for none)
    tier: str
    #: the customer has opted out of surveys (they may still answer this one)
    unsubscribed: bool = False

    @classmethod
    def of(cls, invitation: Invitation, locale: str | None = None) -> Link:
        """The link of a loaded invitation (demo data and tests record answers so)."""
        response = invitation.response
        return cls(
            invitation.id,
            invitation.status,
            invitation.expires_at,
            invitation.customer_id,
            invitation.survey_id,
            invitation.survey.kind,
            locale or invitation.locale,
            response.id if response is not None else None,
            invitation.event.touchpoint_type_id,
            invitation.customer.tier or "",
            invitation.customer.unsubscribed_at is not None,
        )

    @property
    def state(self) -> str:
        """ "open", "answered" or "expired" (410) for the answer page."""
        if self.response_id is not None:
            return "answered"
        if self.status is InvitationStatus.EXPIRED:
            return "expired"
        if self.expires_at is not None and self.expires_at <= utcnow():
            return "expired"
        return "open"


# Built once: composing a statement costs more than running it on this hot path.
_FIND_LINK = (
    select(
        Invitation.id,
        Invitation.status,
        Invitation.expires_at,
        Invitation.customer_id,
        Invitation.survey_id,
        Survey.kind,
        Invitation.locale,
        Response.id,
        TouchpointEvent.touchpoint_type_id,
        func.coalesce(Customer.tier, ""),
        Customer.unsubscribed_at.is_not(None),
    )
    .select_from(InvitationToken)
    .join(Invitation, Invitation.id == InvitationToken.invitation_id)
    .join(Survey, Survey.id == Invitation.survey_id)
    .join(TouchpointEvent, TouchpointEvent.id == Invitation.event_id)
    .join(Customer, Customer.id == Invitation.customer_id)
    .outerjoin(Response, Response.invitation_id == Invitation.id)
    .where(InvitationToken.token_hash == bindparam("token_hash"))
)
_INSERT_RESPONSE = insert(Response.__table__)


def find_link(token: str) -> Link | None:
    """The invitation behind a link token, or None. One indexed query: the answer page
    is the hottest path of the service."""
    if len(token) not in TOKEN_LENGTHS:
        return None
    # On the session's connection, as Core: the ORM layer adds nothing to a row of values.
    row = db.session.connection().execute(_FIND_LINK, {"token_hash": hash_token(token)}).first()
    return Link(*row) if row else None


def can_edit_comment(response: Response, now: datetime | None = None) -> bool:
    """Whether the customer may still change the comment (COMMENT_EDIT_HOURS)."""
    hours = current_app.config["COMMENT_EDIT_HOURS"]
    return (now or utcnow()) < response.answered_at + timedelta(hours=hours)


def clean_comment(comment: str | None) -> str | None:
    # NUL cannot be stored in PostgreSQL text and means nothing in a comment.
    comment = (comment or "").replace("\x00", "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise AnswerError(f"comment longer than {MAX_COMMENT_LENGTH} characters")
    return comment or None


@dataclass(frozen=True)
class Recorded:
    """A stored answer, and what its at-once handlers handed back for the page to show
    (complaints: "reply_by", the promised first-response time, and its "reply_zone")."""

    response_id: int
    shown: dict


def record_answer(
    link: Link, score: int, comment: str | None, locale: str, answered_at: datetime | None = None
) -> Recorded:
    """Store the answer and announce it; a database trigger marks the invitation answered.
    An unhappy answer opens a complaint case (or joins the customer's open one) in the
    same transaction; the comment is tagged by the worker within seconds.

    The unique invitation_id makes a second answer fail with IntegrityError, which the
    caller takes as "already answered".
    """
    if score not in link.kind.scale:
        raise AnswerError("score out of range")
    comment = clean_comment(comment)
    answered_at = answered_at or utcnow()
    result = db.session.connection().execute(
        _INSERT_RESPONSE,
        {
            "invitation_id": link.invitation_id,
            "survey_id": link.survey_id,
            "customer_id": link.customer_id,
            "kind": link.kind,
            "score": score,
            "comment": comment,
            "locale": locale,
            "answered_at": answered_at,
            "touchpoint_type_id": link.touchpoint_type_id,
            "tier": link.tier,
            "report_day": report_day(answered_at),
        },
    )
    response_id = result.inserted_primary_key[0]
    shown = events.publish(
        events.AnswerRecorded(
            response_id=response_id,
            invitation_id=link.invitation_id,
            survey_id=link.survey_id,
            customer_id=link.customer_id,
            kind=link.kind.value,
            score=score,
            answered_at=answered_at,
            touchpoint_type_id=link.touchpoint_type_id,
            tier=link.tier,
        )
    )
    return Recorded(response_id, shown)


class CommentEdit(enum.Enum):
    """What became of a later post to an answered link."""

    SAVED = "saved"
    #: the same comment as stored: nothing to save, nothing to tag again
    UNCHANGED = "unchanged"
    #: the post carried another score than the stored one (another tab, an old page)
    SCORE_DIFFERS = "score_differs"
    TOO_LATE = "too_late"


def update_comment(
    response: Response, comment: str | None, score: int | None = None
) -> CommentEdit:
    """Change the comment within the edit window; the score stays as first given. With
    the score the page posted, the comment changes only when that is the stored score:
    a comment written for a 5 in another tab must not land on a stored 1.

    One conditional UPDATE decides, so that the stored row is the truth however many
    requests race. The old comment's tags go at once (tagging reacts); the worker tags
    the new one and applies the comment rules.
    """
    comment = clean_comment(comment)
    now = utcnow()
    hours = current_app.config["COMMENT_EDIT_HOURS"]
    conditions = [
        Response.id == response.id,
        Response.answered_at > now - timedelta(hours=hours),
        Response.comment.is_distinct_from(comment),
    ]
    if score is not None:
        conditions.append(Response.score == score)
    changed = db.session.execute(
        update(Response)
        .where(*conditions)
        .values(comment=comment, comment_updated_at=now)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if changed:
        events.publish(events.CommentChanged(response_id=response.id))
        return CommentEdit.SAVED
    # The score never changes once stored, so the loaded row can say why nothing did.
    if score is not None and score != response.score:
        return CommentEdit.SCORE_DIFFERS
    if not can_edit_comment(response, now):
        return CommentEdit.TOO_LATE
    return CommentEdit.UNCHANGED


def unsubscribe(customer: Customer) -> None:
    """No more invitations for this customer; scheduled ones are held back. Recorded in
    their consent history once, however often a mail client sends its one-click POST."""
    lock_customer(customer)  # two clicks at once: the second sees the first's opt-out
    newly = customer.unsubscribed_at is None
    if newly:
        record_consent(customer, "unsubscribed", "link")  # holds back the scheduled ones
    else:
        hold_back_invitations(customer.id)
    db.session.flush()
    if newly:
        events.publish(events.CustomerUnsubscribed(customer_id=customer.id))
