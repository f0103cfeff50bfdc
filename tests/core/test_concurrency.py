"""Several real processes on one database: no ticket taken twice, no number given twice.

Runs on SQLite (BEGIN IMMEDIATE) and PostgreSQL (row locks, SKIP LOCKED). Workers wait on a
shared event after opening their store, so they really start together.
"""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy import event as sa_event
from sqlalchemy.exc import OperationalError

from kiosk.core.clock import ManualClock
from kiosk.core.errors import DailyCapReached, DatabaseUnavailable, NoOneWaiting
from kiosk.core.model import EventKind, TicketState
from kiosk.core.queue import QueueService
from kiosk.core.replay import mismatches, replay
from kiosk.core.store import Store
from tests.support import ALWAYS_OPEN, local, make_config, only_backend

ALL_DAY = ALWAYS_OPEN
#: Every counter serves hotich, so six counters compete for the same tickets.
SIX_ON_HOTICH = {**ALWAYS_OPEN, "counters = [1, 2]": "counters = [1, 2, 3, 4, 5, 6]"}
#: Land (C) stops at 25 numbers a day.
CAPPED = {**ALWAYS_OPEN, "service_minutes = 12": "service_minutes = 12\ndaily_cap = 25"}


def _service(url: str, replace: dict[str, str], at: datetime | None = None) -> QueueService:
    return QueueService(Store.open(url), make_config(**replace), ManualClock(at) if at else None)


def _issue_many(url: str, n: int, go: Any, out: mp.Queue) -> None:
    svc = _service(url, CAPPED)
    go.wait(60)
    codes = []
    for i in range(n):
        field = "datdai" if i % 2 else "hotich"
        try:
            codes.append(svc.issue(field, actor="kiosk-proc").ticket.code)
        except DailyCapReached:
            codes.append("cap")
    out.put(codes)


def _call_until_empty(url: str, counter: int, go: Any, out: mp.Queue) -> None:
    svc = _service(url, SIX_ON_HOTICH)
    go.wait(60)
    got = []
    while True:
        try:
            got.append(svc.call_next(counter).code)
        except NoOneWaiting:
            break
        # A clerk greets the citizen before calling again: without this pause one process
        # on a loaded machine can drain the whole queue before the others are scheduled.
        time.sleep(0.005)
    out.put(got)


def _first_write_of_the_day(url: str, counter: int, at: datetime, go: Any, out: mp.Queue) -> None:
    svc = _service(url, ALL_DAY, at)
    go.wait(60)
    svc.open_counter(counter)
    out.put(svc.issue("chungthuc").ticket.code)


def _run(target, args_list) -> list[Any]:  # type: ignore[no-untyped-def]
    ctx = mp.get_context("spawn")
    # A barrier, not an event set at once: every process opens its store before any starts,
    # so a fast first one cannot finish the work while the others are still importing.
    out, go = ctx.Queue(), ctx.Barrier(len(args_list))
    procs = [ctx.Process(target=target, args=(*args, go, out)) for args in args_list]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return results


def test_concurrent_kiosks_never_give_the_same_number_nor_pass_the_cap(db_url: str) -> None:
    Store.open(db_url).close()
    results = _run(_issue_many, [(db_url, 80), (db_url, 80), (db_url, 80)])
    codes = [c for r in results for c in r]
    assert sorted(c for c in codes if c.startswith("A")) == [f"A{i:03d}" for i in range(1, 121)]
    assert sorted(c for c in codes if c.startswith("C")) == [f"C{i:03d}" for i in range(1, 26)]
    assert codes.count("cap") == 120 - 25


def test_six_counters_never_take_the_same_ticket(db_url: str) -> None:
    svc = _service(db_url, SIX_ON_HOTICH)
    issued = [svc.issue("hotich").ticket.code for _ in range(240)]
    results = _run(_call_until_empty, [(db_url, n) for n in range(1, 7)])
    called = [c for r in results for c in r]
    assert sorted(called) == sorted(issued)
    assert len(set(called)) == len(called)
    assert sum(1 for r in results if r) >= 2  # they really competed
    calls = Counter(e.ticket_id for e in svc.events_after(0) if e.kind is EventKind.CALLED)
    assert set(calls.values()) == {1}
    assert mismatches(svc.tickets(), replay(svc.events_after(0))) == []


