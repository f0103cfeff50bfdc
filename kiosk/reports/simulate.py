"""Simulated days of a service point, for demos, tests, benchmarks and capacity planning.

One discrete-event engine plays a day: citizens arrive (morning peak, field mix, priority
share), counters call the next ticket, citizens walk up or fail to come (recalls, then a skip;
some come back), get served for a field-specific time, sometimes get sent to another field.
The engine (here) drives a *backend* (`kiosk.reports.queue_model`):

- `ServiceBackend`: the real `QueueService` on a `ManualClock` — every rule, transaction and
  event exactly as at a real point (a few milliseconds per operation).
- `ModelBackend`: the same queue rules in memory, choosing by core's one call order. It feeds
  the capacity planner (no database) and the bulk writer (`kiosk.reports.bulk_writer`), which
  stores its tickets and events with executemany inside the store: a year of a busy centre in
  about a minute, the log and the `tickets` projection agreeing exactly.

Who comes when is planned in `kiosk.reports.arrivals`.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import time as _time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from kiosk.core.clock import ManualClock
from kiosk.core.config import Config
from kiosk.core.queue import QueueService
from kiosk.core.schema import EventRow, TicketRow
from kiosk.core.store import Store
from kiosk.core.texts import Text, vietnamese_only
from kiosk.core.wording import count_en
from kiosk.reports.arrivals import (
    Citizen,
    Profile,
    SimulationError,
    epoch,
    last_open_days,
    open_days,
    open_periods,
    plan_day,
    simulated_rating,
)
from kiosk.reports.bulk_writer import BulkWriter
from kiosk.reports.queue_model import ModelBackend, QueueBackend, ServiceBackend, moment_of
from kiosk.reports.shifts import plan_shifts

log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------ the engine

_TRY, _ARRIVE, _RECALL, _RETURN, _WALKED_UP, _DONE, _CLOSE, _RATE, _SHIFT = range(9)


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
    #: Served citizens who rated the service.
    rated: int = 0
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

    With officers configured, each period of a counter begins with its shift's sign-in
    (`kiosk.reports.shifts`), a counter calls only while someone's sign-in holds there (of
    today: core signs a sign-in of an earlier day out), and the counter's close at the end of
    the day signs its officer out (one who signed in but never opened it signs out).
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
        self.target = round(config.reports.wait_target_minutes * 60)
        self.reasons = tuple(config.ratings.reasons)
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
        #: Seconds from issue to the first call, of tickets called and not yet finished.
        self._waited: dict[int, int] = {}
        # Per counter.
        self._held: dict[int, int] = {}
        self._recalls: dict[int, int] = {}
        self._busy_since: dict[int, int] = {}
        self._open: set[int] = set()
        self._closing: set[int] = set()
        #: Per counter, the officer signed in there and the day they signed in.
        self._signed: dict[int, tuple[str, date]] = {}
        self.staffed = bool(config.officers)

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
        periods = {n: open_periods(self.config, fs, day) for n, fs in self.layout.items()}
        shifts = {
            (s.counter, s.start): s.officer
            for s in plan_shifts(self.config, periods, day, self.grace)
        }
        for n, spans in periods.items():
            # Periods that ended with their grace before this day are of no use any more.
            kept = [(s, e) for s, e in self._windows[n] if e + self.grace > start]
            self._windows[n] = kept + spans
            for s, _e in spans:
                officer = shifts.get((n, s))
                if officer is None:
                    self._push(s, _TRY, n)
                else:
                    self._push(s, _SHIFT, (n, officer))
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
        for n in sorted(self._open | set(self._signed)):
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
        self._waited.pop(key, None)
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
            self.backend.close_counter(n, at)  # and signs its officer out
            self._signed.pop(n, None)
        elif self._signed.pop(n, None) is not None:
            self.backend.sign_out(n, at)  # signed in all day, nobody came to this counter

    def _on_duty(self, n: int) -> bool:
        """Someone may call at counter `n`: officers are off, or a sign-in of today holds."""
        if not self.staffed:
            return True
        signed = self._signed.get(n)
        return signed is not None and signed[1] == self._day

    def _sign_in(self, n: int, officer: str, at: int) -> None:
        """A shift begins: `officer` signs in at `n`, leaving any other counter."""
        self.backend.sign_in(n, officer, at)
        for m in [m for m, (o, _day) in self._signed.items() if o == officer and m != n]:
            del self._signed[m]
        assert self._day is not None
        self._signed[n] = (officer, self._day)

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
            if not self._on_duty(n):
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
                self._waited[key] = at - c.arrival
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
            if c.rating is not None:
                level, reasons = simulated_rating(c, self._waited[key], self.target, self.reasons)
                self._push(at + c.rating_delay, _RATE, (key, n, level, reasons, c.rating_phone))
                out.rated += 1
            self._release(n, at)
            self._forget(key)
            self._push(at + c.wrap_up, _TRY, n)
        elif kind == _SHIFT:
            n, officer = arg
            self._sign_in(n, officer, at)
            self._handle(at, _TRY, n)
        elif kind == _RATE:
            key, n, level, reasons, phone = arg
            self.backend.rate(key, at, level=level, reasons=reasons, phone=phone, counter=n)
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
    rated: int = 0

    def text(self) -> str:
        first, last = self.days[0], self.days[-1]
        return (
            f"Simulated {count_en(len(self.days), 'day')} {first:%d/%m/%Y}–{last:%d/%m/%Y} "
            f"({self.mode}): {count_en(self.issued, 'citizen')}, "
            f"{count_en(self.dossiers, 'dossier')}, {self.served} served, "
            f"{count_en(self.no_shows, 'no-show')}, {self.left_waiting} left waiting at closing, "
            f"{count_en(self.transfers, 'transfer')}, {count_en(self.rated, 'rating')}; "
            f"{count_en(self.tickets_written, 'ticket')} "
            f"and {count_en(self.events_written, 'event')} written in {self.seconds:.1f} s"
        )


def check_fresh(store: Store, config: Config, days: Sequence[date]) -> None:
    """Refuse to simulate days of a point whose log in `store` already reaches them (other
    points' rows do not matter: a staging database holds a whole city)."""
    if not days:
        raise SimulationError("Không có ngày làm việc nào", "No open days to simulate")
    codes = [f.code for f in config.fields]
    _check_empty_after(
        store, config.site.id, moment_of(min(open_periods(config, codes, days[0]))[0])
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
    t0 = _time.perf_counter()
    config = service.config
    check_fresh(service.store, config, days)
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
        rated=sum(o.rated for o in outcomes),
        tickets_written=tickets,
        events_written=events,
        seconds=_time.perf_counter() - t0,
    )


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
    t0 = _time.perf_counter()
    check_fresh(store, config, days)
    with store.read() as s:
        max_ticket = int(s.scalar(select(func.max(TicketRow.id))) or 0)
        max_event = int(s.scalar(select(func.max(EventRow.id))) or 0)
    model = ModelBackend(config, first_id=max_ticket + 1)
    writer = BulkWriter(store, config, max_ticket, max_event)
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


#: Names of the busy centre's officers: family, middle and given names, combined so that no
#: two of a few hundred officers share a name.
_FAMILY = vietnamese_only("Nguyễn Trần Lê Phạm Hoàng Vũ Đặng Bùi Đỗ Hồ").split()
_MIDDLE = vietnamese_only("Văn Thị Minh Thu Quang Ngọc Đức").split()
_GIVEN = vietnamese_only(
    "An Bình Chi Dũng Hà Hải Hương Khánh Lan Linh Long Mai Nam Phương Quân Sơn Tâm Thảo Tuấn"
).split()


def officer_name(i: int) -> str:
    """The name of simulated officer number `i`: no two of the first 1,330 share one."""
    family, middle, given = (names[i % len(names)] for names in (_FAMILY, _MIDDLE, _GIVEN))
    return f"{family} {middle} {given}"


def busy_centre_config(
    fields: int = 20, counters: int = 60, site: str = "trungtam", officers_per_counter: int = 2
) -> Config:
    """A district centre for benchmarks and demos: many fields, dozens of counters, and
    `officers_per_counter` officers for each counter (who take turns: a shift each period)."""
    from kiosk.core.config import parse_config

    centre = Text("Trung tâm phục vụ hành chính công", "Public Administration Service Centre")
    names = [
        Text("Hộ tịch", "Civil status"),
        Text("Chứng thực", "Certification"),
        Text("Đất đai", "Land"),
        Text("Xây dựng", "Construction"),
        Text("Tư pháp", "Justice"),
        Text("Lao động – Người có công – Xã hội", "Labour, merited people and social protection"),
        Text("Kinh doanh – Hộ kinh doanh", "Household business"),
        Text("Bảo hiểm y tế – xã hội", "Health and social insurance"),
        Text("Nhận kết quả", "Collect results"),
    ]
    lines = [
        "[site]",
        f'id = "{site}"',
        f'name = "{centre.vi}"',
        f'name_en = "{centre.en}"',
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
    for n in range(1, counters + 1):
        for k in range(officers_per_counter):
            i = (n - 1) * officers_per_counter + k
            lines.append(
                f'[[officers]]\nid = "cb{i + 1:03d}"\nname = "{officer_name(i)}"\ncounters = [{n}]'
            )
    return parse_config("\n".join(lines))
