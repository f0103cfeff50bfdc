"""The head's live alerts: the longest wait of a field over the target, a long pause."""

from __future__ import annotations

from kiosk.core.alerts import AlertKind, live_alerts
from kiosk.core.clock import ManualClock
from kiosk.core.queue import QueueService


def test_a_wait_over_the_target_and_a_long_pause_raise_alerts(
    service: QueueService, clock: ManualClock
) -> None:
    first = service.issue("hotich").ticket
    service.pause_counter(4, "họp giao ban")
    clock.advance(minutes=5)
    service.issue("hotich")
    clock.advance(minutes=9)
    snap = service.snapshot()
    hotich = snap.field_status("hotich")
    assert hotich is not None and hotich.oldest_waiting_at == first.issued_at
    assert snap.counter_status(4).since is not None  # type: ignore[union-attr]
    assert live_alerts(snap, clock.now(), wait_target_minutes=15, paused_minutes=20) == []

    clock.advance(minutes=7)  # the first ticket has waited 21 min, counter 4 paused 21 min
    alerts = live_alerts(service.snapshot(), clock.now(), wait_target_minutes=15, paused_minutes=20)
    assert [(a.kind, a.minutes, a.field, a.counter) for a in alerts] == [
        (AlertKind.LONG_WAIT, 21, "hotich", None),
        (AlertKind.LONG_PAUSE, 21, None, 4),
    ]
    assert alerts[0].message("vi") == "Hộ tịch: có người đã chờ 21 phút (mục tiêu 15 phút)"
    assert alerts[1].message("vi") == "Quầy 4 tạm dừng đã 21 phút (họp giao ban)"
    assert alerts[1].message("en") == "Counter 4 has been paused for 21 min (họp giao ban)"


def test_calling_the_longest_waiting_ticket_clears_its_alert(
    service: QueueService, clock: ManualClock
) -> None:
    service.issue("hotich")
    clock.advance(minutes=30)
    snap = service.snapshot()
    assert len(live_alerts(snap, clock.now(), wait_target_minutes=15, paused_minutes=20)) == 1
    service.call_next(1)
    snap = service.snapshot()
    assert snap.field_status("hotich").oldest_waiting_at is None  # type: ignore[union-attr]
    assert live_alerts(snap, clock.now(), wait_target_minutes=15, paused_minutes=20) == []
