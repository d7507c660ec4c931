"""hooks: signed webhooks and work-chat robots, and their deliveries

Revision ID: 21e1f2a3b4c5
Revises: 21c2d3e4f5a6
Create Date: 2026-12-06 11:20:00

- hooks: where events go (a system's URL, or a WeCom, DingTalk, Feishu or Slack robot),
  which events, the chat language, the signing secret, paused and failures in a row.
- hook_deliveries: one event for one hook, with the exact body, retried by the worker;
  unique per (hook, event), so an event is queued once per hook.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '21e1f2a3b4c5'
down_revision = '21c2d3e4f5a6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'hooks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('secret', sa.String(length=200), nullable=True),
        sa.Column('events', sa.JSON(), nullable=False),
        sa.Column('language', sa.String(length=10), nullable=False),
        sa.Column('paused', sa.Boolean(), nullable=False),
        sa.Column('consecutive_failures', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name='fk_hooks_created_by_id_users', ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name='pk_hooks'),
    )
    op.create_table(
        'hook_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hook_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('event_type', sa.String(length=40), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('claimed_by', sa.String(length=100), nullable=True),
        sa.Column('last_status_code', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['hook_id'], ['hooks.id'], name='fk_hook_deliveries_hook_id_hooks', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_hook_deliveries'),
        sa.UniqueConstraint('hook_id', 'event_id', name='uq_hook_deliveries_hook_event'),
    )
    op.create_index('ix_hook_deliveries_hook_id', 'hook_deliveries', ['hook_id'])
    op.create_index(
        'ix_hook_deliveries_status_next_attempt_at', 'hook_deliveries', ['status', 'next_attempt_at']
    )


def downgrade():
    op.drop_index('ix_hook_deliveries_status_next_attempt_at', table_name='hook_deliveries')
    op.drop_index('ix_hook_deliveries_hook_id', table_name='hook_deliveries')
    op.drop_table('hook_deliveries')
    op.drop_table('hooks')
