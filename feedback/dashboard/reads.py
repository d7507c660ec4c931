"""The dashboard's reads: sent to the database together, read back when first needed.

A page makes about a dozen reads of the summary tables. Each is a SQLAlchemy Core select
built once per shape of filters (see queries); here it is compiled once per process and
run on the database driver's own cursor, its columns' types converting values as
SQLAlchemy's execution would (enums, UTC times). That execution costs ~75 µs a
statement, as much as one of these reads costs the server.

On PostgreSQL (psycopg) the reads go out at once, in pipeline mode, when the page calls
send(), before its template starts: the server works through them while the top of the
page (menus, the filter form) is written, and the first figure the page needs waits for
all of them. The reads of the summary tables run with the generic plans of their prepared
statements: each is built once and run with other dates and values, and its generic plan
(an index range scan of a small summary) is as good as any; left to choose, the server
planned three of them again on every page (pg_prepared_statements' custom_plans), ~0.4 ms
a page. Reads of the answers and cases themselves keep the server's choice: how much of
a table a period covers decides between an index and a scan there.
Elsewhere (SQLite, in the process: no server to wait for) each batch runs
when its rows are first asked for.

A read function takes a Batch, adds its statements and returns a function that makes its
result from their rows (see queries.score_vectors): the caller adds every read it needs,
calls send(), and then asks for the results.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from contextlib import suppress
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Dialect, Engine

from feedback.extensions import db

T = TypeVar("T")
#: what a read function returns: its result, made from the batch's rows when called
Later = Callable[[], T]
#: connection.info key of a batch whose pipeline is still open on that connection
OPEN = "dashboard.open_batch"
#: around the summary reads of a pipeline, in it (see above); a read that fails takes the
#: SET back with it, as the statements up to the pipeline's sync are one implicit transaction
GENERIC_PLANS = "SET plan_cache_mode = force_generic_plan"
DEFAULT_PLANS = "RESET plan_cache_mode"


class Compiled:
    """One statement compiled for one dialect: its SQL, and how its values and rows are
    converted, with the processors of the statement's own types."""

    __slots__ = ("_compiled", "sql", "order", "binders", "readers", "row")

    def __init__(self, statement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        if "POSTCOMPILE" in compiled.string:
            # an expanding IN is rendered at each execution: not a statement built once
            raise ValueError("a batched read cannot hold an expanding IN; use an OR of =")
        self._compiled = compiled
        self.sql = compiled.string
        #: the order of positional parameters (SQLite's qmark), or None for named ones
        self.order = tuple(compiled.positiontup) if compiled.positional else None
        binders = {}
        for bind, name in compiled.bind_names.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                binders[name] = process
        self.binders = binders
        columns = list(statement.selected_columns)
        #: (position, processor) of the columns whose values need converting
        self.readers = [
            (position, process)
            for position, process in enumerate(
                c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
            )
            if process is not None
        ]
        self.row = namedtuple("Row", [c.key or "_" for c in columns], rename=True)

    def parameters(self, values: dict[str, Any]):
        """The driver's parameters for these values (and the statement's own literals)."""
        params = self._compiled.construct_params(values)
        for name, process in self.binders.items():
            params[name] = process(params[name])
        if self.order is None:
            return params
        return tuple(params[name] for name in self.order)

    def rows(self, fetched: list[tuple]) -> list:
        """Rows with their columns by name, values converted as SQLAlchemy would."""
        make = self.row._make
        if not self.readers:
            return list(map(make, fetched))
        out = []
        for values in fetched:
            values = list(values)
            for position, process in self.readers:
                value = values[position]
                if value is not None:
                    values[position] = process(value)
            out.append(make(values))
        return out


@lru_cache(maxsize=512)
def compiled(statement, dialect: Dialect) -> Compiled:
    """Compiled once per statement object: the reads are built once per shape of filters
    (an edge's or property's statement per value; the cache is bounded for those)."""
    return Compiled(statement, dialect)


class Batch:
    """Reads to run together on one connection; rows(i) gives the i-th read's rows."""

    def __init__(self, connection: Connection | None = None) -> None:
        self._connection = connection if connection is not None else db.session.connection()
        self._dialect = self._connection.dialect
        #: (statement, parameters, whether it runs with its generic plan)
        self._reads: list[tuple[Compiled, Any, bool]] = []
        self._rows: list[list] | None = None
        #: while a pipeline is open: the pipeline and a cursor per read
        self._pipeline = None
        self._cursors: list = []

    @property
    def dialect(self) -> Dialect:
        return self._dialect

    def add(self, statement, values: dict[str, Any] | None = None, *, generic=False) -> int:
        """Queue a statement with its parameter values; its number for rows(). A
        ``generic`` read (of the summary tables, or whose values do not change what it
        reads much) runs with its generic plan on PostgreSQL."""
        if self._rows is not None or self._pipeline is not None:
            raise RuntimeError("this batch has been sent")
        read = compiled(statement, self._dialect)
        self._reads.append((read, read.parameters(values or {}), generic))
        return len(self._reads) - 1

    def send(self) -> None:
        """On PostgreSQL, send every read now, in one pipeline, without waiting for them.
        Elsewhere nothing happens until rows() is asked for."""
        if self._rows is not None or self._pipeline is not None or not self._reads:
            return
        raw = self._connection.connection.driver_connection
        if not hasattr(raw, "pipeline") or not _pipelines():
            return
        import psycopg

        self._pipeline = raw.pipeline()
        self._pipeline.__enter__()
        self._connection.info[OPEN] = self
        self._cursors = [raw.cursor() for _read in self._reads]

        def execute(generic: bool) -> None:
            for (read, params, its), cursor in zip(self._reads, self._cursors, strict=True):
                if its is generic:
                    cursor.execute(read.sql, params)

        try:
            raw.execute(GENERIC_PLANS)
            try:
                execute(generic=True)
            finally:
                # Queued even when Python fails half way (a value the driver cannot
                # send): what was queued still runs, and the SET with it. Refused only
                # when the pipeline is aborted, which took the SET back already.
                with suppress(psycopg.Error):
                    raw.execute(DEFAULT_PLANS)
            execute(generic=False)
        except BaseException as error:
            self._close(error)
            raise

    def rows(self, index: int) -> list:
        """The rows of read ``index``; the first call waits for (or runs) every read."""
        if self._rows is None:
            self._rows = self._fetch()
        return self._rows[index]

    def _fetch(self) -> list[list]:
        if self._pipeline is None:
            cursor = self._connection.connection.cursor()
            try:
                return [
                    read.rows(cursor.execute(read.sql, params).fetchall())
                    for read, params, _generic in self._reads
                ]
            finally:
                cursor.close()
        try:
            rows = [
                read.rows(cursor.fetchall())
                for (read, _params, _generic), cursor in zip(
                    self._reads, self._cursors, strict=True
                )
            ]
        except BaseException as error:
            self._close(error)
            raise
        self._close(None)
        return rows

    def close(self) -> None:
        """Leave the pipeline if it is still open (its results are not wanted)."""
        if self._pipeline is not None:
            self._close(None)

    def _close(self, error: BaseException | None) -> None:
        pipeline, self._pipeline = self._pipeline, None
        self._connection.info.pop(OPEN, None)
        for cursor in self._cursors:
            cursor.close()
        self._cursors = []
        if error is None:
            pipeline.__exit__(None, None, None)
        else:
            pipeline.__exit__(type(error), error, error.__traceback__)


@lru_cache(maxsize=1)
def _pipelines() -> bool:
    import psycopg

    return psycopg.Pipeline.is_supported()


@event.listens_for(Engine, "before_cursor_execute")
def _finish_open_batch(connection, cursor, statement, parameters, context, executemany):
    """Any other statement on a connection with a batch in flight reads the batch first:
    in pipeline mode the driver would queue it and SQLAlchemy would find no rows."""
    batch = connection.info.get(OPEN)
    if batch is not None:
        batch.rows(0)
