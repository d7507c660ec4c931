"""Money as the viewer reads it: the installation's CURRENCY, formatted for the locale."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app
from flask_babel import format_currency


def money(value: Decimal | float | int | None) -> str:
    """``value`` in CURRENCY for the viewer's locale ("CN¥1,234.50", "¥1,234.50"); "—" for
    None."""
    if value is None:
        return "—"
    return format_currency(Decimal(str(value)), current_app.config["CURRENCY"])
