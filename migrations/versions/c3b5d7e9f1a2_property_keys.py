"""property_keys: the keys of touchpoint events' properties, with a label and an internal flag

Revision ID: c3b5d7e9f1a2
Revises: f3b8d2a61c07
Create Date: 2026-12-06 09:45:00

The dashboard's breakdown by property offered whatever keys the last 500 events carried,
the service's own bookkeeping (``case_id``, written on follow-up events) among them. The
keys are now a table managers edit: ingest adds new keys (ON CONFLICT DO NOTHING), and
keys marked internal are left out of the breakdown. Filled here from every stored event;
``case_id`` (the only key the service writes, complaints/followup.py) is internal.
An index on customers.tier serves the dashboard's list of tiers (SELECT DISTINCT).
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c3b5d7e9f1a2'
down_revision = 'f3b8d2a61c07'
branch_labels = None
depends_on = None

#: the keys the service writes itself when this was written
SERVICE_KEYS = "('case_id')"

FILL = {
    # json_each of a non-object would list array positions: objects only
    'sqlite': f"""
        INSERT INTO property_keys ("key", label, internal, created_at)
        SELECT DISTINCT j."key", '', j."key" IN {SERVICE_KEYS}, CURRENT_TIMESTAMP
        FROM touchpoint_events AS e,
             json_each(CASE WHEN json_valid(e.properties) AND json_type(e.properties) = 'object'
                            THEN e.properties ELSE '{{}}' END) AS j
        WHERE length(j."key") <= 100
    """,
    # json_object_keys raises on a scalar or array, so those read as an empty object
    'postgresql': f"""
        INSERT INTO property_keys ("key", label, internal, created_at)
        SELECT DISTINCT k, '', k IN {SERVICE_KEYS}, now()
        FROM touchpoint_events AS e,
             json_object_keys(CASE WHEN json_typeof(e.properties) = 'object'
                                   THEN e.properties ELSE '{{}}'::json END) AS k
        WHERE length(k) <= 100
    """,
}


def upgrade():
    op.create_table(
        'property_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('label', sa.String(length=100), server_default='', nullable=False),
        sa.Column('internal', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_property_keys')),
        sa.UniqueConstraint('key', name=op.f('uq_property_keys_key')),
    )
    op.execute(FILL[op.get_bind().dialect.name])
    op.create_index(op.f('ix_customers_tier'), 'customers', ['tier'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_customers_tier'), table_name='customers')
    op.drop_table('property_keys')
