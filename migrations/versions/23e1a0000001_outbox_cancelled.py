"""Outbox: a "cancelled" status, for mail to a customer who was erased before it was sent

Revision ID: 23e1a0000001
Revises: 23a0b1c2d3e4
Create Date: 2026-12-06

On SQLite the status is a plain string column (no CHECK constraint), so only
PostgreSQL's enum type needs the new value.
"""

from alembic import op

revision = "23e1a0000001"
down_revision = "23a0b1c2d3e4"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # ADD VALUE cannot run inside a transaction block before PostgreSQL 12; 15 here
        op.execute("ALTER TYPE outbox_status ADD VALUE IF NOT EXISTS 'cancelled'")


def downgrade():
    # PostgreSQL cannot drop an enum value; cancelled mail goes back to failed (never
    # sent, and not retried by anyone who reads the reason)
    op.execute("UPDATE outbox_messages SET status = 'failed' WHERE status = 'cancelled'")
