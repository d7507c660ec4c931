"""survey_days and survey_topic_days: summaries without touchpoint, tier and language

Revision ID: 5b0c8e1f2a47
Revises: 66f037c5ae64
Create Date: 2026-12-04 18:45:00

score_days and topic_days without their groups (touchpoint, tier, language): the
dashboard with no such filter adds up a tenth of the rows for its trend, headline and
drivers. Kept by triggers on new answers (an answer's score never changes) and on topics
put on and taken off answers, as topic_days is; filled here from the full summaries.
"""
from alembic import op
import sqlalchemy as sa

from feedback.dashboard.rebuild import (
    SURVEY_DAYS_FROM_SCORE_DAYS, SURVEY_TOPIC_COUNT, SURVEY_TOPIC_DAYS_FROM_TOPIC_DAYS,
    SURVEY_TOPIC_UNCOUNT, survey_day_upsert,
)

# revision identifiers, used by Alembic.
revision = '5b0c8e1f2a47'
down_revision = '66f037c5ae64'
branch_labels = None
depends_on = None

# name: (timing and event, statement)
TRIGGERS = {
    "responses_count_survey_day": ("AFTER INSERT ON responses", survey_day_upsert()),
    "response_topics_count_survey": ("AFTER INSERT ON response_topics", SURVEY_TOPIC_COUNT),
    "response_topics_uncount_survey": ("AFTER DELETE ON response_topics", SURVEY_TOPIC_UNCOUNT),
}


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
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, (event, statement) in TRIGGERS.items():
        if postgresql:
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {statement};"
                       " RETURN NULL; END; $$ LANGUAGE plpgsql")
            op.execute(f"CREATE TRIGGER {name} {event} FOR EACH ROW EXECUTE FUNCTION {name}()")
        else:
            op.execute(f"CREATE TRIGGER {name} {event} BEGIN {statement}; END")
    op.execute(SURVEY_DAYS_FROM_SCORE_DAYS)
    op.execute(SURVEY_TOPIC_DAYS_FROM_TOPIC_DAYS)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, (event, _statement) in TRIGGERS.items():
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {event.rsplit(' ON ', 1)[1]}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('survey_topic_days')
    op.drop_table('survey_days')
