"""invitation_tier_days: deliveries by tier and language; invitations keep their tier

Revision ID: d5a2c8e41f07
Revises: c41f7a9e2d58
Create Date: 2026-12-05 22:00:00

The response rate with a tier or language filter read the invitations themselves (at 5M
answers, "this year" for one tier took 7.6 s). Now invitation_tier_days counts deliveries
and their answers by the customer's tier and the email's language when each was sent
(invitation_days stays, for the views without those filters: an eighth of the rows). The
tier is kept on the invitation (set when it is sent, or by the trigger that counts it),
and a language changed after delivery moves its counts. Invitations sent before count in
their customer's tier now (not written to them: at 5M answers that UPDATE of 12.5M rows
took minutes). Writes to invitations and answers wait while invitation_tier_days fills
(~1 min at 5M answers on PostgreSQL).
"""
from alembic import op
import sqlalchemy as sa

from feedback.dashboard.rebuild import (
    ANSWERED, ANSWERED_BY_DAY, DELIVERED, DELIVERED_BY_DAY,
    INVITATION_TIER_DAYS_FROM_INVITATIONS, LANGUAGE_CHANGED, create_trigger, drop_trigger,
    score_upsert,
)

# revision identifiers, used by Alembic.
revision = 'd5a2c8e41f07'
down_revision = 'c41f7a9e2d58'
branch_labels = None
depends_on = None

SENT_NOW = "OLD.sent_day IS NULL AND NEW.sent_day IS NOT NULL"
SENT_NEW = "NEW.sent_day IS NOT NULL"
LANGUAGE = ("OLD.sent_day IS NOT NULL AND NEW.sent_day IS NOT NULL"
            " AND COALESCE(OLD.locale, '') <> COALESCE(NEW.locale, '')")

# name: (timing and event, condition, statements now, statements before or None); the
# first three replace the triggers of the same names from "dashboard summary tables"
TRIGGERS = {
    "responses_count_answer": ("AFTER INSERT ON responses", None,
                               [score_upsert(), *ANSWERED], [score_upsert(), ANSWERED_BY_DAY]),
    "invitations_count_delivered": ("AFTER UPDATE OF sent_day ON invitations", SENT_NOW,
                                    DELIVERED, [DELIVERED_BY_DAY]),
    "invitations_count_delivered_new": ("AFTER INSERT ON invitations", SENT_NEW, DELIVERED,
                                        [DELIVERED_BY_DAY]),
    "invitations_recount_language": ("AFTER UPDATE OF locale ON invitations", LANGUAGE,
                                     LANGUAGE_CHANGED, None),
}


def _replace(name, event, when, statements, dialect):
    for sql in drop_trigger(name, event, dialect):
        op.execute(sql)
    if statements:
        for sql in create_trigger(name, event, when, statements, dialect):
            op.execute(sql)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":  # nothing may be counted between the fill and the new triggers
        op.execute("LOCK TABLE invitations, responses IN SHARE ROW EXCLUSIVE MODE")
    # the old triggers name no invitations.tier, so SQLite adds it in place
    op.add_column('invitations', sa.Column('tier', sa.String(length=40), nullable=True))
    op.create_table('invitation_tier_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('touchpoint_type_id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('delivered', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_invitation_tier_days_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'survey_id', 'touchpoint_type_id', 'tier', 'locale', name=op.f('pk_invitation_tier_days')),
    sqlite_with_rowid=False
    )
    op.execute(INVITATION_TIER_DAYS_FROM_INVITATIONS)
    if dialect == "postgresql":
        op.execute("ANALYZE invitation_tier_days")
    for name, (event, when, statements, _before) in TRIGGERS.items():
        _replace(name, event, when, statements, dialect)


def downgrade():
    dialect = op.get_bind().dialect.name
    for name, (event, when, _statements, before) in TRIGGERS.items():
        _replace(name, event, when, before, dialect)
    op.drop_table('invitation_tier_days')
    # SQLite drops the column in place once no trigger names it (3.35 and later).
    op.execute("ALTER TABLE invitations DROP COLUMN tier")
