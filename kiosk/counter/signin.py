"""The counter console's sign-in page: who is working here (officers, issue #18).

Laid over the console while officers are configured and nobody is signed in at the counter.
One large button per officer allowed at the counter; arrow keys and Enter, or the officer's
number, choose one; an officer with a PIN then types it (digits hidden) and presses Enter.
The page only asks: `chosen` carries the choice to the console, which signs in through core
(the PIN checked there, through the lockout) and shows core's answer here (`say`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.config import OfficerConfig
from kiosk.core.pin import NEW_PIN_DIGITS
from kiosk.core.texts import Text
from kiosk.counter import texts as T
from kiosk.counter.keys import keypad_digit
from kiosk.gui.theme import COLOURS, font

C = COLOURS
#: Digits of the longest PIN (`kiosk config set-officer-pin`).
PIN_MAX = NEW_PIN_DIGITS[1]
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_DIGITS = {getattr(Qt.Key, f"Key_{d}"): d for d in range(10)}


class SignInPage(QWidget):
    """Pick an officer, then type their PIN when they have one."""

    #: (officer id, PIN or ""): the officer wants to sign in.
    chosen = Signal(str, str)

    def __init__(self, officers: list[OfficerConfig], counter_vi: str, counter_en: str) -> None:
        super().__init__()
        self.setObjectName("signin")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(
            f"QWidget#signin {{ background: {C.background}; }}"
            f'QPushButton[officer="true"] {{ text-align: left; padding: 10px 24px; }}'
            f'QPushButton[selected="true"] {{ border: 4px solid {C.highlight}; }}'
        )
        self.officers = officers
        self.busy = False
        #: "list" (choose a name) or "pin" (type the chosen officer's PIN).
        self.step = "list"
        self.selected = 0
        self.title = self._label(T.SIGN_IN_TITLE.vi.format(counter=counter_vi.upper()), bold=True)
        self.title_en = self._label(T.SIGN_IN_TITLE.en.format(counter=counter_en), "muted")
        self.hint = self._label(T.SIGN_IN_HINT.both("\n"), "muted")
        self.buttons: list[QPushButton] = []
        grid = QGridLayout()
        grid.setSpacing(14)
        columns = 1 if len(officers) <= 4 else 2 if len(officers) <= 10 else 3
        self.columns = columns
        for i, officer in enumerate(officers):
            b = QPushButton(self._caption(i, officer))
            b.setProperty("officer", "true")
            b.setAccessibleName(officer.name)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            b.clicked.connect(lambda _checked=False, n=i: self.pick(n))
            self.buttons.append(b)
            grid.addWidget(b, *divmod(i, columns))
        self.empty = self._label(T.NO_OFFICER_HERE.both("\n"), "muted")
        self.empty.setVisible(not officers)

        # The PIN step
        self.pin_prompt = self._label("", bold=True)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(PIN_MAX)
        self.pin.setAccessibleName(T.PIN_PROMPT.vi.format(name=""))
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin_ok = QPushButton(f"{T.SIGN_IN_OK.vi} / {T.SIGN_IN_OK.en} · Enter")
        self.pin_ok.setProperty("role", "primary")
        self.pin_back = QPushButton(f"{T.BACK.vi} / {T.BACK.en} · Esc")
        self.pin_ok.clicked.connect(self.submit_pin)
        self.pin_back.clicked.connect(self.back)
        self.pin.returnPressed.connect(self.submit_pin)
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.pin, 2)
        pin_row.addWidget(self.pin_ok, 1)
        pin_row.addWidget(self.pin_back, 1)
        self.pin_hint = self._label(T.PIN_HINT.both("\n"), "muted")
        self.pin_panel = QWidget()
        pl = QVBoxLayout(self.pin_panel)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.pin_prompt)
        pl.addLayout(pin_row)
        pl.addWidget(self.pin_hint)

        self.message = self._label("")
        self.message.setWordWrap(True)

        root = QVBoxLayout(self)
        root.setContentsMargins(48, 32, 48, 32)
        root.setSpacing(16)
        root.addWidget(self.title)
        root.addWidget(self.title_en)
        root.addWidget(self.hint)
        self.list_panel = QWidget()
        self.list_panel.setLayout(grid)
        grid.setContentsMargins(0, 0, 0, 0)
        root.addWidget(self.list_panel, 1)
        root.addWidget(self.empty)
        root.addWidget(self.pin_panel, 1)
        root.addWidget(self.message)
        self.reset()

    @staticmethod
    def _label(text: str, role: str = "", *, bold: bool = False) -> QLabel:
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.PlainText)
        if role:
            label.setProperty("role", role)
        if bold:
            label.setStyleSheet("font-weight: bold;")
        return label

    def _caption(self, i: int, officer: OfficerConfig) -> str:
        lock = " · PIN" if officer.pin_hash else ""
        return f"{i + 1}   {officer.name}{lock}" if i < 9 else f"{officer.name}{lock}"

    # ------------------------------------------------------------------ steps

    def reset(self) -> None:
        """Back to the list of names, nothing typed or said."""
        self.busy = False
        self._show_list()
        self.say(Text("", ""), "")

    def _show_list(self) -> None:
        self.step = "list"
        self.pin.clear()
        self.pin_panel.hide()
        self.list_panel.show()
        self.hint.show()
        self._select(min(self.selected, max(0, len(self.buttons) - 1)))

    def _select(self, index: int) -> None:
        if not self.buttons:
            return
        self.selected = index % len(self.buttons)
        for i, b in enumerate(self.buttons):
            b.setProperty("selected", "true" if i == self.selected else "false")
            b.style().unpolish(b)
            b.style().polish(b)
        self.buttons[self.selected].setFocus()

    def pick(self, index: int) -> None:
        """Officer `index` chose their name: sign in now, or ask for their PIN first."""
        if self.busy or not 0 <= index < len(self.officers):
            return
        self._select(index)
        officer = self.officers[index]
        if officer.pin_hash:
            self.step = "pin"
            self.list_panel.hide()
            self.hint.hide()
            self.pin_prompt.setText(T.PIN_PROMPT.both("\n", name=officer.name))
            self.pin.clear()
            self.pin_panel.show()
            self.pin.setFocus()
            self.say(Text("", ""), "")
            return
        self.busy = True
        self.chosen.emit(officer.id, "")

    def submit_pin(self) -> None:
        if self.busy or self.step != "pin" or not self.pin.text():
            return
        self.busy = True
        self.chosen.emit(self.officers[self.selected].id, self.pin.text())

    def back(self) -> None:
        if not self.busy:
            self._show_list()
            self.say(Text("", ""), "")

    def say(self, text: Text, tone: str) -> None:
        """Show core's answer (a wrong PIN with the tries left, a lock, a refusal)."""
        if tone:  # an answer came: the next try may go
            self.busy = False
        if tone == "refused" and self.step == "pin":
            self.pin.clear()
        self.message.setText(text.both("\n") if text.vi else "")
        colour = C.alert_text if tone == "refused" else C.ok_text
        self.message.setStyleSheet(f"color: {colour}; font-weight: bold;")

    # ------------------------------------------------------------------ keys

    def handle_key(self, event: QKeyEvent) -> bool:
        """Every key while the page shows is the page's (the console's actions wait)."""
        key, mods = event.key(), event.modifiers()
        if self.step == "pin":
            if key in _ENTER:
                self.submit_pin()
            elif key == Qt.Key.Key_Escape:
                self.back()
            elif key == Qt.Key.Key_Backspace:
                self.pin.backspace()
            else:
                digit = keypad_digit(key, mods)
                digit = _DIGITS.get(Qt.Key(key)) if digit is None and key in _DIGITS else digit
                if digit is not None and not event.isAutoRepeat() and not self.busy:
                    self.pin.insert(str(digit))
            return True
        if key in _ENTER:
            self.pick(self.selected)
            return True
        moves = {
            Qt.Key.Key_Up: -self.columns,
            Qt.Key.Key_Down: self.columns,
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Right: 1,
        }
        if not mods & Qt.KeyboardModifier.KeypadModifier and key in moves:
            self._select(self.selected + moves[Qt.Key(key)])
            return True
        digit = keypad_digit(key, mods)
        if digit is None and key in _DIGITS:
            digit = _DIGITS[Qt.Key(key)]
        if digit:
            self.pick(digit - 1)
        return True

    # ------------------------------------------------------------------ sizes

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        base = max(14, min(30, round(min(self.width() / 48, self.height() / 30))))
        self.title.setFont(font(round(base * 1.5), bold=True))
        for w in (self.title_en, self.hint, self.pin_hint, self.empty):
            w.setFont(font(base))
        self.pin_prompt.setFont(font(round(base * 1.2), bold=True))
        self.message.setFont(font(round(base * 1.1), bold=True))
        for b in self.buttons:
            b.setFont(font(round(base * 1.3), bold=True))
            b.setMinimumHeight(round(base * 2.8))
            b.setMaximumHeight(round(base * 4.5))
        self.pin.setFont(font(round(base * 1.8), bold=True))
        self.pin.setMinimumHeight(round(base * 3))
        for b in (self.pin_ok, self.pin_back):
            b.setFont(font(base, bold=True))
            b.setMinimumHeight(round(base * 3))
