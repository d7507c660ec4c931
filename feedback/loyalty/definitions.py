"""What loyalty words mean here, in one place (the Loyalty page shows them from here).

- A *purchase* is a touchpoint event whose type counts as one (TouchpointType
  .counts_as_purchase); a *refund* one whose type counts as a refund, its value subtracting.
  The events that imported answers hang on (source "past") are neither: they are not
  meetings that happened twice.
- A customer *returned* when they made a purchase within W days (LOYALTY_WINDOW_DAYS,
  default 90) after their answer. A customer counts once, by their latest answer in the
  period. An answer whose W days have not passed is *too early to tell*, never churned.
- *Loyalty types*: attitude (an NPS promoter, or CSAT 4-5; the complaint follow-up survey
  does not count) x behaviour (returned; for one customer's standing, also an RFM frequency
  of at least 2): emotional (both), latent (attitude only), inertia (behaviour only), none.
  A customer who gave both an NPS and a CSAT answer has one type: the later of their two
  latest answers (in the period, for the counts) decides (feedback.loyalty.types).
- *RFM*: recency (days since the last purchase), frequency (purchases in the last 12
  months), monetary (purchases less refunds in the last 12 months), each scored 1-5 by
  thresholds managers edit; named segments from the scores (feedback.loyalty.rfm).
- *At risk* (feedback.loyalty.atrisk): an NPS detractor answer in the last W days and no
  purchase since; a case reopened and still in the queue; a case in the queue past its
  running deadline; a score on one survey that fell by SCORE_FALL or more from the answer
  before; an RFM segment in AT_RISK_SEGMENTS.
- Intervals: Wilson for shares, Newcombe for the difference of two (feedback.intervals).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal

from feedback import scoring
from feedback.extensions import db
from feedback.surveys.models import EventSource, TouchpointEvent, TouchpointType

#: months of purchases that frequency and monetary value look at
RFM_MONTHS = 12
RFM_DAYS = 365
#: purchases (in RFM_DAYS) from which a customer's behaviour counts as loyal
LOYAL_FREQUENCY = 2

#: the score groups of each kind, unhappy to happy, by feedback.scoring.mood (-1, 0, 1)
GROUPS: dict[str, dict[int, str]] = {
    "nps": {1: "promoters", 0: "passives", -1: "detractors"},
    "csat": {1: "satisfied", 0: "neutral", -1: "dissatisfied"},
    "ces": {1: "easy", 0: "neutral", -1: "hard"},
}
GROUP_LABELS = {
    "promoters": _l("Promoters"),
    "passives": _l("Passives"),
    "detractors": _l("Detractors"),
    "satisfied": _l("Satisfied (4-5)"),
    "neutral": _l("Neutral"),
    "dissatisfied": _l("Dissatisfied (1-2)"),
    "easy": _l("Easy (5-7)"),
    "hard": _l("Hard (1-3)"),
}

#: attitude x behaviour
LOYALTY_TYPES = ("emotional", "latent", "inertia", "none")
LOYALTY_TYPE_LABELS = {
    "emotional": _l("Emotional loyalty"),
    "latent": _l("Latent loyalty"),
    "inertia": _l("Inertia"),
    "none": _l("No loyalty"),
}
LOYALTY_TYPE_HELP = {
    "emotional": _l("Happy with us and buying again."),
    "latent": _l("Happy with us, but not buying again (yet)."),
    "inertia": _l("Buying again without being happy: easy to lose."),
    "none": _l("Neither happy nor buying again."),
}

#: RFM segments (feedback.loyalty.rfm names each customer's), best first
SEGMENTS = (
    "champions",
    "loyal",
    "potential",
    "new",
    "promising",
    "need_attention",
    "at_risk",
    "cant_lose",
    "hibernating",
    "lost",
    "never_bought",
)
SEGMENT_LABELS = {
    "champions": _l("Champions"),
    "loyal": _l("Loyal"),
    "potential": _l("Potential loyalists"),
    "new": _l("New customers"),
    "promising": _l("Promising"),
    "need_attention": _l("Need attention"),
    "at_risk": _l("At risk"),
    "cant_lose": _l("Can't lose them"),
    "hibernating": _l("Hibernating"),
    "lost": _l("Lost"),
    "never_bought": _l("Never bought"),
}
#: the segments whose customers are on the at-risk list
AT_RISK_SEGMENTS = ("at_risk", "cant_lose")
#: how far a customer's score on one survey must fall from their answer before (NPS
#: points, CSAT and CES steps) to put them on the at-risk list
SCORE_FALL = {"nps": 3, "csat": 2, "ces": 2}


def window_days() -> int:
    """W: the days after an answer in which a purchase counts as returning."""
    return current_app.config["LOYALTY_WINDOW_DAYS"]


def group(kind: str, score: int) -> str:
    """The score group of an answer: promoters, passives, detractors (NPS) and the like."""
    return GROUPS[kind][scoring.mood(kind, score)]


def has_attitude(kind: str, score: int, *, followup: bool = False) -> bool:
    """Loyal in attitude: an NPS promoter or a CSAT of 4-5, not on the follow-up survey."""
    return not followup and kind in ("nps", "csat") and scoring.mood(kind, score) == 1


def loyalty_type(attitude: bool, behaviour: bool) -> str:
    """Emotional, latent, inertia or none."""
    if attitude:
        return "emotional" if behaviour else "latent"
    return "inertia" if behaviour else "none"


def too_early(answered_at: datetime, now: datetime, window: int) -> bool:
    """True while an answer's W days have not all passed: not yet returned nor churned."""
    return answered_at + timedelta(days=window) > now


def returned(answered_at: datetime, purchase_at: datetime | None, window: int) -> bool:
    """Whether a purchase at ``purchase_at`` (the first after the answer) is a return."""
    return purchase_at is not None and answered_at < purchase_at <= answered_at + timedelta(
        days=window
    )


def is_purchase(events=TouchpointEvent, types=TouchpointType):
    """SQL: the touchpoint event (joined to its type) is a purchase."""
    return and_(types.counts_as_purchase.is_(True), events.source != EventSource.PAST)


def is_refund(events=TouchpointEvent, types=TouchpointType):
    """SQL: the touchpoint event (joined to its type) is a refund."""
    return and_(types.counts_as_refund.is_(True), events.source != EventSource.PAST)


def signed_value(events=TouchpointEvent, types=TouchpointType):
    """SQL: what the event adds to a customer's value: a purchase's value, minus a refund's,
    0 for anything else or no value."""
    return case(
        (is_refund(events, types), -events.value),
        (is_purchase(events, types), events.value),
        else_=literal(0),
    )


def in_last_rfm_days(moment, now: datetime):
    """SQL: ``moment`` (a timestamp column) is in the last RFM_DAYS up to ``now``: the 12
    months of frequency, monetary value and the value at risk (a purchase dated ahead is
    not in them yet)."""
    return and_(moment > now - timedelta(days=RFM_DAYS), moment <= now)


def within_days(later, earlier, days: int):
    """SQL: ``later`` is at most ``days`` days after ``earlier`` (two timestamp columns).
    SQLite keeps naive UTC text, which julianday() reads, fractions of a second included."""
    if db.session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) <= func.julianday(earlier) + days
    return later <= earlier + func.make_interval(0, 0, 0, days)


#: a *repeat complainer* gave at least REPEAT_COMPLAINTS unhappy answers (scoring.mood -1,
#: any kind of survey) within REPEAT_DAYS days of each other (the complaint analysis)
REPEAT_COMPLAINTS = 2
REPEAT_DAYS = 90
