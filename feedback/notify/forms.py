"""The form for adding a hook."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from feedback.notify.webhook_models import EVENT_LABELS, KIND_LABELS, HookKind


class HookForm(FlaskForm):
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    url = StringField(
        _l("URL"),
        validators=[
            DataRequired(),
            Length(max=2000),
            URL(require_tld=False, message=_l("Enter an http:// or https:// URL.")),
        ],
        description=_l("The robot's or the receiving system's address."),
    )
    events = SelectMultipleField(
        _l("Events"),
        choices=[SelectChoice(name, label) for name, label in EVENT_LABELS.items()],
        # checked in validate_events: DataRequired would mark every box required
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    language = SelectField(
        _l("Language of chat messages"),
        choices=[SelectChoice("en", "English"), SelectChoice("zh", "简体中文")],
        default="en",
    )
    secret = PasswordField(
        _l("Signing secret (DingTalk, Feishu)"),
        validators=[Optional(), Length(max=200)],
        description=_l("Optional. Kept to sign each message and never shown again."),
        render_kw={"autocomplete": "off"},
    )

    def validate_events(self, field) -> None:
        """At least one event."""
        if not field.data:
            raise StopValidation(_l("Choose at least one event."))

    def __init__(self, *args, kinds: list[HookKind], **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(kind.value, KIND_LABELS[kind]) for kind in kinds]


class HookEditForm(FlaskForm):
    """What may change on a hook: its events, language and signing secret (write-only:
    left blank, the stored one stays). A new URL is a new hook."""

    events = HookForm.events
    language = HookForm.language
    secret = HookForm.secret
    validate_events = HookForm.validate_events
