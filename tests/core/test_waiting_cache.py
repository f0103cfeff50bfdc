"""The waiting tickets a process keeps from the event log (kiosk.core.waiting) never differ
from a fresh read of the database: another process's writes, a refused write, a new day, a
restored database and a change made without an event."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis.stateful import invariant
from sqlalchemy import update

from kiosk.core import waiting
from kiosk.core.errors import FieldClosed
from kiosk.core.model import Snapshot
from kiosk.core.queue import QueueService
from kiosk.core.schema import TicketRow
from kiosk.core.store import Store
from tests.support import QueueActions, run_machine


def _fresh(svc: QueueService) -> QueueService:
    """A reader with no cache: a new process reading the same database now."""
    return QueueService(svc.store, svc.config, svc.clock)


def _told(svc: QueueService, ids: list[int]) -> list[tuple[int, int | None, int | None]]:
    return [
        (v.ticket.id, v.people_ahead, v.estimated_wait_minutes)
        for v in (svc.ticket_view(i) for i in ids)
    ]


class TwoProcesses(QueueActions):
    """Clerks and the kiosk write through one service (`QueueActions`); a display-like reader
    in another "process" keeps its cache across all of it, and must read what a fresh reader
    reads."""

    def __init__(self) -> None:
        super().__init__()
        self.other_store = Store.open(self.store.url)
        self.reader = QueueService(self.other_store, self.svc.config, self.clock)

    def teardown(self) -> None:
        self.other_store.close()
        super().teardown()

    @invariant()
    def the_long_lived_reader_reads_what_a_fresh_one_reads(self) -> None:
        assert self.reader.snapshot() == _fresh(self.reader).snapshot()
        recent = [t.id for t in self.svc.tickets()][-4:]
        assert _told(self.reader, recent) == _told(_fresh(self.reader), recent)


def test_a_cached_reader_agrees_with_a_fresh_one_under_random_actions(
    new_db_url: Callable[[], str], backend: str
) -> None:
    run_machine(TwoProcesses, new_db_url, backend, examples=20, steps=30)


def _counts(snap: Snapshot) -> dict[str, int]:
    return {f.code: f.waiting for f in snap.fields}


def test_a_refused_issue_leaves_nothing_in_the_cache(service: QueueService) -> None:
    service.issue("hotich")
    service.snapshot()  # the cache is built
    service.set_field_today("hotich", False)
    with pytest.raises(FieldClosed):
        service.issue("hotich")
    assert _counts(service.snapshot())["hotich"] == 1
    assert service.snapshot() == _fresh(service).snapshot()


def test_a_restored_older_database_is_read_again(tmp_path: Path, config: Any, clock: Any) -> None:
    """The log going backwards (a backup put back under a running display) rebuilds."""
    db = tmp_path / "k.db"
    url = f"sqlite:///{db}"
    svc = QueueService(Store.open(url), config, clock)
    for _ in range(3):
        svc.issue("hotich")
    svc.store.close()  # the last connection folds the WAL into the file
    backup = db.read_bytes()
    svc = QueueService(Store.open(url), config, clock)
    for _ in range(2):
        svc.issue("chungthuc")
    reader = QueueService(Store.open(url), config, clock)
    assert _counts(reader.snapshot())["chungthuc"] == 2
    svc.store.close()
    reader.store.close()  # its engine reconnects on the next read, its cache stays
    db.write_bytes(backup)
    restored = QueueService(Store.open(url), config, clock)
    restored.call_next(1)  # one event more than the backup: still fewer than the reader saw
    snap = reader.snapshot()
    assert _counts(snap)["chungthuc"] == 0
    assert snap == _fresh(reader).snapshot()


def test_a_change_made_without_an_event_is_seen_within_the_rebuild_time(
    service: QueueService, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticks = [1000.0]
    cache = waiting.WaitingCache(clock=lambda: ticks[0])
    monkeypatch.setattr(service, "_waiting_cache", cache)
    service.issue("hotich")
    service.issue("hotich")
    assert _counts(service.snapshot())["hotich"] == 2
    with service.store.engine.begin() as conn:  # an edit by hand, with no event
        conn.execute(update(TicketRow.__table__).values(state="expired"))
    ticks[0] += waiting.REBUILD_SECONDS - 1
    assert _counts(service.snapshot())["hotich"] == 2  # not yet: nothing in the log says so
    ticks[0] += 1
    assert _counts(service.snapshot())["hotich"] == 0
