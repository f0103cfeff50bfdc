"""The home screen: one large button per field, the priority path, and the frame around it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import lru_cache

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.app import texts
from kiosk.app.controls import CardButton, TouchButton
from kiosk.app.layout import (
    BOX,
    MIN_TEXT_PX,
    TYPE,
    Area,
    FieldFace,
    GridPlan,
    HomePlan,
    plan_home,
)
from kiosk.core.catalogue import Catalogue
from kiosk.core.config import Config
from kiosk.core.model import FieldStatus
from kiosk.core.texts import Language, wait_text, weekday_date
from kiosk.gui.controls import button_style, label, paint, set_px
from kiosk.gui.theme import COLOURS, font

CLOSED_BACKGROUND = "#0E1E36"
CLOSED_BORDER = "#3A4E6B"
CLOSED_TEXT = "#C2CCDB"  # 10:1 on the closed background: a closed field stays readable
CLOSED_REASON = "#FFB74D"
GRID_SPACING = 18
#: Width of the priority column on landscape screens.
PRIORITY_COLUMN = 340
#: Home screen margins (left, top, right, bottom) and spacings, used by the layout plan.
MARGINS = (28, 16, 28, 22)
TITLE_SPACING = 16
BODY_SPACING = 24
NBSP = "\u00a0"


@lru_cache(maxsize=64)
def _metrics(px: int, bold: bool) -> QFontMetrics:
    return QFontMetrics(font(px, bold=bold))


@lru_cache(maxsize=8192)
def measure_text(text: str, px: int, bold: bool, width: int) -> int:
    """Height of `text` wrapped at `width` the way a word-wrapping QLabel draws it."""
    metrics = _metrics(px, bold)
    flags = int(Qt.TextFlag.TextWordWrap)
    return metrics.boundingRect(QRect(0, 0, width, 100_000), flags, text).height()


class Header(QWidget):
    """Office name, weekday and date, a live 24-hour clock and the language switch."""

    language_clicked = Signal()

    def __init__(self, config: Config, target_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._config = config
        self.setObjectName("header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(
            f"#header {{ background: {COLOURS.surface};"
            f" border-bottom: 4px solid {COLOURS.accent}; }}"
        )
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        self.site = label(px=TYPE.site, bold=True)
        self.date = label(px=TYPE.date, colour=COLOURS.muted, wrap=False, align=right)
        self.clock = label(px=TYPE.clock, bold=True, colour=COLOURS.accent, wrap=False, align=right)
        self.language = TouchButton("", target_px, px=TYPE.language, background=COLOURS.surface_alt)
        self.language.setObjectName("language")
        self.language.setMinimumWidth(max(target_px * 2, 230))
        self.language.clicked.connect(self.language_clicked)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(32, 6, 24, 6)
        self._grid.setHorizontalSpacing(28)
        self._grid.setVerticalSpacing(6)
        self._portrait: bool | None = None
        self._arrange(portrait=False)

    def _arrange(self, *, portrait: bool) -> None:
        """One row on landscape screens; the office name on a row of its own on portrait."""
        if portrait == self._portrait:
            return
        self._portrait = portrait
        for widget in (self.site, self.date, self.clock, self.language):
            self._grid.removeWidget(widget)
        self._grid.setContentsMargins(32, 14 if portrait else 6, 24, 6)
        if portrait:
            self._grid.addWidget(self.site, 0, 0, 1, 4)
            self._grid.addWidget(self.date, 1, 0)
            self._grid.addWidget(self.clock, 1, 2)
            self._grid.addWidget(self.language, 1, 3)
            self._grid.setColumnStretch(0, 0)
            self._grid.setColumnStretch(1, 1)
        else:
            self._grid.addWidget(self.site, 0, 0)
            self._grid.addWidget(self.date, 0, 1)
            self._grid.addWidget(self.clock, 0, 2)
            self._grid.addWidget(self.language, 0, 3)
            self._grid.setColumnStretch(0, 1)
            self._grid.setColumnStretch(1, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        window = self.window()
        self._arrange(portrait=window.height() > window.width())

    def set_language(self, lang: Language) -> None:
        site = self._config.site
        self.site.setText(site.name if lang is Language.VI else site.name_en)
        self.language.setText(texts.SWITCH_LANGUAGE.get(lang))

    def set_time(self, local: datetime, lang: Language) -> None:
        self.clock.setText(f"{local:%H:%M}")
        self.date.setText(weekday_date(local, lang))


class Footer(QWidget):
    """The help lines, always visible."""

    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._numbers = " – ".join(h.strip() for h in config.site.hotlines if h.strip())
        self.setObjectName("footer")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(f"#footer {{ background: {COLOURS.surface}; }}")
        self.hotline = label(px=TYPE.footer, align=Qt.AlignmentFlag.AlignCenter)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 10, 24, 10)
        row.addWidget(self.hotline)

    def set_language(self, lang: Language) -> None:
        self.hotline.setText(texts.HOTLINE.get(lang, numbers=self._numbers))
        self.setVisible(bool(self._numbers))


def field_face(status: FieldStatus, lang: Language, daily_cap: int | None) -> FieldFace:
    """The texts of a field button in `lang`: names, then the queue or why it is closed."""
    vi = lang is Language.VI
    name, other = (status.name, status.name_en) if vi else (status.name_en, status.name)
    if status.open_now:
        # Each half keeps together; a narrow button breaks the line between them.
        wait = wait_text(status.estimated_wait_minutes, lang).replace(" ", NBSP)
        if status.waiting:
            waiting = texts.WAITING.get(lang, n=status.waiting).replace(" ", NBSP)
            detail = f"{waiting}  ·  {wait}"
        elif status.estimated_wait_minutes is None:  # nobody waits, but no counter is open
            detail = f"{texts.NO_ONE_WAITING.get(lang).replace(' ', NBSP)}  ·  {wait}"
        else:
            detail = texts.NO_ONE_WAITING.get(lang)
    elif status.opens_at is None and not (daily_cap and status.issued_today >= daily_cap):
        # Closed for today by the point: the core's sentence repeats the field's name.
        detail = texts.CLOSED_TODAY.get(lang)
    else:  # outside opening hours, or the daily cap: the glossary's own words
        detail = status.closed_reason_vi if vi else status.closed_reason_en
    return FieldFace(name, other, detail)


def sizing_face(face: FieldFace, status: FieldStatus, lang: Language) -> FieldFace:
    """The face to plan the grid with: open fields as if hundreds were waiting.

    Planning with the widest counts keeps the layout still while the numbers change.
    """
    if not status.open_now:
        return face
    waiting = texts.WAITING.get(lang, n=888).replace(" ", NBSP)
    # The longer of the two estimates, so opening the first counter moves nothing either.
    wait = max(texts.ABOUT_MINUTES.get(lang, n=888), texts.NO_COUNTER_OPEN.get(lang), key=len)
    wide = f"{waiting}  ·  {wait.replace(' ', NBSP)}"
    return replace(face, detail=wide)


class DocumentsControl(CardButton):
    """The Documents control of a field card: its label wraps rather than being cut."""

    def __init__(self, code: str, target_px: int, parent: QWidget | None = None) -> None:
        super().__init__(target_px, parent)
        self.setObjectName(f"documents-{code}")
        self.caption = label(px=34, bold=True, align=Qt.AlignmentFlag.AlignCenter)
        column = QVBoxLayout(self)
        inset = BOX.control_pad + BOX.control_border
        column.setContentsMargins(inset, BOX.control_pad, inset, BOX.control_pad)
        column.addWidget(self.caption)
        # As tall as its label needs (at least a touch target): the card's spare height
        # stays around the texts above.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_caption(self, text: str) -> None:
        self.caption.setText(text)


class FieldButton(CardButton):
    """One field: prefix badge, name in the chosen language, the other below, the queue.

    With `documents`, a separate Documents control sits at the bottom of the card (at least
    one touch target): it opens the field's procedures, while the card itself still issues
    a plain ticket in one tap.
    """

    def __init__(
        self,
        code: str,
        prefix: str,
        target_px: int,
        parent: QWidget | None = None,
        *,
        documents: bool = False,
    ):
        super().__init__(target_px, parent)
        self.code = code
        self.status: FieldStatus | None = None
        self.face: FieldFace | None = None
        self.documents: DocumentsControl | None = None
        if documents:
            self.documents = DocumentsControl(code, target_px)
        self.setObjectName(f"field-{code}")
        self.badge = label(prefix, 48, bold=True, wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        self.name = label(px=44, bold=True)
        self.subtitle = label(px=34, colour=COLOURS.muted)
        self.detail = label(px=34, colour=COLOURS.highlight)
        first = QHBoxLayout()
        first.setSpacing(BOX.gap)
        first.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        first.addWidget(self.name, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(BOX.pad_x, BOX.pad_y, BOX.pad_x, BOX.pad_y)
        column.setSpacing(BOX.line_gap)
        column.addStretch(1)
        column.addLayout(first)
        column.addWidget(self.subtitle)
        column.addWidget(self.detail)
        column.addStretch(1)
        if self.documents is not None:
            column.addSpacing(BOX.control_gap - BOX.line_gap)
            column.addWidget(self.documents)
        self._style_key: tuple[bool, bool] | None = None

    def fit(self, name_px: int, small_px: int) -> None:
        set_px(self.name, name_px)
        set_px(self.subtitle, small_px)
        set_px(self.detail, small_px)
        if self.documents is not None:
            set_px(self.documents.caption, small_px, bold=True)
        badge = BOX.badge(name_px)
        set_px(self.badge, max(MIN_TEXT_PX, round(badge * 0.62)))
        self.badge.setFixedSize(badge, badge)

    def show_status(self, status: FieldStatus, face: FieldFace, priority: bool) -> None:
        self.status = status
        self.face = face
        self.name.setText(face.name)
        self.subtitle.setText(face.subtitle)
        self.subtitle.setVisible(bool(face.subtitle.strip()))
        self.detail.setText(face.detail)
        if self.documents is not None:
            self.documents.set_caption(face.documents)
        self.setEnabled(status.open_now)
        self._restyle(status.open_now, priority)

    def _restyle(self, is_open: bool, priority: bool) -> None:
        key = (is_open, priority)
        if key == self._style_key:
            return
        self._style_key = key
        if not is_open:
            self.setStyleSheet(
                button_style(CLOSED_BACKGROUND, border=CLOSED_BORDER, border_style="dashed")
            )
            paint(self.badge, CLOSED_TEXT, CLOSED_BORDER)
            paint(self.name, CLOSED_TEXT)
            paint(self.subtitle, CLOSED_TEXT)
            paint(self.detail, CLOSED_REASON)
            if self.documents is not None:
                self.documents.setStyleSheet(
                    button_style(CLOSED_BACKGROUND, border=CLOSED_BORDER, border_width=3)
                )
                paint(self.documents.caption, CLOSED_TEXT)
        else:
            edge = COLOURS.priority if priority else COLOURS.surface_alt
            self.setStyleSheet(button_style(COLOURS.surface, border=edge, border_width=5))
            paint(self.badge, COLOURS.background, COLOURS.priority if priority else COLOURS.accent)
            paint(self.name, COLOURS.text)
            paint(self.subtitle, COLOURS.muted)
            paint(self.detail, COLOURS.highlight)
            if self.documents is not None:
                self.documents.setStyleSheet(
                    button_style(COLOURS.surface_alt, border=COLOURS.accent, border_width=3)
                )
                paint(self.documents.caption, COLOURS.text)
        self.badge.setStyleSheet(self.badge.styleSheet() + " border-radius: 16px;")


class PriorityButton(CardButton):
    """The priority path: tap here, then a field (two taps to a priority ticket).

    A column beside the fields on landscape screens, a bar above them on portrait ones.
    """

    def __init__(self, target_px: int, parent: QWidget | None = None) -> None:
        super().__init__(target_px, parent)
        self.setObjectName("priority")
        self.setCheckable(True)
        self._lang = Language.VI
        self._vertical: bool | None = None
        self.title = label(px=TYPE.priority, bold=True)
        self.who = label(px=TYPE.priority_who)
        self.hint = label(px=TYPE.priority_who)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(26, 16, 26, 16)
        self.toggled.connect(lambda _on: self.show_state(self._lang))
        self.set_vertical(False)

    def set_vertical(self, vertical: bool) -> None:
        """Column (landscape) or bar (portrait)."""
        if vertical != self._vertical:
            self._vertical = vertical
            for widget in (self.title, self.who, self.hint):
                self._grid.removeWidget(widget)
            for r in range(5):
                self._grid.setRowStretch(r, 0)
            if vertical:
                self._grid.setVerticalSpacing(30)
                self._grid.addWidget(self.title, 1, 0)
                self._grid.addWidget(self.who, 2, 0)
                self._grid.addWidget(self.hint, 3, 0)
                self._grid.setRowStretch(0, 1)
                self._grid.setRowStretch(4, 1)
                self._grid.setColumnStretch(1, 0)
            else:
                self._grid.setVerticalSpacing(4)
                self._grid.setHorizontalSpacing(32)
                self._grid.addWidget(self.title, 0, 0, 2, 1)
                self._grid.addWidget(self.who, 0, 1)
                self._grid.addWidget(self.hint, 1, 1)
                self._grid.setColumnStretch(1, 1)
        self.show_state(self._lang)

    def bar_height(self, width: int) -> int:
        """Height the bar needs at `width` for its texts in either state (portrait screens)."""
        lang = self._lang
        margins = self._grid.contentsMargins()
        outer = width - margins.left() - margins.right() - self._grid.horizontalSpacing()
        needs = []
        for title, lines in (
            (texts.PRIORITY, (self._bar_who(lang), texts.PRIORITY_HINT.get(lang))),
            (texts.PRIORITY_ON, (texts.PRIORITY_ON_HINT.get(lang),)),
        ):
            inner = outer - _metrics(TYPE.priority, True).horizontalAdvance(title.get(lang))
            height = sum(measure_text(t, TYPE.priority_who, False, inner) for t in lines)
            height += self._grid.verticalSpacing() * (len(lines) - 1)
            needs.append(max(height, measure_text(title.get(lang), TYPE.priority, True, 10_000)))
        return max(needs) + margins.top() + margins.bottom()

    @staticmethod
    def _bar_who(lang: Language) -> str:
        """The four groups on two lines of a bar."""
        who = [t.get(lang) for t in texts.PRIORITY_WHO]
        return f"{who[0]}  ·  {who[1]}\n{who[2]}  ·  {who[3]}"

    def show_state(self, lang: Language) -> None:
        self._lang = lang
        on = self.isChecked()
        who = [t.get(lang) for t in texts.PRIORITY_WHO]
        if on:
            self.title.setText(texts.PRIORITY_ON.get(lang))
            self.who.setText(texts.PRIORITY_ON_HINT.get(lang))
            self.hint.setText("")
        else:
            self.title.setText(texts.PRIORITY.get(lang))
            self.who.setText("\n".join(who) if self._vertical else self._bar_who(lang))
            self.hint.setText(texts.PRIORITY_HINT.get(lang))
        self.hint.setVisible(bool(self.hint.text()))
        if on:
            self.setStyleSheet(
                button_style(COLOURS.priority, border=COLOURS.accent, border_width=6)
            )
            for part in (self.title, self.who, self.hint):
                paint(part, COLOURS.background)
        else:
            self.setStyleSheet(
                button_style(COLOURS.surface, border=COLOURS.priority, border_width=6)
            )
            paint(self.title, COLOURS.priority)
            paint(self.who, COLOURS.text)
            paint(self.hint, COLOURS.muted)


class FieldGrid(QWidget):
    """The field buttons of one page, laid out by a GridPlan (rows as tall as they need)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons: list[FieldButton] = []
        self.plan: GridPlan | None = None
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(GRID_SPACING)

    def set_buttons(self, buttons: list[FieldButton]) -> None:
        self.buttons = buttons
        for i, button in enumerate(buttons):
            self._grid.addWidget(button, i, 0)

    def apply(self, plan: GridPlan, shown: list[FieldButton]) -> None:
        """Show `shown` (one page) in the plan's columns; hide the others."""
        self.plan = plan
        for button in self.buttons:
            self._grid.removeWidget(button)
            button.setVisible(button in shown)
        for r in range(self._grid.rowCount()):
            self._grid.setRowMinimumHeight(r, 0)
            self._grid.setRowStretch(r, 0)
        for c in range(self._grid.columnCount()):
            self._grid.setColumnStretch(c, 0)
        for i, button in enumerate(shown):
            button.fit(plan.name_px, plan.small_px)
            self._grid.addWidget(button, i // plan.columns, i % plan.columns)
        for c in range(plan.columns):
            self._grid.setColumnStretch(c, 1)
        for r, need in enumerate(plan.row_heights):
            self._grid.setRowMinimumHeight(r, need)
            self._grid.setRowStretch(r, 1)


class Pager(QWidget):
    """Previous / next page, only when the fields do not fit on one screen.

    Stacked below the priority column on landscape screens, a row below the fields on
    portrait ones.
    """

    turned = Signal(int)

    def __init__(self, target_px: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = 0
        self.pages = 1
        self.previous = TouchButton("", target_px, px=TYPE.priority_who)
        self.next = TouchButton("", target_px, px=TYPE.priority_who)
        self.where = label(px=TYPE.priority_who, wrap=False, align=Qt.AlignmentFlag.AlignCenter)
        self.previous.setObjectName("previous-page")
        self.next.setObjectName("next-page")
        self.previous.clicked.connect(lambda: self.turned.emit(self.page - 1))
        self.next.clicked.connect(lambda: self.turned.emit(self.page + 1))
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(12)
        self._box.addWidget(self.previous)
        self._box.addWidget(self.where, 1)
        self._box.addWidget(self.next)
        self._target = target_px

    def set_vertical(self, vertical: bool) -> None:
        self._box.setDirection(
            QBoxLayout.Direction.TopToBottom if vertical else QBoxLayout.Direction.LeftToRight
        )
        for button in (self.previous, self.next):
            button.setMinimumWidth(self._target if vertical else self._target * 3)

    def height_needed(self, vertical: bool) -> int:
        line = measure_text("Ag", TYPE.priority_who, False, 10_000)
        return 2 * self._target + line + 2 * 12 if vertical else self._target

    def show_page(self, page: int, pages: int, lang: Language) -> None:
        self.page, self.pages = page, pages
        self.previous.setText(texts.PREVIOUS_PAGE.get(lang))
        self.next.setText(texts.NEXT_PAGE.get(lang))
        self.where.setText(texts.PAGE.get(lang, n=page + 1, total=pages))
        self.previous.setEnabled(page > 0)
        self.next.setEnabled(page < pages - 1)


class HomeScreen(QWidget):
    """Title, priority path and the field grid; emits `field_chosen(code, priority)`.

    The arrangement (priority as a column or a bar, columns, type size, pages) is planned
    from the screen size and the texts, so every text fits at 32 px or more.
    """

    field_chosen = Signal(str, bool)
    #: The Documents control of a field was tapped (its procedures are to be listed).
    documents_chosen = Signal(str)

    def __init__(
        self,
        config: Config,
        target_px: int,
        parent: QWidget | None = None,
        *,
        catalogue: Catalogue | None = None,
    ) -> None:
        super().__init__(parent)
        self._config = config
        self._lang = Language.VI
        self._target = target_px
        self.page = 0
        self.plan: HomePlan | None = None
        self._planned_for: tuple[object, ...] | None = None
        self.title = label(px=TYPE.title, bold=True, align=Qt.AlignmentFlag.AlignCenter)
        self.priority = PriorityButton(target_px)
        self.priority.toggled.connect(lambda _on: self._restyle())
        self.grid = FieldGrid()
        self.pager = Pager(target_px)
        self.pager.turned.connect(self.show_page)
        self.pager.hide()
        buttons = []
        for f in config.ordered_fields():
            listed = bool(catalogue and catalogue.of_field(f.code))
            button = FieldButton(f.code, f.prefix, target_px, documents=listed)
            button.clicked.connect(lambda _=False, code=f.code: self._chosen(code))
            if button.documents is not None:
                button.documents.clicked.connect(
                    lambda _=False, code=f.code: self.documents_chosen.emit(code)
                )
            buttons.append(button)
        self.grid.set_buttons(buttons)
        self._statuses: dict[str, FieldStatus] = {}
        self._faces: tuple[FieldFace, ...] = ()
        self._fields = QVBoxLayout()
        self._fields.setSpacing(GRID_SPACING)
        self._fields.addWidget(self.grid, 1)
        self._side = QVBoxLayout()
        self._side.setSpacing(GRID_SPACING)
        self._side.addWidget(self.priority, 1)
        self._body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._body.setSpacing(BODY_SPACING)
        self._body.addLayout(self._side)
        self._body.addLayout(self._fields, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(*MARGINS)
        box.setSpacing(TITLE_SPACING)
        box.addWidget(self.title)
        box.addLayout(self._body, 1)

    @property
    def buttons(self) -> dict[str, FieldButton]:
        return {b.code: b for b in self.grid.buttons}

    @property
    def priority_mode(self) -> bool:
        return self.priority.isChecked()

    def set_priority_mode(self, on: bool) -> None:
        self.priority.setChecked(on)
        self._restyle()

    def _chosen(self, code: str) -> None:
        self.field_chosen.emit(code, self.priority.isChecked())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._replan()

    def set_language(self, lang: Language) -> None:
        self._lang = lang
        self.title.setText(texts.CHOOSE_FIELD.get(lang))
        self._restyle()

    def show_fields(self, fields: tuple[FieldStatus, ...]) -> None:
        self._statuses = {f.code: f for f in fields}
        self._restyle()

    def show_page(self, page: int) -> None:
        """Turn to a page of fields (the idle reset goes back to the first)."""
        pages = len(self.plan.pages) if self.plan else 1
        page = max(0, min(page, pages - 1))
        if page != self.page:
            self.page = page
            self._apply()

    def _restyle(self) -> None:
        lang, priority = self._lang, self.priority.isChecked()
        self.priority.show_state(lang)
        sizing = []
        for button in self.grid.buttons:
            status = self._statuses.get(button.code)
            if status is None:
                return
            field = self._config.field(button.code)
            face = field_face(status, lang, field.daily_cap if field else None)
            if button.documents is not None:
                face = replace(
                    face, documents=texts.DOCUMENTS.get(lang), documents_min=self._target
                )
            button.show_status(status, face, priority)
            sizing.append(sizing_face(face, status, lang))
        self._faces = tuple(sizing)
        self._replan()

    def _replan(self) -> None:
        width, height = self.width(), self.height()
        if not self._faces or width <= 0 or height <= 0:
            return
        key = (self._faces, width, height, self._lang)
        if key == self._planned_for:
            return
        self._planned_for = key
        left, top, right, bottom = MARGINS
        body_w = width - left - right
        title_h = measure_text(self.title.text(), TYPE.title, True, body_w)
        body_h = height - top - bottom - title_h - TITLE_SPACING
        bar = self.priority.bar_height(body_w)
        row_pager = self.pager.height_needed(False) + GRID_SPACING
        areas = [Area(False, body_w, body_h - bar - BODY_SPACING, row_pager)]
        if width > height:
            areas.insert(0, Area(True, body_w - PRIORITY_COLUMN - BODY_SPACING, body_h))
        self.plan = plan_home(self._faces, areas, measure_text, spacing=GRID_SPACING)
        self.page = min(self.page, len(self.plan.pages) - 1)
        self._apply()

    def _apply(self) -> None:
        plan = self.plan
        if plan is None:
            return
        self._body.setDirection(
            QBoxLayout.Direction.LeftToRight if plan.sidebar else QBoxLayout.Direction.TopToBottom
        )
        if plan.sidebar:
            self.priority.setMinimumHeight(0)
            self.priority.setMaximumHeight(16_777_215)
            self.priority.setFixedWidth(PRIORITY_COLUMN)
        else:
            self.priority.setMinimumWidth(0)
            self.priority.setMaximumWidth(16_777_215)
            self.priority.setFixedHeight(self.priority.bar_height(self.width() - 56))
        self.priority.set_vertical(plan.sidebar)
        first, end = plan.pages[self.page]
        self.grid.apply(plan.grids[self.page], self.grid.buttons[first:end])
        # The page buttons go under the priority column, or under the fields.
        self._side.removeWidget(self.pager)
        self._fields.removeWidget(self.pager)
        (self._side if plan.sidebar else self._fields).addWidget(self.pager)
        self.pager.set_vertical(plan.sidebar)
        self.pager.setVisible(len(plan.pages) > 1)
        self.pager.show_page(self.page, len(plan.pages), self._lang)
