"""staff notifications: each user's choices and the notices written for them

Revision ID: 21d1e2f3a4b5
Revises: 21c1d2e3f4a5
Create Date: 2026-12-06 11:30:00

notify_preferences: one row per user who changed the defaults (new cases in the queue:
now, digest or off; their own cases: now or digest). staff_notices: one row per notice
about a case for one reader; its unique key lets a reaction that runs twice send once,
and rows with no sent_at wait for the digest.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '21d1e2f3a4b5'
down_revision = '21c1d2e3f4a5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notify_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('queue', sa.String(length=10), nullable=False),
    sa.Column('mine', sa.String(length=10), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notify_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notify_preferences'))
    )
    op.create_table('staff_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('stamp', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_staff_notices_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_notices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_notices')),
    sa.UniqueConstraint('user_id', 'case_id', 'kind', 'stamp', name='uq_staff_notices_once')
    )
    with op.batch_alter_table('staff_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_notices_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_staff_notices_pending', ['user_id'], unique=False, sqlite_where=sa.text('sent_at IS NULL'), postgresql_where=sa.text('sent_at IS NULL'))


def downgrade():
    with op.batch_alter_table('staff_notices', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_notices_pending', sqlite_where=sa.text('sent_at IS NULL'), postgresql_where=sa.text('sent_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_staff_notices_case_id'))
    op.drop_table('staff_notices')
    op.drop_table('notify_preferences')
