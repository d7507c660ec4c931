"""inbound mail: customers' emails kept whole, their attachments, and their place on cases

Revision ID: 21a1b0c1d2e3
Revises: 21e1f2a3b4c5
Create Date: 2026-12-06 11:20:00

A customer's reply to case mail is stored as it came (raw bytes) with its decoded and
trimmed text; attachments are rows too, so that every app server can serve them. A case
timeline line of kind "customer_reply" points at its message, and a case opened by an
email to a closed case points at that case.
"""
import contextlib

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '21a1b0c1d2e3'
down_revision = '21e1f2a3b4c5'
branch_labels = None
depends_on = None

STATUSES = ('matched', 'unmatched', 'discarded', 'auto')


def _sqlite():
    return op.get_bind().dialect.name == 'sqlite'


def _add_reference(table, column, target):
    """A nullable column referring to ``target``."""
    name = f'fk_{table}_{column}_{target}'
    with _triggers_kept(table):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(name, target, [column], ['id'], ondelete='SET NULL')


def _drop_reference(table, column, target):
    with _triggers_kept(table):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_{column}_{target}', type_='foreignkey')
            batch_op.drop_column(column)


@contextlib.contextmanager
def _triggers_kept(table):
    """SQLite's batch mode copies the table, which drops its triggers (the dashboard's
    counts on cases): they are kept as SQL beforehand and made again after."""
    if not _sqlite():
        yield
        return
    triggers = op.get_bind().execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
        {'t': table},
    ).scalars().all()
    yield
    for sql in triggers:
        op.execute(sql)


def upgrade():
    op.create_table(
        'inbound_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dedup_key', sa.String(length=300), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('from_address', sa.String(length=320), nullable=False),
        sa.Column('from_name', sa.String(length=200), nullable=False),
        sa.Column('to_addresses', sa.Text(), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('message_id_header', sa.String(length=300), nullable=True),
        sa.Column('in_reply_to', sa.Text(), nullable=True),
        sa.Column('references', sa.Text(), nullable=True),
        sa.Column('raw', sa.LargeBinary(), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=False),
        sa.Column('trimmed_text', sa.Text(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.Enum(*STATUSES, name='inbound_status'), nullable=False),
        sa.Column('matched_by', sa.String(length=20), nullable=True),
        sa.Column('handled_by_id', sa.Integer(), nullable=True),
        sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_inbound_messages_case_id_cases'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_inbound_messages_handled_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_messages')),
        sa.UniqueConstraint('dedup_key', name=op.f('uq_inbound_messages_dedup_key')),
    )
    op.create_index('ix_inbound_messages_status_received_at', 'inbound_messages', ['status', 'received_at'])
    op.create_table(
        'inbound_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=200), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('kept', sa.Boolean(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(['message_id'], ['inbound_messages.id'], name=op.f('fk_inbound_attachments_message_id_inbound_messages'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_attachments')),
    )
    op.create_index(op.f('ix_inbound_attachments_message_id'), 'inbound_attachments', ['message_id'])
    _add_reference('case_events', 'inbound_message_id', 'inbound_messages')
    _add_reference('cases', 'previous_case_id', 'cases')


def downgrade():
    _drop_reference('cases', 'previous_case_id', 'cases')
    _drop_reference('case_events', 'inbound_message_id', 'inbound_messages')
    op.drop_index(op.f('ix_inbound_attachments_message_id'), table_name='inbound_attachments')
    op.drop_table('inbound_attachments')
    op.drop_index('ix_inbound_messages_status_received_at', table_name='inbound_messages')
    op.drop_table('inbound_messages')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TYPE IF EXISTS inbound_status')
