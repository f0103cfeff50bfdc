"""Ship a point's events to the centre in batches, each in one central transaction.

Exactly once, whatever is killed when: the centre's high-water mark is the only record of
what was shipped. A run reads it first and reads the point's events above it, in id order;
each batch's transaction locks the site's `high_water` row (FOR UPDATE), inserts only the
events above the mark it finds there and moves the mark to the batch's last id, then
commits. A batch whose commit the point never heard of is found below the mark by the next
run and skipped; two sync processes of one point queue on the row lock. The point's event
ids follow commit order (kiosk.core.store), so "above the mark" never misses a late event.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy import String, Text, cast, func, select

from kiosk.central.centre import connect
from kiosk.core.config import Config
from kiosk.core.errors import DatabaseError
from kiosk.core.schema import EventRow, TicketRow
from kiosk.core.store import Store

log = logging.getLogger(__name__)

#: The centre's columns of a shipped event, in the order a point's row is read (`id` is
#: `event_id` there). Times and days travel as UTC text and JSON as text: typed reading
#: (aware datetimes, decoded JSON) cost four times as much as everything else together.
_CENTRAL_COLUMNS = (
    "event_id", "at", "business_day", "kind", "ticket_id", "counter", "field", "actor", "data",
    "officer", "ticket_code",
)  # fmt: skip
#: One event as read from the point, in `_CENTRAL_COLUMNS` order: (id, "YYYY-MM-DD
#: HH:MM:SS.ffffff" in UTC, "YYYY-MM-DD", kind, ticket, counter, field, actor, JSON, officer,
#: the ticket's code).
Event = tuple[Any, ...]


def _event_columns(dialect: str) -> list[Any]:
    c = EventRow.__table__.c
    at: Any = (
        func.to_char(func.timezone("UTC", c.at), "YYYY-MM-DD HH24:MI:SS.US")
        if dialect == "postgresql"
        else cast(c.at, String)  # SQLite keeps UTC as naive text already
    )
    return [
        c.id, at, cast(c.business_day, String), c.kind, c.ticket_id, c.counter, c.field,
        c.actor, cast(c.data, Text), c.officer, TicketRow.__table__.c.code,
    ]  # fmt: skip


_BATCH_TABLE = """
CREATE TEMP TABLE kiosk_batch (
    event_id bigint, at timestamp, business_day date, kind varchar(24), ticket_id bigint,
    counter integer, field varchar(30), actor varchar(60), data jsonb, officer varchar(40),
    ticket_code varchar(16)
) ON COMMIT DROP
"""
_INSERT = f"""
INSERT INTO central_events (site, {", ".join(_CENTRAL_COLUMNS)})
SELECT %s, {", ".join(c if c != "at" else "at AT TIME ZONE 'UTC'" for c in _CENTRAL_COLUMNS)}
FROM kiosk_batch WHERE event_id > %s ORDER BY event_id
"""


class SyncConflict(DatabaseError):
    """The centre's mark went below what this run read (lowered by hand): run again."""

    exit_code = 1


@dataclass(frozen=True)
class Shipped:
    """What one run shipped."""

    site: str
    before: int  # the centre's mark when the run started
    after: int  # the mark now
    events: int  # events inserted by this run
    batches: int
    metadata_version: int | None  # the site's metadata version when this run changed it


def site_metadata(config: Config) -> dict[str, Any]:
    """The point's site, opening hours, fields, counters and wait target as the centre keeps
    them (no PIN hashes), as plain JSON: periods as their config text ("07:30-11:30"), so
    the centre reads them back with the same config classes."""
    metadata = {
        "site": config.site.model_dump(),
        "hours": config.hours.model_dump(),
        "fields": [f.model_dump() for f in config.fields],
        "counters": [c.model_dump() for c in config.counters],
        "wait_target_minutes": config.reports.wait_target_minutes,
    }
    plain: dict[str, Any] = json.loads(json.dumps(metadata, ensure_ascii=False, default=str))
    return plain


