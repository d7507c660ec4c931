"""The figures and score cells of the dashboard page, written out in Python.

A page holds a few hundred of them (a breakdown row alone is three scores, each with its
margin, its n and maybe a "few answers" badge). As Jinja macros they cost ~10 µs a call
and a third of the page's time; here they are plain calls, and their words are
translated once per page rather than once per cell.
"""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

#: fewer answers than this are flagged as too few to read (feedback.scoring.MIN_GROUP)
FEW = 30


def figure(value, digits: int = 1) -> str:
    """A number with thousands separators, or a dash for none (the same in en and zh)."""
    return "—" if value is None else f"{value:,.{digits}f}"


class Figures:
    """The page's figure helpers, with their words in the viewer's language."""

    def __init__(self) -> None:
        self._few = Markup(' <span class="badge badge-danger" title="{}">{}</span>').format(
            _("Fewer than 30 answers: too few to read"), _("few answers")
        )
        self._minutes, self._hours, self._days = _("%(n)s min"), _("%(n)s h"), _("%(n)s days")
        self._queue_labels = [
            escape(label)
            for label in (
                _("Open"),
                _("Overdue now"),
                _("Opened in period"),
                _("On time"),
                _("Median first response"),
                _("Median resolution"),
            )
        ]
        self._driver_labels = [
            escape(label)
            for label in (
                _("Unhappy: share"),
                _("Unhappy: answers"),
                _("Happy: share"),
                _("Happy: answers"),
            )
        ]

    num = staticmethod(figure)

    @staticmethod
    def signed(value, digits: int = 1) -> str:
        if value is not None and value > 0:
            return "+" + figure(value, digits)
        return figure(value, digits)

    @staticmethod
    def pm(margin, digits: int = 1) -> Markup:
        if margin is None:
            return Markup("")
        return Markup(f'<span class="muted small">± {figure(margin, digits)}</span>')  # noqa: S704

    def few(self, n) -> Markup:
        return self._few if n and n < FEW else Markup("")

    def hours(self, seconds) -> str:
        """A duration in minutes, hours or days."""
        if seconds is None:
            return "—"
        if seconds < 3600:
            return self._minutes % {"n": figure(seconds / 60, 0)}
        if seconds < 172800:
            return self._hours % {"n": figure(seconds / 3600, 1)}
        return self._days % {"n": figure(seconds / 86400, 1)}

    def score_cells(self, scores) -> Markup:
        """The NPS, CSAT % and CES cells of a breakdown row (summary.Scores)."""
        nps, csat, ces = scores.nps, scores.csat, scores.ces
        return Markup(  # noqa: S704 - numbers and fixed labels (see _cell)
            "".join(
                self._cell(label, sort, value, margin, n, digits)
                for label, sort, value, margin, n, digits in (
                    ("NPS", nps.score, nps.score, nps.margin, nps.n, 1),
                    ("CSAT %", csat.percent, csat.percent, csat.percent_margin, csat.n, 1),
                    ("CES", ces.mean, ces.mean, ces.mean_margin, ces.n, 2),
                )
            )
        )

    def _cell(self, label: str, sort, value, margin, n: int, digits: int) -> str:
        # Numbers and fixed labels only: nothing here needs escaping but the badge, which
        # was escaped when it was made.
        return (
            f'<td data-label="{label}" data-sort="{"" if sort is None else sort}">'
            f"{figure(value, digits)} {self.pm(margin, digits)}"
            f' <span class="muted small">n={int(n)}</span>{self.few(n)}</td>'
        )

    def queue_cells(self, row) -> Markup:
        """Open, overdue, opened, on time and the median times of a queue_health.Row."""
        opened, overdue, period, on_time, first, resolution = self._queue_labels
        first_response, resolved = row.median_first_response, row.median_resolution
        return Markup(  # noqa: S704 - numbers, and words escaped above
            f'<td data-label="{opened}">{int(row.open)}</td>'
            f'<td data-label="{overdue}">{int(row.overdue)}</td>'
            f'<td data-label="{period}">{int(row.opened)}</td>'
            f'<td data-label="{on_time}" data-sort="{_sort(row.on_time_percent)}">'
            f"{figure(row.on_time_percent)}%</td>"
            f'<td data-label="{first}" data-sort="{_sort(first_response)}">'
            f"{escape(self.hours(first_response))}</td>"
            f'<td data-label="{resolution}" data-sort="{_sort(resolved)}">'
            f"{escape(self.hours(resolved))}</td>"
        )

    def driver_cells(self, row: dict) -> Markup:
        """Share and count among unhappy and happy comments of one topic (summary._drivers)."""
        unhappy_share, unhappy, happy_share, happy = self._driver_labels
        return Markup(  # noqa: S704 - numbers, and words escaped above
            f'<td data-label="{unhappy_share}" data-sort="{row["unhappy_share"] or 0}">'
            f"{figure(row['unhappy_share'])}%</td>"
            f'<td data-label="{unhappy}">{int(row["unhappy"])}</td>'
            f'<td data-label="{happy_share}" data-sort="{row["happy_share"] or 0}">'
            f"{figure(row['happy_share'])}%</td>"
            f'<td data-label="{happy}">{int(row["happy"])}</td>'
        )


def _sort(value) -> str:
    return "" if value is None else str(value)
