"""a row per signed-in device; failed sign-ins counted in the database

Revision ID: b2a4c6e8d0f1
Revises: c3b5d7e9f1a2
Create Date: 2026-12-06 09:30:00

- user_sessions: one row per signed-in device. The session cookie and the remember cookie
  carry its key; signing out, a password change or deactivation end rows, and a request
  whose row is ended is signed out. Everyone signed in before this migration signs in
  once more (their cookies carried users.session_token, which is no longer read).
- sign_in_failures: wrong passwords, counted with SQL over a sliding window per email and
  per client address, so that every process and every server sees the same count.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'b2a4c6e8d0f1'
down_revision = 'c3b5d7e9f1a2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('device', sa.String(length=120), nullable=False),
        sa.Column('ip', sa.String(length=45), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
        sa.UniqueConstraint('key', name=op.f('uq_user_sessions_key')),
    )
    op.create_index(op.f('ix_user_sessions_user_id'), 'user_sessions', ['user_id'], unique=False)

    op.create_table(
        'sign_in_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('ip', sa.String(length=45), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failures')),
    )
    op.create_index(op.f('ix_sign_in_failures_created_at'), 'sign_in_failures', ['created_at'],
                    unique=False)
    op.create_index('ix_sign_in_failures_email_created_at', 'sign_in_failures',
                    ['email', 'created_at'], unique=False)
    op.create_index('ix_sign_in_failures_ip_created_at', 'sign_in_failures',
                    ['ip', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_sign_in_failures_ip_created_at', table_name='sign_in_failures')
    op.drop_index('ix_sign_in_failures_email_created_at', table_name='sign_in_failures')
    op.drop_index(op.f('ix_sign_in_failures_created_at'), table_name='sign_in_failures')
    op.drop_table('sign_in_failures')
    op.drop_index(op.f('ix_user_sessions_user_id'), table_name='user_sessions')
    op.drop_table('user_sessions')
