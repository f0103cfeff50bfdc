"""The waiting tickets a process keeps from the event log (kiosk.core.waiting) never differ
from a fresh read of the database: another process's writes, a refused write, a new day, a
restored database and a change made without an event."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule
from sqlalchemy import update

from kiosk.core import waiting
from kiosk.core.errors import FieldClosed
from kiosk.core.model import Snapshot
from kiosk.core.queue import QueueService
from kiosk.core.schema import TicketRow
from kiosk.core.store import Store
from tests.support import QueueActions, officers_config, run_machine

FIELDS, COUNTERS = QueueActions.FIELDS, QueueActions.COUNTERS


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
    reads. The extra rules write every other kind of event the snapshot reads past (a start
    of service, a print, a counter closed or opened, a field closed or opened for the day):
    the snapshot keeps what an event of its kind does not change."""

    def __init__(self) -> None:
        super().__init__()
        self.other_store = Store.open(self.store.url)
        self.reader = QueueService(self.other_store, self.svc.config, self.clock)

    def teardown(self) -> None:
        self.other_store.close()
        super().teardown()

    @rule(field=st.sampled_from(FIELDS), priority=st.booleans())
    def issue(self, field: str, priority: bool) -> None:
        with contextlib.suppress(FieldClosed):  # closed for today by `field_for_today`
            told = self.svc.issue(field, priority=priority)
            # What the kiosk prints: worked out from the writer's own caches when nothing
            # came between, and always what a fresh reader reads.
            fresh = _fresh(self.svc).ticket_view(told.ticket.id)
            assert (told.people_ahead, told.estimated_wait_minutes, told.counters_open) == (
                fresh.people_ahead,
                fresh.estimated_wait_minutes,
                fresh.counters_open,
            )

    @rule(counter=st.sampled_from(COUNTERS))
    def start(self, counter: int) -> None:
        self._try(self.svc.start_service, counter)

    @rule()
    def print_the_last(self) -> None:
        tickets = self.svc.tickets()
        if tickets:
            self.svc.record_print(tickets[-1].id, ok=len(tickets) % 2 == 0)

    @rule(counter=st.sampled_from(COUNTERS), opened=st.booleans())
    def counter_open_or_closed(self, counter: int, opened: bool) -> None:
        if opened:
            self._try(self.svc.open_counter, counter)
        else:
            self._try(self.svc.close_counter, counter)

    @rule(field=st.sampled_from(FIELDS), opened=st.booleans())
    def field_for_today(self, field: str, opened: bool) -> None:
        self._try(self.svc.set_field_today, field, opened)

    @invariant()
    def the_long_lived_reader_reads_what_a_fresh_one_reads(self) -> None:
        assert self.reader.snapshot() == _fresh(self.reader).snapshot()
        assert self.svc.snapshot() == _fresh(self.svc).snapshot()  # the writer's own caches
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


def test_a_long_lived_snapshot_follows_every_kind_of_event(
    service: QueueService, clock: Any
) -> None:
    """The snapshot keeps what an event of its kind does not change (kiosk.core.reader
    `_CHANGES`): after one event of every kind, a display-like reader that kept its parts
    reads what a fresh reader reads."""
    officered = QueueService(service.store, officers_config(), clock)
    reader = QueueService(service.store, officered.config, clock)
    seen_kinds: set[str] = set()

    def step(action: Callable[[], object]) -> None:
        before = service.events_after(0)
        action()
        seen_kinds.update(
            e.kind.value for e in service.events_after(before[-1].id if before else 0)
        )
        assert reader.snapshot() == _fresh(reader).snapshot()

    reader.snapshot()
    first = service.issue("hotich").ticket
    step(lambda: service.issue("hotich", priority=True))
    step(lambda: service.record_print(first.id, ok=True))
    step(lambda: service.record_print(first.id, ok=False, message="hết giấy"))
    step(lambda: service.call_next(1))
    step(lambda: service.recall(1))
    step(lambda: service.start_service(1))
    step(lambda: service.complete(1, dossiers=2))
    done = next(t for t in service.tickets() if t.state.value == "completed")
    step(lambda: service.rate(done.id, "satisfied", channel="phone"))
    step(lambda: service.issue("chungthuc"))
    step(lambda: service.call_next(2))
    step(lambda: service.skip(2))
    step(lambda: service.return_skipped(service.skipped()[-1].code))
    step(lambda: service.call_next(2))
    step(lambda: service.transfer(2, to_field="hotich"))
    step(lambda: service.pause_counter(3, "họp"))
    step(lambda: service.close_counter(3))
    step(lambda: service.open_counter(3))
    step(lambda: service.set_field_today("datdai", False))
    step(lambda: service.set_field_today("datdai", True))
    step(lambda: officered.sign_in(5, "lan"))
    step(lambda: officered.sign_out(5))
    service.issue("ketqua")
    clock.set(clock.now() + timedelta(days=1))
    step(lambda: service.open_counter(4))  # the new day's first write expires yesterday's
    from kiosk.core.model import EventKind

    missing = {k.value for k in EventKind} - seen_kinds - {EventKind.PIN_FAILED.value}
    assert missing == set()


def test_a_kiosk_counts_the_ticket_another_kiosk_gave_in_between(
    service: QueueService, clock: Any
) -> None:
    """Right after its own write, a process tells who is ahead from its caches only when
    nothing came between: a ticket another process gave meanwhile is counted."""
    other = QueueService(service.store, service.config, clock)
    first = service.issue("hotich")
    service.snapshot()  # this kiosk's caches are at its own ticket
    between = other.issue("hotich")  # another kiosk, another process
    mine = service.issue("hotich")
    assert (first.people_ahead, between.people_ahead, mine.people_ahead) == (0, 1, 2)
    again = service.issue("hotich")  # nothing between now: from its caches, and right
    assert again.people_ahead == 3 == _fresh(service).ticket_view(again.ticket.id).people_ahead
    assert service.snapshot() == _fresh(service).snapshot()
