"""dashboard summary tables

Revision ID: 66f037c5ae64
Revises: 4d8334398d8c
Create Date: 2026-11-22 22:00:34.206627

Summary tables for the dashboard, kept by triggers in the same transaction as each
answer, comment change, topic change and delivery, whatever code writes them, and filled
here from the answers, deliveries and cases stored before (a change to how answers are
counted needs a new migration that replaces the triggers).

The SQL is written out below as feedback.dashboard.rebuild made it on 2026-12-06 (commit
55e3d0d), so that this migration runs the same statements whatever the code counts today;
it imports nothing from the app. The days are those of REPORT_TIMEZONE, read from the
environment as config.py reads it.
"""
import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def _survey_kind():
    values = ('nps', 'csat', 'ces')
    return sa.Enum(*values, name='survey_kind').with_variant(
        postgresql.ENUM(*values, name='survey_kind', create_type=False), 'postgresql'
    )


# The statements the triggers run. Those on cases differ by dialect: SQLite subtracts
# timestamps as julianday() (rounded to the second), PostgreSQL with EXTRACT(EPOCH ...).
#: a new answer (NEW) counted in score_days
SCORE_UPSERT = (
    "INSERT INTO score_days (day, survey_id, touchpoint_type_id, tier, locale, kind, answers,"
    " score_sum, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, comments, comments_unhappy,"
    " comments_neutral, comments_happy, positive, neutral, negative) VALUES (NEW.report_day,"
    " NEW.survey_id, NEW.touchpoint_type_id, NEW.tier, NEW.locale, NEW.kind, 1, NEW.score,"
    " CASE WHEN NEW.score = 0 THEN 1 ELSE 0 END, CASE WHEN NEW.score = 1 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.score = 2 THEN 1 ELSE 0 END, CASE WHEN NEW.score = 3 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.score = 4 THEN 1 ELSE 0 END, CASE WHEN NEW.score = 5 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.score = 6 THEN 1 ELSE 0 END, CASE WHEN NEW.score = 7 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.score = 8 THEN 1 ELSE 0 END, CASE WHEN NEW.score = 9 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.score = 10 THEN 1 ELSE 0 END, CASE WHEN NEW.comment IS NOT NULL THEN 1"
    " ELSE 0 END, CASE WHEN NEW.comment IS NOT NULL AND CASE WHEN NEW.kind = 'nps' THEN CASE WHEN"
    " NEW.score >= 9 THEN 1 WHEN NEW.score >= 7 THEN 0 ELSE -1 END"
    " WHEN NEW.kind = 'csat' THEN CASE WHEN NEW.score >= 4 THEN 1 WHEN NEW.score = 3 THEN 0"
    " ELSE -1 END ELSE CASE WHEN NEW.score >= 5 THEN 1 WHEN NEW.score = 4 THEN 0"
    " ELSE -1 END END = -1 THEN 1 ELSE 0 END, CASE WHEN NEW.comment IS NOT NULL"
    " AND CASE WHEN NEW.kind = 'nps' THEN CASE WHEN NEW.score >= 9 THEN 1"
    " WHEN NEW.score >= 7 THEN 0 ELSE -1 END WHEN NEW.kind = 'csat' THEN CASE WHEN NEW.score >= 4"
    " THEN 1 WHEN NEW.score = 3 THEN 0 ELSE -1 END ELSE CASE WHEN NEW.score >= 5 THEN 1"
    " WHEN NEW.score = 4 THEN 0 ELSE -1 END END = 0 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.comment IS NOT NULL AND CASE WHEN NEW.kind = 'nps' THEN CASE WHEN NEW.score >="
    " 9 THEN 1 WHEN NEW.score >= 7 THEN 0 ELSE -1 END WHEN NEW.kind = 'csat' THEN CASE WHEN"
    " NEW.score >= 4 THEN 1 WHEN NEW.score = 3 THEN 0 ELSE -1 END"
    " ELSE CASE WHEN NEW.score >= 5 THEN 1 WHEN NEW.score = 4 THEN 0 ELSE -1 END END = 1 THEN 1"
    " ELSE 0 END, CASE WHEN NEW.sentiment = 'positive' THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.sentiment = 'neutral' THEN 1 ELSE 0 END, CASE WHEN NEW.sentiment = 'negative'"
    " THEN 1 ELSE 0 END) ON CONFLICT (day, survey_id, touchpoint_type_id, tier,"
    " locale) DO UPDATE SET answers = score_days.answers + excluded.answers,"
    " score_sum = score_days.score_sum + excluded.score_sum, s0 = score_days.s0 + excluded.s0,"
    " s1 = score_days.s1 + excluded.s1, s2 = score_days.s2 + excluded.s2,"
    " s3 = score_days.s3 + excluded.s3, s4 = score_days.s4 + excluded.s4,"
    " s5 = score_days.s5 + excluded.s5, s6 = score_days.s6 + excluded.s6,"
    " s7 = score_days.s7 + excluded.s7, s8 = score_days.s8 + excluded.s8,"
    " s9 = score_days.s9 + excluded.s9, s10 = score_days.s10 + excluded.s10,"
    " comments = score_days.comments + excluded.comments, comments_unhappy ="
    " score_days.comments_unhappy + excluded.comments_unhappy,"
    " comments_neutral = score_days.comments_neutral + excluded.comments_neutral,"
    " comments_happy = score_days.comments_happy + excluded.comments_happy,"
    " positive = score_days.positive + excluded.positive, neutral = score_days.neutral +"
    " excluded.neutral, negative = score_days.negative + excluded.negative"
)

#: ... and as an answer to its delivery in invitation_days
ANSWERED_BY_DAY = (
    "UPDATE invitation_days SET answered = answered + 1 WHERE survey_id = NEW.survey_id"
    " AND touchpoint_type_id = NEW.touchpoint_type_id AND day = (SELECT sent_day FROM invitations"
    " WHERE id = NEW.invitation_id)"
)

#: an answer's comment or its sentiment changed (OLD to NEW): its comment counts moved
RECOUNT_COMMENT = (
    "UPDATE score_days SET comments = comments + (CASE WHEN NEW.comment IS NOT NULL THEN 1"
    " ELSE 0 END) - (CASE WHEN OLD.comment IS NOT NULL THEN 1 ELSE 0 END),"
    " comments_unhappy = comments_unhappy + (CASE WHEN NEW.comment IS NOT NULL"
    " AND CASE WHEN NEW.kind = 'nps' THEN CASE WHEN NEW.score >= 9 THEN 1"
    " WHEN NEW.score >= 7 THEN 0 ELSE -1 END WHEN NEW.kind = 'csat' THEN CASE WHEN NEW.score >= 4"
    " THEN 1 WHEN NEW.score = 3 THEN 0 ELSE -1 END ELSE CASE WHEN NEW.score >= 5 THEN 1"
    " WHEN NEW.score = 4 THEN 0 ELSE -1 END END = -1 THEN 1 ELSE 0 END) - (CASE"
    " WHEN OLD.comment IS NOT NULL AND CASE WHEN OLD.kind = 'nps' THEN CASE WHEN OLD.score >= 9"
    " THEN 1 WHEN OLD.score >= 7 THEN 0 ELSE -1 END WHEN OLD.kind = 'csat' THEN CASE WHEN"
    " OLD.score >= 4 THEN 1 WHEN OLD.score = 3 THEN 0 ELSE -1 END"
    " ELSE CASE WHEN OLD.score >= 5 THEN 1 WHEN OLD.score = 4 THEN 0 ELSE -1 END END = -1 THEN 1"
    " ELSE 0 END), comments_neutral = comments_neutral + (CASE WHEN NEW.comment IS NOT NULL"
    " AND CASE WHEN NEW.kind = 'nps' THEN CASE WHEN NEW.score >= 9 THEN 1"
    " WHEN NEW.score >= 7 THEN 0 ELSE -1 END WHEN NEW.kind = 'csat' THEN CASE WHEN NEW.score >= 4"
    " THEN 1 WHEN NEW.score = 3 THEN 0 ELSE -1 END ELSE CASE WHEN NEW.score >= 5 THEN 1"
    " WHEN NEW.score = 4 THEN 0 ELSE -1 END END = 0 THEN 1 ELSE 0 END) - (CASE"
    " WHEN OLD.comment IS NOT NULL AND CASE WHEN OLD.kind = 'nps' THEN CASE WHEN OLD.score >= 9"
    " THEN 1 WHEN OLD.score >= 7 THEN 0 ELSE -1 END WHEN OLD.kind = 'csat' THEN CASE WHEN"
    " OLD.score >= 4 THEN 1 WHEN OLD.score = 3 THEN 0 ELSE -1 END"
    " ELSE CASE WHEN OLD.score >= 5 THEN 1 WHEN OLD.score = 4 THEN 0 ELSE -1 END END = 0 THEN 1"
    " ELSE 0 END), comments_happy = comments_happy + (CASE WHEN NEW.comment IS NOT NULL"
    " AND CASE WHEN NEW.kind = 'nps' THEN CASE WHEN NEW.score >= 9 THEN 1"
    " WHEN NEW.score >= 7 THEN 0 ELSE -1 END WHEN NEW.kind = 'csat' THEN CASE WHEN NEW.score >= 4"
    " THEN 1 WHEN NEW.score = 3 THEN 0 ELSE -1 END ELSE CASE WHEN NEW.score >= 5 THEN 1"
    " WHEN NEW.score = 4 THEN 0 ELSE -1 END END = 1 THEN 1 ELSE 0 END) - (CASE"
    " WHEN OLD.comment IS NOT NULL AND CASE WHEN OLD.kind = 'nps' THEN CASE WHEN OLD.score >= 9"
    " THEN 1 WHEN OLD.score >= 7 THEN 0 ELSE -1 END WHEN OLD.kind = 'csat' THEN CASE WHEN"
    " OLD.score >= 4 THEN 1 WHEN OLD.score = 3 THEN 0 ELSE -1 END"
    " ELSE CASE WHEN OLD.score >= 5 THEN 1 WHEN OLD.score = 4 THEN 0 ELSE -1 END END = 1 THEN 1"
    " ELSE 0 END), positive = positive + (CASE WHEN NEW.sentiment = 'positive' THEN 1"
    " ELSE 0 END) - (CASE WHEN OLD.sentiment = 'positive' THEN 1 ELSE 0 END),"
    " neutral = neutral + (CASE WHEN NEW.sentiment = 'neutral' THEN 1 ELSE 0 END) - (CASE"
    " WHEN OLD.sentiment = 'neutral' THEN 1 ELSE 0 END), negative = negative + (CASE"
    " WHEN NEW.sentiment = 'negative' THEN 1 ELSE 0 END) - (CASE"
    " WHEN OLD.sentiment = 'negative' THEN 1 ELSE 0 END) WHERE day = NEW.report_day"
    " AND survey_id = NEW.survey_id AND touchpoint_type_id = NEW.touchpoint_type_id"
    " AND tier = NEW.tier AND locale = NEW.locale"
)

