"""Recording answers and opt-outs. Add and flush; the caller commits."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update

from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.surveys.models import (
    Invitation,
    InvitationStatus,
    Response,
    SuppressionReason,
)
from feedback.timeutil import utcnow

MAX_COMMENT_LENGTH = 2000


class AnswerError(ValueError):
    """An answer that cannot be taken; the message is shown to the customer."""


def link_state(invitation: Invitation, now: datetime | None = None) -> str:
    """ "open", "answered" or "expired" (410) for the answer page."""
    now = now or utcnow()
    if invitation.response is not None:
        return "answered"
    if invitation.status is InvitationStatus.EXPIRED:
        return "expired"
    if invitation.expires_at is not None and invitation.expires_at <= now:
        return "expired"
    return "open"


def can_edit_comment(response: Response, now: datetime | None = None) -> bool:
    hours = current_app.config["COMMENT_EDIT_HOURS"]
    return (now or utcnow()) < response.answered_at + timedelta(hours=hours)


def clean_comment(comment: str | None) -> str | None:
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise AnswerError(f"comment longer than {MAX_COMMENT_LENGTH} characters")
    return comment or None


def record_answer(invitation: Invitation, score: int, comment: str | None, locale: str) -> Response:
    """Store the answer; the unique invitation_id makes a second one fail at flush."""
    if score not in invitation.survey.kind.scale:
        raise AnswerError("score out of range")
    response = Response(
        invitation=invitation,
        survey_id=invitation.survey_id,
        customer_id=invitation.customer_id,
        kind=invitation.survey.kind,
        score=score,
        comment=clean_comment(comment),
        locale=locale,
        answered_at=utcnow(),
    )
    db.session.add(response)
    invitation.status = InvitationStatus.ANSWERED
    db.session.flush()
    return response


def update_comment(response: Response, comment: str | None) -> None:
    """Change the comment within the edit window; the score stays as first given."""
    if not can_edit_comment(response):
        raise AnswerError("the comment can no longer be changed")
    response.comment = clean_comment(comment)
    response.comment_updated_at = utcnow()
    db.session.flush()


def unsubscribe(customer: Customer) -> None:
    """No more invitations for this customer; scheduled ones are held back."""
    if customer.unsubscribed_at is None:
        customer.unsubscribed_at = utcnow()
    db.session.execute(
        update(Invitation)
        .where(
            Invitation.customer_id == customer.id,
            Invitation.status == InvitationStatus.SCHEDULED,
        )
        .values(
            status=InvitationStatus.SUPPRESSED,
            suppression_reason=SuppressionReason.UNSUBSCRIBED,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
