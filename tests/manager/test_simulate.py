"""The simulator: reproducible, realistic, and the log always agrees with the projection."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kiosk.core.clock import ManualClock
from kiosk.core.config import Config
from kiosk.core.queue import QueueService
from kiosk.core.replay import mismatches, replay
from kiosk.core.store import Store
from kiosk.manager.capacity import plan_capacity
from kiosk.manager.export import ExportFormat, ExportRequest, export
from kiosk.manager.history import HistoryFilter
from kiosk.manager.report import build_report
from kiosk.manager.simulate import (
    Profile,
    SimulationError,
    open_days,
    plan_day,
    simulate_bulk,
    simulate_into_service,
)
from tests.support import only_backend

MONDAY = date(2026, 11, 2)


def _log(store: Store, config: Config) -> tuple[list[tuple], list[tuple]]:
    service = QueueService(store, config)
    tickets = [
        (t.code, t.state, t.queue_field, t.counter, t.issued_at, t.called_at, t.serving_at,
         t.completed_at, t.recalls, t.transfers, t.dossiers, t.priority)
        for t in service.tickets()
    ]  # fmt: skip
    events = [
        (e.kind, e.ticket_code, e.counter, e.field, e.at, e.business_day, e.actor, e.data)
        for e in service.events_after(0, limit=1_000_000)
    ]
    return tickets, events


def _consistent(store: Store, config: Config) -> list[str]:
    service = QueueService(store, config)
    return mismatches(service.tickets(), replay(service.events_after(0, limit=1_000_000)))


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


def test_bulk_mode_writes_what_the_real_service_writes(
    config: Config, new_db_url: Callable[[], str]
) -> None:
    """Same seed: the in-memory model stores exactly the log the QueueService writes."""
    days = open_days(config, MONDAY, 2)
    profile = Profile(citizens_per_day=35)
    real = Store.open(new_db_url())
    clock = ManualClock(datetime(2026, 11, 1, tzinfo=UTC))
    result = simulate_into_service(QueueService(real, config, clock), clock, profile, days, seed=8)
    fast = Store.open(new_db_url())
    bulk = simulate_bulk(fast, config, profile, days, seed=8)
    assert result.issued == bulk.issued > 40
    assert (result.tickets_written, result.events_written) == (
        bulk.tickets_written,
        bulk.events_written,
    )
    assert _log(real, config) == _log(fast, config)
    assert _consistent(real, config) == [] and _consistent(fast, config) == []
    real.close()
    fast.close()


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
