"""The change feed: "give me events after id N, and wake me when there are more".

Screens are driven only by the feed, so after a restart, a missed wake-up or a clock change
they converge on the log: `Follower.poll` always re-reads the log after waiting, whether or
not a wake-up arrived.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from kiosk.core.model import Event
from kiosk.core.queue import QueueService
from kiosk.core.schema import EventRow
from kiosk.core.store import Store

log = logging.getLogger(__name__)


class ChangeFeed(Protocol):
    def wait(self, timeout: float) -> bool:
        """Block until the database may have changed (True) or `timeout` seconds pass."""
        ...

    def close(self) -> None: ...


class SqliteFeed:
    """Polls `PRAGMA data_version` on a dedicated autocommit connection (cheap, no lock)."""

    def __init__(self, store: Store, interval: float = 0.02) -> None:
        path = make_url(store.url).database
        assert path, "SQLite feed needs a file database"
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._interval = interval
        self._lock = threading.Lock()
        self._version = self._read()

    def _read(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            try:
                version = self._read()
            except sqlite3.Error as exc:
                log.warning("change feed cannot read the database: %s", exc)
                time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
                return True
            if version != self._version:
                self._version = version
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(self._interval, left))

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
        deadline = time.monotonic() + timeout
        while True:
            newest = self._max_id()
            if newest != self._last:
                self._last = newest
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(self._interval, left))

    def close(self) -> None:
        pass


def open_feed(store: Store, site: str) -> ChangeFeed:
    """The best feed for the store's backend."""
    if store.dialect == "sqlite":
        return SqliteFeed(store)
    return PollingFeed(store, site)


class Follower:
    """Keeps a position in the log and hands out the events after it."""

    def __init__(self, service: QueueService, feed: ChangeFeed, after_id: int = 0) -> None:
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
