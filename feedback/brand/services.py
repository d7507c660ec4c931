"""Reading and saving the brand settings.

Read on every customer page and every email, so a request reads the row once (kept on
``g``); nothing keeps it longer, so a saved change shows at once in every process. The
worker, which has no request, reads it where it renders (once per batch of invitations).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import formataddr, parseaddr

import filetype
from flask import current_app, g, has_request_context
from sqlalchemy import select

from feedback.brand.models import BrandSettings
from feedback.extensions import db
from feedback.timeutil import utcnow

#: The logo is shown on phones and in mail: half a megabyte is plenty.
MAX_LOGO_BYTES = 512 * 1024
#: Raster images only: an SVG can carry scripts, and some mail clients show none.
LOGO_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/gif"})


class BrandError(ValueError):
    """A value the brand settings refuse; the message is for the admin."""


@dataclass(frozen=True)
class Brand:
    """The brand as mail and pages use it; every field empty when none is set."""

    company_name: str | None = None
    company_name_zh: str | None = None
    has_logo: bool = False
    sender_name: str | None = None
    sender_address: str | None = None
    support_address: str | None = None
    colour: str | None = None
    promise_email: bool = False
    updated_at: datetime | None = None

    def name(self, locale: str | None) -> str | None:
        """The company's name for a reader of ``locale`` (Chinese falls back to English)."""
        if str(locale) == "zh" and self.company_name_zh:
            return self.company_name_zh
        return self.company_name

    @property
    def stamp(self) -> str:
        """Changes with every save: in the URLs of the logo and the stylesheet."""
        return str(int(self.updated_at.timestamp())) if self.updated_at else "0"

    def logo_url(self) -> str | None:
        """The logo's absolute address (mail needs one), or None without a logo."""
        if not self.has_logo:
            return None
        return f"{current_app.config['BASE_URL']}/brand/logo?v={self.stamp}"


_COLUMNS = (
    BrandSettings.company_name,
    BrandSettings.company_name_zh,
    BrandSettings.logo_type.is_not(None),
    BrandSettings.sender_name,
    BrandSettings.sender_address,
    BrandSettings.support_address,
    BrandSettings.colour,
    BrandSettings.promise_email,
    BrandSettings.updated_at,
)


def current_brand() -> Brand:
    """The brand as saved now (once per request), or the empty brand."""
    if has_request_context() and "brand" in g:
        return g.brand
    row = db.session.execute(select(*_COLUMNS).where(BrandSettings.id == 1)).first()
    brand = Brand(*row) if row else Brand()
    if has_request_context():
        g.brand = brand
    return brand


def sender(brand: Brand | None = None) -> str:
    """The From of every message: the brand's name and address, each falling back to
    MAIL_DEFAULT_SENDER's."""
    brand = brand or current_brand()
    default_name, default_address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    if not brand.sender_name and not brand.sender_address:
        return current_app.config["MAIL_DEFAULT_SENDER"]
    return formataddr((brand.sender_name or default_name, brand.sender_address or default_address))


def logo_type(data: bytes) -> str:
    """The image type of an uploaded logo, judged by its bytes, not its name; raises
    BrandError for anything but a PNG, JPEG, WebP or GIF within MAX_LOGO_BYTES."""
    if len(data) > MAX_LOGO_BYTES:
        raise BrandError("too_big")
    kind = filetype.guess(data)
    if kind is None or kind.mime not in LOGO_TYPES:
        raise BrandError("not_an_image")
    return kind.mime


def settings_row() -> BrandSettings:
    """The row to edit, made on the first save; locked, so that two admins saving at
    once do not both insert it (PostgreSQL; SQLite has one writer at a time)."""
    row = db.session.get(BrandSettings, 1, with_for_update=True)
    if row is None:
        row = BrandSettings(id=1)
        db.session.add(row)
    return row


def save_brand(values: dict, logo: bytes | None = None, remove_logo: bool = False) -> None:
    """Save the settings (``values`` by column name; empty text saved as none) and the
    logo, if a new one came or the old one goes. The caller commits."""
    row = settings_row()
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip() or None
        if name == "colour" and value:
            value = value.lower()  # one spelling: "#AA3300" and "#aa3300" are one colour
        setattr(row, name, value)
    if logo:
        row.logo_type = logo_type(logo)
        row.logo = logo
    elif remove_logo:
        row.logo, row.logo_type = None, None
    row.updated_at = utcnow()
    db.session.flush()
    if has_request_context():
        g.pop("brand", None)


def logo() -> tuple[bytes, str, datetime] | None:
    """The logo's bytes, type and last change, or None."""
    row = db.session.execute(
        select(BrandSettings.logo, BrandSettings.logo_type, BrandSettings.updated_at).where(
            BrandSettings.id == 1, BrandSettings.logo.is_not(None)
        )
    ).first()
    return tuple(row) if row else None
