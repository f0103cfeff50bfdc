"""Manager fixtures: a scripted day with known times, simulated history, a qasync loop."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.core.clock import ManualClock
from kiosk.core.config import Config
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.reports.arrivals import Profile, open_days
from kiosk.reports.simulate import simulate_bulk
from tests.support import local

#: The procedures two scripted tickets were taken for: a national code, and a name (a
#: procedure without a code) with the characters CSV must quote.
CERTIFIED_COPY = "2.000815"
BIRTH = 'Khai sinh, "lưu động"'

#: The scripted days (Monday and Tuesday) and a day after them.
DAY1, DAY2, AFTER = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)


def script_two_days(service: QueueService, clock: ManualClock) -> None:
    """Six citizens with hand-picked times; tests/manager/test_exact_day.py has the answers."""
    clock.set(local(2026, 11, 23, 8, 0, 0))
    service.issue("hotich")  # A001
    clock.set(local(2026, 11, 23, 8, 1, 0))
    service.issue("hotich")  # A002
    clock.set(local(2026, 11, 23, 8, 2, 0))
    service.issue("chungthuc", priority=True, procedure=CERTIFIED_COPY)  # B001
    clock.set(local(2026, 11, 23, 8, 3, 0))
    service.issue("hotich", procedure=BIRTH)  # A003
    clock.set(local(2026, 11, 23, 8, 5, 0))
    assert service.call_next(1).code == "A001"
    clock.set(local(2026, 11, 23, 8, 5, 30))
    assert service.call_next(2).code == "B001"  # priority first
    clock.set(local(2026, 11, 23, 8, 6, 0))
    service.start_service(1)
    clock.set(local(2026, 11, 23, 8, 7, 0))
    service.start_service(2)
    clock.set(local(2026, 11, 23, 8, 12, 0))
    service.complete(2, dossiers=3)
    clock.set(local(2026, 11, 23, 8, 13, 0))
    assert service.call_next(2).code == "A002"
    clock.set(local(2026, 11, 23, 8, 14, 0))
    service.recall(2)
    clock.set(local(2026, 11, 23, 8, 15, 0))
    service.skip(2)  # A002: no-show
    clock.set(local(2026, 11, 23, 8, 16, 0))
    a001 = service.complete(1, dossiers=2)
    clock.set(local(2026, 11, 23, 8, 16, 30))
    service.rate(a001.id, "dissatisfied", channel="phone", reasons=("Chờ lâu", "Khác"))
    clock.set(local(2026, 11, 23, 8, 17, 0))
    assert service.call_next(1).code == "A003"
    clock.set(local(2026, 11, 23, 8, 18, 0))
    service.transfer(1, to_field="ketqua")  # wrong field: sent to "Nhận kết quả"
    clock.set(local(2026, 11, 23, 8, 20, 0))
    assert service.call_next(6).code == "A003"
    clock.set(local(2026, 11, 23, 8, 21, 0))
    service.complete(6, dossiers=1)  # never pressed "start": service from the call
    clock.set(local(2026, 11, 23, 8, 30, 0))
    service.issue("datdai")  # C001: never called, expires overnight
    clock.set(local(2026, 11, 24, 7, 45, 0))
    service.issue("tuphap")  # E001 (this write expires C001 and A002)
    clock.set(local(2026, 11, 24, 7, 50, 0))
    assert service.call_next(3).code == "E001"
    clock.set(local(2026, 11, 24, 7, 58, 0))
    service.complete(3)


@pytest.fixture
def scripted(service: QueueService, clock: ManualClock) -> QueueService:
    script_two_days(service, clock)
    return service


@pytest.fixture
def simulated(store: Store, config: Config) -> tuple[Store, Config, list[date]]:
    """Five simulated days of the Trần Phú point (bulk mode, seed 3)."""
    days = open_days(config, date(2026, 11, 2), 5)
    simulate_bulk(store, config, Profile(citizens_per_day=110), days, seed=3)
    return store, config, days
