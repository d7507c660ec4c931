"""The list of event property keys: filled as touchpoint events arrive, edited by
managers, read by the dashboard's breakdown (which leaves internal keys out)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from feedback.extensions import db
from feedback.surveys.models import PropertyKey
from feedback.timeutil import utcnow

#: keys the service itself writes into properties (complaints.followup: the case a
#: follow-up survey is about); never a breakdown
SERVICE_KEYS = frozenset({"case_id"})


def note_keys(keys: Iterable[str], internal: bool = False) -> None:
    """Add the keys not listed yet, in the caller's transaction. Two transactions adding
    the same key both succeed (ON CONFLICT on the unique key). With ``internal`` the keys
    are also marked internal where they are listed already."""
    now = utcnow()
    rows = [
        {"key": key, "label": "", "internal": internal or key in SERVICE_KEYS, "created_at": now}
        for key in sorted(set(keys))
    ]
    if not rows:
        return
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = PropertyKey.__table__
    statement = dialect.insert(table)
    if internal:
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key], set_={"internal": True}, where=~table.c.internal
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=[table.c.key])
    db.session.connection().execute(statement, rows)


def breakdown_keys() -> list[PropertyKey]:
    """The keys a manager may break the scores down by, by key."""
    return list(
        db.session.scalars(
            select(PropertyKey).where(PropertyKey.internal.is_(False)).order_by(PropertyKey.key)
        )
    )


def all_keys() -> list[PropertyKey]:
    """Every listed key, by key, for the managers' page."""
    return list(db.session.scalars(select(PropertyKey).order_by(PropertyKey.key)))
