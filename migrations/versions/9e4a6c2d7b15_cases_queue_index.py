"""cases: the queue's columns in its status index

Revision ID: 9e4a6c2d7b15
Revises: 5b0c8e1f2a47
Create Date: 2026-12-04 19:40:00

ix_cases_status_first_response_due_at becomes ix_cases_queue: the same two leading
columns (the sweep's overdue cases), then the columns queue health counts for the cases in
the queue (priority, owner, first response, deadlines, opening), so that it reads the
index alone; with 5M answers ~3,800 cases are open and reading them from the table cost
8 ms on PostgreSQL.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '9e4a6c2d7b15'
down_revision = '5b0c8e1f2a47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_cases_queue', 'cases', [
        'status', 'first_response_due_at', 'priority', 'owner_id', 'first_responded_at',
        'resolution_due_at', 'opened_at'])
    op.drop_index('ix_cases_status_first_response_due_at', table_name='cases')


def downgrade():
    op.create_index('ix_cases_status_first_response_due_at', 'cases',
                    ['status', 'first_response_due_at'])
    op.drop_index('ix_cases_queue', table_name='cases')
