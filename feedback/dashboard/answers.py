"""The answers themselves, a page at a time and oldest first, for the CSV export and
GET /api/v1/responses (the counts are in feedback.dashboard.queries)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from feedback.dashboard.filters import Filters
from feedback.dashboard.periods import Period
from feedback.extensions import db
from feedback.surveys.models import Response
from feedback.tagging.models import ResponseTopic


@dataclass
class AnswerPage:
    """Answers after an id, oldest first, with their topics' keys and their case's id."""

    rows: list
    topics: dict[int, list[str]]
    cases: dict[int, int]


def answers_after(period: Period, filters: Filters, after: int, limit: int) -> AnswerPage:
    """Up to ``limit`` answers of the period with an id above ``after`` (keyset paging:
    stable while new answers arrive), for the CSV export and GET /api/v1/responses."""
    from feedback.complaints.models import CaseResponse
    from feedback.customers.models import Customer
    from feedback.tagging.models import Topic

    r, c = Response.__table__, Customer.__table__
    rows = db.session.execute(
        select(r, c.c.external_id)
        .select_from(r.join(c, c.c.id == r.c.customer_id))
        .where(
            r.c.id > after,
            r.c.answered_at >= period.start(),
            r.c.answered_at < period.end(),
            *filters.where(r),
        )
        .order_by(r.c.id)
        .limit(limit)
    ).all()
    ids = [row.id for row in rows]
    topics: dict[int, list[str]] = {}
    cases: dict[int, int] = {}
    if ids:
        for response_id, key in db.session.execute(
            select(ResponseTopic.response_id, Topic.key)
            .join(Topic, Topic.id == ResponseTopic.topic_id)
            .where(ResponseTopic.response_id.in_(ids))
            .order_by(Topic.key)
        ):
            topics.setdefault(response_id, []).append(key)
        cases = dict(
            db.session.execute(
                select(CaseResponse.response_id, CaseResponse.case_id).where(
                    CaseResponse.response_id.in_(ids)
                )
            ).all()
        )
    return AnswerPage(rows, topics, cases)
