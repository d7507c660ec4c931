"""dashboard summary tables

Revision ID: 66f037c5ae64
Revises: 4d8334398d8c
Create Date: 2026-11-22 22:00:34.206627

Summary tables for the dashboard, kept by triggers in the same transaction as each
answer, comment change, topic change and delivery, whatever code writes them. The
counting SQL comes from feedback.dashboard.rebuild, which refills the tables the same way
(a change to how answers are counted needs a new migration that replaces the triggers).
"""
from alembic import op
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql

from feedback.dashboard import rebuild
from feedback.dashboard.rebuild import (
    ANSWERED_BY_DAY, CASE_KEY, DELIVERED_BY_DAY, case_metrics, metric, mood, score_upsert,
)


def _survey_kind():
    values = ('nps', 'csat', 'ces')
    return sa.Enum(*values, name='survey_kind').with_variant(
        postgresql.ENUM(*values, name='survey_kind', create_type=False), 'postgresql'
    )


COMMENT_METRICS = ("comments", "comments_unhappy", "comments_neutral", "comments_happy",
                   "positive", "neutral", "negative")
SAME_SCORE_ROW = ("day = NEW.report_day AND survey_id = NEW.survey_id"
                  " AND touchpoint_type_id = NEW.touchpoint_type_id"
                  " AND tier = NEW.tier AND locale = NEW.locale")
TOPIC_KEY = "day, survey_id, touchpoint_type_id, tier, locale, topic_id, mood"

# name: (timing and event, condition or None, statements)
TRIGGERS = {
    "responses_count_answer": ("AFTER INSERT ON responses", None, [
        score_upsert(),
        ANSWERED_BY_DAY,
    ]),
    # The score, survey, touchpoint, tier and day of an answer never change; its comment
    # and the comment's sentiment do (an edit, re-tagging).
    "responses_recount_comment": (
        "AFTER UPDATE OF comment, sentiment ON responses",
        {"sqlite": "OLD.sentiment IS NOT NEW.sentiment"
                   " OR (OLD.comment IS NULL) <> (NEW.comment IS NULL)",
         "postgresql": "OLD.sentiment IS DISTINCT FROM NEW.sentiment"
                       " OR (OLD.comment IS NULL) <> (NEW.comment IS NULL)"},
        ["UPDATE score_days SET " + ", ".join(
            f"{name} = {name} + ({metric(name, 'NEW')}) - ({metric(name, 'OLD')})"
            for name in COMMENT_METRICS) + f" WHERE {SAME_SCORE_ROW}"],
    ),
    "response_topics_count": ("AFTER INSERT ON response_topics", None, [
        f"INSERT INTO topic_days ({TOPIC_KEY}, answers)"
        " SELECT r.report_day, r.survey_id, r.touchpoint_type_id, r.tier, r.locale,"
        f" NEW.topic_id, {mood('r')}, 1 FROM responses r WHERE r.id = NEW.response_id"
        f" ON CONFLICT ({TOPIC_KEY}) DO UPDATE SET answers = topic_days.answers + 1",
    ]),
    # Re-tagging takes topics off answers. When the answer itself is gone, nothing is
    # found and nothing is subtracted: deletions keep their counts (see the models).
    "response_topics_uncount": ("AFTER DELETE ON response_topics", None, [
        "UPDATE topic_days SET answers = answers - 1 WHERE topic_id = OLD.topic_id"
        " AND (day, survey_id, touchpoint_type_id, tier, locale, mood) = ("
        " SELECT r.report_day, r.survey_id, r.touchpoint_type_id, r.tier, r.locale,"
        f" {mood('r')} FROM responses r WHERE r.id = OLD.response_id)",
    ]),
}
TRIGGERS["invitations_count_delivered"] = (
    "AFTER UPDATE OF sent_day ON invitations",
    {"sqlite": "OLD.sent_day IS NULL AND NEW.sent_day IS NOT NULL",
     "postgresql": "OLD.sent_day IS NULL AND NEW.sent_day IS NOT NULL"},
    [DELIVERED_BY_DAY],
)
TRIGGERS["invitations_count_delivered_new"] = (
    "AFTER INSERT ON invitations",
    {"sqlite": "NEW.sent_day IS NOT NULL", "postgresql": "NEW.sent_day IS NOT NULL"},
    [DELIVERED_BY_DAY],
)

