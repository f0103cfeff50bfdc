"""The call guard: a counter console's call next, repeated within `queue.call_guard_seconds`
while the counter still holds the ticket it just called, is refused and changes nothing.
"""

from __future__ import annotations

import pytest

from kiosk.core.clock import ManualClock
from kiosk.core.errors import CallTooSoon, CounterBusy, InvalidTicketState
from kiosk.core.model import EventKind, TicketState
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from tests.support import make_config

TICKET_KINDS = {
    EventKind.CALLED,
    EventKind.RECALLED,
    EventKind.COMPLETED,
    EventKind.SKIPPED,
    EventKind.TRANSFERRED,
}


def log(service: QueueService) -> list[tuple[str, str | None, int | None]]:
    """The ticket events of the log: (kind, code, counter)."""
    return [
        (e.kind.value, e.ticket_code, e.counter)
        for e in service.events_after(0)
        if e.kind in TICKET_KINDS
    ]


def issue(service: QueueService, n: int, field: str = "hotich") -> None:
    for _ in range(n):
        service.issue(field)


def test_a_second_call_next_within_the_guard_is_refused_and_changes_nothing(
    service: QueueService, clock: ManualClock
) -> None:
    issue(service, 3)
    assert service.call_next(1, guard=True).code == "A001"
    clock.advance(seconds=0.6)
    with pytest.raises(CallTooSoon) as err:
        service.call_next(1, guard=True)
    assert err.value.message_vi == "Vừa gọi số A001 — chờ 2 giây trước khi gọi tiếp"
    assert err.value.message_en == "Just called A001 — wait 2 s before calling next"
    assert log(service) == [("called", "A001", 1)]
    assert service.find_ticket("A001").state is TicketState.CALLED


def test_the_guard_ends_after_call_guard_seconds(service: QueueService, clock: ManualClock) -> None:
    issue(service, 3)
    service.call_next(1, guard=True)
    clock.advance(seconds=1.999)
    with pytest.raises(CallTooSoon, match="wait 1 s"):
        service.call_next(1, guard=True)
    clock.advance(seconds=0.001)
    assert service.call_next(1, guard=True).code == "A002"
    assert log(service) == [("called", "A001", 1), ("completed", "A001", 1), ("called", "A002", 1)]


def test_without_the_guard_the_cli_and_the_simulator_call_as_before(
    service: QueueService,
) -> None:
    issue(service, 2)
    service.call_next(1)
    assert service.call_next(1).code == "A002"
    assert service.find_ticket("A001").state is TicketState.COMPLETED


@pytest.mark.parametrize("between", ["complete", "skip", "transfer"])
def test_complete_skip_or_transfer_in_between_lets_the_counter_call_at_once(
    service: QueueService, between: str
) -> None:
    issue(service, 2)
    service.call_next(1, guard=True)
    if between == "complete":
        service.complete(1)
    elif between == "skip":
        service.skip(1)
    else:
        service.transfer(1, to_counter=2)
    assert service.call_next(1, guard=True).code == "A002"


def test_recall_works_within_the_guard_and_does_not_extend_it(
    service: QueueService, clock: ManualClock
) -> None:
    issue(service, 2)
    service.call_next(1, guard=True)
    clock.advance(seconds=0.5)
    assert service.recall(1).recalls == 1
    clock.advance(seconds=1.0)
    with pytest.raises(CallTooSoon, match="wait 1 s"):  # 1.5 s after the call
        service.call_next(1, guard=True)
    clock.advance(seconds=0.5)  # 2 s after the call, 1.5 s after the recall
    assert service.call_next(1, guard=True).code == "A002"


def test_the_guard_counts_from_this_counters_call_not_the_tickets_first_call(
    service: QueueService, clock: ManualClock
) -> None:
    issue(service, 1, "hotich")
    issue(service, 1, "datdai")  # C001, served by counter 4
    service.call_next(1, guard=True)
    clock.advance(minutes=10)
    service.transfer(1, to_counter=4)  # A001, first called 10 minutes ago, goes to counter 4
    assert service.call_next(4, guard=True).code == "A001"
    clock.advance(seconds=0.3)
    with pytest.raises(CallTooSoon, match="A001"):
        service.call_next(4, guard=True)


def test_call_guard_seconds_0_turns_the_guard_off(store: Store, clock: ManualClock) -> None:
    svc = QueueService(
        store, make_config(**{"call_guard_seconds = 2.0": "call_guard_seconds = 0"}), clock
    )
    issue(svc, 2)
    svc.call_next(1, guard=True)
    assert svc.call_next(1, guard=True).code == "A002"


def test_a_longer_guard_is_read_from_the_config(store: Store, clock: ManualClock) -> None:
    svc = QueueService(
        store, make_config(**{"call_guard_seconds = 2.0": "call_guard_seconds = 5.5"}), clock
    )
    issue(svc, 2)
    svc.call_next(1, guard=True)
    clock.advance(seconds=4)
    with pytest.raises(CallTooSoon, match="wait 2 s"):
        svc.call_next(1, guard=True)


def test_two_consoles_of_one_counter_share_the_guard(
    service: QueueService, db_url: str, clock: ManualClock
) -> None:
    issue(service, 3)
    other_store = Store.open(db_url)  # another process, maybe another PC
    try:
        other = QueueService(other_store, service.config, clock)
        service.call_next(1, guard=True)
        clock.advance(seconds=0.2)
        with pytest.raises(CallTooSoon, match="A001"):
            other.call_next(1, guard=True)
    finally:
        other_store.close()
    assert log(service) == [("called", "A001", 1)]


def test_calling_a_chosen_ticket_is_guarded_too(service: QueueService) -> None:
    issue(service, 3)
    service.call_next(1, guard=True)
    with pytest.raises(CallTooSoon, match="A001"):
        service.call_ticket(1, "A003", guard=True)
    assert service.find_ticket("A003").state is TicketState.WAITING


def test_a_clock_set_back_still_counts_as_just_called(
    service: QueueService, clock: ManualClock
) -> None:
    issue(service, 2)
    service.call_next(1, guard=True)
    clock.advance(seconds=-1)  # e.g. a second console on a PC whose clock is a second behind
    with pytest.raises(CallTooSoon, match="wait 1 s"):
        service.call_next(1, guard=True)
    clock.advance(minutes=-30)  # far off: the guard never blocks longer than its time
    assert service.call_next(1, guard=True).code == "A002"


def test_refusing_while_holding_is_still_said_after_the_guard(
    store: Store, clock: ManualClock
) -> None:
    svc = QueueService(
        store, make_config(**{"complete_on_next = true": "complete_on_next = false"}), clock
    )
    issue(svc, 2)
    svc.call_next(1, guard=True)
    with pytest.raises(CallTooSoon):
        svc.call_next(1, guard=True)
    clock.advance(seconds=3)
    with pytest.raises(CounterBusy, match="complete it first"):
        svc.call_next(1, guard=True)


def test_call_next_completes_the_ticket_in_hand_with_the_clerks_dossier_count(
    service: QueueService,
) -> None:
    issue(service, 2)
    service.call_next(1)
    service.call_next(1, dossiers=3)
    assert service.find_ticket("A001").dossiers == 3
    with pytest.raises(InvalidTicketState, match="0 and 99"):
        service.call_next(1, dossiers=100)
    assert service.find_ticket("A002").state is TicketState.CALLED
