"""score_weeks, survey_weeks, survey_topic_weeks, case_weeks: the summaries by week

Revision ID: c41f7a9e2d58
Revises: 9e4a6c2d7b15
Create Date: 2026-12-05 21:20:00

The dashboard's most read summaries again by week (``day`` is the week's Monday in
REPORT_TIMEZONE), each weekly row the sum of its week's daily rows: a period of 30 days
reads the days at its ends and the whole weeks between (about a fifth of the rows), a
trend of twelve weeks twelve rows per survey rather than 84. Kept by triggers on the daily
tables, so whatever keeps a daily row keeps its week; filled here from the daily rows.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from feedback.dashboard.rebuild import (
    create_trigger, drop_trigger, week_triggers, weeks_from_days,
)

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
    for daily in ('score_days', 'survey_days', 'survey_topic_days', 'case_days'):
        op.execute(weeks_from_days(daily, dialect))
        if dialect == 'postgresql':  # the planner's statistics, before autovacuum's
            op.execute(f"ANALYZE {daily.replace('_days', '_weeks')}")
    for name, (event, when, statements) in week_triggers(dialect).items():
        for sql in create_trigger(name, event, when, statements, dialect):
            op.execute(sql)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, (event, _when, _statements) in week_triggers(dialect).items():
        for sql in drop_trigger(name, event, dialect):
            op.execute(sql)
    for table in ('case_weeks', 'survey_topic_weeks', 'survey_weeks', 'score_weeks'):
        op.drop_table(table)
