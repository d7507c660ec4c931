"""CSV export of the filtered answers with their tags, streamed a batch at a time so that
memory stays flat however many rows there are."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from feedback.dashboard.answers import Filters, answers_after, in_period
from feedback.dashboard.periods import Period
from feedback.extensions import db
from feedback.surveys.models import Response, Survey, TouchpointType

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


def describe(reading) -> str:
    """The export's filters in words, for the audit log ("2026-11-06 to 2026-12-05;
    survey: NPS after purchase; tier: gold"): the same in any language, and never a
    comment or a customer (feedback.dashboard.reading.Reading)."""
    form, period = reading.form, reading.period
    surveys = {str(s.id): s.name for s in reading.surveys}
    parts = [f"{period.first.isoformat()} to {period.last.isoformat()}"]
    shown = {
        "survey": surveys.get(form.survey.data or ""),
        "touchpoint": form.touchpoint.data,
        "tier": form.tier.data,
        "language": form.language.data,
    }
    parts += [f"{name}: {value}" for name, value in shown.items() if value]
    return "; ".join(parts)


def counted(period: Period, filters: Filters) -> tuple[int, int]:
    """How many answers the export holds, and the last one's id (0 when none): the export
    stops there, so that the audit log's count is the file's, whatever arrives while it
    downloads."""
    query = select(func.count(), func.coalesce(func.max(Response.id), 0)).select_from(Response)
    count, last = db.session.execute(filters.answers(in_period(query, period))).one()
    return count, last


def rows_as_csv(period: Period, filters: Filters, zone: str, through: int) -> Iterator[str]:
    """The CSV text, a batch of rows per chunk, times in ``zone``, answers up to the id
    ``through`` (see counted()).

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
                rows, after = _batch(period, filters, tz, names, after, through)
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


def _batch(period, filters, zone, names, after: int, through: int) -> tuple[list[tuple], int]:
    """The CSV rows of the next batch of answers after id ``after``, and the last id."""
    page = answers_after(period, filters, after, BATCH, through)
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
