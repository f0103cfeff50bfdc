"""The queues the simulator drives: `ServiceBackend` (the real `QueueService` on a manual clock)
and `ModelBackend` (the same rules in memory, by core's one call order `kiosk.core.order`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from kiosk.core.clock import ManualClock
from kiosk.core.config import Config
from kiosk.core.errors import (
    CounterBusy,
    DailyCapReached,
    InvalidTicketState,
    NoOneWaiting,
    NoTicketAtCounter,
)
from kiosk.core.model import EventKind, TicketState
from kiosk.core.officers import find_officer, require_officer
from kiosk.core.order import Lines, Place, Policy, next_streak
from kiosk.core.queue import QueueService
from kiosk.core.ratings import RatingChannel, RatingLevel
from kiosk.reports.arrivals import Citizen, epoch

log = logging.getLogger(__name__)

# ------------------------------------------------------------------------------ backends


class QueueBackend(Protocol):
    """What the engine asks of a queue; keys identify tickets within the backend."""

    def issue(self, citizen: Citizen, at: int) -> int | None: ...
    def call_next(self, counter: int, at: int) -> int: ...
    def recall(self, counter: int, at: int) -> None: ...
    def skip(self, counter: int, at: int) -> None: ...
    def return_skipped(self, key: int, at: int) -> None: ...
    def start(self, counter: int, at: int) -> None: ...
    def transfer(
        self, counter: int, at: int, *, to_field: str | None = None, to_counter: int | None = None
    ) -> None: ...
    def complete(self, counter: int, dossiers: int, at: int) -> None: ...
    def close_counter(self, counter: int, at: int) -> None: ...
    def sign_in(self, counter: int, officer: str, at: int) -> bool: ...
    def sign_out(self, counter: int, at: int) -> bool: ...
    def rate(
        self,
        key: int,
        at: int,
        *,
        level: RatingLevel,
        reasons: tuple[str, ...],
        phone: bool,
        counter: int,
    ) -> None: ...


def moment_of(at: int) -> datetime:
    return datetime.fromtimestamp(at, UTC)


class ServiceBackend:
    """The real QueueService on a manual clock: exactly what a point would record."""

    def __init__(self, service: QueueService, clock: ManualClock) -> None:
        self.service = service
        self.clock = clock
        self._codes: dict[int, str] = {}

    def _at(self, at: int) -> None:
        self.clock.set(moment_of(at))

    def issue(self, citizen: Citizen, at: int) -> int | None:
        self._at(at)
        try:
            t = self.service.issue(citizen.field, priority=citizen.priority).ticket
        except DailyCapReached:
            return None
        self._codes[t.id] = t.code
        return t.id

    def call_next(self, counter: int, at: int) -> int:
        self._at(at)
        return self.service.call_next(counter).id

    def recall(self, counter: int, at: int) -> None:
        self._at(at)
        self.service.recall(counter)

    def skip(self, counter: int, at: int) -> None:
        self._at(at)
        self.service.skip(counter)

    def return_skipped(self, key: int, at: int) -> None:
        self._at(at)
        self.service.return_skipped(self._codes[key])

    def start(self, counter: int, at: int) -> None:
        self._at(at)
        self.service.start_service(counter)

    def transfer(
        self, counter: int, at: int, *, to_field: str | None = None, to_counter: int | None = None
    ) -> None:
        self._at(at)
        self.service.transfer(counter, to_field=to_field, to_counter=to_counter)

    def complete(self, counter: int, dossiers: int, at: int) -> None:
        self._at(at)
        self.service.complete(counter, dossiers=dossiers)

    def close_counter(self, counter: int, at: int) -> None:
        self._at(at)
        self.service.close_counter(counter)

    def sign_in(self, counter: int, officer: str, at: int) -> bool:
        """The simulator plays the officer: no PIN to ask (`QueueService.sign_in`)."""
        self._at(at)
        return self.service.sign_in(counter, officer, verified=True)

    def sign_out(self, counter: int, at: int) -> bool:
        self._at(at)
        return self.service.sign_out(counter)

    def rate(
        self,
        key: int,
        at: int,
        *,
        level: RatingLevel,
        reasons: tuple[str, ...],
        phone: bool,
        counter: int,
    ) -> None:
        self._at(at)
        channel = RatingChannel.PHONE if phone else RatingChannel.COUNTER_SCREEN
        self.service.rate(
            key,
            level.value,
            channel=channel.value,
            reasons=reasons,
            counter=None if phone else counter,
        )


class SimTicket:
    """A ticket of the in-memory model, shaped like a `tickets` row."""

    __slots__ = (
        "called",
        "code",
        "completed",
        "counter",
        "day",
        "dossiers",
        "field",
        "id",
        "issued",
        "last_called",
        "number",
        "officer",
        "placed",
        "priority",
        "queue_field",
        "rated",
        "rating",
        "rating_channel",
        "rating_reasons",
        "recalls",
        "serving",
        "state",
        "target",
        "transfers",
    )

    def __init__(
        self, id: int, day: date, field: str, number: int, code: str, priority: bool, at: int
    ) -> None:
        self.id = id
        self.day = day
        self.field = field
        self.number = number
        self.code = code
        self.priority = priority
        self.state = TicketState.WAITING.value
        self.queue_field = field
        self.target: int | None = None
        self.counter: int | None = None
        self.issued = at
        #: Its place in line (`sort_at`): the issue time, or the start of a later day.
        self.placed = at
        self.called: int | None = None
        self.last_called: int | None = None
        self.serving: int | None = None
        self.completed: int | None = None
        self.recalls = 0
        self.transfers = 0
        self.dossiers = 0
        self.rating: str | None = None
        self.rating_reasons: list[str] | None = None
        self.rating_channel: str | None = None
        self.rated: int | None = None
        self.officer: str | None = None

    def place(self) -> Place:
        return Place(self.id, self.priority, self.placed, self.queue_field, self.target)


#: An event of the model: (at, business day, kind, ticket id, counter, field, actor, data,
#: officer).
SimEvent = tuple[
    int, date, str, int | None, int | None, str | None, str, dict[str, Any], str | None
]

OPEN_STATES = (
    TicketState.WAITING.value,
    TicketState.CALLED.value,
    TicketState.SERVING.value,
    TicketState.SKIPPED.value,
)


class ModelBackend:
    """The queue rules of `QueueService` in memory (same choices, same events).

    The call order is core's own (`kiosk.core.order`), and so are the day's rules: at the first
    write of a business day the tickets left waiting or skipped in an earlier day's queue
    expire, a ticket a counter holds stays with it, and one leaving its counter unfinished
    after midnight joins today's queue at its front. So are the officers' (kiosk.core.officers):
    a call needs someone signed in, every counter event names them, a sign-in signs out the
    one before (a shift change) and this officer at another counter (a move), closing signs
    out, and a sign-in of an earlier business day is signed out at the counter's first write.
    """

    def __init__(self, config: Config, *, record: bool = True, first_id: int = 1) -> None:
        self.config = config
        self.record = record
        self.site = config.site.id
        self.zone = config.zone
        self.digits = config.queue.number_digits
        self.complete_on_next = config.queue.complete_on_next
        self.policy = Policy(config.queue.priority_policy, config.queue.priority_burst)
        self.tickets: dict[int, SimTicket] = {}
        self.events: list[SimEvent] = []
        self.sequences: dict[tuple[date, str], int] = {}
        self.expired: list[SimTicket] = []
        self._next_id = first_id
        self._lines = Lines(
            {c.number: config.fields_of_counter(c.number) for c in config.counters}, self.policy
        )
        self._held: dict[int, SimTicket] = {}
        self._streak: dict[int, int] = {}
        self._open_counters: set[int] = set()
        #: Per counter, the officer its row records and the business day they signed in.
        #: Core decides by the row's `updated_at`, but while an officer is recorded every
        #: change of the row falls on the day of the sign-in (the first write of a later day
        #: signs them out before anything else), so that day is the row's day.
        self._officer: dict[int, str] = {}
        self._signed_day: dict[int, date] = {}
        self._day: date | None = None
        self._day_start = self._day_end = 0
        #: The time of the latest write.
        self._last_at = 0

    def set_layout(self, fields_of_counter: Mapping[int, Sequence[str]]) -> None:
        """Serve fields from other counters than the config's (capacity planning)."""
        self._lines = Lines(fields_of_counter, self.policy)

    def _log(
        self,
        at: int,
        kind: EventKind,
        t: SimTicket | None,
        counter: int | None,
        actor: str,
        data: dict[str, Any],
        field: str | None = None,
        officer: str | None = None,
        day: date | None = None,
    ) -> None:
        if self.record:
            assert self._day is not None
            where = field if field is not None else (t.queue_field if t else None)
            self.events.append(
                (
                    at,
                    day or self._day,
                    kind.value,
                    t.id if t else None,
                    counter,
                    where,
                    actor,
                    data,
                    officer,
                )
            )

    def _at_counter(
        self,
        at: int,
        kind: EventKind,
        t: SimTicket | None,
        counter: int,
        data: dict[str, Any],
        field: str | None = None,
    ) -> None:
        """An event of `counter`, by its clerk, naming the officer signed in there."""
        self._log(
            at, kind, t, counter, f"counter:{counter}", data, field, self._officer.get(counter)
        )

    def _on_duty(self, counter: int) -> str | None:
        """Who counts as signed in at `counter` today (`kiosk.core.officers.officer_now`)."""
        officer = self._officer.get(counter)
        if officer is None or self._signed_day[counter] != self._day:
            return None
        return officer

    def _settle(self, counter: int, at: int) -> None:
        """`QueueService._check_sign_in`, part of a write at `counter` that is not refused: a
        sign-in of an earlier business day ends, recorded on that day."""
        if counter in self._officer and self._signed_day[counter] != self._day:
            self._sign_out(counter, at, f"counter:{counter}", {"reason": "day_end"})

    def _sign_out(self, counter: int, at: int, actor: str, data: dict[str, Any]) -> None:
        """`QueueService._sign_out_row`: `signed_out` on the day of the sign-in at the latest."""
        officer = self._officer.pop(counter)
        day = self._signed_day.pop(counter)
        assert self._day is not None
        self._log(
            at, EventKind.SIGNED_OUT, None, counter, actor, data, None, officer, min(day, self._day)
        )

    def _begin(self, at: int) -> date:
        """Every write: the business day, and expiry of earlier days' waiting and skipped."""
        self._last_at = at
        if self._day is not None and self._day_start <= at < self._day_end:
            return self._day
        day = datetime.fromtimestamp(at, self.zone).date()
        self._day_start = epoch(datetime.combine(day, time(0), tzinfo=self.zone))
        self._day_end = epoch(datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone))
        if day != self._day:
            self._day = day
            stale = sorted(
                (
                    t
                    for t in self.tickets.values()
                    if t.day < day
                    and t.placed < self._day_start
                    and t.state in (TicketState.WAITING.value, TicketState.SKIPPED.value)
                ),
                key=lambda t: t.id,
            )
            for t in stale:
                before = t.state
                t.state = (
                    TicketState.NO_SHOW.value
                    if before == TicketState.SKIPPED.value
                    else TicketState.EXPIRED.value
                )
                t.counter = None
                if self.record:
                    self.events.append(
                        (
                            at,
                            t.day,
                            EventKind.EXPIRED.value,
                            t.id,
                            None,
                            t.queue_field,
                            "system",
                            {"from": before, "code": t.code},
                            None,
                        )
                    )
                self.expired.append(t)
            # Every ticket in the lines stood in an earlier day's queue: it just expired.
            self._lines.clear()
        return day

    def _join_today(self, t: SimTicket) -> None:
        if t.placed < self._day_start:
            t.placed = self._day_start

    def _require_held(self, counter: int) -> SimTicket:
        t = self._held.get(counter)
        if t is None:
            raise NoTicketAtCounter(
                f"Quầy số {counter} chưa gọi số nào",
                f"Counter {counter} holds no ticket; call next first",
            )
        return t

    def forget(self, keep: Callable[[SimTicket], bool]) -> None:
        """Drop tickets from memory (the bulk writer has stored them)."""
        self.tickets = {k: t for k, t in self.tickets.items() if keep(t)}

    def forget_settled(self) -> None:
        """Drop the tickets nothing can change any more: finished, and if completed, rated
        or past the time to rate (`ratings.window_minutes`) of the latest write."""
        since = self._last_at - self.config.ratings.window_minutes * 60

        def unsettled(t: SimTicket) -> bool:
            if t.state in OPEN_STATES:
                return True
            done = t.completed
            return done is not None and t.rating is None and done >= since

        self.forget(unsettled)

    def issue(self, citizen: Citizen, at: int) -> int | None:
        day = self._begin(at)
        f = self.config.field(citizen.field)
        assert f is not None
        number = self.sequences.get((day, f.code), 0) + 1
        if f.daily_cap is not None and number > f.daily_cap:
            return None
        self.sequences[(day, f.code)] = number
        t = SimTicket(
            self._next_id,
            day,
            f.code,
            number,
            f"{f.prefix}{number:0{self.digits}d}",
            citizen.priority,
            at,
        )
        self._next_id += 1
        self.tickets[t.id] = t
        self._lines.add(t.place())
        self._log(at, EventKind.ISSUED, t, None, "kiosk", {"priority": t.priority})
        return t.id

    def call_next(self, counter: int, at: int) -> int:
        self._begin(at)
        officer = self._on_duty(counter)  # a sign-in of an earlier day: refused, as nobody's
        require_officer(self.config, officer, counter)
        streak = self._streak.get(counter, 0)
        chosen = self._lines.next_for(counter, streak)
        if chosen is None:
            raise NoOneWaiting("Không còn ai chờ", f"No one is waiting for counter {counter}")
        held = self._held.get(counter)
        if held is not None:
            if not self.complete_on_next:
                raise CounterBusy(
                    f"Quầy số {counter} đang phục vụ số {held.code}: hoàn thành trước",
                    f"Counter {counter} still holds {held.code}: complete it first",
                )
            self._complete(counter, 1, at)
        self._lines.take(chosen)
        t = self.tickets[chosen.ticket_id]
        if counter not in self._open_counters:
            self._open_counters.add(counter)
            self._at_counter(at, EventKind.COUNTER_OPENED, None, counter, {})
        t.state = TicketState.CALLED.value
        t.counter = counter
        t.target = None
        if t.called is None:
            t.called = at
        t.last_called = at
        t.officer = officer
        self._held[counter] = t
        data: dict[str, Any] = {"code": t.code}
        if t.transfers:
            data["transfers"] = t.transfers
        self._at_counter(at, EventKind.CALLED, t, counter, data)
        self._streak[counter] = next_streak(streak, t.priority)
        return t.id

    def recall(self, counter: int, at: int) -> None:
        self._begin(at)
        t = self._require_held(counter)
        self._settle(counter, at)
        t.recalls += 1
        t.last_called = at
        self._at_counter(at, EventKind.RECALLED, t, counter, {"code": t.code, "recalls": t.recalls})

    def skip(self, counter: int, at: int) -> None:
        self._begin(at)
        t = self._require_held(counter)
        self._settle(counter, at)
        del self._held[counter]
        t.state = TicketState.SKIPPED.value
        t.counter = None
        self._join_today(t)
        self._at_counter(at, EventKind.SKIPPED, t, counter, {"code": t.code, "recalls": t.recalls})

    def return_skipped(self, key: int, at: int) -> None:
        self._begin(at)
        t = self.tickets[key]
        if t.state != TicketState.SKIPPED.value or t.placed < self._day_start:
            raise InvalidTicketState(
                f"Không thể đưa lại hàng chờ số {t.code}", f"Cannot return {t.code}"
            )
        t.state = TicketState.WAITING.value
        self._lines.add(t.place())
        self._log(at, EventKind.RETURNED, t, None, "counter", {"code": t.code})

    def start(self, counter: int, at: int) -> None:
        self._begin(at)
        t = self._require_held(counter)
        self._settle(counter, at)
        if t.state == TicketState.SERVING.value:
            return
        t.state = TicketState.SERVING.value
        t.serving = at
        self._at_counter(at, EventKind.SERVING, t, counter, {"code": t.code})

    def transfer(
        self, counter: int, at: int, *, to_field: str | None = None, to_counter: int | None = None
    ) -> None:
        self._begin(at)
        t = self._require_held(counter)
        self._settle(counter, at)
        del self._held[counter]
        from_field = t.queue_field
        self._join_today(t)
        if to_field is not None:
            t.queue_field = to_field
            t.target = None
        else:
            t.target = to_counter
        t.state = TicketState.WAITING.value
        t.counter = None
        t.serving = None  # service time counts at the counter that completes it
        t.transfers += 1
        self._lines.add(t.place())
        self._at_counter(
            at,
            EventKind.TRANSFERRED,
            t,
            counter,
            {
                "code": t.code,
                "from_field": from_field,
                "to_field": to_field,
                "to_counter": to_counter,
            },
        )

    def complete(self, counter: int, dossiers: int, at: int) -> None:
        self._begin(at)
        self._require_held(counter)
        self._settle(counter, at)
        self._complete(counter, dossiers, at)

    def _complete(self, counter: int, dossiers: int, at: int) -> None:
        t = self._held.pop(counter)
        data: dict[str, Any] = {"code": t.code, "dossiers": dossiers}
        if t.serving is None:
            t.serving = t.last_called or at
            data["serving_from_call"] = True
        t.state = TicketState.COMPLETED.value
        t.completed = at
        t.dossiers = dossiers
        officer = self._officer.get(counter)
        if officer is not None:  # whoever completes it served it (a shift change mid-service)
            t.officer = officer
        self._at_counter(at, EventKind.COMPLETED, t, counter, data)

    def close_counter(self, counter: int, at: int) -> None:
        self._begin(at)
        held = self._held.get(counter)
        if held is not None:
            raise CounterBusy(
                f"Quầy số {counter} đang giữ số {held.code}: hoàn thành hoặc chuyển trước",
                f"Counter {counter} still holds {held.code}: complete or transfer it first",
            )
        self._settle(counter, at)
        self._open_counters.discard(counter)
        self._at_counter(at, EventKind.COUNTER_CLOSED, None, counter, {})
        if counter in self._officer:  # closing ends the officer's work at the counter
            self._sign_out(counter, at, f"counter:{counter}", {"reason": "counter_closed"})

    def sign_in(self, counter: int, officer_id: str, at: int) -> bool:
        """`QueueService.sign_in` of an officer the simulator plays (no PIN to check)."""
        officer = find_officer(self.config, officer_id, counter)
        self._begin(at)
        self._settle(counter, at)
        if self._officer.get(counter) == officer.id:
            return False
        actor = f"counter:{counter}"
        for other in sorted(self._officer):
            if other != counter and self._officer[other] == officer.id:
                self._sign_out(other, at, actor, {"reason": "moved", "to_counter": counter})
        if counter in self._officer:
            self._sign_out(counter, at, actor, {"reason": "shift_change", "by": officer.id})
        assert self._day is not None
        self._officer[counter] = officer.id
        self._signed_day[counter] = self._day
        self._log(at, EventKind.SIGNED_IN, None, counter, actor, {}, None, officer.id)
        return True

    def sign_out(self, counter: int, at: int) -> bool:
        self._begin(at)
        self._settle(counter, at)
        if counter not in self._officer:
            return False
        self._sign_out(counter, at, f"counter:{counter}", {"reason": "sign_out"})
        return True

    def rate(
        self,
        key: int,
        at: int,
        *,
        level: RatingLevel,
        reasons: tuple[str, ...],
        phone: bool,
        counter: int,
    ) -> None:
        """`QueueService.rate` of a ticket this model completed (the simulator keeps to the
        rules: once, after completion, within the time to rate, at its own counter)."""
        self._begin(at)
        t = self.tickets[key]
        channel = RatingChannel.PHONE if phone else RatingChannel.COUNTER_SCREEN
        t.rating = level.value
        t.rating_reasons = list(reasons)
        t.rating_channel = channel.value
        t.rated = at
        data = {"code": t.code, "level": level.value, "reasons": list(reasons)}
        data["channel"] = channel.value
        actor = "phone" if phone else f"rate:{counter}"
        self._log(at, EventKind.RATED, t, t.counter, actor, data, None, t.officer)
