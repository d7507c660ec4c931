"""The customer page's consent forms: putting an unsubscribed customer back on the list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from feedback.forms import NoNulMeta

#: what ConsentEvent.detail holds
MAX_NOTE = 200


class ResubscribeForm(FlaskForm):
    class Meta(NoNulMeta):
        pass

    note = TextAreaField(
        _l("Note (why, and how the customer asked)"),
        validators=[
            DataRequired(message=_l("Say why: the customer's request, and how it came.")),
            Length(max=MAX_NOTE),
        ],
        render_kw={"maxlength": MAX_NOTE, "rows": 2},
    )
