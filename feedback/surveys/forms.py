"""Forms of the customer's answer page and the staff pages for surveys."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form, RadioField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Length

from feedback.surveys.answers import MAX_COMMENT_LENGTH
from feedback.surveys.models import SurveyKind


class AnswerForm(Form):
    """No CSRF token: the secret link is the credential, and customers' phones may
    refuse the session cookie that a token would need."""

    score = RadioField(coerce=int, validators=[InputRequired(message=_l("Please choose a score."))])
    comment = TextAreaField(
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
    comment = AnswerForm.comment
