"""Stateful property test: random clerk and kiosk actions never break the queue invariants."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis.stateful import (
    invariant,
)

from kiosk.core.model import HELD_STATES, TicketState
from kiosk.core.replay import mismatches, replay
from tests.support import QueueActions, run_machine

FIELDS = QueueActions.FIELDS


class QueueMachine(QueueActions):
    """Random kiosk and clerk actions (`QueueActions`) against the queue's invariants."""

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