#: a topic put on an answer (NEW) counted in topic_days
TOPIC_COUNT = (
    "INSERT INTO topic_days (day, survey_id, touchpoint_type_id, tier, locale, topic_id, mood,"
    " answers) SELECT r.report_day, r.survey_id, r.touchpoint_type_id, r.tier, r.locale,"
    " NEW.topic_id, CASE WHEN r.kind = 'nps' THEN CASE WHEN r.score >= 9 THEN 1"
    " WHEN r.score >= 7 THEN 0 ELSE -1 END WHEN r.kind = 'csat' THEN CASE WHEN r.score >= 4 THEN 1"
    " WHEN r.score = 3 THEN 0 ELSE -1 END ELSE CASE WHEN r.score >= 5 THEN 1"
    " WHEN r.score = 4 THEN 0 ELSE -1 END END, 1 FROM responses r WHERE r.id = NEW.response_id"
    " ON CONFLICT (day, survey_id, touchpoint_type_id, tier, locale, topic_id,"
    " mood) DO UPDATE SET answers = topic_days.answers + 1"
)

#: a topic taken off an answer (OLD); nothing when the answer itself is gone
TOPIC_UNCOUNT = (
    "UPDATE topic_days SET answers = answers - 1 WHERE topic_id = OLD.topic_id AND (day,"
    " survey_id, touchpoint_type_id, tier, locale, mood) = ( SELECT r.report_day, r.survey_id,"
    " r.touchpoint_type_id, r.tier, r.locale, CASE WHEN r.kind = 'nps' THEN CASE WHEN r.score >= 9"
    " THEN 1 WHEN r.score >= 7 THEN 0 ELSE -1 END WHEN r.kind = 'csat' THEN CASE WHEN r.score >= 4"
    " THEN 1 WHEN r.score = 3 THEN 0 ELSE -1 END ELSE CASE WHEN r.score >= 5 THEN 1"
    " WHEN r.score = 4 THEN 0 ELSE -1 END END FROM responses r WHERE r.id = OLD.response_id)"
)

#: an invitation delivered (NEW) counted in invitation_days, with any answer it has already
DELIVERED_BY_DAY = (
    "INSERT INTO invitation_days (day, survey_id, touchpoint_type_id, delivered,"
    " answered) SELECT NEW.sent_day, NEW.survey_id, e.touchpoint_type_id, 1,"
    " (SELECT COUNT(*) FROM responses WHERE invitation_id = NEW.id) FROM touchpoint_events e"
    " WHERE e.id = NEW.event_id ON CONFLICT (day, survey_id, touchpoint_type_id)"
    " DO UPDATE SET delivered = invitation_days.delivered + 1,"
    " answered = invitation_days.answered + excluded.answered"
)

