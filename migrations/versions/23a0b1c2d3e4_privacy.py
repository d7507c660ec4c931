"""Privacy and data rights: erasure, tombstones, consent history, audit log, retention

Revision ID: 23a0b1c2d3e4
Revises: 22b8a0000008
Create Date: 2026-12-06

- customers.erased_at: set when a customer was erased (anonymised).
- responses.comment_erased_at: set when an answer's comment was erased; its tags stay.
- property_keys.personal: a key a manager marked as personal data, cleared on erasure.
- tombstones: keyed hashes of an erased person's external id and email address.
- consent_events: consent given or withdrawn, unsubscribes and re-subscribes.
- audit_log: staff views of customer pages, exports and erasures.
- retention_settings: months to keep each kind of personal data (none: for ever).
"""

import sqlalchemy as sa
from alembic import op

revision = "23a0b1c2d3e4"
down_revision = "22b8a0000008"
branch_labels = None
depends_on = None


def _at(name, nullable=False):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    # plain ADD COLUMN, not a batch (copy-table) migration: on SQLite a batch would lose
    # the tables' triggers
    op.add_column("customers", _at("erased_at", nullable=True))
    op.add_column("responses", _at("comment_erased_at", nullable=True))
    op.add_column(
        "property_keys",
        sa.Column("personal", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table(
        "tombstones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id_hash", sa.String(length=64), nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=True),
        _at("erased_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tombstones")),
    )
    op.create_index("ix_tombstones_external_id_hash", "tombstones", ["external_id_hash"])
    op.create_index("ix_tombstones_email_hash", "tombstones", ["email_hash"])
    op.create_table(
        "consent_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=200), server_default="", nullable=False),
        _at("at"),
        _at("recorded_at"),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_consent_events_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_consent_events_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_events")),
    )
    op.create_index("ix_consent_events_customer_id", "consent_events", ["customer_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        _at("at"),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), server_default="", nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=500), server_default="", nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_audit_log_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_audit_log_api_key_id_api_keys"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_audit_log_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    op.create_index("ix_audit_log_customer_id", "audit_log", ["customer_id"])
    op.create_table(
        "retention_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comments_months", sa.Integer(), nullable=True),
        sa.Column("contacts_months", sa.Integer(), nullable=True),
        sa.Column("inbound_months", sa.Integer(), nullable=True),
        sa.Column("outbox_months", sa.Integer(), nullable=True),
        _at("updated_at"),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_retention_settings_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_settings")),
    )


def downgrade():
    op.drop_table("retention_settings")
    op.drop_table("audit_log")
    op.drop_table("consent_events")
    op.drop_table("tombstones")
    op.drop_column("property_keys", "personal")
    op.drop_column("responses", "comment_erased_at")
    op.drop_column("customers", "erased_at")
