"""Staff notices by email: one notice at once, or the digest of those that waited.

Rendered in the reader's language and time zone (complaints/email.py's helpers), with the
case's link, the customer's name, priority, score and due time: what the existing staff
mail (the due-soon warning, the escalation) carries, nothing more.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from feedback.accounts.models import User
from feedback.complaints.email import CaseEmail, case_url, in_zone, user_locale
from feedback.complaints.enums import CasePriority
from feedback.notify.staff_models import Kind


def _subject(kind: Kind, case) -> str:
    if kind is Kind.QUEUE:
        return _("New case #%(id)s in the queue", id=case.id)
    if kind is Kind.ASSIGNED:
        return _("Case #%(id)s is assigned to you", id=case.id)
    if kind is Kind.REPLIED:
        return _("The customer replied on case #%(id)s", id=case.id)
    if kind is Kind.REOPENED:
        return _("Case #%(id)s is reopened", id=case.id)
    if case.priority is CasePriority.URGENT:
        return _("Urgent case #%(id)s opened", id=case.id)
    return _("Case #%(id)s opened for a top-tier customer", id=case.id)


def facts(case, user: User) -> dict:
    """What each notice says of a case, for this reader: the customer, priority, score of
    the answer that opened it (if one did), the next due time in their zone, the link."""
    opening = case.links[0].response if case.links else None
    due = case.due_at or case.first_response_due_at
    return {
        "case": case,
        "score": f"{opening.score} ({opening.kind.value.upper()})" if opening else None,
        "due": in_zone(user, due),
        "url": case_url(case),
    }


def notice_message(kind: Kind, case, user: User, actor: User | None = None) -> CaseEmail:
    """One notice, sent at once."""
    with force_locale(user_locale(user)):
        subject = _subject(kind, case)
        text = render_template(
            "notify/email/notice.txt",
            kind=kind.value,
            user=user,
            actor=actor,
            **facts(case, user),
        )
    return CaseEmail(subject, text)


def digest_message(user: User, notices: list[tuple[Kind, object]]) -> CaseEmail:
    """The notices that waited for the digest, in one email, oldest first."""
    with force_locale(user_locale(user)):
        subject = ngettext(
            "Case digest: %(num)d notice", "Case digest: %(num)d notices", len(notices)
        )
        items = [{"subject": _subject(kind, case), **facts(case, user)} for kind, case in notices]
        text = render_template("notify/email/digest.txt", user=user, items=items)
    return CaseEmail(subject, text)
