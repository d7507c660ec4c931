"""The daily summaries the dashboard adds up: answers, topics, deliveries and cases counted
per calendar day of REPORT_TIMEZONE and per group, one table per kind of count. Database
triggers keep them as rows arrive (rollups.py makes their SQL); the dashboard adds up the
days of a period and reads the rows themselves only for the hours at its ends when the
manager's zone is another (queries.py). Deleted rows are not subtracted, so erasing a
customer keeps their anonymous counts.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Date, ForeignKey, Integer, SmallInteger, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from feedback.complaints.models import CasePriority, CaseSource
from feedback.extensions import db
from feedback.surveys.models import SurveyKind, _enum

#: the score columns s0 ... s10 of ScoreDay: how many answers gave each score
SCORES = range(0, 11)
#: upper bounds, in seconds, of the duration buckets of CaseDay (the last is open-ended):
#: 15 minutes to 30 days
DURATION_BUCKETS = (
    *(900 * n for n in (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 144, 192)),
    *(86400 * n for n in (3, 4, 5, 7, 10, 14, 21, 30)),
)
HISTOGRAM = range(len(DURATION_BUCKETS) + 1)
#: the histogram columns of case_duration_days: first responses, then resolutions
HISTOGRAMS = (*(f"fr{i}" for i in HISTOGRAM), *(f"res{i}" for i in HISTOGRAM))
SCORE_KEY = ("day", "survey_id", "touchpoint_type_id", "tier", "locale")
CASE_KEY = ("day", "priority", "owner_id", "tier", "touchpoint_type_id", "source")
DURATION_KEY = ("day", "priority", "owner_id")


def _count() -> Mapped[int]:
    return mapped_column(Integer, default=0)


class ScoreDay(db.Model):
    """The answers of one day, survey, touchpoint, customer tier (when they answered) and
    language."""

    __tablename__ = "score_days"
    __table_args__ = {"sqlite_with_rowid": False}

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    touchpoint_type_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the customer's tier when they answered; "" for none
    tier: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: the language the survey was answered in
    locale: Mapped[str] = mapped_column(String(10), primary_key=True)
    kind: Mapped[SurveyKind] = mapped_column(_enum(SurveyKind, "survey_kind"))
    answers: Mapped[int] = _count()
    score_sum: Mapped[int] = _count()
    #: how many answers gave each score (NPS uses s0-s10, CSAT s1-s5, CES s1-s7)
    s0: Mapped[int] = _count()
    s1: Mapped[int] = _count()
    s2: Mapped[int] = _count()
    s3: Mapped[int] = _count()
    s4: Mapped[int] = _count()
    s5: Mapped[int] = _count()
    s6: Mapped[int] = _count()
    s7: Mapped[int] = _count()
    s8: Mapped[int] = _count()
    s9: Mapped[int] = _count()
    s10: Mapped[int] = _count()
    #: answers with a comment, and of those, by mood (unhappy, neutral, happy score)
    comments: Mapped[int] = _count()
    comments_unhappy: Mapped[int] = _count()
    comments_neutral: Mapped[int] = _count()
    comments_happy: Mapped[int] = _count()
    #: comments by sentiment label
    positive: Mapped[int] = _count()
    neutral: Mapped[int] = _count()
    negative: Mapped[int] = _count()


class TopicDay(db.Model):
    """How many answers of a day and group mention a topic, by the answer's mood."""

    __tablename__ = "topic_days"
    __table_args__ = {"sqlite_with_rowid": False}

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    touchpoint_type_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tier: Mapped[str] = mapped_column(String(40), primary_key=True)
    locale: Mapped[str] = mapped_column(String(10), primary_key=True)
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    #: -1 unhappy score, 0 neutral, 1 happy (feedback.scoring.mood)
    mood: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    answers: Mapped[int] = _count()


class InvitationDay(db.Model):
    """Invitations delivered on a day, by survey, touchpoint, the customer's tier and the
    email's language when each was sent ("" for none), and how many of those were
    answered since."""

    __tablename__ = "invitation_days"
    __table_args__ = {"sqlite_with_rowid": False}

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    touchpoint_type_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tier: Mapped[str] = mapped_column(String(40), primary_key=True)
    locale: Mapped[str] = mapped_column(String(10), primary_key=True)
    delivered: Mapped[int] = _count()
    answered: Mapped[int] = _count()


class CaseDay(db.Model):
    """Cases by the day they opened, their priority and owner (0 for nobody), the
    customer's tier, the touchpoint (0 for none) and how they came: how many opened, got a
    first response (on time or not) and were resolved. Each count goes to the priority and
    owner the case had when it happened."""

    __tablename__ = "case_days"
    __table_args__ = {"sqlite_with_rowid": False}

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    priority: Mapped[CasePriority] = mapped_column(
        _enum(CasePriority, "case_priority"), primary_key=True
    )
    owner_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tier: Mapped[str] = mapped_column(String(40), primary_key=True)
    touchpoint_type_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[CaseSource] = mapped_column(_enum(CaseSource, "case_source"), primary_key=True)
    opened: Mapped[int] = _count()
    responded: Mapped[int] = _count()
    on_time: Mapped[int] = _count()
    resolved: Mapped[int] = _count()


class CaseDurationDay(db.Model):
    """How long the cases of a day, priority and owner took, as histograms: fr<i> counts
    first responses, res<i> resolutions, within bucket i (ending at DURATION_BUCKETS[i];
    the last is open-ended), timed from the opening. The dashboard reads medians from them;
    with a tier or touchpoint filter, from the cases themselves."""

    __table__ = Table(
        "case_duration_days",
        db.metadata,
        Column("day", Date, primary_key=True),
        Column("priority", _enum(CasePriority, "case_priority"), primary_key=True),
        Column("owner_id", Integer, primary_key=True),
        *[Column(name, Integer, nullable=False, default=0) for name in HISTOGRAMS],
        sqlite_with_rowid=False,
    )