def metadata_hash(metadata: dict[str, Any]) -> str:
    text = json.dumps(metadata, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def central_mark(conn: psycopg.Connection[Any], site: str) -> int:
    """The centre's high-water mark of `site` (0 before the first event), checking that the
    connection's role belongs to that site."""
    row = conn.execute(
        "SELECT h.last_event_id, s.id FROM sites s JOIN high_water h ON h.site = s.id "
        "WHERE s.role = current_user"
    ).fetchone()
    if row is None:
        raise DatabaseError(
            "Trung tâm không có điểm nào ứng với người dùng này",
            "The centre knows no site for this [sync] central_url's user: use the URL "
            "`kiosk central add-site ID` printed for this point.",
        )
    mark, centre_site = int(row[0]), str(row[1])
    if centre_site != site:
        raise DatabaseError(
            f"central_url thuộc điểm {centre_site}, không phải điểm {site}",
            f"[sync] central_url belongs to site {centre_site!r} at the centre, but this point "
            f"is {site!r} ([site] id): use the URL printed by `kiosk central add-site {site}`.",
        )
    return mark


def point_events(store: Store, site: str, after: int, limit: int) -> list[Event]:
    """Up to `limit` of the point's events after id `after`, in id order, in one short read
    transaction."""
    stmt = (
        select(*_event_columns(store.dialect))
        .select_from(EventRow)
        .outerjoin(TicketRow, TicketRow.id == EventRow.ticket_id)
        .where(EventRow.site == site, EventRow.id > after)
        .order_by(EventRow.id)
        .limit(limit)
    )
    with store.read() as tx:
        return [tuple(r) for r in tx.conn.execute(stmt).all()]


def point_last_event(store: Store, site: str) -> int:
    with store.read() as tx:
        return int(tx.conn.scalar(select(func.max(EventRow.id)).where(EventRow.site == site)) or 0)


def point_backlog(store: Store, site: str, after: int) -> int:
    """How many of the point's events lie above `after`."""
    stmt = select(func.count()).where(EventRow.site == site, EventRow.id > after)
    with store.read() as tx:
        return int(tx.conn.scalar(stmt) or 0)


def _months(events: Sequence[Event]) -> list[date]:
    return [date(int(m[:4]), int(m[5:7]), 1) for m in sorted({e[1][:7] for e in events})]


def ensure_partitions(conn: psycopg.Connection[Any], months: Sequence[date]) -> None:
    """Create the month partitions a batch needs, each in its own short transaction, before
    the batch's: a new partition locks the events table, which must not wait inside a batch."""
    for month in months:
        conn.execute("SELECT kiosk_ensure_month(%s)", (month,))  # autocommit: its own


def ship_batch(
    conn: psycopg.Connection[Any],
    site: str,
    events: Sequence[Event],
    *,
    after: int,
    metadata: dict[str, Any] | None = None,
) -> tuple[int, int, int | None]:
    """Insert `events` (read as those after id `after`) in ONE central transaction that moves
    the mark; returns (events inserted, mark now, new metadata version or None)."""
    ensure_partitions(conn, _months(events))
    with conn.transaction():
        row = conn.execute(
            "SELECT last_event_id FROM high_water WHERE site = %s FOR UPDATE", (site,)
        ).fetchone()
        if row is None:
            raise DatabaseError(
                f"Trung tâm không có điểm {site}", f"The centre has no site {site!r}"
            )
        mark = int(row[0])
        if mark < after:
            raise SyncConflict(
                "Mốc đã gửi ở trung tâm bị lùi lại; hãy chạy lại",
                f"The centre's high-water mark of {site!r} went back to {mark} (this run read "
                f"{after}); run kiosk sync again.",
            )
        fresh = [e for e in events if e[0] > mark]
        inserted = 0
        if fresh:
            conn.execute(_BATCH_TABLE)
            with conn.cursor().copy(
                f"COPY kiosk_batch ({', '.join(_CENTRAL_COLUMNS)}) FROM STDIN"
            ) as copy:
                for e in fresh:
                    copy.write_row(e)
            inserted = conn.execute(_INSERT, (site, mark)).rowcount
            last = fresh[-1][0]
            conn.execute(
                "UPDATE high_water SET last_event_id = %s, updated_at = now() WHERE site = %s",
                (last, site),
            )
            mark = last
        version = _update_metadata(conn, site, metadata) if metadata is not None else None
    return inserted, mark, version


def _update_metadata(
    conn: psycopg.Connection[Any], site: str, metadata: dict[str, Any]
) -> int | None:
    """Store the point's config at the centre when it changed: its version goes up by one."""
    digest = metadata_hash(metadata)
    row = conn.execute(
        "UPDATE sites SET metadata = %s, metadata_hash = %s, version = version + 1, "
        "metadata_at = now() WHERE id = %s AND metadata_hash <> %s RETURNING version",
        (Jsonb(metadata), digest, site, digest),
    ).fetchone()
    return int(row[0]) if row else None


def ship(
    store: Store,
    config: Config,
    central_url: str,
    *,
    batch: int | None = None,
    on_batch: Callable[[int, int], None] | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> Shipped:
    """Ship every event above the centre's mark, batch after batch, until caught up (or
    `stop()` says so between batches). `on_batch(events, mark)` after each commit."""
    site = config.site.id
    size = batch or config.sync.batch_events
    metadata: dict[str, Any] | None = site_metadata(config)
    with connect(central_url) as conn:
        before = mark = central_mark(conn, site)
        total = batches = 0
        version: int | None = None
        # Each batch is read above the mark the last one left, which may be past what it
        # read when another sync of this point shipped meanwhile (never before it).
        while events := point_events(store, site, mark, size):
            inserted, mark, changed = ship_batch(conn, site, events, after=mark, metadata=metadata)
            metadata = None  # checked once per run, in the first batch's transaction
            version = changed if changed is not None else version
            total += inserted
            batches += 1
            if on_batch:
                on_batch(inserted, mark)
            if stop():
                break
        if metadata is not None:  # nothing new to ship: the config may still have changed
            version = ship_batch(conn, site, [], after=mark, metadata=metadata)[2]
        # The heartbeat: this point reached the centre now, with events or without (the
        # city page tells a point without citizens from one that went away).
        conn.execute("UPDATE high_water SET seen_at = now() WHERE site = %s", (site,))
    return Shipped(site, before, mark, total, batches, version)
