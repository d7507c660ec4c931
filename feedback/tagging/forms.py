"""The form of the topic pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from feedback.forms import NoNulMeta

MAX_KEYWORDS_LENGTH = 4000


class TopicForm(FlaskForm):
    class Meta(NoNulMeta):
        pass

    key = StringField(
        _l("Key"),
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(r"^[a-z0-9_-]+$", message=_l("Lower-case letters, digits, - and _ only.")),
        ],
    )
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=80)])
    name_zh = StringField(_l("Name in Chinese"), validators=[DataRequired(), Length(max=80)])
    keywords_en = TextAreaField(
        _l("English keywords"),
        validators=[Optional(), Length(max=MAX_KEYWORDS_LENGTH)],
        description=_l(
            'One per line or separated by commas. Whole words: "price" also finds "prices" '
            'but not "priceless"; end with * for any ending ("refund*"); several words '
            'match in a row ("customer service").'
        ),
    )
    keywords_zh = TextAreaField(
        _l("Chinese keywords"),
        validators=[Optional(), Length(max=MAX_KEYWORDS_LENGTH)],
        description=_l(
            "One per line or separated by commas. Whole words as jieba cuts them: "
            "退款 finds 我要退款 but 退 does not find 退出."
        ),
    )
    active = BooleanField(_l("Active: new and stored comments are tagged with it"), default=True)
