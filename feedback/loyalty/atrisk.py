"""Who to call today: the customers at risk of leaving, why, and what they are worth.

A customer is on the list for any of these reasons (definitions.py says them in words):

- ``detractor_no_purchase``: their latest NPS detractor answer of the last W days has no
  purchase after it;
- ``case_reopened``: a case of theirs was reopened and is still in the queue;
- ``case_open``: their case in the queue is past its running deadline (the queue's
  Overdue view): a case still inside its deadline is being worked, not at risk;
- ``score_fell``: their latest answer on a survey, given in the last W days, fell from
  the answer before on that survey by definitions.SCORE_FALL or more;
- ``rfm_at_risk``: their RFM segment is one of definitions.AT_RISK_SEGMENTS.

One query finds the reasons (a UNION ALL, grouped by customer) with each customer's value
at risk, purchases less refunds in the last RFM_DAYS, and returns a page sorted by that
value, then by the most recent reason; a second reads the reasons of that page's
customers, a third their open cases.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Integer,
    Numeric,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased

from feedback import scoring
from feedback.complaints.models import Case, CaseEvent, CaseStatus
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.loyalty import definitions
from feedback.loyalty.models import CustomerRfm
from feedback.surveys.models import Response, SurveyKind, TouchpointEvent, TouchpointType
from feedback.timeutil import UTCDateTime
from feedback.urls import MAX_ID

REASONS = ("detractor_no_purchase", "case_reopened", "case_open", "score_fell", "rfm_at_risk")
REASON_LABELS = {
    "detractor_no_purchase": _l("Detractor, no purchase since"),
    "case_reopened": _l("Case reopened"),
    "case_open": _l("Case overdue"),
    "score_fell": _l("Score fell"),
    "rfm_at_risk": _l("RFM: at risk"),
}
#: the most a caller may ask for at once
MAX_LIMIT = 200
CENT = Decimal("0.01")


class BadCursor(ValueError):
    """A cursor this module did not give."""


@dataclass(frozen=True)
class Reason:
    """Why one customer is on the list."""

    key: str
    at: datetime
    score: int | None = None
    #: the score before, for a fall
    previous: int | None = None
    case_id: int | None = None
    #: the survey kind of a fall, the RFM segment
    note: str | None = None

    @property
    def label(self) -> str:
        """The reason's name in the viewer's language."""
        return str(REASON_LABELS[self.key])

    def sentence(self) -> str:
        """The reason in a sentence with its date (in the viewer's zone) and score."""
        day = format_date(self.at, "medium")
        if self.key == "detractor_no_purchase":
            return _("Scored %(score)s on %(date)s, no purchase since", score=self.score, date=day)
        if self.key == "case_reopened":
            return _("Case #%(case)s reopened on %(date)s", case=self.case_id, date=day)
        if self.key == "case_open":
            return _("Case #%(case)s overdue since %(date)s", case=self.case_id, date=day)
        if self.key == "score_fell":
            return _(
                "%(kind)s fell from %(before)s to %(after)s on %(date)s",
                kind=(self.note or "").upper(),
                before=self.previous,
                after=self.score,
                date=day,
            )
        segment = definitions.SEGMENT_LABELS.get(self.note or "", self.note)
        return _("In the RFM segment “%(segment)s” since %(date)s", segment=segment, date=day)


@dataclass
class AtRisk:
    """One customer of the list."""

    customer_id: int
    external_id: str
    name: str
    tier: str | None
    #: purchases less refunds in the last RFM_DAYS
    value: Decimal
    #: the most recent reason's time
    latest: datetime
    unsubscribed: bool
    reasons: list[Reason] = field(default_factory=list)
    #: their case in the queue, if any
    case_id: int | None = None

    @property
    def cursor(self) -> str:
        """Pass as ``after`` for the customers after this one."""
        raw = json.dumps([str(self.value), self.latest.isoformat(), self.customer_id])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def at_risk(
    now: datetime,
    limit: int,
    after: str | None = None,
    *,
    tier: str | None = None,
    reason: str | None = None,
) -> list[AtRisk]:
    """Up to ``limit`` customers at risk at ``now``, the most valuable first (then the most
    recent reason), after the cursor ``after``; only those of ``tier`` or with ``reason``
    when given. Raises BadCursor for a cursor this module did not give."""
    reasons = _reasons(now).subquery("reasons")
    grouped = select(reasons.c.customer_id, func.max(reasons.c.at).label("latest")).group_by(
        reasons.c.customer_id
    )
    if reason is not None:
        grouped = grouped.having(func.max(case((reasons.c.reason == reason, 1), else_=0)) == 1)
    # a CTE: the values' subquery reads it too, and it is computed once
    grouped = grouped.cte("grouped")
    values = _values(now, select(grouped.c.customer_id)).subquery("worth")
    # rounded to the cent in SQL: SQLite sums in floating point, and the cursor's value
    # must equal the row's for ties to page right
    value = func.round(func.coalesce(values.c.value, 0), 2, type_=Numeric(14, 2))
    query = (
        select(Customer, grouped.c.latest, value.label("value"))
        .join(grouped, grouped.c.customer_id == Customer.id)
        .outerjoin(values, values.c.customer_id == Customer.id)
        .order_by(value.desc(), grouped.c.latest.desc(), Customer.id.desc())
        .limit(limit)
    )
    if tier:
        query = query.where(func.lower(Customer.tier) == tier.strip().lower())
    if after:
        worth, latest, customer_id = _read_cursor(after)
        query = query.where(
            or_(
                value < worth,
                and_(value == worth, grouped.c.latest < latest),
                and_(value == worth, grouped.c.latest == latest, Customer.id < customer_id),
            )
        )
    found = [
        AtRisk(
            customer_id=customer.id,
            external_id=customer.external_id,
            name=customer.display_name,
            tier=customer.tier,
            value=Decimal(worth).quantize(CENT),
            latest=latest,
            unsubscribed=customer.unsubscribed_at is not None,
        )
        for customer, latest, worth in db.session.execute(query)
    ]
    _fill(found, reasons)
    return found


def reasons_of(customer_id: int, now: datetime) -> list[Reason]:
    """Why one customer is at risk at ``now``, the most recent reason first; [] if not."""
    reasons = _reasons(now).subquery("reasons")
    rows = db.session.execute(
        select(reasons)
        .where(reasons.c.customer_id == customer_id)
        .order_by(reasons.c.at.desc(), reasons.c.reason)
    )
    return [Reason(r.reason, r.at, r.score, r.previous, r.case_id, r.note) for r in rows]


def _read_cursor(cursor: str) -> tuple[Decimal, datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        worth, latest, customer_id = json.loads(raw)
        worth, latest = Decimal(worth), datetime.fromisoformat(latest)
        customer_id = int(customer_id)
        if latest.tzinfo is None:
            raise BadCursor(cursor)
        # in UTC here, where a year 1 or 9999 moment overflows, not in the query
        latest = latest.astimezone(UTC)
        # a value the query compares with Numeric(14, 2): whole cents of 12 digits at most
        if abs(worth) >= 10**12 or worth != worth.quantize(CENT):
            raise BadCursor(cursor)
    # ArithmeticError: decimal's Overflow and InvalidOperation, datetime's OverflowError
    except (ValueError, TypeError, ArithmeticError, binascii.Error) as error:
        raise BadCursor(cursor) from error
    if not 1 <= customer_id <= MAX_ID:
        raise BadCursor(cursor)
    return worth, latest, customer_id


def _fill(found: list[AtRisk], reasons) -> None:
    """The reasons and the case in the queue of the page's customers."""
    by_id = {row.customer_id: row for row in found}
    if not by_id:
        return
    rows = db.session.execute(
        select(reasons)
        .where(reasons.c.customer_id.in_(by_id))
        .order_by(reasons.c.at.desc(), reasons.c.reason)
    )
    for row in rows:
        by_id[row.customer_id].reasons.append(
            Reason(row.reason, row.at, row.score, row.previous, row.case_id, row.note)
        )
    open_cases = db.session.execute(
        select(Case.customer_id, Case.id).where(Case.customer_id.in_(by_id), Case.in_queue())
    )
    for customer_id, case_id in open_cases:
        by_id[customer_id].case_id = case_id


def _values(now: datetime, customers):
    """SQL: each of ``customers``' purchases less refunds in the last RFM_DAYS."""
    return (
        select(
            TouchpointEvent.customer_id,
            func.sum(definitions.signed_value()).label("value"),
        )
        .join(TouchpointType, TouchpointType.id == TouchpointEvent.touchpoint_type_id)
        .where(
            TouchpointEvent.customer_id.in_(customers),
            definitions.in_last_rfm_days(TouchpointEvent.occurred_at, now),
        )
        .group_by(TouchpointEvent.customer_id)
    )


def _row(customer_id, reason: str, at, score=None, previous=None, case_id=None, note=None):
    """The columns every reason query gives, typed alike for the UNION."""
    return (
        customer_id.label("customer_id"),
        cast(literal(reason), String).label("reason"),
        # type_coerce, not CAST: SQLite would read CAST(... AS DATETIME) as a number
        type_coerce(at, UTCDateTime()).label("at"),
        (score if score is not None else cast(null(), Integer)).label("score"),
        (previous if previous is not None else cast(null(), Integer)).label("previous"),
        (case_id if case_id is not None else cast(null(), Integer)).label("case_id"),
        (note if note is not None else cast(null(), String)).label("note"),
    )


def _reasons(now: datetime):
    """SQL: one row per customer and reason."""
    since = now - timedelta(days=definitions.window_days())
    return union_all(
        _detractors(now, since),
        _reopened(),
        _overdue(now),
        _fallen(now, since),
        _segments(),
    )


def _detractors(now: datetime, since: datetime):
    """Each customer's latest NPS detractor answer since ``since``, with no purchase after."""
    detractor_max = scoring.MOOD_BOUNDS["nps"][0]
    ranked = (
        select(
            Response.customer_id,
            Response.score,
            Response.answered_at,
            func.row_number()
            .over(
                partition_by=Response.customer_id,
                order_by=(Response.answered_at.desc(), Response.id.desc()),
            )
            .label("rank"),
        )
        .where(
            Response.kind == SurveyKind.NPS,
            Response.score <= detractor_max,
            Response.answered_at > since,
            Response.answered_at <= now,
        )
        .subquery("detractors")
    )
    bought = (
        exists()
        .where(
            TouchpointEvent.customer_id == ranked.c.customer_id,
            TouchpointEvent.occurred_at > ranked.c.answered_at,
            definitions.is_purchase(),
        )
        .where(TouchpointType.id == TouchpointEvent.touchpoint_type_id)
    )
    return select(
        *_row(ranked.c.customer_id, "detractor_no_purchase", ranked.c.answered_at, ranked.c.score)
    ).where(ranked.c.rank == 1, ~bought)


def _reopened():
    """Cases in the queue that were reopened (resolved -> open), at their latest reopening."""
    return (
        select(*_row(Case.customer_id, "case_reopened", func.max(CaseEvent.at), case_id=Case.id))
        .join(CaseEvent, CaseEvent.case_id == Case.id)
        .where(
            Case.in_queue(),
            CaseEvent.kind == "status",
            CaseEvent.before == CaseStatus.RESOLVED.value,
        )
        .group_by(Case.customer_id, Case.id)
    )


def _overdue(now: datetime):
    """Cases in the queue past their running deadline, since that deadline."""
    return select(*_row(Case.customer_id, "case_open", Case.due_at, case_id=Case.id)).where(
        Case.is_overdue(now)
    )


def _fallen(now: datetime, since: datetime):
    """Customers whose latest answer on a survey, given since ``since``, fell by
    SCORE_FALL or more from their answer before on that survey."""
    later = aliased(Response, name="later")
    before = aliased(Response, name="before")
    newer = or_(
        later.answered_at > Response.answered_at,
        and_(later.answered_at == Response.answered_at, later.id > Response.id),
    )
    older = or_(
        before.answered_at < Response.answered_at,
        and_(before.answered_at == Response.answered_at, before.id < Response.id),
    )
    # one index lookup per recent answer (a customer has few answers on a survey), which
    # stays small where a window over every answer of those customers would not
    previous = (
        select(before.score)
        .where(
            before.customer_id == Response.customer_id,
            before.survey_id == Response.survey_id,
            older,
        )
        .order_by(before.answered_at.desc(), before.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    latest = (
        select(
            Response.customer_id,
            Response.kind,
            Response.score,
            Response.answered_at,
            previous.label("previous"),
        )
        .where(
            Response.answered_at > since,
            Response.answered_at <= now,
            ~exists().where(
                later.customer_id == Response.customer_id,
                later.survey_id == Response.survey_id,
                later.answered_at <= now,
                newer,
            ),
        )
        .subquery("latest")
    )
    fall = case(
        *((latest.c.kind == SurveyKind(kind), n) for kind, n in definitions.SCORE_FALL.items())
    )
    return select(
        *_row(
            latest.c.customer_id,
            "score_fell",
            latest.c.answered_at,
            latest.c.score,
            latest.c.previous,
            note=cast(latest.c.kind, String),
        )
    ).where(latest.c.previous - latest.c.score >= fall)


def _segments():
    """Customers in an at-risk RFM segment, since it was computed."""
    return select(
        *_row(
            CustomerRfm.customer_id,
            "rfm_at_risk",
            CustomerRfm.computed_at,
            note=CustomerRfm.segment,
        )
    ).where(CustomerRfm.segment.in_(definitions.AT_RISK_SEGMENTS))
