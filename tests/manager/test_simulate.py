"""The simulator: reproducible, realistic, and the log always agrees with the projection."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from kiosk.core.clock import ManualClock
from kiosk.core.config import Config
from kiosk.core.errors import QueueError
from kiosk.core.model import TicketState
from kiosk.core.queue import QueueService
from kiosk.core.replay import mismatches, replay
from kiosk.core.store import Store
from kiosk.reports.arrivals import (
    Citizen,
    Profile,
    SimulationError,
    epoch,
    open_days,
    open_periods,
    plan_day,
)
from kiosk.reports.capacity import plan_capacity
from kiosk.reports.export import ExportFormat, ExportRequest, export
from kiosk.reports.history import HistoryFilter
from kiosk.reports.queue_model import ModelBackend, ServiceBackend, moment_of
from kiosk.reports.report import build_report
from kiosk.reports.shifts import plan_shifts
from kiosk.reports.simulate import (
    SimulationResult,
    busy_centre_config,
    simulate_bulk,
    simulate_into_service,
)
from tests.support import (
    ALWAYS_OPEN,
    VN,
    ServiceMachine,
    make_config,
    officers_config,
    only_backend,
    run_machine,
)

ZONE = VN

MONDAY = date(2026, 11, 2)


def _log(store: Store, config: Config) -> tuple[list[tuple], list[tuple]]:
    service = QueueService(store, config)
    tickets = [
        (t.code, t.state, t.queue_field, t.counter, t.issued_at, t.called_at, t.serving_at,
         t.completed_at, t.recalls, t.transfers, t.dossiers, t.priority, t.rating,
         t.rating_reasons, t.rating_channel, t.rated_at, t.officer)
        for t in service.tickets()
    ]  # fmt: skip
    events = [
        (e.kind, e.ticket_code, e.counter, e.field, e.at, e.business_day, e.actor, e.data,
         e.officer)
        for e in service.events_after(0, limit=1_000_000)
    ]  # fmt: skip
    return tickets, events


def _consistent(store: Store, config: Config) -> list[str]:
    service = QueueService(store, config)
    return mismatches(service.tickets(), replay(service.events_after(0, limit=1_000_000)))


def _same_and_consistent(real: Store, fast: Store, config: Config) -> None:
    """The service and the bulk model stored the same log and tickets, each consistent."""
    assert _log(real, config) == _log(fast, config)
    assert _consistent(real, config) == [] and _consistent(fast, config) == []


def test_same_seed_same_days_other_seed_other_days(
    config: Config, new_db_url: Callable[[], str]
) -> None:
    days = open_days(config, MONDAY, 2)
    logs = []
    for seed in (4, 4, 5):
        store = Store.open(new_db_url())
        simulate_bulk(store, config, Profile(citizens_per_day=60), days, seed=seed)
        logs.append(_log(store, config))
        store.close()
    assert logs[0] == logs[1]
    assert logs[0][0] != logs[2][0]


def _service_and_bulk(
    new_db_url: Callable[[], str],
    config: Config,
    profile: Profile,
    days: int,
    *,
    seed: int = 8,
    chunk_days: int = 10,
) -> tuple[Store, Store, SimulationResult, SimulationResult]:
    """The same days through the real service and through the bulk model."""
    dates = open_days(config, MONDAY, days)
    real = Store.open(new_db_url())
    clock = ManualClock(datetime(2026, 11, 1, tzinfo=UTC))
    service = QueueService(real, config, clock)
    result = simulate_into_service(service, clock, profile, dates, seed=seed)
    fast = Store.open(new_db_url())
    bulk = simulate_bulk(fast, config, profile, dates, seed=seed, chunk_days=chunk_days)
    return real, fast, result, bulk


def test_bulk_mode_writes_what_the_real_service_writes(
    config: Config, new_db_url: Callable[[], str]
) -> None:
    """Same seed: the in-memory model stores exactly the log the QueueService writes."""
    real, fast, result, bulk = _service_and_bulk(new_db_url, config, Profile(35), 2)
    assert result.issued == bulk.issued > 40
    assert result.rated == bulk.rated > 10
    assert (result.tickets_written, result.events_written) == (
        bulk.tickets_written,
        bulk.events_written,
    )
    _same_and_consistent(real, fast, config)
    tickets, events = _log(fast, config)
    # No [[officers]]: nobody is invented, nothing names one.
    assert {t[-1] for t in tickets} == {e[-1] for e in events} == {None}
    assert not {"signed_in", "signed_out"} & {e[0].value for e in events}
    real.close()
    fast.close()


def test_a_point_open_round_the_clock_is_simulated_across_midnight(
    new_db_url: Callable[[], str],
) -> None:
    """00:00-24:00: whoever is at a counter at midnight is served to the end, counted on the
    day of the ticket; service and bulk model write the same log (bulk stores open tickets at
    every midnight and finishes them later)."""
    config = make_config(**ALWAYS_OPEN)
    real, fast, result, bulk = _service_and_bulk(
        new_db_url, config, Profile(120), 3, seed=1, chunk_days=1
    )
    assert (result.issued, result.served) == (bulk.issued, bulk.served)
    _same_and_consistent(real, fast, config)
    tickets = QueueService(real, config).tickets()
    late = [
        t
        for t in tickets
        if t.completed_at is not None
        and t.completed_at.astimezone(config.zone).date() > t.business_day
    ]
    assert late, "nobody was at a counter at midnight: choose another seed"
    assert {t.state for t in tickets} <= {
        TicketState.COMPLETED,
        TicketState.EXPIRED,
        TicketState.NO_SHOW,
    }
    assert result.served == sum(t.state is TicketState.COMPLETED for t in tickets)
    real.close()
    fast.close()


def _signs(store: Store, config: Config) -> list[tuple[str, int, str, date, dict, str | None]]:
    """The sign-in and sign-out events: (local time, counter, kind, business day, data,
    officer)."""
    return [
        (f"{e.at.astimezone(ZONE):%d %H:%M}", e.counter, e.kind.value, e.business_day, e.data,
         e.officer)
        for e in QueueService(store, config).events_after(0, limit=1_000_000)
        if e.kind.value in ("signed_in", "signed_out")
    ]  # fmt: skip


def test_officers_work_shifts_and_the_bulk_model_writes_what_the_service_writes(
    new_db_url: Callable[[], str],
) -> None:
    """With [[officers]], each counter's periods begin with a sign-in (the next officer after
    lunch where there are two), only staffed counters call, every call names its officer, and
    the day's close signs out; the model writes the very log of the service (moves and shift
    changes included), and Minh's PIN is not asked of the simulator."""
    config = officers_config()
    real, fast, result, bulk = _service_and_bulk(new_db_url, config, Profile(60), 2)
    assert result.issued == bulk.issued > 60
    _same_and_consistent(real, fast, config)
    signs = _signs(real, config)
    monday = [s[:3] + s[4:] for s in signs if s[0].startswith("02") and s[1] in (1, 2)]
    assert monday == [
        ("02 07:30", 1, "signed_in", {}, "minh"),
        ("02 07:30", 2, "signed_in", {}, "lan"),
        ("02 13:30", 2, "signed_out", {"reason": "moved", "to_counter": 1}, "lan"),
        ("02 13:30", 1, "signed_out", {"reason": "shift_change", "by": "lan"}, "minh"),
        ("02 13:30", 1, "signed_in", {}, "lan"),
        ("02 13:30", 2, "signed_in", {}, "minh"),
        ("02 17:30", 1, "signed_out", {"reason": "counter_closed"}, "lan"),
        ("02 17:30", 2, "signed_out", {"reason": "counter_closed"}, "minh"),
    ]
    service = QueueService(real, config)
    calls = [e for e in service.events_after(0, limit=100_000) if e.kind.value == "called"]
    assert calls and all(e.officer is not None for e in calls)
    # Lan cannot be at counters 1-6 at once: the counters nobody staffs do not call.
    assert {e.counter for e in calls} == {1, 2, 3}
    served = {t.officer for t in service.tickets() if t.completed_at is not None}
    assert served == {"lan", "minh", "hoa"}
    report = build_report(real, config, HistoryFilter(MONDAY, MONDAY + timedelta(days=1)))
    assert [o.key for o in report.officers] == ["lan", "minh", "hoa"]
    real.close()
    fast.close()