#: a case opened (NEW) counted in case_days
CASE_OPENED = {
    "sqlite": (
        "INSERT INTO case_days (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) SELECT NEW.report_day, NEW.priority,"
        " COALESCE(NEW.owner_id, 0), 1, CASE WHEN NEW.first_responded_at IS NOT NULL THEN 1"
        " ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND NEW.first_responded_at <= NEW.first_response_due_at THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND"
        " ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >= 0"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) <"
        " 900 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 900 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0)"
        " < 1800 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 1800 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0)"
        " < 2700 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 2700 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0)"
        " < 3600 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 3600 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0)"
        " < 5400 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 5400 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0)"
        " < 7200 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 7200 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0)"
        " < 10800 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 10800 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 14400 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 14400 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 21600 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 21600 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 28800 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 28800 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 43200 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 43200 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 57600 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 57600 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 86400 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 86400 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 129600 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 129600 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 172800 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 172800 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 259200 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 259200 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 345600 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 345600 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 432000 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 432000 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 604800 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 604800 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 864000 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 864000 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 1209600 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 1209600 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 1814400 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 1814400 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 2592000 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 2592000 THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 0"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 900 THEN"
        " 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL AND"
        " ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 900"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 1800 THEN"
        " 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL AND"
        " ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 1800"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 2700 THEN"
        " 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL AND"
        " ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 2700"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 3600 THEN"
        " 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL AND"
        " ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 3600"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 5400 THEN"
        " 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL AND"
        " ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 5400"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 7200 THEN"
        " 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL AND"
        " ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 7200"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 10800"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 10800"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 14400"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 14400"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 21600"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 21600"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 28800"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 28800"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 43200"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 43200"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 57600"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 57600"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 86400"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 86400"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 129600"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 129600"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 172800"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 172800"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 259200"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 259200"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 345600"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 345600"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 432000"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 432000"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 604800"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 604800"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 864000"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 864000"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 1209600"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 1209600"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 1814400"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 1814400"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) < 2592000"
        " THEN 1 ELSE 0 END, CASE WHEN NEW.resolved_at IS NOT NULL"
        " AND ROUND((julianday(NEW.resolved_at) - julianday(NEW.opened_at)) * 86400.0) >= 2592000"
        " THEN 1 ELSE 0 END WHERE true ON CONFLICT (day, priority,"
        " owner_id) DO UPDATE SET opened = case_days.opened + excluded.opened,"
        " responded = case_days.responded + excluded.responded,"
        " on_time = case_days.on_time + excluded.on_time, resolved = case_days.resolved +"
        " excluded.resolved, fr0 = case_days.fr0 + excluded.fr0,"
        " fr1 = case_days.fr1 + excluded.fr1, fr2 = case_days.fr2 + excluded.fr2,"
        " fr3 = case_days.fr3 + excluded.fr3, fr4 = case_days.fr4 + excluded.fr4,"
        " fr5 = case_days.fr5 + excluded.fr5, fr6 = case_days.fr6 + excluded.fr6,"
        " fr7 = case_days.fr7 + excluded.fr7, fr8 = case_days.fr8 + excluded.fr8,"
        " fr9 = case_days.fr9 + excluded.fr9, fr10 = case_days.fr10 + excluded.fr10,"
        " fr11 = case_days.fr11 + excluded.fr11, fr12 = case_days.fr12 + excluded.fr12,"
        " fr13 = case_days.fr13 + excluded.fr13, fr14 = case_days.fr14 + excluded.fr14,"
        " fr15 = case_days.fr15 + excluded.fr15, fr16 = case_days.fr16 + excluded.fr16,"
        " fr17 = case_days.fr17 + excluded.fr17, fr18 = case_days.fr18 + excluded.fr18,"
        " fr19 = case_days.fr19 + excluded.fr19, fr20 = case_days.fr20 + excluded.fr20,"
        " fr21 = case_days.fr21 + excluded.fr21, fr22 = case_days.fr22 + excluded.fr22,"
        " fr23 = case_days.fr23 + excluded.fr23, res0 = case_days.res0 + excluded.res0,"
        " res1 = case_days.res1 + excluded.res1, res2 = case_days.res2 + excluded.res2,"
        " res3 = case_days.res3 + excluded.res3, res4 = case_days.res4 + excluded.res4,"
        " res5 = case_days.res5 + excluded.res5, res6 = case_days.res6 + excluded.res6,"
        " res7 = case_days.res7 + excluded.res7, res8 = case_days.res8 + excluded.res8,"
        " res9 = case_days.res9 + excluded.res9, res10 = case_days.res10 + excluded.res10,"
        " res11 = case_days.res11 + excluded.res11, res12 = case_days.res12 + excluded.res12,"
        " res13 = case_days.res13 + excluded.res13, res14 = case_days.res14 + excluded.res14,"
        " res15 = case_days.res15 + excluded.res15, res16 = case_days.res16 + excluded.res16,"
        " res17 = case_days.res17 + excluded.res17, res18 = case_days.res18 + excluded.res18,"
        " res19 = case_days.res19 + excluded.res19, res20 = case_days.res20 + excluded.res20,"
        " res21 = case_days.res21 + excluded.res21, res22 = case_days.res22 + excluded.res22,"
        " res23 = case_days.res23 + excluded.res23"
    ),
    "postgresql": (
        "INSERT INTO case_days (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) SELECT NEW.report_day, NEW.priority,"
        " COALESCE(NEW.owner_id, 0), 1, CASE WHEN NEW.first_responded_at IS NOT NULL THEN 1"
        " ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND NEW.first_responded_at <= NEW.first_response_due_at THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 0 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 900 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 900 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 1800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 1800 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 2700 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 2700 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 3600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 3600 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 5400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 5400 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 7200 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 7200 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 10800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 10800 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 14400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 14400 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 21600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 21600 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 28800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 28800 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 43200 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 43200 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 57600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 57600 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 86400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 86400 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 129600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 129600 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 172800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 172800 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 259200 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 259200 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 345600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 345600 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 432000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 432000 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 604800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 604800 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 864000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 864000 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 1209600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 1209600 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 1814400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 1814400 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 2592000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 2592000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 0 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 900 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 900 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 1800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 1800 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 2700 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 2700 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 3600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 3600 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 5400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 5400 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 7200 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 7200 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 10800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 10800 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 14400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 14400 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 21600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 21600 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 28800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 28800 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 43200 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 43200 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 57600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 57600 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 86400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 86400 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 129600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 129600 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 172800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 172800 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 259200 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 259200 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 345600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 345600 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 432000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 432000 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 604800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 604800 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 864000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 864000 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 1209600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 1209600 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 1814400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 1814400 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 2592000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 2592000 THEN 1 ELSE 0 END WHERE true"
        " ON CONFLICT (day, priority, owner_id) DO UPDATE SET opened = case_days.opened +"
        " excluded.opened, responded = case_days.responded + excluded.responded,"
        " on_time = case_days.on_time + excluded.on_time, resolved = case_days.resolved +"
        " excluded.resolved, fr0 = case_days.fr0 + excluded.fr0,"
        " fr1 = case_days.fr1 + excluded.fr1, fr2 = case_days.fr2 + excluded.fr2,"
        " fr3 = case_days.fr3 + excluded.fr3, fr4 = case_days.fr4 + excluded.fr4,"
        " fr5 = case_days.fr5 + excluded.fr5, fr6 = case_days.fr6 + excluded.fr6,"
        " fr7 = case_days.fr7 + excluded.fr7, fr8 = case_days.fr8 + excluded.fr8,"
        " fr9 = case_days.fr9 + excluded.fr9, fr10 = case_days.fr10 + excluded.fr10,"
        " fr11 = case_days.fr11 + excluded.fr11, fr12 = case_days.fr12 + excluded.fr12,"
        " fr13 = case_days.fr13 + excluded.fr13, fr14 = case_days.fr14 + excluded.fr14,"
        " fr15 = case_days.fr15 + excluded.fr15, fr16 = case_days.fr16 + excluded.fr16,"
        " fr17 = case_days.fr17 + excluded.fr17, fr18 = case_days.fr18 + excluded.fr18,"
        " fr19 = case_days.fr19 + excluded.fr19, fr20 = case_days.fr20 + excluded.fr20,"
        " fr21 = case_days.fr21 + excluded.fr21, fr22 = case_days.fr22 + excluded.fr22,"
        " fr23 = case_days.fr23 + excluded.fr23, res0 = case_days.res0 + excluded.res0,"
        " res1 = case_days.res1 + excluded.res1, res2 = case_days.res2 + excluded.res2,"
        " res3 = case_days.res3 + excluded.res3, res4 = case_days.res4 + excluded.res4,"
        " res5 = case_days.res5 + excluded.res5, res6 = case_days.res6 + excluded.res6,"
        " res7 = case_days.res7 + excluded.res7, res8 = case_days.res8 + excluded.res8,"
        " res9 = case_days.res9 + excluded.res9, res10 = case_days.res10 + excluded.res10,"
        " res11 = case_days.res11 + excluded.res11, res12 = case_days.res12 + excluded.res12,"
        " res13 = case_days.res13 + excluded.res13, res14 = case_days.res14 + excluded.res14,"
        " res15 = case_days.res15 + excluded.res15, res16 = case_days.res16 + excluded.res16,"
        " res17 = case_days.res17 + excluded.res17, res18 = case_days.res18 + excluded.res18,"
        " res19 = case_days.res19 + excluded.res19, res20 = case_days.res20 + excluded.res20,"
        " res21 = case_days.res21 + excluded.res21, res22 = case_days.res22 + excluded.res22,"
        " res23 = case_days.res23 + excluded.res23"
    ),
}

