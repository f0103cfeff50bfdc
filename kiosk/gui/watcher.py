"""Drive a screen from the change feed: a worker thread waits on the feed, Qt signals deliver.

The watcher emits `changed(events)` whenever new events exist (and at least every
`heartbeat` seconds with an empty list, so clocks and "closed now" states stay fresh), and
`unavailable(error)` / `available()` when the database goes away and comes back.
"""

from __future__ import annotations

import logging
import threading

import shiboken6
from PySide6.QtCore import QObject, Signal

from kiosk.core.errors import KioskError
from kiosk.core.feed import Follower, open_feed
from kiosk.core.reader import QueueReader

log = logging.getLogger(__name__)


class FeedWatcher(QObject):
    changed = Signal(object)  # list[Event], possibly empty on a heartbeat
    unavailable = Signal(object)  # KioskError
    available = Signal()

    def __init__(
        self,
        service: QueueReader,
        *,
        after_id: int | None = None,
        heartbeat: float = 5.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._after_id = after_id
        self._heartbeat = heartbeat
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="kiosk-feed", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    @property
    def running(self) -> bool:
        """True until the worker thread has ended (within `heartbeat` seconds of `stop`)."""
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        follower: Follower | None = None
        down = False
        while not self._stop.is_set():
            try:
                if follower is None:
                    feed = open_feed(self._service.store, self._service.site)
                    start = (
                        self._after_id
                        if self._after_id is not None
                        else self._service.last_event_id()
                    )
                    follower = Follower(self._service, feed, after_id=start)
                    self.changed.emit([])  # (re)connected: the screen re-reads its state
                events = follower.poll(self._heartbeat)
                if down:
                    down = False
                    self.available.emit()
                self._after_id = follower.position
                if not self._stop.is_set():
                    self.changed.emit(events)
            except KioskError as exc:
                if self._stop.is_set():
                    break
                if not down:
                    log.warning("database unavailable: %s", exc.message_en)
                    down = True
                    self.unavailable.emit(exc)
                if follower is not None:
                    follower.feed.close()
                follower = None
                self._stop.wait(1.0)
            except Exception:
                # The screen went away while we were waiting (stopped, or deleted unstopped).
                if self._stop.is_set() or not shiboken6.isValid(self):
                    break
                log.exception("change feed failed; retrying")
                follower = None
                self._stop.wait(1.0)
        if follower is not None:
            follower.feed.close()
