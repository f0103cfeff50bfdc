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
ticket rows the events refer to are locked (FOR KEY SHARE) before that lock is requested,
so a transaction holding the event lock never waits for a row lock (no deadlock).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Engine, Select, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from kiosk.core.database import describe_url, explain_db_error, open_engine, read_engine
from kiosk.core.errors import DatabaseUnavailable
from kiosk.core.schema import Base, EventRow, SequenceRow, TicketRow

log = logging.getLogger(__name__)
#: pg_advisory_xact_lock key serialising the insertion of events (see the module docstring).
EVENT_LOCK_KEY = 727002
_PENDING_EVENTS = "kiosk_pending_events"
_ON_COMMIT = "kiosk_on_commit"
S = TypeVar("S", bound=Select[Any])


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
    def write(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on any error."""
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                with session.begin():
                    session.info[_PENDING_EVENTS] = []
                    session.info[_ON_COMMIT] = []
                    yield session
                    self._insert_events(session)
                for done in session.info.pop(_ON_COMMIT):
                    done()
        except (OperationalError, DBAPIError) as exc:
            if _is_integrity(exc):
                raise
            raise explain_db_error(exc, self.url) from exc
        except PoolTimeout as exc:
            raise _pool_busy(self.url) from exc

    @staticmethod
    def on_commit(session: Session, done: Callable[[], None]) -> None:
        """Call `done` once the write transaction `session` has committed (never on rollback)."""
        session.info[_ON_COMMIT].append(done)

    @staticmethod
    def is_writing(session: Session) -> bool:
        """Whether `session` is a write transaction (`write`), not a read."""
        return _PENDING_EVENTS in session.info

    def add_event(self, session: Session, event: EventRow) -> None:
        """Append `event` to the log when the write transaction commits (in call order)."""
        session.info[_PENDING_EVENTS].append(event)

    def _insert_events(self, session: Session) -> None:
        events: list[EventRow] = session.info.pop(_PENDING_EVENTS, [])
        if not events:
            return
        session.flush()  # every other change first: its row locks are taken by now
        if self.dialect == "postgresql":
            referenced = sorted({e.ticket_id for e in events if e.ticket_id is not None})
            if referenced:
                session.execute(
                    select(TicketRow.id)
                    .where(TicketRow.id.in_(referenced))
                    .order_by(TicketRow.id)
                    .with_for_update(read=True, key_share=True)
                )
            session.execute(select(func.pg_advisory_xact_lock(EVENT_LOCK_KEY)))
        for event in events:  # one INSERT each: ids in call order on every backend
            session.add(event)
            session.flush()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read transaction (one consistent view; no write lock)."""
        try:
            with Session(self._reader, expire_on_commit=False) as session, session.begin():
                yield session
        except (OperationalError, DBAPIError) as exc:
            raise explain_db_error(exc, self.url) from exc
        except PoolTimeout as exc:
            raise _pool_busy(self.url) from exc

    def lock_rows(self, stmt: S, *, skip_locked: bool = False) -> S:
        """Row locks on PostgreSQL; SQLite already holds the database write lock."""
        if self.dialect == "postgresql":
            return stmt.with_for_update(skip_locked=skip_locked)
        return stmt

    def insert_ignore(self, session: Session, table: type[Base], **values: Any) -> None:
        """INSERT … ON CONFLICT DO NOTHING for the row's primary key."""
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        stmt = dialect_insert(table).values(**values).on_conflict_do_nothing()
        session.execute(stmt)

    def next_number(self, session: Session, site: str, day: date, field: str) -> int:
        """Take the next ticket number of (site, day, field) inside the caller's transaction."""
        self.insert_ignore(
            session, SequenceRow, site=site, business_day=day, field=field, last_number=0
        )
        stmt = (
            update(SequenceRow)
            .where(
                SequenceRow.site == site,
                SequenceRow.business_day == day,
                SequenceRow.field == field,
            )
            .values(last_number=SequenceRow.last_number + 1)
            .returning(SequenceRow.last_number)
        )
        return int(session.execute(stmt).scalar_one())


def _is_integrity(exc: BaseException) -> bool:
    from sqlalchemy.exc import IntegrityError

    return isinstance(exc, IntegrityError)


def _pool_busy(url: str) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        "Cơ sở dữ liệu đang bận, vui lòng thử lại",
        f"Every connection to {describe_url(url)} is in use by this program; try again.",
    )