#: its first response (NEW)
CASE_FIRST_RESPONSE = {
    "sqlite": (
        "INSERT INTO case_days (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) SELECT NEW.report_day, NEW.priority,"
        " COALESCE(NEW.owner_id, 0), 0, CASE WHEN NEW.first_responded_at IS NOT NULL THEN 1"
        " ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND NEW.first_responded_at <= NEW.first_response_due_at THEN 1 ELSE 0 END, 0,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND"
        " ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >= 0"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) <"
        " 900 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 900 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0)"
        " < 1800 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 1800 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0)"
        " < 2700 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 2700 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0)"
        " < 3600 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 3600 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0)"
        " < 5400 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 5400 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0)"
        " < 7200 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 7200 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0)"
        " < 10800 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 10800 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 14400 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 14400 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 21600 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 21600 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 28800 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 28800 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 43200 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 43200 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 57600 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 57600 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 86400 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 86400 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 129600 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 129600 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 172800 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 172800 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 259200 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 259200 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 345600 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 345600 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 432000 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 432000 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 604800 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 604800 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 864000 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 864000 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 1209600 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 1209600 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 1814400 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 1814400 AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) *"
        " 86400.0) < 2592000 THEN 1 ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(NEW.first_responded_at) - julianday(NEW.opened_at)) * 86400.0) >="
        " 2592000 THEN 1 ELSE 0 END, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,"
        " 0, 0, 0, 0 WHERE true ON CONFLICT (day, priority, owner_id)"
        " DO UPDATE SET opened = case_days.opened + excluded.opened,"
        " responded = case_days.responded + excluded.responded,"
        " on_time = case_days.on_time + excluded.on_time, resolved = case_days.resolved +"
        " excluded.resolved, fr0 = case_days.fr0 + excluded.fr0,"
        " fr1 = case_days.fr1 + excluded.fr1, fr2 = case_days.fr2 + excluded.fr2,"
        " fr3 = case_days.fr3 + excluded.fr3, fr4 = case_days.fr4 + excluded.fr4,"
        " fr5 = case_days.fr5 + excluded.fr5, fr6 = case_days.fr6 + excluded.fr6,"
        " fr7 = case_days.fr7 + excluded.fr7, fr8 = case_days.fr8 + excluded.fr8,"
        " fr9 = case_days.fr9 + excluded.fr9, fr10 = case_days.fr10 + excluded.fr10,"
        " fr11 = case_days.fr11 + excluded.fr11, fr12 = case_days.fr12 + excluded.fr12,"
        " fr13 = case_days.fr13 + excluded.fr13, fr14 = case_days.fr14 + excluded.fr14,"
        " fr15 = case_days.fr15 + excluded.fr15, fr16 = case_days.fr16 + excluded.fr16,"
        " fr17 = case_days.fr17 + excluded.fr17, fr18 = case_days.fr18 + excluded.fr18,"
        " fr19 = case_days.fr19 + excluded.fr19, fr20 = case_days.fr20 + excluded.fr20,"
        " fr21 = case_days.fr21 + excluded.fr21, fr22 = case_days.fr22 + excluded.fr22,"
        " fr23 = case_days.fr23 + excluded.fr23, res0 = case_days.res0 + excluded.res0,"
        " res1 = case_days.res1 + excluded.res1, res2 = case_days.res2 + excluded.res2,"
        " res3 = case_days.res3 + excluded.res3, res4 = case_days.res4 + excluded.res4,"
        " res5 = case_days.res5 + excluded.res5, res6 = case_days.res6 + excluded.res6,"
        " res7 = case_days.res7 + excluded.res7, res8 = case_days.res8 + excluded.res8,"
        " res9 = case_days.res9 + excluded.res9, res10 = case_days.res10 + excluded.res10,"
        " res11 = case_days.res11 + excluded.res11, res12 = case_days.res12 + excluded.res12,"
        " res13 = case_days.res13 + excluded.res13, res14 = case_days.res14 + excluded.res14,"
        " res15 = case_days.res15 + excluded.res15, res16 = case_days.res16 + excluded.res16,"
        " res17 = case_days.res17 + excluded.res17, res18 = case_days.res18 + excluded.res18,"
        " res19 = case_days.res19 + excluded.res19, res20 = case_days.res20 + excluded.res20,"
        " res21 = case_days.res21 + excluded.res21, res22 = case_days.res22 + excluded.res22,"
        " res23 = case_days.res23 + excluded.res23"
    ),
    "postgresql": (
        "INSERT INTO case_days (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) SELECT NEW.report_day, NEW.priority,"
        " COALESCE(NEW.owner_id, 0), 0, CASE WHEN NEW.first_responded_at IS NOT NULL THEN 1"
        " ELSE 0 END, CASE WHEN NEW.first_responded_at IS NOT NULL"
        " AND NEW.first_responded_at <= NEW.first_response_due_at THEN 1 ELSE 0 END, 0,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 0 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 900 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 900 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 1800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 1800 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 2700 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 2700 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 3600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 3600 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 5400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 5400 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 7200 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 7200 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 10800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 10800 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 14400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 14400 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 21600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 21600 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 28800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 28800 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 43200 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 43200 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 57600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 57600 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 86400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 86400 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 129600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 129600 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 172800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 172800 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 259200 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 259200 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 345600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 345600 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 432000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 432000 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 604800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 604800 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 864000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 864000 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 1209600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 1209600 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 1814400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 1814400 AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) < 2592000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.first_responded_at - NEW.opened_at)) >= 2592000 THEN 1 ELSE 0 END, 0, 0, 0, 0,"
        " 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 WHERE true ON CONFLICT (day,"
        " priority, owner_id) DO UPDATE SET opened = case_days.opened + excluded.opened,"
        " responded = case_days.responded + excluded.responded,"
        " on_time = case_days.on_time + excluded.on_time, resolved = case_days.resolved +"
        " excluded.resolved, fr0 = case_days.fr0 + excluded.fr0,"
        " fr1 = case_days.fr1 + excluded.fr1, fr2 = case_days.fr2 + excluded.fr2,"
        " fr3 = case_days.fr3 + excluded.fr3, fr4 = case_days.fr4 + excluded.fr4,"
        " fr5 = case_days.fr5 + excluded.fr5, fr6 = case_days.fr6 + excluded.fr6,"
        " fr7 = case_days.fr7 + excluded.fr7, fr8 = case_days.fr8 + excluded.fr8,"
        " fr9 = case_days.fr9 + excluded.fr9, fr10 = case_days.fr10 + excluded.fr10,"
        " fr11 = case_days.fr11 + excluded.fr11, fr12 = case_days.fr12 + excluded.fr12,"
        " fr13 = case_days.fr13 + excluded.fr13, fr14 = case_days.fr14 + excluded.fr14,"
        " fr15 = case_days.fr15 + excluded.fr15, fr16 = case_days.fr16 + excluded.fr16,"
        " fr17 = case_days.fr17 + excluded.fr17, fr18 = case_days.fr18 + excluded.fr18,"
        " fr19 = case_days.fr19 + excluded.fr19, fr20 = case_days.fr20 + excluded.fr20,"
        " fr21 = case_days.fr21 + excluded.fr21, fr22 = case_days.fr22 + excluded.fr22,"
        " fr23 = case_days.fr23 + excluded.fr23, res0 = case_days.res0 + excluded.res0,"
        " res1 = case_days.res1 + excluded.res1, res2 = case_days.res2 + excluded.res2,"
        " res3 = case_days.res3 + excluded.res3, res4 = case_days.res4 + excluded.res4,"
        " res5 = case_days.res5 + excluded.res5, res6 = case_days.res6 + excluded.res6,"
        " res7 = case_days.res7 + excluded.res7, res8 = case_days.res8 + excluded.res8,"
        " res9 = case_days.res9 + excluded.res9, res10 = case_days.res10 + excluded.res10,"
        " res11 = case_days.res11 + excluded.res11, res12 = case_days.res12 + excluded.res12,"
        " res13 = case_days.res13 + excluded.res13, res14 = case_days.res14 + excluded.res14,"
        " res15 = case_days.res15 + excluded.res15, res16 = case_days.res16 + excluded.res16,"
        " res17 = case_days.res17 + excluded.res17, res18 = case_days.res18 + excluded.res18,"
        " res19 = case_days.res19 + excluded.res19, res20 = case_days.res20 + excluded.res20,"
        " res21 = case_days.res21 + excluded.res21, res22 = case_days.res22 + excluded.res22,"
        " res23 = case_days.res23 + excluded.res23"
    ),
}

#: its resolution taken back when it is reopened or resolved again (OLD)
CASE_UNRESOLVE = {
    "sqlite": (
        "UPDATE case_days SET resolved = resolved - (CASE WHEN OLD.resolved_at IS NOT NULL THEN 1"
        " ELSE 0 END), res0 = res0 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 0"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 900 THEN"
        " 1 ELSE 0 END), res1 = res1 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 900"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 1800 THEN"
        " 1 ELSE 0 END), res2 = res2 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 1800"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 2700 THEN"
        " 1 ELSE 0 END), res3 = res3 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 2700"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 3600 THEN"
        " 1 ELSE 0 END), res4 = res4 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 3600"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 5400 THEN"
        " 1 ELSE 0 END), res5 = res5 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 5400"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 7200 THEN"
        " 1 ELSE 0 END), res6 = res6 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 7200"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 10800"
        " THEN 1 ELSE 0 END), res7 = res7 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 10800"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 14400"
        " THEN 1 ELSE 0 END), res8 = res8 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 14400"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 21600"
        " THEN 1 ELSE 0 END), res9 = res9 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 21600"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 28800"
        " THEN 1 ELSE 0 END), res10 = res10 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 28800"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 43200"
        " THEN 1 ELSE 0 END), res11 = res11 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 43200"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 57600"
        " THEN 1 ELSE 0 END), res12 = res12 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 57600"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 86400"
        " THEN 1 ELSE 0 END), res13 = res13 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 86400"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 129600"
        " THEN 1 ELSE 0 END), res14 = res14 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 129600"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 172800"
        " THEN 1 ELSE 0 END), res15 = res15 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 172800"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 259200"
        " THEN 1 ELSE 0 END), res16 = res16 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 259200"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 345600"
        " THEN 1 ELSE 0 END), res17 = res17 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 345600"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 432000"
        " THEN 1 ELSE 0 END), res18 = res18 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 432000"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 604800"
        " THEN 1 ELSE 0 END), res19 = res19 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 604800"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 864000"
        " THEN 1 ELSE 0 END), res20 = res20 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 864000"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 1209600"
        " THEN 1 ELSE 0 END), res21 = res21 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 1209600"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 1814400"
        " THEN 1 ELSE 0 END), res22 = res22 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 1814400"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) < 2592000"
        " THEN 1 ELSE 0 END), res23 = res23 - (CASE WHEN OLD.resolved_at IS NOT NULL"
        " AND ROUND((julianday(OLD.resolved_at) - julianday(OLD.opened_at)) * 86400.0) >= 2592000"
        " THEN 1 ELSE 0 END) WHERE OLD.resolved_at IS NOT NULL AND day = OLD.report_day"
        " AND priority = OLD.priority AND owner_id = COALESCE(OLD.owner_id, 0)"
    ),
    "postgresql": (
        "UPDATE case_days SET resolved = resolved - (CASE WHEN OLD.resolved_at IS NOT NULL THEN 1"
        " ELSE 0 END), res0 = res0 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 0 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 900 THEN 1 ELSE 0 END),"
        " res1 = res1 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 900 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 1800 THEN 1 ELSE 0 END),"
        " res2 = res2 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 1800 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 2700 THEN 1 ELSE 0 END),"
        " res3 = res3 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 2700 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 3600 THEN 1 ELSE 0 END),"
        " res4 = res4 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 3600 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 5400 THEN 1 ELSE 0 END),"
        " res5 = res5 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 5400 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 7200 THEN 1 ELSE 0 END),"
        " res6 = res6 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 7200 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 10800 THEN 1 ELSE 0 END),"
        " res7 = res7 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 10800 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 14400 THEN 1 ELSE 0 END),"
        " res8 = res8 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 14400 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 21600 THEN 1 ELSE 0 END),"
        " res9 = res9 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 21600 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 28800 THEN 1 ELSE 0 END),"
        " res10 = res10 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 28800 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 43200 THEN 1 ELSE 0 END),"
        " res11 = res11 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 43200 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 57600 THEN 1 ELSE 0 END),"
        " res12 = res12 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 57600 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 86400 THEN 1 ELSE 0 END),"
        " res13 = res13 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 86400 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 129600 THEN 1 ELSE 0 END),"
        " res14 = res14 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 129600 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 172800 THEN 1 ELSE 0 END),"
        " res15 = res15 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 172800 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 259200 THEN 1 ELSE 0 END),"
        " res16 = res16 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 259200 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 345600 THEN 1 ELSE 0 END),"
        " res17 = res17 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 345600 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 432000 THEN 1 ELSE 0 END),"
        " res18 = res18 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 432000 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 604800 THEN 1 ELSE 0 END),"
        " res19 = res19 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 604800 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 864000 THEN 1 ELSE 0 END),"
        " res20 = res20 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 864000 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 1209600 THEN 1 ELSE 0 END),"
        " res21 = res21 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 1209600 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 1814400 THEN 1 ELSE 0 END),"
        " res22 = res22 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 1814400 AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) < 2592000 THEN 1 ELSE 0 END),"
        " res23 = res23 - (CASE WHEN OLD.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (OLD.resolved_at - OLD.opened_at)) >= 2592000 THEN 1 ELSE 0 END)"
        " WHERE OLD.resolved_at IS NOT NULL AND day = OLD.report_day AND priority = OLD.priority"
        " AND owner_id = COALESCE(OLD.owner_id, 0)"
    ),
}

