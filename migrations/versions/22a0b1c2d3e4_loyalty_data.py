"""loyalty data: purchase values, history events, imported answers, RFM per customer

Revision ID: 22a0b1c2d3e4
Revises: 21b3c4d5e6f7
Create Date: 2026-12-06

- touchpoint_events.value: the money of a purchase (or refund), in the installation's one
  CURRENCY; NULL when the sender gave none.
- touchpoint_events.history: sent as history (a past event): stored for loyalty, invited
  nobody.
- event_source 'past': the touchpoint event an imported answer hangs on.
- touchpoint_types.counts_as_refund: its events' value subtracts.
- ix_touchpoint_events_customer_id_occurred_at: a customer's purchases after a date.
- responses.external_id (the importer's id, unique) and responses.imported.
- customer_rfm: each customer's recency, frequency and monetary value, their 1-5 scores,
  segment and computed tier, as the worker last computed them.
"""

import sqlalchemy as sa
from alembic import op

revision = "22a0b1c2d3e4"
down_revision = "21b3c4d5e6f7"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # allowed inside a transaction since PostgreSQL 12, as long as nothing here uses it
        op.execute("ALTER TYPE event_source ADD VALUE IF NOT EXISTS 'past'")
    # plain ADD COLUMN, not a batch (copy-table) migration: on SQLite a batch would lose
    # the tables' dashboard triggers
    op.add_column("touchpoint_events", sa.Column("value", sa.Numeric(14, 2), nullable=True))
    op.add_column(
        "touchpoint_events",
        sa.Column("history", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_index(
        "ix_touchpoint_events_customer_id_occurred_at",
        "touchpoint_events",
        ["customer_id", "occurred_at"],
    )
    op.add_column(
        "touchpoint_types",
        sa.Column("counts_as_refund", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("responses", sa.Column("external_id", sa.String(length=200), nullable=True))
    op.create_index("ix_responses_external_id", "responses", ["external_id"], unique=True)
    op.add_column(
        "responses",
        sa.Column("imported", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table(
        "customer_rfm",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("recency_days", sa.Integer(), nullable=True),
        sa.Column("frequency", sa.Integer(), nullable=False),
        sa.Column("monetary", sa.Numeric(14, 2), nullable=False),
        sa.Column("r", sa.SmallInteger(), nullable=False),
        sa.Column("f", sa.SmallInteger(), nullable=False),
        sa.Column("m", sa.SmallInteger(), nullable=False),
        sa.Column("segment", sa.String(length=20), nullable=False),
        sa.Column("computed_tier", sa.String(length=40), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_rfm_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_rfm")),
    )
    op.create_index("ix_customer_rfm_segment", "customer_rfm", ["segment"])


def downgrade():
    op.drop_index("ix_customer_rfm_segment", table_name="customer_rfm")
    op.drop_table("customer_rfm")
    op.drop_index("ix_responses_external_id", table_name="responses")
    # DROP COLUMN rather than a batch rebuild, which would drop the tables' triggers
    op.drop_column("responses", "imported")
    op.drop_column("responses", "external_id")
    op.drop_column("touchpoint_types", "counts_as_refund")
    op.drop_index("ix_touchpoint_events_customer_id_occurred_at", table_name="touchpoint_events")
    op.drop_column("touchpoint_events", "history")
    op.drop_column("touchpoint_events", "value")
    # PostgreSQL cannot drop an enum value; an unused 'past' in event_source is harmless
