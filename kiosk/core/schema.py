"""Database tables (SQLAlchemy Core). Rows stay inside core's store; callers get values.

Each table has a row class (`TicketRow`, …) for statements and types: `TicketRow.id` is the
column in SQL (`select(TicketRow).where(TicketRow.id == 3)`), and to mypy a row read by the
store (`Tx.get`, `Tx.rows`) has `t.id: int`. No ORM: its import and mapping cost every
command a tenth of a second at start-up, and the queue's hot path never used its sessions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar, Generic, TypeVar, overload

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

#: 64-bit ids on PostgreSQL; SQLite needs INTEGER PRIMARY KEY for its rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


T = TypeVar("T")
metadata = MetaData()


class Col(Generic[T]):
    """A column of a row class: the table's `Column` on the class, a `T` on a row (typing)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type[Base]) -> Column[T]: ...
    @overload
    def __get__(self, obj: object, owner: type[Base]) -> T: ...
    def __get__(self, obj: object | None, owner: type[Base]) -> Column[T] | T:
        if obj is None:
            return owner.__table__.c[self.name]
        raise AttributeError(f"{self.name}: rows come from the store, not from {owner.__name__}")

    def __set__(self, obj: object, value: T) -> None:  # a Record's attribute (kiosk.core.store)
        raise AttributeError(f"{self.name}: change a Record, not a row class")


class Base:
    """A table's row class: select(Row), insert(Row) and Row.column work as on the table."""

    metadata: ClassVar[MetaData] = metadata
    __table__: ClassVar[Table]

    @classmethod
    def __clause_element__(cls) -> Table:
        return cls.__table__


class TicketRow(Base):
    __table__ = Table(
        "tickets",
        metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("site", String(40), nullable=False),
        Column("business_day", Date, nullable=False),
        Column("field", String(30), nullable=False),
        Column("number", Integer, nullable=False),
        Column("code", String(12), nullable=False),
        Column("priority", Boolean, nullable=False, default=False),
        Column("state", String(16), nullable=False),
        Column("queue_field", String(30), nullable=False),
        Column("target_counter", Integer, nullable=True),
        Column("counter", Integer, nullable=True),
        Column("issued_at", UTCDateTime, nullable=False),
        Column("sort_at", UTCDateTime, nullable=False),
        Column("called_at", UTCDateTime, nullable=True),
        Column("last_called_at", UTCDateTime, nullable=True),
        Column("serving_at", UTCDateTime, nullable=True),
        Column("completed_at", UTCDateTime, nullable=True),
        Column("recalls", Integer, nullable=False, default=0),
        Column("transfers", Integer, nullable=False, default=0),
        Column("dossiers", Integer, nullable=False, default=0),
        #: Random address of the ticket's web page (migration 0004); never derived from the number.
        Column("page_token", String(32), nullable=True),
        #: The catalogue procedure it was taken for (migration 0006): its code, else its name.
        Column("procedure", String(120), nullable=True),
        #: The citizen's rating of the service (migration 0008; kiosk.core.ratings).
        Column("rating", String(20), nullable=True),
        Column("rating_reasons", JSON, nullable=True),
        Column("rating_channel", String(20), nullable=True),
        Column("rated_at", UTCDateTime, nullable=True),
        #: The officer who served it (migration 0009): the caller, then whoever completed it.
        Column("officer", String(40), nullable=True),
        UniqueConstraint("site", "business_day", "field", "number", name="uq_ticket_number"),
        Index("ix_tickets_queue", "site", "business_day", "state", "queue_field"),
        Index("ix_tickets_open", "site", "state", "business_day"),
        Index("ix_tickets_done", "site", "queue_field", "completed_at"),
        Index("ix_tickets_page_token", "page_token", unique=True),
        # A counter's first waiting ticket of a class, in place order (migration 0007).
        Index("ix_tickets_next", "site", "state", "priority", "sort_at", "id"),
    )
    id: Col[int] = Col()
    site: Col[str] = Col()
    business_day: Col[date] = Col()
    field: Col[str] = Col()
    number: Col[int] = Col()
    code: Col[str] = Col()
    priority: Col[bool] = Col()
    state: Col[str] = Col()
    queue_field: Col[str] = Col()
    target_counter: Col[int | None] = Col()
    counter: Col[int | None] = Col()
    issued_at: Col[datetime] = Col()
    sort_at: Col[datetime] = Col()
    called_at: Col[datetime | None] = Col()
    last_called_at: Col[datetime | None] = Col()
    serving_at: Col[datetime | None] = Col()
    completed_at: Col[datetime | None] = Col()
    recalls: Col[int] = Col()
    transfers: Col[int] = Col()
    dossiers: Col[int] = Col()
    page_token: Col[str | None] = Col()
    procedure: Col[str | None] = Col()
    rating: Col[str | None] = Col()
    rating_reasons: Col[list[str] | None] = Col()
    rating_channel: Col[str | None] = Col()
    rated_at: Col[datetime | None] = Col()
    officer: Col[str | None] = Col()


