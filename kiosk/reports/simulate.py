"""Simulated days of a service point, for demos, tests, benchmarks and capacity planning.

One discrete-event engine plays a day: citizens arrive (morning peak, field mix, priority
share), counters call the next ticket, citizens walk up or fail to come (recalls, then a skip;
some come back), get served for a field-specific time, sometimes get sent to another field.
The engine drives a *backend*:

- `ServiceBackend`: the real `QueueService` on a `ManualClock` — every rule, transaction and
  event exactly as at a real point (a few milliseconds per operation).
- `ModelBackend`: the same queue rules in memory (priority first, interleaved bursts, oldest
  place, places kept across transfers and returns). It feeds the capacity planner (no
  database) and the bulk writer, which stores its tickets and events with executemany
  inside the store: a year of a busy centre in about a minute, and the log and the `tickets`
  projection agree exactly as they do when the service writes them.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import math
import random
import time as _time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import Table, bindparam, func, insert, select, text, update

from kiosk.core.clock import ManualClock
from kiosk.core.config import WEEKDAYS, Config
from kiosk.core.errors import (
    CounterBusy,
    DailyCapReached,
    InvalidTicketState,
    KioskError,
    NoOneWaiting,
    NoTicketAtCounter,
)
from kiosk.core.model import EventKind, TicketState
from kiosk.core.order import Lines, Place, Policy, next_streak
from kiosk.core.queue import QueueService
from kiosk.core.schema import EventRow, SequenceRow, TicketRow
from kiosk.core.store import EVENT_LOCK_KEY, Store
from kiosk.core.wording import count_en

log = logging.getLogger(__name__)

#: Share of citizens per field at a commune point (fields not listed weigh 10).
DEFAULT_SHARES: Mapping[str, float] = {
    "hotich": 22,
    "chungthuc": 30,
    "datdai": 10,
    "xahoi": 9,
    "tuphap": 6,
    "kinhte": 8,
    "ketqua": 15,
}
#: Mean dossiers per citizen per field ("72 citizens, 110 dossiers" overall is about 1.5).
DEFAULT_DOSSIERS: Mapping[str, float] = {
    "hotich": 1.4,
    "chungthuc": 2.0,
    "datdai": 1.3,
    "xahoi": 1.3,
    "tuphap": 1.2,
    "kinhte": 1.4,
    "ketqua": 1.5,
}
#: Relative load Monday … Sunday (Mondays are busiest; Saturday mornings are quieter).
WEEKDAY_LOAD = (1.15, 1.0, 1.0, 1.0, 0.95, 0.6, 0.3)


class SimulationError(KioskError):
    """The simulation cannot run as asked (bad option, database already has later data)."""

    exit_code = 2


@dataclass(frozen=True)
class Profile:
    """How citizens behave: everything the simulator draws from."""

    citizens_per_day: float = 72.0
    shares: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SHARES))
    dossiers: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_DOSSIERS))
    priority_share: float = 0.08
    no_show_share: float = 0.04
    #: Share of no-shows who come back later and are served.
    return_share: float = 0.3
    #: Share of citizens who took a ticket in the wrong field and are transferred.
    transfer_share: float = 0.02
    #: Spread of service times: lognormal sigma around the field's typical minutes.
    service_sigma: float = 0.5
    recall_seconds: int = 60
    #: Counters keep calling this long after a period ends (citizens already inside).
    grace_minutes: float = 30.0


@dataclass(frozen=True, slots=True)
class Citizen:
    """One planned visit; times are epoch seconds (UTC)."""

    arrival: int
    field: str
    priority: bool
    walk_up: int
    service: int
    dossiers: int
    #: Seconds an idle clerk takes to notice a new ticket and press "call next".
    notice: int
    #: Seconds a clerk spends after this citizen before calling the next one.
    wrap_up: int
    no_show: bool
    returns_after: int | None
    transfer_to: str | None


# ------------------------------------------------------------------------------ planning


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _periods(config: Config, codes: Iterable[str], day: date) -> list[tuple[int, int]]:
    """Opening periods (epoch start, end) on `day` of the given fields, merged."""
    zone = config.zone
    spans: list[tuple[int, int]] = []
    for code in codes:
        f = config.field(code)
        if f is None:
            continue
        hours = config.hours_of(f)
        if WEEKDAYS[day.weekday()] not in hours.days:
            continue
        for p in hours.periods:
            start = datetime.combine(day, p.start, tzinfo=zone)
            end = (
                datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
                if p.end == time.max
                else datetime.combine(day, p.end, tzinfo=zone)
            )
            spans.append((epoch(start), epoch(end)))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _walk_open_days(config: Config, first: date, count: int, step: int) -> list[date]:
    """Up to `count` days on which a field takes tickets, from `first` in steps of `step`."""
    days: list[date] = []
    day = first
    codes = [f.code for f in config.fields]
    for _ in range(count * 7 + 14):
        if len(days) == count:
            break
        if _periods(config, codes, day):
            days.append(day)
        day += timedelta(days=step)
    return sorted(days)


def open_days(config: Config, start: date, count: int) -> list[date]:
    """The first `count` days from `start` on which at least one field takes tickets."""
    return _walk_open_days(config, start, count, 1)


def last_open_days(config: Config, until: date, count: int) -> list[date]:
    """The last `count` open days up to and including `until`."""
    return _walk_open_days(config, until, count, -1)


def _arrival_weight(local_minutes: float) -> float:
    """Relative arrival rate over the day: a morning peak around 08:45, a smaller one at 14:15."""
    morning = 2.2 * math.exp(-(((local_minutes - 525) / 55) ** 2) / 2)
    afternoon = 0.8 * math.exp(-(((local_minutes - 855) / 50) ** 2) / 2)
    return 1.0 + morning + afternoon


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def plan_day(config: Config, profile: Profile, day: date, seed: int | str) -> list[Citizen]:
    """The citizens of one day, drawn reproducibly from (seed, day), in arrival order."""
    rng = random.Random(f"{seed}:{day.isoformat()}")
    codes = [f.code for f in config.fields]
    weights = [max(0.0, float(profile.shares.get(c, 10.0))) for c in codes]
    if not any(weights):
        raise SimulationError(
            "Tỉ lệ lĩnh vực đều bằng 0", "Every field share is zero; give at least one a weight"
        )
    windows = {c: _periods(config, [c], day) for c in codes}
    usable = [c for c, w in zip(codes, weights, strict=True) if windows[c] and w > 0]
    if not usable:
        return []
    cum = list(itertools.accumulate(weights[codes.index(c)] for c in usable))
    service_minutes = {f.code: f.service_minutes for f in config.fields}
    totals = {c: sum(e - s for s, e in windows[c]) for c in usable}
    midnight = epoch(datetime.combine(day, time(0), tzinfo=config.zone))
    count = _poisson(rng, profile.citizens_per_day * WEEKDAY_LOAD[day.weekday()])
    sigma = profile.service_sigma
    citizens: list[Citizen] = []
    for _ in range(count):
        code = rng.choices(usable, cum_weights=cum)[0]
        spans = windows[code]
        while True:  # rejection sampling of the arrival profile
            x = rng.randrange(totals[code])
            for s, e in spans:
                if x < e - s:
                    at = s + x
                    break
                x -= e - s
            if rng.random() * 4.2 <= _arrival_weight((at - midnight) / 60):
                break
        minutes = service_minutes[code] * math.exp(rng.gauss(0, sigma))
        no_show = rng.random() < profile.no_show_share
        returns = (
            rng.randrange(300, 1800) if no_show and rng.random() < profile.return_share else None
        )
        transfer = None
        if not no_show and len(usable) > 1 and rng.random() < profile.transfer_share:
            transfer = rng.choice([c for c in usable if c != code])
        citizens.append(
            Citizen(
                arrival=at,
                field=code,
                priority=rng.random() < profile.priority_share,
                walk_up=rng.randrange(15, 90),
                service=max(30, round(minutes * 60)),
                dossiers=1 + _poisson(rng, max(0.0, profile.dossiers.get(code, 1.3) - 1)),
                notice=rng.randrange(10, 90),
                wrap_up=rng.randrange(10, 60),
                no_show=no_show,
                returns_after=returns,
                transfer_to=transfer,
            )
        )
    citizens.sort(key=lambda c: c.arrival)
    return citizens


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


def _dt(at: int) -> datetime:
    return datetime.fromtimestamp(at, UTC)


class ServiceBackend:
    """The real QueueService on a manual clock: exactly what a point would record."""

    def __init__(self, service: QueueService, clock: ManualClock) -> None:
        self.service = service
        self.clock = clock
        self._codes: dict[int, str] = {}

    def _at(self, at: int) -> None:
        self.clock.set(_dt(at))

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
        "placed",
        "priority",
        "queue_field",
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

    def place(self) -> Place:
        return Place(self.id, self.priority, self.placed, self.queue_field, self.target)


#: An event of the model: (at, business day, kind, ticket id, counter, field, actor, data).
SimEvent = tuple[int, date, str, int | None, int | None, str | None, str, dict[str, Any]]

_OPEN = (
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
    after midnight joins today's queue at its front.
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
        self._day: date | None = None
        self._day_start = self._day_end = 0

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
    ) -> None:
        if self.record:
            assert self._day is not None
            where = field if field is not None else (t.queue_field if t else None)
            self.events.append(
                (at, self._day, kind.value, t.id if t else None, counter, where, actor, data)
            )

    def _begin(self, at: int) -> date:
        """Every write: the business day, and expiry of earlier days' waiting and skipped."""
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

    def forget_finished(self) -> None:
        """Drop finished tickets; open ones may still change (or expire on the next day)."""
        self.forget(lambda t: t.state in _OPEN)

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
        streak = self._streak.get(counter, 0)
        chosen = self._lines.next_for(counter, streak)
        if chosen is None:
            raise NoOneWaiting("Không còn ai chờ", f"No one is waiting for counter {counter}")
        actor = f"counter:{counter}"
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
            self._log(at, EventKind.COUNTER_OPENED, None, counter, actor, {})
        t.state = TicketState.CALLED.value
        t.counter = counter
        t.target = None
        if t.called is None:
            t.called = at
        t.last_called = at
        self._held[counter] = t
        data: dict[str, Any] = {"code": t.code}
        if t.transfers:
            data["transfers"] = t.transfers
        self._log(at, EventKind.CALLED, t, counter, actor, data)
        self._streak[counter] = next_streak(streak, t.priority)
        return t.id

    def recall(self, counter: int, at: int) -> None:
        self._begin(at)
        t = self._require_held(counter)
        t.recalls += 1
        t.last_called = at
        self._log(
            at,
            EventKind.RECALLED,
            t,
            counter,
            f"counter:{counter}",
            {"code": t.code, "recalls": t.recalls},
        )

    def skip(self, counter: int, at: int) -> None:
        self._begin(at)
        t = self._require_held(counter)
        del self._held[counter]
        t.state = TicketState.SKIPPED.value
        t.counter = None
        self._join_today(t)
        self._log(
            at,
            EventKind.SKIPPED,
            t,
            counter,
            f"counter:{counter}",
            {"code": t.code, "recalls": t.recalls},
        )

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
        if t.state == TicketState.SERVING.value:
            return
        t.state = TicketState.SERVING.value
        t.serving = at
        self._log(at, EventKind.SERVING, t, counter, f"counter:{counter}", {"code": t.code})

    def transfer(
        self, counter: int, at: int, *, to_field: str | None = None, to_counter: int | None = None
    ) -> None:
        self._begin(at)
        t = self._require_held(counter)
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
        self._log(
            at,
            EventKind.TRANSFERRED,
            t,
            counter,
            f"counter:{counter}",
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
        self._log(at, EventKind.COMPLETED, t, counter, f"counter:{counter}", data)

    def close_counter(self, counter: int, at: int) -> None:
        self._begin(at)
        held = self._held.get(counter)
        if held is not None:
            raise CounterBusy(
                f"Quầy số {counter} đang giữ số {held.code}: hoàn thành hoặc chuyển trước",
                f"Counter {counter} still holds {held.code}: complete or transfer it first",
            )
        self._open_counters.discard(counter)
        self._log(at, EventKind.COUNTER_CLOSED, None, counter, f"counter:{counter}", {})


# ------------------------------------------------------------------------------ the engine

_TRY, _ARRIVE, _RECALL, _RETURN, _WALKED_UP, _DONE, _CLOSE = range(7)


@dataclass
class DayOutcome:
    """What happened to the citizens of one simulated day (tickets finished after midnight
    count on the day they were issued)."""

    day: date
    issued: int = 0
    turned_away: int = 0
    left_waiting: int = 0
    served: int = 0
    dossiers: int = 0
    no_shows: int = 0
    transfers: int = 0
    waits: dict[str, list[int]] = field(default_factory=dict)
    #: Tickets never called, per field they were issued in.
    unserved: dict[str, int] = field(default_factory=dict)
    busy_seconds: dict[int, int] = field(default_factory=dict)
    open_seconds: dict[int, int] = field(default_factory=dict)


class Engine:
    """Plays planned citizens against a queue backend, event by event on one timeline.

    Days follow each other on the same clock, so work going on at midnight (a 24-hour point,
    a night shift, the last citizens of a late period) simply goes on: at midnight the
    tickets still waiting in the ending day's queue expire (core's rule), a citizen at a
    counter is served to the end and counted on the day the ticket was issued.
    """

    def __init__(
        self,
        config: Config,
        profile: Profile,
        backend: QueueBackend,
        *,
        layout: Mapping[int, Sequence[str]] | None = None,
    ) -> None:
        self.config = config
        self.profile = profile
        self.backend = backend
        self.layout = {
            n: list(fs)
            for n, fs in (
                layout or {c.number: config.fields_of_counter(c.number) for c in config.counters}
            ).items()
        }
        self.max_recalls = config.queue.max_recalls
        self.grace = round(profile.grace_minutes * 60)
        self.counters_of: dict[str, list[int]] = {}
        for n, fs in sorted(self.layout.items()):
            for code in fs:
                self.counters_of.setdefault(code, []).append(n)
        self._heap: list[tuple[int, int, int, Any]] = []
        self._seq = itertools.count()
        self._windows: dict[int, list[tuple[int, int]]] = {n: [] for n in self.layout}
        self._now = 0
        self._day: date | None = None
        self._next_midnight = 0
        # Per ticket key, while it matters: its citizen, issue day and the day whose queue it
        # stands in, its field now, what happened to it.
        self._citizen: dict[int, Citizen] = {}
        self._outcome_of: dict[int, DayOutcome] = {}
        self._queue_day: dict[int, date] = {}
        self._field: dict[int, str] = {}
        self._waiting: dict[int, str] = {}
        self._waiting_in: dict[str, int] = {}
        self._called: set[int] = set()
        self._returned: set[int] = set()
        self._transferred: set[int] = set()
        # Per counter.
        self._held: dict[int, int] = {}
        self._recalls: dict[int, int] = {}
        self._busy_since: dict[int, int] = {}
        self._open: set[int] = set()
        self._closing: set[int] = set()

    # ---------------------------------------------------------------- the timeline

    def run(
        self, days: Sequence[date], citizens_of: Callable[[date], Sequence[Citizen]]
    ) -> Iterator[DayOutcome]:
        """Play `days` in order; yield each day's outcome when the day is over (the last one
        once everything has finished). Work still going on at midnight goes on."""
        for i, day in enumerate(days):
            out = DayOutcome(day)
            self._schedule(day, citizens_of(day), out)
            if i < len(days) - 1:
                self._play(until=self._midnight_after(day))
            else:
                self._play(until=None)
                self._finish()
            yield out

    def _midnight_after(self, day: date) -> int:
        zone = self.config.zone
        return epoch(datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone))

    def _push(self, at: int, kind: int, arg: Any) -> None:
        heapq.heappush(self._heap, (at, next(self._seq), kind, arg))

    def _schedule(self, day: date, citizens: Sequence[Citizen], out: DayOutcome) -> None:
        start = epoch(datetime.combine(day, time(0), tzinfo=self.config.zone))
        for n, fs in self.layout.items():
            spans = _periods(self.config, fs, day)
            # Periods that ended with their grace before this day are of no use any more.
            kept = [(s, e) for s, e in self._windows[n] if e + self.grace > start]
            self._windows[n] = kept + spans
            for s, _e in spans:
                self._push(s, _TRY, n)
            if spans:
                close = max(e for _s, e in spans)
                out.open_seconds[n] = max(0, close - spans[0][0])
                self._push(close + self.grace, _CLOSE, n)
        for c in citizens:
            self._push(c.arrival, _ARRIVE, (c, out))

    def _working(self, n: int, at: int) -> bool:
        return any(s <= at < e + self.grace for s, e in self._windows[n])

    def _play(self, until: int | None) -> None:
        heap = self._heap
        while heap and (until is None or heap[0][0] < until):
            at, _, kind, arg = heapq.heappop(heap)
            if at >= self._next_midnight:
                self._new_day(at)
            self._now = at
            self._handle(at, kind, arg)

    def _new_day(self, at: int) -> None:
        """Midnight has passed: what still waits in an earlier day's queue will not be called."""
        day = datetime.fromtimestamp(at, self.config.zone).date()
        for key in [k for k in self._waiting if self._queue_day[k] < day]:
            self._left(key)
        self._day = day
        self._next_midnight = self._midnight_after(day)

    def _finish(self) -> None:
        for key in list(self._waiting):
            self._left(key)
        for n in sorted(self._open):
            self._close(n, self._now)

    # ---------------------------------------------------------------- tickets

    def _wait(self, key: int, code: str, at: int) -> None:
        """The ticket stands in today's queue of `code`; idle counters of it notice it."""
        assert self._day is not None
        self._queue_day[key] = self._day
        self._field[key] = code
        self._waiting[key] = code
        self._waiting_in[code] = self._waiting_in.get(code, 0) + 1
        notice = at + self._citizen[key].notice
        for n in self.counters_of.get(code, ()):
            if n not in self._held and self._working(n, notice):
                self._push(notice, _TRY, n)

    def _unwait(self, key: int) -> None:
        code = self._waiting.pop(key)
        self._waiting_in[code] -= 1

    def _left(self, key: int) -> None:
        """A ticket left waiting when its day's queue closed."""
        self._unwait(key)
        out = self._outcome_of[key]
        out.left_waiting += 1
        if key not in self._called:
            code = self._citizen[key].field
            out.unserved[code] = out.unserved.get(code, 0) + 1
        self._forget(key)

    def _forget(self, key: int) -> None:
        for table in (self._citizen, self._outcome_of, self._queue_day, self._field):
            del table[key]
        for seen in (self._called, self._returned, self._transferred):
            seen.discard(key)

    def _release(self, n: int, at: int) -> int:
        key = self._held.pop(n)
        busy = self._outcome_of[key].busy_seconds
        busy[n] = busy.get(n, 0) + at - self._busy_since.pop(n)
        return key

    def _close(self, n: int, at: int) -> None:
        self._closing.discard(n)
        if n in self._open:
            self._open.discard(n)
            self.backend.close_counter(n, at)

    # ---------------------------------------------------------------- events

    def _handle(self, at: int, kind: int, arg: Any) -> None:
        if kind == _ARRIVE:
            c, out = arg
            key = self.backend.issue(c, at)
            if key is None:
                out.turned_away += 1
                return
            out.issued += 1
            self._citizen[key] = c
            self._outcome_of[key] = out
            self._wait(key, c.field, at)
        elif kind == _TRY:
            n = arg
            if n in self._held:
                return
            if not self._working(n, at):
                if n in self._closing:
                    self._close(n, at)
                return
            if not any(self._waiting_in.get(code, 0) for code in self.layout[n]):
                return
            key = self.backend.call_next(n, at)
            self._open.add(n)
            self._unwait(key)
            self._held[n] = key
            self._busy_since[n] = at
            c = self._citizen[key]
            if key not in self._called:
                self._called.add(key)
                if key not in self._transferred and key not in self._returned:
                    out = self._outcome_of[key]
                    out.waits.setdefault(c.field, []).append(at - c.arrival)
            if c.no_show and key not in self._returned:
                self._recalls[n] = 0
                self._push(at + self.profile.recall_seconds, _RECALL, n)
            else:
                self._push(at + c.walk_up, _WALKED_UP, n)
        elif kind == _RECALL:
            n = arg
            if self._recalls[n] < self.max_recalls:
                self._recalls[n] += 1
                self.backend.recall(n, at)
                self._push(at + self.profile.recall_seconds, _RECALL, n)
                return
            self.backend.skip(n, at)
            key = self._release(n, at)
            assert self._day is not None
            self._queue_day[key] = self._day  # skipped after midnight: in today's queue
            c = self._citizen[key]
            if c.returns_after is not None:
                self._push(at + c.returns_after, _RETURN, key)
            else:
                self._outcome_of[key].no_shows += 1
                self._forget(key)
            self._push(at, _TRY, n)
        elif kind == _RETURN:
            key = arg
            code = self._field[key]
            late = self._queue_day[key] != self._day  # its day's queue has closed
            if late or not any(self._working(n, at) for n in self.counters_of.get(code, ())):
                self._outcome_of[key].no_shows += 1  # came back too late
                self._forget(key)
                return
            self.backend.return_skipped(key, at)
            self._returned.add(key)
            self._wait(key, code, at)
        elif kind == _WALKED_UP:
            n = arg
            key = self._held[n]
            c = self._citizen[key]
            if c.transfer_to is not None and key not in self._transferred:
                self.backend.transfer(n, at, to_field=c.transfer_to)
                self._transferred.add(key)
                self._outcome_of[key].transfers += 1
                self._release(n, at)
                self._wait(key, c.transfer_to, at)
                self._push(at + c.wrap_up, _TRY, n)
                return
            self.backend.start(n, at)
            self._push(at + c.service, _DONE, n)
        elif kind == _DONE:
            n = arg
            key = self._held[n]
            c = self._citizen[key]
            self.backend.complete(n, c.dossiers, at)
            out = self._outcome_of[key]
            out.served += 1
            out.dossiers += c.dossiers
            self._release(n, at)
            self._forget(key)
            self._push(at + c.wrap_up, _TRY, n)
        elif kind == _CLOSE:
            n = arg
            if self._working(n, at):
                return  # a later period goes on (a night shift, a point open round the clock)
            if n in self._held:
                self._closing.add(n)  # closes when its citizen is done
            else:
                self._close(n, at)


