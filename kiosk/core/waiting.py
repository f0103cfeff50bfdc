"""Today's waiting tickets, kept up to date from the event log instead of re-read each time.

The people ahead of a ticket and every estimate walk the whole queue (kiosk.core.order), so
each read needs every waiting ticket. Reading them all from the database each time costs
about 10 µs a ticket (rows, times, places), which made issuing the 1,000th ticket of a day
take 10 ms. A `WaitingCache` keeps the waiting tickets of one business day in memory and,
on each read, asks the log what changed since: every change of a ticket (issued, called,
skipped, returned, transferred, completed, expired) writes an event with its ticket id in the
same transaction (kiosk.core.store), and event ids follow commit order on both backends, so
re-reading the tickets of the new events brings the cache to the database's state. Re-reading
a ticket is idempotent, so seeing a later state than the events read is harmless.

The cache is rebuilt from the tickets when the day changes, when the log is not the one it
followed (its last event is gone or different: a backup restored under a running display)
and every `REBUILD_SECONDS` (a table edited without events, e.g. by hand).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kiosk.core.order import Place

#: A full re-read at least this often, so a change made without an event is seen in time.
REBUILD_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Waiting:
    """A waiting ticket: its place in the call order and when it was issued."""

    place: Place
    issued_at: datetime

    @property
    def ticket_id(self) -> int:
        return self.place.ticket_id


#: The last event of the log as read: (id, at, kind, ticket id); None for an empty log.
Mark = tuple[int, datetime, str, int | None] | None


@dataclass(frozen=True)
class WaitingNow:
    """The waiting tickets by ticket id, and a number that changes whenever they change (so a
    reader may keep what it computed from them, e.g. the lines; -1: never the same twice)."""

    tickets: Mapping[int, Waiting]
    version: int
    #: When these are the tickets of version `since` after re-reading the tickets `changed`
    #: (the waiting ones of `before`, that version's tickets), so a reader can bring what it
    #: computed from `since` up to date instead of starting again (the lines).
    since: int = -1
    changed: tuple[int, ...] = ()
    before: Mapping[int, Waiting] | None = None

    def __iter__(self) -> Iterator[Waiting]:
        return iter(self.tickets.values())

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self.tickets


@dataclass
class _State:
    day: date
    mark: Mark
    built_at: float
    tickets: dict[int, Waiting]
    version: int


class WaitingCache:
    """One process's copy of one site's waiting tickets (thread-safe)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._state: _State | None = None
        self._versions = itertools.count()

    def clear(self) -> None:
        with self._lock:
            self._state = None

    def waiting(
        self,
        day: date,
        mark: Mark,
        read_all: Callable[[], Iterable[Waiting]],
        mark_of: Callable[[int], Mark],
        changed_since: Callable[[int, int], Sequence[int]],
        read_some: Callable[[Sequence[int]], Iterable[Waiting]],
    ) -> WaitingNow:
        """Today's waiting tickets as of the log's last event `mark` (read in the caller's
        transaction). `read_all()` reads them all, `mark_of(id)` reads the event `id` again,
        `changed_since(a, b)` gives the ticket ids of the events after `a` up to `b`, and
        `read_some(ids)` reads those of `ids` still waiting."""
        with self._lock:
            state = self._state
            now = self._clock()
            if state is not None and state.day == day and now - state.built_at < REBUILD_SECONDS:
                if mark == state.mark:
                    return WaitingNow(state.tickets, state.version)
                if (
                    state.mark is not None
                    and mark is not None
                    and mark[0] > state.mark[0]
                    and mark_of(state.mark[0]) == state.mark
                ):
                    ids = sorted(set(changed_since(state.mark[0], mark[0])))
                    found = {w.ticket_id: w for w in read_some(ids)} if ids else {}
                    return self._move(state, mark, {i: found.get(i) for i in ids})
            # First read, a new day, time for a full read, or not the log we followed.
            tickets = {w.ticket_id: w for w in read_all()}
            self._state = _State(day, mark, now, tickets, next(self._versions))
            return WaitingNow(tickets, self._state.version)

    def advance(
        self, day: date, expected: Mark, mark: Mark, changed: Mapping[int, Waiting | None]
    ) -> WaitingNow | None:
        """After a write of its own process whose events end the log at `mark`, bring the
        cache up to it without reading: only when the cache stood at `expected`, the log's
        last event the write read under its write lock (so no other write came between),
        and `changed` is every ticket the write changed (None: not waiting any more).
        None when that is not so (the next read then asks the log as usual)."""
        with self._lock:
            state = self._state
            if (
                state is None
                or state.day != day
                or state.mark is None
                or state.mark != expected
                or self._clock() - state.built_at >= REBUILD_SECONDS
            ):
                return None
            return self._move(state, mark, changed)

    def _move(self, state: _State, mark: Mark, changed: Mapping[int, Waiting | None]) -> WaitingNow:
        """`state` brought to `mark`: the tickets of `changed` as given (None: not waiting).
        A change makes a new dict and version (readers keep the one they were given)."""
        state.mark = mark
        if not changed:
            return WaitingNow(state.tickets, state.version)
        tickets = dict(state.tickets)
        for ticket_id, w in changed.items():
            tickets.pop(ticket_id, None)
            if w is not None:
                tickets[ticket_id] = w
        before, since = state.tickets, state.version
        state.tickets = tickets
        state.version = next(self._versions)
        return WaitingNow(tickets, state.version, since, tuple(changed), before)


def waiting_of(row: Any, placed: Callable[[datetime], int]) -> Waiting:
    """A `Waiting` from a row with id, priority, sort_at, queue_field, target_counter and
    issued_at."""
    place = Place(
        row.id, bool(row.priority), placed(row.sort_at), row.queue_field, row.target_counter
    )
    return Waiting(place, row.issued_at)
