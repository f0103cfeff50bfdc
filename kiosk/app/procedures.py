"""The documents path: a field's procedures as large paged buttons, then one procedure's
checklist, fee and time with "Lấy số cho thủ tục này" (docs/catalogue.md).

No scrolling anywhere: the list is cut into pages of buttons that fit the screen, and the
detail's type shrinks (never under MIN_TEXT_PX) until its checklist fits.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.app import texts
from kiosk.app.controls import CardButton, TouchButton
from kiosk.app.home import GRID_SPACING, MARGINS, TITLE_SPACING, Pager, measure_text
from kiosk.app.layout import BOX, MIN_TEXT_PX, TYPE
from kiosk.core.catalogue import Procedure
from kiosk.core.config import FieldConfig
from kiosk.core.texts import Language
from kiosk.gui.controls import button_style, label, paint, set_px
from kiosk.gui.theme import COLOURS

#: Type of a procedure button: its name (bold) and the name in the other language.
NAME_PX = 40
OTHER_PX = 32
#: Type levels of the detail screen, largest first: (heading, body) px.
#: The largest that fits is used: a tall portrait screen shows the checklist larger.
DETAIL_LEVELS = (
    (64, 52),
    (60, 50),
    (56, 46),
    (52, 42),
    (48, 40),
    (44, 36),
    (40, 34),
    (36, 32),
    (34, 32),
    (32, MIN_TEXT_PX),
)
DETAIL_SPACING = 10
CHECK_GAP = 16


def box_side(px: int) -> int:
    """The tick box beside a document: about the height of a capital letter."""
    return round(px * 0.8)


def _names(procedure: Procedure, lang: Language) -> tuple[str, str]:
    """The name in `lang`, and the other language's below it (empty when it is the same)."""
    shown = procedure.title(lang)
    other = procedure.title(Language.EN if lang is Language.VI else Language.VI)
    return shown, "" if other == shown else other


def plan_pages(heights: list[int], room: int, spacing: int) -> list[tuple[int, int]]:
    """Split buttons of these heights into pages that each fit `room` (at least one a page)."""
    pages: list[tuple[int, int]] = []
    first, used = 0, 0
    for i, h in enumerate(heights):
        need = h if i == first else used + spacing + h
        if i > first and need > room:
            pages.append((first, i))
            first, used = i, h
        else:
            used = need
    if heights:
        pages.append((first, len(heights)))
    return pages or [(0, 0)]


def back_button(target_px: int, name: str, back: Callable[[], None]) -> TouchButton:
    """ "Quay lại": a step back along the documents path."""
    button = TouchButton("", target_px, px=TYPE.result_info)
    button.setObjectName(name)
    button.setMinimumWidth(target_px * 3)
    button.clicked.connect(back)
    return button


class ProcedureButton(CardButton):
    """One procedure of the list: its name large, the other language's name below."""

    def __init__(self, procedure: Procedure, target_px: int, parent: QWidget | None = None):
        super().__init__(target_px, parent)
        self.procedure = procedure
        self.setObjectName(f"procedure-{procedure.key}")
        self.name = label(px=NAME_PX, bold=True)
        self.other = label(px=OTHER_PX, colour=COLOURS.muted)
        column = QVBoxLayout(self)
        column.setContentsMargins(BOX.pad_x, BOX.pad_y, BOX.pad_x, BOX.pad_y)
        column.setSpacing(BOX.line_gap)
        column.addWidget(self.name)
        column.addWidget(self.other)
        self.setStyleSheet(
            button_style(COLOURS.surface, border=COLOURS.surface_alt, border_width=5)
        )

    def set_language(self, lang: Language) -> None:
        shown, other = _names(self.procedure, lang)
        self.name.setText(shown)
        self.other.setText(other)
        self.other.setVisible(bool(other))

    def height_needed(self, width: int, target_px: int) -> int:
        inner = width - 2 * BOX.pad_x
        height = measure_text(self.name.text(), NAME_PX, True, inner)
        if self.other.text():
            height += BOX.line_gap + measure_text(self.other.text(), OTHER_PX, False, inner)
        return max(target_px, height + 2 * BOX.pad_y)


