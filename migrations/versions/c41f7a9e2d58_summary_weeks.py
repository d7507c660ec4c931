"""score_weeks, survey_weeks, survey_topic_weeks, case_weeks: the summaries by week

Revision ID: c41f7a9e2d58
Revises: 9e4a6c2d7b15
Create Date: 2026-12-05 21:20:00

The dashboard's most read summaries again by week (``day`` is the week's Monday in
REPORT_TIMEZONE), each weekly row the sum of its week's daily rows: a period of 30 days
reads the days at its ends and the whole weeks between (about a fifth of the rows), a
trend of twelve weeks twelve rows per survey rather than 84. Kept by triggers on the daily
tables, so whatever keeps a daily row keeps its week; filled here from the daily rows.

The SQL is written out below as feedback.dashboard.rebuild made it on 2026-12-06 (commit
55e3d0d); the migration imports nothing from the app. The dialects differ in the week of a
day: SQLite date(day, 'weekday 0', '-6 days') (the next Sunday or the day itself, less six
days), PostgreSQL date_trunc('week', day).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'c41f7a9e2d58'
down_revision = '9e4a6c2d7b15'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name).with_variant(
        postgresql.ENUM(*values, name=name, create_type=False), 'postgresql'
    )


def _counts(*names):
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def _survey_key(table):
    return sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f(f'fk_{table}_survey_id_surveys'), ondelete='CASCADE')


SCORES = [f's{score}' for score in range(11)]
BUCKETS = range(24)

# The weekly tables counted from the daily rows (PostgreSQL: and their planner statistics,
# before autovacuum's).
#: score_weeks counted from score_days
SCORE_WEEKS_FROM_DAYS = {
    "sqlite": (
        "INSERT INTO score_weeks (day, survey_id, touchpoint_type_id, tier, locale, kind, answers,"
        " score_sum, comments, comments_unhappy, comments_neutral, comments_happy, positive,"
        " neutral, negative, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10) SELECT date(day,"
        " 'weekday 0', '-6 days'), survey_id, touchpoint_type_id, tier, locale, MIN(kind),"
        " SUM(answers), SUM(score_sum), SUM(comments), SUM(comments_unhappy),"
        " SUM(comments_neutral), SUM(comments_happy), SUM(positive), SUM(neutral), SUM(negative),"
        " SUM(s0), SUM(s1), SUM(s2), SUM(s3), SUM(s4), SUM(s5), SUM(s6), SUM(s7), SUM(s8),"
        " SUM(s9), SUM(s10) FROM score_days GROUP BY date(day, 'weekday 0', '-6 days'), survey_id,"
        " touchpoint_type_id, tier, locale ORDER BY 1, survey_id, touchpoint_type_id, tier, locale"
    ),
    "postgresql": (
        "INSERT INTO score_weeks (day, survey_id, touchpoint_type_id, tier, locale, kind, answers,"
        " score_sum, comments, comments_unhappy, comments_neutral, comments_happy, positive,"
        " neutral, negative, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9,"
        " s10) SELECT CAST(date_trunc('week', day) AS DATE), survey_id, touchpoint_type_id, tier,"
        " locale, MIN(kind), SUM(answers), SUM(score_sum), SUM(comments), SUM(comments_unhappy),"
        " SUM(comments_neutral), SUM(comments_happy), SUM(positive), SUM(neutral), SUM(negative),"
        " SUM(s0), SUM(s1), SUM(s2), SUM(s3), SUM(s4), SUM(s5), SUM(s6), SUM(s7), SUM(s8),"
        " SUM(s9), SUM(s10) FROM score_days GROUP BY CAST(date_trunc('week', day) AS DATE),"
        " survey_id, touchpoint_type_id, tier, locale ORDER BY 1, survey_id, touchpoint_type_id,"
        " tier, locale"
    ),
}

#: survey_weeks counted from survey_days
SURVEY_WEEKS_FROM_DAYS = {
    "sqlite": (
        "INSERT INTO survey_weeks (day, survey_id, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9,"
        " s10) SELECT date(day, 'weekday 0', '-6 days'), survey_id, SUM(s0), SUM(s1), SUM(s2),"
        " SUM(s3), SUM(s4), SUM(s5), SUM(s6), SUM(s7), SUM(s8), SUM(s9),"
        " SUM(s10) FROM survey_days GROUP BY date(day, 'weekday 0', '-6 days'),"
        " survey_id ORDER BY 1, survey_id"
    ),
    "postgresql": (
        "INSERT INTO survey_weeks (day, survey_id, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9,"
        " s10) SELECT CAST(date_trunc('week', day) AS DATE), survey_id, SUM(s0), SUM(s1), SUM(s2),"
        " SUM(s3), SUM(s4), SUM(s5), SUM(s6), SUM(s7), SUM(s8), SUM(s9),"
        " SUM(s10) FROM survey_days GROUP BY CAST(date_trunc('week', day) AS DATE),"
        " survey_id ORDER BY 1, survey_id"
    ),
}

#: survey_topic_weeks counted from survey_topic_days
SURVEY_TOPIC_WEEKS_FROM_DAYS = {
    "sqlite": (
        "INSERT INTO survey_topic_weeks (day, survey_id, topic_id, mood, answers) SELECT date(day,"
        " 'weekday 0', '-6 days'), survey_id, topic_id, mood, SUM(answers) FROM survey_topic_days"
        " GROUP BY date(day, 'weekday 0', '-6 days'), survey_id, topic_id, mood ORDER BY 1,"
        " survey_id, topic_id, mood"
    ),
    "postgresql": (
        "INSERT INTO survey_topic_weeks (day, survey_id, topic_id, mood,"
        " answers) SELECT CAST(date_trunc('week', day) AS DATE), survey_id, topic_id, mood,"
        " SUM(answers) FROM survey_topic_days GROUP BY CAST(date_trunc('week', day) AS DATE),"
        " survey_id, topic_id, mood ORDER BY 1, survey_id, topic_id, mood"
    ),
}

#: case_weeks counted from case_days
CASE_WEEKS_FROM_DAYS = {
    "sqlite": (
        "INSERT INTO case_weeks (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) SELECT date(day, 'weekday 0', '-6 days'), priority,"
        " owner_id, SUM(opened), SUM(responded), SUM(on_time), SUM(resolved), SUM(fr0), SUM(fr1),"
        " SUM(fr2), SUM(fr3), SUM(fr4), SUM(fr5), SUM(fr6), SUM(fr7), SUM(fr8), SUM(fr9),"
        " SUM(fr10), SUM(fr11), SUM(fr12), SUM(fr13), SUM(fr14), SUM(fr15), SUM(fr16), SUM(fr17),"
        " SUM(fr18), SUM(fr19), SUM(fr20), SUM(fr21), SUM(fr22), SUM(fr23), SUM(res0), SUM(res1),"
        " SUM(res2), SUM(res3), SUM(res4), SUM(res5), SUM(res6), SUM(res7), SUM(res8), SUM(res9),"
        " SUM(res10), SUM(res11), SUM(res12), SUM(res13), SUM(res14), SUM(res15), SUM(res16),"
        " SUM(res17), SUM(res18), SUM(res19), SUM(res20), SUM(res21), SUM(res22),"
        " SUM(res23) FROM case_days GROUP BY date(day, 'weekday 0', '-6 days'), priority,"
        " owner_id ORDER BY 1, priority, owner_id"
    ),
    "postgresql": (
        "INSERT INTO case_weeks (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) SELECT CAST(date_trunc('week', day) AS DATE),"
        " priority, owner_id, SUM(opened), SUM(responded), SUM(on_time), SUM(resolved), SUM(fr0),"
        " SUM(fr1), SUM(fr2), SUM(fr3), SUM(fr4), SUM(fr5), SUM(fr6), SUM(fr7), SUM(fr8),"
        " SUM(fr9), SUM(fr10), SUM(fr11), SUM(fr12), SUM(fr13), SUM(fr14), SUM(fr15), SUM(fr16),"
        " SUM(fr17), SUM(fr18), SUM(fr19), SUM(fr20), SUM(fr21), SUM(fr22), SUM(fr23), SUM(res0),"
        " SUM(res1), SUM(res2), SUM(res3), SUM(res4), SUM(res5), SUM(res6), SUM(res7), SUM(res8),"
        " SUM(res9), SUM(res10), SUM(res11), SUM(res12), SUM(res13), SUM(res14), SUM(res15),"
        " SUM(res16), SUM(res17), SUM(res18), SUM(res19), SUM(res20), SUM(res21), SUM(res22),"
        " SUM(res23) FROM case_days GROUP BY CAST(date_trunc('week', day) AS DATE), priority,"
        " owner_id ORDER BY 1, priority, owner_id"
    ),
}

FILL = {
    "sqlite": [
        SCORE_WEEKS_FROM_DAYS["sqlite"],
        SURVEY_WEEKS_FROM_DAYS["sqlite"],
        SURVEY_TOPIC_WEEKS_FROM_DAYS["sqlite"],
        CASE_WEEKS_FROM_DAYS["sqlite"],
    ],
    "postgresql": [
        SCORE_WEEKS_FROM_DAYS["postgresql"],
        "ANALYZE score_weeks",
        SURVEY_WEEKS_FROM_DAYS["postgresql"],
        "ANALYZE survey_weeks",
        SURVEY_TOPIC_WEEKS_FROM_DAYS["postgresql"],
        "ANALYZE survey_topic_weeks",
        CASE_WEEKS_FROM_DAYS["postgresql"],
        "ANALYZE case_weeks",
    ],
}

# The statements the triggers on the daily tables run: a new daily row is added to its
# week, an update adds what it changed; a daily row whose key changes (the counting never
# does that) moves its counts from the old week and key to the new. Rows deleted from a
# daily table are not subtracted, as the daily tables keep the counts of deleted answers.
#: a new row of score_days (NEW) added to its week
SCORE_WEEKS_ADD_NEW = {
    "sqlite": (
        "INSERT INTO score_weeks (day, survey_id, touchpoint_type_id, tier, locale, kind, answers,"
        " score_sum, comments, comments_unhappy, comments_neutral, comments_happy, positive,"
        " neutral, negative, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10) VALUES (date(NEW.day,"
        " 'weekday 0', '-6 days'), NEW.survey_id, NEW.touchpoint_type_id, NEW.tier, NEW.locale,"
        " NEW.kind, NEW.answers, NEW.score_sum, NEW.comments, NEW.comments_unhappy,"
        " NEW.comments_neutral, NEW.comments_happy, NEW.positive, NEW.neutral, NEW.negative,"
        " NEW.s0, NEW.s1, NEW.s2, NEW.s3, NEW.s4, NEW.s5, NEW.s6, NEW.s7, NEW.s8, NEW.s9,"
        " NEW.s10) ON CONFLICT (day, survey_id, touchpoint_type_id, tier,"
        " locale) DO UPDATE SET answers = score_weeks.answers + excluded.answers,"
        " score_sum = score_weeks.score_sum + excluded.score_sum,"
        " comments = score_weeks.comments + excluded.comments, comments_unhappy ="
        " score_weeks.comments_unhappy + excluded.comments_unhappy,"
        " comments_neutral = score_weeks.comments_neutral + excluded.comments_neutral,"
        " comments_happy = score_weeks.comments_happy + excluded.comments_happy,"
        " positive = score_weeks.positive + excluded.positive, neutral = score_weeks.neutral +"
        " excluded.neutral, negative = score_weeks.negative + excluded.negative,"
        " s0 = score_weeks.s0 + excluded.s0, s1 = score_weeks.s1 + excluded.s1,"
        " s2 = score_weeks.s2 + excluded.s2, s3 = score_weeks.s3 + excluded.s3,"
        " s4 = score_weeks.s4 + excluded.s4, s5 = score_weeks.s5 + excluded.s5,"
        " s6 = score_weeks.s6 + excluded.s6, s7 = score_weeks.s7 + excluded.s7,"
        " s8 = score_weeks.s8 + excluded.s8, s9 = score_weeks.s9 + excluded.s9,"
        " s10 = score_weeks.s10 + excluded.s10"
    ),
    "postgresql": (
        "INSERT INTO score_weeks (day, survey_id, touchpoint_type_id, tier, locale, kind, answers,"
        " score_sum, comments, comments_unhappy, comments_neutral, comments_happy, positive,"
        " neutral, negative, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9,"
        " s10) VALUES (CAST(date_trunc('week', NEW.day) AS DATE), NEW.survey_id,"
        " NEW.touchpoint_type_id, NEW.tier, NEW.locale, NEW.kind, NEW.answers, NEW.score_sum,"
        " NEW.comments, NEW.comments_unhappy, NEW.comments_neutral, NEW.comments_happy,"
        " NEW.positive, NEW.neutral, NEW.negative, NEW.s0, NEW.s1, NEW.s2, NEW.s3, NEW.s4, NEW.s5,"
        " NEW.s6, NEW.s7, NEW.s8, NEW.s9, NEW.s10) ON CONFLICT (day, survey_id,"
        " touchpoint_type_id, tier, locale) DO UPDATE SET answers = score_weeks.answers +"
        " excluded.answers, score_sum = score_weeks.score_sum + excluded.score_sum,"
        " comments = score_weeks.comments + excluded.comments, comments_unhappy ="
        " score_weeks.comments_unhappy + excluded.comments_unhappy,"
        " comments_neutral = score_weeks.comments_neutral + excluded.comments_neutral,"
        " comments_happy = score_weeks.comments_happy + excluded.comments_happy,"
        " positive = score_weeks.positive + excluded.positive, neutral = score_weeks.neutral +"
        " excluded.neutral, negative = score_weeks.negative + excluded.negative,"
        " s0 = score_weeks.s0 + excluded.s0, s1 = score_weeks.s1 + excluded.s1,"
        " s2 = score_weeks.s2 + excluded.s2, s3 = score_weeks.s3 + excluded.s3,"
        " s4 = score_weeks.s4 + excluded.s4, s5 = score_weeks.s5 + excluded.s5,"
        " s6 = score_weeks.s6 + excluded.s6, s7 = score_weeks.s7 + excluded.s7,"
        " s8 = score_weeks.s8 + excluded.s8, s9 = score_weeks.s9 + excluded.s9,"
        " s10 = score_weeks.s10 + excluded.s10"
    ),
}

#: what an update of one changed (NEW - OLD) added to its week
SCORE_WEEKS_ADD_CHANGE = {
    "sqlite": (
        "INSERT INTO score_weeks (day, survey_id, touchpoint_type_id, tier, locale, kind, answers,"
        " score_sum, comments, comments_unhappy, comments_neutral, comments_happy, positive,"
        " neutral, negative, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10) VALUES (date(NEW.day,"
        " 'weekday 0', '-6 days'), NEW.survey_id, NEW.touchpoint_type_id, NEW.tier, NEW.locale,"
        " NEW.kind, NEW.answers - OLD.answers, NEW.score_sum - OLD.score_sum,"
        " NEW.comments - OLD.comments, NEW.comments_unhappy - OLD.comments_unhappy,"
        " NEW.comments_neutral - OLD.comments_neutral, NEW.comments_happy - OLD.comments_happy,"
        " NEW.positive - OLD.positive, NEW.neutral - OLD.neutral, NEW.negative - OLD.negative,"
        " NEW.s0 - OLD.s0, NEW.s1 - OLD.s1, NEW.s2 - OLD.s2, NEW.s3 - OLD.s3, NEW.s4 - OLD.s4,"
        " NEW.s5 - OLD.s5, NEW.s6 - OLD.s6, NEW.s7 - OLD.s7, NEW.s8 - OLD.s8, NEW.s9 - OLD.s9,"
        " NEW.s10 - OLD.s10) ON CONFLICT (day, survey_id, touchpoint_type_id, tier,"
        " locale) DO UPDATE SET answers = score_weeks.answers + excluded.answers,"
        " score_sum = score_weeks.score_sum + excluded.score_sum,"
        " comments = score_weeks.comments + excluded.comments, comments_unhappy ="
        " score_weeks.comments_unhappy + excluded.comments_unhappy,"
        " comments_neutral = score_weeks.comments_neutral + excluded.comments_neutral,"
        " comments_happy = score_weeks.comments_happy + excluded.comments_happy,"
        " positive = score_weeks.positive + excluded.positive, neutral = score_weeks.neutral +"
        " excluded.neutral, negative = score_weeks.negative + excluded.negative,"
        " s0 = score_weeks.s0 + excluded.s0, s1 = score_weeks.s1 + excluded.s1,"
        " s2 = score_weeks.s2 + excluded.s2, s3 = score_weeks.s3 + excluded.s3,"
        " s4 = score_weeks.s4 + excluded.s4, s5 = score_weeks.s5 + excluded.s5,"
        " s6 = score_weeks.s6 + excluded.s6, s7 = score_weeks.s7 + excluded.s7,"
        " s8 = score_weeks.s8 + excluded.s8, s9 = score_weeks.s9 + excluded.s9,"
        " s10 = score_weeks.s10 + excluded.s10"
    ),
    "postgresql": (
        "INSERT INTO score_weeks (day, survey_id, touchpoint_type_id, tier, locale, kind, answers,"
        " score_sum, comments, comments_unhappy, comments_neutral, comments_happy, positive,"
        " neutral, negative, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9,"
        " s10) VALUES (CAST(date_trunc('week', NEW.day) AS DATE), NEW.survey_id,"
        " NEW.touchpoint_type_id, NEW.tier, NEW.locale, NEW.kind, NEW.answers - OLD.answers,"
        " NEW.score_sum - OLD.score_sum, NEW.comments - OLD.comments,"
        " NEW.comments_unhappy - OLD.comments_unhappy, NEW.comments_neutral -"
        " OLD.comments_neutral, NEW.comments_happy - OLD.comments_happy,"
        " NEW.positive - OLD.positive, NEW.neutral - OLD.neutral, NEW.negative - OLD.negative,"
        " NEW.s0 - OLD.s0, NEW.s1 - OLD.s1, NEW.s2 - OLD.s2, NEW.s3 - OLD.s3, NEW.s4 - OLD.s4,"
        " NEW.s5 - OLD.s5, NEW.s6 - OLD.s6, NEW.s7 - OLD.s7, NEW.s8 - OLD.s8, NEW.s9 - OLD.s9,"
        " NEW.s10 - OLD.s10) ON CONFLICT (day, survey_id, touchpoint_type_id, tier,"
        " locale) DO UPDATE SET answers = score_weeks.answers + excluded.answers,"
        " score_sum = score_weeks.score_sum + excluded.score_sum,"
        " comments = score_weeks.comments + excluded.comments, comments_unhappy ="
        " score_weeks.comments_unhappy + excluded.comments_unhappy,"
        " comments_neutral = score_weeks.comments_neutral + excluded.comments_neutral,"
        " comments_happy = score_weeks.comments_happy + excluded.comments_happy,"
        " positive = score_weeks.positive + excluded.positive, neutral = score_weeks.neutral +"
        " excluded.neutral, negative = score_weeks.negative + excluded.negative,"
        " s0 = score_weeks.s0 + excluded.s0, s1 = score_weeks.s1 + excluded.s1,"
        " s2 = score_weeks.s2 + excluded.s2, s3 = score_weeks.s3 + excluded.s3,"
        " s4 = score_weeks.s4 + excluded.s4, s5 = score_weeks.s5 + excluded.s5,"
        " s6 = score_weeks.s6 + excluded.s6, s7 = score_weeks.s7 + excluded.s7,"
        " s8 = score_weeks.s8 + excluded.s8, s9 = score_weeks.s9 + excluded.s9,"
        " s10 = score_weeks.s10 + excluded.s10"
    ),
}

#: a row's old counts (OLD) taken from its old week and key
SCORE_WEEKS_TAKE_OLD = {
    "sqlite": (
        "INSERT INTO score_weeks (day, survey_id, touchpoint_type_id, tier, locale, kind, answers,"
        " score_sum, comments, comments_unhappy, comments_neutral, comments_happy, positive,"
        " neutral, negative, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10) VALUES (date(OLD.day,"
        " 'weekday 0', '-6 days'), OLD.survey_id, OLD.touchpoint_type_id, OLD.tier, OLD.locale,"
        " OLD.kind, -OLD.answers, -OLD.score_sum, -OLD.comments, -OLD.comments_unhappy,"
        " -OLD.comments_neutral, -OLD.comments_happy, -OLD.positive, -OLD.neutral, -OLD.negative,"
        " -OLD.s0, -OLD.s1, -OLD.s2, -OLD.s3, -OLD.s4, -OLD.s5, -OLD.s6, -OLD.s7, -OLD.s8,"
        " -OLD.s9, -OLD.s10) ON CONFLICT (day, survey_id, touchpoint_type_id, tier,"
        " locale) DO UPDATE SET answers = score_weeks.answers + excluded.answers,"
        " score_sum = score_weeks.score_sum + excluded.score_sum,"
        " comments = score_weeks.comments + excluded.comments, comments_unhappy ="
        " score_weeks.comments_unhappy + excluded.comments_unhappy,"
        " comments_neutral = score_weeks.comments_neutral + excluded.comments_neutral,"
        " comments_happy = score_weeks.comments_happy + excluded.comments_happy,"
        " positive = score_weeks.positive + excluded.positive, neutral = score_weeks.neutral +"
        " excluded.neutral, negative = score_weeks.negative + excluded.negative,"
        " s0 = score_weeks.s0 + excluded.s0, s1 = score_weeks.s1 + excluded.s1,"
        " s2 = score_weeks.s2 + excluded.s2, s3 = score_weeks.s3 + excluded.s3,"
        " s4 = score_weeks.s4 + excluded.s4, s5 = score_weeks.s5 + excluded.s5,"
        " s6 = score_weeks.s6 + excluded.s6, s7 = score_weeks.s7 + excluded.s7,"
        " s8 = score_weeks.s8 + excluded.s8, s9 = score_weeks.s9 + excluded.s9,"
        " s10 = score_weeks.s10 + excluded.s10"
    ),
    "postgresql": (
        "INSERT INTO score_weeks (day, survey_id, touchpoint_type_id, tier, locale, kind, answers,"
        " score_sum, comments, comments_unhappy, comments_neutral, comments_happy, positive,"
        " neutral, negative, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9,"
        " s10) VALUES (CAST(date_trunc('week', OLD.day) AS DATE), OLD.survey_id,"
        " OLD.touchpoint_type_id, OLD.tier, OLD.locale, OLD.kind, -OLD.answers, -OLD.score_sum,"
        " -OLD.comments, -OLD.comments_unhappy, -OLD.comments_neutral, -OLD.comments_happy,"
        " -OLD.positive, -OLD.neutral, -OLD.negative, -OLD.s0, -OLD.s1, -OLD.s2, -OLD.s3, -OLD.s4,"
        " -OLD.s5, -OLD.s6, -OLD.s7, -OLD.s8, -OLD.s9, -OLD.s10) ON CONFLICT (day, survey_id,"
        " touchpoint_type_id, tier, locale) DO UPDATE SET answers = score_weeks.answers +"
        " excluded.answers, score_sum = score_weeks.score_sum + excluded.score_sum,"
        " comments = score_weeks.comments + excluded.comments, comments_unhappy ="
        " score_weeks.comments_unhappy + excluded.comments_unhappy,"
        " comments_neutral = score_weeks.comments_neutral + excluded.comments_neutral,"
        " comments_happy = score_weeks.comments_happy + excluded.comments_happy,"
        " positive = score_weeks.positive + excluded.positive, neutral = score_weeks.neutral +"
        " excluded.neutral, negative = score_weeks.negative + excluded.negative,"
        " s0 = score_weeks.s0 + excluded.s0, s1 = score_weeks.s1 + excluded.s1,"
        " s2 = score_weeks.s2 + excluded.s2, s3 = score_weeks.s3 + excluded.s3,"
        " s4 = score_weeks.s4 + excluded.s4, s5 = score_weeks.s5 + excluded.s5,"
        " s6 = score_weeks.s6 + excluded.s6, s7 = score_weeks.s7 + excluded.s7,"
        " s8 = score_weeks.s8 + excluded.s8, s9 = score_weeks.s9 + excluded.s9,"
        " s10 = score_weeks.s10 + excluded.s10"
    ),
}

#: a new row of survey_days (NEW) added to its week
SURVEY_WEEKS_ADD_NEW = {
    "sqlite": (
        "INSERT INTO survey_weeks (day, survey_id, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9,"
        " s10) VALUES (date(NEW.day, 'weekday 0', '-6 days'), NEW.survey_id, NEW.s0, NEW.s1,"
        " NEW.s2, NEW.s3, NEW.s4, NEW.s5, NEW.s6, NEW.s7, NEW.s8, NEW.s9,"
        " NEW.s10) ON CONFLICT (day, survey_id) DO UPDATE SET s0 = survey_weeks.s0 + excluded.s0,"
        " s1 = survey_weeks.s1 + excluded.s1, s2 = survey_weeks.s2 + excluded.s2,"
        " s3 = survey_weeks.s3 + excluded.s3, s4 = survey_weeks.s4 + excluded.s4,"
        " s5 = survey_weeks.s5 + excluded.s5, s6 = survey_weeks.s6 + excluded.s6,"
        " s7 = survey_weeks.s7 + excluded.s7, s8 = survey_weeks.s8 + excluded.s8,"
        " s9 = survey_weeks.s9 + excluded.s9, s10 = survey_weeks.s10 + excluded.s10"
    ),
    "postgresql": (
        "INSERT INTO survey_weeks (day, survey_id, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9,"
        " s10) VALUES (CAST(date_trunc('week', NEW.day) AS DATE), NEW.survey_id, NEW.s0, NEW.s1,"
        " NEW.s2, NEW.s3, NEW.s4, NEW.s5, NEW.s6, NEW.s7, NEW.s8, NEW.s9,"
        " NEW.s10) ON CONFLICT (day, survey_id) DO UPDATE SET s0 = survey_weeks.s0 + excluded.s0,"
        " s1 = survey_weeks.s1 + excluded.s1, s2 = survey_weeks.s2 + excluded.s2,"
        " s3 = survey_weeks.s3 + excluded.s3, s4 = survey_weeks.s4 + excluded.s4,"
        " s5 = survey_weeks.s5 + excluded.s5, s6 = survey_weeks.s6 + excluded.s6,"
        " s7 = survey_weeks.s7 + excluded.s7, s8 = survey_weeks.s8 + excluded.s8,"
        " s9 = survey_weeks.s9 + excluded.s9, s10 = survey_weeks.s10 + excluded.s10"
    ),
}

#: what an update of one changed (NEW - OLD) added to its week
SURVEY_WEEKS_ADD_CHANGE = {
    "sqlite": (
        "INSERT INTO survey_weeks (day, survey_id, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9,"
        " s10) VALUES (date(NEW.day, 'weekday 0', '-6 days'), NEW.survey_id, NEW.s0 - OLD.s0,"
        " NEW.s1 - OLD.s1, NEW.s2 - OLD.s2, NEW.s3 - OLD.s3, NEW.s4 - OLD.s4, NEW.s5 - OLD.s5,"
        " NEW.s6 - OLD.s6, NEW.s7 - OLD.s7, NEW.s8 - OLD.s8, NEW.s9 - OLD.s9,"
        " NEW.s10 - OLD.s10) ON CONFLICT (day, survey_id) DO UPDATE SET s0 = survey_weeks.s0 +"
        " excluded.s0, s1 = survey_weeks.s1 + excluded.s1, s2 = survey_weeks.s2 + excluded.s2,"
        " s3 = survey_weeks.s3 + excluded.s3, s4 = survey_weeks.s4 + excluded.s4,"
        " s5 = survey_weeks.s5 + excluded.s5, s6 = survey_weeks.s6 + excluded.s6,"
        " s7 = survey_weeks.s7 + excluded.s7, s8 = survey_weeks.s8 + excluded.s8,"
        " s9 = survey_weeks.s9 + excluded.s9, s10 = survey_weeks.s10 + excluded.s10"
    ),
    "postgresql": (
        "INSERT INTO survey_weeks (day, survey_id, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9,"
        " s10) VALUES (CAST(date_trunc('week', NEW.day) AS DATE), NEW.survey_id, NEW.s0 - OLD.s0,"
        " NEW.s1 - OLD.s1, NEW.s2 - OLD.s2, NEW.s3 - OLD.s3, NEW.s4 - OLD.s4, NEW.s5 - OLD.s5,"
        " NEW.s6 - OLD.s6, NEW.s7 - OLD.s7, NEW.s8 - OLD.s8, NEW.s9 - OLD.s9,"
        " NEW.s10 - OLD.s10) ON CONFLICT (day, survey_id) DO UPDATE SET s0 = survey_weeks.s0 +"
        " excluded.s0, s1 = survey_weeks.s1 + excluded.s1, s2 = survey_weeks.s2 + excluded.s2,"
        " s3 = survey_weeks.s3 + excluded.s3, s4 = survey_weeks.s4 + excluded.s4,"
        " s5 = survey_weeks.s5 + excluded.s5, s6 = survey_weeks.s6 + excluded.s6,"
        " s7 = survey_weeks.s7 + excluded.s7, s8 = survey_weeks.s8 + excluded.s8,"
        " s9 = survey_weeks.s9 + excluded.s9, s10 = survey_weeks.s10 + excluded.s10"
    ),
}

#: a row's old counts (OLD) taken from its old week and key
SURVEY_WEEKS_TAKE_OLD = {
    "sqlite": (
        "INSERT INTO survey_weeks (day, survey_id, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9,"
        " s10) VALUES (date(OLD.day, 'weekday 0', '-6 days'), OLD.survey_id, -OLD.s0, -OLD.s1,"
        " -OLD.s2, -OLD.s3, -OLD.s4, -OLD.s5, -OLD.s6, -OLD.s7, -OLD.s8, -OLD.s9,"
        " -OLD.s10) ON CONFLICT (day, survey_id) DO UPDATE SET s0 = survey_weeks.s0 + excluded.s0,"
        " s1 = survey_weeks.s1 + excluded.s1, s2 = survey_weeks.s2 + excluded.s2,"
        " s3 = survey_weeks.s3 + excluded.s3, s4 = survey_weeks.s4 + excluded.s4,"
        " s5 = survey_weeks.s5 + excluded.s5, s6 = survey_weeks.s6 + excluded.s6,"
        " s7 = survey_weeks.s7 + excluded.s7, s8 = survey_weeks.s8 + excluded.s8,"
        " s9 = survey_weeks.s9 + excluded.s9, s10 = survey_weeks.s10 + excluded.s10"
    ),
    "postgresql": (
        "INSERT INTO survey_weeks (day, survey_id, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9,"
        " s10) VALUES (CAST(date_trunc('week', OLD.day) AS DATE), OLD.survey_id, -OLD.s0, -OLD.s1,"
        " -OLD.s2, -OLD.s3, -OLD.s4, -OLD.s5, -OLD.s6, -OLD.s7, -OLD.s8, -OLD.s9,"
        " -OLD.s10) ON CONFLICT (day, survey_id) DO UPDATE SET s0 = survey_weeks.s0 + excluded.s0,"
        " s1 = survey_weeks.s1 + excluded.s1, s2 = survey_weeks.s2 + excluded.s2,"
        " s3 = survey_weeks.s3 + excluded.s3, s4 = survey_weeks.s4 + excluded.s4,"
        " s5 = survey_weeks.s5 + excluded.s5, s6 = survey_weeks.s6 + excluded.s6,"
        " s7 = survey_weeks.s7 + excluded.s7, s8 = survey_weeks.s8 + excluded.s8,"
        " s9 = survey_weeks.s9 + excluded.s9, s10 = survey_weeks.s10 + excluded.s10"
    ),
}

#: a new row of survey_topic_days (NEW) added to its week
SURVEY_TOPIC_WEEKS_ADD_NEW = {
    "sqlite": (
        "INSERT INTO survey_topic_weeks (day, survey_id, topic_id, mood,"
        " answers) VALUES (date(NEW.day, 'weekday 0', '-6 days'), NEW.survey_id, NEW.topic_id,"
        " NEW.mood, NEW.answers) ON CONFLICT (day, survey_id, topic_id,"
        " mood) DO UPDATE SET answers = survey_topic_weeks.answers + excluded.answers"
    ),
    "postgresql": (
        "INSERT INTO survey_topic_weeks (day, survey_id, topic_id, mood,"
        " answers) VALUES (CAST(date_trunc('week', NEW.day) AS DATE), NEW.survey_id, NEW.topic_id,"
        " NEW.mood, NEW.answers) ON CONFLICT (day, survey_id, topic_id,"
        " mood) DO UPDATE SET answers = survey_topic_weeks.answers + excluded.answers"
    ),
}

#: what an update of one changed (NEW - OLD) added to its week
SURVEY_TOPIC_WEEKS_ADD_CHANGE = {
    "sqlite": (
        "INSERT INTO survey_topic_weeks (day, survey_id, topic_id, mood,"
        " answers) VALUES (date(NEW.day, 'weekday 0', '-6 days'), NEW.survey_id, NEW.topic_id,"
        " NEW.mood, NEW.answers - OLD.answers) ON CONFLICT (day, survey_id, topic_id,"
        " mood) DO UPDATE SET answers = survey_topic_weeks.answers + excluded.answers"
    ),
    "postgresql": (
        "INSERT INTO survey_topic_weeks (day, survey_id, topic_id, mood,"
        " answers) VALUES (CAST(date_trunc('week', NEW.day) AS DATE), NEW.survey_id, NEW.topic_id,"
        " NEW.mood, NEW.answers - OLD.answers) ON CONFLICT (day, survey_id, topic_id,"
        " mood) DO UPDATE SET answers = survey_topic_weeks.answers + excluded.answers"
    ),
}

#: a row's old counts (OLD) taken from its old week and key
SURVEY_TOPIC_WEEKS_TAKE_OLD = {
    "sqlite": (
        "INSERT INTO survey_topic_weeks (day, survey_id, topic_id, mood,"
        " answers) VALUES (date(OLD.day, 'weekday 0', '-6 days'), OLD.survey_id, OLD.topic_id,"
        " OLD.mood, -OLD.answers) ON CONFLICT (day, survey_id, topic_id,"
        " mood) DO UPDATE SET answers = survey_topic_weeks.answers + excluded.answers"
    ),
    "postgresql": (
        "INSERT INTO survey_topic_weeks (day, survey_id, topic_id, mood,"
        " answers) VALUES (CAST(date_trunc('week', OLD.day) AS DATE), OLD.survey_id, OLD.topic_id,"
        " OLD.mood, -OLD.answers) ON CONFLICT (day, survey_id, topic_id,"
        " mood) DO UPDATE SET answers = survey_topic_weeks.answers + excluded.answers"
    ),
}

#: a new row of case_days (NEW) added to its week
CASE_WEEKS_ADD_NEW = {
    "sqlite": (
        "INSERT INTO case_weeks (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) VALUES (date(NEW.day, 'weekday 0', '-6 days'),"
        " NEW.priority, NEW.owner_id, NEW.opened, NEW.responded, NEW.on_time, NEW.resolved,"
        " NEW.fr0, NEW.fr1, NEW.fr2, NEW.fr3, NEW.fr4, NEW.fr5, NEW.fr6, NEW.fr7, NEW.fr8,"
        " NEW.fr9, NEW.fr10, NEW.fr11, NEW.fr12, NEW.fr13, NEW.fr14, NEW.fr15, NEW.fr16, NEW.fr17,"
        " NEW.fr18, NEW.fr19, NEW.fr20, NEW.fr21, NEW.fr22, NEW.fr23, NEW.res0, NEW.res1,"
        " NEW.res2, NEW.res3, NEW.res4, NEW.res5, NEW.res6, NEW.res7, NEW.res8, NEW.res9,"
        " NEW.res10, NEW.res11, NEW.res12, NEW.res13, NEW.res14, NEW.res15, NEW.res16, NEW.res17,"
        " NEW.res18, NEW.res19, NEW.res20, NEW.res21, NEW.res22, NEW.res23) ON CONFLICT (day,"
        " priority, owner_id) DO UPDATE SET opened = case_weeks.opened + excluded.opened,"
        " responded = case_weeks.responded + excluded.responded,"
        " on_time = case_weeks.on_time + excluded.on_time, resolved = case_weeks.resolved +"
        " excluded.resolved, fr0 = case_weeks.fr0 + excluded.fr0,"
        " fr1 = case_weeks.fr1 + excluded.fr1, fr2 = case_weeks.fr2 + excluded.fr2,"
        " fr3 = case_weeks.fr3 + excluded.fr3, fr4 = case_weeks.fr4 + excluded.fr4,"
        " fr5 = case_weeks.fr5 + excluded.fr5, fr6 = case_weeks.fr6 + excluded.fr6,"
        " fr7 = case_weeks.fr7 + excluded.fr7, fr8 = case_weeks.fr8 + excluded.fr8,"
        " fr9 = case_weeks.fr9 + excluded.fr9, fr10 = case_weeks.fr10 + excluded.fr10,"
        " fr11 = case_weeks.fr11 + excluded.fr11, fr12 = case_weeks.fr12 + excluded.fr12,"
        " fr13 = case_weeks.fr13 + excluded.fr13, fr14 = case_weeks.fr14 + excluded.fr14,"
        " fr15 = case_weeks.fr15 + excluded.fr15, fr16 = case_weeks.fr16 + excluded.fr16,"
        " fr17 = case_weeks.fr17 + excluded.fr17, fr18 = case_weeks.fr18 + excluded.fr18,"
        " fr19 = case_weeks.fr19 + excluded.fr19, fr20 = case_weeks.fr20 + excluded.fr20,"
        " fr21 = case_weeks.fr21 + excluded.fr21, fr22 = case_weeks.fr22 + excluded.fr22,"
        " fr23 = case_weeks.fr23 + excluded.fr23, res0 = case_weeks.res0 + excluded.res0,"
        " res1 = case_weeks.res1 + excluded.res1, res2 = case_weeks.res2 + excluded.res2,"
        " res3 = case_weeks.res3 + excluded.res3, res4 = case_weeks.res4 + excluded.res4,"
        " res5 = case_weeks.res5 + excluded.res5, res6 = case_weeks.res6 + excluded.res6,"
        " res7 = case_weeks.res7 + excluded.res7, res8 = case_weeks.res8 + excluded.res8,"
        " res9 = case_weeks.res9 + excluded.res9, res10 = case_weeks.res10 + excluded.res10,"
        " res11 = case_weeks.res11 + excluded.res11, res12 = case_weeks.res12 + excluded.res12,"
        " res13 = case_weeks.res13 + excluded.res13, res14 = case_weeks.res14 + excluded.res14,"
        " res15 = case_weeks.res15 + excluded.res15, res16 = case_weeks.res16 + excluded.res16,"
        " res17 = case_weeks.res17 + excluded.res17, res18 = case_weeks.res18 + excluded.res18,"
        " res19 = case_weeks.res19 + excluded.res19, res20 = case_weeks.res20 + excluded.res20,"
        " res21 = case_weeks.res21 + excluded.res21, res22 = case_weeks.res22 + excluded.res22,"
        " res23 = case_weeks.res23 + excluded.res23"
    ),
    "postgresql": (
        "INSERT INTO case_weeks (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) VALUES (CAST(date_trunc('week', NEW.day) AS DATE),"
        " NEW.priority, NEW.owner_id, NEW.opened, NEW.responded, NEW.on_time, NEW.resolved,"
        " NEW.fr0, NEW.fr1, NEW.fr2, NEW.fr3, NEW.fr4, NEW.fr5, NEW.fr6, NEW.fr7, NEW.fr8,"
        " NEW.fr9, NEW.fr10, NEW.fr11, NEW.fr12, NEW.fr13, NEW.fr14, NEW.fr15, NEW.fr16, NEW.fr17,"
        " NEW.fr18, NEW.fr19, NEW.fr20, NEW.fr21, NEW.fr22, NEW.fr23, NEW.res0, NEW.res1,"
        " NEW.res2, NEW.res3, NEW.res4, NEW.res5, NEW.res6, NEW.res7, NEW.res8, NEW.res9,"
        " NEW.res10, NEW.res11, NEW.res12, NEW.res13, NEW.res14, NEW.res15, NEW.res16, NEW.res17,"
        " NEW.res18, NEW.res19, NEW.res20, NEW.res21, NEW.res22, NEW.res23) ON CONFLICT (day,"
        " priority, owner_id) DO UPDATE SET opened = case_weeks.opened + excluded.opened,"
        " responded = case_weeks.responded + excluded.responded,"
        " on_time = case_weeks.on_time + excluded.on_time, resolved = case_weeks.resolved +"
        " excluded.resolved, fr0 = case_weeks.fr0 + excluded.fr0,"
        " fr1 = case_weeks.fr1 + excluded.fr1, fr2 = case_weeks.fr2 + excluded.fr2,"
        " fr3 = case_weeks.fr3 + excluded.fr3, fr4 = case_weeks.fr4 + excluded.fr4,"
        " fr5 = case_weeks.fr5 + excluded.fr5, fr6 = case_weeks.fr6 + excluded.fr6,"
        " fr7 = case_weeks.fr7 + excluded.fr7, fr8 = case_weeks.fr8 + excluded.fr8,"
        " fr9 = case_weeks.fr9 + excluded.fr9, fr10 = case_weeks.fr10 + excluded.fr10,"
        " fr11 = case_weeks.fr11 + excluded.fr11, fr12 = case_weeks.fr12 + excluded.fr12,"
        " fr13 = case_weeks.fr13 + excluded.fr13, fr14 = case_weeks.fr14 + excluded.fr14,"
        " fr15 = case_weeks.fr15 + excluded.fr15, fr16 = case_weeks.fr16 + excluded.fr16,"
        " fr17 = case_weeks.fr17 + excluded.fr17, fr18 = case_weeks.fr18 + excluded.fr18,"
        " fr19 = case_weeks.fr19 + excluded.fr19, fr20 = case_weeks.fr20 + excluded.fr20,"
        " fr21 = case_weeks.fr21 + excluded.fr21, fr22 = case_weeks.fr22 + excluded.fr22,"
        " fr23 = case_weeks.fr23 + excluded.fr23, res0 = case_weeks.res0 + excluded.res0,"
        " res1 = case_weeks.res1 + excluded.res1, res2 = case_weeks.res2 + excluded.res2,"
        " res3 = case_weeks.res3 + excluded.res3, res4 = case_weeks.res4 + excluded.res4,"
        " res5 = case_weeks.res5 + excluded.res5, res6 = case_weeks.res6 + excluded.res6,"
        " res7 = case_weeks.res7 + excluded.res7, res8 = case_weeks.res8 + excluded.res8,"
        " res9 = case_weeks.res9 + excluded.res9, res10 = case_weeks.res10 + excluded.res10,"
        " res11 = case_weeks.res11 + excluded.res11, res12 = case_weeks.res12 + excluded.res12,"
        " res13 = case_weeks.res13 + excluded.res13, res14 = case_weeks.res14 + excluded.res14,"
        " res15 = case_weeks.res15 + excluded.res15, res16 = case_weeks.res16 + excluded.res16,"
        " res17 = case_weeks.res17 + excluded.res17, res18 = case_weeks.res18 + excluded.res18,"
        " res19 = case_weeks.res19 + excluded.res19, res20 = case_weeks.res20 + excluded.res20,"
        " res21 = case_weeks.res21 + excluded.res21, res22 = case_weeks.res22 + excluded.res22,"
        " res23 = case_weeks.res23 + excluded.res23"
    ),
}

#: what an update of one changed (NEW - OLD) added to its week
CASE_WEEKS_ADD_CHANGE = {
    "sqlite": (
        "INSERT INTO case_weeks (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) VALUES (date(NEW.day, 'weekday 0', '-6 days'),"
        " NEW.priority, NEW.owner_id, NEW.opened - OLD.opened, NEW.responded - OLD.responded,"
        " NEW.on_time - OLD.on_time, NEW.resolved - OLD.resolved, NEW.fr0 - OLD.fr0,"
        " NEW.fr1 - OLD.fr1, NEW.fr2 - OLD.fr2, NEW.fr3 - OLD.fr3, NEW.fr4 - OLD.fr4,"
        " NEW.fr5 - OLD.fr5, NEW.fr6 - OLD.fr6, NEW.fr7 - OLD.fr7, NEW.fr8 - OLD.fr8,"
        " NEW.fr9 - OLD.fr9, NEW.fr10 - OLD.fr10, NEW.fr11 - OLD.fr11, NEW.fr12 - OLD.fr12,"
        " NEW.fr13 - OLD.fr13, NEW.fr14 - OLD.fr14, NEW.fr15 - OLD.fr15, NEW.fr16 - OLD.fr16,"
        " NEW.fr17 - OLD.fr17, NEW.fr18 - OLD.fr18, NEW.fr19 - OLD.fr19, NEW.fr20 - OLD.fr20,"
        " NEW.fr21 - OLD.fr21, NEW.fr22 - OLD.fr22, NEW.fr23 - OLD.fr23, NEW.res0 - OLD.res0,"
        " NEW.res1 - OLD.res1, NEW.res2 - OLD.res2, NEW.res3 - OLD.res3, NEW.res4 - OLD.res4,"
        " NEW.res5 - OLD.res5, NEW.res6 - OLD.res6, NEW.res7 - OLD.res7, NEW.res8 - OLD.res8,"
        " NEW.res9 - OLD.res9, NEW.res10 - OLD.res10, NEW.res11 - OLD.res11,"
        " NEW.res12 - OLD.res12, NEW.res13 - OLD.res13, NEW.res14 - OLD.res14,"
        " NEW.res15 - OLD.res15, NEW.res16 - OLD.res16, NEW.res17 - OLD.res17,"
        " NEW.res18 - OLD.res18, NEW.res19 - OLD.res19, NEW.res20 - OLD.res20,"
        " NEW.res21 - OLD.res21, NEW.res22 - OLD.res22, NEW.res23 - OLD.res23) ON CONFLICT (day,"
        " priority, owner_id) DO UPDATE SET opened = case_weeks.opened + excluded.opened,"
        " responded = case_weeks.responded + excluded.responded,"
        " on_time = case_weeks.on_time + excluded.on_time, resolved = case_weeks.resolved +"
        " excluded.resolved, fr0 = case_weeks.fr0 + excluded.fr0,"
        " fr1 = case_weeks.fr1 + excluded.fr1, fr2 = case_weeks.fr2 + excluded.fr2,"
        " fr3 = case_weeks.fr3 + excluded.fr3, fr4 = case_weeks.fr4 + excluded.fr4,"
        " fr5 = case_weeks.fr5 + excluded.fr5, fr6 = case_weeks.fr6 + excluded.fr6,"
        " fr7 = case_weeks.fr7 + excluded.fr7, fr8 = case_weeks.fr8 + excluded.fr8,"
        " fr9 = case_weeks.fr9 + excluded.fr9, fr10 = case_weeks.fr10 + excluded.fr10,"
        " fr11 = case_weeks.fr11 + excluded.fr11, fr12 = case_weeks.fr12 + excluded.fr12,"
        " fr13 = case_weeks.fr13 + excluded.fr13, fr14 = case_weeks.fr14 + excluded.fr14,"
        " fr15 = case_weeks.fr15 + excluded.fr15, fr16 = case_weeks.fr16 + excluded.fr16,"
        " fr17 = case_weeks.fr17 + excluded.fr17, fr18 = case_weeks.fr18 + excluded.fr18,"
        " fr19 = case_weeks.fr19 + excluded.fr19, fr20 = case_weeks.fr20 + excluded.fr20,"
        " fr21 = case_weeks.fr21 + excluded.fr21, fr22 = case_weeks.fr22 + excluded.fr22,"
        " fr23 = case_weeks.fr23 + excluded.fr23, res0 = case_weeks.res0 + excluded.res0,"
        " res1 = case_weeks.res1 + excluded.res1, res2 = case_weeks.res2 + excluded.res2,"
        " res3 = case_weeks.res3 + excluded.res3, res4 = case_weeks.res4 + excluded.res4,"
        " res5 = case_weeks.res5 + excluded.res5, res6 = case_weeks.res6 + excluded.res6,"
        " res7 = case_weeks.res7 + excluded.res7, res8 = case_weeks.res8 + excluded.res8,"
        " res9 = case_weeks.res9 + excluded.res9, res10 = case_weeks.res10 + excluded.res10,"
        " res11 = case_weeks.res11 + excluded.res11, res12 = case_weeks.res12 + excluded.res12,"
        " res13 = case_weeks.res13 + excluded.res13, res14 = case_weeks.res14 + excluded.res14,"
        " res15 = case_weeks.res15 + excluded.res15, res16 = case_weeks.res16 + excluded.res16,"
        " res17 = case_weeks.res17 + excluded.res17, res18 = case_weeks.res18 + excluded.res18,"
        " res19 = case_weeks.res19 + excluded.res19, res20 = case_weeks.res20 + excluded.res20,"
        " res21 = case_weeks.res21 + excluded.res21, res22 = case_weeks.res22 + excluded.res22,"
        " res23 = case_weeks.res23 + excluded.res23"
    ),
    "postgresql": (
        "INSERT INTO case_weeks (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) VALUES (CAST(date_trunc('week', NEW.day) AS DATE),"
        " NEW.priority, NEW.owner_id, NEW.opened - OLD.opened, NEW.responded - OLD.responded,"
        " NEW.on_time - OLD.on_time, NEW.resolved - OLD.resolved, NEW.fr0 - OLD.fr0,"
        " NEW.fr1 - OLD.fr1, NEW.fr2 - OLD.fr2, NEW.fr3 - OLD.fr3, NEW.fr4 - OLD.fr4,"
        " NEW.fr5 - OLD.fr5, NEW.fr6 - OLD.fr6, NEW.fr7 - OLD.fr7, NEW.fr8 - OLD.fr8,"
        " NEW.fr9 - OLD.fr9, NEW.fr10 - OLD.fr10, NEW.fr11 - OLD.fr11, NEW.fr12 - OLD.fr12,"
        " NEW.fr13 - OLD.fr13, NEW.fr14 - OLD.fr14, NEW.fr15 - OLD.fr15, NEW.fr16 - OLD.fr16,"
        " NEW.fr17 - OLD.fr17, NEW.fr18 - OLD.fr18, NEW.fr19 - OLD.fr19, NEW.fr20 - OLD.fr20,"
        " NEW.fr21 - OLD.fr21, NEW.fr22 - OLD.fr22, NEW.fr23 - OLD.fr23, NEW.res0 - OLD.res0,"
        " NEW.res1 - OLD.res1, NEW.res2 - OLD.res2, NEW.res3 - OLD.res3, NEW.res4 - OLD.res4,"
        " NEW.res5 - OLD.res5, NEW.res6 - OLD.res6, NEW.res7 - OLD.res7, NEW.res8 - OLD.res8,"
        " NEW.res9 - OLD.res9, NEW.res10 - OLD.res10, NEW.res11 - OLD.res11,"
        " NEW.res12 - OLD.res12, NEW.res13 - OLD.res13, NEW.res14 - OLD.res14,"
        " NEW.res15 - OLD.res15, NEW.res16 - OLD.res16, NEW.res17 - OLD.res17,"
        " NEW.res18 - OLD.res18, NEW.res19 - OLD.res19, NEW.res20 - OLD.res20,"
        " NEW.res21 - OLD.res21, NEW.res22 - OLD.res22, NEW.res23 - OLD.res23) ON CONFLICT (day,"
        " priority, owner_id) DO UPDATE SET opened = case_weeks.opened + excluded.opened,"
        " responded = case_weeks.responded + excluded.responded,"
        " on_time = case_weeks.on_time + excluded.on_time, resolved = case_weeks.resolved +"
        " excluded.resolved, fr0 = case_weeks.fr0 + excluded.fr0,"
        " fr1 = case_weeks.fr1 + excluded.fr1, fr2 = case_weeks.fr2 + excluded.fr2,"
        " fr3 = case_weeks.fr3 + excluded.fr3, fr4 = case_weeks.fr4 + excluded.fr4,"
        " fr5 = case_weeks.fr5 + excluded.fr5, fr6 = case_weeks.fr6 + excluded.fr6,"
        " fr7 = case_weeks.fr7 + excluded.fr7, fr8 = case_weeks.fr8 + excluded.fr8,"
        " fr9 = case_weeks.fr9 + excluded.fr9, fr10 = case_weeks.fr10 + excluded.fr10,"
        " fr11 = case_weeks.fr11 + excluded.fr11, fr12 = case_weeks.fr12 + excluded.fr12,"
        " fr13 = case_weeks.fr13 + excluded.fr13, fr14 = case_weeks.fr14 + excluded.fr14,"
        " fr15 = case_weeks.fr15 + excluded.fr15, fr16 = case_weeks.fr16 + excluded.fr16,"
        " fr17 = case_weeks.fr17 + excluded.fr17, fr18 = case_weeks.fr18 + excluded.fr18,"
        " fr19 = case_weeks.fr19 + excluded.fr19, fr20 = case_weeks.fr20 + excluded.fr20,"
        " fr21 = case_weeks.fr21 + excluded.fr21, fr22 = case_weeks.fr22 + excluded.fr22,"
        " fr23 = case_weeks.fr23 + excluded.fr23, res0 = case_weeks.res0 + excluded.res0,"
        " res1 = case_weeks.res1 + excluded.res1, res2 = case_weeks.res2 + excluded.res2,"
        " res3 = case_weeks.res3 + excluded.res3, res4 = case_weeks.res4 + excluded.res4,"
        " res5 = case_weeks.res5 + excluded.res5, res6 = case_weeks.res6 + excluded.res6,"
        " res7 = case_weeks.res7 + excluded.res7, res8 = case_weeks.res8 + excluded.res8,"
        " res9 = case_weeks.res9 + excluded.res9, res10 = case_weeks.res10 + excluded.res10,"
        " res11 = case_weeks.res11 + excluded.res11, res12 = case_weeks.res12 + excluded.res12,"
        " res13 = case_weeks.res13 + excluded.res13, res14 = case_weeks.res14 + excluded.res14,"
        " res15 = case_weeks.res15 + excluded.res15, res16 = case_weeks.res16 + excluded.res16,"
        " res17 = case_weeks.res17 + excluded.res17, res18 = case_weeks.res18 + excluded.res18,"
        " res19 = case_weeks.res19 + excluded.res19, res20 = case_weeks.res20 + excluded.res20,"
        " res21 = case_weeks.res21 + excluded.res21, res22 = case_weeks.res22 + excluded.res22,"
        " res23 = case_weeks.res23 + excluded.res23"
    ),
}

#: a row's old counts (OLD) taken from its old week and key
CASE_WEEKS_TAKE_OLD = {
    "sqlite": (
        "INSERT INTO case_weeks (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) VALUES (date(OLD.day, 'weekday 0', '-6 days'),"
        " OLD.priority, OLD.owner_id, -OLD.opened, -OLD.responded, -OLD.on_time, -OLD.resolved,"
        " -OLD.fr0, -OLD.fr1, -OLD.fr2, -OLD.fr3, -OLD.fr4, -OLD.fr5, -OLD.fr6, -OLD.fr7,"
        " -OLD.fr8, -OLD.fr9, -OLD.fr10, -OLD.fr11, -OLD.fr12, -OLD.fr13, -OLD.fr14, -OLD.fr15,"
        " -OLD.fr16, -OLD.fr17, -OLD.fr18, -OLD.fr19, -OLD.fr20, -OLD.fr21, -OLD.fr22, -OLD.fr23,"
        " -OLD.res0, -OLD.res1, -OLD.res2, -OLD.res3, -OLD.res4, -OLD.res5, -OLD.res6, -OLD.res7,"
        " -OLD.res8, -OLD.res9, -OLD.res10, -OLD.res11, -OLD.res12, -OLD.res13, -OLD.res14,"
        " -OLD.res15, -OLD.res16, -OLD.res17, -OLD.res18, -OLD.res19, -OLD.res20, -OLD.res21,"
        " -OLD.res22, -OLD.res23) ON CONFLICT (day, priority, owner_id)"
        " DO UPDATE SET opened = case_weeks.opened + excluded.opened,"
        " responded = case_weeks.responded + excluded.responded,"
        " on_time = case_weeks.on_time + excluded.on_time, resolved = case_weeks.resolved +"
        " excluded.resolved, fr0 = case_weeks.fr0 + excluded.fr0,"
        " fr1 = case_weeks.fr1 + excluded.fr1, fr2 = case_weeks.fr2 + excluded.fr2,"
        " fr3 = case_weeks.fr3 + excluded.fr3, fr4 = case_weeks.fr4 + excluded.fr4,"
        " fr5 = case_weeks.fr5 + excluded.fr5, fr6 = case_weeks.fr6 + excluded.fr6,"
        " fr7 = case_weeks.fr7 + excluded.fr7, fr8 = case_weeks.fr8 + excluded.fr8,"
        " fr9 = case_weeks.fr9 + excluded.fr9, fr10 = case_weeks.fr10 + excluded.fr10,"
        " fr11 = case_weeks.fr11 + excluded.fr11, fr12 = case_weeks.fr12 + excluded.fr12,"
        " fr13 = case_weeks.fr13 + excluded.fr13, fr14 = case_weeks.fr14 + excluded.fr14,"
        " fr15 = case_weeks.fr15 + excluded.fr15, fr16 = case_weeks.fr16 + excluded.fr16,"
        " fr17 = case_weeks.fr17 + excluded.fr17, fr18 = case_weeks.fr18 + excluded.fr18,"
        " fr19 = case_weeks.fr19 + excluded.fr19, fr20 = case_weeks.fr20 + excluded.fr20,"
        " fr21 = case_weeks.fr21 + excluded.fr21, fr22 = case_weeks.fr22 + excluded.fr22,"
        " fr23 = case_weeks.fr23 + excluded.fr23, res0 = case_weeks.res0 + excluded.res0,"
        " res1 = case_weeks.res1 + excluded.res1, res2 = case_weeks.res2 + excluded.res2,"
        " res3 = case_weeks.res3 + excluded.res3, res4 = case_weeks.res4 + excluded.res4,"
        " res5 = case_weeks.res5 + excluded.res5, res6 = case_weeks.res6 + excluded.res6,"
        " res7 = case_weeks.res7 + excluded.res7, res8 = case_weeks.res8 + excluded.res8,"
        " res9 = case_weeks.res9 + excluded.res9, res10 = case_weeks.res10 + excluded.res10,"
        " res11 = case_weeks.res11 + excluded.res11, res12 = case_weeks.res12 + excluded.res12,"
        " res13 = case_weeks.res13 + excluded.res13, res14 = case_weeks.res14 + excluded.res14,"
        " res15 = case_weeks.res15 + excluded.res15, res16 = case_weeks.res16 + excluded.res16,"
        " res17 = case_weeks.res17 + excluded.res17, res18 = case_weeks.res18 + excluded.res18,"
        " res19 = case_weeks.res19 + excluded.res19, res20 = case_weeks.res20 + excluded.res20,"
        " res21 = case_weeks.res21 + excluded.res21, res22 = case_weeks.res22 + excluded.res22,"
        " res23 = case_weeks.res23 + excluded.res23"
    ),
    "postgresql": (
        "INSERT INTO case_weeks (day, priority, owner_id, opened, responded, on_time, resolved,"
        " fr0, fr1, fr2, fr3, fr4, fr5, fr6, fr7, fr8, fr9, fr10, fr11, fr12, fr13, fr14, fr15,"
        " fr16, fr17, fr18, fr19, fr20, fr21, fr22, fr23, res0, res1, res2, res3, res4, res5,"
        " res6, res7, res8, res9, res10, res11, res12, res13, res14, res15, res16, res17, res18,"
        " res19, res20, res21, res22, res23) VALUES (CAST(date_trunc('week', OLD.day) AS DATE),"
        " OLD.priority, OLD.owner_id, -OLD.opened, -OLD.responded, -OLD.on_time, -OLD.resolved,"
        " -OLD.fr0, -OLD.fr1, -OLD.fr2, -OLD.fr3, -OLD.fr4, -OLD.fr5, -OLD.fr6, -OLD.fr7,"
        " -OLD.fr8, -OLD.fr9, -OLD.fr10, -OLD.fr11, -OLD.fr12, -OLD.fr13, -OLD.fr14, -OLD.fr15,"
        " -OLD.fr16, -OLD.fr17, -OLD.fr18, -OLD.fr19, -OLD.fr20, -OLD.fr21, -OLD.fr22, -OLD.fr23,"
        " -OLD.res0, -OLD.res1, -OLD.res2, -OLD.res3, -OLD.res4, -OLD.res5, -OLD.res6, -OLD.res7,"
        " -OLD.res8, -OLD.res9, -OLD.res10, -OLD.res11, -OLD.res12, -OLD.res13, -OLD.res14,"
        " -OLD.res15, -OLD.res16, -OLD.res17, -OLD.res18, -OLD.res19, -OLD.res20, -OLD.res21,"
        " -OLD.res22, -OLD.res23) ON CONFLICT (day, priority, owner_id)"
        " DO UPDATE SET opened = case_weeks.opened + excluded.opened,"
        " responded = case_weeks.responded + excluded.responded,"
        " on_time = case_weeks.on_time + excluded.on_time, resolved = case_weeks.resolved +"
        " excluded.resolved, fr0 = case_weeks.fr0 + excluded.fr0,"
        " fr1 = case_weeks.fr1 + excluded.fr1, fr2 = case_weeks.fr2 + excluded.fr2,"
        " fr3 = case_weeks.fr3 + excluded.fr3, fr4 = case_weeks.fr4 + excluded.fr4,"
        " fr5 = case_weeks.fr5 + excluded.fr5, fr6 = case_weeks.fr6 + excluded.fr6,"
        " fr7 = case_weeks.fr7 + excluded.fr7, fr8 = case_weeks.fr8 + excluded.fr8,"
        " fr9 = case_weeks.fr9 + excluded.fr9, fr10 = case_weeks.fr10 + excluded.fr10,"
        " fr11 = case_weeks.fr11 + excluded.fr11, fr12 = case_weeks.fr12 + excluded.fr12,"
        " fr13 = case_weeks.fr13 + excluded.fr13, fr14 = case_weeks.fr14 + excluded.fr14,"
        " fr15 = case_weeks.fr15 + excluded.fr15, fr16 = case_weeks.fr16 + excluded.fr16,"
        " fr17 = case_weeks.fr17 + excluded.fr17, fr18 = case_weeks.fr18 + excluded.fr18,"
        " fr19 = case_weeks.fr19 + excluded.fr19, fr20 = case_weeks.fr20 + excluded.fr20,"
        " fr21 = case_weeks.fr21 + excluded.fr21, fr22 = case_weeks.fr22 + excluded.fr22,"
        " fr23 = case_weeks.fr23 + excluded.fr23, res0 = case_weeks.res0 + excluded.res0,"
        " res1 = case_weeks.res1 + excluded.res1, res2 = case_weeks.res2 + excluded.res2,"
        " res3 = case_weeks.res3 + excluded.res3, res4 = case_weeks.res4 + excluded.res4,"
        " res5 = case_weeks.res5 + excluded.res5, res6 = case_weeks.res6 + excluded.res6,"
        " res7 = case_weeks.res7 + excluded.res7, res8 = case_weeks.res8 + excluded.res8,"
        " res9 = case_weeks.res9 + excluded.res9, res10 = case_weeks.res10 + excluded.res10,"
        " res11 = case_weeks.res11 + excluded.res11, res12 = case_weeks.res12 + excluded.res12,"
        " res13 = case_weeks.res13 + excluded.res13, res14 = case_weeks.res14 + excluded.res14,"
        " res15 = case_weeks.res15 + excluded.res15, res16 = case_weeks.res16 + excluded.res16,"
        " res17 = case_weeks.res17 + excluded.res17, res18 = case_weeks.res18 + excluded.res18,"
        " res19 = case_weeks.res19 + excluded.res19, res20 = case_weeks.res20 + excluded.res20,"
        " res21 = case_weeks.res21 + excluded.res21, res22 = case_weeks.res22 + excluded.res22,"
        " res23 = case_weeks.res23 + excluded.res23"
    ),
}

CREATE_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER score_days_insert_week AFTER INSERT ON score_days FOR EACH ROW BEGIN "
        + SCORE_WEEKS_ADD_NEW["sqlite"] + "; END",
        "CREATE TRIGGER score_days_update_week AFTER UPDATE ON score_days FOR EACH ROW"
        " WHEN OLD.day = NEW.day AND OLD.survey_id = NEW.survey_id"
        " AND OLD.touchpoint_type_id = NEW.touchpoint_type_id AND OLD.tier = NEW.tier"
        " AND OLD.locale = NEW.locale BEGIN "
        + SCORE_WEEKS_ADD_CHANGE["sqlite"] + "; END",
        "CREATE TRIGGER score_days_rekey_week AFTER UPDATE ON score_days FOR EACH ROW"
        " WHEN NOT (OLD.day = NEW.day AND OLD.survey_id = NEW.survey_id"
        " AND OLD.touchpoint_type_id = NEW.touchpoint_type_id AND OLD.tier = NEW.tier"
        " AND OLD.locale = NEW.locale) BEGIN "
        + SCORE_WEEKS_TAKE_OLD["sqlite"] + "; " + SCORE_WEEKS_ADD_NEW["sqlite"] + "; END",
        "CREATE TRIGGER survey_days_insert_week AFTER INSERT ON survey_days FOR EACH ROW BEGIN "
        + SURVEY_WEEKS_ADD_NEW["sqlite"] + "; END",
        "CREATE TRIGGER survey_days_update_week AFTER UPDATE ON survey_days FOR EACH ROW"
        " WHEN OLD.day = NEW.day AND OLD.survey_id = NEW.survey_id BEGIN "
        + SURVEY_WEEKS_ADD_CHANGE["sqlite"] + "; END",
        "CREATE TRIGGER survey_days_rekey_week AFTER UPDATE ON survey_days FOR EACH ROW"
        " WHEN NOT (OLD.day = NEW.day AND OLD.survey_id = NEW.survey_id) BEGIN "
        + SURVEY_WEEKS_TAKE_OLD["sqlite"] + "; " + SURVEY_WEEKS_ADD_NEW["sqlite"] + "; END",
        "CREATE TRIGGER survey_topic_days_insert_week AFTER INSERT ON survey_topic_days"
        " FOR EACH ROW BEGIN "
        + SURVEY_TOPIC_WEEKS_ADD_NEW["sqlite"] + "; END",
        "CREATE TRIGGER survey_topic_days_update_week AFTER UPDATE ON survey_topic_days"
        " FOR EACH ROW WHEN OLD.day = NEW.day AND OLD.survey_id = NEW.survey_id"
        " AND OLD.topic_id = NEW.topic_id AND OLD.mood = NEW.mood BEGIN "
        + SURVEY_TOPIC_WEEKS_ADD_CHANGE["sqlite"] + "; END",
        "CREATE TRIGGER survey_topic_days_rekey_week AFTER UPDATE ON survey_topic_days"
        " FOR EACH ROW WHEN NOT (OLD.day = NEW.day AND OLD.survey_id = NEW.survey_id"
        " AND OLD.topic_id = NEW.topic_id AND OLD.mood = NEW.mood) BEGIN "
        + SURVEY_TOPIC_WEEKS_TAKE_OLD["sqlite"] + "; " + SURVEY_TOPIC_WEEKS_ADD_NEW["sqlite"]
        + "; END",
        "CREATE TRIGGER case_days_insert_week AFTER INSERT ON case_days FOR EACH ROW BEGIN "
        + CASE_WEEKS_ADD_NEW["sqlite"] + "; END",
        "CREATE TRIGGER case_days_update_week AFTER UPDATE ON case_days FOR EACH ROW"
        " WHEN OLD.day = NEW.day AND OLD.priority = NEW.priority AND OLD.owner_id = NEW.owner_id"
        " BEGIN "
        + CASE_WEEKS_ADD_CHANGE["sqlite"] + "; END",
        "CREATE TRIGGER case_days_rekey_week AFTER UPDATE ON case_days FOR EACH ROW"
        " WHEN NOT (OLD.day = NEW.day AND OLD.priority = NEW.priority"
        " AND OLD.owner_id = NEW.owner_id) BEGIN "
        + CASE_WEEKS_TAKE_OLD["sqlite"] + "; " + CASE_WEEKS_ADD_NEW["sqlite"] + "; END",
    ],
    "postgresql": [
        "CREATE FUNCTION score_days_insert_week() RETURNS trigger AS $$ BEGIN "
        + SCORE_WEEKS_ADD_NEW["postgresql"] + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER score_days_insert_week AFTER INSERT ON score_days FOR EACH ROW"
        " EXECUTE FUNCTION score_days_insert_week()",
        "CREATE FUNCTION score_days_update_week() RETURNS trigger AS $$ BEGIN "
        + SCORE_WEEKS_ADD_CHANGE["postgresql"] + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER score_days_update_week AFTER UPDATE ON score_days FOR EACH ROW"
        " WHEN (OLD.day = NEW.day AND OLD.survey_id = NEW.survey_id"
        " AND OLD.touchpoint_type_id = NEW.touchpoint_type_id AND OLD.tier = NEW.tier"
        " AND OLD.locale = NEW.locale) EXECUTE FUNCTION score_days_update_week()",
        "CREATE FUNCTION score_days_rekey_week() RETURNS trigger AS $$ BEGIN "
        + SCORE_WEEKS_TAKE_OLD["postgresql"] + "; " + SCORE_WEEKS_ADD_NEW["postgresql"]
        + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER score_days_rekey_week AFTER UPDATE ON score_days FOR EACH ROW"
        " WHEN (NOT (OLD.day = NEW.day AND OLD.survey_id = NEW.survey_id"
        " AND OLD.touchpoint_type_id = NEW.touchpoint_type_id AND OLD.tier = NEW.tier"
        " AND OLD.locale = NEW.locale)) EXECUTE FUNCTION score_days_rekey_week()",
        "CREATE FUNCTION survey_days_insert_week() RETURNS trigger AS $$ BEGIN "
        + SURVEY_WEEKS_ADD_NEW["postgresql"] + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER survey_days_insert_week AFTER INSERT ON survey_days FOR EACH ROW"
        " EXECUTE FUNCTION survey_days_insert_week()",
        "CREATE FUNCTION survey_days_update_week() RETURNS trigger AS $$ BEGIN "
        + SURVEY_WEEKS_ADD_CHANGE["postgresql"] + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER survey_days_update_week AFTER UPDATE ON survey_days FOR EACH ROW"
        " WHEN (OLD.day = NEW.day AND OLD.survey_id = NEW.survey_id)"
        " EXECUTE FUNCTION survey_days_update_week()",
        "CREATE FUNCTION survey_days_rekey_week() RETURNS trigger AS $$ BEGIN "
        + SURVEY_WEEKS_TAKE_OLD["postgresql"] + "; " + SURVEY_WEEKS_ADD_NEW["postgresql"]
        + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER survey_days_rekey_week AFTER UPDATE ON survey_days FOR EACH ROW"
        " WHEN (NOT (OLD.day = NEW.day AND OLD.survey_id = NEW.survey_id))"
        " EXECUTE FUNCTION survey_days_rekey_week()",
        "CREATE FUNCTION survey_topic_days_insert_week() RETURNS trigger AS $$ BEGIN "
        + SURVEY_TOPIC_WEEKS_ADD_NEW["postgresql"] + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER survey_topic_days_insert_week AFTER INSERT ON survey_topic_days"
        " FOR EACH ROW EXECUTE FUNCTION survey_topic_days_insert_week()",
        "CREATE FUNCTION survey_topic_days_update_week() RETURNS trigger AS $$ BEGIN "
        + SURVEY_TOPIC_WEEKS_ADD_CHANGE["postgresql"] + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER survey_topic_days_update_week AFTER UPDATE ON survey_topic_days"
        " FOR EACH ROW WHEN (OLD.day = NEW.day AND OLD.survey_id = NEW.survey_id"
        " AND OLD.topic_id = NEW.topic_id AND OLD.mood = NEW.mood)"
        " EXECUTE FUNCTION survey_topic_days_update_week()",
        "CREATE FUNCTION survey_topic_days_rekey_week() RETURNS trigger AS $$ BEGIN "
        + SURVEY_TOPIC_WEEKS_TAKE_OLD["postgresql"] + "; "
        + SURVEY_TOPIC_WEEKS_ADD_NEW["postgresql"] + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER survey_topic_days_rekey_week AFTER UPDATE ON survey_topic_days"
        " FOR EACH ROW WHEN (NOT (OLD.day = NEW.day AND OLD.survey_id = NEW.survey_id"
        " AND OLD.topic_id = NEW.topic_id AND OLD.mood = NEW.mood))"
        " EXECUTE FUNCTION survey_topic_days_rekey_week()",
        "CREATE FUNCTION case_days_insert_week() RETURNS trigger AS $$ BEGIN "
        + CASE_WEEKS_ADD_NEW["postgresql"] + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER case_days_insert_week AFTER INSERT ON case_days FOR EACH ROW"
        " EXECUTE FUNCTION case_days_insert_week()",
        "CREATE FUNCTION case_days_update_week() RETURNS trigger AS $$ BEGIN "
        + CASE_WEEKS_ADD_CHANGE["postgresql"] + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER case_days_update_week AFTER UPDATE ON case_days FOR EACH ROW"
        " WHEN (OLD.day = NEW.day AND OLD.priority = NEW.priority AND OLD.owner_id = NEW.owner_id)"
        " EXECUTE FUNCTION case_days_update_week()",
        "CREATE FUNCTION case_days_rekey_week() RETURNS trigger AS $$ BEGIN "
        + CASE_WEEKS_TAKE_OLD["postgresql"] + "; " + CASE_WEEKS_ADD_NEW["postgresql"]
        + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER case_days_rekey_week AFTER UPDATE ON case_days FOR EACH ROW"
        " WHEN (NOT (OLD.day = NEW.day AND OLD.priority = NEW.priority"
        " AND OLD.owner_id = NEW.owner_id)) EXECUTE FUNCTION case_days_rekey_week()",
    ],
}

DROP_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS score_days_insert_week",
        "DROP TRIGGER IF EXISTS score_days_update_week",
        "DROP TRIGGER IF EXISTS score_days_rekey_week",
        "DROP TRIGGER IF EXISTS survey_days_insert_week",
        "DROP TRIGGER IF EXISTS survey_days_update_week",
        "DROP TRIGGER IF EXISTS survey_days_rekey_week",
        "DROP TRIGGER IF EXISTS survey_topic_days_insert_week",
        "DROP TRIGGER IF EXISTS survey_topic_days_update_week",
        "DROP TRIGGER IF EXISTS survey_topic_days_rekey_week",
        "DROP TRIGGER IF EXISTS case_days_insert_week",
        "DROP TRIGGER IF EXISTS case_days_update_week",
        "DROP TRIGGER IF EXISTS case_days_rekey_week",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS score_days_insert_week ON score_days",
        "DROP FUNCTION IF EXISTS score_days_insert_week()",
        "DROP TRIGGER IF EXISTS score_days_update_week ON score_days",
        "DROP FUNCTION IF EXISTS score_days_update_week()",
        "DROP TRIGGER IF EXISTS score_days_rekey_week ON score_days",
        "DROP FUNCTION IF EXISTS score_days_rekey_week()",
        "DROP TRIGGER IF EXISTS survey_days_insert_week ON survey_days",
        "DROP FUNCTION IF EXISTS survey_days_insert_week()",
        "DROP TRIGGER IF EXISTS survey_days_update_week ON survey_days",
        "DROP FUNCTION IF EXISTS survey_days_update_week()",
        "DROP TRIGGER IF EXISTS survey_days_rekey_week ON survey_days",
        "DROP FUNCTION IF EXISTS survey_days_rekey_week()",
        "DROP TRIGGER IF EXISTS survey_topic_days_insert_week ON survey_topic_days",
        "DROP FUNCTION IF EXISTS survey_topic_days_insert_week()",
        "DROP TRIGGER IF EXISTS survey_topic_days_update_week ON survey_topic_days",
        "DROP FUNCTION IF EXISTS survey_topic_days_update_week()",
        "DROP TRIGGER IF EXISTS survey_topic_days_rekey_week ON survey_topic_days",
        "DROP FUNCTION IF EXISTS survey_topic_days_rekey_week()",
        "DROP TRIGGER IF EXISTS case_days_insert_week ON case_days",
        "DROP FUNCTION IF EXISTS case_days_insert_week()",
        "DROP TRIGGER IF EXISTS case_days_update_week ON case_days",
        "DROP FUNCTION IF EXISTS case_days_update_week()",
        "DROP TRIGGER IF EXISTS case_days_rekey_week ON case_days",
        "DROP FUNCTION IF EXISTS case_days_rekey_week()",
    ],
}


def upgrade():
    op.create_table('score_weeks',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('touchpoint_type_id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('kind', _enum('survey_kind', 'nps', 'csat', 'ces'), nullable=False),
    *_counts('answers', 'score_sum', *SCORES, 'comments', 'comments_unhappy',
             'comments_neutral', 'comments_happy', 'positive', 'neutral', 'negative'),
    _survey_key('score_weeks'),
    sa.PrimaryKeyConstraint('day', 'survey_id', 'touchpoint_type_id', 'tier', 'locale', name=op.f('pk_score_weeks')),
    sqlite_with_rowid=False
    )
    op.create_table('survey_weeks',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    *_counts(*SCORES),
    _survey_key('survey_weeks'),
    sa.PrimaryKeyConstraint('day', 'survey_id', name=op.f('pk_survey_weeks')),
    sqlite_with_rowid=False
    )
    op.create_table('survey_topic_weeks',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('mood', sa.SmallInteger(), nullable=False),
    *_counts('answers'),
    _survey_key('survey_topic_weeks'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_survey_topic_weeks_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'survey_id', 'topic_id', 'mood', name=op.f('pk_survey_topic_weeks')),
    sqlite_with_rowid=False
    )
    op.create_table('case_weeks',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('priority', _enum('case_priority', 'urgent', 'high', 'normal', 'low'), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    *_counts('opened', 'responded', 'on_time', 'resolved',
             *[f'fr{i}' for i in BUCKETS], *[f'res{i}' for i in BUCKETS]),
    sa.PrimaryKeyConstraint('day', 'priority', 'owner_id', name=op.f('pk_case_weeks')),
    sqlite_with_rowid=False
    )
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        # No daily row may change between the fill and the triggers: it would miss its week.
        op.execute("LOCK TABLE score_days, survey_days, survey_topic_days, case_days"
                   " IN SHARE ROW EXCLUSIVE MODE")
    for sql in FILL[dialect] + CREATE_TRIGGERS[dialect]:
        op.execute(sql)


def downgrade():
    dialect = op.get_bind().dialect.name
    for sql in DROP_TRIGGERS[dialect]:
        op.execute(sql)
    for table in ('case_weeks', 'survey_topic_weeks', 'survey_weeks', 'score_weeks'):
        op.drop_table(table)
