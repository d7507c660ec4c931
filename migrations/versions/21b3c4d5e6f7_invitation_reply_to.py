"""invitations.reply_to: the Reply-To of an invitation's emails (a case's follow-up)

Revision ID: 21b3c4d5e6f7
Revises: 21a1b0c1d2e3
Create Date: 2026-12-06

"""

import sqlalchemy as sa
from alembic import op

revision = "21b3c4d5e6f7"
down_revision = "21a1b0c1d2e3"
branch_labels = None
depends_on = None


def upgrade():
    # a plain ADD COLUMN: a batch (copy-table) migration would lose the invitations
    # table's dashboard triggers on SQLite
    op.add_column("invitations", sa.Column("reply_to", sa.String(length=320), nullable=True))


def downgrade():
    op.drop_column("invitations", "reply_to")
