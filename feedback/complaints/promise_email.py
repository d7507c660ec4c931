"""The short email that tells a customer whose answer opened a case what happens next,
when the brand settings ask for it: the thank-you page's words, by mail, in the
customer's language, with the brand. Sent by the worker after the case is committed
(a reaction to CaseOpened): the answer's request stays fast and sends nothing."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from feedback import events
from feedback.brand.services import current_brand
from feedback.complaints.configuration.settings import queue_config
from feedback.complaints.models import Case
from feedback.complaints.reply_address import reply_headers
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage
from feedback.outbox.services import queue_email
from feedback.promise import promise_lines
from feedback.surveys.models import Response


def promise_message_id(case_id: int) -> str:
    """The email's Message-ID, fixed per case: it is what makes the email go once."""
    return f"<case-{case_id}-promise@feedback.local>"


def email_promise(event: events.CaseOpened) -> None:
    """Queue the email for a case an answer opened, once, while the case still awaits
    its first response; nothing when the setting is off or the customer has no address."""
    brand = current_brand()
    if not brand.promise_email or event.response_id is None:
        return
    case = db.session.get(Case, event.case_id)
    if case is None or not case.is_active or case.first_responded_at is not None:
        return  # the team has been in touch already: a promise now would come too late
    address = case.customer.email
    message_id = promise_message_id(case.id)
    if not address or db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.message_id == message_id)
    ):
        return
    response = db.session.get(Response, event.response_id)
    locale = (
        (response and response.locale)
        or case.customer.locale
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )
    zone = queue_config().calendar.zone
    with force_locale(locale):
        company = brand.name(locale)
        if company:
            subject = _("%(company)s: what happens next with your feedback", company=company)
        else:
            subject = _("What happens next with your feedback")
        context = {
            "lines": promise_lines(case.first_response_due_at, zone, locale),
            "name": case.customer.name,
            "reference": _("Case #%(id)s", id=case.id),
            "company": company,
            "support_address": brand.support_address,
            "logo_url": brand.logo_url(),
            "locale": locale,
        }
        text = render_template("complaints/email/promise.txt", **context)
        html = render_template("complaints/email/promise.html", **context)
    queued = queue_email(
        address,
        f"{subject} [{context['reference']}]",
        text,
        html,
        # it invites a reply: that reply comes back to the case, as one to an agent's does
        headers={"Auto-Submitted": "auto-generated", **reply_headers(case.id)},
        kind="case_promise",
    )
    queued.message_id = message_id
    db.session.flush()
