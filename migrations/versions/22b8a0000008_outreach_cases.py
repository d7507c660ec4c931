"""outreach cases: case_source 'outreach'

Revision ID: 22b8a0000008
Revises: 22b7a0000007
Create Date: 2026-12-06

A case staff open to call an at-risk customer (the "Who to call" list) has the source
'outreach'. SQLite stores the enum as VARCHAR without a check, so only PostgreSQL's type
gains the value.
"""

import sqlalchemy as sa
from alembic import op

revision = "22b8a0000008"
down_revision = "22b7a0000007"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # allowed inside a transaction since PostgreSQL 12, as long as nothing here uses it
        op.execute("ALTER TYPE case_source ADD VALUE IF NOT EXISTS 'outreach'")


def downgrade():
    # PostgreSQL cannot drop an enum value, so outreach cases become staff cases (opened by
    # hand, which they were), and their counts in case_days move to the staff rows.
    bind = op.get_bind()
    op.execute("UPDATE cases SET source = 'staff' WHERE source = 'outreach'")
    columns = [c["name"] for c in sa.inspect(bind).get_columns("case_days")]
    key = ["day", "priority", "owner_id", "tier", "touchpoint_type_id", "source"]
    counts = [name for name in columns if name not in key]
    keep = ", ".join(key[:-1])
    sets = ", ".join(f"{name} = case_days.{name} + excluded.{name}" for name in counts)
    op.execute(
        f"INSERT INTO case_days ({keep}, source, {', '.join(counts)})"  # noqa: S608 - fixed names
        f" SELECT {keep}, 'staff', {', '.join(counts)} FROM case_days"
        # (the WHERE also keeps SQLite from reading ON CONFLICT as a join's)
        f" WHERE source = 'outreach'"
        f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}"
    )
    op.execute("DELETE FROM case_days WHERE source = 'outreach'")
