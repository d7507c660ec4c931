"""Answers with filters: the one model behind the dashboard's counts, the Answers list, the
CSV export and GET /api/v1/responses.

The dashboard's filters (survey, touchpoint, tier, language answered in) apply to any
table with those columns, the daily summaries as well as the answers; the Answers list
adds filters on the comment's tags, which only the answers have.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, select

from feedback.complaints.models import CaseResponse
from feedback.customers.models import Customer
from feedback.dashboard.periods import Period
from feedback.extensions import db
from feedback.surveys.models import (
    Invitation,
    Response,
    SentimentLabel,
    SurveyKind,
    TouchpointEvent,
)
from feedback.tagging.models import ResponseTopic, Topic

#: the group columns the dashboard's filters compare
DIMENSIONS = ("survey_id", "touchpoint_type_id", "tier", "locale")


@dataclass(frozen=True)
class Filters:
    """What a manager narrowed the answers to; None means any."""

    survey_id: int | None = None
    touchpoint_type_id: int | None = None
    tier: str | None = None
    #: the language the survey was answered in
    locale: str | None = None
    #: the follow-up CSAT after a complaint: reported apart, unless asked for by name
    followup_survey_id: int | None = None
    #: the comment's tags (the Answers list)
    sentiment: SentimentLabel | None = None
    language: str | None = None
    topic_key: str | None = None
    commented: bool = False
    #: the Answers list opened from a figure (heat map, drivers): the answers of one kind,
    #: from ``since`` up to ``until`` (UTC), with an event property of a value ("" for
    #: not set)
    kind: SurveyKind | None = None
    since: datetime | None = None
    until: datetime | None = None
    property_key: str | None = None
    property_value: str | None = None

    def shape(self) -> tuple[str, ...]:
        """The names of the dashboard's conditions that apply (a statement is built once
        per shape, see bound())."""
        names = [name for name in DIMENSIONS if getattr(self, name) is not None]
        if self.survey_id is None and self.followup_survey_id is not None:
            names.append("not_survey_id")
        return tuple(names)

    def params(self) -> dict[str, object]:
        """The values of bound(columns, self.shape())."""
        values = {name: getattr(self, name) for name in DIMENSIONS}
        values["not_survey_id"] = self.followup_survey_id
        return {name: values[name] for name in self.shape()}

    def conditions(self, columns) -> list:
        """The dashboard's conditions on the dimension columns found in ``columns`` (a
        table's ``.c``, or a dict of expressions by name)."""
        params = self.params()
        return [condition(columns, name, params[name]) for name in self.shape()]

    def where(self, table) -> list:
        """The dashboard's conditions on a table with the dimension columns."""
        return self.conditions(table.c)

    def answers(self, query: Select) -> Select:
        """``query`` of Response narrowed by every filter, tags included."""
        query = query.where(*self.where(Response.__table__))
        if self.sentiment is not None:
            query = query.where(Response.sentiment == self.sentiment)
        if self.language:
            query = query.where(Response.language == self.language)
        if self.topic_key:
            topic = select(ResponseTopic.response_id).join(Topic)
            query = query.where(Response.id.in_(topic.where(Topic.key == self.topic_key)))
        if self.commented:
            query = query.where(Response.comment.is_not(None))
        if self.kind is not None:
            query = query.where(Response.kind == self.kind)
        if self.since is not None:
            query = query.where(Response.answered_at >= self.since)
        if self.until is not None:
            query = query.where(Response.answered_at < self.until)
        if self.property_key:
            value = TouchpointEvent.properties[self.property_key].as_string()
            events = (
                select(Invitation.id)
                .join(TouchpointEvent, TouchpointEvent.id == Invitation.event_id)
                .where(value.is_(None) if not self.property_value else value == self.property_value)
            )
            query = query.where(Response.invitation_id.in_(events))
        return query


def condition(columns, name: str, value):
    """One of the dashboard's conditions; the follow-up survey is reported apart."""
    if name == "not_survey_id":
        return columns["survey_id"] != value
    return columns[name] == value


def bound(columns, shape: tuple[str, ...]) -> list:
    """Filters.conditions with a parameter in place of each value (named as in params())."""
    return [condition(columns, name, bindparam(name)) for name in shape]


def in_period(query: Select, period: Period) -> Select:
    return query.where(Response.answered_at >= period.start(), Response.answered_at < period.end())


@dataclass
class AnswerPage:
    """Answers after an id, oldest first, with their topics' keys and their case's id."""

    rows: list
    topics: dict[int, list[str]]
    cases: dict[int, int]


def answers_after(
    period: Period, filters: Filters, after: int, limit: int, through: int | None = None
) -> AnswerPage:
    """Up to ``limit`` answers of the period with an id above ``after`` (keyset paging:
    stable while new answers arrive), and at most ``through`` when given, for the CSV
    export and GET /api/v1/responses."""
    query = select(Response.__table__, Customer.external_id.label("customer_external_id")).join(
        Customer, Customer.id == Response.customer_id
    )
    query = filters.answers(in_period(query, period)).where(Response.id > after)
    if through is not None:
        query = query.where(Response.id <= through)
    rows = db.session.execute(query.order_by(Response.id).limit(limit)).all()
    ids = [row.id for row in rows]
    return AnswerPage(rows, topic_keys(ids), case_ids(ids))


def topic_keys(ids: list[int]) -> dict[int, list[str]]:
    """The keys of each answer's topics."""
    found: dict[int, list[str]] = {}
    if ids:
        for response_id, key in db.session.execute(
            select(ResponseTopic.response_id, Topic.key)
            .join(Topic, Topic.id == ResponseTopic.topic_id)
            .where(ResponseTopic.response_id.in_(ids))
            .order_by(Topic.key)
        ):
            found.setdefault(response_id, []).append(key)
    return found


def case_ids(ids: list[int]) -> dict[int, int]:
    """The case each answer is on, if any."""
    if not ids:
        return {}
    query = select(CaseResponse.response_id, CaseResponse.case_id)
    return dict(db.session.execute(query.where(CaseResponse.response_id.in_(ids))).all())