# ------------------------------------------------------------------------------ runs


@dataclass(frozen=True)
class SimulationResult:
    """Totals of a simulation written into a database."""

    mode: str
    days: tuple[date, ...]
    issued: int
    turned_away: int
    served: int
    dossiers: int
    no_shows: int
    left_waiting: int
    transfers: int
    tickets_written: int
    events_written: int
    seconds: float

    def text(self) -> str:
        first, last = self.days[0], self.days[-1]
        return (
            f"Simulated {count_en(len(self.days), 'day')} {first:%d/%m/%Y}–{last:%d/%m/%Y} "
            f"({self.mode}): {count_en(self.issued, 'citizen')}, "
            f"{count_en(self.dossiers, 'dossier')}, {self.served} served, "
            f"{count_en(self.no_shows, 'no-show')}, {self.left_waiting} left waiting at closing, "
            f"{count_en(self.transfers, 'transfer')}; {count_en(self.tickets_written, 'ticket')} "
            f"and {count_en(self.events_written, 'event')} written in {self.seconds:.1f} s"
        )


def _check_empty_after(store: Store, site: str, first: datetime) -> None:
    with store.read() as s:
        latest = s.scalar(select(func.max(EventRow.at)).where(EventRow.site == site))
    if latest is not None and latest >= first:
        raise SimulationError(
            f"Cơ sở dữ liệu đã có dữ liệu đến {latest:%d/%m/%Y}; mô phỏng vào cơ sở dữ liệu "
            "khác (--db) hoặc chọn ngày bắt đầu sau đó (--from)",
            f"The database already has events up to {latest:%d/%m/%Y}; simulate into another "
            "database (--db) or start after that day (--from)",
        )


