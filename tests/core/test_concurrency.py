"""Several real processes on one SQLite file: no ticket taken twice, no number given twice."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from kiosk.core.clock import ManualClock
from kiosk.core.errors import DatabaseUnavailable, NoOneWaiting
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from tests.support import local, make_config

ALL_DAY = {'periods = ["07:30-11:30", "13:30-17:00"]': 'periods = ["00:00-24:00"]'}


def _issue_many(url: str, n: int, out: mp.Queue) -> None:
    svc = QueueService(Store.open(url), make_config(**ALL_DAY))
    out.put([svc.issue("hotich", actor="kiosk-proc").ticket.code for _ in range(n)])


def _call_until_empty(url: str, counter: int, out: mp.Queue) -> None:
    svc = QueueService(Store.open(url), make_config(**ALL_DAY))
    got = []
    while True:
        try:
            got.append(svc.call_next(counter).code)
        except NoOneWaiting:
            break
    out.put(got)


def _run(target, args_list) -> list[list[str]]:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, out)) for args in args_list]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return results


def test_concurrent_kiosks_never_give_the_same_number(db_url: str) -> None:
    Store.open(db_url).close()
    results = _run(_issue_many, [(db_url, 40), (db_url, 40), (db_url, 40)])
    codes = [c for r in results for c in r]
    assert len(codes) == 120
    assert sorted(codes) == [f"A{i:03d}" for i in range(1, 121)]


def test_two_counters_never_take_the_same_ticket(db_url: str) -> None:
    svc = QueueService(Store.open(db_url), make_config(**ALL_DAY))
    issued = [svc.issue("hotich").ticket.code for _ in range(150)]
    # Counters 1 and 2 both serve hotich; each call also completes the previous ticket.
    results = _run(_call_until_empty, [(db_url, 1), (db_url, 2)])
    called = [c for r in results for c in r]
    assert sorted(called) == sorted(issued)
    assert len(set(called)) == len(called)
    assert all(len(r) > 0 for r in results)


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
