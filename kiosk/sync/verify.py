"""`kiosk sync --verify`: per-day event counts and checksums of the point and the centre.

A day's checksum is the md5 of its events' `id:kind:microseconds since 1970 (UTC)` lines in
id order, joined by newlines. The centre computes it in PostgreSQL (`kiosk_site_days()`);
the point computes the same text here from its own rows, whichever its backend, reading in
short transactions. Only events up to the centre's mark are compared (the rest is backlog).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import select

from kiosk.core.schema import EventRow
from kiosk.core.store import Store

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
#: Events read per point transaction while verifying.
READ_CHUNK = 50_000


@dataclass(frozen=True)
class DaySum:
    day: date
    events: int
    checksum: str


@dataclass(frozen=True)
class Verification:
    mark: int
    days: int  # days compared
    first_difference: date | None
    point: DaySum | None  # the point's figures of that day (None: the centre has it alone)
    centre: DaySum | None


def event_line(event_id: int, kind: str, at: datetime) -> str:
    return f"{event_id}:{kind}:{(at - _EPOCH) // _MICRO}"


def point_days(store: Store, site: str, upto: int) -> dict[date, DaySum]:
    """The point's per-day counts and checksums of its events up to id `upto`."""
    counts: dict[date, int] = {}
    hashes: dict[date, Any] = {}
    for day, line in _point_lines(store, site, upto):
        if day not in hashes:
            hashes[day] = hashlib.md5(line.encode(), usedforsecurity=False)
            counts[day] = 1
        else:
            hashes[day].update(b"\n" + line.encode())
            counts[day] += 1
    return {d: DaySum(d, counts[d], hashes[d].hexdigest()) for d in sorted(hashes)}


def _point_lines(store: Store, site: str, upto: int) -> Iterator[tuple[date, str]]:
    after = 0
    cols = (EventRow.id, EventRow.kind, EventRow.at, EventRow.business_day)
    while True:
        stmt = (
            select(*cols)
            .where(EventRow.site == site, EventRow.id > after, EventRow.id <= upto)
            .order_by(EventRow.id)
            .limit(READ_CHUNK)
        )
        with store.read() as tx:
            rows = tx.conn.execute(stmt).all()
        if not rows:
            return
        for event_id, kind, at, day in rows:
            yield day, event_line(event_id, kind, at)
        after = rows[-1][0]


def centre_days(conn: psycopg.Connection[Any]) -> dict[date, DaySum]:
    """The centre's per-day counts and checksums of the connection's own site."""
    rows = conn.execute("SELECT business_day, events, checksum FROM kiosk_site_days()").fetchall()
    return {r[0]: DaySum(r[0], int(r[1]), str(r[2])) for r in rows}


def compare(point: dict[date, DaySum], centre: dict[date, DaySum], mark: int) -> Verification:
    """The first day (in date order) whose count or checksum differs, if any."""
    days = sorted(set(point) | set(centre))
    for day in days:
        if point.get(day) != centre.get(day):
            return Verification(mark, len(days), day, point.get(day), centre.get(day))
    return Verification(mark, len(days), None, None, None)