def simulate_into_service(
    service: QueueService,
    clock: ManualClock,
    profile: Profile,
    days: Sequence[date],
    *,
    seed: int | str = 1,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Play the days through the real QueueService (every rule and event as at a real point)."""
    if not days:
        raise SimulationError("Không có ngày làm việc nào", "No open days to simulate")
    t0 = _time.perf_counter()
    config = service.config
    first_moment = _dt(min(_periods(config, [f.code for f in config.fields], days[0]))[0])
    _check_empty_after(service.store, service.site, first_moment)
    before_events = service.last_event_id()
    before_tickets = _count_tickets(service.store, service.site)
    backend = ServiceBackend(service, clock)
    engine = Engine(config, profile, backend)
    outcomes = []
    for i, out in enumerate(engine.run(days, lambda day: plan_day(config, profile, day, seed))):
        outcomes.append(out)
        if progress:
            progress(i + 1, len(days))
    with service.store.read() as s:
        events = int(
            s.scalar(
                select(func.count())
                .select_from(EventRow)
                .where(EventRow.site == service.site, EventRow.id > before_events)
            )
            or 0
        )
    return _result(
        "service",
        days,
        outcomes,
        _count_tickets(service.store, service.site) - before_tickets,
        events,
        t0,
    )


def _count_tickets(store: Store, site: str) -> int:
    with store.read() as s:
        return int(
            s.scalar(select(func.count()).select_from(TicketRow).where(TicketRow.site == site)) or 0
        )


def _result(
    mode: str,
    days: Sequence[date],
    outcomes: Sequence[DayOutcome],
    tickets: int,
    events: int,
    t0: float,
) -> SimulationResult:
    return SimulationResult(
        mode=mode,
        days=tuple(days),
        issued=sum(o.issued for o in outcomes),
        turned_away=sum(o.turned_away for o in outcomes),
        served=sum(o.served for o in outcomes),
        dossiers=sum(o.dossiers for o in outcomes),
        no_shows=sum(o.no_shows for o in outcomes),
        left_waiting=sum(o.left_waiting for o in outcomes),
        transfers=sum(o.transfers for o in outcomes),
        tickets_written=tickets,
        events_written=events,
        seconds=_time.perf_counter() - t0,
    )


def _table(row_class: type[Any]) -> Table:
    table = row_class.__table__
    assert isinstance(table, Table)
    return table


_TICKETS, _EVENTS, _SEQUENCES = _table(TicketRow), _table(EventRow), _table(SequenceRow)
_TICKET_COLUMNS = (
    "id",
    "site",
    "business_day",
    "field",
    "number",
    "code",
    "priority",
    "state",
    "queue_field",
    "target_counter",
    "counter",
    "issued_at",
    "sort_at",
    "called_at",
    "last_called_at",
    "serving_at",
    "completed_at",
    "recalls",
    "transfers",
    "dossiers",
)
_EVENT_COLUMNS = (
    "id",
    "at",
    "business_day",
    "kind",
    "ticket_id",
    "counter",
    "field",
    "actor",
    "site",
    "data",
)
#: Columns of a stored ticket that may still change (it was open when stored).
_MUTABLE_COLUMNS = tuple(
    c for c in _TICKET_COLUMNS[_TICKET_COLUMNS.index("state") :] if c != "issued_at"
)
_MUTABLE_AT = [(_TICKET_COLUMNS.index(c), c) for c in _MUTABLE_COLUMNS]
_TIME_COLUMNS = frozenset(
    ("issued_at", "sort_at", "called_at", "last_called_at", "serving_at", "completed_at", "at")
)


class _SqliteValues:
    """Values in the form SQLAlchemy stores them on SQLite (so reads see no difference).

    UTCDateTime keeps naive UTC text "YYYY-MM-DD HH:MM:SS.ffffff", dates are ISO text,
    booleans 0/1 and JSON is text. Converting here lets executemany skip per-value
    processing; a test checks the rows read back equal those the service writes.
    """

    def __init__(self) -> None:
        self._days: dict[int, str] = {}
        self._seconds = [
            f"{h:02d}:{m:02d}:{sec:02d}.000000"
            for h in range(24)
            for m in range(60)
            for sec in range(60)
        ]

    def time(self, at: int | None) -> str | None:
        if at is None:
            return None
        d, rest = divmod(at, 86400)
        prefix = self._days.get(d)
        if prefix is None:
            prefix = datetime.fromtimestamp(d * 86400, UTC).strftime("%Y-%m-%d ")
            self._days[d] = prefix
        return prefix + self._seconds[rest]


class _BulkWriter:
    """Stores the model's tickets and events with executemany, a chunk of days at a time."""

    def __init__(self, store: Store, config: Config, last_ticket: int, last_event: int) -> None:
        self.store = store
        self.site = config.site.id
        self.last_ticket = last_ticket
        self.last_event = last_event
        self.written: set[int] = set()
        self.tickets = 0
        self.events = 0
        self.sqlite = store.dialect == "sqlite"
        self._values = _SqliteValues()
        dialect = store.engine.dialect
        self._sql = {
            name: str(
                insert(table).values({c: bindparam(c) for c in cols}).compile(dialect=dialect)
            )
            for name, table, cols in (
                ("tickets", _TICKETS, _TICKET_COLUMNS),
                ("events", _EVENTS, _EVENT_COLUMNS),
            )
        }

    def _check_alone(self, s: Any) -> None:
        """Ids are given here, so nobody else may have written since the last chunk."""
        tickets = int(s.scalar(select(func.max(TicketRow.id))) or 0)
        events = int(s.scalar(select(func.max(EventRow.id))) or 0)
        if (tickets, events) != (self.last_ticket, self.last_event):
            raise SimulationError(
                "Có chương trình khác đang ghi vào cơ sở dữ liệu; mô phỏng nhanh cần một cơ sở "
                "dữ liệu riêng",
                "Another program wrote to the database during the bulk simulation; bulk mode "
                "needs a database of its own",
            )

    def _insert(self, s: Any, name: str, cols: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.sqlite:
            tm = self._values.time
            conv = [
                (i, tm)
                if c in _TIME_COLUMNS
                else (i, date.isoformat)
                if c == "business_day"
                else (i, json.dumps)
                if c == "data"
                else (i, int)
                if c == "priority"
                else None
                for i, c in enumerate(cols)
            ]
            todo = [x for x in conv if x is not None]
            out = []
            for r in rows:
                v = list(r)
                for i, fn in todo:
                    v[i] = fn(v[i])
                out.append(tuple(v))
            s.connection().exec_driver_sql(self._sql[name], out)
            return
        table = _TICKETS if name == "tickets" else _EVENTS
        dicts = []
        for r in rows:
            d = dict(zip(cols, r, strict=True))
            for c in _TIME_COLUMNS.intersection(d):
                d[c] = _dt(d[c]) if d[c] is not None else None
            dicts.append(d)
        s.execute(insert(table), dicts)

    def flush(self, model: ModelBackend, sequences_done: Iterable[tuple[date, str]]) -> None:
        site = self.site
        new_rows: list[tuple[Any, ...]] = []
        changed: list[dict[str, Any]] = []
        for t in model.tickets.values():
            row = (
                t.id,
                site,
                t.day,
                t.field,
                t.number,
                t.code,
                t.priority,
                t.state,
                t.queue_field,
                t.target,
                t.counter,
                t.issued,
                t.placed,
                t.called,
                t.last_called,
                t.serving,
                t.completed,
                t.recalls,
                t.transfers,
                t.dossiers,
            )
            if t.id in self.written:
                changed.append({"tid": t.id, **{c: row[i] for i, c in _MUTABLE_AT}})
            else:
                new_rows.append(row)
        first = self.last_event + 1
        events = [
            (first + i, at, day, kind, tid, counter, fld, actor, site, data)
            for i, (at, day, kind, tid, counter, fld, actor, data) in enumerate(model.events)
        ]
        done = set(sequences_done)
        sequences = [
            {"site": site, "business_day": d, "field": f, "last_number": n}
            for (d, f), n in model.sequences.items()
            if (d, f) in done
        ]
        with self.store.write() as s:
            if not self.sqlite:
                # The store's rule for event ids on PostgreSQL: insert under its lock.
                s.execute(select(func.pg_advisory_xact_lock(EVENT_LOCK_KEY)))
            self._check_alone(s)
            self._insert(s, "tickets", _TICKET_COLUMNS, new_rows)
            if changed:
                # A ticket stored while open: expired since, or finished after midnight.
                values: dict[str, Any] = {c: bindparam(f"new_{c}") for c in _MUTABLE_COLUMNS}
                s.execute(
                    update(_TICKETS).where(_TICKETS.c.id == bindparam("tid")).values(values),
                    [self._bind(row) for row in changed],
                )
            self._insert(s, "events", _EVENT_COLUMNS, events)
            if sequences:
                s.execute(insert(_SEQUENCES), sequences)
            if not self.sqlite:
                # Explicit ids leave PostgreSQL's id sequences behind: move them past ours.
                for table in ("tickets", "queue_events"):
                    s.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
                        )
                    )
        self.tickets += len(new_rows)
        self.events += len(events)
        self.last_event += len(events)
        if new_rows:
            self.last_ticket = max(self.last_ticket, max(r[0] for r in new_rows))
        self.written.update(r[0] for r in new_rows)
        model.events.clear()
        for key in done:
            model.sequences.pop(key, None)
        # Tickets still open may expire on the next day: keep those, drop the rest.
        model.forget(lambda t: t.state in _OPEN)
        self.written &= set(model.tickets)

    def _bind(self, row: dict[str, Any]) -> dict[str, Any]:
        """Times as the ORM binds them (the update goes through SQLAlchemy's own types)."""
        return {
            (k if k == "tid" else f"new_{k}"): (
                _dt(v) if k in _TIME_COLUMNS and v is not None else v
            )
            for k, v in row.items()
        }


