"""The form that erases a customer from their page: a reason for the audit log and a
confirmation that says what will happen."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from feedback.forms import NoNulMeta

#: the audit log's detail column holds the reason
REASON_MAX = 500


class EraseForm(FlaskForm):
    """Erase (anonymise) one customer, for good."""

    class Meta(NoNulMeta):
        pass

    reason = TextAreaField(
        _l("Reason"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(message=_l("Say why, for the audit log.")),
            Length(max=REASON_MAX),
        ],
        description=_l(
            "Kept in the audit log, such as \u201cthe customer asked by email on 3 May\u201d. "
            "Write no name or contact details here."
        ),
    )
    # a box rather than a typed word: it works the same in every language
    confirm = BooleanField(
        _l(
            "I understand: their name, email address, phone number, external ids, comments, "
            "replies and mail are removed and their links stop working; scores, times and "
            "tags stay. This cannot be undone."
        ),
        validators=[DataRequired(message=_l("Tick the box to confirm the erasure."))],
    )