@pytest.mark.parametrize(
    "periods",
    [
        pytest.param('["00:00-24:00"]', id="round-the-clock"),
        pytest.param('["00:00-06:00", "22:00-24:00"]', id="night-shift"),
    ],
)
def test_a_sign_in_ends_with_its_business_day_in_the_model_as_in_the_service(
    new_db_url: Callable[[], str], periods: str
) -> None:
    """Open across midnight: each day's first period signs in anew; core signs the sign-in of
    the day before out (on that day) at the counter's first write after midnight, and the
    bulk model, stored a day at a time, writes the same."""
    hours = {**ALWAYS_OPEN, 'periods = ["07:30-11:30", "13:30-17:00"]': f"periods = {periods}"}
    config = officers_config(**hours)
    real, fast, result, bulk = _service_and_bulk(
        new_db_url, config, Profile(120), 3, seed=1, chunk_days=1
    )
    assert (result.issued, result.served) == (bulk.issued, bulk.served)
    _same_and_consistent(real, fast, config)
    signs = _signs(real, config)
    ended = [s for s in signs if s[4] == {"reason": "day_end"}]
    assert ended and all(s[3] == MONDAY + timedelta(days=int(s[0][:2]) - 3) for s in ended)
    for day in ("02", "03", "04"):
        assert {s[1] for s in signs if s[0] == f"{day} 00:00" and s[2] == "signed_in"} == {1, 2, 3}
    assert signs[-1][2] == "signed_out"  # nobody is left signed in when the days are over
    real.close()
    fast.close()


