"""customers: a phone number (E.164)

Revision ID: 21c1d2e3f4a5
Revises: d4c6e8f0a2b3
Create Date: 2026-12-06 11:30:00

Agents log calls, so the customer's number comes in with touchpoints (API `customer.phone`,
CSV `customer_phone`), normalised to E.164 at the boundary. No index: staff search it with
LIKE '%digits%', which no B-tree index serves, and the customers page pages the scan.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '21c1d2e3f4a5'
down_revision = 'd4c6e8f0a2b3'
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases (SQLite 3.35+ drops a column in place): a batch
# operation would copy and rename customers, which the rollup triggers on responses
# refer to, and SQLite refuses that rename.


def upgrade():
    op.add_column('customers', sa.Column('phone', sa.String(length=32), nullable=True))


def downgrade():
    op.drop_column('customers', 'phone')
