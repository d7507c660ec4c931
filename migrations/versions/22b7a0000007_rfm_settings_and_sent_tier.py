"""RFM thresholds, computed tiers and the tier source; the tier the API sent

Revision ID: 22b7a0000007
Revises: 22a0b1c2d3e4
Create Date: 2026-12-06

- loyalty_settings: one row: the RFM cut points (JSON), the computed tiers (JSON), which
  tier the service uses ("sent" or "computed"), a version that goes up with each change,
  and the worker's last RFM run (so that it runs at most once a day, or after a change).
- customers.sent_tier: the tier the API last sent. customers.tier stays the tier the
  service uses (routing, invitations, answers, breakdowns): the sent one or the computed
  one, as the setting says. Until now they were the same, so the sent tier is copied.
"""

import sqlalchemy as sa
from alembic import op

revision = "22b7a0000007"
down_revision = "22a0b1c2d3e4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "loyalty_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("tiers", sa.JSON(), nullable=False),
        sa.Column("tier_source", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rfm_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rfm_run_version", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_settings")),
    )
    # plain ADD COLUMN, not a batch (copy-table) migration: on SQLite a batch would lose
    # the table's triggers
    op.add_column("customers", sa.Column("sent_tier", sa.String(length=40), nullable=True))
    op.execute("UPDATE customers SET sent_tier = tier")


def downgrade():
    op.drop_column("customers", "sent_tier")
    op.drop_table("loyalty_settings")
