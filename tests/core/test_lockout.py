"""One lockout for PINs and passwords: growing delays, kept in the database, both backends."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import sqlalchemy as sa

from kiosk.core.clock import ManualClock
from kiosk.core.database import head_revision, upgrade
from kiosk.core.lockout import (
    ADMIN_SCOPE,
    WEB_MANAGE_SCOPE,
    Lockout,
    lock_delay,
    lock_message,
)
from kiosk.core.model import EventKind
from kiosk.core.pin import hash_pin
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from tests.support import migrated_to

FAST = 1_000
PIN = "246810"
STORED = hash_pin(PIN, iterations=FAST)


def _lockout(service: QueueService) -> Lockout:
    return Lockout(service.store, service.site, service.business_day, service.clock)


def test_delays_grow_from_one_minute_to_an_hour() -> None:
    assert [lock_delay(n) for n in range(5)] == [0, 0, 0, 0, 0]
    assert [lock_delay(n) for n in (5, 6, 7, 8)] == [60, 120, 240, 480]
    assert lock_delay(11) == 3600 and lock_delay(10_000) == 3600


def test_five_wrong_tries_lock_even_the_right_pin_and_the_lock_grows(
    service: QueueService, clock: ManualClock
) -> None:
    lockout = _lockout(service)
    for n in range(1, 5):
        tried = lockout.attempt(ADMIN_SCOPE, "111111", STORED, actor="kiosk")
        assert not tried.ok and tried.state.locked_seconds == 0
        assert tried.state.tries_left == 5 - n
    fifth = lockout.attempt(ADMIN_SCOPE, "111111", STORED, actor="kiosk")
    assert fifth.state.locked_seconds == 60
    # Locked: the right PIN is refused without being checked, and is not counted.
    right = lockout.attempt(ADMIN_SCOPE, PIN, STORED, actor="kiosk")
    assert (right.ok, right.checked, right.state.locked_seconds) == (False, False, 60)
    clock.advance(seconds=59)
    assert lockout.state(ADMIN_SCOPE).locked_seconds == 1
    clock.advance(seconds=1)
    sixth = lockout.attempt(ADMIN_SCOPE, "222222", STORED, actor="kiosk")
    assert sixth.state.locked_seconds == 120  # doubled
    clock.advance(seconds=120)
    assert lockout.attempt(ADMIN_SCOPE, PIN, STORED, actor="kiosk").ok
    assert lockout.state(ADMIN_SCOPE).failures == 0  # the right PIN starts the count again


def test_a_restart_keeps_the_lock_and_scopes_are_separate(
    db_url: str, service: QueueService, clock: ManualClock
) -> None:
    lockout = _lockout(service)
    for _ in range(5):
        lockout.failed(ADMIN_SCOPE, actor="kiosk")
    other = Store.open(db_url)  # another process, or the same one after a restart
    try:
        again = Lockout(other, service.site, service.business_day, clock)
        assert again.state(ADMIN_SCOPE).locked_seconds == 60
        assert again.state(WEB_MANAGE_SCOPE).locked_seconds == 0
        assert (
            Lockout(other, "another-site", service.business_day, clock).state(ADMIN_SCOPE).failures
            == 0
        )
    finally:
        other.close()


def test_a_clock_set_back_never_locks_longer_than_the_lock(
    service: QueueService, clock: ManualClock
) -> None:
    lockout = _lockout(service)
    for _ in range(5):
        lockout.failed(ADMIN_SCOPE, actor="kiosk")
    clock.advance(hours=-5)  # another PC's clock far behind, or the clock was set back
    assert lockout.state(ADMIN_SCOPE).locked_seconds == 60


def test_each_wrong_try_is_logged_without_the_pin(service: QueueService) -> None:
    lockout = _lockout(service)
    for _ in range(5):
        lockout.attempt(WEB_MANAGE_SCOPE, "s3cret-guess-246810", STORED, actor="web")
    events = [e for e in service.events_after(0) if e.kind is EventKind.PIN_FAILED]
    assert [e.data["failures"] for e in events] == [1, 2, 3, 4, 5]
    assert events[-1].data == {"scope": "web:manage", "failures": 5, "locked_seconds": 60.0}
    assert {e.actor for e in events} == {"web"}
    logged = json.dumps([e.data for e in events])
    assert "246810" not in logged and "guess" not in logged


def test_two_processes_failing_at_once_both_count(db_url: str, service: QueueService) -> None:
    script = textwrap.dedent(
        f"""
        from kiosk.core.lockout import Lockout
        from kiosk.core.store import Store
        store = Store.open({db_url!r})
        lockout = Lockout(store, {service.site!r}, lambda now: now.date())
        for _ in range(20):
            lockout.failed("admin", actor="race")
        """
    )
    racers = [subprocess.Popen([sys.executable, "-c", script]) for _ in range(2)]
    assert [r.wait(timeout=120) for r in racers] == [0, 0]
    assert _lockout(service).state(ADMIN_SCOPE).failures == 40


def test_lock_message_says_seconds_then_whole_minutes() -> None:
    assert lock_message(42).vi.endswith("thử lại sau 42 giây")
    assert lock_message(60).en.endswith("try again in 1 min")
    assert lock_message(61).vi.endswith("đã khoá, thử lại sau 2 phút")
    assert lock_message(0.2).en.endswith("try again in 1 s")
    assert lock_message(179).get("vi").endswith("3 phút")  # rounded up, never "2" for 2:59


def test_migration_0005_adds_the_lockout_to_a_database_at_0004(
    empty_db_url: str, clock: ManualClock
) -> None:
    engine = migrated_to(empty_db_url, "0004")
    assert "pin_lockouts" not in sa.inspect(engine).get_table_names()
    assert upgrade(engine) == ("0004", head_revision())
    engine.dispose()
    store = Store.open(empty_db_url)
    try:
        lockout = Lockout(store, "tranphu", lambda now: now.date(), clock)
        assert lockout.failed(ADMIN_SCOPE, actor="kiosk").failures == 1
    finally:
        store.close()
