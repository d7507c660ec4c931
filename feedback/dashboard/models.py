"""Summary tables: answers, topics and deliveries counted per day, kept up to date by
database triggers (see the migration "dashboard summary tables") as answers arrive.

A day is a calendar day in ``REPORT_TIMEZONE``. The tables the default view reads most
are kept by week too (score_weeks ...: the same columns, ``day`` the week's Monday), each
weekly row the sum of its week's daily rows, by triggers on the daily tables: a period of
30 days reads a few days and four weeks rather than thirty days. The dashboard adds up
days, and reads the raw rows only for the part of a period that does not fall on whole
days of that zone (a manager in another zone). The counts follow inserts and updates;
deleting rows (a survey or topic goes, with its summary rows) is not subtracted, so
erasing a customer keeps their anonymous counts.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, SmallInteger, String, Table
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.naming import conv

from feedback.complaints.models import CasePriority
from feedback.extensions import db
from feedback.surveys.models import SurveyKind, _enum

#: the score columns s0 ... s10 of ScoreDay: how many answers gave each score
SCORES = range(0, 11)
#: upper bounds, in seconds, of the duration buckets of CaseDay (the last is open-ended)
DURATION_BUCKETS = (
    900,
    1800,
    2700,
    3600,
    5400,
    7200,
    10800,
    14400,
    21600,
    28800,
    43200,
    57600,
    86400,
    129600,
    172800,
    259200,
    345600,
    432000,
    604800,
    864000,
    1209600,
    1814400,
    2592000,
)


class ScoreCounts:
    """How many answers gave each score (NPS uses s0-s10, CSAT s1-s5, CES s1-s7)."""

    s0: Mapped[int] = mapped_column(Integer, default=0)
    s1: Mapped[int] = mapped_column(Integer, default=0)
    s2: Mapped[int] = mapped_column(Integer, default=0)
    s3: Mapped[int] = mapped_column(Integer, default=0)
    s4: Mapped[int] = mapped_column(Integer, default=0)
    s5: Mapped[int] = mapped_column(Integer, default=0)
    s6: Mapped[int] = mapped_column(Integer, default=0)
    s7: Mapped[int] = mapped_column(Integer, default=0)
    s8: Mapped[int] = mapped_column(Integer, default=0)
    s9: Mapped[int] = mapped_column(Integer, default=0)
    s10: Mapped[int] = mapped_column(Integer, default=0)


class ScoreDay(ScoreCounts, db.Model):
    """The answers of one day, survey, touchpoint, customer tier and language."""

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
    answers: Mapped[int] = mapped_column(Integer, default=0)
    score_sum: Mapped[int] = mapped_column(Integer, default=0)
    #: answers with a comment, and of those, by mood (unhappy, neutral, happy score)
    comments: Mapped[int] = mapped_column(Integer, default=0)
    comments_unhappy: Mapped[int] = mapped_column(Integer, default=0)
    comments_neutral: Mapped[int] = mapped_column(Integer, default=0)
    comments_happy: Mapped[int] = mapped_column(Integer, default=0)
    #: comments by sentiment label
    positive: Mapped[int] = mapped_column(Integer, default=0)
    neutral: Mapped[int] = mapped_column(Integer, default=0)
    negative: Mapped[int] = mapped_column(Integer, default=0)


class SurveyDay(ScoreCounts, db.Model):
    """The answers of one day and survey per score: score_days without its groups, for
    the views with no touchpoint, tier or language filter (a tenth of the rows to add
    up for a trend). Kept by its own trigger on responses; an answer's score never
    changes."""

    __tablename__ = "survey_days"
    __table_args__ = {"sqlite_with_rowid": False}

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )


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
    #: -1 unhappy score (NPS detractor, CSAT 1-2, CES 1-3), 0 neutral, 1 happy
    mood: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, default=0)


class SurveyTopicDay(db.Model):
    """topic_days without its touchpoint, tier and language: answers of a day and survey
    mentioning a topic, by mood, for the views with no such filter."""

    __tablename__ = "survey_topic_days"
    __table_args__ = {"sqlite_with_rowid": False}

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    mood: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, default=0)


class InvitationDay(db.Model):
    """Invitations delivered on a day, and how many of those were answered since."""

    __tablename__ = "invitation_days"
    __table_args__ = {"sqlite_with_rowid": False}

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    touchpoint_type_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivered: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)


class InvitationTierDay(db.Model):
    """invitation_days by the customer's tier and the email's language when each was sent
    ("" for none), for the response rate with a tier or language filter (eight times the
    rows: the views with neither read invitation_days)."""

    __tablename__ = "invitation_tier_days"
    __table_args__ = {"sqlite_with_rowid": False}

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    touchpoint_type_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tier: Mapped[str] = mapped_column(String(40), primary_key=True)
    locale: Mapped[str] = mapped_column(String(10), primary_key=True)
    delivered: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)


class CaseDay(db.Model):
    """Cases by the day they opened, their priority and owner: how many opened, got a first
    response (on time or not) and were resolved, and histograms of how long those took
    (fr0... for the first response, res0... for the resolution, bucket i ending at
    DURATION_BUCKETS[i]), from which the dashboard reads medians.

    Each count goes to the priority and owner the case had when it happened.
    """

    __tablename__ = "case_days"
    __table_args__ = {"sqlite_with_rowid": False}

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    priority: Mapped[CasePriority] = mapped_column(
        _enum(CasePriority, "case_priority"), primary_key=True
    )
    #: 0 for nobody
    owner_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opened: Mapped[int] = mapped_column(Integer, default=0)
    responded: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    resolved: Mapped[int] = mapped_column(Integer, default=0)
    fr0: Mapped[int] = mapped_column(Integer, default=0)
    fr1: Mapped[int] = mapped_column(Integer, default=0)
    fr2: Mapped[int] = mapped_column(Integer, default=0)
    fr3: Mapped[int] = mapped_column(Integer, default=0)
    fr4: Mapped[int] = mapped_column(Integer, default=0)
    fr5: Mapped[int] = mapped_column(Integer, default=0)
    fr6: Mapped[int] = mapped_column(Integer, default=0)
    fr7: Mapped[int] = mapped_column(Integer, default=0)
    fr8: Mapped[int] = mapped_column(Integer, default=0)
    fr9: Mapped[int] = mapped_column(Integer, default=0)
    fr10: Mapped[int] = mapped_column(Integer, default=0)
    fr11: Mapped[int] = mapped_column(Integer, default=0)
    fr12: Mapped[int] = mapped_column(Integer, default=0)
    fr13: Mapped[int] = mapped_column(Integer, default=0)
    fr14: Mapped[int] = mapped_column(Integer, default=0)
    fr15: Mapped[int] = mapped_column(Integer, default=0)
    fr16: Mapped[int] = mapped_column(Integer, default=0)
    fr17: Mapped[int] = mapped_column(Integer, default=0)
    fr18: Mapped[int] = mapped_column(Integer, default=0)
    fr19: Mapped[int] = mapped_column(Integer, default=0)
    fr20: Mapped[int] = mapped_column(Integer, default=0)
    fr21: Mapped[int] = mapped_column(Integer, default=0)
    fr22: Mapped[int] = mapped_column(Integer, default=0)
    fr23: Mapped[int] = mapped_column(Integer, default=0)
    res0: Mapped[int] = mapped_column(Integer, default=0)
    res1: Mapped[int] = mapped_column(Integer, default=0)
    res2: Mapped[int] = mapped_column(Integer, default=0)
    res3: Mapped[int] = mapped_column(Integer, default=0)
    res4: Mapped[int] = mapped_column(Integer, default=0)
    res5: Mapped[int] = mapped_column(Integer, default=0)
    res6: Mapped[int] = mapped_column(Integer, default=0)
    res7: Mapped[int] = mapped_column(Integer, default=0)
    res8: Mapped[int] = mapped_column(Integer, default=0)
    res9: Mapped[int] = mapped_column(Integer, default=0)
    res10: Mapped[int] = mapped_column(Integer, default=0)
    res11: Mapped[int] = mapped_column(Integer, default=0)
    res12: Mapped[int] = mapped_column(Integer, default=0)
    res13: Mapped[int] = mapped_column(Integer, default=0)
    res14: Mapped[int] = mapped_column(Integer, default=0)
    res15: Mapped[int] = mapped_column(Integer, default=0)
    res16: Mapped[int] = mapped_column(Integer, default=0)
    res17: Mapped[int] = mapped_column(Integer, default=0)
    res18: Mapped[int] = mapped_column(Integer, default=0)
    res19: Mapped[int] = mapped_column(Integer, default=0)
    res20: Mapped[int] = mapped_column(Integer, default=0)
    res21: Mapped[int] = mapped_column(Integer, default=0)
    res22: Mapped[int] = mapped_column(Integer, default=0)
    res23: Mapped[int] = mapped_column(Integer, default=0)


def _by_week(daily: Table, name: str) -> Table:
    """A table of ``daily``'s columns and key for its rows added up by week (``day`` is the
    week's Monday), with constraints named for itself as the naming convention would."""
    weekly = daily.to_metadata(db.metadata, name=name)
    weekly.primary_key.name = conv(f"pk_{name}")
    for key in weekly.foreign_key_constraints:
        referred = key.elements[0].target_fullname.split(".")[0]
        key.name = conv(f"fk_{name}_{key.column_keys[0]}_{referred}")
    return weekly


#: the weekly tables, by the name of the daily table each adds up
WEEKS = {
    daily.name: _by_week(daily, daily.name.replace("_days", "_weeks"))
    for daily in (
        ScoreDay.__table__,
        SurveyDay.__table__,
        SurveyTopicDay.__table__,
        CaseDay.__table__,
    )
}
