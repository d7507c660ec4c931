"""The managers' RFM settings: the cut points of the 1-5 scores, the computed tiers and
which tier the service uses. One row, created with the defaults on first use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Integer, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from feedback.extensions import db
from feedback.timeutil import UTCDateTime, utcnow

_SETTINGS_ID = 1
#: the tier the service uses: the one the API sends, or the one computed from purchases
TIER_SOURCES = ("sent", "computed")

#: Default cut points, each a list of four, strictly increasing:
#: - "r": days since the last purchase; at most 30 days scores 5, at most 60 days 4,
#:   at most 120 days 3, at most 240 days 2, longer ago (or never) 1;
#: - "f": purchases in the last 12 months; at least 2 scores 2, at least 3 scores 3,
#:   at least 4 scores 4, at least 6 scores 5 (none or one: 1);
#: - "m": purchases less refunds in the last 12 months, in CURRENCY; at least 500 scores 2,
#:   1,000 scores 3, 2,000 scores 4, 5,000 scores 5.
DEFAULT_THRESHOLDS = {
    "r": [30, 60, 120, 240],
    "f": [2, 3, 4, 6],
    "m": ["500", "1000", "2000", "5000"],
}


@dataclass(frozen=True)
class Tier:
    """A computed tier: a customer is in it from this 12-month value and frequency on."""

    key: str
    name_en: str
    name_zh: str
    min_value: Decimal
    min_frequency: int

    def name(self, locale: str) -> str:
        """The tier's name in the viewer's language."""
        return self.name_zh if locale.startswith("zh") and self.name_zh else self.name_en

    def as_json(self) -> dict:
        """The tier as stored in the settings row."""
        return {
            "key": self.key,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "min_value": str(self.min_value),
            "min_frequency": self.min_frequency,
        }


@dataclass(frozen=True)
class Thresholds:
    """The cut points of the three scores (see DEFAULT_THRESHOLDS) and the computed tiers,
    lowest first."""

    r: tuple[int, ...]
    f: tuple[int, ...]
    m: tuple[Decimal, ...]
    tiers: tuple[Tier, ...]


class LoyaltySettings(db.Model):
    """One row: RFM cut points, computed tiers and the tier source."""

    __tablename__ = "loyalty_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: {"r": [days x4], "f": [purchases x4], "m": [value strings x4]}
    thresholds: Mapped[dict] = mapped_column(JSON)
    #: [{"key", "name_en", "name_zh", "min_value", "min_frequency"}], lowest first
    tiers: Mapped[list] = mapped_column(JSON)
    #: "sent" or "computed": which tier customers.tier holds
    tier_source: Mapped[str] = mapped_column(String(10), default="sent")
    #: goes up with every change; the worker recomputes everyone when it differs from
    #: rfm_run_version
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: when the worker last computed every customer, and with which version
    rfm_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rfm_run_version: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def current(self) -> Thresholds:
        """The stored cut points and tiers as numbers."""
        tiers = sorted(
            (
                Tier(
                    t["key"],
                    t["name_en"],
                    t.get("name_zh") or "",
                    Decimal(str(t["min_value"])),
                    int(t["min_frequency"]),
                )
                for t in self.tiers
            ),
            key=lambda t: (t.min_value, t.min_frequency),
        )
        return Thresholds(
            r=tuple(int(v) for v in self.thresholds["r"]),
            f=tuple(int(v) for v in self.thresholds["f"]),
            m=tuple(Decimal(str(v)) for v in self.thresholds["m"]),
            tiers=tuple(tiers),
        )


def settings_row() -> LoyaltySettings:
    """The settings row, created with the defaults (and no tiers) the first time."""
    settings = db.session.get(LoyaltySettings, _SETTINGS_ID)
    if settings is not None:
        return settings
    try:
        with db.session.begin_nested():
            db.session.add(
                LoyaltySettings(
                    id=_SETTINGS_ID,
                    thresholds=DEFAULT_THRESHOLDS,
                    tiers=[],
                    tier_source="sent",
                    version=1,
                )
            )
    except IntegrityError:  # another process created it first
        pass
    return db.session.get(LoyaltySettings, _SETTINGS_ID)


def tier_source() -> str:
    """ "sent" or "computed", read without creating the settings row (ingest calls it
    before its first write)."""
    stored = db.session.scalar(
        select(LoyaltySettings.tier_source).where(LoyaltySettings.id == _SETTINGS_ID)
    )
    return stored or "sent"


def tier_names(locale: str) -> dict[str, str]:
    """The computed tiers' names in the viewer's language, by key (for pages that show a
    customer's computed tier)."""
    return {tier.key: tier.name(locale) for tier in settings_row().current().tiers}
