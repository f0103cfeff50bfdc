"""The queue of spoken calls: build each WAV off the GUI thread, play them one after another.

Calls and recalls arrive from the change feed as events. Each is built by
`kiosk.audio.announce_call` in a worker (several may be built ahead), then handed to the
`AudioSink` strictly one at a time, in the order the calls were made: two announcements
never overlap, and a recall is announced again like a new call.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from PySide6.QtCore import QObject, Signal

from display.sound import Announcement, AudioSink
from kiosk.audio import AssembledWav, announce_call
from kiosk.core.config import SoundConfig
from kiosk.core.errors import KioskError
from kiosk.core.model import CALL_KINDS, Event, EventKind
from kiosk.gui.operations import Operations

log = logging.getLogger(__name__)

#: Calls older than this when they reach the display (after an outage) are not announced.
STALE_AFTER_S = 60.0
#: Calls waiting to be announced beyond this are dropped, oldest first (a jam, not a queue).
MAX_PENDING = 12


@dataclass
class _Pending:
    seq: int
    event_id: int
    code: str
    counter: int
    recall: bool
    wav: AssembledWav | None = None
    failed: bool = False


class Announcer(QObject):
    """Announces calls in order through an AudioSink; `announced` fires as each one starts."""

    announced = Signal(object)  # Announcement
    failed = Signal(str)  # a message for the log / operator

    def __init__(
        self,
        sound: SoundConfig,
        sink: AudioSink,
        ops: Operations,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.sound = sound
        self.sink = sink
        self.ops = ops
        self._pending: deque[_Pending] = deque()
        self._playing: _Pending | None = None
        self._seq = 0
        self._seen: deque[int] = deque(maxlen=256)
        self._reported: set[str] = set()
        sink.finished.connect(self._on_finished)

    @property
    def busy(self) -> bool:
        return self._playing is not None or bool(self._pending)

    def on_events(self, events: Iterable[Event], now: datetime | None = None) -> None:
        """Queue an announcement for every call or recall among `events`."""
        for e in events:
            if e.kind not in CALL_KINDS or e.counter is None:
                continue
            code = e.ticket_code or str(e.data.get("code", ""))
            if not code:
                continue
            if now is not None and (now - e.at).total_seconds() > STALE_AFTER_S:
                log.info("not announcing %s at counter %s: the call is old", code, e.counter)
                continue
            self.enqueue(code, e.counter, event_id=e.id, recall=e.kind is EventKind.RECALLED)

    def enqueue(self, code: str, counter: int, *, event_id: int = 0, recall: bool = False) -> None:
        """Announce ticket `code` at `counter` after those already queued."""
        if not self.sound.enabled:
            return
        if event_id:
            if event_id in self._seen:
                return
            self._seen.append(event_id)
        self._seq += 1
        item = _Pending(self._seq, event_id, code, counter, recall)
        self._pending.append(item)
        while len(self._pending) > MAX_PENDING:
            dropped = self._pending.popleft()
            log.warning("too many calls to announce; skipped %s", dropped.code)
        self.ops.run(
            "announce",
            announce_call,
            self.sound,
            code,
            counter,
            on_done=partial(self._built, item),
            on_error=partial(self._build_failed, item),
        )

    def _built(self, item: _Pending, wav: AssembledWav) -> None:
        item.wav = wav
        self._pump()

    def _build_failed(self, item: _Pending, err: KioskError) -> None:
        item.failed = True
        message = err.message_en
        if message not in self._reported:  # a missing clip would otherwise fill the log
            self._reported.add(message)
            log.error("cannot build the announcement of %s: %s", item.code, message)
            self.failed.emit(message)
        self._pump()

    def _pump(self) -> None:
        while self._playing is None and self._pending:
            head = self._pending[0]
            if head.failed:
                self._pending.popleft()
                continue
            if head.wav is None:
                return  # still being built; keep the order
            self._pending.popleft()
            self._playing = head
            announcement = Announcement(
                head.seq, head.event_id, head.code, head.counter, head.recall, head.wav
            )
            self.announced.emit(announcement)
            self.sink.play(announcement)

    def _on_finished(self, _announcement: Announcement) -> None:
        self._playing = None
        self._pump()

    def close(self) -> None:
        self._pending.clear()
        self.sink.close()
