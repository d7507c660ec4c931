"""The heat map: one kind of score (NPS, CSAT %, CES mean) by touchpoint x customer tier,
or x the value of an event property, each cell with its answers and margin. Tiers come
from the daily summaries (score_days); properties, being free-form, from the answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import func, literal_column, select

from feedback import scoring
from feedback.dashboard import queries
from feedback.dashboard.answers import Filters, in_period
from feedback.dashboard.models import SCORES
from feedback.dashboard.periods import Period
from feedback.dashboard.rollups import metric
from feedback.extensions import db
from feedback.surveys.models import Invitation, Response, SurveyKind, TouchpointEvent

DISTRIBUTION = tuple(f"s{score}" for score in SCORES)
#: colour bins: the scale cut into this many equal steps, worst (0) to best
BINS = 7
#: each kind's scale: the figure's lowest and highest value
SCALES = {"nps": (-100.0, 100.0), "csat": (0.0, 100.0), "ces": (1.0, 7.0)}
#: the most columns of property values shown, the most answered first
MAX_COLUMNS = 20


def colour_bin(kind: str, value: float) -> int:
    """The colour step (0 worst to BINS - 1 best) of a figure on its kind's scale."""
    low, high = SCALES[kind]
    return max(0, min(BINS - 1, int((value - low) / (high - low) * BINS)))


def bin_edges(kind: str) -> list[tuple[float, float]]:
    """The (from, to) range of figures of each colour step, for the legend."""
    low, high = SCALES[kind]
    step = (high - low) / BINS
    return [(low + i * step, low + (i + 1) * step) for i in range(BINS)]


@dataclass
class Cell:
    """The answers of one touchpoint and column."""

    kind: str
    counts: dict[int, int]

    @cached_property
    def _figure(self) -> tuple[int, float | None, float | None]:
        """(n, score, margin) by the kind's scoring."""
        if self.kind == "nps":
            nps = scoring.nps(self.counts)
            return nps.n, nps.score, nps.margin
        if self.kind == "csat":
            csat = scoring.csat(self.counts)
            return csat.n, csat.percent, csat.percent_margin
        ces = scoring.ces(self.counts)
        return ces.n, ces.mean, ces.mean_margin

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    @property
    def value(self) -> float | None:
        """The score, None from fewer than scoring.TOO_FEW answers."""
        _n, value, _margin = self._figure
        return scoring.readable(value, self.n)

    @property
    def margin(self) -> float | None:
        """Half the 95% interval's width, None when the score is not shown."""
        _n, _value, margin = self._figure
        return None if self.value is None else margin

    @property
    def few(self) -> bool:
        """Fewer than scoring.FEW answers: greyed, "too few"."""
        return self.n < scoring.FEW

    @property
    def colour(self) -> int | None:
        """The colour step, None for a greyed cell."""
        return None if self.few or self.value is None else colour_bin(self.kind, self.value)


@dataclass
class HeatMap:
    """Rows of touchpoint ids, columns of tiers or property values, cells by (row, column)."""

    kind: str
    rows: list[int]
    columns: list[str | None]
    cells: dict[tuple[int, str | None], Cell]


def heatmap(
    period: Period, filters: Filters, zone: str, kind: SurveyKind, by: str | None = None
) -> HeatMap:
    """The answers of ``kind`` in the period by touchpoint and tier, or by touchpoint and
    the value of the event property ``by``."""
    counts: dict[tuple, list[int]] = {}
    if by is None:
        found = queries.scores(
            [period], filters, zone, ("touchpoint_type_id", "tier", "kind"), DISTRIBUTION
        )
        for (_index, touchpoint, tier, each), vector in found.items():
            if each == kind:
                queries.add_counts(counts, (touchpoint, tier), vector)
    else:
        for touchpoint, value, *vector in _by_property(period, filters, kind, by):
            queries.add_counts(counts, (touchpoint, value), vector)
    cells = {
        key: Cell(kind.value, {s: n for s, n in zip(SCORES, vector, strict=True) if n})
        for key, vector in counts.items()
    }
    answers: dict = {}
    for (_touchpoint, column), cell in cells.items():
        answers[column] = answers.get(column, 0) + cell.n
    if by is None:  # tiers by name, no tier last
        columns = sorted(answers, key=lambda tier: (tier == "", tier))
    else:
        columns = sorted(answers, key=lambda value: -answers[value])[:MAX_COLUMNS]
    rows = sorted({touchpoint for touchpoint, _column in cells})
    return HeatMap(kind.value, rows, columns, cells)


def _by_property(period: Period, filters: Filters, kind: SurveyKind, key: str):
    """Rows of (touchpoint id, property value, *answers per score) of ``kind``."""
    r, i, e = Response.__table__, Invitation.__table__, TouchpointEvent.__table__
    value = TouchpointEvent.properties[key].as_string().label("property_value")
    query = in_period(
        select(
            r.c.touchpoint_type_id,
            value,
            *[func.sum(literal_column(metric(name, "responses"))) for name in DISTRIBUTION],
        )
        .select_from(r.join(i, i.c.id == r.c.invitation_id).join(e, e.c.id == i.c.event_id))
        .where(r.c.kind == kind, *filters.where(r))
        .group_by(r.c.touchpoint_type_id, literal_column("property_value")),
        period,
    )
    return db.session.execute(query).all()