class EventRow(Base):
    __table__ = Table(
        "queue_events",
        metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("at", UTCDateTime, nullable=False),
        Column("business_day", Date, nullable=False),
        Column("kind", String(24), nullable=False),
        Column("ticket_id", ForeignKey("tickets.id"), nullable=True),
        Column("counter", Integer, nullable=True),
        Column("field", String(30), nullable=True),
        Column("actor", String(60), nullable=False),
        Column("site", String(40), nullable=False),
        Column("data", JSON, nullable=False, default=dict),
        #: The officer signed in at the event's counter when it was written (migration 0009).
        Column("officer", String(40), nullable=True),
        Index("ix_events_day", "site", "business_day"),
        Index("ix_events_ticket", "ticket_id"),
        Index("ix_events_site_id", "site", "id"),  # the last events (migration 0007)
    )
    id: Col[int] = Col()
    at: Col[datetime] = Col()
    business_day: Col[date] = Col()
    kind: Col[str] = Col()
    ticket_id: Col[int | None] = Col()
    counter: Col[int | None] = Col()
    field: Col[str | None] = Col()
    actor: Col[str] = Col()
    site: Col[str] = Col()
    data: Col[dict[str, Any]] = Col()
    officer: Col[str | None] = Col()


class SequenceRow(Base):
    """Last ticket number given per (site, day, field): incremented inside the issuing write."""

    __table__ = Table(
        "ticket_sequences",
        metadata,
        Column("site", String(40), primary_key=True),
        Column("business_day", Date, primary_key=True),
        Column("field", String(30), primary_key=True),
        Column("last_number", Integer, nullable=False, default=0),
    )
    site: Col[str] = Col()
    business_day: Col[date] = Col()
    field: Col[str] = Col()
    last_number: Col[int] = Col()


class CounterRow(Base):
    __table__ = Table(
        "counters",
        metadata,
        Column("site", String(40), primary_key=True),
        Column("number", Integer, primary_key=True),
        Column("state", String(12), nullable=False, default="closed"),
        Column("reason", String(200), nullable=False, default=""),
        Column("ticket_id", ForeignKey("tickets.id"), nullable=True),
        Column("priority_streak", Integer, nullable=False, default=0),
        Column("updated_at", UTCDateTime, nullable=True),
        #: The officer signed in at the counter now (migration 0009; kiosk.core.officers).
        Column("officer", String(40), nullable=True),
    )
    site: Col[str] = Col()
    number: Col[int] = Col()
    state: Col[str] = Col()
    reason: Col[str] = Col()
    ticket_id: Col[int | None] = Col()
    priority_streak: Col[int] = Col()
    updated_at: Col[datetime | None] = Col()
    officer: Col[str | None] = Col()


class FieldDayRow(Base):
    """An admin's decision to close (or force open) a field for one business day."""

    __table__ = Table(
        "field_days",
        metadata,
        Column("site", String(40), primary_key=True),
        Column("business_day", Date, primary_key=True),
        Column("field", String(30), primary_key=True),
        Column("is_open", Boolean, nullable=False),
        Column("reason", String(200), nullable=False, default=""),
    )
    site: Col[str] = Col()
    business_day: Col[date] = Col()
    field: Col[str] = Col()
    is_open: Col[bool] = Col()
    reason: Col[str] = Col()


class PinLockoutRow(Base):
    """Wrong PINs or passwords in a row for one scope, and until when it is locked."""

    __table__ = Table(
        "pin_lockouts",
        metadata,
        Column("site", String(40), primary_key=True),
        Column("scope", String(40), primary_key=True),
        Column("failures", Integer, nullable=False, default=0),
        Column("locked_until", UTCDateTime, nullable=True),
        Column("updated_at", UTCDateTime, nullable=True),
    )
    site: Col[str] = Col()
    scope: Col[str] = Col()
    failures: Col[int] = Col()
    locked_until: Col[datetime | None] = Col()
    updated_at: Col[datetime | None] = Col()