#: its resolution (NEW)
CASE_RESOLVED = {
    "sqlite": (
        "INSERT INTO case_days (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) SELECT NEW.report_day, NEW.priority,"
        " COALESCE(NEW.owner_id, 0), 0, 0, 0, CASE WHEN NEW.resolved_at IS NOT NULL THEN 1"
        " ELSE 0 END, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 0 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 900 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 900 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 1800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 1800 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 2700 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 2700 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 3600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 3600 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 5400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 5400 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 7200 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 7200 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 10800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 10800 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 14400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 14400 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 21600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 21600 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 28800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 28800 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 43200 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 43200 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 57600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 57600 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 86400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 86400 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 129600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 129600 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 172800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 172800 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 259200 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 259200 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 345600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 345600 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 432000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 432000 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 604800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 604800 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 864000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 864000 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 1209600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 1209600 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 1814400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 1814400 AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) < 2592000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND ROUND((julianday(NEW.resolved_at) -"
        " julianday(NEW.opened_at)) * 86400.0) >= 2592000 THEN 1 ELSE 0 END"
        " WHERE NEW.resolved_at IS NOT NULL ON CONFLICT (day, priority,"
        " owner_id) DO UPDATE SET opened = case_days.opened + excluded.opened,"
        " responded = case_days.responded + excluded.responded,"
        " on_time = case_days.on_time + excluded.on_time, resolved = case_days.resolved +"
        " excluded.resolved, fr0 = case_days.fr0 + excluded.fr0,"
        " fr1 = case_days.fr1 + excluded.fr1, fr2 = case_days.fr2 + excluded.fr2,"
        " fr3 = case_days.fr3 + excluded.fr3, fr4 = case_days.fr4 + excluded.fr4,"
        " fr5 = case_days.fr5 + excluded.fr5, fr6 = case_days.fr6 + excluded.fr6,"
        " fr7 = case_days.fr7 + excluded.fr7, fr8 = case_days.fr8 + excluded.fr8,"
        " fr9 = case_days.fr9 + excluded.fr9, fr10 = case_days.fr10 + excluded.fr10,"
        " fr11 = case_days.fr11 + excluded.fr11, fr12 = case_days.fr12 + excluded.fr12,"
        " fr13 = case_days.fr13 + excluded.fr13, fr14 = case_days.fr14 + excluded.fr14,"
        " fr15 = case_days.fr15 + excluded.fr15, fr16 = case_days.fr16 + excluded.fr16,"
        " fr17 = case_days.fr17 + excluded.fr17, fr18 = case_days.fr18 + excluded.fr18,"
        " fr19 = case_days.fr19 + excluded.fr19, fr20 = case_days.fr20 + excluded.fr20,"
        " fr21 = case_days.fr21 + excluded.fr21, fr22 = case_days.fr22 + excluded.fr22,"
        " fr23 = case_days.fr23 + excluded.fr23, res0 = case_days.res0 + excluded.res0,"
        " res1 = case_days.res1 + excluded.res1, res2 = case_days.res2 + excluded.res2,"
        " res3 = case_days.res3 + excluded.res3, res4 = case_days.res4 + excluded.res4,"
        " res5 = case_days.res5 + excluded.res5, res6 = case_days.res6 + excluded.res6,"
        " res7 = case_days.res7 + excluded.res7, res8 = case_days.res8 + excluded.res8,"
        " res9 = case_days.res9 + excluded.res9, res10 = case_days.res10 + excluded.res10,"
        " res11 = case_days.res11 + excluded.res11, res12 = case_days.res12 + excluded.res12,"
        " res13 = case_days.res13 + excluded.res13, res14 = case_days.res14 + excluded.res14,"
        " res15 = case_days.res15 + excluded.res15, res16 = case_days.res16 + excluded.res16,"
        " res17 = case_days.res17 + excluded.res17, res18 = case_days.res18 + excluded.res18,"
        " res19 = case_days.res19 + excluded.res19, res20 = case_days.res20 + excluded.res20,"
        " res21 = case_days.res21 + excluded.res21, res22 = case_days.res22 + excluded.res22,"
        " res23 = case_days.res23 + excluded.res23"
    ),
    "postgresql": (
        "INSERT INTO case_days (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) SELECT NEW.report_day, NEW.priority,"
        " COALESCE(NEW.owner_id, 0), 0, 0, 0, CASE WHEN NEW.resolved_at IS NOT NULL THEN 1"
        " ELSE 0 END, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 0 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 900 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 900 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 1800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 1800 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 2700 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 2700 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 3600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 3600 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 5400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 5400 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 7200 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 7200 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 10800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 10800 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 14400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 14400 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 21600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 21600 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 28800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 28800 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 43200 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 43200 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 57600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 57600 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 86400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 86400 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 129600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 129600 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 172800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 172800 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 259200 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 259200 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 345600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 345600 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 432000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 432000 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 604800 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 604800 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 864000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 864000 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 1209600 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 1209600 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 1814400 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 1814400 AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) < 2592000 THEN 1 ELSE 0 END,"
        " CASE WHEN NEW.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (NEW.resolved_at - NEW.opened_at)) >= 2592000 THEN 1 ELSE 0 END"
        " WHERE NEW.resolved_at IS NOT NULL ON CONFLICT (day, priority,"
        " owner_id) DO UPDATE SET opened = case_days.opened + excluded.opened,"
        " responded = case_days.responded + excluded.responded,"
        " on_time = case_days.on_time + excluded.on_time, resolved = case_days.resolved +"
        " excluded.resolved, fr0 = case_days.fr0 + excluded.fr0,"
        " fr1 = case_days.fr1 + excluded.fr1, fr2 = case_days.fr2 + excluded.fr2,"
        " fr3 = case_days.fr3 + excluded.fr3, fr4 = case_days.fr4 + excluded.fr4,"
        " fr5 = case_days.fr5 + excluded.fr5, fr6 = case_days.fr6 + excluded.fr6,"
        " fr7 = case_days.fr7 + excluded.fr7, fr8 = case_days.fr8 + excluded.fr8,"
        " fr9 = case_days.fr9 + excluded.fr9, fr10 = case_days.fr10 + excluded.fr10,"
        " fr11 = case_days.fr11 + excluded.fr11, fr12 = case_days.fr12 + excluded.fr12,"
        " fr13 = case_days.fr13 + excluded.fr13, fr14 = case_days.fr14 + excluded.fr14,"
        " fr15 = case_days.fr15 + excluded.fr15, fr16 = case_days.fr16 + excluded.fr16,"
        " fr17 = case_days.fr17 + excluded.fr17, fr18 = case_days.fr18 + excluded.fr18,"
        " fr19 = case_days.fr19 + excluded.fr19, fr20 = case_days.fr20 + excluded.fr20,"
        " fr21 = case_days.fr21 + excluded.fr21, fr22 = case_days.fr22 + excluded.fr22,"
        " fr23 = case_days.fr23 + excluded.fr23, res0 = case_days.res0 + excluded.res0,"
        " res1 = case_days.res1 + excluded.res1, res2 = case_days.res2 + excluded.res2,"
        " res3 = case_days.res3 + excluded.res3, res4 = case_days.res4 + excluded.res4,"
        " res5 = case_days.res5 + excluded.res5, res6 = case_days.res6 + excluded.res6,"
        " res7 = case_days.res7 + excluded.res7, res8 = case_days.res8 + excluded.res8,"
        " res9 = case_days.res9 + excluded.res9, res10 = case_days.res10 + excluded.res10,"
        " res11 = case_days.res11 + excluded.res11, res12 = case_days.res12 + excluded.res12,"
        " res13 = case_days.res13 + excluded.res13, res14 = case_days.res14 + excluded.res14,"
        " res15 = case_days.res15 + excluded.res15, res16 = case_days.res16 + excluded.res16,"
        " res17 = case_days.res17 + excluded.res17, res18 = case_days.res18 + excluded.res18,"
        " res19 = case_days.res19 + excluded.res19, res20 = case_days.res20 + excluded.res20,"
        " res21 = case_days.res21 + excluded.res21, res22 = case_days.res22 + excluded.res22,"
        " res23 = case_days.res23 + excluded.res23"
    ),
}

