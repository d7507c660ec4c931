"""Forms of the customer's answer page and the staff pages for surveys."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form, HiddenField, IntegerField, RadioField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from feedback.surveys.answers import MAX_COMMENT_LENGTH
from feedback.surveys.models import SurveyKind


def _one_char_line_breaks(value: str | None) -> str | None:
    """Browsers send a line break as CRLF but count it as one character for maxlength."""
    return value.replace("\r\n", "\n") if value else value


class AnswerForm(Form):
    """No CSRF token: the secret link is the credential, and customers' phones may
    refuse the session cookie that a token would need."""

    score = RadioField(coerce=int, validators=[InputRequired(message=_l("Please choose a score."))])
    comment = TextAreaField(
        filters=[_one_char_line_breaks],
        validators=[
            Length(
                max=MAX_COMMENT_LENGTH,
                message=_l("Please keep the comment under %(max)d characters."),
            )
        ],
        render_kw={"maxlength": MAX_COMMENT_LENGTH, "rows": 4},
    )

    def __init__(self, kind: SurveyKind, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.score.choices = [SelectChoice(str(n), str(n)) for n in kind.scale]


class CommentForm(Form):
    """A later post to an answered link: the thank-you page's comment, or the answer page
    of another tab, whose score must match the stored one to change the comment."""

    score = IntegerField(validators=[Optional()])
    comment = AnswerForm.comment
    #: "answer" from the answer page, which must carry the stored score to edit; the
    #: thank-you page's form sends no score and no page
    page = HiddenField()
