"""`kiosk db copy`: a point's history SQLite → PostgreSQL and back, verified and resumable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from kiosk.core.clock import ManualClock
from kiosk.core.copy import copy_database, replay_problems
from kiosk.core.errors import DatabaseError, NoOneWaiting, QueueError
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from tests.support import local, make_config, only_backend

#: Tests that copy between the two backends get their PostgreSQL database from `new_db_url`.
across_backends = only_backend("postgresql")
REPO = Path(__file__).resolve().parents[2]
KIOSK = str(Path(sys.executable).with_name("kiosk"))


def build_history(url: str) -> None:
    """Three business days of a point: every kind of event, and a day-rollover expiry."""
    clock = ManualClock(local(2026, 11, 23, 7, 40))
    svc = QueueService(Store.open(url), make_config(), clock)
    fields = ["hotich", "chungthuc", "datdai", "xahoi", "tuphap", "kinhte", "ketqua"]
    for day in (23, 24, 25):
        clock.set(local(2026, 11, day, 7, 40))
        if day == 24:
            svc.set_field_today("kinhte", False, reason="Cán bộ đi tập huấn")
        for i in range(45):
            clock.advance(seconds=50)
            field = fields[i % len(fields)]
            try:
                t = svc.issue(field, priority=i % 9 == 0).ticket
            except QueueError:
                continue
            svc.record_print(t.id, ok=i % 13 != 0, message="" if i % 13 else "hết giấy")
            if i % 3 == 0:
                counter = 1 + i % 6
                try:
                    svc.call_next(counter)
                except NoOneWaiting:
                    continue
                clock.advance(minutes=2)
                if i % 4 == 0:
                    svc.recall(counter)
                if i % 5 == 0:
                    svc.skip(counter)
                elif i % 7 == 0:
                    svc.transfer(counter, to_field="tuphap")
                else:
                    svc.start_service(counter)
                    clock.advance(minutes=3)
                    svc.complete(counter, dossiers=1 + i % 3)
        svc.pause_counter(2, "Nghỉ trưa")
        skipped = svc.skipped()
        if skipped:
            svc.return_skipped(skipped[0].code)
        # Unfinished tickets stay: the next day's first write expires them.
    svc.store.close()


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('history') / 'kiosk.db'}"
    build_history(url)
    return url


def dump(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every kiosk table, in key order, as Python values."""
    from sqlalchemy import select

    from kiosk.core.schema import Base

    store = Store.open(url, migrate=False)
    out = {}
    with store.engine.connect() as conn:
        for name, table in Base.metadata.tables.items():
            keys = list(table.primary_key.columns)
            out[name] = [tuple(r) for r in conn.execute(select(table).order_by(*keys))]
    store.close()
    return out


@across_backends
def test_copy_sqlite_to_postgresql_and_back_keeps_every_row(
    history: str, new_db_url: Callable[[], str], tmp_path: Path
) -> None:
    original = dump(history)
    assert len(original["queue_events"]) > 300 and len(original["tickets"]) > 100

    pg = new_db_url()
    report = copy_database(history, pg, batch=100)
    assert not report.resumed
    assert {t.name: t.target_rows for t in report.tables} == {
        name: len(rows) for name, rows in original.items()
    }
    assert all(t.source_rows == t.target_rows for t in report.tables)
    assert report.events_replayed == len(original["queue_events"])
    assert dump(pg) == original

    back = f"sqlite:///{tmp_path / 'back.db'}"
    copy_database(pg, back, batch=70)
    assert dump(back) == original
    assert replay_problems(Store.open(back).engine)[1] == []

    # The PostgreSQL copy carries on: the next ids follow the copied ones.
    clock = ManualClock(local(2026, 11, 25, 16, 0))
    svc = QueueService(Store.open(pg), make_config(), clock)
    t = svc.issue("hotich").ticket
    assert t.id == max(r[0] for r in original["tickets"]) + 1
    assert svc.last_event_id() == max(r[0] for r in original["queue_events"]) + 1
    svc.store.close()


@across_backends
def test_an_interrupted_copy_continues_where_it_stopped(
    history: str, new_db_url: Callable[[], str]
) -> None:
    pg = new_db_url()
    batches = []

    def stop_after_three(table: str, done: int, total: int) -> None:
        batches.append((table, done))
        if len(batches) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        copy_database(history, pg, batch=40, progress=stop_after_three)
    partial = dump(pg)
    assert len(partial["tickets"]) == 120  # three whole batches, nothing half-written

    report = copy_database(history, pg, batch=40)
    assert report.resumed
    tickets = next(t for t in report.tables if t.name == "tickets")
    assert tickets.copied_now == tickets.source_rows - 120
    assert dump(pg) == dump(history)
    again = copy_database(history, pg, batch=40)  # a third run has nothing left to do
    assert all(t.copied_now == 0 for t in again.tables if t.name in ("tickets", "queue_events"))


@across_backends
def test_copy_refuses_a_target_that_holds_other_data(
    history: str, new_db_url: Callable[[], str]
) -> None:
    pg = new_db_url()
    other = QueueService(Store.open(pg), make_config(), ManualClock(local(2026, 12, 1, 8, 0)))
    other.issue("datdai")
    other.store.close()
    with pytest.raises(DatabaseError, match="already holds other data"):
        copy_database(history, pg)
    with pytest.raises(DatabaseError, match="same database"):
        copy_database(history, history)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return env | {"PYTHONPATH": str(REPO)}


@across_backends
def test_kiosk_db_copy_killed_midway_resumes_without_duplicates(
    history: str, new_db_url: Callable[[], str], pg_cluster: object
) -> None:
    pg = new_db_url()
    args = [KIOSK, "db", "copy", "--from", history, "--to", pg, "--batch", "25"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=_env(), cwd=REPO)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("queue_events:"):  # the tickets are in, events are on their way
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    store = Store.open(pg)
    with store.engine.connect() as conn:
        events_so_far = conn.execute(text("SELECT count(*) FROM queue_events")).scalar_one()
    store.close()
    assert 0 < events_so_far < len(dump(history)["queue_events"])

    done = subprocess.run(args, capture_output=True, text=True, env=_env(), cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "(resumed)" in done.stdout and "Verified" in done.stdout
    assert dump(pg) == dump(history)


def test_kiosk_db_copy_names_a_bad_target_in_one_line(history: str, tmp_path: Path) -> None:
    args = [KIOSK, "db", "copy", "--from", history, "--to", "mysql://x@y/z"]
    done = subprocess.run(args, capture_output=True, text=True, env=_env(), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Unsupported database 'mysql'" in done.stderr
