"""A batch of touchpoint events in which one bad event costs only itself."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.exc import DataError

from feedback.extensions import db
from feedback.surveys.ingest import IngestResult, ingest_events
from feedback.surveys.inputs import EventInput
from feedback.surveys.models import EventSource

#: the field error of an event the database refused (the API's errors are in English)
REFUSED = "The database refused a value of this event; nothing of it was stored."


def ingest_batch(
    inputs: list[tuple[int, EventInput]],
    source: EventSource,
    recorded_by_id: int | None = None,
) -> list[IngestResult]:
    """``ingest_events``, except that an event the database refuses is rejected alone.

    The batch goes first as a whole, in one savepoint, for its multi-row INSERTs. Should
    PostgreSQL refuse a value the checks at the boundary let through (a DataError), that
    savepoint is rolled back and each event is stored in a savepoint of its own: the
    valid ones are kept, the refused ones come back rejected. Any other error (another
    request stored the same ids meanwhile, a lock, a lost connection) goes to the caller:
    it is not the event's fault, and the client is told to try again, not that the event
    was refused.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite stores any value, so there is nothing to refuse; and a SAVEPOINT would
        # begin the transaction before the reads, so that a concurrent batch's write made
        # this one fail at once instead of waiting its turn for the write lock.
        return ingest_events(inputs, source, recorded_by_id)
    try:
        with db.session.begin_nested():
            return ingest_events(inputs, source, recorded_by_id)
    except DataError as error:
        current_app.logger.warning("batch refused by the database, event by event: %s", error)
    results = []
    for index, data in inputs:
        try:
            with db.session.begin_nested():
                results += ingest_events([(index, data)], source, recorded_by_id)
        except DataError as error:
            current_app.logger.warning("event %d refused by the database: %s", index, error)
            results.append(IngestResult(index, "rejected", errors={"_schema": [REFUSED]}))
    return results