# The triggers, in the order they are made (PostgreSQL: a function and its trigger each).
CREATE_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER responses_count_answer AFTER INSERT ON responses BEGIN "
        + SCORE_UPSERT + "; " + ANSWERED_BY_DAY + "; END",
        "CREATE TRIGGER responses_recount_comment AFTER UPDATE OF comment,"
        " sentiment ON responses WHEN OLD.sentiment IS NOT NEW.sentiment"
        " OR (OLD.comment IS NULL) <> (NEW.comment IS NULL) BEGIN "
        + RECOUNT_COMMENT + "; END",
        "CREATE TRIGGER response_topics_count AFTER INSERT ON response_topics BEGIN "
        + TOPIC_COUNT + "; END",
        "CREATE TRIGGER response_topics_uncount AFTER DELETE ON response_topics BEGIN "
        + TOPIC_UNCOUNT + "; END",
        "CREATE TRIGGER invitations_count_delivered AFTER UPDATE OF sent_day ON invitations"
        " WHEN OLD.sent_day IS NULL AND NEW.sent_day IS NOT NULL BEGIN "
        + DELIVERED_BY_DAY + "; END",
        "CREATE TRIGGER invitations_count_delivered_new AFTER INSERT ON invitations"
        " WHEN NEW.sent_day IS NOT NULL BEGIN "
        + DELIVERED_BY_DAY + "; END",
        "CREATE TRIGGER cases_count_opened AFTER INSERT ON cases BEGIN "
        + CASE_OPENED["sqlite"] + "; END",
        "CREATE TRIGGER cases_count_first_response AFTER UPDATE OF first_responded_at ON cases"
        " WHEN OLD.first_responded_at IS NULL AND NEW.first_responded_at IS NOT NULL BEGIN "
        + CASE_FIRST_RESPONSE["sqlite"] + "; END",
        "CREATE TRIGGER cases_count_resolution AFTER UPDATE OF resolved_at ON cases"
        " WHEN OLD.resolved_at IS NOT NEW.resolved_at BEGIN "
        + CASE_UNRESOLVE["sqlite"] + "; " + CASE_RESOLVED["sqlite"] + "; END",
    ],
    "postgresql": [
        "CREATE FUNCTION responses_count_answer() RETURNS trigger AS $$ BEGIN "
        + SCORE_UPSERT + "; " + ANSWERED_BY_DAY + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER responses_count_answer AFTER INSERT ON responses FOR EACH ROW"
        " EXECUTE FUNCTION responses_count_answer()",
        "CREATE FUNCTION responses_recount_comment() RETURNS trigger AS $$ BEGIN "
        + RECOUNT_COMMENT + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER responses_recount_comment AFTER UPDATE OF comment,"
        " sentiment ON responses FOR EACH ROW WHEN (OLD.sentiment IS DISTINCT FROM NEW.sentiment"
        " OR (OLD.comment IS NULL) <> (NEW.comment IS NULL)) EXECUTE FUNCTION"
        " responses_recount_comment()",
        "CREATE FUNCTION response_topics_count() RETURNS trigger AS $$ BEGIN "
        + TOPIC_COUNT + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER response_topics_count AFTER INSERT ON response_topics FOR EACH ROW"
        " EXECUTE FUNCTION response_topics_count()",
        "CREATE FUNCTION response_topics_uncount() RETURNS trigger AS $$ BEGIN "
        + TOPIC_UNCOUNT + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER response_topics_uncount AFTER DELETE ON response_topics FOR EACH ROW"
        " EXECUTE FUNCTION response_topics_uncount()",
        "CREATE FUNCTION invitations_count_delivered() RETURNS trigger AS $$ BEGIN "
        + DELIVERED_BY_DAY + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER invitations_count_delivered AFTER UPDATE OF sent_day"
        " ON invitations FOR EACH ROW WHEN (OLD.sent_day IS NULL AND NEW.sent_day IS NOT NULL)"
        " EXECUTE FUNCTION invitations_count_delivered()",
        "CREATE FUNCTION invitations_count_delivered_new() RETURNS trigger AS $$ BEGIN "
        + DELIVERED_BY_DAY + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER invitations_count_delivered_new AFTER INSERT ON invitations FOR EACH ROW"
        " WHEN (NEW.sent_day IS NOT NULL) EXECUTE FUNCTION invitations_count_delivered_new()",
        "CREATE FUNCTION cases_count_opened() RETURNS trigger AS $$ BEGIN "
        + CASE_OPENED["postgresql"] + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER cases_count_opened AFTER INSERT ON cases FOR EACH ROW"
        " EXECUTE FUNCTION cases_count_opened()",
        "CREATE FUNCTION cases_count_first_response() RETURNS trigger AS $$ BEGIN "
        + CASE_FIRST_RESPONSE["postgresql"] + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER cases_count_first_response AFTER UPDATE OF first_responded_at"
        " ON cases FOR EACH ROW WHEN (OLD.first_responded_at IS NULL"
        " AND NEW.first_responded_at IS NOT NULL) EXECUTE FUNCTION cases_count_first_response()",
        "CREATE FUNCTION cases_count_resolution() RETURNS trigger AS $$ BEGIN "
        + CASE_UNRESOLVE["postgresql"] + "; " + CASE_RESOLVED["postgresql"]
        + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER cases_count_resolution AFTER UPDATE OF resolved_at ON cases FOR EACH ROW"
        " WHEN (OLD.resolved_at IS DISTINCT FROM NEW.resolved_at)"
        " EXECUTE FUNCTION cases_count_resolution()",
    ],
}

DROP_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS responses_count_answer",
        "DROP TRIGGER IF EXISTS responses_recount_comment",
        "DROP TRIGGER IF EXISTS response_topics_count",
        "DROP TRIGGER IF EXISTS response_topics_uncount",
        "DROP TRIGGER IF EXISTS invitations_count_delivered",
        "DROP TRIGGER IF EXISTS invitations_count_delivered_new",
        "DROP TRIGGER IF EXISTS cases_count_opened",
        "DROP TRIGGER IF EXISTS cases_count_first_response",
        "DROP TRIGGER IF EXISTS cases_count_resolution",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS responses_count_answer ON responses",
        "DROP FUNCTION IF EXISTS responses_count_answer()",
        "DROP TRIGGER IF EXISTS responses_recount_comment ON responses",
        "DROP FUNCTION IF EXISTS responses_recount_comment()",
        "DROP TRIGGER IF EXISTS response_topics_count ON response_topics",
        "DROP FUNCTION IF EXISTS response_topics_count()",
        "DROP TRIGGER IF EXISTS response_topics_uncount ON response_topics",
        "DROP FUNCTION IF EXISTS response_topics_uncount()",
        "DROP TRIGGER IF EXISTS invitations_count_delivered ON invitations",
        "DROP FUNCTION IF EXISTS invitations_count_delivered()",
        "DROP TRIGGER IF EXISTS invitations_count_delivered_new ON invitations",
        "DROP FUNCTION IF EXISTS invitations_count_delivered_new()",
        "DROP TRIGGER IF EXISTS cases_count_opened ON cases",
        "DROP FUNCTION IF EXISTS cases_count_opened()",
        "DROP TRIGGER IF EXISTS cases_count_first_response ON cases",
        "DROP FUNCTION IF EXISTS cases_count_first_response()",
        "DROP TRIGGER IF EXISTS cases_count_resolution ON cases",
        "DROP FUNCTION IF EXISTS cases_count_resolution()",
    ],
}

# The summary tables counted from the rows stored before (what rebuild.refill() ran at this
# revision: the tables of later migrations do not exist yet; the DELETEs find the tables
# just made empty).
#: score_days counted from the stored answers
SCORE_DAYS_FROM_RESPONSES = (
    "INSERT INTO score_days (day, survey_id, touchpoint_type_id, tier, locale, kind, answers,"
    " score_sum, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, comments, comments_unhappy,"
    " comments_neutral, comments_happy, positive, neutral, negative) SELECT r.report_day,"
    " r.survey_id, r.touchpoint_type_id, r.tier, r.locale, r.kind, SUM(1), SUM(r.score),"
    " SUM(CASE WHEN r.score = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN r.score = 1 THEN 1 ELSE 0 END),"
    " SUM(CASE WHEN r.score = 2 THEN 1 ELSE 0 END), SUM(CASE WHEN r.score = 3 THEN 1 ELSE 0 END),"
    " SUM(CASE WHEN r.score = 4 THEN 1 ELSE 0 END), SUM(CASE WHEN r.score = 5 THEN 1 ELSE 0 END),"
    " SUM(CASE WHEN r.score = 6 THEN 1 ELSE 0 END), SUM(CASE WHEN r.score = 7 THEN 1 ELSE 0 END),"
    " SUM(CASE WHEN r.score = 8 THEN 1 ELSE 0 END), SUM(CASE WHEN r.score = 9 THEN 1 ELSE 0 END),"
    " SUM(CASE WHEN r.score = 10 THEN 1 ELSE 0 END), SUM(CASE WHEN r.comment IS NOT NULL THEN 1"
    " ELSE 0 END), SUM(CASE WHEN r.comment IS NOT NULL AND CASE WHEN r.kind = 'nps' THEN CASE WHEN"
    " r.score >= 9 THEN 1 WHEN r.score >= 7 THEN 0 ELSE -1 END"
    " WHEN r.kind = 'csat' THEN CASE WHEN r.score >= 4 THEN 1 WHEN r.score = 3 THEN 0 ELSE -1 END"
    " ELSE CASE WHEN r.score >= 5 THEN 1 WHEN r.score = 4 THEN 0 ELSE -1 END END = -1 THEN 1"
    " ELSE 0 END), SUM(CASE WHEN r.comment IS NOT NULL AND CASE WHEN r.kind = 'nps' THEN CASE WHEN"
    " r.score >= 9 THEN 1 WHEN r.score >= 7 THEN 0 ELSE -1 END"
    " WHEN r.kind = 'csat' THEN CASE WHEN r.score >= 4 THEN 1 WHEN r.score = 3 THEN 0 ELSE -1 END"
    " ELSE CASE WHEN r.score >= 5 THEN 1 WHEN r.score = 4 THEN 0 ELSE -1 END END = 0 THEN 1"
    " ELSE 0 END), SUM(CASE WHEN r.comment IS NOT NULL AND CASE WHEN r.kind = 'nps' THEN CASE WHEN"
    " r.score >= 9 THEN 1 WHEN r.score >= 7 THEN 0 ELSE -1 END"
    " WHEN r.kind = 'csat' THEN CASE WHEN r.score >= 4 THEN 1 WHEN r.score = 3 THEN 0 ELSE -1 END"
    " ELSE CASE WHEN r.score >= 5 THEN 1 WHEN r.score = 4 THEN 0 ELSE -1 END END = 1 THEN 1"
    " ELSE 0 END), SUM(CASE WHEN r.sentiment = 'positive' THEN 1 ELSE 0 END),"
    " SUM(CASE WHEN r.sentiment = 'neutral' THEN 1 ELSE 0 END),"
    " SUM(CASE WHEN r.sentiment = 'negative' THEN 1 ELSE 0 END) FROM responses r"
    " GROUP BY r.report_day, r.survey_id, r.touchpoint_type_id, r.tier, r.locale,"
    " r.kind ORDER BY 1, 2, 3, 4, 5"
)