class ProceduresScreen(QWidget):
    """A field's procedures; `chosen(procedure)` on a tap, `back` to the field buttons."""

    chosen = Signal(object)
    back = Signal()

    def __init__(self, target_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._target = target_px
        self._lang = Language.VI
        self.field: FieldConfig | None = None
        self.buttons: list[ProcedureButton] = []
        self.pages: list[tuple[int, int]] = [(0, 0)]
        self.page = 0
        self._planned_for: tuple[object, ...] | None = None
        self.title = label(px=TYPE.title, bold=True, align=Qt.AlignmentFlag.AlignCenter)
        self.hint = label(
            px=TYPE.priority_who, colour=COLOURS.muted, align=Qt.AlignmentFlag.AlignCenter
        )
        self.list = QVBoxLayout()
        self.list.setSpacing(GRID_SPACING)
        self.pager = Pager(target_px)
        self.pager.set_vertical(False)
        self.pager.turned.connect(self.show_page)
        self.back_button = back_button(target_px, "procedures-back", self.back.emit)
        bottom = QHBoxLayout()
        bottom.setSpacing(GRID_SPACING)
        bottom.addWidget(self.back_button)
        bottom.addWidget(self.pager, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(*MARGINS)
        box.setSpacing(TITLE_SPACING)
        box.addWidget(self.title)
        box.addWidget(self.hint)
        box.addLayout(self.list)
        box.addStretch(1)
        box.addLayout(bottom)

    def show_field(self, field: FieldConfig, procedures: list[Procedure]) -> None:
        """List `procedures` of `field`, from the first page."""
        for button in self.buttons:
            self.list.removeWidget(button)
            button.deleteLater()
        self.field = field
        self.buttons = []
        for procedure in procedures:
            button = ProcedureButton(procedure, self._target)
            button.clicked.connect(lambda _=False, p=procedure: self.chosen.emit(p))
            button.hide()
            self.list.addWidget(button)
            self.buttons.append(button)
        self.page = 0
        self._planned_for = None
        self.set_language(self._lang)

    def set_language(self, lang: Language) -> None:
        self._lang = lang
        if self.field is not None:
            name = self.field.name if lang is Language.VI else self.field.name_en
            self.title.setText(texts.PROCEDURES_TITLE.get(lang, field=name))
        self.hint.setText(texts.PROCEDURES_HINT.get(lang))
        self.back_button.setText(texts.BACK.get(lang))
        for button in self.buttons:
            button.set_language(lang)
        self._planned_for = None
        self._replan()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._replan()

    def show_page(self, page: int) -> None:
        self.page = max(0, min(page, len(self.pages) - 1))
        self._apply()

    def _replan(self) -> None:
        width, height = self.width(), self.height()
        key = (width, height, self._lang, len(self.buttons))
        if width <= 0 or height <= 0 or key == self._planned_for:
            return
        self._planned_for = key
        left, top, right, bottom = MARGINS
        inner = width - left - right
        used = measure_text(self.title.text(), TYPE.title, True, inner)
        used += measure_text(self.hint.text(), TYPE.priority_who, False, inner)
        room = height - top - bottom - used - 3 * TITLE_SPACING - self._target
        heights = [b.height_needed(inner, self._target) for b in self.buttons]
        self.pages = plan_pages(heights, room, GRID_SPACING)
        for button, h in zip(self.buttons, heights, strict=True):
            button.setFixedHeight(h)
        self.page = min(self.page, len(self.pages) - 1)
        self._apply()

    def _apply(self) -> None:
        first, end = self.pages[self.page]
        for i, button in enumerate(self.buttons):
            button.setVisible(first <= i < end)
        self.pager.setVisible(len(self.pages) > 1)
        self.pager.show_page(self.page, len(self.pages), self._lang)


class CheckRow(QWidget):
    """One document of the checklist: an empty box to tick at home, then what to bring."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QLabel()
        self.box.setStyleSheet(f"border: 3px solid {COLOURS.text}; border-radius: 4px;")
        # The box sits in the middle of the first line, however many lines the text takes.
        self.holder = QWidget()
        centred = QVBoxLayout(self.holder)
        centred.setContentsMargins(0, 0, 0, 0)
        centred.addWidget(self.box, 0, Qt.AlignmentFlag.AlignCenter)
        self.text = label(px=36)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(CHECK_GAP)
        row.addWidget(self.holder, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.text, 1)

    def fit(self, px: int) -> None:
        set_px(self.text, px)
        side = box_side(px)
        self.box.setFixedSize(side, side)
        self.holder.setFixedSize(side, measure_text("Ag", px, False, 10_000))


class ProcedureScreen(QWidget):
    """One procedure: name, the documents to bring, fee, time and notes; `take(procedure)`
    asks for a ticket for it, `back` returns to the list."""

    take = Signal(object)
    back = Signal()

    def __init__(self, target_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._target = target_px
        self._lang = Language.VI
        self.procedure: Procedure | None = None
        self.level = DETAIL_LEVELS[0]
        self._planned_for: tuple[object, ...] | None = None
        self.name = label(px=44, bold=True)
        self.other = label(px=32, colour=COLOURS.muted)
        self.code = label(px=32, colour=COLOURS.muted)
        self.bring = label(px=36, bold=True, colour=COLOURS.accent)
        self.rows: list[CheckRow] = []
        self.checklist = QVBoxLayout()
        self.checklist.setSpacing(DETAIL_SPACING)
        self.fee = label(px=36)
        self.time = label(px=36)
        self.notes = label(px=32, colour=COLOURS.muted)
        self.back_button = back_button(target_px, "procedure-back", self.back.emit)
        self.take_button = TouchButton(
            "", target_px, px=TYPE.result_info, background=COLOURS.ok, border=COLOURS.ok_text
        )
        self.take_button.setObjectName("take-for-procedure")
        self.take_button.clicked.connect(self._take)
        bottom = QHBoxLayout()
        bottom.setSpacing(GRID_SPACING)
        bottom.addWidget(self.back_button)
        bottom.addWidget(self.take_button, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(*MARGINS)
        box.setSpacing(DETAIL_SPACING)
        for widget in (self.name, self.other, self.code, self.bring):
            box.addWidget(widget)
        box.addLayout(self.checklist)
        for widget in (self.fee, self.time, self.notes):
            box.addWidget(widget)
        box.addStretch(1)
        box.addLayout(bottom)

    def _take(self) -> None:
        if self.procedure is not None:
            self.take.emit(self.procedure)

    def show_procedure(self, procedure: Procedure) -> None:
        self.procedure = procedure
        while len(self.rows) < len(procedure.documents):
            row = CheckRow()
            self.checklist.addWidget(row)
            self.rows.append(row)
        for i, row in enumerate(self.rows):
            row.setVisible(i < len(procedure.documents))
        self.set_language(self._lang)

    def set_language(self, lang: Language) -> None:
        self._lang = lang
        self.back_button.setText(texts.BACK.get(lang))
        self.take_button.setText(texts.TAKE_FOR_PROCEDURE.get(lang))
        p = self.procedure
        if p is None:
            return
        shown, other = _names(p, lang)
        self.name.setText(shown)
        self.other.setText(other)
        self.other.setVisible(bool(other))
        self.code.setText(texts.PROCEDURE_CODE.get(lang, code=p.code) if p.code else "")
        self.code.setVisible(bool(p.code))
        self.bring.setText(texts.BRING.get(lang))
        for row, document in zip(self.rows, p.documents, strict=False):
            row.text.setText(document.label(lang))
        self.fee.setText(f"{texts.FEE.get(lang)}: {p.fee(lang)}")
        self.time.setText(f"{texts.PROCESSING.get(lang)}: {p.time(lang)}")
        notes = p.notes_en if lang is Language.EN and p.notes_en else p.notes
        self.notes.setText(notes)
        self.notes.setVisible(bool(notes))
        self._planned_for = None
        self._replan()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._replan()

    def _height(self, level: tuple[int, int], width: int) -> int:
        """Height the texts need at a type level (the bottom buttons included)."""
        heading, body = level
        small = max(MIN_TEXT_PX, body - 4)
        parts = [measure_text(self.name.text(), heading, True, width)]
        for widget, px, bold in (
            (self.other, small, False),
            (self.code, small, False),
            (self.bring, body, True),
            (self.fee, body, False),
            (self.time, body, False),
            (self.notes, small, False),
        ):
            if widget.text():
                parts.append(measure_text(widget.text(), px, bold, width))
        box = box_side(body) + CHECK_GAP
        parts += [
            measure_text(row.text.text(), body, False, width - box)
            for row in self.rows
            if row.isVisibleTo(self)
        ]
        return sum(parts) + DETAIL_SPACING * len(parts) + self._target

    def _replan(self) -> None:
        width, height = self.width(), self.height()
        key = (width, height, self._lang, self.procedure)
        if self.procedure is None or width <= 0 or height <= 0 or key == self._planned_for:
            return
        self._planned_for = key
        left, top, right, bottom = MARGINS
        inner, room = width - left - right, height - top - bottom
        fitting = [lv for lv in DETAIL_LEVELS if self._height(lv, inner) <= room]
        self.level = fitting[0] if fitting else DETAIL_LEVELS[-1]
        heading, body = self.level
        small = max(MIN_TEXT_PX, body - 4)
        set_px(self.name, heading)
        for widget, px in (
            (self.other, small),
            (self.code, small),
            (self.bring, body),
            (self.fee, body),
            (self.time, body),
            (self.notes, small),
        ):
            set_px(widget, px)
        for row in self.rows:
            row.fit(body)
        paint(self.bring, COLOURS.accent)
