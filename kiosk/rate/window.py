"""The rating screen at a counter: idle with the point's name; when the counter completes a
ticket, the ticket's number and four large faces; after one of the two lowest, optional
reasons; then thanks. Sixty seconds without a tap return it to idle (the ticket is then not
rated). Every rule of a rating is `QueueService.rate`'s (kiosk.core.ratings)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import texts as words
from kiosk.core.errors import KioskError
from kiosk.core.model import Event, EventKind
from kiosk.core.queue import QueueService
from kiosk.core.ratings import LOW_LEVELS, RatingChannel, RatingLevel, RatingResult
from kiosk.core.texts import Text
from kiosk.gui.controls import button_style, label
from kiosk.gui.operations import Operations
from kiosk.gui.options import write_snapshot
from kiosk.gui.theme import COLOURS
from kiosk.gui.watcher import FeedWatcher
from kiosk.rate import texts
from kiosk.rate.faces import FaceButton, face_px

IDLE, FACES, REASONS, THANKS = "idle", "faces", "reasons", "thanks"
#: Room the prompt and the ticket's number take above the faces; the largest face.
HEADER_PX = 300
MAX_FACE_PX = 420


@dataclass(frozen=True)
class Timings:
    #: Without a tap for this long the screen returns to idle (the ticket is not rated).
    idle_ms: int = 60_000
    #: How long the thanks stay.
    thanks_ms: int = 5_000
    #: The change feed's heartbeat.
    heartbeat_s: float = 5.0


def _both(vi: QLabel, en: QLabel, text: Text, **values: object) -> None:
    vi.setText(text.get("vi", **values))
    en.setText(text.get("en", **values))


class RateScreen(QWidget):
    """The rating screen of counter `counter` (a small touchscreen, portrait or landscape)."""

    page_shown = Signal(str)
    rated = Signal(object)  # RatingResult

    def __init__(
        self,
        service: QueueService,
        counter: int,
        *,
        timings: Timings | None = None,
        logical_dpi: float = 96.0,
        snapshot_path: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`snapshot_path`: where `snapshot()` is written as JSON after each change of page
        (`kiosk rate N --snapshot PATH`: support and the end-to-end tests)."""
        super().__init__(parent)
        self.snapshot_path = snapshot_path
        #: Ratings this screen has recorded since it started.
        self.recorded = 0
        self.service = service
        self.counter = counter
        self.timings = timings or Timings()
        self.ops = Operations(self)
        self.watcher: FeedWatcher | None = None
        self.ticket_id: int | None = None
        self.code = ""
        self.level: RatingLevel | None = None
        self.busy = False
        cfg = service.config.ratings
        self.setStyleSheet(f"background: {COLOURS.background};")
        self.pages = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addWidget(self.pages)

        # Idle: the point's name and the counter.
        idle = QWidget()
        box = QVBoxLayout(idle)
        centre = Qt.AlignmentFlag.AlignCenter
        site = service.config.site
        self.site_label = label(site.name, 44, bold=True, align=centre)
        self.site_en = label(site.name_en, 30, colour=COLOURS.muted, align=centre)
        self.counter_label = label(
            words.COUNTER_N.get("vi", n=counter), 72, bold=True, colour=COLOURS.accent, align=centre
        )
        self.welcome = label("", 34, align=centre)
        self.welcome_en = label("", 28, colour=COLOURS.muted, align=centre)
        _both(self.welcome, self.welcome_en, texts.WELCOME)
        self.status = label("", 30, colour=COLOURS.alert_text, align=centre)
        box.addStretch(1)
        for w in (self.site_label, self.site_en, self.counter_label):
            box.addWidget(w)
        box.addStretch(1)
        for w in (self.welcome, self.welcome_en, self.status):
            box.addWidget(w)

        # Faces: the prompt, the ticket's number, four faces.
        faces = QWidget()
        box = QVBoxLayout(faces)
        self.prompt = label("", 44, bold=True, align=centre)
        self.prompt_en = label("", 30, colour=COLOURS.muted, align=centre)
        _both(self.prompt, self.prompt_en, texts.PROMPT)
        self.ticket_label = label("", 56, bold=True, colour=COLOURS.accent, align=centre)
        self.grid = QGridLayout()
        self.grid.setSpacing(24)
        side = self.min_side = face_px(logical_dpi)
        self.faces: list[FaceButton] = []
        for i, level in enumerate(RatingLevel):
            face = FaceButton(i, side)
            face.setObjectName(f"face-{level.value}")
            face.setText(f"{cfg.labels[i]}\n{cfg.labels_en[i]}")
            face.clicked.connect(lambda _=False, lv=level: self.tap(lv))
            self.faces.append(face)
        box.addWidget(self.prompt)
        box.addWidget(self.prompt_en)
        box.addWidget(self.ticket_label)
        box.addStretch(1)
        box.addLayout(self.grid)
        box.addStretch(1)

        # Reasons: optional chips after a low level, then Send.
        reasons = QWidget()
        box = QVBoxLayout(reasons)
        self.why = label("", 40, bold=True, align=centre)
        self.why_en = label("", 28, colour=COLOURS.muted, align=centre)
        _both(self.why, self.why_en, texts.WHY)
        box.addWidget(self.why)
        box.addWidget(self.why_en)
        self.chips: list[QPushButton] = []
        self.chip_grid = QGridLayout()
        self.chip_grid.setSpacing(16)
        for vi, en in zip(cfg.reasons, cfg.reasons_en, strict=True):
            # Two lines (Vietnamese, English): a narrow portrait screen still holds the chip.
            both = f"{vi}\n{en}"
            chip = QPushButton(both)
            chip.setCheckable(True)
            chip.toggled.connect(
                lambda on, c=chip, both=both: c.setText(f"✓  {both}" if on else both)
            )
            chip.setMinimumHeight(max(90, side // 2))
            chip.setFont(label("", 32).font())
            chip.setStyleSheet(
                button_style(COLOURS.surface, border=COLOURS.surface_alt)
                + f"QPushButton:checked {{ background: {COLOURS.ok};"
                f" border-color: {COLOURS.ok_text}; }}"
            )
            chip.toggled.connect(lambda _=False: self._restart_idle())
            chip.setProperty("reason", vi)
            self.chips.append(chip)
        box.addLayout(self.chip_grid)
        box.addStretch(1)
        self.send = QPushButton(f"{texts.SEND.vi} / {texts.SEND.en}")
        self.send.setObjectName("send")
        self.send.setMinimumHeight(max(100, side // 2))
        self.send.setFont(label("", 36, bold=True).font())
        self.send.setStyleSheet(button_style(COLOURS.ok, border=COLOURS.ok_text))
        self.send.clicked.connect(self._send)
        box.addWidget(self.send)

        # Thanks.
        thanks = QWidget()
        box = QVBoxLayout(thanks)
        self.thanks = label("", 56, bold=True, colour=COLOURS.ok_text, align=centre)
        self.thanks_en = label("", 36, colour=COLOURS.muted, align=centre)
        _both(self.thanks, self.thanks_en, texts.THANKS)
        box.addStretch(1)
        box.addWidget(self.thanks)
        box.addWidget(self.thanks_en)
        box.addStretch(1)

        self._pages: dict[str, QWidget] = {
            IDLE: idle,
            FACES: faces,
            REASONS: reasons,
            THANKS: thanks,
        }
        for page in self._pages.values():
            self.pages.addWidget(page)
            # Faces and chips follow the screen (`_place_faces`); their layout of the moment
            # must not hold the window wider or taller than the tablet it runs on.
            page.setMinimumSize(1, 1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._timed_out)
        self._place_faces()

    # ------------------------------------------------------------------ pages

    @property
    def page(self) -> str:
        current = self.pages.currentWidget()
        return next(name for name, w in self._pages.items() if w is current)

    def show_page(self, name: str) -> None:
        """Show page `name` (IDLE, FACES, REASONS or THANKS)."""
        self.pages.setCurrentWidget(self._pages[name])
        self.page_shown.emit(name)
        if self.snapshot_path is not None:
            # After the page's layout has settled, so the faces' places are where they show.
            QTimer.singleShot(100, lambda: write_snapshot(self.snapshot_path, self.snapshot()))

    def _restart_idle(self) -> None:
        self.timer.start(self.timings.idle_ms)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_faces()

    def _place_faces(self) -> None:
        """As large as the screen allows (never under 25 mm): one row of four on a wide
        screen, two rows of two on a tall one."""
        if self.width() <= 0:
            return
        gap = self.grid.spacing()
        # Four in a row only where four of the smallest faces fit: the screen's minimum size
        # stays that of two rows of two, so a narrow tablet is never pushed off its screen.
        fits_four = self.width() - 48 - 3 * gap >= 4 * self.faces[0].sizeHint().width()
        columns = 4 if self.width() > self.height() and fits_four else 2
        rows = 4 // columns
        label_h = 4 * 34
        room_w = (self.width() - 48 - (columns - 1) * gap) // columns
        room_h = (self.height() - 48 - HEADER_PX - (rows - 1) * gap) // rows - label_h
        side = max(self.min_side, min(room_w, room_h, MAX_FACE_PX))
        for i, face in enumerate(self.faces):
            face.set_side(side)
            self.grid.addWidget(face, i // columns, i % columns, Qt.AlignmentFlag.AlignCenter)
        # The reasons: one column upright, two side by side on a wide screen.
        wide = self.width() > self.height()
        for i, chip in enumerate(self.chips):
            self.chip_grid.addWidget(chip, i // 2 if wide else i, i % 2 if wide else 0)

    # ------------------------------------------------------------------ the feed

    def start(self) -> None:
        """Follow the change feed: a completion at this counter offers the faces."""
        self.show_page(IDLE)
        self.watcher = FeedWatcher(self.service, heartbeat=self.timings.heartbeat_s, parent=self)
        self.watcher.changed.connect(self._events)
        self.watcher.start()

    def stop(self) -> None:
        self.timer.stop()
        if self.watcher is not None:
            self.watcher.stop()

    def _events(self, events: list[Event]) -> None:
        for e in events:
            if (
                e.kind is EventKind.COMPLETED
                and e.counter == self.counter
                and e.ticket_id is not None
            ):
                self.offer(e.ticket_id, e.ticket_code or "")

    def offer(self, ticket_id: int, code: str) -> None:
        """Ask the citizen of ticket `ticket_id` (just completed here) to rate the service."""
        if self.busy:
            return
        self.ticket_id, self.code, self.level = ticket_id, code, None
        self.ticket_label.setText(
            f"{texts.TICKET.get('vi', code=code)}  ·  {texts.TICKET.get('en', code=code)}"
        )
        for chip in self.chips:
            chip.setChecked(False)
        self.status.clear()
        self.show_page(FACES)
        self._restart_idle()

    # ------------------------------------------------------------------ taps

    def tap(self, level: RatingLevel) -> None:
        """A face tapped: a low level asks why first; the others are sent at once."""
        if self.page != FACES or self.ticket_id is None or self.busy:
            return  # a second tap, or a tap on a face already leaving
        self.level = level
        if level in LOW_LEVELS:
            self.show_page(REASONS)
            self._restart_idle()
        else:
            self._submit(())

    def _send(self) -> None:
        if self.page == REASONS and not self.busy:
            self._submit(tuple(str(c.property("reason")) for c in self.chips if c.isChecked()))

    def _timed_out(self) -> None:
        if self.page == REASONS:
            self._send()  # the level was chosen: it counts, with the reasons ticked so far
        else:
            self.ticket_id = None
            self.show_page(IDLE)

    def _submit(self, reasons: tuple[str, ...]) -> None:
        assert self.ticket_id is not None and self.level is not None
        self.busy = True
        self.timer.stop()
        self.ops.run(
            "rate",
            self.service.rate,
            self.ticket_id,
            self.level.value,
            channel=RatingChannel.COUNTER_SCREEN.value,
            counter=self.counter,
            reasons=reasons,
            on_done=self._done,
            on_error=self._failed,
        )

    def _done(self, result: RatingResult) -> None:
        self.recorded += 1
        self.busy = False
        self.ticket_id = None
        self.show_page(THANKS)
        self.timer.start(self.timings.thanks_ms)
        self.rated.emit(result)

    def _failed(self, error: KioskError) -> None:
        self.busy = False
        self.ticket_id = None
        self.status.setText(
            texts.NOT_TAKEN.get("vi", why=error.message("vi"))
            + "\n"
            + texts.NOT_TAKEN.get("en", why=error.message("en"))
        )
        self.show_page(IDLE)

    def snapshot(self) -> dict[str, Any]:
        """What the screen shows (tests and support): the page, the ticket offered, the
        status line, the ratings recorded, and where each face and chip is on the screen
        (x, y, width, height in the screen's pixels) while its page shows."""

        def place(w: QWidget) -> list[int] | None:
            if not w.isVisible():
                return None
            corner = w.mapToGlobal(QPoint(0, 0))
            return [corner.x(), corner.y(), w.width(), w.height()]

        return {
            "counter": self.counter,
            "page": self.page,
            "ticket": self.code,
            "status": self.status.text(),
            "recorded": self.recorded,
            "faces": {lv.value: place(f) for lv, f in zip(RatingLevel, self.faces, strict=True)},
            "chips": [place(c) for c in self.chips],
            "send": place(self.send),
        }