#: topic_days counted from the stored answers' topics
TOPIC_DAYS_FROM_RESPONSES = (
    "INSERT INTO topic_days (day, survey_id, touchpoint_type_id, tier, locale, topic_id, mood,"
    " answers) SELECT r.report_day, r.survey_id, r.touchpoint_type_id, r.tier, r.locale,"
    " t.topic_id, CASE WHEN r.kind = 'nps' THEN CASE WHEN r.score >= 9 THEN 1"
    " WHEN r.score >= 7 THEN 0 ELSE -1 END WHEN r.kind = 'csat' THEN CASE WHEN r.score >= 4 THEN 1"
    " WHEN r.score = 3 THEN 0 ELSE -1 END ELSE CASE WHEN r.score >= 5 THEN 1"
    " WHEN r.score = 4 THEN 0 ELSE -1 END END, COUNT(*) FROM responses r JOIN response_topics t"
    " ON t.response_id = r.id GROUP BY r.report_day, r.survey_id, r.touchpoint_type_id, r.tier,"
    " r.locale, t.topic_id, CASE WHEN r.kind = 'nps' THEN CASE WHEN r.score >= 9 THEN 1"
    " WHEN r.score >= 7 THEN 0 ELSE -1 END WHEN r.kind = 'csat' THEN CASE WHEN r.score >= 4 THEN 1"
    " WHEN r.score = 3 THEN 0 ELSE -1 END ELSE CASE WHEN r.score >= 5 THEN 1"
    " WHEN r.score = 4 THEN 0 ELSE -1 END END ORDER BY 1, 2, 3, 4, 5, 6, 7"
)

#: invitation_days counted from the stored deliveries
INVITATION_DAYS_FROM_INVITATIONS = (
    "INSERT INTO invitation_days (day, survey_id, touchpoint_type_id, delivered,"
    " answered) SELECT i.sent_day, i.survey_id, e.touchpoint_type_id, COUNT(*),"
    " SUM(CASE WHEN r.id IS NOT NULL THEN 1 ELSE 0 END) FROM invitations i"
    " JOIN touchpoint_events e ON e.id = i.event_id LEFT JOIN responses r"
    " ON r.invitation_id = i.id WHERE i.sent_day IS NOT NULL GROUP BY i.sent_day, i.survey_id,"
    " e.touchpoint_type_id ORDER BY 1, 2, 3"
)

#: case_days counted from the stored cases
CASE_DAYS_FROM_CASES = {
    "sqlite": (
        "INSERT INTO case_days (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) SELECT c.report_day, c.priority, COALESCE(c.owner_id,"
        " 0), SUM(1), SUM(CASE WHEN c.first_responded_at IS NOT NULL THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND c.first_responded_at <="
        " c.first_response_due_at THEN 1 ELSE 0 END), SUM(CASE WHEN c.resolved_at IS NOT NULL THEN"
        " 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >= 0"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) < 900"
        " THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >= 900"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) < 1800"
        " THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >= 1800"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) < 2700"
        " THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >= 2700"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) < 3600"
        " THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >= 3600"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) < 5400"
        " THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >= 5400"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) < 7200"
        " THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >= 7200"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) < 10800"
        " THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >= 10800"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) < 14400"
        " THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >= 14400"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) < 21600"
        " THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >= 21600"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) < 28800"
        " THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >= 28800"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) < 43200"
        " THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >= 43200"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) < 57600"
        " THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >= 57600"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) < 86400"
        " THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >= 86400"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) < 129600"
        " THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >="
        " 129600 AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) <"
        " 172800 THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >="
        " 172800 AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) <"
        " 259200 THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >="
        " 259200 AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) <"
        " 345600 THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >="
        " 345600 AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) <"
        " 432000 THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >="
        " 432000 AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) <"
        " 604800 THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >="
        " 604800 AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) <"
        " 864000 THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >="
        " 864000 AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) <"
        " 1209600 THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >="
        " 1209600 AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0)"
        " < 1814400 THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >="
        " 1814400 AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0)"
        " < 2592000 THEN 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL"
        " AND ROUND((julianday(c.first_responded_at) - julianday(c.opened_at)) * 86400.0) >="
        " 2592000 THEN 1 ELSE 0 END), SUM(CASE WHEN c.resolved_at IS NOT NULL"
        " AND ROUND((julianday(c.resolved_at) - julianday(c.opened_at)) * 86400.0) >= 0"
        " AND ROUND((julianday(c.resolved_at) - julianday(c.opened_at)) * 86400.0) < 900 THEN 1"
        " ELSE 0 END), SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at)"
        " - julianday(c.opened_at)) * 86400.0) >= 900 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 1800 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 1800 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 2700 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 2700 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 3600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 3600 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 5400 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 5400 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 7200 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 7200 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 10800 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 10800 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 14400 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 14400 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 21600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 21600 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 28800 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 28800 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 43200 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 43200 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 57600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 57600 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 86400 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 86400 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 129600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 129600 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 172800 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 172800 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 259200 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 259200 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 345600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 345600 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 432000 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 432000 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 604800 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 604800 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 864000 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 864000 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 1209600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 1209600 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 1814400 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 1814400 AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) < 2592000 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND ROUND((julianday(c.resolved_at) -"
        " julianday(c.opened_at)) * 86400.0) >= 2592000 THEN 1 ELSE 0 END) FROM cases c"
        " WHERE c.report_day IS NOT NULL GROUP BY c.report_day, c.priority, COALESCE(c.owner_id,"
        " 0) ORDER BY 1, 2, 3"
    ),
    "postgresql": (
        "INSERT INTO case_days (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) SELECT c.report_day, c.priority, COALESCE(c.owner_id,"
        " 0), SUM(1), SUM(CASE WHEN c.first_responded_at IS NOT NULL THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND c.first_responded_at <="
        " c.first_response_due_at THEN 1 ELSE 0 END), SUM(CASE WHEN c.resolved_at IS NOT NULL THEN"
        " 1 ELSE 0 END), SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 0 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 900 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 900 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 1800 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 1800 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 2700 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 2700 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 3600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 3600 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 5400 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 5400 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 7200 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 7200 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 10800 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 10800 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 14400 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 14400 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 21600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 21600 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 28800 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 28800 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 43200 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 43200 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 57600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 57600 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 86400 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 86400 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 129600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 129600 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 172800 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 172800 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 259200 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 259200 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 345600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 345600 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 432000 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 432000 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 604800 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 604800 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 864000 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 864000 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 1209600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 1209600 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 1814400 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 1814400 AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) < 2592000 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.first_responded_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.first_responded_at - c.opened_at)) >= 2592000 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 0 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 900 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 900 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 1800 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 1800 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 2700 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 2700 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 3600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 3600 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 5400 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 5400 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 7200 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 7200 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 10800 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 10800 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 14400 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 14400 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 21600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 21600 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 28800 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 28800 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 43200 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 43200 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 57600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 57600 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 86400 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 86400 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 129600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 129600 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 172800 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 172800 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 259200 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 259200 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 345600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 345600 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 432000 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 432000 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 604800 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 604800 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 864000 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 864000 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 1209600 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 1209600 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 1814400 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 1814400 AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) < 2592000 THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN c.resolved_at IS NOT NULL AND EXTRACT(EPOCH"
        " FROM (c.resolved_at - c.opened_at)) >= 2592000 THEN 1 ELSE 0 END) FROM cases c"
        " WHERE c.report_day IS NOT NULL GROUP BY c.report_day, c.priority, COALESCE(c.owner_id,"
        " 0) ORDER BY 1, 2, 3"
    ),
}