def test_processes_racing_at_day_rollover_expire_each_ticket_once(db_url: str) -> None:
    yesterday = _service(db_url, ALL_DAY, local(2026, 11, 23, 16, 0))
    for _ in range(30):
        yesterday.issue("hotich")
    yesterday.call_next(1)
    yesterday.call_next(2)
    yesterday.skip(2)
    morning = local(2026, 11, 24, 7, 45)
    results = _run(_first_write_of_the_day, [(db_url, n, morning) for n in (1, 3, 4, 5)])
    assert sorted(results) == ["B001", "B002", "B003", "B004"]
    tickets = [t for t in yesterday.tickets() if t.business_day.day == 23]
    held = [t for t in tickets if t.state is TicketState.CALLED]
    assert [t.counter for t in held] == [1]  # counter 1 still holds its citizen: not expired
    assert {t.state for t in tickets} == {
        TicketState.EXPIRED,
        TicketState.NO_SHOW,
        TicketState.CALLED,
    }
    expired = Counter(e.ticket_id for e in yesterday.events_after(0) if e.kind is EventKind.EXPIRED)
    assert sorted(expired) == sorted(t.id for t in tickets if t not in held)
    assert set(expired.values()) == {1}
    assert mismatches(yesterday.tickets(), replay(yesterday.events_after(0))) == []


def test_followers_never_skip_an_event_committed_late(service: QueueService) -> None:
    """Event ids follow commit order: a reader never sees a later event before an earlier one."""
    holding = threading.Event()

    def slow_commit(conn: Connection) -> None:
        if threading.current_thread().name == "slow-writer":
            holding.set()
            time.sleep(0.4)

    sa_event.listen(service.store.engine, "commit", slow_commit)
    try:
        slow = threading.Thread(target=service.issue, args=("hotich",), name="slow-writer")
        slow.start()
        assert holding.wait(5)
        fast = threading.Thread(target=service.issue, args=("chungthuc",))
        fast.start()
        seen = []
        while slow.is_alive() or fast.is_alive():
            seen.append([e.id for e in service.events_after(0)])
            time.sleep(0.005)
        slow.join()
        fast.join()
    finally:
        sa_event.remove(service.store.engine, "commit", slow_commit)
    final = [e.id for e in service.events_after(0)]
    assert [e.ticket_code for e in service.events_after(0)] == ["A001", "B001"]
    for ids in seen:
        assert ids == final[: len(ids)]


@only_backend("postgresql")
def test_call_next_passes_over_a_ticket_another_counter_is_taking(
    service: QueueService, store: Store
) -> None:
    first = service.issue("hotich").ticket
    second = service.issue("hotich").ticket
    with store.engine.connect() as other:  # counter 1, in the middle of calling `first`
        other.execute(text("SELECT id FROM tickets WHERE id = :id FOR UPDATE"), {"id": first.id})
        started = time.monotonic()
        assert service.call_next(2).code == second.code  # SKIP LOCKED: no wait, no double
        assert time.monotonic() - started < 1.0
        other.rollback()
    assert service.call_next(1).code == first.code


@only_backend("sqlite")
def test_write_transactions_take_the_lock_at_begin(db_url: str, tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: a second writer waits at BEGIN, not after reading stale rows."""
    store = Store.open(db_url)
    other = sqlite3.connect(str(tmp_path / "kiosk.db"), isolation_level=None, timeout=0.05)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(OperationalError, match="locked") as err, store.engine.connect() as c:
            c.connection.dbapi_connection.execute("PRAGMA busy_timeout = 50")
            with c.begin():
                pass
        assert err.value.statement == "BEGIN IMMEDIATE"
    finally:
        other.execute("ROLLBACK")
        other.close()
    with store.engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert c.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


@only_backend("sqlite")
def test_a_locked_database_becomes_a_clear_error_not_a_traceback(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.core.database as database

    monkeypatch.setattr(database, "SQLITE_BUSY_MS", 100)
    svc = QueueService(
        Store.open(db_url), make_config(**ALL_DAY), ManualClock(local(2026, 11, 23, 9, 0))
    )
    other = sqlite3.connect(str(tmp_path / "kiosk.db"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseUnavailable) as err:
            svc.issue("hotich")
        assert "locked" in err.value.message_en
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert svc.issue("hotich").ticket.code == "A001"  # nothing was half-written
