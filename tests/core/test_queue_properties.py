"""Stateful property test: random clerk and kiosk actions never break the queue invariants."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from hypothesis import strategies as st
from hypothesis.stateful import (
    invariant,
    rule,
)

from kiosk.core.model import HELD_STATES, TicketState
from kiosk.core.replay import mismatches, replay
from tests.support import ALWAYS_OPEN, ServiceMachine, make_config, run_machine

FIELDS = ["hotich", "chungthuc", "datdai", "ketqua"]
COUNTERS = [1, 2, 3, 4, 6]
ALL_DAY = ALWAYS_OPEN  # "next morning" may be a Sunday


class QueueMachine(ServiceMachine):
    def __init__(self) -> None:
        super().__init__(make_config(**ALL_DAY))
        self.issued: Counter[tuple[object, str]] = Counter()

    @rule(field=st.sampled_from(FIELDS), priority=st.booleans())
    def issue(self, field: str, priority: bool) -> None:
        t = self.svc.issue(field, priority=priority).ticket
        self.issued[(t.business_day, field)] += 1

    @rule(counter=st.sampled_from(COUNTERS))
    def call_next(self, counter: int) -> None:
        self._try(self.svc.call_next, counter)

    @rule(counter=st.sampled_from(COUNTERS))
    def recall(self, counter: int) -> None:
        self._try(self.svc.recall, counter)

    @rule(counter=st.sampled_from(COUNTERS))
    def skip(self, counter: int) -> None:
        self._try(self.svc.skip, counter)

    @rule(counter=st.sampled_from(COUNTERS), dossiers=st.integers(0, 4))
    def complete(self, counter: int, dossiers: int) -> None:
        self._try(self.svc.complete, counter, dossiers=dossiers)

    @rule(counter=st.sampled_from(COUNTERS), field=st.sampled_from(FIELDS))
    def transfer_field(self, counter: int, field: str) -> None:
        self._try(self.svc.transfer, counter, to_field=field)

    @rule(counter=st.sampled_from(COUNTERS), to=st.sampled_from(COUNTERS))
    def transfer_counter(self, counter: int, to: int) -> None:
        self._try(self.svc.transfer, counter, to_counter=to)

    @rule()
    def return_a_skipped(self) -> None:
        skipped = self.svc.skipped()
        if skipped:
            self.svc.return_skipped(skipped[-1].code)

    @rule(counter=st.sampled_from(COUNTERS))
    def pause(self, counter: int) -> None:
        self.svc.pause_counter(counter, "họp")

    @rule(minutes=st.integers(1, 30))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    @rule()
    def next_morning(self) -> None:
        self.clock.advance(days=1)
        self.svc.open_counter(1)  # any write closes yesterday's unfinished tickets

    @invariant()
    def a_ticket_is_held_by_at_most_one_counter(self) -> None:
        snap = self.svc.snapshot()
        held = [c.ticket.id for c in snap.counters if c.ticket is not None]
        assert len(held) == len(set(held))
        for c in snap.counters:
            if c.ticket is not None:
                assert c.ticket.state in HELD_STATES and c.ticket.counter == c.number
        # Whatever its day: a ticket held at midnight stays with its counter until finished.
        holding = {t.id for t in self.svc.tickets() if t.state in HELD_STATES}
        assert holding == set(held)

    @invariant()
    def numbers_are_gapless_per_field(self) -> None:
        by_field: dict[tuple[object, str], list[int]] = {}
        for t in self.svc.tickets():
            by_field.setdefault((t.business_day, t.field), []).append(t.number)
        for key, numbers in by_field.items():
            assert sorted(numbers) == list(range(1, self.issued[key] + 1))

    @invariant()
    def waiting_tickets_are_in_priority_then_age_order(self) -> None:
        waiting = self.svc.waiting(FIELDS)
        keys = [(not t.priority, t.issued_at, t.id) for t in waiting]
        assert keys == sorted(keys)
        assert all(t.state is TicketState.WAITING for t in waiting)

    @invariant()
    def the_projection_equals_the_replayed_log(self) -> None:
        assert mismatches(self.svc.tickets(), replay(self.svc.events_after(0))) == []


def test_queue_invariants_hold_under_random_actions(
    new_db_url: Callable[[], str], backend: str
) -> None:
    run_machine(QueueMachine, new_db_url, backend, examples=25, steps=30)
