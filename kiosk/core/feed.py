"""The change feed: "give me events after id N, and wake me when there are more".

Screens are driven only by the feed, so after a restart, a missed wake-up or a clock change
they converge on the log: `Follower.poll` always re-reads the log after waiting, whether or
not a wake-up arrived.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from kiosk.core.database import explain_db_error, parse_db_url, pg_dbapi_params
from kiosk.core.model import Event
from kiosk.core.reader import QueueReader
from kiosk.core.schema import EventRow
from kiosk.core.store import Store

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

#: The channel migration 0002 notifies on every new event (payload: the event's site).
NOTIFY_CHANNEL = "kiosk_events"


class ChangeFeed(Protocol):
    def wait(self, timeout: float) -> bool:
        """Block until the database may have changed (True) or `timeout` seconds pass."""
        ...

    def close(self) -> None: ...


def _poll_for_change(
    read: Callable[[], int], seen: int, timeout: float, interval: float
) -> tuple[bool, int]:
    """Call `read` every `interval` s until it differs from `seen` or `timeout` s pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if value != seen:
            return True, value
        left = deadline - time.monotonic()
        if left <= 0:
            return False, seen
        time.sleep(min(interval, left))


class SqliteFeed:
    """Polls `PRAGMA data_version` on a dedicated autocommit connection (cheap, no lock)."""

    def __init__(self, store: Store, interval: float = 0.02) -> None:
        path = make_url(store.url).database
        assert path, "SQLite feed needs a file database"
        self._interval = interval
        self._lock = threading.Lock()
        try:
            # mode=rw: a vanished database must be reported, never silently re-created empty.
            uri = f"file:{quote(str(Path(path).expanduser().resolve()))}?mode=rw"
            self._conn = sqlite3.connect(
                uri, uri=True, isolation_level=None, check_same_thread=False
            )
            self._version = self._read()
        except sqlite3.Error as exc:
            raise explain_db_error(exc, store.url) from exc

    def _read(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> bool:
        try:
            changed, self._version = _poll_for_change(
                self._read, self._version, timeout, self._interval
            )
        except sqlite3.Error as exc:
            log.warning("change feed cannot read the database: %s", exc)
            time.sleep(min(0.5, timeout))
            return True
        return changed

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class PollingFeed:
    """Backend-neutral fallback: compares the newest event id at a fixed interval."""

    def __init__(self, store: Store, site: str, interval: float = 0.25) -> None:
        self._store = store
        self._site = site
        self._interval = interval
        self._last = self._max_id()

    def _max_id(self) -> int:
        with self._store.read() as s:
            return int(
                s.scalar(select(func.max(EventRow.id)).where(EventRow.site == self._site)) or 0
            )

    def wait(self, timeout: float) -> bool:
        changed, self._last = _poll_for_change(self._max_id, self._last, timeout, self._interval)
        return changed

    def close(self) -> None:
        pass


class PostgresFeed:
    """LISTENs for the NOTIFY of migration 0002, with a polling fallback and reconnects.

    The LISTEN connection is a dedicated autocommit psycopg connection outside the pool (a
    pooled one would be handed to other work and lose its LISTEN). If no notification came
    for `fallback_interval` seconds it compares the newest event id, so a lost trigger or a
    proxy that drops notifications costs at most that much delay. When the connection
    breaks, `wait` reports a change (callers re-read and see whether the database is
    back), then tries to reconnect every `retry_interval` seconds and LISTENs again;
    after a reconnect it reports a change once, since events may have come meanwhile.
    """

    def __init__(
        self,
        store: Store,
        site: str,
        *,
        fallback_interval: float = 1.0,
        retry_interval: float = 1.0,
    ) -> None:
        import psycopg  # only PostgreSQL points pay for importing the driver

        self._psycopg = psycopg
        self._params = pg_dbapi_params(parse_db_url(store.url))
        self._site = site
        self._fallback = fallback_interval
        self._retry = retry_interval
        self._conn: psycopg.Connection[Any] | None = None
        self._last_id = 0
        self._next_check = 0.0
        self._next_retry = 0.0
        self._closed = False
        self._failing = False
        #: Wake-ups by NOTIFY, by the polling fallback, and successful reconnects.
        self.notified = 0
        self.polled = 0
        self.reconnects = -1  # the first connection is not a reconnect
        self._connect()

    def _connect(self) -> bool:
        self._next_retry = time.monotonic() + self._retry
        try:
            conn = self._psycopg.connect(**self._params, autocommit=True)
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self._conn = conn
            self._last_id = self._max_id()
        except self._psycopg.Error as exc:
            self._drop()
            # One warning per outage; the retries every second only at debug level.
            report = log.debug if self._failing else log.warning
            report("change feed cannot connect to the database: %s", _first_line(exc))
            self._failing = True
            return False
        self._failing = False
        self.reconnects += 1
        self._next_check = time.monotonic() + self._fallback
        if self.reconnects:
            log.info("change feed reconnected and listens again")
        return True

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def _max_id(self) -> int:
        assert self._conn is not None
        row = self._conn.execute(
            "SELECT max(id) FROM queue_events WHERE site = %s", (self._site,)
        ).fetchone()
        return int(row[0] or 0) if row else 0

    def _notified(self, timeout: float) -> bool:
        assert self._conn is not None
        for note in self._conn.notifies(timeout=timeout):
            if note.payload in (self._site, ""):
                return True
        return False

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            if self._closed:
                time.sleep(min(0.5, max(0.0, deadline - now)))
                return True
            if self._conn is None:
                if now >= self._next_retry and self._connect():
                    return True  # anything may have happened while we were away
                if now >= deadline:
                    return False
                time.sleep(max(0.0, min(deadline, self._next_retry) - now))
                continue
            try:
                if now >= self._next_check:
                    self._next_check = now + self._fallback
                    newest = self._max_id()
                    if newest != self._last_id:
                        self._last_id = newest
                        self.polled += 1
                        return True
                if now >= deadline:
                    return False
                if self._notified(max(0.0, min(deadline, self._next_check) - now)):
                    self.notified += 1
                    self._next_check = time.monotonic() + self._fallback
                    return True
            except self._psycopg.Error as exc:
                if self._closed:
                    return True
                log.warning("change feed lost the database: %s", _first_line(exc))
                self._drop()
                return True

    def close(self) -> None:
        self._closed = True
        self._drop()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def open_feed(store: Store, site: str) -> ChangeFeed:
    """The best feed for the store's backend."""
    if store.dialect == "sqlite":
        return SqliteFeed(store)
    if store.dialect == "postgresql":
        return PostgresFeed(store, site)
    return PollingFeed(store, site)


class Follower:
    """Keeps a position in the log and hands out the events after it."""

    def __init__(self, service: QueueReader, feed: ChangeFeed, after_id: int = 0) -> None:
        self.service = service
        self.feed = feed
        self.position = after_id

    def poll(self, timeout: float) -> list[Event]:
        """Wait up to `timeout` for a change, then return every event after the position."""
        self.feed.wait(timeout)
        events = self.service.events_after(self.position)
        if events:
            self.position = events[-1].id
        return events
