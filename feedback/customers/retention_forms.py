"""The admin's retention form: months per kind of personal data, empty for ever."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from feedback.customers.retention import KINDS, MAX_MONTHS

_MONTHS = NumberRange(
    min=1,
    max=MAX_MONTHS,
    message=_l("Enter a whole number of months from 1 to 240, or leave it empty to keep for ever."),
)


def _months(label, description) -> IntegerField:
    return IntegerField(label, validators=[Optional(), _MONTHS], description=description)


class RetentionForm(FlaskForm):
    comments_months = _months(
        _l("Comments and case conversations (months)"),
        _l(
            "Comments older than this are erased from answers, and the texts of replies, "
            "notes, calls and customers' emails from cases; scores, tags and the cases "
            "themselves stay."
        ),
    )
    contacts_months = _months(
        _l("Contact details of customers with no activity (months)"),
        _l(
            "Customers with no touchpoint, answer or case activity for this long lose their "
            "name, email address, phone number and external id; their scores stay."
        ),
    )
    inbound_months = _months(
        _l("Inbound mail and attachments (months)"),
        _l(
            "Customers' emails older than this lose the original message, its texts, "
            "addresses and attachments; the copy on the case follows the comments setting."
        ),
    )
    outbox_months = _months(
        _l("Sent mail in the outbox (months)"),
        _l(
            "Emails sent longer ago than this lose their recipient, subject and text; mail "
            "still waiting to go out is never touched."
        ),
    )

    def months(self) -> dict[str, int | None]:
        """Each kind's months, None for an empty field."""
        return {kind: getattr(self, f"{kind}_months").data for kind in KINDS}
