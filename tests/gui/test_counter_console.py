"""The counter console on a real SQLite file, driven by its buttons and by keypad keys.

A cheap USB keypad sends its keys with Qt's KeypadModifier: + / Enter call next, * recall,
- skip, / complete, . pause or resume, digits type the dossier count. Time between presses
is core's manual clock: the console and the call guard both read it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kiosk.core.clock import ManualClock
from kiosk.core.errors import DatabaseUnavailable
from kiosk.core.model import CounterState, EventKind, TicketState
from kiosk.core.queue import QueueService
from kiosk.counter import window as window_module
from kiosk.counter.keys import Action
from kiosk.counter.state import load_state
from kiosk.counter.window import CounterConsole
from kiosk.gui.operations import Operations
from kiosk.gui.watcher import FeedWatcher

# Consoles are shown windows; the offscreen platform has no window manager for size hints.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

KP = Qt.KeyboardModifier.KeypadModifier
Open = Callable[..., CounterConsole]


@pytest.fixture
def open_console(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, service: QueueService
) -> Iterator[Open]:
    made: list[CounterConsole] = []

    def start(
        counter: int = 1, *, svc: QueueService | None = None, catalogue: Any = None
    ) -> CounterConsole:
        svc = svc or service
        console = CounterConsole(
            svc,
            counter,
            ops=Operations(),
            watcher=FeedWatcher(svc, heartbeat=0.3),
            catalogue=catalogue,
        )
        qtbot.addWidget(console)
        console.resize(1366, 768)
        console.show()
        qtbot.waitExposed(console)
        console.install_key_filter()
        made.append(console)
        console.start()
        qtbot.waitUntil(lambda: console.state is not None and not console.busy, timeout=5000)
        return console

    yield start
    for console in made:
        console.stop()
        thread = console.watcher._thread
        if thread is not None:
            thread.join(2)
        console.ops.shutdown()


def settle(qtbot: QtBot, console: CounterConsole, check: Callable[[], bool]) -> None:
    """Wait until the action finished, the console re-read the queue, and `check` holds."""
    qtbot.waitUntil(lambda: not console.busy and check(), timeout=5000)


def key(qtbot: QtBot, console: CounterConsole, k: Qt.Key, mods: Qt.KeyboardModifier = KP) -> None:
    qtbot.keyClick(console.focusWidget() or console, k, mods)


def held(console: CounterConsole) -> str | None:
    st = console.state
    return st.ticket.code if st and st.ticket else None


def press(
    console: CounterConsole, k: Qt.Key, mods: Qt.KeyboardModifier = KP, *, auto: bool = False
) -> None:
    """One press and release as the window system delivers them (`auto`: flagged repeat)."""
    target = console.focusWidget() or console
    text = chr(k) if 0x20 <= k < 0x7F else "\r" if k == Qt.Key.Key_Enter else ""
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(target, QKeyEvent(kind, k, mods, text, auto))


def idle(qtbot: QtBot, console: CounterConsole) -> None:
    """Wait until whatever the last input started (an action, a re-read) has finished."""
    qtbot.waitUntil(lambda: not console.busy and not console.ops.busy, timeout=5000)


def ticket_log(service: QueueService) -> list[tuple[str, str | None]]:
    """What happened to tickets, from the database's event log."""
    kinds = {
        EventKind.CALLED,
        EventKind.RECALLED,
        EventKind.SKIPPED,
        EventKind.COMPLETED,
        EventKind.TRANSFERRED,
    }
    return [(e.kind.value, e.ticket_code) for e in service.events_after(0) if e.kind in kinds]


def double_click(
    qtbot: QtBot, console: CounterConsole, widget: QWidget, clock: ManualClock, gap_ms: int
) -> None:
    """A double click as the window system sends it: press, release, double-click, release.

    The first click's action has finished before the second arrives (a fast database).
    """
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton)
    idle(qtbot, console)
    clock.advance(milliseconds=gap_ms)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton)


