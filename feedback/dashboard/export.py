"""CSV export of the filtered answers with their tags, streamed a batch at a time so that
memory stays flat however many rows there are."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from feedback.complaints.models import CaseResponse
from feedback.customers.models import Customer
from feedback.dashboard.periods import Period
from feedback.dashboard.queries import Filters
from feedback.extensions import db
from feedback.surveys.models import Response, Survey, TouchpointType
from feedback.tagging.models import ResponseTopic, Topic

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
        "topic": {t.id: t.key for t in db.session.scalars(select(Topic))},
    }


def _batch(period, filters, zone, names, after: int) -> tuple[list[tuple], int]:
    """The CSV rows of the next batch of answers after id ``after``, and the last id."""
    r, c = Response.__table__, Customer.__table__
    rows = db.session.execute(
        select(
            r.c.id,
            r.c.answered_at,
            r.c.survey_id,
            r.c.kind,
            r.c.score,
            r.c.touchpoint_type_id,
            c.c.external_id,
            r.c.tier,
            r.c.locale,
            r.c.comment,
            r.c.language,
            r.c.sentiment,
            r.c.polarity,
        )
        .select_from(r.join(c, c.c.id == r.c.customer_id))
        .where(
            r.c.id > after,
            r.c.answered_at >= period.start(),
            r.c.answered_at < period.end(),
            *filters.where(r),
        )
        .order_by(r.c.id)
        .limit(BATCH)
    ).all()
    if not rows:
        return [], after
    ids = [row.id for row in rows]
    topics: dict[int, list[str]] = {}
    for response_id, topic_id in db.session.execute(
        select(ResponseTopic.response_id, ResponseTopic.topic_id).where(
            ResponseTopic.response_id.in_(ids)
        )
    ):
        topics.setdefault(response_id, []).append(names["topic"].get(topic_id, ""))
    cases = dict(
        db.session.execute(
            select(CaseResponse.response_id, CaseResponse.case_id).where(
                CaseResponse.response_id.in_(ids)
            )
        ).all()
    )
    out = [
        (
            row.id,
            row.answered_at.astimezone(zone).isoformat(timespec="seconds"),
            safe_cell(names["survey"].get(row.survey_id)),
            row.kind.value,
            row.score,
            safe_cell(names["touchpoint"].get(row.touchpoint_type_id)),
            safe_cell(row.external_id),
            safe_cell(row.tier),
            row.locale,
            safe_cell(row.comment),
            row.language or "",
            row.sentiment.value if row.sentiment else "",
            "" if row.polarity is None else f"{row.polarity:.3f}",
            safe_cell(",".join(sorted(topics.get(row.id, [])))),
            cases.get(row.id, ""),
        )
        for row in rows
    ]
    return out, ids[-1]
