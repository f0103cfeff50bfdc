"""The store: short transactions and the few statements that differ between backends.

The queue service is written once against this interface. SQLite serialises writers with
BEGIN IMMEDIATE (so row locks are not needed); PostgreSQL uses row locks with SKIP LOCKED
for call-next and `UPDATE … RETURNING` on a counter row for ticket numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Engine, Select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from kiosk.core.database import explain_db_error, open_engine, read_engine
from kiosk.core.schema import Base, SequenceRow

log = logging.getLogger(__name__)
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
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except (OperationalError, DBAPIError) as exc:
            if _is_integrity(exc):
                raise
            raise explain_db_error(exc, self.url) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read transaction (one consistent view; no write lock)."""
        try:
            with Session(self._reader, expire_on_commit=False) as session, session.begin():
                yield session
        except (OperationalError, DBAPIError) as exc:
            raise explain_db_error(exc, self.url) from exc

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
