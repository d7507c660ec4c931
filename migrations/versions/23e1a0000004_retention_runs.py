"""Retention: when the worker last applied the policy, and what it anonymised

Revision ID: 23e1a0000004
Revises: 23e1a0000001
Create Date: 2026-12-06

- retention_settings.last_run_at: when a worker last claimed the hourly run (one worker
  of many runs it; the admin page shows it).
- retention_settings.last_run_count: how many records that run anonymised.
"""

import sqlalchemy as sa
from alembic import op

revision = "23e1a0000004"
down_revision = "23e1a0000001"
branch_labels = None
depends_on = None


def upgrade():
    # plain ADD COLUMN, not a batch (copy-table) migration: on SQLite a batch would lose
    # the tables' triggers
    op.add_column(
        "retention_settings", sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("retention_settings", sa.Column("last_run_count", sa.Integer(), nullable=True))


def downgrade():
    op.drop_column("retention_settings", "last_run_count")
    op.drop_column("retention_settings", "last_run_at")
