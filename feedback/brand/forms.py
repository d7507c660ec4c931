"""The admin's brand form: every field optional; a bad value is refused with a message
and nothing is saved."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, StringField, ValidationError
from wtforms.validators import Email, Length, Optional, Regexp

from feedback.brand.services import MAX_LOGO_BYTES, BrandError, logo_type


def _logo_is_an_image(form, field) -> None:
    """Read the upload once, judge it by its bytes, and keep them for the route."""
    field.logo_bytes = None
    upload = field.data
    if not upload or not getattr(upload, "filename", None):
        return
    data = upload.read(MAX_LOGO_BYTES + 1)
    if not data:
        return
    try:
        logo_type(data)
    except BrandError as exc:
        if str(exc) == "too_big":
            raise ValidationError(
                _l("The logo may be at most %(kb)d KB.", kb=MAX_LOGO_BYTES // 1024)
            ) from None
        raise ValidationError(_l("The logo must be a PNG, JPEG, WebP or GIF image.")) from None
    field.logo_bytes = data


#: a name goes into mail headers (From): a line break there makes every message fail
ONE_LINE = Regexp(r"^[^\x00-\x1f\x7f]*\Z", message=_l("Write the name on one line."))


class BrandForm(FlaskForm):
    company_name = StringField(
        _l("Company name"), validators=[Optional(), Length(max=100), ONE_LINE]
    )
    company_name_zh = StringField(
        _l("Company name in Chinese"),
        validators=[Optional(), Length(max=100), ONE_LINE],
        description=_l("Shown to customers who read Chinese; the name above when empty."),
    )
    logo = FileField(
        _l("Logo"),
        validators=[_logo_is_an_image],
        description=_l("PNG, JPEG, WebP or GIF, at most 512 KB."),
    )
    remove_logo = BooleanField(_l("Remove the logo"))
    sender_name = StringField(
        _l("Sender name"),
        validators=[Optional(), Length(max=100), ONE_LINE],
        description=_l("The name customers see on every email."),
    )
    sender_address = EmailField(
        _l("Sender address"),
        validators=[
            Optional(),
            Length(max=320),
            Email(message=_l("Enter a valid email address.")),
        ],
        description=_l("Your mail server must be allowed to send from it."),
    )
    support_address = EmailField(
        _l("Support address"),
        validators=[
            Optional(),
            Length(max=320),
            Email(message=_l("Enter a valid email address.")),
        ],
        description=_l("Shown to customers: Questions? Write to this address."),
    )
    colour = StringField(
        _l("Colour"),
        validators=[
            Optional(),
            Regexp(
                r"^#[0-9a-fA-F]{6}\Z",
                message=_l("Enter the colour as # and six hexadecimal digits, like #1d4ed8."),
            ),
        ],
        description=_l("Buttons and links on customer pages and emails, like #1d4ed8."),
    )
    promise_email = BooleanField(
        _l("Email the customer what happens next when their answer opens a case")
    )

    def values(self) -> dict:
        """The settings to save, by column name (the logo apart)."""
        return {
            name: getattr(self, name).data
            for name in (
                "company_name",
                "company_name_zh",
                "sender_name",
                "sender_address",
                "support_address",
                "colour",
                "promise_email",
            )
        }