def test_the_busy_centres_officers_take_turns_at_each_counter() -> None:
    """Two officers a counter (the benchmark's centre): the other one after lunch, each on
    one counter, and the same shifts for the same day."""
    config = busy_centre_config(fields=6, counters=8)
    periods = {
        c.number: open_periods(config, config.fields_of_counter(c.number), MONDAY)
        for c in config.counters
    }
    shifts = plan_shifts(config, periods, MONDAY, 1800)
    assert shifts == plan_shifts(config, periods, MONDAY, 1800)
    by_counter: dict[int, list[str]] = {}
    for s in shifts:
        by_counter.setdefault(s.counter, []).append(s.officer)
    assert set(by_counter) == {n for n, spans in periods.items() if spans}
    assert len(by_counter) >= 6
    for n, officers in by_counter.items():
        assert len(officers) == 2 and len(set(officers)) == 2
        assert {o.id for o in config.officers_at(n)} == set(officers)
    tuesday = plan_shifts(config, periods, MONDAY + timedelta(days=1), 1800)
    assert [s.officer for s in tuesday] != [s.officer for s in shifts]  # turns change daily


def test_capacity_planning_counts_counters_not_who_staffs_them(config: Config) -> None:
    profile = Profile(citizens_per_day=110)
    staffed = plan_capacity(officers_config(), profile, 3, seed=1)
    assert staffed.text() == plan_capacity(config, profile, 3, seed=1).text()


def test_simulated_citizens_rate_as_their_wait_went(config: Config, store: Store) -> None:
    """About 60 % of the served rate, 30 % of them on the phone; those who waited beyond the
    target are less satisfied and name the long wait; every rating keeps core's rules."""
    days = open_days(config, MONDAY, 20)
    result = simulate_bulk(store, config, Profile(citizens_per_day=150), days, seed=3)
    tickets = [t for t in QueueService(store, config).tickets() if t.completed_at is not None]
    rated = [t for t in tickets if t.rating is not None]
    assert len(rated) == result.rated
    assert 0.55 < len(rated) / len(tickets) < 0.65
    phone = sum(t.rating_channel == "phone" for t in rated)
    assert 0.25 < phone / len(rated) < 0.35
    window = timedelta(minutes=config.ratings.window_minutes)
    assert all(t.completed_at <= t.rated_at < t.completed_at + window for t in rated)  # type: ignore[operator]
    target = timedelta(minutes=config.reports.wait_target_minutes)

    def satisfied(group: list) -> float:
        return sum(t.rating in ("very_satisfied", "satisfied") for t in group) / len(group)

    quick = [t for t in rated if t.called_at - t.issued_at <= target]
    slow = [t for t in rated if t.called_at - t.issued_at > 2 * target]
    assert len(slow) > 30, "choose a busier profile: too few long waits to compare"
    assert satisfied(quick) > 0.8 > 0.6 > satisfied(slow)
    named = Counter(
        r for t in slow if t.rating not in ("very_satisfied", "satisfied") for r in t.rating_reasons
    )
    assert named.most_common(1)[0][0] == config.ratings.reasons[0]
    report = build_report(store, config, HistoryFilter(days[0], days[-1]), today=days[-1])
    assert report.satisfaction is not None and report.satisfaction.rated == len(rated)


def test_a_simulated_day_looks_like_a_commune_point(config: Config) -> None:
    citizens = [c for d in open_days(config, MONDAY, 10) for c in plan_day(config, Profile(), d, 1)]
    assert 600 < len(citizens) < 900  # about 72 a day, Mondays busier, Saturdays quieter
    zone = config.zone
    hours = Counter(datetime.fromtimestamp(c.arrival, zone).hour for c in citizens)
    assert set(hours) <= {7, 8, 9, 10, 11, 13, 14, 15, 16}  # only inside opening hours
    assert hours[8] == max(hours.values())  # the morning peak
    assert hours[8] + hours[9] > hours[14] + hours[15]
    fields = Counter(c.field for c in citizens)
    assert fields.most_common(1)[0][0] == "chungthuc"
    assert 0.03 < sum(c.priority for c in citizens) / len(citizens) < 0.15
    assert 1.3 < sum(c.dossiers for c in citizens) / len(citizens) < 1.8  # 110 / 72 ≈ 1.5