def simulate_bulk(
    store: Store,
    config: Config,
    profile: Profile,
    days: Sequence[date],
    *,
    seed: int | str = 1,
    chunk_days: int = 10,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Play the days on the in-memory model and store them with executemany (fast)."""
    if not days:
        raise SimulationError("Không có ngày làm việc nào", "No open days to simulate")
    t0 = _time.perf_counter()
    site = config.site.id
    first_moment = _dt(min(_periods(config, [f.code for f in config.fields], days[0]))[0])
    _check_empty_after(store, site, first_moment)
    with store.read() as s:
        max_ticket = int(s.scalar(select(func.max(TicketRow.id))) or 0)
        max_event = int(s.scalar(select(func.max(EventRow.id))) or 0)
    model = ModelBackend(config, first_id=max_ticket + 1)
    writer = _BulkWriter(store, config, max_ticket, max_event)
    engine = Engine(config, profile, model)
    outcomes = []
    pending_days: list[date] = []
    for i, out in enumerate(engine.run(days, lambda day: plan_day(config, profile, day, seed))):
        outcomes.append(out)
        pending_days.append(out.day)
        if len(pending_days) >= chunk_days or i == len(days) - 1:
            # A day's numbers are final once it is over (no ticket is issued after midnight).
            done = [key for key in model.sequences if key[0] in set(pending_days)]
            writer.flush(model, done)
            pending_days.clear()
            if progress:
                progress(i + 1, len(days))
    return _result("bulk", days, outcomes, writer.tickets, writer.events, t0)


def default_days(config: Config, today: date, count: int, start: date | None) -> list[date]:
    """`count` open days from `start`, or the last `count` open days before today."""
    if count < 1:
        raise SimulationError("Số ngày phải từ 1 trở lên", "--days must be at least 1")
    if start is not None:
        return open_days(config, start, count)
    return last_open_days(config, today - timedelta(days=1), count)


def busy_centre_config(fields: int = 20, counters: int = 60, site: str = "trungtam") -> Config:
    """A district centre for benchmarks and demos: many fields, dozens of counters."""
    from kiosk.core.config import parse_config

    names = [
        ("Hộ tịch", "Civil status"),
        ("Chứng thực", "Certification"),
        ("Đất đai", "Land"),
        ("Xây dựng", "Construction"),
        ("Tư pháp", "Justice"),
        ("Lao động – Người có công – Xã hội", "Labour, merited people and social protection"),
        ("Kinh doanh – Hộ kinh doanh", "Household business"),
        ("Bảo hiểm y tế – xã hội", "Health and social insurance"),
        ("Nhận kết quả", "Collect results"),
    ]
    lines = [
        "[site]",
        f'id = "{site}"',
        'name = "Trung tâm phục vụ hành chính công"',
        'name_en = "Public Administration Service Centre"',
        "[hours]",
        'days = ["mon", "tue", "wed", "thu", "fri", "sat"]',
        'periods = ["07:30-11:30", "13:30-17:00"]',
    ]
    lines += [f"[[counters]]\nnumber = {n}" for n in range(1, counters + 1)]
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    for i in range(fields):
        vi, en = names[i % len(names)]
        suffix = f" {i // len(names) + 1}" if i >= len(names) else ""
        served = sorted(
            {(i + k * fields) % counters + 1 for k in range(3)} | {(i * 7 + 3) % counters + 1}
        )
        prefix = letters[i % 26] + (letters[i // 26 - 1] if i >= 26 else "")
        lines.append(
            f'[[fields]]\ncode = "f{i + 1:02d}"\nname = "{vi}{suffix}"\n'
            f'name_en = "{en}{suffix}"\nprefix = "{prefix}"\ncounters = {served}\n'
            f"service_minutes = {3 + (i * 5) % 7}"
        )
    return parse_config("\n".join(lines))
