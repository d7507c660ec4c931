"""CSV export of the filtered answers with their tags, streamed a batch at a time so that
memory stays flat however many rows there are."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from feedback.dashboard.answers import Filters, answers_after
from feedback.dashboard.periods import Period
from feedback.extensions import db
from feedback.surveys.models import Survey, TouchpointType

BATCH = 2000
HEADER = (
    "response_id",
    "answered_at",
    "survey",
    "kind",
    "score",
    "touchpoint",
    "customer",
    "tier",
    "answered_in",
    "comment",
    "comment_language",
    "sentiment",
    "polarity",
    "topics",
    "case_id",
)
#: a spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str | None) -> str:
    """Text as a spreadsheet shows it, never as a formula: a leading ' disarms it."""
    if not value:
        return ""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def rows_as_csv(period: Period, filters: Filters, zone: str) -> Iterator[str]:
    """The CSV text, a batch of rows per chunk, times in ``zone``.

    The server sends the chunks after the view has returned, so each batch is read in an
    application context (and database session) of its own, opened and closed between
    two chunks: nothing is held while the client reads.
    """
    app = current_app._get_current_object()
    tz = ZoneInfo(zone)

    def chunks():
        with app.app_context():
            names = _names()
        yield "\ufeff" + _csv([HEADER])  # the byte-order mark: Excel then reads UTF-8
        after = 0
        while True:
            with app.app_context():
                rows, after = _batch(period, filters, tz, names, after)
            if not rows:
                return
            yield _csv(rows)

    return chunks()


def _csv(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _names() -> dict[str, dict[int, str]]:
    return {
        "survey": {s.id: s.name for s in db.session.scalars(select(Survey))},
        "touchpoint": {t.id: t.key for t in db.session.scalars(select(TouchpointType))},
    }


def _batch(period, filters, zone, names, after: int) -> tuple[list[tuple], int]:
    """The CSV rows of the next batch of answers after id ``after``, and the last id."""
    page = answers_after(period, filters, after, BATCH)
    if not page.rows:
        return [], after
    out = [
        (
            row.id,
            row.answered_at.astimezone(zone).isoformat(timespec="seconds"),
            safe_cell(names["survey"].get(row.survey_id)),
            row.kind.value,
            row.score,
            safe_cell(names["touchpoint"].get(row.touchpoint_type_id)),
            safe_cell(row.customer_external_id),
            safe_cell(row.tier),
            row.locale,
            safe_cell(row.comment),
            row.language or "",
            row.sentiment.value if row.sentiment else "",
            "" if row.polarity is None else f"{row.polarity:.3f}",
            safe_cell(",".join(page.topics.get(row.id, []))),
            page.cases.get(row.id, ""),
        )
        for row in page.rows
    ]
    return out, page.rows[-1].id