def test_bulk_refuses_a_database_with_later_events(simulated: tuple) -> None:
    store, config, days = simulated
    with pytest.raises(SimulationError, match="already has events"):
        simulate_bulk(store, config, Profile(), days[:1], seed=1)


def test_capacity_plan_compares_one_counter_more_and_less(config: Config) -> None:
    plan = plan_capacity(config, Profile(citizens_per_day=110), 5, seed=1, counters=6)
    assert (plan.now.counters, plan.more.counters, plan.fewer.counters) == (6, 7, 5)  # type: ignore[union-attr]
    assert plan.more.total.p90 <= plan.now.total.p90 <= plan.fewer.total.p90  # type: ignore[operator, union-attr]
    assert [f.code for f in plan.now.fields] == [f.code for f in config.fields]
    text = plan.text()
    assert "Capacity plan: 110 citizens a day over 5 working days" in text
    assert "6 counters*" in text and "7 counters: +1 for" in text
    assert "Chưa được phục vụ/ngày" in plan.text("vi")
    fewer = plan_capacity(config, Profile(citizens_per_day=110), 5, seed=1, counters=5)
    assert fewer.now.counters == 5 and fewer.now.score() == plan.fewer.score()  # type: ignore[union-attr]


def test_capacity_cannot_drop_below_one_counter_per_field(config: Config) -> None:
    with pytest.raises(SimulationError, match="every field needs a counter"):
        plan_capacity(config, Profile(), 2, counters=2)


