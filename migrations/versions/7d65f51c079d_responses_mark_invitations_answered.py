"""a response marks its invitation answered

Revision ID: 7d65f51c079d
Revises: a3dfb9286295
Create Date: 2026-11-22 17:53:26.267880

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d65f51c079d'
down_revision = 'a3dfb9286295'
branch_labels = None
depends_on = None


# The database itself keeps "an invitation with a response is answered": whatever
# inserts the response, and without a second statement on the answer page, the
# service's hottest write.
SQLITE_TRIGGER = """
CREATE TRIGGER responses_mark_invitation_answered AFTER INSERT ON responses
BEGIN
    UPDATE invitations SET status = 'answered' WHERE id = NEW.invitation_id;
END
"""
POSTGRES_FUNCTION = """
CREATE FUNCTION mark_invitation_answered() RETURNS trigger AS $$
BEGIN
    UPDATE invitations SET status = 'answered' WHERE id = NEW.invitation_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql
"""
POSTGRES_TRIGGER = """
CREATE TRIGGER responses_mark_invitation_answered AFTER INSERT ON responses
FOR EACH ROW EXECUTE FUNCTION mark_invitation_answered()
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    else:
        op.execute(SQLITE_TRIGGER)


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS responses_mark_invitation_answered"
               + (" ON responses" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS mark_invitation_answered()")
