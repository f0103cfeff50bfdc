"""The counter console on a real SQLite file, driven by its buttons and by keypad keys.

A cheap USB keypad sends its keys with Qt's KeypadModifier: + / Enter call next, * recall,
- skip, / complete, . pause or resume, digits type the dossier count.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.core.errors import DatabaseUnavailable
from kiosk.core.model import CounterState, EventKind, TicketState
from kiosk.core.queue import QueueService
from kiosk.counter.keys import Action
from kiosk.counter.window import CounterConsole
from kiosk.gui.operations import Operations
from kiosk.gui.watcher import FeedWatcher

KP = Qt.KeyboardModifier.KeypadModifier
Open = Callable[..., CounterConsole]


@pytest.fixture
def open_console(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, service: QueueService
) -> Iterator[Open]:
    made: list[CounterConsole] = []

    def start(counter: int = 1, *, svc: QueueService | None = None) -> CounterConsole:
        svc = svc or service
        console = CounterConsole(
            svc, counter, ops=Operations(), watcher=FeedWatcher(svc, heartbeat=0.3)
        )
        qtbot.addWidget(console)
        console.resize(1366, 768)
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
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    for _ in range(2):
        service.issue("ketqua")
    console = open_console(6)
    key(qtbot, console, Qt.Key.Key_Enter)
    settle(qtbot, console, lambda: held(console) == "K001")
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
    open_console: Open, qtbot: QtBot, service: QueueService
) -> None:
    first = service.issue("hotich").ticket
    service.issue("hotich")
    console = open_console(1)
    key(qtbot, console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A001")
    key(qtbot, console, Qt.Key.Key_2)
    key(qtbot, console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A002")
    assert service.ticket(first.id).state is TicketState.COMPLETED
    assert service.ticket(first.id).dossiers == 2
    assert console.message_vi == "Đã hoàn thành A001 (2 hồ sơ). Đã gọi số A002"


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
    open_console: Open, qtbot: QtBot, service: QueueService
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
    console.watcher.unavailable.emit(DatabaseUnavailable("mất kết nối", "connection lost"))
    assert not console.banner.isHidden()
    assert console.banner.text().startswith("Không kết nối được cơ sở dữ liệu")
    assert not any(b.isEnabled() for b in console.buttons.values())
    key(qtbot, console, Qt.Key.Key_Plus)
    assert console.message_vi == "Không kết nối được cơ sở dữ liệu"
    assert service.waiting(counter=1)[0].code == "A001"  # nothing was called
    console.watcher.available.emit()
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
