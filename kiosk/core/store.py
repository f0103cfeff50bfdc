"""The store: short transactions and the few statements that differ between backends.

The queue service is written once against this interface. SQLite serialises writers with
BEGIN IMMEDIATE (so row locks are not needed); PostgreSQL uses row locks with SKIP LOCKED
for call-next and `UPDATE … RETURNING` on a counter row for ticket numbers.

Event ids must follow commit order, or a follower reading "events after id N" could skip an
event committed late with a smaller id. SQLite commits one writer at a time, so it does. On
PostgreSQL ids come from a sequence when a row is inserted, so a write transaction inserts
its events last, under a transaction advisory lock held until its commit: its ids are then
larger than every committed event's and smaller than any later one's. Only that final
insert and the commit are serialised; choosing tickets and numbers stays concurrent. The
lock is taken by the first event's INSERT itself (`INSERT … SELECT … FROM (SELECT
pg_advisory_xact_lock(…))`: the id is drawn for the row the SELECT yields, after the lock),
and psycopg sends the events' INSERTs in one round trip, executed in order: the lock is held
for one round trip and the commit, which is what bounds six counters' calls a second. The
ticket rows the events refer to are locked (FOR KEY SHARE) before that lock is requested,
unless this transaction wrote them (it holds their rows already), so a transaction holding
the event lock never waits for a row lock (no deadlock).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Connection,
    CursorResult,
    Engine,
    Executable,
    Insert,
    ScalarResult,
    Select,
    Table,
    Update,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from kiosk.core.database import describe_url, explain_db_error, open_engine, read_engine
from kiosk.core.errors import DatabaseUnavailable
from kiosk.core.schema import Base, EventRow, SequenceRow, TicketRow

log = logging.getLogger(__name__)
#: pg_advisory_xact_lock key serialising the insertion of events (see the module docstring).
EVENT_LOCK_KEY = 727002
S = TypeVar("S", bound=Select[Any])
R = TypeVar("R", bound=Base)
TupleAny = tuple[Any, ...]
_EVENTS: Table = EventRow.__table__
_TICKETS: Table = TicketRow.__table__
_INSERT_EVENT = insert(_EVENTS)
#: PostgreSQL: each event inserted by a statement that first takes the event lock (taken
#: again by the same transaction: a no-op), so the lock is held from the first event's
#: statement to the commit, one round trip less than a SELECT of the lock before them.
_EVENT_COLUMNS = [c for c in _EVENTS.c if c.name != "id"]
_EVENT_NAMES = frozenset(c.name for c in _EVENT_COLUMNS)
_LOCKED = select(func.pg_advisory_xact_lock(EVENT_LOCK_KEY).label("locked")).subquery("lock")
_INSERT_EVENT_LOCKED = insert(_EVENTS).from_select(
    [c.name for c in _EVENT_COLUMNS],
    select(*(bindparam(c.name, type_=c.type) for c in _EVENT_COLUMNS)).select_from(_LOCKED),
)
_LOCK_REFERENCED = (
    select(_TICKETS.c.id)
    .where(_TICKETS.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_TICKETS.c.id)
    .with_for_update(read=True, key_share=True)
)


class Record:
    """A row read for update. Reading an attribute reads the row; setting one remembers the
    change, and the transaction writes the changes as one UPDATE by primary key before its
    next statement (as an ORM would, without its per-statement cost in the queue's hot path).
    Typed as its table's mapped class (`Tx.get`, `Tx.record`), so mypy checks the names."""

    __slots__ = ("_changes", "_table", "_values")

    def __init__(self, table: Table, values: dict[str, Any]) -> None:
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_changes", {})

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"{self._table.name} has no column {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._values:
            raise AttributeError(f"{self._table.name} has no column {name!r}")
        self._values[name] = value
        self._changes[name] = value

    def flush(self, conn: Connection) -> None:
        """Write the remembered changes (nothing when there are none)."""
        if not self._changes:
            return
        params = {f"new_{k}": v for k, v in self._changes.items()}
        for c in self._table.primary_key.columns:
            params[f"key_{c.name}"] = self._values[c.name]
        conn.execute(_update_of(self._table, frozenset(self._changes)), params)
        self._changes.clear()


@functools.cache
def _update_of(table: Table, columns: frozenset[str]) -> Update:
    """UPDATE of `columns` by primary key, built once (its compiled form is then cached)."""
    key = [c == bindparam(f"key_{c.name}") for c in table.primary_key.columns]
    return update(table).where(*key).values({c: bindparam(f"new_{c}") for c in sorted(columns)})


@functools.cache
def _insert_of(table: Table) -> Insert:
    return insert(table)


@functools.cache
def _select_by_key(table: Table) -> Select[Any]:
    """SELECT of a whole row by primary key (bind parameters key_<column>)."""
    key = [c == bindparam(f"key_{c.name}") for c in table.primary_key.columns]
    return select(table).where(*key)


class Tx:
    """One transaction on a connection: statements, rows read for update, and the events a
    write appends (inserted last, at commit, in call order)."""

    def __init__(self, conn: Connection, dialect: str, *, writing: bool) -> None:
        self.conn = conn
        self.dialect = dialect
        self.writing = writing
        self.events: list[dict[str, Any]] = []
        #: Called after a write's commit (never after a rollback).
        self.after_commit: list[Callable[[], None]] = []
        self._records: list[Record] = []
        #: Tickets this transaction has written (updated or inserted): it holds their rows.
        self.written_tickets: set[int] = set()
        #: Rows read ahead with another (`record_with`), by table name and primary key.
        self._ahead: dict[tuple[str, Any], Record] = {}
        #: The id of the one event a SQLite write inserted (empty otherwise): with the log's
        #: last event read under the same write lock, the writer knows the log as committed.
        self.event_ids: list[int] = []

    def flush(self) -> None:
        for r in self._records:
            if r._changes and r._table is _TICKETS:
                self.written_tickets.add(r._values["id"])
            r.flush(self.conn)

    def execute(
        self, stmt: Executable, params: Any = None, *, flush: bool = True
    ) -> CursorResult[*TupleAny]:
        """Run `stmt` after writing the changes made to records so far (`flush=False`: the
        caller knows they cannot change what `stmt` reads; they are written later)."""
        if flush and self._records:
            self.flush()
        return self.conn.execute(stmt, params)

    def scalar(self, stmt: Executable, params: Any = None) -> Any:
        return self.execute(stmt, params).scalar()

    def scalars(self, stmt: Executable, params: Any = None) -> ScalarResult[Any]:
        return self.execute(stmt, params).scalars()

    def connection(self) -> Connection:
        self.flush()
        return self.conn

    def record(self, cls: type[R], stmt: Executable, *, flush: bool = True) -> R | None:
        """The first row of `stmt` (a select of `cls`'s table) as a `Record`, or None."""
        row = self.execute(stmt, flush=flush).first()
        if row is None:
            return None
        rec = Record(cls.__table__, dict(row._mapping))
        self._records.append(rec)
        return cast(R, rec)

    def record_with(
        self, cls: type[R], other: type[Base], stmt: Executable, prefix: str
    ) -> R | None:
        """The first row of `stmt` as a `Record` of `cls`, reading ahead the row of `other`
        it joins (its columns labelled `prefix` + name; all None when there is none), which
        `get` then hands out without a statement: one statement instead of two."""
        row = self.execute(stmt).first()
        if row is None:
            return None
        values = row._mapping
        table: Table = cls.__table__
        rec = Record(table, {c.name: values[c.name] for c in table.columns})
        self._records.append(rec)
        joined: Table = other.__table__
        ahead = {c.name: values[prefix + c.name] for c in joined.columns}
        key = tuple(ahead[c.name] for c in joined.primary_key.columns)
        if all(k is not None for k in key):
            found = Record(joined, ahead)
            self._records.append(found)
            self._ahead[(joined.name, key)] = found
        return cast(R, rec)

    def records(self, cls: type[R], stmt: Executable, *, flush: bool = True) -> list[R]:
        """Every row of `stmt` (a select of `cls`'s table) as a `Record` (`flush`: as in
        `execute`)."""
        table: Table = cls.__table__
        found = [Record(table, dict(row._mapping)) for row in self.execute(stmt, flush=flush)]
        self._records.extend(found)
        return cast(list[R], found)

    def rows(self, cls: type[R], stmt: Executable) -> list[R]:
        """Every row of `stmt` (a select of `cls`'s table), read-only, typed as `cls`."""
        return cast(list[R], self.execute(stmt).all())

    def get(self, cls: type[R], *key: Any) -> R | None:
        """The row of `cls` with primary key `key`, as a `Record`, or None."""
        table: Table = cls.__table__
        ahead = self._ahead.get((table.name, tuple(key)))
        if ahead is not None:
            return cast(R, ahead)
        columns = table.primary_key.columns
        params = {f"key_{c.name}": k for c, k in zip(columns, key, strict=True)}
        row = self.execute(_select_by_key(table), params).first()
        if row is None:
            return None
        rec = Record(table, dict(row._mapping))
        self._records.append(rec)
        return cast(R, rec)

    def insert(self, cls: type[R], **values: Any) -> R:
        """Insert a row of `cls` and hand it back as a `Record` (with its new id)."""
        table: Table = cls.__table__
        result = self.execute(_insert_of(table), values)
        full: dict[str, Any] = dict.fromkeys(table.columns.keys())
        for column in table.columns:
            default = column.default
            if column.name not in values and default is not None and default.is_scalar:
                full[column.name] = default.arg  # type: ignore[attr-defined]
        full.update(values)
        for column, value in zip(
            table.primary_key.columns, result.inserted_primary_key or (), strict=False
        ):
            full[column.name] = value
        rec = Record(table, full)
        self._records.append(rec)
        if table is _TICKETS:
            self.written_tickets.add(full["id"])
        return cast(R, rec)

    def add_event(self, **values: Any) -> None:
        """Append an event (every column but the id) to the log when this write commits."""
        missing = _EVENT_NAMES - values.keys()
        if missing:
            raise TypeError(f"an event needs {', '.join(sorted(missing))}")
        self.events.append(values)


class Store:
    """One database, shared by every process of a point."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.dialect = engine.dialect.name
        self._reader = read_engine(engine)

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Store:
        return cls(open_engine(url, migrate=migrate), url)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """A write transaction: committed on success, rolled back on any error."""
        try:
            with self.engine.begin() as conn:
                tx = Tx(conn, self.dialect, writing=True)
                yield tx
                self._insert_events(tx)
            for done in tx.after_commit:
                done()
        except (OperationalError, DBAPIError) as exc:
            if _is_integrity(exc):
                raise
            raise explain_db_error(exc, self.url) from exc
        except PoolTimeout as exc:
            raise _pool_busy(self.url) from exc

    def _insert_events(self, tx: Tx) -> None:
        tx.flush()  # every other change first: its row locks are taken by now
        if not tx.events:
            return
        if self.dialect == "postgresql":
            # A ticket this transaction wrote is locked by it already (an UPDATE's row lock,
            # or a row nobody else can see yet): only the others need the KEY SHARE lock.
            referenced = {e["ticket_id"] for e in tx.events if e.get("ticket_id")}
            others = sorted(referenced - tx.written_tickets)
            if others:
                tx.conn.execute(_LOCK_REFERENCED, {"ids": others})
            tx.conn.execute(_INSERT_EVENT_LOCKED, tx.events)
            tx.events.clear()
            return
        if len(tx.events) == 1:
            result = tx.conn.execute(_INSERT_EVENT, tx.events[0])
            key = result.inserted_primary_key
            tx.event_ids = [int(key[0])] if key else []
        else:  # one statement for all: sqlite3 inserts a many-row execute in order
            tx.conn.execute(_INSERT_EVENT, tx.events)
        tx.events.clear()

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A short read transaction (one consistent view; no write lock)."""
        try:
            with self._reader.connect() as conn, conn.begin():
                yield Tx(conn, self.dialect, writing=False)
        except (OperationalError, DBAPIError) as exc:
            raise explain_db_error(exc, self.url) from exc
        except PoolTimeout as exc:
            raise _pool_busy(self.url) from exc

    def lock_rows(self, stmt: S, *, skip_locked: bool = False, of: Any = None) -> S:
        """Row locks on PostgreSQL (of the table `of` only, in a join); SQLite already holds
        the database write lock."""
        if self.dialect == "postgresql":
            return stmt.with_for_update(skip_locked=skip_locked, of=of)
        return stmt

    def insert_ignore(self, tx: Tx, table: type[Base], **values: Any) -> None:
        """INSERT … ON CONFLICT DO NOTHING for the row's primary key."""
        tx.execute(_insert_ignore(self.dialect, table.__table__), values)

    def next_number(self, tx: Tx, site: str, day: date, field: str) -> int:
        """Take the next ticket number of (site, day, field) inside the caller's transaction."""
        self.insert_ignore(tx, SequenceRow, site=site, business_day=day, field=field, last_number=0)
        return int(
            tx.execute(_NEXT_NUMBER, {"b_site": site, "b_day": day, "b_field": field}).scalar_one()
        )


@functools.cache
def _insert_ignore(dialect: str, table: Table) -> Executable:
    """INSERT … ON CONFLICT DO NOTHING into `table`, its values given when executed."""
    # Imported here: the PostgreSQL dialect costs a SQLite point's every command 20 ms.
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table).on_conflict_do_nothing()


_NEXT_NUMBER = (
    update(SequenceRow)
    .where(
        SequenceRow.site == bindparam("b_site"),
        SequenceRow.business_day == bindparam("b_day"),
        SequenceRow.field == bindparam("b_field"),
    )
    .values(last_number=SequenceRow.last_number + 1)
    .returning(SequenceRow.last_number)
)


def _is_integrity(exc: BaseException) -> bool:
    from sqlalchemy.exc import IntegrityError

    return isinstance(exc, IntegrityError)


def _pool_busy(url: str) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        "Cơ sở dữ liệu đang bận, vui lòng thử lại",
        f"Every connection to {describe_url(url)} is in use by this program; try again.",
    )
