"""A customer's whole story on one page: standing (tier, RFM, loyalty type, value), score
history as small charts, and a bounded number of answers and touchpoints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.loyalty.definitions import in_last_rfm_days, signed_value
from feedback.loyalty.models import CustomerRfm
from feedback.loyalty.types import customer_loyalty_type
from feedback.surveys.models import (
    Invitation,
    Response,
    SurveyKind,
    TouchpointEvent,
    TouchpointType,
)

#: answers and touchpoints shown before "show all"; all means at most SHOW_ALL
FIRST, SHOW_ALL = 50, 2000
#: answers of a kind the score history draws, the latest
CHART_POINTS = 40


@dataclass
class Story:
    """What the customer page shows besides the customer row and the cases."""

    rfm: CustomerRfm | None
    loyalty_type: str | None
    value_12m: Decimal
    charts: dict[str, Markup]
    responses: list
    answers_total: int
    events: list
    events_total: int


def story(customer: Customer, now: datetime, all_answers: bool, all_events: bool) -> Story:
    """The customer's standing and history; FIRST answers and touchpoints unless all."""
    e, t = TouchpointEvent, TouchpointType
    value = db.session.scalar(
        select(func.coalesce(func.sum(signed_value()), 0))
        .join(t, t.id == e.touchpoint_type_id)
        .where(e.customer_id == customer.id, in_last_rfm_days(e.occurred_at, now))
    )
    events = db.session.scalars(
        select(e)
        .where(e.customer_id == customer.id)
        .order_by(e.occurred_at.desc(), e.id.desc())
        .options(
            selectinload(e.touchpoint_type),
            selectinload(e.invitations).selectinload(Invitation.survey),
            selectinload(e.invitations).selectinload(Invitation.response),
        )
        .limit(SHOW_ALL if all_events else FIRST)
    ).all()
    responses = db.session.scalars(
        select(Response)
        .where(Response.customer_id == customer.id)
        .order_by(Response.answered_at.desc(), Response.id.desc())
        .options(selectinload(Response.survey))
        .limit(SHOW_ALL if all_answers else FIRST)
    ).all()
    count = select(func.count())
    return Story(
        rfm=db.session.get(CustomerRfm, customer.id),
        loyalty_type=customer_loyalty_type(customer.id, now),
        value_12m=Decimal(str(value or 0)).quantize(Decimal("0.01")),  # SQLite sums floats
        charts=_charts(customer.id),
        responses=responses,
        answers_total=db.session.scalar(count.where(Response.customer_id == customer.id)),
        events=events,
        events_total=db.session.scalar(count.where(e.customer_id == customer.id)),
    )


def _charts(customer_id: int) -> dict[str, Markup]:
    """A score history chart per kind the customer answered, from their latest answers."""
    r = Response
    rank = func.row_number().over(partition_by=r.kind, order_by=(r.answered_at.desc(), r.id.desc()))
    ranked = select(r.kind, r.score, r.answered_at, rank.label("n")).where(
        r.customer_id == customer_id
    )
    ranked = ranked.subquery()
    rows = db.session.execute(
        select(ranked.c.kind, ranked.c.score, ranked.c.answered_at)
        .where(ranked.c.n <= CHART_POINTS)
        .order_by(ranked.c.answered_at, ranked.c.score)
    )
    points: dict[SurveyKind, list] = {}
    for kind, score, answered_at in rows:
        points.setdefault(kind, []).append((format_date(answered_at, "medium"), score))
    titles = {
        SurveyKind.NPS: _("NPS answers (0-10)"),
        SurveyKind.CSAT: _("CSAT answers (1-5)"),
        SurveyKind.CES: _("CES answers (1-7)"),
    }
    return {
        kind.value: score_history(titles[kind], points[kind], kind.scale)
        for kind in SurveyKind
        if kind in points
    }


# The house's chart look (feedback/dashboard/charts.py): a fluid viewBox, the app's font,
# no script, no style element; every text escaped.
_W, _H, _TOP, _LEFT, _PX = 440, 150, 30, 28, 14
_INK, _MUTED, _GRID, _LINE = "#1f2937", "#4b5563", "#e5e7eb", "#2563eb"
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'PingFang SC', 'Microsoft YaHei', "
_FONT += "'Noto Sans CJK SC', sans-serif"


def score_history(title: str, points: list[tuple[str, int]], scale: range) -> Markup:
    """A small line chart of one customer's scores of a kind, oldest first: each point a
    dot titled with its date and score; the first and last dates written under the axis."""
    low, high = scale[0], scale[-1]
    plot = _H - _TOP - 28
    width = _W - _LEFT - 8

    def y(score: int) -> float:
        return _TOP + plot - (score - low) * plot / (high - low)

    if len(points) > 1:
        xs = [_LEFT + 4 + i * (width - 4) / (len(points) - 1) for i in range(len(points))]
    else:
        xs = [_LEFT + width / 2]
    body = []
    for tick in (low, (low + high) // 2, high):
        body.append(
            f'<path d="M{_LEFT},{y(tick):.1f}H{_W}" stroke="{_GRID}"/>'
            f'<text x="{_LEFT - 6}" y="{y(tick) + 4.5:.1f}" text-anchor="end" '
            f'fill="{_MUTED}">{tick}</text>'
        )
    if len(points) > 1:
        path = "L".join(f"{x:.1f},{y(s):.1f}" for x, (_, s) in zip(xs, points, strict=True))
        body.append(
            f'<path class="chart-line" d="M{path}" fill="none" stroke="{_LINE}" '
            'stroke-width="2" stroke-linejoin="round"/>'
        )
    for x, (label, score) in zip(xs, points, strict=True):
        body.append(
            f'<circle class="chart-dot" cx="{x:.1f}" cy="{y(score):.1f}" r="4" fill="{_LINE}">'
            f"<title>{escape(label)}: {score}</title></circle>"
        )
    base = _TOP + plot + _PX + 6
    body.append(
        f'<text class="chart-x" x="{_LEFT}" y="{base}" fill="{_MUTED}">'
        f"{escape(points[0][0])}</text>"
    )
    if len(points) > 1:
        body.append(
            f'<text class="chart-x" x="{_W}" y="{base}" text-anchor="end" fill="{_MUTED}">'
            f"{escape(points[-1][0])}</text>"
        )
    name = escape(title)
    return Markup(  # noqa: S704 - every text in body was escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {_H}" width="100%" '
        f'role="img" aria-label="{name}" font-family="{_FONT}" font-size="{_PX}" '
        f'fill="{_INK}"><title>{name}</title><desc>{escape(_desc(points))}</desc>'
        f'<text class="chart-title" x="0" y="16" font-size="15" font-weight="600">{name}</text>'
        f"{''.join(body)}</svg>"
    )


def _desc(points: list[tuple[str, int]]) -> str:
    """The chart in words, for screen readers."""
    return "; ".join(f"{label}: {score}" for label, score in points)
