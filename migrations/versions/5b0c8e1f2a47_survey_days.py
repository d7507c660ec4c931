"""survey_days: answers per day and survey by score

Revision ID: 5b0c8e1f2a47
Revises: 66f037c5ae64
Create Date: 2026-12-04 18:45:00

score_days without its groups (touchpoint, tier, language): the dashboard's trend and
headline with no such filter add up a tenth of the rows. Kept by a trigger on new
answers (an answer's score never changes), filled here from score_days.
"""
from alembic import op
import sqlalchemy as sa

from feedback.dashboard.rebuild import SURVEY_DAYS_FROM_SCORE_DAYS, survey_day_upsert

# revision identifiers, used by Alembic.
revision = '5b0c8e1f2a47'
down_revision = '66f037c5ae64'
branch_labels = None
depends_on = None

TRIGGER = "responses_count_survey_day"


def upgrade():
    op.create_table('survey_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    *[sa.Column(f's{score}', sa.Integer(), nullable=False) for score in range(11)],
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_days_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'survey_id', name=op.f('pk_survey_days')),
    sqlite_with_rowid=False
    )
    body = survey_day_upsert() + ";"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE FUNCTION {TRIGGER}() RETURNS trigger AS $$ BEGIN {body}"
                   " RETURN NULL; END; $$ LANGUAGE plpgsql")
        op.execute(f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON responses FOR EACH ROW"
                   f" EXECUTE FUNCTION {TRIGGER}()")
    else:
        op.execute(f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON responses BEGIN {body} END")
    op.execute(SURVEY_DAYS_FROM_SCORE_DAYS)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON responses")
        op.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    op.drop_table('survey_days')