def _case_upsert(values, only_if=None):
    """Add a case's counts to its day, priority and owner (NEW's)."""
    sets = ", ".join(f"{name} = case_days.{name} + excluded.{name}" for name in values)
    return (
        f"INSERT INTO case_days ({', '.join(CASE_KEY)}, {', '.join(values)})"
        f" SELECT NEW.report_day, NEW.priority, COALESCE(NEW.owner_id, 0), {', '.join(values.values())}"
        f" WHERE {only_if or 'true'}"
        f" ON CONFLICT ({', '.join(CASE_KEY)}) DO UPDATE SET {sets}"
    )


def _case_triggers(dialect):
    """Opened, first response and resolution are counted as they happen (dialects differ
    in how they subtract timestamps, so these are made per dialect)."""
    resolution = case_metrics("OLD", dialect, first_response=False, opened=False)
    changed = ("OLD.resolved_at IS DISTINCT FROM NEW.resolved_at" if dialect == "postgresql"
               else "OLD.resolved_at IS NOT NEW.resolved_at")
    return {
        "cases_count_opened": ("AFTER INSERT ON cases", None, [
            _case_upsert(case_metrics("NEW", dialect))]),
        "cases_count_first_response": (
            "AFTER UPDATE OF first_responded_at ON cases",
            "OLD.first_responded_at IS NULL AND NEW.first_responded_at IS NOT NULL",
            [_case_upsert(case_metrics("NEW", dialect, resolution=False, opened=False))]),
        # A reopened case takes its resolution back; resolved again, it counts again.
        "cases_count_resolution": ("AFTER UPDATE OF resolved_at ON cases", changed, [
            "UPDATE case_days SET " + ", ".join(
                f"{name} = {name} - ({value})" for name, value in resolution.items()
                if value != "0")
            + " WHERE OLD.resolved_at IS NOT NULL AND day = OLD.report_day"
            " AND priority = OLD.priority AND owner_id = COALESCE(OLD.owner_id, 0)",
            _case_upsert(case_metrics("NEW", dialect, first_response=False, opened=False),
                         "NEW.resolved_at IS NOT NULL"),
        ]),
    }


# SQLite rebuilds responses to make the new columns NOT NULL, which drops its triggers.
ANSWERED_TRIGGER_SQLITE = """
CREATE TRIGGER responses_mark_invitation_answered AFTER INSERT ON responses
BEGIN
    UPDATE invitations SET status = 'answered' WHERE id = NEW.invitation_id;
END
"""


def _all_triggers(dialect):
    found = {name: (event, condition[dialect] if condition else None, statements)
             for name, (event, condition, statements) in TRIGGERS.items()}
    return {**found, **_case_triggers(dialect)}


def _create_triggers(dialect):
    for name, (event, when, statements) in _all_triggers(dialect).items():
        body = "; ".join(statements) + ";"
        if dialect == "postgresql":
            op.execute(f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body}"
                       " RETURN NULL; END; $$ LANGUAGE plpgsql")
            op.execute(f"CREATE TRIGGER {name} {event} FOR EACH ROW"
                       + (f" WHEN ({when})" if when else "")
                       + f" EXECUTE FUNCTION {name}()")
        else:
            op.execute(f"CREATE TRIGGER {name} {event}"
                       + (f" WHEN {when}" if when else "") + f" BEGIN {body} END")


def _drop_triggers(dialect):
    for name, (event, _condition, _statements) in _all_triggers(dialect).items():
        table = event.rsplit(" ON ", 1)[1]
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


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
    for _done in rebuild.restamp_days(bind, current_app.config["REPORT_TIMEZONE"]):
        pass
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.alter_column('touchpoint_type_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('report_day', existing_type=sa.Date(), nullable=False)
    if bind.dialect.name == "sqlite":
        op.execute(ANSWERED_TRIGGER_SQLITE)
    rebuild.refill(bind)
    _create_triggers(bind.dialect.name)
    # ### end Alembic commands ###


def downgrade():
    bind = op.get_bind()
    _drop_triggers(bind.dialect.name)
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
