"""Queue rules through the real service on a real SQLite file."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.core.clock import ManualClock
from kiosk.core.errors import (
    CounterBusy,
    CounterNotServingField,
    DailyCapReached,
    FieldClosed,
    InvalidTicketState,
    NoOneWaiting,
    NoTicketAtCounter,
    UnknownCounter,
    UnknownField,
    UnknownTicket,
)
from kiosk.core.model import CounterState, EventKind, TicketState
from kiosk.core.queue import QueueService
from kiosk.core.replay import mismatches, replay
from kiosk.core.store import Store
from tests.support import ALWAYS_OPEN, local, make_config


def test_numbers_are_per_field_zero_padded_and_consecutive(service: QueueService) -> None:
    codes = [service.issue("hotich").ticket.code for _ in range(3)]
    codes.append(service.issue("chungthuc").ticket.code)
    assert codes == ["A001", "A002", "A003", "B001"]


def test_issue_reports_people_ahead_and_estimate_from_typical_time(
    service: QueueService,
) -> None:
    service.open_counter(1)
    service.open_counter(2)
    for _ in range(4):
        service.issue("hotich")
    issued = service.issue("hotich")
    assert issued.people_ahead == 4
    assert issued.counters_open == 2
    # hotich: 8 typical minutes, served by counters 1 and 2, both open.
    assert issued.estimated_wait_minutes == 16


def test_no_time_is_promised_while_no_counter_of_the_field_is_open(
    service: QueueService,
) -> None:
    """Opening time: citizens take tickets before any clerk has opened a counter."""
    service.issue("hotich")
    issued = service.issue("hotich")
    assert (issued.people_ahead, issued.estimated_wait_minutes, issued.counters_open) == (
        1,
        None,
        0,
    )
    field = service.snapshot().field_status("hotich")
    assert (field.estimated_wait_minutes, field.counters_open) == (None, 0)
    service.open_counter(4)  # another field's counter changes nothing for hotich
    assert service.issue("hotich").estimated_wait_minutes is None
    service.open_counter(1)
    issued = service.issue("hotich")
    assert (issued.people_ahead, issued.estimated_wait_minutes, issued.counters_open) == (
        3,
        24,
        1,
    )
    field = service.snapshot().field_status("hotich")
    assert (field.estimated_wait_minutes, field.counters_open) == (32, 1)  # a 5th: 4 × 8 min


def test_estimate_uses_recent_median_service_time(
    service: QueueService, clock: ManualClock
) -> None:
    for minutes in (2, 4, 30):  # median 4
        service.issue("hotich")
        service.call_next(1)
        clock.advance(minutes=minutes)
        service.complete(1)
    service.open_counter(2)  # counter 1 opened with its first call
    for _ in range(3):
        service.issue("hotich")
    issued = service.issue("hotich")
    assert issued.people_ahead == 3
    assert issued.estimated_wait_minutes == 6  # 3 people × 4 min ÷ 2 open counters


def test_priority_ticket_goes_ahead_of_normal_ones(service: QueueService) -> None:
    service.issue("hotich")
    service.issue("hotich")
    p = service.issue("hotich", priority=True)
    assert p.people_ahead == 0
    assert service.call_next(1).code == p.ticket.code


def test_call_next_takes_oldest_across_the_counters_fields(
    service: QueueService, clock: ManualClock
) -> None:
    # Counter 2 serves hotich and chungthuc.
    b = service.issue("chungthuc").ticket
    clock.advance(minutes=1)
    a = service.issue("hotich").ticket
    assert service.call_next(2).code == b.code
    assert service.call_next(2).code == a.code


def test_interleaved_policy_lets_a_normal_ticket_through_after_a_burst(
    service: QueueService, clock: ManualClock
) -> None:
    normal = service.issue("hotich").ticket
    for _ in range(5):
        clock.advance(seconds=10)
        service.issue("hotich", priority=True)
    called = [service.call_next(1) for _ in range(4)]
    assert [t.priority for t in called] == [True, True, True, False]
    assert called[3].code == normal.code
    assert service.call_next(1).priority is True


def test_strict_policy_serves_every_priority_ticket_first(store: Store, clock: ManualClock) -> None:
    cfg = make_config(**{'priority_policy = "interleaved"': 'priority_policy = "strict"'})
    svc = QueueService(store, cfg, clock)
    svc.issue("hotich")
    for _ in range(5):
        svc.issue("hotich", priority=True)
    assert [svc.call_next(1).priority for _ in range(6)] == [True] * 5 + [False]


def test_call_next_completes_the_ticket_in_hand_by_default(service: QueueService) -> None:
    first = service.issue("hotich").ticket
    service.issue("hotich")
    service.call_next(1)
    service.call_next(1)
    done = service.find_ticket(first.code)
    assert done.state is TicketState.COMPLETED
    assert done.dossiers == 1


def test_call_next_refuses_while_holding_when_configured(store: Store, clock: ManualClock) -> None:
    cfg = make_config(**{"complete_on_next = true": "complete_on_next = false"})
    svc = QueueService(store, cfg, clock)
    svc.issue("hotich")
    svc.issue("hotich")
    svc.call_next(1)
    with pytest.raises(CounterBusy, match="A001"):
        svc.call_next(1)


def test_no_one_waiting_names_the_counters_fields(service: QueueService) -> None:
    with pytest.raises(NoOneWaiting) as err:
        service.call_next(2)
    assert "Hộ tịch" in err.value.message_vi and "Chứng thực" in err.value.message_vi
    assert err.value.message_vi.startswith("Không còn ai chờ")


def test_counter_opens_itself_on_first_call(service: QueueService) -> None:
    service.issue("hotich")
    service.call_next(1)
    snap = service.snapshot()
    assert snap.counter_status(1).state is CounterState.OPEN
    kinds = [e.kind for e in service.events_after(0)]
    assert kinds == [EventKind.ISSUED, EventKind.COUNTER_OPENED, EventKind.CALLED]


def test_recall_counts_and_is_logged_as_a_call(service: QueueService) -> None:
    service.issue("hotich")
    service.call_next(1)
    assert service.recall(1).recalls == 1
    assert service.recall(1).recalls == 2
    calls = service.snapshot().recent_calls
    assert [c.recall for c in calls] == [True, True, False]


def test_skip_then_return_puts_ticket_back_at_its_original_place(
    service: QueueService, clock: ManualClock
) -> None:
    a = service.issue("hotich").ticket
    clock.advance(minutes=1)
    b = service.issue("hotich").ticket
    service.call_next(1)
    skipped = service.skip(1)
    assert skipped.state is TicketState.SKIPPED
    assert service.snapshot().counter_status(1).ticket is None
    assert [t.code for t in service.skipped()] == [a.code]
    service.return_skipped(a.code.lower())
    assert [t.code for t in service.waiting(["hotich"])] == [a.code, b.code]


def test_return_refuses_a_ticket_that_was_not_skipped(service: QueueService) -> None:
    t = service.issue("hotich").ticket
    with pytest.raises(InvalidTicketState, match="not skipped"):
        service.return_skipped(t.code)
    with pytest.raises(UnknownTicket):
        service.return_skipped("Z999")


def test_transfer_to_field_keeps_original_place(service: QueueService, clock: ManualClock) -> None:
    a = service.issue("hotich").ticket
    clock.advance(minutes=5)
    b = service.issue("chungthuc").ticket
    service.call_next(1)
    moved = service.transfer(1, to_field="chungthuc")
    assert moved.state is TicketState.WAITING
    assert moved.queue_field == "chungthuc" and moved.code == a.code and moved.transfers == 1
    # Counter 3 serves chungthuc: the transferred ticket, issued earlier, comes first.
    assert service.call_next(3).code == a.code
    assert service.call_next(3).code == b.code


def test_transfer_to_counter_reaches_only_that_counter(service: QueueService) -> None:
    a = service.issue("hotich").ticket
    service.call_next(1)
    service.transfer(1, to_counter=4)
    with pytest.raises(NoOneWaiting):
        service.call_next(2)  # serves hotich, but the ticket is for counter 4 now
    assert service.call_next(4).code == a.code


def test_transfer_needs_exactly_one_destination(service: QueueService) -> None:
    service.issue("hotich")
    service.call_next(1)
    with pytest.raises(InvalidTicketState):
        service.transfer(1)
    with pytest.raises(InvalidTicketState):
        service.transfer(1, to_field="datdai", to_counter=4)
    with pytest.raises(UnknownField):
        service.transfer(1, to_field="nope")
    with pytest.raises(UnknownCounter):
        service.transfer(1, to_counter=42)


def test_call_out_of_turn_is_logged_as_such(service: QueueService) -> None:
    service.issue("hotich")
    b = service.issue("hotich").ticket
    called = service.call_ticket(1, b.code)
    assert called.code == b.code
    last = service.events_after(0)[-1]
    assert last.kind is EventKind.CALLED and last.data.get("out_of_turn") is True


def test_call_out_of_turn_refuses_other_fields_and_taken_tickets(service: QueueService) -> None:
    land = service.issue("datdai").ticket
    with pytest.raises(CounterNotServingField, match="Land"):
        service.call_ticket(1, land.code)
    service.call_next(4)
    with pytest.raises(InvalidTicketState):
        service.call_ticket(4, land.code)


def test_complete_records_dossiers_and_times(service: QueueService, clock: ManualClock) -> None:
    service.issue("hotich")
    clock.advance(minutes=7)
    service.call_next(1)
    clock.advance(minutes=1)
    service.start_service(1)
    clock.advance(minutes=9)
    done = service.complete(1, dossiers=3)
    assert done.dossiers == 3
    assert (done.called_at - done.issued_at).total_seconds() == 7 * 60
    assert (done.completed_at - done.serving_at).total_seconds() == 9 * 60
    with pytest.raises(InvalidTicketState):
        service.complete(1, dossiers=-1)


def test_operations_on_an_empty_counter_are_refused(service: QueueService) -> None:
    for op in (service.recall, service.skip, service.start_service, service.complete):
        with pytest.raises(NoTicketAtCounter):
            op(1)
    with pytest.raises(UnknownCounter):
        service.call_next(7)


def test_pause_keeps_the_ticket_and_close_refuses_while_holding(service: QueueService) -> None:
    service.issue("hotich")
    service.call_next(1)
    service.pause_counter(1, "Nghỉ trưa")
    c = service.snapshot().counter_status(1)
    assert c.state is CounterState.PAUSED and c.reason == "Nghỉ trưa" and c.ticket is not None
    with pytest.raises(CounterBusy):
        service.close_counter(1)
    service.complete(1)
    service.close_counter(1)
    assert service.snapshot().counter_status(1).state is CounterState.CLOSED


def test_unknown_field_suggests_the_closest_code(service: QueueService) -> None:
    with pytest.raises(UnknownField, match='Did you mean "hotich"'):
        service.issue("hotic")


def test_field_closed_outside_hours_names_the_reopening_time(
    service: QueueService, clock: ManualClock
) -> None:
    clock.set(local(2026, 11, 23, 12, 0))  # lunch break
    with pytest.raises(FieldClosed) as err:
        service.issue("hotich")
    assert "mở lại lúc 13:30" in err.value.message_vi
    assert "opens at 13:30" in err.value.message_en
    snap = service.snapshot().field_status("hotich")
    assert not snap.open_now and snap.opens_at is not None
    clock.set(local(2026, 11, 23, 13, 30))
    assert service.issue("hotich").ticket.code == "A001"


def test_admin_can_close_a_field_for_today_only(service: QueueService, clock: ManualClock) -> None:
    service.set_field_today("datdai", False, reason="Cán bộ đi vắng")
    with pytest.raises(FieldClosed) as err:
        service.issue("datdai")
    assert "hôm nay" in err.value.message_vi
    clock.set(local(2026, 11, 24, 8, 0))  # the decision was for one day only
    assert service.issue("datdai").ticket.code == "C001"


def test_admin_can_open_a_field_outside_its_hours(
    service: QueueService, clock: ManualClock
) -> None:
    clock.set(local(2026, 11, 23, 18, 0))
    with pytest.raises(FieldClosed):
        service.issue("datdai")
    service.set_field_today("datdai", True, reason="Tiếp nhận thêm giờ")
    assert service.issue("datdai").ticket.code == "C001"
    kinds = [e.kind for e in service.events_after(0)]
    assert EventKind.FIELD_OPENED in kinds


def test_daily_cap_refuses_after_the_last_number(store: Store, clock: ManualClock) -> None:
    cfg = make_config(**{"service_minutes = 12": "service_minutes = 12\ndaily_cap = 2"})
    svc = QueueService(store, cfg, clock)
    svc.issue("datdai")
    svc.issue("datdai")
    with pytest.raises(DailyCapReached) as err:
        svc.issue("datdai")
    assert "Đã hết số thứ tự trong ngày" in err.value.message_vi.replace("đã hết", "Đã hết")
    assert svc.snapshot().field_status("datdai").open_now is False


def test_numbers_restart_each_business_day_in_the_site_zone(
    service: QueueService, clock: ManualClock
) -> None:
    clock.set(local(2026, 11, 23, 16, 59))
    assert service.issue("hotich").ticket.code == "A001"
    clock.set(local(2026, 11, 24, 7, 30))  # next morning, local time
    t = service.issue("hotich").ticket
    assert t.code == "A001"
    assert str(t.business_day) == "2026-11-24"


def test_first_operation_of_a_new_day_expires_yesterdays_waiting_and_skipped(
    service: QueueService, clock: ManualClock
) -> None:
    waiting = service.issue("hotich").ticket
    skipped = service.issue("hotich").ticket
    held = service.issue("chungthuc").ticket
    service.call_ticket(1, skipped.code)
    service.skip(1)
    service.call_next(3)
    clock.set(local(2026, 11, 24, 8, 0))
    service.issue("hotich")
    states = {t.code: t.state for t in service.tickets() if t.business_day.day == 23}
    assert states == {
        waiting.code: TicketState.EXPIRED,
        skipped.code: TicketState.NO_SHOW,
        held.code: TicketState.CALLED,  # a counter still holds it: it stays until finished
    }
    assert service.snapshot().counter_status(3).ticket.code == held.code
    expired = [e for e in service.events_after(0) if e.kind is EventKind.EXPIRED]
    assert [e.ticket_code for e in expired] == [waiting.code, skipped.code]


def test_snapshot_counts_waiting_and_counter_stats(
    service: QueueService, clock: ManualClock
) -> None:
    for _ in range(3):
        service.issue("hotich")
    service.issue("hotich", priority=True)
    service.call_next(1)
    clock.advance(minutes=4)
    service.complete(1)
    snap = service.snapshot()
    f = snap.field_status("hotich")
    assert (f.waiting, f.priority_waiting, f.issued_today) == (3, 0, 4)
    c1 = snap.counter_status(1)
    assert c1.served_today == 1
    assert c1.avg_service_seconds == pytest.approx(240, abs=0.5)
    assert snap.last_event_id == service.last_event_id()


def test_events_after_returns_only_newer_events_in_order(service: QueueService) -> None:
    service.issue("hotich")
    mark = service.last_event_id()
    service.issue("hotich")
    service.call_next(1)
    later = service.events_after(mark)
    assert [e.id for e in later] == sorted(e.id for e in later)
    assert all(e.id > mark for e in later)
    assert [e.kind for e in later] == [EventKind.ISSUED, EventKind.COUNTER_OPENED, EventKind.CALLED]


def test_event_log_cannot_be_updated_or_deleted(service: QueueService, store: Store) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    service.issue("hotich")
    for sql in ("UPDATE queue_events SET kind = 'x'", "DELETE FROM queue_events"):
        with pytest.raises(IntegrityError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(sql))
    assert len(service.events_after(0)) == 1


def test_projection_equals_replay_of_the_log(service: QueueService, clock: ManualClock) -> None:
    for i in range(6):
        service.issue("hotich" if i % 2 else "chungthuc", priority=i == 3)
    service.call_next(1)
    service.recall(1)
    service.transfer(1, to_field="tuphap")
    service.call_next(2)
    service.skip(2)
    service.call_next(3)
    service.complete(3, dossiers=2)
    clock.advance(minutes=1)
    service.call_next(2)
    assert mismatches(service.tickets(), replay(service.events_after(0))) == []


def test_transfer_restarts_service_time_at_the_next_counter(
    service: QueueService, clock: ManualClock
) -> None:
    service.issue("hotich")
    service.call_next(1)
    service.start_service(1)
    clock.advance(minutes=3)
    service.transfer(1, to_field="chungthuc")
    clock.advance(minutes=20)  # waiting in the second queue is not service
    service.call_next(3)
    service.start_service(3)
    clock.advance(minutes=5)
    done = service.complete(3)
    assert (done.completed_at - done.serving_at).total_seconds() == 5 * 60


# ------------------------------------------------------------------ midnight


@pytest.fixture
def round_the_clock(store: Store, clock: ManualClock) -> QueueService:
    """A point open 00:00-24:00 every day: counters work across midnight."""
    return QueueService(store, make_config(**ALWAYS_OPEN), clock)


def test_a_ticket_held_at_midnight_stays_with_its_counter_and_counts_on_its_day(
    round_the_clock: QueueService, clock: ManualClock
) -> None:
    svc = round_the_clock
    clock.set(local(2026, 11, 23, 23, 50))
    held = svc.issue("hotich").ticket
    left = svc.issue("hotich").ticket
    svc.call_next(1)
    svc.start_service(1)
    clock.set(local(2026, 11, 24, 0, 10))
    today = svc.issue("hotich").ticket  # the first write of the new day
    assert (today.code, today.business_day) == ("A001", date(2026, 11, 24))
    yesterday = {t.id: t.state for t in svc.tickets(date(2026, 11, 23))}
    assert yesterday == {held.id: TicketState.SERVING, left.id: TicketState.EXPIRED}
    assert svc.snapshot().counter_status(1).ticket.id == held.id
    assert [t.code for t in svc.waiting(counter=1)] == ["A001"]  # today's A001 only
    svc.recall(1)
    done = svc.complete(1, dossiers=2)
    assert (done.id, done.state, done.dossiers) == (held.id, TicketState.COMPLETED, 2)
    assert done.business_day == date(2026, 11, 23)  # counted on the day it was issued
    assert svc.call_next(1).id == today.id
    assert mismatches(svc.tickets(), replay(svc.events_after(0))) == []


def test_a_ticket_transferred_after_midnight_joins_the_front_of_todays_queue(
    round_the_clock: QueueService, clock: ManualClock
) -> None:
    svc = round_the_clock
    clock.set(local(2026, 11, 23, 23, 55))
    to_field = svc.issue("hotich").ticket
    to_counter = svc.issue("hotich").ticket
    svc.call_next(1)
    svc.call_next(2)
    clock.set(local(2026, 11, 24, 0, 5))
    early = svc.issue("chungthuc").ticket  # today's B001, issued before the transfer
    moved = svc.transfer(1, to_field="chungthuc")
    assert (moved.state, moved.business_day) == (TicketState.WAITING, date(2026, 11, 23))
    assert [t.id for t in svc.waiting(counter=3)] == [to_field.id, early.id]
    assert svc.snapshot().field_status("chungthuc").waiting == 2
    assert svc.issue("chungthuc").people_ahead == 2
    svc.transfer(2, to_counter=4)
    assert [t.id for t in svc.waiting(counter=4)] == [to_counter.id]
    assert svc.call_next(4).id == to_counter.id
    assert svc.call_next(3).id == to_field.id
    assert mismatches(svc.tickets(), replay(svc.events_after(0))) == []


def test_a_ticket_skipped_after_midnight_can_come_back_that_day_then_expires(
    round_the_clock: QueueService, clock: ManualClock
) -> None:
    svc = round_the_clock
    clock.set(local(2026, 11, 23, 23, 55))
    ticket = svc.issue("hotich").ticket
    svc.call_next(1)
    clock.set(local(2026, 11, 24, 0, 5))
    svc.skip(1)  # set aside in today's queue: the citizen may still come back today
    assert [t.id for t in svc.skipped(counter=1)] == [ticket.id]
    clock.set(local(2026, 11, 24, 9, 0))
    same_code = svc.issue("hotich").ticket  # today's A001: a write expires nothing of today
    assert same_code.code == ticket.code and svc.find_ticket(ticket.code).id == same_code.id
    assert svc.return_skipped(ticket.code).id == ticket.id  # the skipped one is meant
    assert [t.id for t in svc.waiting(counter=1)] == [ticket.id, same_code.id]
    svc.call_next(1)
    svc.skip(1)
    clock.set(local(2026, 11, 25, 0, 1))
    svc.issue("hotich")
    assert svc.ticket(ticket.id).state is TicketState.NO_SHOW
