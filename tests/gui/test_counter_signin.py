"""The counter console's sign-in page (officers, issue #18), driven by real keys and clicks on a
real SQLite file: pick a name, a wrong then the right PIN, a double Enter, sign-out, a shift
change with a ticket in hand, and the same officer signing in at another console."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.core.clock import ManualClock
from kiosk.core.model import Event, EventKind
from kiosk.core.queue import QueueService
from kiosk.counter.keys import Action
from kiosk.counter.window import CounterConsole
from tests.gui.test_counter_console import KP, Open, held, idle, key, open_console, press, settle
from tests.support import OFFICER_PIN, officers_config

__all__ = ["open_console"]  # the fixture, shared with the console's own tests

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")
NO = Qt.KeyboardModifier.NoModifier
SIGN_KINDS = (EventKind.SIGNED_IN, EventKind.SIGNED_OUT)


@pytest.fixture
def staffed(service: QueueService, clock: ManualClock) -> QueueService:
    return QueueService(service.store, officers_config(), clock)


def signs(service: QueueService) -> list[tuple[str, int | None, str | None]]:
    return [
        (e.kind.value, e.counter, e.officer)
        for e in service.events_after(0)
        if e.kind in SIGN_KINDS
    ]


def names(console: CounterConsole) -> list[str]:
    return [b.accessibleName() for b in console.sign_in_page.buttons]


def signed_in(qtbot: QtBot, console: CounterConsole, officer: str | None) -> None:
    """Wait until the console shows `officer` signed in (None: the sign-in page)."""
    settle(
        qtbot,
        console,
        lambda: (
            console.state is not None
            and console.state.counter.officer == officer
            and console.signing_in == (officer is None)
        ),
    )


def type_digits(console: CounterConsole, digits: str, mods: Qt.KeyboardModifier = NO) -> None:
    for d in digits:
        press(console, getattr(Qt.Key, f"Key_{d}"), mods)


def test_the_page_lists_the_counters_officers_and_arrow_keys_and_enter_sign_in_once(
    open_console: Open, qtbot: QtBot, staffed: QueueService, clock: ManualClock
) -> None:
    console = open_console(1, svc=staffed)
    signed_in(qtbot, console, None)
    assert names(console) == ["Nguyễn Thị Lan", "Trần Văn Minh"]  # Hoa works at counter 3
    assert console.sign_in_page.title.text() == "QUẦY 1 · Mời cán bộ đăng nhập"
    press(console, Qt.Key.Key_Down, NO)
    press(console, Qt.Key.Key_Return, NO)  # Minh has a PIN: it is asked for
    assert console.sign_in_page.step == "pin"
    assert "Nhập mã PIN của Trần Văn Minh" in console.sign_in_page.pin_prompt.text()
    press(console, Qt.Key.Key_Escape, NO)
    assert console.sign_in_page.step == "list"
    press(console, Qt.Key.Key_Up, NO)
    clock.advance(seconds=2)  # a new press of Enter, not a bounce
    press(console, Qt.Key.Key_Return, NO)
    press(console, Qt.Key.Key_Return, NO)  # pressed twice: one sign-in
    signed_in(qtbot, console, "lan")
    idle(qtbot, console)
    assert signs(staffed) == [("signed_in", 1, "lan")]
    assert console.officer_label.text() == "Cán bộ: Nguyễn Thị Lan"
    assert console.buttons[Action.SIGN_OUT].isEnabled()
    assert console.visible_state()["officer"] == "lan"
    # The counter opened once somebody signed in, so its opening names who opened it.
    settle(qtbot, console, lambda: console.state.counter.state.value == "open")
    opened = [
        (e.kind.value, e.officer)
        for e in staffed.events_after(0)
        if e.kind in (EventKind.SIGNED_IN, EventKind.COUNTER_OPENED)
    ]
    assert opened == [("signed_in", "lan"), ("counter_opened", "lan")]


def test_a_wrong_pin_says_the_tries_left_and_the_right_one_signs_in(
    open_console: Open, qtbot: QtBot, staffed: QueueService, clock: ManualClock
) -> None:
    console = open_console(2, svc=staffed)
    signed_in(qtbot, console, None)
    press(console, Qt.Key.Key_2, NO)  # Minh, by his number
    assert console.sign_in_page.step == "pin"
    type_digits(console, "111111")
    assert console.sign_in_page.pin.text() == "111111"
    assert console.sign_in_page.pin.echoMode() is console.sign_in_page.pin.EchoMode.Password
    press(console, Qt.Key.Key_Return, NO)
    settle(qtbot, console, lambda: "Sai mã PIN" in console.sign_in_page.message.text())
    assert (
        console.sign_in_page.message.text() == "Sai mã PIN, còn 4 lần thử\nWrong PIN, 4 tries left"
    )
    assert console.sign_in_page.pin.text() == ""  # typed again from the start
    assert signs(staffed) == []
    [failed] = [e for e in staffed.events_after(0) if e.kind is EventKind.PIN_FAILED]
    assert failed.data["scope"] == "officer:minh" and "111111" not in str(failed.data)
    clock.advance(seconds=2)
    type_digits(console, OFFICER_PIN, KP)  # on the numeric keypad this time
    press(console, Qt.Key.Key_Enter, KP)
    signed_in(qtbot, console, "minh")
    assert signs(staffed) == [("signed_in", 2, "minh")]


def test_signed_out_the_console_calls_nobody_and_a_shift_change_completes_the_held_ticket(
    open_console: Open, qtbot: QtBot, staffed: QueueService, clock: ManualClock
) -> None:
    staffed.issue("hotich")
    staffed.issue("hotich")
    console = open_console(2, svc=staffed)
    signed_in(qtbot, console, None)
    press(console, Qt.Key.Key_Plus)  # "call next" on the keypad: the page has the keys
    press(console, Qt.Key.Key_F1, NO)
    idle(qtbot, console)
    assert [e for e in staffed.events_after(0) if e.kind is EventKind.CALLED] == []
    qtbot.mouseClick(console.sign_in_page.buttons[0], Qt.MouseButton.LeftButton)  # Lan
    signed_in(qtbot, console, "lan")
    press(console, Qt.Key.Key_Plus)
    settle(qtbot, console, lambda: held(console) == "A001")
    clock.advance(minutes=5)
    key(qtbot, console, Qt.Key.Key_F9, NO)  # Lan signs out; A001 stays at the counter
    signed_in(qtbot, console, None)
    assert console.message_vi == "Đã đăng xuất Nguyễn Thị Lan"
    qtbot.mouseClick(console.sign_in_page.buttons[1], Qt.MouseButton.LeftButton)  # Minh
    type_digits(console, OFFICER_PIN)
    qtbot.mouseClick(console.sign_in_page.pin_ok, Qt.MouseButton.LeftButton)
    signed_in(qtbot, console, "minh")
    assert held(console) == "A001"
    press(console, Qt.Key.Key_Slash)  # Minh completes what Lan called
    settle(qtbot, console, lambda: held(console) is None)
    done = staffed.find_ticket("A001")
    assert done.officer == "minh"
    by_kind = {e.kind: e for e in staffed.events_after(0) if e.ticket_code == "A001"}
    assert (by_kind[EventKind.CALLED].officer, by_kind[EventKind.COMPLETED].officer) == (
        "lan",
        "minh",
    )
    assert signs(staffed) == [
        ("signed_in", 2, "lan"),
        ("signed_out", 2, "lan"),
        ("signed_in", 2, "minh"),
    ]


def test_the_same_officer_signing_in_at_another_counter_returns_this_one_to_the_page(
    open_console: Open, qtbot: QtBot, staffed: QueueService
) -> None:
    console = open_console(1, svc=staffed)
    qtbot.mouseClick(console.sign_in_page.buttons[0], Qt.MouseButton.LeftButton)
    signed_in(qtbot, console, "lan")
    staffed.sign_in(4, "lan")  # Lan at counter 4's console now
    signed_in(qtbot, console, None)  # seen through the change feed
    assert console.officer_label.text() == ""
    assert not console.buttons[Action.SIGN_OUT].isEnabled()
    moved: Event = staffed.events_after(0)[-2]
    assert (moved.kind, moved.counter, moved.data) == (
        EventKind.SIGNED_OUT,
        1,
        {"reason": "moved", "to_counter": 4},
    )


def test_without_officers_the_console_never_asks(open_console: Open, service: QueueService) -> None:
    console = open_console(1)
    assert not console.signing_in
    assert console.buttons[Action.SIGN_OUT].isHidden()
    assert console.officer_label.isHidden()