REFILL = {
    "sqlite": [
        "DELETE FROM score_days",
        "DELETE FROM topic_days",
        "DELETE FROM invitation_days",
        "DELETE FROM case_days",
        SCORE_DAYS_FROM_RESPONSES,
        TOPIC_DAYS_FROM_RESPONSES,
        INVITATION_DAYS_FROM_INVITATIONS,
        CASE_DAYS_FROM_CASES["sqlite"],
    ],
    "postgresql": [
        "DELETE FROM score_days",
        "DELETE FROM topic_days",
        "DELETE FROM invitation_days",
        "DELETE FROM case_days",
        SCORE_DAYS_FROM_RESPONSES,
        TOPIC_DAYS_FROM_RESPONSES,
        INVITATION_DAYS_FROM_INVITATIONS,
        CASE_DAYS_FROM_CASES["postgresql"],
    ],
}

# Each answer's report_day, each delivery's sent_day and each case's report_day in the
# report zone (rebuild.restamp_days()). PostgreSQL converts the stamps itself; SQLite knows
# no time zones, so Python works out each day, a batch of ids at a time.
RESTAMP_POSTGRESQL = [
    "UPDATE responses SET report_day = (answered_at AT TIME ZONE :zone)::date",
    "UPDATE invitations SET sent_day = (sent_at AT TIME ZONE :zone)::date"
    " WHERE sent_at IS NOT NULL",
    "UPDATE cases SET report_day = (opened_at AT TIME ZONE :zone)::date",
]
#: (the stamps of a batch after :after, the update of one row's day) per table
RESTAMP_SQLITE = [
    ("SELECT id, answered_at FROM responses WHERE id > :after"
     " AND answered_at IS NOT NULL ORDER BY id LIMIT :batch",
     "UPDATE responses SET report_day = :day WHERE id = :id"),
    ("SELECT id, sent_at FROM invitations WHERE id > :after"
     " AND sent_at IS NOT NULL ORDER BY id LIMIT :batch",
     "UPDATE invitations SET sent_day = :day WHERE id = :id"),
    ("SELECT id, opened_at FROM cases WHERE id > :after"
     " AND opened_at IS NOT NULL ORDER BY id LIMIT :batch",
     "UPDATE cases SET report_day = :day WHERE id = :id"),
]
RESTAMP_BATCH = 20_000


def _report_timezone():
    """REPORT_TIMEZONE as config.py reads it from the environment: REPORT_TIMEZONE, else
    DEFAULT_TIMEZONE, else UTC. Not the app's configuration (this migration does not
    depend on today's code): an app given another zone in code rather than in the
    environment (tests, the benchmarks) migrates in this one, which matters only for
    answers, deliveries and cases stored before this migration."""
    return (os.environ.get("REPORT_TIMEZONE", "").strip()
            or os.environ.get("DEFAULT_TIMEZONE", "").strip() or "UTC")


def _restamp_days(bind, zone):
    if bind.dialect.name == "postgresql":
        for sql in RESTAMP_POSTGRESQL:
            bind.execute(sa.text(sql), {"zone": zone})
        return
    tz = ZoneInfo(zone)
    for select, update in RESTAMP_SQLITE:
        after = 0
        while True:
            rows = bind.execute(
                sa.text(select), {"after": after, "batch": RESTAMP_BATCH}
            ).all()
            if not rows:
                break
            # a naive UTC timestamp as SQLite keeps it -> its local day
            bind.execute(sa.text(update), [
                {"id": i, "day": datetime.fromisoformat(stamp).replace(tzinfo=UTC)
                 .astimezone(tz).date().isoformat()}
                for i, stamp in rows
            ])
            after = rows[-1][0]


# SQLite rebuilds responses to make the new columns NOT NULL, which drops its triggers.
ANSWERED_TRIGGER_SQLITE = """
CREATE TRIGGER responses_mark_invitation_answered AFTER INSERT ON responses
BEGIN
    UPDATE invitations SET status = 'answered' WHERE id = NEW.invitation_id;
END
"""


# revision identifiers, used by Alembic.
revision = '66f037c5ae64'
down_revision = '4d8334398d8c'
branch_labels = None
depends_on = None


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('invitation_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('touchpoint_type_id', sa.Integer(), nullable=False),
    sa.Column('delivered', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_invitation_days_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'survey_id', 'touchpoint_type_id', name=op.f('pk_invitation_days')),
    sqlite_with_rowid=False
    )
    op.create_table('score_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('touchpoint_type_id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('kind', _survey_kind(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('score_sum', sa.Integer(), nullable=False),
    sa.Column('s0', sa.Integer(), nullable=False),
    sa.Column('s1', sa.Integer(), nullable=False),
    sa.Column('s2', sa.Integer(), nullable=False),
    sa.Column('s3', sa.Integer(), nullable=False),
    sa.Column('s4', sa.Integer(), nullable=False),
    sa.Column('s5', sa.Integer(), nullable=False),
    sa.Column('s6', sa.Integer(), nullable=False),
    sa.Column('s7', sa.Integer(), nullable=False),
    sa.Column('s8', sa.Integer(), nullable=False),
    sa.Column('s9', sa.Integer(), nullable=False),
    sa.Column('s10', sa.Integer(), nullable=False),
    sa.Column('comments', sa.Integer(), nullable=False),
    sa.Column('comments_unhappy', sa.Integer(), nullable=False),
    sa.Column('comments_neutral', sa.Integer(), nullable=False),
    sa.Column('comments_happy', sa.Integer(), nullable=False),
    sa.Column('positive', sa.Integer(), nullable=False),
    sa.Column('neutral', sa.Integer(), nullable=False),
    sa.Column('negative', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_score_days_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'survey_id', 'touchpoint_type_id', 'tier', 'locale', name=op.f('pk_score_days')),
    sqlite_with_rowid=False
    )
    op.create_table('topic_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('touchpoint_type_id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('mood', sa.SmallInteger(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_topic_days_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_topic_days_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'survey_id', 'touchpoint_type_id', 'tier', 'locale', 'topic_id', 'mood', name=op.f('pk_topic_days')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_day', sa.Date(), nullable=True))
    op.create_index('ix_invitations_sent_at', 'invitations', ['sent_at'], unique=False)
    op.create_index('ix_cases_opened_at', 'cases', ['opened_at'], unique=False)
    op.add_column('cases', sa.Column('report_day', sa.Date(), nullable=True))
    op.create_table('case_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('priority', postgresql.ENUM('urgent', 'high', 'normal', 'low', name='case_priority', create_type=False)
              if op.get_bind().dialect.name == 'postgresql'
              else sa.Enum('urgent', 'high', 'normal', 'low', name='case_priority'), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    *[sa.Column(name, sa.Integer(), nullable=False) for name in (
        'opened', 'responded', 'on_time', 'resolved',
        *[f'fr{i}' for i in range(24)], *[f'res{i}' for i in range(24)])],
    sa.PrimaryKeyConstraint('day', 'priority', 'owner_id', name=op.f('pk_case_days')),
    sqlite_with_rowid=False
    )

    op.add_column('responses', sa.Column('touchpoint_type_id', sa.Integer(), nullable=True))
    op.add_column('responses', sa.Column('tier', sa.String(length=40), server_default='', nullable=False))
    op.add_column('responses', sa.Column('report_day', sa.Date(), nullable=True))

    # Answers stored before: their touchpoint and their customer's tier as it is now.
    op.execute(
        "UPDATE responses SET touchpoint_type_id = (SELECT e.touchpoint_type_id"
        " FROM invitations i JOIN touchpoint_events e ON e.id = i.event_id"
        " WHERE i.id = responses.invitation_id),"
        " tier = COALESCE((SELECT c.tier FROM customers c"
        " WHERE c.id = responses.customer_id), '')"
    )
    bind = op.get_bind()
    _restamp_days(bind, _report_timezone())
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.alter_column('touchpoint_type_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('report_day', existing_type=sa.Date(), nullable=False)
    if bind.dialect.name == "sqlite":
        op.execute(ANSWERED_TRIGGER_SQLITE)
    for sql in REFILL[bind.dialect.name]:
        op.execute(sql)
    for sql in CREATE_TRIGGERS[bind.dialect.name]:
        op.execute(sql)
    # ### end Alembic commands ###


def downgrade():
    bind = op.get_bind()
    for sql in DROP_TRIGGERS[bind.dialect.name]:
        op.execute(sql)
    op.drop_index('ix_cases_opened_at', table_name='cases')
    op.drop_table('case_days')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('report_day')
    op.drop_index('ix_invitations_sent_at', table_name='invitations')
    if bind.dialect.name == "sqlite":
        # It names invitations, which SQLite's table rebuilds below rename.
        op.execute("DROP TRIGGER IF EXISTS responses_mark_invitation_answered")
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('report_day')
        batch_op.drop_column('tier')
        batch_op.drop_column('touchpoint_type_id')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_column('sent_day')
    op.drop_table('topic_days')
    op.drop_table('score_days')
    op.drop_table('invitation_days')
    if bind.dialect.name == "sqlite":
        op.execute(ANSWERED_TRIGGER_SQLITE)