def test_console_shows_counter_fields_and_opens_a_closed_counter(
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    service.issue("hotich")
    service.issue("chungthuc")
    console = open_console(2)
    assert console.title.text() == "QUẦY 2"
    assert console.fields_label.text() == "Hộ tịch · Chứng thực"
    settle(qtbot, console, lambda: console.state.counter.state is CounterState.OPEN)
    assert [f.code for f in console.state.fields] == ["hotich", "chungthuc"]
    assert console.visible_state()["waiting"] == ["A001", "B001"]
    assert console.code_label.text() == "—"
    assert not console.buttons[Action.RECALL].isEnabled()
    assert console.buttons[Action.CALL_NEXT].isEnabled()


def test_keypad_plus_calls_next_and_shows_the_ticket_and_its_wait(
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    service.issue("hotich")
    service.clock.advance(minutes=12)  # type: ignore[attr-defined]
    console = open_console(1)
    key(qtbot, console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A001")
    assert console.code_label.text() == "A001"
    assert console.ticket_field.text() == "Hộ tịch"
    assert "Đã chờ 12 phút" in console.ticket_detail.text()
    assert console.message_vi == "Đã gọi số A001"
    assert console.buttons[Action.RECALL].isEnabled()


def test_keypad_enter_and_f1_call_next_too(
    open_console: Open, qtbot: QtBot, service: QueueService, clock: ManualClock
) -> None:
    for _ in range(2):
        service.issue("ketqua")
    console = open_console(6)
    key(qtbot, console, Qt.Key.Key_Enter)
    settle(qtbot, console, lambda: held(console) == "K001")
    clock.advance(seconds=3)  # past the call guard
    key(qtbot, console, Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier)
    settle(qtbot, console, lambda: held(console) == "K002")


def test_no_one_waiting_is_refused_with_a_clear_line(
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    console = open_console(1)
    qtbot.mouseClick(console.buttons[Action.CALL_NEXT], Qt.MouseButton.LeftButton)
    settle(qtbot, console, lambda: console.message_tone == "refused")
    assert console.message_vi == "Không còn ai chờ lĩnh vực Hộ tịch"
    assert console.message_en == "No one is waiting for Civil status"
    assert "Không còn ai chờ lĩnh vực Hộ tịch" in console.message_label.text()


def test_recall_skip_and_return_a_skipped_ticket(
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    service.issue("hotich")
    service.issue("hotich")
    console = open_console(1)
    key(qtbot, console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A001")
    key(qtbot, console, Qt.Key.Key_Asterisk)
    settle(qtbot, console, lambda: console.state.ticket.recalls == 1)
    assert console.recalls_label.text().startswith("Đã gọi lại 1/2 lần")
    assert service.events_after(0)[-1].kind is EventKind.RECALLED
    key(qtbot, console, Qt.Key.Key_Minus)
    settle(qtbot, console, lambda: held(console) is None and console.skipped_list.count() == 1)
    assert console.visible_state()["skipped"] == ["A001"]
    assert not console.buttons[Action.RETURN_SKIPPED].isEnabled()
    console.skipped_list.item(0).setSelected(True)
    assert console.buttons[Action.RETURN_SKIPPED].isEnabled()
    key(qtbot, console, Qt.Key.Key_F7, Qt.KeyboardModifier.NoModifier)
    settle(qtbot, console, lambda: console.visible_state()["waiting"] == ["A001", "A002"])
    assert console.message_vi == "Đã đưa số A001 trở lại hàng chờ"


def test_keypad_digits_then_slash_complete_with_that_many_dossiers(
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    t = service.issue("hotich").ticket
    console = open_console(1)
    key(qtbot, console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A001")
    key(qtbot, console, Qt.Key.Key_1)
    key(qtbot, console, Qt.Key.Key_2)
    assert console.dossiers.value() == 12
    key(qtbot, console, Qt.Key.Key_Slash)
    settle(qtbot, console, lambda: held(console) is None)
    assert service.ticket(t.id).state is TicketState.COMPLETED
    assert service.ticket(t.id).dossiers == 12
    assert console.dossiers.value() == 1  # back to the usual one dossier
    assert console.message_vi == "Đã hoàn thành số A001 (12 hồ sơ)"
    settle(qtbot, console, lambda: console.state.counter.served_today == 1)
    assert "Hôm nay đã phục vụ 1 lượt" in console.stats_label.text()


def test_keypad_digits_work_with_numlock_off(
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    console = open_console(1)
    key(qtbot, console, Qt.Key.Key_PageDown)  # "3" with NumLock off
    assert console.dossiers.value() == 3
    # The same key without the keypad modifier (a normal PageDown) is not a digit.
    console._last_digit = 0.0
    key(qtbot, console, Qt.Key.Key_End, Qt.KeyboardModifier.NoModifier)
    assert console.dossiers.value() == 3


def test_calling_next_while_holding_completes_first_with_the_dossier_count(
    open_console: Open, qtbot: QtBot, service: QueueService, clock: ManualClock
) -> None:
    first = service.issue("hotich").ticket
    service.issue("hotich")
    console = open_console(1)
    key(qtbot, console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A001")
    clock.advance(minutes=5)
    key(qtbot, console, Qt.Key.Key_2)
    key(qtbot, console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A002")
    assert service.ticket(first.id).state is TicketState.COMPLETED
    assert service.ticket(first.id).dossiers == 2
    assert console.message_vi == "Đã hoàn thành A001 (2 hồ sơ). Đã gọi số A002"
    assert console.message_en == "Completed A001 (2 dossiers). Called A002"


def test_a_held_key_or_double_press_calls_only_one_ticket(
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    for _ in range(3):
        service.issue("hotich")
    console = open_console(1)
    key(qtbot, console, Qt.Key.Key_Plus)
    key(qtbot, console, Qt.Key.Key_Plus)  # while the first call is still running
    settle(qtbot, console, lambda: held(console) == "A001")
    calls = [e for e in service.events_after(0) if e.kind is EventKind.CALLED]
    assert [e.ticket_code for e in calls] == ["A001"]


def test_call_a_chosen_ticket_from_the_waiting_list(
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    for field in ("hotich", "chungthuc", "chungthuc"):
        service.issue(field)
    console = open_console(2)
    assert not console.buttons[Action.CALL_CHOSEN].isEnabled()
    console.waiting_list.item(2).setSelected(True)  # B002, out of turn
    qtbot.mouseClick(console.buttons[Action.CALL_CHOSEN], Qt.MouseButton.LeftButton)
    settle(qtbot, console, lambda: held(console) == "B002")
    called = [e for e in service.events_after(0) if e.kind is EventKind.CALLED][-1]
    assert called.data.get("out_of_turn") is True


def test_transfer_to_another_field_and_to_another_counter(
    open_console: Open, qtbot: QtBot, service: QueueService, clock: ManualClock
) -> None:
    t1 = service.issue("hotich").ticket
    t2 = service.issue("hotich").ticket
    console = open_console(1)
    key(qtbot, console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A001")
    key(qtbot, console, Qt.Key.Key_F5, Qt.KeyboardModifier.NoModifier)
    assert not console.transfer_panel.isHidden()
    target = console.transfer_target
    target.setCurrentIndex(target.findText("Lĩnh vực Tư pháp"))
    key(qtbot, console, Qt.Key.Key_Enter)  # confirms the panel, does not call next
    settle(qtbot, console, lambda: held(console) is None)
    assert service.ticket(t1.id).queue_field == "tuphap"
    assert console.message_vi == "Đã chuyển số A001 sang lĩnh vực Tư pháp"
    clock.advance(seconds=5)  # the clerk's time to choose, and press +
    key(qtbot, console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A002")
    qtbot.mouseClick(console.buttons[Action.TRANSFER], Qt.MouseButton.LeftButton)
    target.setCurrentIndex(target.findText("Quầy 4"))
    qtbot.mouseClick(console.transfer_ok, Qt.MouseButton.LeftButton)
    settle(qtbot, console, lambda: held(console) is None)
    assert service.ticket(t2.id).target_counter == 4
    assert [t.code for t in service.waiting(counter=4)] == ["A002"]


def test_escape_closes_a_panel_without_doing_anything(
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    console = open_console(1)
    settle(qtbot, console, lambda: console.state.counter.state is CounterState.OPEN)
    key(qtbot, console, Qt.Key.Key_Period)
    assert not console.pause_panel.isHidden()
    key(qtbot, console, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    assert console.pause_panel.isHidden()
    assert console.state.counter.state is CounterState.OPEN


def test_pause_with_a_reason_and_resume(
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    console = open_console(3)
    settle(qtbot, console, lambda: console.state.counter.state is CounterState.OPEN)
    key(qtbot, console, Qt.Key.Key_Period)
    console.pause_reason.setCurrentText("Nghỉ trưa")
    qtbot.mouseClick(console.pause_ok, Qt.MouseButton.LeftButton)
    settle(qtbot, console, lambda: console.state.counter.state is CounterState.PAUSED)
    assert console.state.counter.reason == "Nghỉ trưa"
    assert console.state_label.text() == "TẠM DỪNG: Nghỉ trưa"
    assert console.buttons[Action.PAUSE].text().startswith("Tiếp tục")
    key(qtbot, console, Qt.Key.Key_F8, Qt.KeyboardModifier.NoModifier)
    settle(qtbot, console, lambda: console.state.counter.state is CounterState.OPEN)


def test_the_console_shows_the_procedure_a_ticket_was_taken_for(
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    service.issue("hotich", procedure="Đăng ký kết hôn")
    service.issue("hotich")
    console = open_console(1)
    key(qtbot, console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A001")
    assert console.ticket_detail.text().startswith("Thủ tục: Đăng ký kết hôn\n")
    service.clock.advance(seconds=5)  # type: ignore[attr-defined]  # past the call guard
    key(qtbot, console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A002")
    assert "Thủ tục" not in console.ticket_detail.text()  # a plain ticket says nothing


def test_a_coded_procedure_is_shown_by_its_name_from_the_catalogue(
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    from kiosk.core.catalogue import parse_catalogue, sample_text

    coded = sample_text().replace(
        'name = "Đăng ký kết hôn"', 'name = "Đăng ký kết hôn"\ncode = "1.000894"', 1
    )
    catalogue = parse_catalogue(coded, service.config)
    service.issue("hotich", procedure="1.000894")
    console = open_console(1, catalogue=catalogue)
    key(qtbot, console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A001")
    assert console.ticket_detail.text().startswith("Thủ tục: Đăng ký kết hôn\n")


def test_a_reopened_console_shows_the_ticket_its_counter_holds(
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    service.issue("datdai")
    first = open_console(4)
    key(qtbot, first, Qt.Key.Key_Plus)
    settle(qtbot, first, lambda: held(first) == "C001")
    first.stop()
    first.close()
    again = open_console(4)
    assert held(again) == "C001"
    assert again.code_label.text() == "C001"
    assert again.buttons[Action.COMPLETE].isEnabled()


def test_database_outage_shows_a_red_banner_and_disables_the_buttons(
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    service.issue("hotich")
    console = open_console(1)
    where = {a: b.geometry() for a, b in console.buttons.items()}
    console.watcher.unavailable.emit(DatabaseUnavailable("mất kết nối", "connection lost"))
    assert not console.banner.isHidden()
    QApplication.processEvents()  # a layout change would land now
    assert {a: b.geometry() for a, b in console.buttons.items()} == where  # nothing moved
    assert console.banner.y() < console.height() // 10  # across the top, over the header
    assert console.banner.text().startswith("Không kết nối được cơ sở dữ liệu")
    assert not any(b.isEnabled() for b in console.buttons.values())
    key(qtbot, console, Qt.Key.Key_Plus)
    assert console.message_vi == "Không kết nối được cơ sở dữ liệu"
    assert service.waiting(counter=1)[0].code == "A001"  # nothing was called
    console.watcher.available.emit()
    settle(qtbot, console, lambda: console.buttons[Action.CALL_NEXT].isEnabled())
    assert console.banner.isHidden()


def test_a_read_under_way_when_the_database_goes_away_does_not_lift_the_banner(
    open_console: Open, qtbot: QtBot, service: QueueService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A state read begun before an outage may still finish after it: the console must not
    take it for the database coming back (the banner stays, the buttons stay off)."""
    console = open_console(1)
    release = threading.Event()
    held_back = threading.Event()
    down = threading.Event()

    def load_state_during_an_outage(*args: object) -> object:
        if not held_back.is_set():  # the read under way: begun before, finished after
            held_back.set()
            release.wait(10)
        elif down.is_set():  # any read begun during the outage fails, as it would
            raise DatabaseUnavailable("mất kết nối", "connection lost")
        return load_state(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(window_module, "load_state", load_state_during_an_outage)
    before = console.refreshes
    console.refresh()
    qtbot.waitUntil(held_back.is_set, timeout=5000)
    down.set()
    console.watcher.unavailable.emit(DatabaseUnavailable("mất kết nối", "connection lost"))
    release.set()
    settle(qtbot, console, lambda: console.refreshes > before)
    assert not console.banner.isHidden()
    assert not any(b.isEnabled() for b in console.buttons.values())
    down.clear()
    console.watcher.available.emit()  # the database really is back
    settle(qtbot, console, lambda: console.buttons[Action.CALL_NEXT].isEnabled())
    assert console.banner.isHidden()


def test_changes_made_elsewhere_reach_the_console(
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    console = open_console(5)
    service.issue("xahoi")
    service.issue("kinhte")
    settle(qtbot, console, lambda: console.visible_state()["waiting"] == ["D001", "G001"])
    service.call_next(5)  # e.g. from the CLI
    settle(qtbot, console, lambda: held(console) == "D001")


# ------------------------------------------------------------------ one press, one action

GAPS_MS = [20, 60, 150, 600]


def holding_a001(open_console: Open, qtbot: QtBot, service: QueueService) -> CounterConsole:
    """Counter 1's console with three Hộ tịch tickets issued and "+" pressed: A001 in hand."""
    for _ in range(3):
        service.issue("hotich")
    console = open_console(1)
    press(console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A001")
    return console


@pytest.mark.parametrize("gap_ms", GAPS_MS)
def test_a_bounced_or_double_pressed_plus_calls_one_citizen_and_completes_none(
    open_console: Open, qtbot: QtBot, service: QueueService, clock: ManualClock, gap_ms: int
) -> None:
    console = holding_a001(open_console, qtbot, service)
    clock.advance(milliseconds=gap_ms)
    press(console, Qt.Key.Key_Plus)
    idle(qtbot, console)
    assert ticket_log(service) == [("called", "A001")]
    assert held(console) == "A001"


@pytest.mark.parametrize("flagged", [True, False], ids=["repeat-flag", "x-pairs-without-flag"])
@pytest.mark.parametrize(
    ("k", "expected"),
    [
        (Qt.Key.Key_Plus, [("called", "A001")]),
        (Qt.Key.Key_Enter, [("called", "A001")]),
        (Qt.Key.Key_Asterisk, [("called", "A001"), ("recalled", "A001")]),
        (Qt.Key.Key_Minus, [("called", "A001"), ("skipped", "A001")]),
        (Qt.Key.Key_Slash, [("called", "A001"), ("completed", "A001")]),
    ],
    ids=["plus", "enter", "recall", "skip", "complete"],
)
def test_a_key_held_for_a_second_and_a_half_acts_once(
    open_console: Open,
    qtbot: QtBot,
    service: QueueService,
    clock: ManualClock,
    k: Qt.Key,
    expected: list[tuple[str, str]],
    flagged: bool,
) -> None:
    for _ in range(3):
        service.issue("hotich")
    console = open_console(1)
    if k not in (Qt.Key.Key_Plus, Qt.Key.Key_Enter):
        key(qtbot, console, Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier)
        settle(qtbot, console, lambda: held(console) == "A001")
        clock.advance(seconds=5)
    press(console, k)
    idle(qtbot, console)
    message = (console.message_vi, console.message_tone)
    for _ in range(50):  # X repeats a held key every ~30 ms
        clock.advance(milliseconds=30)
        press(console, k, auto=flagged)
        idle(qtbot, console)
    assert ticket_log(service) == expected
    assert (console.message_vi, console.message_tone) == message  # no refusal line either


def test_call_next_again_within_the_guard_says_why_and_calls_after_it(
    open_console: Open, qtbot: QtBot, service: QueueService, clock: ManualClock
) -> None:
    console = holding_a001(open_console, qtbot, service)
    clock.advance(seconds=1.2)  # a deliberate second press, within the 2 s guard
    press(console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: console.message_tone == "refused")
    assert console.message_vi == "Vừa gọi số A001 — chờ 1 giây trước khi gọi tiếp"
    assert console.message_en == "Just called A001 — wait 1 s before calling next"
    assert console.message_label.text().startswith("Vừa gọi số A001")
    assert ticket_log(service) == [("called", "A001")]
    clock.advance(seconds=1.2)  # 2.4 s after the call
    press(console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A002")
    assert ticket_log(service) == [("called", "A001"), ("completed", "A001"), ("called", "A002")]
    assert console.message_vi == "Đã hoàn thành A001 (1 hồ sơ). Đã gọi số A002"
    assert console.message_en == "Completed A001 (1 dossier). Called A002"


@pytest.mark.parametrize("between", [Qt.Key.Key_Slash, Qt.Key.Key_Minus], ids=["complete", "skip"])
def test_complete_or_skip_in_between_lets_the_clerk_call_next_at_once(
    open_console: Open,
    qtbot: QtBot,
    service: QueueService,
    clock: ManualClock,
    between: Qt.Key,
) -> None:
    console = holding_a001(open_console, qtbot, service)
    clock.advance(seconds=0.4)
    press(console, between)
    settle(qtbot, console, lambda: held(console) is None)
    clock.advance(seconds=0.7)  # 1.1 s after the first call: inside the guard's 2 s
    press(console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A002")


def test_recall_works_within_the_guard_and_does_not_extend_it(
    open_console: Open, qtbot: QtBot, service: QueueService, clock: ManualClock
) -> None:
    console = holding_a001(open_console, qtbot, service)
    clock.advance(seconds=0.5)
    press(console, Qt.Key.Key_Asterisk)
    settle(qtbot, console, lambda: console.state.ticket.recalls == 1)
    clock.advance(seconds=0.7)
    press(console, Qt.Key.Key_Plus)  # 1.2 s after the call
    settle(qtbot, console, lambda: console.message_tone == "refused")
    clock.advance(seconds=1.2)  # 2.4 s after the call, 1.9 s after the recall
    press(console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A002")


@pytest.mark.parametrize("gap_ms", GAPS_MS)
def test_a_double_recall_press_announces_once(
    open_console: Open, qtbot: QtBot, service: QueueService, clock: ManualClock, gap_ms: int
) -> None:
    console = holding_a001(open_console, qtbot, service)
    clock.advance(seconds=5)
    press(console, Qt.Key.Key_Asterisk)
    idle(qtbot, console)
    clock.advance(milliseconds=gap_ms)
    press(console, Qt.Key.Key_Asterisk)
    idle(qtbot, console)
    assert ticket_log(service) == [("called", "A001"), ("recalled", "A001")]


@pytest.mark.parametrize("gap_ms", GAPS_MS)
def test_a_double_period_on_a_paused_counter_resumes_and_opens_nothing(
    open_console: Open, qtbot: QtBot, service: QueueService, clock: ManualClock, gap_ms: int
) -> None:
    service.pause_counter(3, "Nghỉ trưa")
    console = open_console(3)
    settle(qtbot, console, lambda: console.state.counter.state is CounterState.PAUSED)
    press(console, Qt.Key.Key_Period)
    settle(qtbot, console, lambda: console.state.counter.state is CounterState.OPEN)
    clock.advance(milliseconds=gap_ms)
    press(console, Qt.Key.Key_Period)
    idle(qtbot, console)
    assert console.pause_panel.isHidden()  # the second "." did not start a new pause
    assert console.state.counter.state is CounterState.OPEN


def test_a_double_period_opens_the_pause_panel_without_typing_into_it(
    open_console: Open, qtbot: QtBot, service: QueueService, clock: ManualClock
) -> None:
    console = open_console(3)
    settle(qtbot, console, lambda: console.state.counter.state is CounterState.OPEN)
    press(console, Qt.Key.Key_Period)
    assert not console.pause_panel.isHidden()
    reason = console.pause_reason.currentText()
    clock.advance(milliseconds=60)
    press(console, Qt.Key.Key_Period)
    assert console.pause_reason.currentText() == reason


@pytest.mark.parametrize("gap_ms", GAPS_MS)
def test_a_bounced_enter_confirming_a_pause_does_not_call_next(
    open_console: Open, qtbot: QtBot, service: QueueService, clock: ManualClock, gap_ms: int
) -> None:
    service.issue("tuphap")  # counter 3 serves it
    console = open_console(3)
    settle(qtbot, console, lambda: console.state.counter.state is CounterState.OPEN)
    press(console, Qt.Key.Key_Period)
    clock.advance(seconds=2)
    press(console, Qt.Key.Key_Enter)
    settle(qtbot, console, lambda: console.state.counter.state is CounterState.PAUSED)
    clock.advance(milliseconds=gap_ms)
    press(console, Qt.Key.Key_Enter)
    idle(qtbot, console)
    assert ticket_log(service) == []
    assert console.state.counter.state is CounterState.PAUSED


def test_a_bounced_enter_confirming_a_transfer_does_not_call_next(
    open_console: Open, qtbot: QtBot, service: QueueService, clock: ManualClock
) -> None:
    console = holding_a001(open_console, qtbot, service)
    clock.advance(seconds=5)
    press(console, Qt.Key.Key_F5, Qt.KeyboardModifier.NoModifier)
    clock.advance(seconds=2)
    press(console, Qt.Key.Key_Enter)
    settle(qtbot, console, lambda: held(console) is None)
    clock.advance(milliseconds=150)
    press(console, Qt.Key.Key_Enter)
    idle(qtbot, console)
    assert ticket_log(service) == [("called", "A001"), ("transferred", "A001")]


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (Action.CALL_NEXT, [("called", "A001")]),
        (Action.RECALL, [("called", "A001"), ("recalled", "A001")]),
    ],
    ids=["call-next", "recall"],
)
def test_a_double_click_on_a_button_acts_once(
    open_console: Open,
    qtbot: QtBot,
    service: QueueService,
    clock: ManualClock,
    action: Action,
    expected: list[tuple[str, str]],
) -> None:
    for _ in range(3):
        service.issue("hotich")
    console = open_console(1)
    if action is not Action.CALL_NEXT:
        qtbot.mouseClick(console.buttons[Action.CALL_NEXT], Qt.MouseButton.LeftButton)
        settle(qtbot, console, lambda: held(console) == "A001")
        clock.advance(seconds=5)
    double_click(qtbot, console, console.buttons[action], clock, 150)
    idle(qtbot, console)
    assert ticket_log(service) == expected


# ------------------------------------------------------------------ screen


def button_places(console: CounterConsole) -> dict[str, QRect]:
    return {
        a.value: QRect(b.mapTo(console, QPoint(0, 0)), b.size()) for a, b in console.buttons.items()
    }


@pytest.mark.parametrize("size", [(1366, 768), (800, 560)], ids=["1366x768", "800x560"])
def test_buttons_do_not_move_when_lines_appear(
    open_console: Open,
    qtbot: QtBot,
    service: QueueService,
    clock: ManualClock,
    size: tuple[int, int],
) -> None:
    for field in ("hotich", "hotich", "chungthuc"):
        service.issue(field, priority=field == "chungthuc")
    console = open_console(2)
    console.resize(*size)
    settle(qtbot, console, lambda: console.state.counter.state is CounterState.OPEN)
    qtbot.waitUntil(lambda: console.layout().geometry().size() == console.size())
    before = button_places(console)
    press(console, Qt.Key.Key_Plus)  # a message line appears, the ticket fills the card
    settle(qtbot, console, lambda: held(console) is not None)
    assert button_places(console) == before
    clock.advance(seconds=1.2)
    press(console, Qt.Key.Key_Plus)  # a refusal, in two languages
    settle(qtbot, console, lambda: console.message_tone == "refused")
    assert button_places(console) == before
    clock.advance(seconds=3)
    press(console, Qt.Key.Key_Asterisk)  # the recalls line appears
    settle(qtbot, console, lambda: console.state.ticket.recalls == 1)
    assert button_places(console) == before
    for _ in range(3):  # the last one finishes the day: a long two-part line
        clock.advance(seconds=3)
        press(console, Qt.Key.Key_Plus)
        idle(qtbot, console)
    assert console.message_en.startswith("Completed A002 (1 dossier). No one is waiting for")
    assert button_places(console) == before


def test_a_held_keypad_digit_types_it_once(
    open_console: Open, qtbot: QtBot, service: QueueService, clock: ManualClock
) -> None:
    console = open_console(1)
    press(console, Qt.Key.Key_3)
    shown = []
    for _ in range(20):
        clock.advance(milliseconds=30)
        press(console, Qt.Key.Key_3, auto=True)
        shown.append(console.dossiers.value())
    assert shown == [3] * 20
