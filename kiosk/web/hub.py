"""One reader of the change feed for the whole server; every open page waits on it.

The feed (kiosk.core.feed) blocks, so it runs in one thread that only wakes the event loop.
The loop then reads the database once per change, in a worker thread: the snapshot (board,
status, dashboard) and the views of every ticket page that is open or was opened lately,
all in one `ticket_views` call. Each page's stream waits on one shared `asyncio.Event` and
renders from the published `LiveState`, so 2,000 phones cost one read per change, never one
query per phone, and a stream holds nothing but its last message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from kiosk.core.errors import DatabaseUnavailable, KioskError
from kiosk.core.feed import ChangeFeed
from kiosk.core.model import Snapshot, TicketView
from kiosk.core.reader import QueueReader

log = logging.getLogger(__name__)

#: A ticket page opened (or refreshed without JavaScript) stays in the batch read this long.
RECENT_SECONDS = 120.0
#: At most this many recently opened pages are kept in the batch (oldest dropped first).
MAX_RECENT = 50_000


@dataclass(frozen=True)
class LiveState:
    """What the pages show, as of one read of the database."""

    version: int
    available: bool
    snapshot: Snapshot | None
    views: dict[str, TicketView] = field(default_factory=dict)
    summary: Any = None
    read_at: float = 0.0
    #: Every page that asked before this read began (`LiveHub.view`) is in `views` if known.
    covers: int = 0


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


S = TypeVar("S", bound=Versioned)


class Publisher(Generic[S]):
    """Hands numbered states to every waiting page: each stream waits on one shared event."""

    def __init__(self, state: S) -> None:
        self.state = state
        self._changed = asyncio.Event()

    @property
    def stopped(self) -> bool:
        raise NotImplementedError

    def publish(self, state: S) -> None:
        """Hand `state` to every waiting page (also how the screenshots show an outage)."""
        self.state = state
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def next_state(self, version: int, timeout: float) -> S:
        """The first state newer than `version` (TimeoutError after `timeout` seconds)."""
        while self.state.version <= version:
            if self.stopped:
                return self.state
            await asyncio.wait_for(self._changed.wait(), timeout)
        return self.state


class LiveHub(Publisher[LiveState]):
    """Publishes a new `LiveState` after every change of the database (and every few seconds)."""

    def __init__(
        self,
        service: QueueReader,
        open_feed: Callable[[], ChangeFeed],
        *,
        summarize: Callable[[Snapshot], Any] | None = None,
        refresh_seconds: float = 15.0,
        retry_seconds: float = 1.0,
    ) -> None:
        self.service = service
        self._open_feed = open_feed
        self._summarize = summarize
        self._refresh = refresh_seconds
        self._retry = retry_seconds
        super().__init__(LiveState(0, True, None))
        self._dirty = asyncio.Event()
        self._watched: dict[str, int] = {}
        self._recent: OrderedDict[str, float] = OrderedDict()
        self.summary_watchers = 0
        self._asked = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Database reads made (for tests and the benchmark: one per change, not per page).
        self.reads = 0

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._follow, name="change feed", daemon=True)
        self._thread.start()
        self._task = asyncio.create_task(self._refresher(), name="live hub")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.publish(self.state)  # wake every stream so it can end
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, 3.0)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def _follow(self) -> None:
        """The feed thread: block on the feed, wake the loop on every change."""
        feed: ChangeFeed | None = None
        while not self._stop.is_set():
            if feed is None:
                try:
                    feed = self._open_feed()
                except KioskError as exc:
                    log.debug("change feed not available yet: %s", exc.message_en)
                    self._stop.wait(self._retry)
                    continue
                self._wake()  # anything may have changed while there was no feed
            try:
                changed = feed.wait(1.0)
            except Exception:  # a driver error outside the feed's own handling: reopen
                log.exception("change feed failed; reopening it")
                feed.close()
                feed = None
                continue
            if changed:
                self._wake()
        if feed is not None:
            feed.close()

    def request_refresh(self) -> None:
        """Read the database again soon (from the event loop's thread)."""
        self._dirty.set()

    def _wake(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._dirty.set)

    # ------------------------------------------------------------------ reading

    async def _refresher(self) -> None:
        while True:
            wait = self._refresh if self.state.available else self._retry
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._dirty.wait(), timeout=wait)
            self._dirty.clear()
            await self.refresh()

    async def refresh(self) -> LiveState:
        """Read the database now and publish the result to every waiting page."""
        covers = self._asked
        tokens = self._tokens()
        summarize = self._summarize if self.summary_watchers else None
        old = self.state
        try:
            snapshot, views, summary = await asyncio.to_thread(self._read, tokens, summarize)
        except KioskError as exc:
            if old.available:
                log.warning("database unavailable: %s", exc.message_en)
            state = replace(old, version=old.version + 1, available=False)
        else:
            if not old.available:
                log.warning("database available again")
            state = LiveState(
                old.version + 1, True, snapshot, views, summary, time.monotonic(), covers
            )
        self.publish(state)
        return state

    def _read(
        self, tokens: list[str], summarize: Callable[[Snapshot], Any] | None
    ) -> tuple[Snapshot, dict[str, TicketView], Any]:
        self.reads += 1
        snapshot = self.service.snapshot()
        views = self.service.ticket_views(tokens)
        return snapshot, views, summarize(snapshot) if summarize else None

    # ------------------------------------------------------------------ pages

    def _tokens(self) -> list[str]:
        now = time.monotonic()
        while self._recent:
            _token, seen = next(iter(self._recent.items()))
            if now - seen < RECENT_SECONDS and len(self._recent) <= MAX_RECENT:
                break
            self._recent.popitem(last=False)
        return list(dict.fromkeys([*self._watched, *self._recent]))

    def touch(self, token: str) -> None:
        """A page was just opened: keep its ticket in the batch read for a while."""
        self._recent[token] = time.monotonic()
        self._recent.move_to_end(token)

    def watch(self, token: str) -> None:
        """A live page opened its event stream (kept in every read until `unwatch`)."""
        self._watched[token] = self._watched.get(token, 0) + 1

    def unwatch(self, token: str) -> None:
        left = self._watched.get(token, 0) - 1
        if left > 0:
            self._watched[token] = left
        else:
            self._watched.pop(token, None)
            self.touch(token)

    async def view(self, token: str, timeout: float = 10.0) -> TicketView | None:
        """The page's ticket from the last read, or from the next one (None: no such ticket).

        Pages opened at the same moment share that next read. Raises DatabaseUnavailable when
        the database is away and the ticket is not in the last read.
        """
        self.touch(token)
        known = self.state.views.get(token)
        if known is not None:
            return known
        self._asked += 1
        asked = self._asked
        self.request_refresh()
        state = self.state
        while True:
            try:
                state = await self.next_state(state.version, timeout)
            except TimeoutError:
                raise DatabaseUnavailable() from None
            if not state.available:
                raise DatabaseUnavailable()
            if state.covers >= asked or self.stopped:
                return state.views.get(token)

    def now(self) -> datetime:
        return self.service.clock.now()
