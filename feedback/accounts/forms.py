"""Forms for signing in, own account settings and the admin pages."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from feedback.accounts.models import DEFAULT_API_SCOPES, Role
from feedback.accounts.services import MIN_PASSWORD_LENGTH
from feedback.notify.staff_models import When

ROLE_CHOICES = [
    SelectChoice(Role.AGENT.value, _l("Agent: works the complaint queue")),
    SelectChoice(
        Role.MANAGER.value, _l("Manager: also dashboards, surveys, rules and SLA targets")
    ),
    SelectChoice(Role.ADMIN.value, _l("Admin: also users and API keys")),
]
LOCALE_CHOICES = [
    SelectChoice("", _l("Follow my browser")),
    SelectChoice("en", "English", render_kw={"lang": "en"}),
    SelectChoice("zh", "简体中文", render_kw={"lang": "zh-Hans"}),
]


def _timezone_choices() -> list[SelectChoice]:
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return [SelectChoice("", _l("Service default")), SelectChoice("UTC")] + [
        SelectChoice(z) for z in zones
    ]


def _new_password_field(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("The password needs %(min)d to %(max)d characters."),
            ),
        ],
        render_kw={"autocomplete": "new-password", "minlength": MIN_PASSWORD_LENGTH},
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = _new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class PreferencesForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES, validate_choice=True)
    timezone = SelectField(_l("Time zone"), validate_choice=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = _timezone_choices()


class NotificationsForm(FlaskForm):
    """What a member of staff hears of: new cases in the queue (agents), and their own."""

    queue = SelectField(
        _l("New cases in the queue"),
        choices=[
            SelectChoice(When.NOW.value, _l("Urgent and high at once, the rest in the digest")),
            SelectChoice(When.DIGEST.value, _l("All in the digest")),
            SelectChoice(When.OFF.value, _l("Off")),
        ],
        validate_choice=True,
    )
    # Checked below rather than by the choices, to say why "off" is refused.
    mine = SelectField(
        _l("My cases: assigned to me, the customer replied, reopened"),
        choices=[
            SelectChoice(When.NOW.value, _l("At once")),
            SelectChoice(When.DIGEST.value, _l("In the digest")),
        ],
        validate_choice=False,
    )

    def validate_mine(self, field) -> None:
        """Someone must hear when a customer writes back to a case they own."""
        if field.data == When.OFF.value:
            raise ValidationError(
                _l("Your own cases cannot be off: nobody else hears when their customer writes.")
            )
        if field.data not in (When.NOW.value, When.DIGEST.value):
            raise ValidationError(_l("Not a valid choice."))


class UserCreateForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    password = _new_password_field(_l("First password"))


class UserEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    active = BooleanField(_l("May sign in"))


class ResetPasswordForm(FlaskForm):
    new_password = _new_password_field(_l("New password"))


class ApiKeyForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("Say which system uses it, for example: web shop."),
    )
    scopes = SelectMultipleField(
        _l("What the key may do"),
        choices=[
            SelectChoice("ingest", _l("ingest: send touchpoints")),
            SelectChoice("read", _l("read: answers, cases, customers and summaries")),
            SelectChoice("admin", _l("admin: erase and export customers")),
        ],
        default=list(DEFAULT_API_SCOPES),
        validators=[DataRequired(message=_l("Choose at least one scope."))],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
