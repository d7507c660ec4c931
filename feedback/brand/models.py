"""The brand settings: one row, edited by an admin under /admin/brand."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column

from feedback.extensions import db
from feedback.timeutil import UTCDateTime, utcnow


class BrandSettings(db.Model):
    """The single row (id 1); without it, mail and pages look as they always did."""

    __tablename__ = "brand_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_name: Mapped[str | None] = mapped_column(String(100))
    #: shown to customers reading Chinese; the English name when empty
    company_name_zh: Mapped[str | None] = mapped_column(String(100))
    #: the image's bytes: kept in the database so that every app server serves it
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_type: Mapped[str | None] = mapped_column(String(40))
    #: the From of every message, with sender_address; MAIL_DEFAULT_SENDER without
    sender_name: Mapped[str | None] = mapped_column(String(100))
    sender_address: Mapped[str | None] = mapped_column(String(320))
    #: shown to customers: "Questions? Write to ..."
    support_address: Mapped[str | None] = mapped_column(String(320))
    #: "#rrggbb": buttons and links on customer pages and mail
    colour: Mapped[str | None] = mapped_column(String(7))
    #: email the customer what happens next when their answer opens a case
    promise_email: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: changes with every save: in the logo's and the stylesheet's URLs, so caches refresh
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
