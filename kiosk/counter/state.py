"""What a counter console shows, read from core in one call (Qt-free; tests read it too)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.core.model import CounterStatus, FieldStatus, Ticket
from kiosk.core.reader import QueueReader, check_counter
from kiosk.core.texts import Text
from kiosk.counter import texts


@dataclass(frozen=True)
class ConsoleState:
    """One counter's view of the queue at `now`."""

    now: datetime
    last_event_id: int
    counter: CounterStatus
    fields: tuple[FieldStatus, ...]  # the fields this counter serves
    waiting: tuple[Ticket, ...]  # tickets this counter may call, in call order
    skipped: tuple[Ticket, ...]  # today's no-shows of its fields, newest first

    @property
    def ticket(self) -> Ticket | None:
        return self.counter.ticket


def load_state(service: QueueReader, counter: int) -> ConsoleState:
    """Snapshot, waiting list and skipped list of `counter` (runs in a worker thread)."""
    check_counter(service.config, counter)
    snap = service.snapshot(recent=0)
    status = snap.counter_status(counter)
    assert status is not None
    own = set(status.fields)
    return ConsoleState(
        now=snap.at,
        last_event_id=snap.last_event_id,
        counter=status,
        fields=tuple(f for f in snap.fields if f.code in own),
        waiting=tuple(service.waiting(counter=counter)),
        skipped=tuple(service.skipped(counter=counter)),
    )


def minutes_between(start: datetime | None, end: datetime | None) -> int | None:
    """Whole minutes from `start` to `end` (None when either is unknown)."""
    if start is None or end is None:
        return None
    return max(0, int((end - start).total_seconds() // 60))


def duration_text(seconds: float | None) -> Text:
    """Text("6 phút 20 giây", "6 min 20 s") for an average service time."""
    if seconds is None:
        return Text("—", "—")
    m, s = divmod(round(seconds), 60)
    if m == 0:
        return texts.SECONDS.fill(s=s)
    return texts.MINUTES_SECONDS.fill(m=m, s=s)
