"""API keys carry scopes

Revision ID: 21c2d3e4f5a6
Revises: 21f1a2b3c4d5
Create Date: 2026-12-06 11:10:00

api_keys.scopes: a comma-separated list of ingest, read and admin. Keys made before
scopes existed could send touchpoints and read answers and summaries, so the server
default gives them "ingest,read" and every integration keeps working.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '21c2d3e4f5a6'
down_revision = '21f1a2b3c4d5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('scopes', sa.String(length=60), nullable=False,
                      server_default='ingest,read')
        )


def downgrade():
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_column('scopes')
