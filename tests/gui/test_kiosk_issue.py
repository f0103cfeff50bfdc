"""Taking a number on the kiosk: real buttons, a real SQLite file, a real ESC/POS file printer."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app.window import HOME, REFUSAL, RESULT
from kiosk.core.clock import ManualClock
from kiosk.core.model import EventKind
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.printing.ticket_image import render_ticket, ticket_face
from tests.gui.test_kiosk_support import (
    WAIT_MS,
    broken_printer_config,
    count,
    kiosk_config,
    open_kiosk,
    printed_jobs,
    tap,
)
from tests.support import local


@pytest.fixture
def kiosk_service(tmp_path: Path, store: Store, clock: ManualClock) -> QueueService:
    return QueueService(store, kiosk_config(tmp_path), clock)


def test_a_tap_issues_one_ticket_and_prints_exactly_that_ticket(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    window = open_kiosk(qtbot, kiosk_service)
    printed = qtbot.waitSignal(window.print_finished, timeout=WAIT_MS)
    committed_when_shown: list[list[str]] = []
    window.ticket_shown.connect(
        lambda _issued: committed_when_shown.append([t.code for t in kiosk_service.tickets()])
    )
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS) as shown:
        tap(qtbot, window.home.buttons["hotich"])
    issued = shown.args[0]
    assert committed_when_shown == [["A001"]]  # in the database before the screen showed it
    assert window.screen_name == RESULT
    assert window.result.number.text() == "A001"
    printed.wait()
    assert printed.args[0].ok, printed.args[0].message_en
    jobs = printed_jobs(kiosk_service.config)
    assert len(jobs) == 1
    expected = render_ticket(ticket_face(kiosk_service.config, issued), jobs[0].width)
    assert jobs[0].size == expected.size
    assert jobs[0].tobytes() == expected.tobytes()
    # The preview on screen is the very image that was printed.
    assert window.result.preview.source is not None
    assert window.result.preview.source.tobytes() == jobs[0].tobytes()
    assert count(kiosk_service, EventKind.ISSUED) == 1
    assert count(kiosk_service, EventKind.PRINTED) == 1
    assert count(kiosk_service, EventKind.PRINT_FAILED) == 0


def test_a_double_tap_issues_one_ticket(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    window = open_kiosk(qtbot, kiosk_service)
    button = window.home.buttons["chungthuc"]
    printed = qtbot.waitSignal(window.print_finished, timeout=WAIT_MS)
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS):
        tap(qtbot, button)
        tap(qtbot, button)  # while the first issue is still running
    # The second finger lands on the result screen: it must not dismiss it either.
    tap(qtbot, window.result)
    assert window.screen_name == RESULT
    printed.wait()
    assert [t.code for t in kiosk_service.tickets()] == ["B001"]
    assert len(printed_jobs(kiosk_service.config)) == 1


def test_the_tap_guard_holds_even_after_the_first_issue_finished(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    now = [100.0]
    window = open_kiosk(qtbot, kiosk_service, monotonic=lambda: now[0])
    printed = qtbot.waitSignal(window.print_finished, timeout=WAIT_MS)
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS):
        tap(qtbot, window.home.buttons["hotich"])
    printed.wait()
    window.go_home()
    now[0] += 1.0  # 1 s later: inside the default 1.5 s guard
    with qtbot.assertNotEmitted(window.ops.started):  # no issue starts, none can finish later
        tap(qtbot, window.home.buttons["hotich"])
    assert window.screen_name == HOME
    assert len(kiosk_service.tickets()) == 1
    now[0] += 1.0  # past the guard: a new citizen
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS):
        tap(qtbot, window.home.buttons["hotich"])
    assert [t.code for t in kiosk_service.tickets()] == ["A001", "A002"]


def test_priority_ticket_takes_two_taps(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    kiosk_service.issue("hotich")
    window = open_kiosk(qtbot, kiosk_service)
    tap(qtbot, window.home.priority)
    assert window.home.priority_mode
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS) as shown:
        tap(qtbot, window.home.buttons["hotich"])
    issued = shown.args[0]
    assert issued.ticket.priority
    assert issued.people_ahead == 0  # priority goes before the normal ticket
    assert window.result.priority.isVisible()
    assert not window.home.priority_mode  # the next citizen starts from normal


def test_printer_failure_keeps_the_ticket_says_so_and_serves_the_next_citizen(
    qtbot: QtBot, aloop: object, tmp_path: Path, store: Store, clock: ManualClock
) -> None:
    config = broken_printer_config(tmp_path)
    service = QueueService(store, config, clock)
    now = [100.0]
    window = open_kiosk(qtbot, service, monotonic=lambda: now[0])
    with qtbot.waitSignal(window.print_finished, timeout=WAIT_MS) as printed:
        tap(qtbot, window.home.buttons["hotich"])
    assert not printed.args[0].ok
    assert window.screen_name == RESULT
    assert window.result.print_failed
    assert window.result.fault_box.isVisible()
    assert window.result.fault.text() == (
        "Máy in đang gặp sự cố. Vui lòng ghi nhớ số thứ tự của ông/bà"
    )
    assert window.result.fault_other.text() == (
        "The printer has a problem. Please remember your number"
    )
    assert window.result.number.text() == "A001"
    assert window.result.number.pixel_size() >= 150  # still very large
    failed = [e for e in service.events_after(0) if e.kind is EventKind.PRINT_FAILED]
    assert len(failed) == 1 and "Cannot write to file" in failed[0].data["message"]
    assert [t.code for t in service.tickets()] == ["A001"]  # the ticket stays valid

    # The next citizen is served (after the guard time), the failure logged again.
    now[0] += 5
    tap(qtbot, window.result.done)
    assert window.screen_name == HOME
    with qtbot.waitSignal(window.print_finished, timeout=WAIT_MS):
        tap(qtbot, window.home.buttons["chungthuc"])
    assert [t.code for t in service.tickets()] == ["A001", "B001"]
    assert count(service, EventKind.PRINT_FAILED) == 2


def test_printer_that_refuses_the_connection_fails_within_its_timeout(
    qtbot: QtBot, aloop: object, tmp_path: Path, store: Store, clock: ManualClock
) -> None:
    import socket

    with socket.socket() as probe:  # a local port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = kiosk_config(
        tmp_path,
        printer={"target": "network", "host": "127.0.0.1", "port": port, "timeout_seconds": 2},
    )
    service = QueueService(store, config, clock)
    window = open_kiosk(qtbot, service)
    with qtbot.waitSignal(window.print_finished, timeout=WAIT_MS) as printed:
        tap(qtbot, window.home.buttons["ketqua"])
    assert not printed.args[0].ok
    assert f"127.0.0.1:{port}" in printed.args[0].message_en
    assert window.result.print_failed
    assert count(service, EventKind.PRINT_FAILED) == 1


def test_a_closed_field_is_disabled_with_its_reason_and_opening_time(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService, clock: ManualClock
) -> None:
    clock.set(local(2026, 11, 23, 12, 0))  # lunch: every field reopens at 13:30
    kiosk_service.set_field_today("datdai", False, reason="họp")
    window = open_kiosk(qtbot, kiosk_service)
    land = window.home.buttons["datdai"]
    assert not land.isEnabled()
    assert land.detail.text() == "Tạm ngừng tiếp nhận hôm nay"
    civil = window.home.buttons["hotich"]
    assert not civil.isEnabled()
    assert civil.detail.text() == "Lĩnh vực đã hết giờ tiếp nhận, mở lại lúc 13:30"
    with qtbot.assertNotEmitted(window.ops.started):  # no issue starts, none can finish later
        tap(qtbot, civil)
    assert window.screen_name == HOME
    assert kiosk_service.tickets() == []
    tap(qtbot, window.header.language)
    assert civil.detail.text() == "Closed now, opens at 13:30"


def test_a_field_closed_just_before_the_tap_shows_the_refusal(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    window = open_kiosk(qtbot, kiosk_service)
    # Another process (the admin's CLI) closes the field; the tap comes before the feed.
    kiosk_service.set_field_today("tuphap", False)
    button = window.home.buttons["tuphap"]
    assert button.isEnabled()
    tap(qtbot, button)
    qtbot.waitUntil(lambda: window.screen_name == REFUSAL, timeout=WAIT_MS)
    assert window.refusal.message.text() == "Lĩnh vực Tư pháp tạm ngừng tiếp nhận hôm nay"
    assert kiosk_service.tickets() == []
    qtbot.waitUntil(lambda: not button.isEnabled(), timeout=WAIT_MS)  # refreshed


def test_a_full_daily_cap_disables_the_field(
    qtbot: QtBot, aloop: object, tmp_path: Path, store: Store, clock: ManualClock
) -> None:
    config = kiosk_config(tmp_path, caps={"ketqua": 1})
    service = QueueService(store, config, clock)
    window = open_kiosk(qtbot, service)
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS):
        tap(qtbot, window.home.buttons["ketqua"])
    results = window.home.buttons["ketqua"]
    qtbot.waitUntil(lambda: not results.isEnabled(), timeout=WAIT_MS)
    assert results.detail.text() == "Đã hết số thứ tự trong ngày"


def test_counts_and_estimates_follow_the_counters_live(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    window = open_kiosk(qtbot, kiosk_service)
    civil = window.home.buttons["hotich"]

    def detail() -> str:
        return civil.detail.text().replace("\u00a0", " ")

    assert detail() == "Không còn ai chờ  ·  chưa có quầy mở"
    for _ in range(3):
        kiosk_service.issue("hotich", actor="cli")  # another process issues
    qtbot.waitUntil(lambda: detail() == "Đang chờ: 3  ·  chưa có quầy mở", timeout=WAIT_MS)
    kiosk_service.call_next(1)  # counter 1 opens with its first call
    # A new citizen would wait for 2 calls at counter 1, the only one open: 2 × 8 minutes.
    qtbot.waitUntil(lambda: detail() == "Đang chờ: 2  ·  khoảng 16 phút", timeout=WAIT_MS)


def test_before_any_counter_opens_the_kiosk_promises_no_time(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    """Opening time: citizens take numbers before the clerks open their counters."""
    from dataclasses import replace

    now = [100.0]
    window = open_kiosk(qtbot, kiosk_service, monotonic=lambda: now[0])
    civil = window.home.buttons["hotich"]

    def detail() -> str:
        return civil.detail.text().replace("\u00a0", " ")

    assert detail() == "Không còn ai chờ  ·  chưa có quầy mở"
    printed = qtbot.waitSignal(window.print_finished, timeout=WAIT_MS)
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS) as shown:
        tap(qtbot, civil)
    assert window.result.ahead.text() == "Số người đang chờ trước ông/bà: 0"
    assert window.result.wait.text() == "Thời gian chờ dự kiến: chưa có quầy mở"
    printed.wait()
    (job,) = printed_jobs(kiosk_service.config)
    face = ticket_face(kiosk_service.config, shown.args[0])
    timed = replace(face, no_counter_open=False, estimated_wait_minutes=5)
    # No time is printed: whatever minutes the face carries, the same words (core's
    # wait_text(None): "chưa có quầy mở" / "no counter open yet") and the same image.
    words = replace(face, estimated_wait_minutes=5)
    assert job.tobytes() == render_ticket(words, job.width).tobytes()
    assert job.tobytes() != render_ticket(timed, job.width).tobytes()
    now[0] += 5  # after the tap guard
    tap(qtbot, window.result.done)
    assert window.screen_name == HOME
    tap(qtbot, window.header.language)
    qtbot.waitUntil(lambda: detail() == "Waiting: 1  ·  no counter open yet", timeout=WAIT_MS)
    kiosk_service.open_counter(2)  # a clerk opens a counter of the field
    qtbot.waitUntil(lambda: detail() == "Waiting: 1  ·  about 8 min", timeout=WAIT_MS)
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS):
        tap(qtbot, civil)
    assert window.result.ahead.text() == "People ahead of you: 1"
    assert window.result.wait.text() == "Estimated wait: about 8 min"


def test_the_result_screen_returns_home_by_itself(
    qtbot: QtBot, aloop: object, kiosk_service: QueueService
) -> None:
    from dataclasses import replace

    from tests.gui.test_kiosk_support import FAST

    window = open_kiosk(qtbot, kiosk_service, timings=replace(FAST, result_ms=400))
    assert window.timings.result_ms == 400
    with qtbot.waitSignal(window.ticket_shown, timeout=WAIT_MS):
        tap(qtbot, window.home.buttons["hotich"])
    qtbot.waitUntil(lambda: window.screen_name == HOME, timeout=WAIT_MS)
