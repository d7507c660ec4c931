"""brand settings: company name, logo, sender, support address, colour

Revision ID: 21f1a2b3c4d5
Revises: 21d1e2f3a4b5
Create Date: 2026-12-06 11:10:00

One row, edited under /admin/brand. The logo's bytes are kept in the database, so that
every app server serves the same one and no CDN is needed.
"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "21f1a2b3c4d5"
down_revision = "21d1e2f3a4b5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "brand_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_name", sa.String(length=100), nullable=True),
        sa.Column("company_name_zh", sa.String(length=100), nullable=True),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=40), nullable=True),
        sa.Column("sender_name", sa.String(length=100), nullable=True),
        sa.Column("sender_address", sa.String(length=320), nullable=True),
        sa.Column("support_address", sa.String(length=320), nullable=True),
        sa.Column("colour", sa.String(length=7), nullable=True),
        sa.Column("promise_email", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand_settings")),
    )


def downgrade():
    op.drop_table("brand_settings")
