"""The invitation email: multipart text and HTML, one tap target per score."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape

from feedback.brand.services import current_brand
from feedback.surveys.models import Invitation, Survey, SurveyKind

#: the buttons' colour without a brand colour
DEFAULT_COLOUR = "#1d4ed8"


@dataclass
class RenderedEmail:
    subject: str
    text: str
    html: str
    headers: dict[str, str]


def scale_labels(kind: SurveyKind) -> tuple[str, str]:
    """The words under the lowest and the highest score, in the current language."""
    return {
        SurveyKind.NPS: (_("Not at all likely"), _("Extremely likely")),
        SurveyKind.CSAT: (_("Very dissatisfied"), _("Very satisfied")),
        SurveyKind.CES: (_("Strongly disagree"), _("Strongly agree")),
    }[kind]


def survey_links(token: str) -> dict[str, str]:
    base = current_app.config["BASE_URL"]
    return {"answer": f"{base}/s/{token}", "unsubscribe": f"{base}/s/{token}/unsubscribe"}


def render_invitation(
    survey: Survey, locale: str, token: str, customer_name: str = "", reminder: bool = False
) -> RenderedEmail:
    """Render the email for one invitation (or its reminder) in ``locale``."""
    links = survey_links(token)
    brand = current_brand()
    with force_locale(locale):
        low, high = scale_labels(survey.kind)
        context = {
            "survey": survey,
            "locale": locale,
            "question": survey.text("question", locale),
            "scores": list(survey.kind.scale),
            "answer_url": links["answer"],
            "unsubscribe_url": links["unsubscribe"],
            "low_label": low,
            "high_label": high,
            "customer_name": customer_name,
            "reminder": reminder,
            "company": brand.name(locale),
            "logo_url": brand.logo_url(),
            "colour": brand.colour or DEFAULT_COLOUR,
            "support_address": brand.support_address,
        }
        subject = survey.text("email_subject", locale)
        if reminder:
            subject = _("Reminder: %(subject)s", subject=subject)
        text = render_template("surveys/email/invitation.txt", **context)
        html = render_template("surveys/email/invitation.html", **context)
    headers = {
        # RFC 8058: mail clients offer one-click unsubscribe and POST to this address.
        "List-Unsubscribe": f"<{links['unsubscribe']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return RenderedEmail(subject, text, html, headers)


def render_for(invitation: Invitation, token: str, reminder: bool = False) -> RenderedEmail:
    return render_invitation(
        invitation.survey,
        invitation.locale or current_app.config["BABEL_DEFAULT_LOCALE"],
        token,
        invitation.customer.name or "",
        reminder,
    )


#: stand-ins rendered once per survey and language, then replaced per customer
_TOKEN_MARK = "FBTOKEN7f3a9c"  # noqa: S105 - a placeholder, not a secret
_NAME_MARK = "FBNAME7f3a9c"


class EmailRenderer:
    """Renders many invitations of a batch: the templates run once per survey, language
    and greeting, and each email is that text with the customer's token and name put in.
    Rendering the templates for every customer cost more than sending the email."""

    def __init__(self):
        self._cache: dict[tuple, RenderedEmail] = {}

    def render(
        self, survey: Survey, locale: str, token: str, name: str, reminder: bool = False
    ) -> RenderedEmail:
        key = (survey.id, locale, reminder, bool(name))
        if key not in self._cache:
            self._cache[key] = render_invitation(
                survey, locale, _TOKEN_MARK, _NAME_MARK if name else "", reminder
            )
        template = self._cache[key]
        safe_name = str(escape(name))
        return RenderedEmail(
            subject=template.subject,
            text=template.text.replace(_TOKEN_MARK, token).replace(_NAME_MARK, name),
            html=template.html.replace(_TOKEN_MARK, token).replace(_NAME_MARK, safe_name),
            headers={k: v.replace(_TOKEN_MARK, token) for k, v in template.headers.items()},
        )
