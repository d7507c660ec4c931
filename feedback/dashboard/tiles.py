"""The headline tiles of the dashboard: NPS, CSAT, CES and the response rate, each with
its margin and its change from the period before."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from feedback import scoring

if TYPE_CHECKING:
    from feedback.dashboard.summary import Scores


@dataclass
class Tile:
    """One headline figure with its margin and its change from the previous period."""

    key: str
    value: float | None
    margin: float | None
    n: int
    change: scoring.Change
    unit: str = ""


def headline_tiles(
    current: Scores, before: Scores, deliveries: dict[int, tuple[int, int]]
) -> list[Tile]:
    """The headline figures, each with its change from the period before."""
    rate_now = _rate(deliveries.get(0))
    rate_before = _rate(deliveries.get(1))
    return [
        Tile(
            "nps",
            current.nps.score,
            current.nps.margin,
            current.nps.n,
            scoring.change(
                current.nps.score, current.nps.margin, before.nps.score, before.nps.margin
            ),
        ),
        Tile(
            "csat",
            current.csat.percent,
            current.csat.percent_margin,
            current.csat.n,
            scoring.change(
                current.csat.percent,
                current.csat.percent_margin,
                before.csat.percent,
                before.csat.percent_margin,
            ),
            "%",
        ),
        Tile(
            "ces",
            current.ces.mean,
            current.ces.mean_margin,
            current.ces.n,
            scoring.change(
                current.ces.mean, current.ces.mean_margin, before.ces.mean, before.ces.mean_margin
            ),
        ),
        Tile(
            "response_rate",
            rate_now[0],
            rate_now[1],
            deliveries.get(0, (0, 0))[0],
            scoring.change(rate_now[0], rate_now[1], rate_before[0], rate_before[1]),
            "%",
        ),
    ]


def _rate(totals: tuple[int, int] | None) -> tuple[float | None, float | None]:
    delivered, answered = totals or (0, 0)
    answered = min(answered, delivered)
    return scoring.response_rate(answered, delivered), scoring.proportion_margin(
        answered, delivered
    )
