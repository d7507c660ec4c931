"""domain events; when a comment was tagged; a case's tier and source; purchases

Revision ID: a7e0c3d91b52
Revises: d5a2c8e41f07
Create Date: 2026-12-06 10:00:00

- domain_events: what happened, written in the transaction that did it, for the worker's
  reactions (feedback/events.py).
- responses.tagged_at: when the worker tagged the comment (it does so after the answer is
  stored). NULL for the answers stored before, which were tagged with their answer (and
  have a tagged_version of 1 or more; a new answer has 0 until the worker tags it). Not
  filled in: rewriting every commented answer would leave the table twice its size.
- cases.tier (the customer's tier when the case opened, from the answer that opened it)
  and cases.source (how it came: every case so far came from a survey answer).
- touchpoint_types.counts_as_purchase: the type "purchase" does.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'a7e0c3d91b52'
down_revision = 'd5a2c8e41f07'
branch_labels = None
depends_on = None

CASE_SOURCES = ('survey', 'email', 'staff')


def _case_source():
    return sa.Enum(*CASE_SOURCES, name='case_source').with_variant(
        postgresql.ENUM(*CASE_SOURCES, name='case_source', create_type=False), 'postgresql'
    )


def upgrade():
    bind = op.get_bind()
    op.create_table(
        'domain_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('type', sa.String(length=40), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('done', sa.JSON(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_domain_events')),
    )
    op.create_index('ix_domain_events_pending', 'domain_events', ['id'], unique=False,
                    sqlite_where=sa.text('processed_at IS NULL'),
                    postgresql_where=sa.text('processed_at IS NULL'))

    # Plain ADD COLUMN on SQLite too: a batch rebuild of these tables would drop their
    # triggers.
    op.add_column('responses', sa.Column('tagged_at', sa.DateTime(timezone=True),
                                         nullable=True))

    if bind.dialect.name == 'postgresql':
        postgresql.ENUM(*CASE_SOURCES, name='case_source').create(bind, checkfirst=True)
    op.add_column('cases', sa.Column('tier', sa.String(length=40), server_default='',
                                     nullable=False))
    op.add_column('cases', sa.Column('source', _case_source(), server_default='survey',
                                     nullable=False))
    op.execute(
        "UPDATE cases SET tier = COALESCE((SELECT r.tier FROM case_events e"
        " JOIN responses r ON r.id = e.response_id"
        " WHERE e.case_id = cases.id AND e.kind = 'opened'),"
        " (SELECT c.tier FROM customers c WHERE c.id = cases.customer_id), '')"
    )

    op.add_column('touchpoint_types', sa.Column('counts_as_purchase', sa.Boolean(),
                                                server_default=sa.false(), nullable=False))
    op.execute("UPDATE touchpoint_types SET counts_as_purchase = true WHERE key = 'purchase'")


def downgrade():
    # DROP COLUMN rather than a batch rebuild, which would drop the tables' triggers
    for table, column in (('touchpoint_types', 'counts_as_purchase'), ('cases', 'source'),
                          ('cases', 'tier'), ('responses', 'tagged_at')):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    if op.get_bind().dialect.name == 'postgresql':
        postgresql.ENUM(name='case_source').drop(op.get_bind(), checkfirst=True)
    op.drop_index('ix_domain_events_pending', table_name='domain_events')
    op.drop_table('domain_events')
