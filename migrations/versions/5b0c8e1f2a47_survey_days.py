"""survey_days and survey_topic_days: summaries without touchpoint, tier and language

Revision ID: 5b0c8e1f2a47
Revises: 66f037c5ae64
Create Date: 2026-12-04 18:45:00

score_days and topic_days without their groups (touchpoint, tier, language): the
dashboard with no such filter adds up a tenth of the rows for its trend, headline and
drivers. Kept by triggers on new answers (an answer's score never changes) and on topics
put on and taken off answers, as topic_days is; filled here from the full summaries.

The SQL is written out below as feedback.dashboard.rebuild made it on 2026-12-06 (commit
55e3d0d); the migration imports nothing from the app.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '5b0c8e1f2a47'
down_revision = '66f037c5ae64'
branch_labels = None
depends_on = None

# The statements the triggers run (the same in both dialects).
#: a new answer (NEW) counted in survey_days
SURVEY_DAY_UPSERT = (
    "INSERT INTO survey_days (day, survey_id, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9,"
    " s10) VALUES (NEW.report_day, NEW.survey_id, CASE WHEN NEW.score = 0 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.score = 1 THEN 1 ELSE 0 END, CASE WHEN NEW.score = 2 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.score = 3 THEN 1 ELSE 0 END, CASE WHEN NEW.score = 4 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.score = 5 THEN 1 ELSE 0 END, CASE WHEN NEW.score = 6 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.score = 7 THEN 1 ELSE 0 END, CASE WHEN NEW.score = 8 THEN 1 ELSE 0 END,"
    " CASE WHEN NEW.score = 9 THEN 1 ELSE 0 END, CASE WHEN NEW.score = 10 THEN 1 ELSE 0 END)"
    " ON CONFLICT (day, survey_id) DO UPDATE SET s0 = survey_days.s0 + excluded.s0,"
    " s1 = survey_days.s1 + excluded.s1, s2 = survey_days.s2 + excluded.s2,"
    " s3 = survey_days.s3 + excluded.s3, s4 = survey_days.s4 + excluded.s4,"
    " s5 = survey_days.s5 + excluded.s5, s6 = survey_days.s6 + excluded.s6,"
    " s7 = survey_days.s7 + excluded.s7, s8 = survey_days.s8 + excluded.s8,"
    " s9 = survey_days.s9 + excluded.s9, s10 = survey_days.s10 + excluded.s10"
)

#: a topic put on an answer (NEW) counted in survey_topic_days
SURVEY_TOPIC_COUNT = (
    "INSERT INTO survey_topic_days (day, survey_id, topic_id, mood, answers) SELECT r.report_day,"
    " r.survey_id, NEW.topic_id, CASE WHEN r.kind = 'nps' THEN CASE WHEN r.score >= 9 THEN 1"
    " WHEN r.score >= 7 THEN 0 ELSE -1 END WHEN r.kind = 'csat' THEN CASE WHEN r.score >= 4 THEN 1"
    " WHEN r.score = 3 THEN 0 ELSE -1 END ELSE CASE WHEN r.score >= 5 THEN 1"
    " WHEN r.score = 4 THEN 0 ELSE -1 END END, 1 FROM responses r WHERE r.id = NEW.response_id"
    " ON CONFLICT (day, survey_id, topic_id, mood) DO UPDATE SET answers ="
    " survey_topic_days.answers + 1"
)

#: ... and taken off (OLD)
SURVEY_TOPIC_UNCOUNT = (
    "UPDATE survey_topic_days SET answers = answers - 1 WHERE topic_id = OLD.topic_id AND (day,"
    " survey_id, mood) = (SELECT r.report_day, r.survey_id, CASE WHEN r.kind = 'nps' THEN CASE"
    " WHEN r.score >= 9 THEN 1 WHEN r.score >= 7 THEN 0 ELSE -1 END"
    " WHEN r.kind = 'csat' THEN CASE WHEN r.score >= 4 THEN 1 WHEN r.score = 3 THEN 0 ELSE -1 END"
    " ELSE CASE WHEN r.score >= 5 THEN 1 WHEN r.score = 4 THEN 0 ELSE -1 END END FROM responses r"
    " WHERE r.id = OLD.response_id)"
)

CREATE_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER responses_count_survey_day AFTER INSERT ON responses BEGIN "
        + SURVEY_DAY_UPSERT + "; END",
        "CREATE TRIGGER response_topics_count_survey AFTER INSERT ON response_topics BEGIN "
        + SURVEY_TOPIC_COUNT + "; END",
        "CREATE TRIGGER response_topics_uncount_survey AFTER DELETE ON response_topics BEGIN "
        + SURVEY_TOPIC_UNCOUNT + "; END",
    ],
    "postgresql": [
        "CREATE FUNCTION responses_count_survey_day() RETURNS trigger AS $$ BEGIN "
        + SURVEY_DAY_UPSERT + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER responses_count_survey_day AFTER INSERT ON responses FOR EACH ROW"
        " EXECUTE FUNCTION responses_count_survey_day()",
        "CREATE FUNCTION response_topics_count_survey() RETURNS trigger AS $$ BEGIN "
        + SURVEY_TOPIC_COUNT + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER response_topics_count_survey AFTER INSERT ON response_topics FOR EACH ROW"
        " EXECUTE FUNCTION response_topics_count_survey()",
        "CREATE FUNCTION response_topics_uncount_survey() RETURNS trigger AS $$ BEGIN "
        + SURVEY_TOPIC_UNCOUNT + "; RETURN NULL; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER response_topics_uncount_survey AFTER DELETE"
        " ON response_topics FOR EACH ROW EXECUTE FUNCTION response_topics_uncount_survey()",
    ],
}

DROP_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS responses_count_survey_day",
        "DROP TRIGGER IF EXISTS response_topics_count_survey",
        "DROP TRIGGER IF EXISTS response_topics_uncount_survey",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS responses_count_survey_day ON responses",
        "DROP FUNCTION IF EXISTS responses_count_survey_day()",
        "DROP TRIGGER IF EXISTS response_topics_count_survey ON response_topics",
        "DROP FUNCTION IF EXISTS response_topics_count_survey()",
        "DROP TRIGGER IF EXISTS response_topics_uncount_survey ON response_topics",
        "DROP FUNCTION IF EXISTS response_topics_uncount_survey()",
    ],
}

# The new tables filled from the full summaries.
#: survey_days counted from score_days
SURVEY_DAYS_FROM_SCORE_DAYS = (
    "INSERT INTO survey_days (day, survey_id, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9,"
    " s10) SELECT day, survey_id, SUM(s0), SUM(s1), SUM(s2), SUM(s3), SUM(s4), SUM(s5), SUM(s6),"
    " SUM(s7), SUM(s8), SUM(s9), SUM(s10) FROM score_days GROUP BY day, survey_id ORDER BY day,"
    " survey_id"
)

#: survey_topic_days counted from topic_days
SURVEY_TOPIC_DAYS_FROM_TOPIC_DAYS = (
    "INSERT INTO survey_topic_days (day, survey_id, topic_id, mood, answers) SELECT day,"
    " survey_id, topic_id, mood, SUM(answers) FROM topic_days GROUP BY day, survey_id, topic_id,"
    " mood ORDER BY day, survey_id, topic_id, mood"
)


def upgrade():
    op.create_table('survey_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    *[sa.Column(f's{score}', sa.Integer(), nullable=False) for score in range(11)],
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_days_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'survey_id', name=op.f('pk_survey_days')),
    sqlite_with_rowid=False
    )
    op.create_table('survey_topic_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('mood', sa.SmallInteger(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_topic_days_survey_id_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_survey_topic_days_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'survey_id', 'topic_id', 'mood', name=op.f('pk_survey_topic_days')),
    sqlite_with_rowid=False
    )
    for sql in CREATE_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(sql)
    op.execute(SURVEY_DAYS_FROM_SCORE_DAYS)
    op.execute(SURVEY_TOPIC_DAYS_FROM_TOPIC_DAYS)


def downgrade():
    for sql in DROP_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(sql)
    op.drop_table('survey_topic_days')
    op.drop_table('survey_days')
