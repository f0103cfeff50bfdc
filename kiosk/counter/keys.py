"""Keyboard and numeric-keypad mapping of the console (documented in docs/display-and-counters.md).

Cheap USB keypads send keys with Qt's KeypadModifier; with NumLock off their digits arrive
as navigation keys (End = 1, Down = 2, …), which are mapped back to digits here.
`RepeatFilter` makes one press one action, whatever the key or keypad sends.
"""

from __future__ import annotations

from collections.abc import Hashable
from enum import StrEnum

from PySide6.QtCore import Qt

Key = Qt.Key


class Action(StrEnum):
    CALL_NEXT = "call_next"
    RECALL = "recall"
    SKIP = "skip"
    COMPLETE = "complete"
    TRANSFER = "transfer"
    CALL_CHOSEN = "call_chosen"
    RETURN_SKIPPED = "return_skipped"
    PAUSE = "pause"  # pause, or resume when paused
    SIGN_OUT = "sign_out"  # the officer signs out (officers configured)
    SIGN_IN = "sign_in"  # the sign-in page's choice (no button of the console's own)


#: Function keys of a full keyboard.
FUNCTION_KEYS: dict[Action, Key] = {
    Action.CALL_NEXT: Key.Key_F1,
    Action.RECALL: Key.Key_F2,
    Action.SKIP: Key.Key_F3,
    Action.COMPLETE: Key.Key_F4,
    Action.TRANSFER: Key.Key_F5,
    Action.CALL_CHOSEN: Key.Key_F6,
    Action.RETURN_SKIPPED: Key.Key_F7,
    Action.PAUSE: Key.Key_F8,
    Action.SIGN_OUT: Key.Key_F9,
}

#: Keypad keys (with KeypadModifier) for the actions a clerk repeats all day.
KEYPAD_ACTIONS: dict[Key, Action] = {
    Key.Key_Plus: Action.CALL_NEXT,
    Key.Key_Enter: Action.CALL_NEXT,
    Key.Key_Asterisk: Action.RECALL,
    Key.Key_Minus: Action.SKIP,
    Key.Key_Slash: Action.COMPLETE,
    Key.Key_Period: Action.PAUSE,
    Key.Key_Comma: Action.PAUSE,  # keypads of locales with a decimal comma
    Key.Key_Delete: Action.PAUSE,  # "." with NumLock off
}

#: Keypad digits, with NumLock on and off, type the dossier count of the next completion.
KEYPAD_DIGITS: dict[Key, int] = {
    **{getattr(Key, f"Key_{d}"): d for d in range(10)},
    Key.Key_Insert: 0,
    Key.Key_End: 1,
    Key.Key_Down: 2,
    Key.Key_PageDown: 3,
    Key.Key_Left: 4,
    Key.Key_Clear: 5,
    Key.Key_Right: 6,
    Key.Key_Home: 7,
    Key.Key_Up: 8,
    Key.Key_PageUp: 9,
}

#: How long after a keypad digit another digit extends the number (12 = "1" then "2").
DIGIT_WINDOW_S = 2.0

#: A press of the same key (or click of the same button) this soon after the previous one is
#: the same input: a bounce, a double click, or auto-repeat that X or a USB keypad sends
#: without the repeat flag (X starts repeating 660 ms after the press by default).
REPEAT_WINDOW_S = 1.0


class RepeatFilter:
    """Lets only the first of a burst of identical inputs through: one press, one action.

    Each input of a source restarts its window, so a key held for seconds is one press.
    """

    def __init__(self, window_s: float = REPEAT_WINDOW_S) -> None:
        self.window_s = window_s
        self._last: dict[Hashable, float] = {}

    def accept(self, source: Hashable, now: float, *, repeat: bool = False) -> bool:
        """True for a fresh input of `source` at `now` (seconds); False for a repeat of it."""
        last = self._last.get(source)
        self._last[source] = now
        if repeat:
            return False
        # A clock set back (now < last) is not taken for a repeat: the press acts.
        return last is None or not 0 <= now - last < self.window_s


def keypad_action(key: int, modifiers: Qt.KeyboardModifier) -> Action | None:
    """The action of a keypad key press, or None (only keys sent with KeypadModifier)."""
    if not modifiers & Qt.KeyboardModifier.KeypadModifier:
        return None
    try:
        return KEYPAD_ACTIONS.get(Key(key))
    except ValueError:
        return None


def keypad_digit(key: int, modifiers: Qt.KeyboardModifier) -> int | None:
    """The digit of a keypad key press (NumLock on or off), or None."""
    if not modifiers & Qt.KeyboardModifier.KeypadModifier:
        return None
    try:
        return KEYPAD_DIGITS.get(Key(key))
    except ValueError:
        return None