@only_backend("postgresql")
def test_bulk_export_and_report_on_postgresql(store: Store, config: Config, tmp_path: Path) -> None:
    """PostgreSQL: bulk rows keep the id sequences right; exports stream from the server."""
    days = open_days(config, MONDAY, 2)
    simulate_bulk(store, config, Profile(citizens_per_day=50), days, seed=6)
    assert _consistent(store, config) == []
    clock = ManualClock(datetime(2026, 11, 5, 1, 0, tzinfo=UTC))
    QueueService(store, config, clock).issue("hotich")  # the sequence continues past bulk ids
    flt = HistoryFilter(days[0], days[-1])
    report = build_report(store, config, flt, today=date(2026, 11, 5))
    result = export(
        store, config, ExportRequest(flt, ExportFormat.CSV, tmp_path / "t.csv"), batch_size=17
    )
    assert result.rows == report.total.tickets
    lines = (tmp_path / "t.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].split(",")[5].endswith("+07:00")
    events = export(
        store,
        config,
        ExportRequest(flt, ExportFormat.JSONL, tmp_path / "e.jsonl", events=True),
    )
    assert events.rows > result.rows


# ------------------------------------------------------------------ the model is the service


def _citizen(field: str, priority: bool, at: int) -> Citizen:
    return Citizen(at, field, priority, 0, 0, 1, 0, 0, False, None, None)


#: A short priority burst, so the machine meets the policy's turns within a few calls.
SHORT_BURST = {"priority_burst = 3": "priority_burst = 2"}


class ModelMatchesService(ServiceMachine):
    """The same actions on the real service and on the simulator's model: the same tickets
    called, the same refusals, the same event log (the bulk writer stores that log)."""

    def __init__(self, config: Config | None = None) -> None:
        super().__init__(config or make_config(**ALWAYS_OPEN, **SHORT_BURST))
        self.now = epoch(self.clock.now())
        self.real = ServiceBackend(self.svc, self.clock)
        self.model = ModelBackend(self.svc.config)

    def both(self, action: str, *args: object, **kw: object) -> object:
        """Do `action` on both; they agree on its result or both refuse it."""
        outcomes = []
        for backend in (self.real, self.model):
            try:
                outcomes.append(("ok", getattr(backend, action)(*args, **kw)))
            except QueueError as exc:
                outcomes.append(("refused", type(exc).__name__))
        assert outcomes[0][0] == outcomes[1][0], (action, args, outcomes)
        if outcomes[0][0] == "ok":
            assert outcomes[0] == outcomes[1], (action, args, outcomes)
        return outcomes[0][1]

    @rule(field=st.sampled_from(["hotich", "chungthuc", "tuphap"]), priority=st.booleans())
    def issue(self, field: str, priority: bool) -> None:
        self.both("issue", _citizen(field, priority, self.now), self.now)

    @rule(
        citizens=st.lists(
            st.tuples(st.sampled_from(["hotich", "chungthuc", "tuphap"]), st.booleans()),
            min_size=2,
            max_size=8,
        )
    )
    def a_crowd_arrives(self, citizens: list[tuple[str, bool]]) -> None:
        for field, priority in citizens:
            self.both("issue", _citizen(field, priority, self.now), self.now)

    @rule(counter=st.sampled_from([1, 2, 3]), times=st.integers(1, 4))
    def call_next(self, counter: int, times: int) -> None:
        for _ in range(times):
            self.both("call_next", counter, self.now)

    @rule(action=st.sampled_from(["recall", "skip", "start"]), counter=st.sampled_from([1, 2, 3]))
    def clerk(self, action: str, counter: int) -> None:
        self.both(action, counter, self.now)

    @rule(counter=st.sampled_from([1, 2, 3]), dossiers=st.integers(0, 3))
    def complete(self, counter: int, dossiers: int) -> None:
        self.both("complete", counter, dossiers, self.now)

    @rule(counter=st.sampled_from([1, 2, 3]), field=st.sampled_from(["hotich", "tuphap"]))
    def transfer_to_a_field(self, counter: int, field: str) -> None:
        self.both("transfer", counter, self.now, to_field=field)

    @rule(counter=st.sampled_from([1, 2, 3]), to=st.sampled_from([1, 2, 3, 4]))
    def transfer_to_a_counter(self, counter: int, to: int) -> None:
        if to != counter:
            self.both("transfer", counter, self.now, to_counter=to)

    @rule(data=st.data())
    def return_a_skipped(self, data: st.DataObject) -> None:
        skipped = [t for t in self.model.tickets.values() if t.state == "skipped"]
        codes = [t.code for t in skipped]
        unique = [t.id for t in skipped if codes.count(t.code) == 1]  # codes name tickets
        if unique:
            self.both("return_skipped", data.draw(st.sampled_from(unique)), self.now)

    @rule(counter=st.sampled_from([1, 2, 3]))
    def close(self, counter: int) -> None:
        self.both("close_counter", counter, self.now)

    @rule(minutes=st.integers(0, 30))
    def time_passes(self, minutes: int) -> None:
        self.now += minutes * 60

    @rule(field=st.sampled_from(["hotich", "chungthuc"]))
    def past_midnight(self, field: str) -> None:
        """The next day begins with a ticket (the first write of the day, for both at once)."""
        day = datetime.fromtimestamp(self.now, ZONE).date() + timedelta(days=1)
        self.now = epoch(datetime.combine(day, time(0, 1), tzinfo=ZONE))
        self.both("issue", _citizen(field, False, self.now), self.now)

    @invariant()
    def the_logs_are_the_same(self) -> None:
        real = [
            (
                e.at,
                e.business_day,
                e.kind.value,
                e.ticket_id,
                e.counter,
                e.field,
                e.actor,
                e.data,
                e.officer,
            )
            for e in self.svc.events_after(0, limit=100_000)
        ]
        model = [(moment_of(at), *rest) for at, *rest in self.model.events]
        assert real == model


def test_the_simulators_model_calls_in_the_same_order_as_the_service(
    new_db_url: Callable[[], str],
) -> None:
    run_machine(ModelMatchesService, new_db_url, "sqlite", examples=60, steps=40)


class StaffedModelMatchesService(ModelMatchesService):
    """The same, at a point whose officers sign in and out: refused calls, shift changes,
    moves between counters, closing, and sign-ins of an earlier day ended at midnight."""

    def __init__(self) -> None:
        super().__init__(officers_config(**ALWAYS_OPEN, **SHORT_BURST))

    @rule(counter=st.sampled_from([1, 2, 3]), officer=st.sampled_from(["lan", "minh", "hoa"]))
    def sign_in(self, counter: int, officer: str) -> None:
        self.both("sign_in", counter, officer, self.now)

    @rule(counter=st.sampled_from([1, 2, 3]))
    def sign_out(self, counter: int) -> None:
        self.both("sign_out", counter, self.now)

    @invariant()
    def the_tickets_name_the_same_officers(self) -> None:
        real = {t.id: t.officer for t in self.svc.tickets()}
        assert real == {key: t.officer for key, t in self.model.tickets.items()}


def test_the_simulators_model_signs_officers_in_and_out_as_the_service(
    new_db_url: Callable[[], str],
) -> None:
    run_machine(StaffedModelMatchesService, new_db_url, "sqlite", examples=60, steps=50)
