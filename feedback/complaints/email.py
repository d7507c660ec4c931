"""Mail about cases: the agent's reply to the customer, the due-soon warning to staff and
the escalation to managers. Rendered in the reader's language and time zone; every
message goes to the outbox in the transaction of the change that causes it."""

from __future__ import annotations

from dataclasses import dataclass

from babel.dates import format_datetime
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from feedback.accounts.models import User
from feedback.brand.services import current_brand
from feedback.complaints.reply_address import reply_address


@dataclass
class CaseEmail:
    subject: str
    text: str
    html: str | None = None


def case_url(case) -> str:
    """The case page's address, for staff email."""
    return f"{current_app.config['BASE_URL']}/cases/{case.id}"


def user_locale(user: User) -> str:
    """The language a member of staff reads mail in."""
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def in_zone(user: User, moment) -> str:
    """A time as the reader sees it: in their own zone, in their language."""
    zone = user.timezone or current_app.config["BABEL_DEFAULT_TIMEZONE"]
    # flask_babel's format_datetime uses the request's zone; the worker has no request.
    return format_datetime(moment, "medium", tzinfo=zone, locale=user_locale(user)) + f" ({zone})"


def reply_message(case, agent: User, subject: str, body: str, locale: str) -> CaseEmail:
    """What the customer receives: the agent's words, signed, with the case number."""
    with force_locale(locale):
        reference = _("Case #%(id)s", id=case.id)
        if f"#{case.id}" not in subject:  # a template may have put it in already
            subject = f"{subject} [{reference}]"
        brand = current_brand()
        context = {
            "body": body,
            "agent": agent,
            "reference": reference,
            "company": brand.name(locale),
            "support_address": brand.support_address,
            "logo_url": brand.logo_url(),
            # only an address that leads back to the case is worth inviting a reply to
            "can_reply": reply_address(case.id) is not None,
        }
        text = render_template("complaints/email/reply.txt", **context)
        html = render_template("complaints/email/reply.html", **context)
    return CaseEmail(subject, text, html)


def warning_message(case, user: User) -> CaseEmail:
    """To the owner, or to every agent while nobody owns the case: 20% of the time left."""
    with force_locale(user_locale(user)):
        subject = _("Due soon: case #%(id)s", id=case.id)
        text = render_template(
            "complaints/email/warning.txt",
            case=case,
            user=user,
            due=in_zone(user, case.first_response_due_at),
            url=case_url(case),
        )
    return CaseEmail(subject, text)


def escalation_message(case, manager: User, what: str) -> CaseEmail:
    """To a manager: a deadline passed (``what`` is "first_response" or "resolution")."""
    with force_locale(user_locale(manager)):
        if what == "first_response":
            subject = _("Overdue: case #%(id)s has had no response", id=case.id)
            due = case.first_response_due_at
        else:
            subject = _("Overdue: case #%(id)s is not resolved", id=case.id)
            due = case.resolution_due_at
        text = render_template(
            "complaints/email/escalation.txt",
            case=case,
            user=manager,
            what=what,
            due=in_zone(manager, due),
            url=case_url(case),
        )
    return CaseEmail(subject, text)
