"""The manager window (`kiosk manager`): a date range and filters, the report's tables and
charts, and exports that run in the background with a progress bar and a cancel button.

Everything slow (the PIN check, the report, the charts, exports) runs through the shared
`Operations` runner off the GUI thread; the widgets only show results. Protected by the
admin PIN (`kiosk config set-pin`); without a PIN the window says so and opens.
"""

from __future__ import annotations

import argparse
import logging
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import texts as words
from kiosk.core.catalogue import ProcedureNames, names_for_reports
from kiosk.core.config import Config
from kiosk.core.errors import KioskError
from kiosk.core.lockout import ADMIN_SCOPE, Attempt, Lockout, lock_message
from kiosk.core.queue import QueueService
from kiosk.core.texts import Text
from kiosk.core.wording import minutes, number, plain, share
from kiosk.gui.operations import Operations
from kiosk.gui.theme import COLOURS, font
from kiosk.reports import charts, report_pdf
from kiosk.reports import texts as T
from kiosk.reports.export import ExportFormat, ExportRequest, ExportResult, export
from kiosk.reports.history import Cancelled, HistoryFilter
from kiosk.reports.official import Letterhead
from kiosk.reports.report import (
    STATS_HEADINGS,
    GroupStats,
    Report,
    build_report,
    hour_label,
    satisfaction_header,
    satisfaction_rows,
)

log = logging.getLogger(__name__)

#: Every text of the window: key → Text(Vietnamese, English); the words it shares with the
#: reports (headings, key figures) have their home in kiosk/reports/texts.py.
TEXTS: dict[str, Text] = {
    "title": Text("Quản lý – Báo cáo thời gian chờ", "Manager – Waiting time reports"),
    "switch": words.SWITCH_LANGUAGE,
    "pin_prompt": words.ADMIN_PIN_PROMPT,
    "pin_ok": words.OPEN,
    "pin_checking": words.CHECKING,
    "pin_wrong": Text("Sai mã PIN. Còn {n} lần thử.", "Wrong PIN. {n} tries left."),
    "pin_not_set": Text(
        "Chưa đặt mã PIN quản trị: ai cũng mở được cửa sổ này. Đặt bằng: kiosk config set-pin",
        "No admin PIN is set: anyone can open this window. Set one with: kiosk config set-pin",
    ),
    "from": Text("Từ ngày", "From"),
    "to": Text("Đến ngày", "To"),
    "field": T.FIELD,
    "counter": T.COUNTER,
    "all": Text("Tất cả", "All"),
    "show": Text("Xem báo cáo", "Show report"),
    "loading": Text("Đang tính báo cáo…", "Computing the report…"),
    "empty": Text("Chưa có báo cáo", "No report yet"),
    "tab_fields": T.PER_FIELD,
    "tab_days": T.PER_DAY,
    "tab_counters": T.PER_COUNTER,
    "tab_hours": Text("Theo giờ", "Per hour"),
    "tab_procedures": T.PER_PROCEDURE,
    "tab_officers": T.PER_OFFICER,
    "officer": T.OFFICER,
    "procedure": T.PROCEDURE,
    "tab_charts": Text("Biểu đồ", "Charts"),
    "tab_satisfaction": Text("Hài lòng", "Satisfaction"),
    "day": T.DAY,
    "hour": T.HOUR,
    "export_csv": Text("Xuất CSV", "Export CSV"),
    "export_xlsx": Text("Xuất Excel", "Export Excel"),
    "export_jsonl": Text("Xuất JSONL", "Export JSONL"),
    "export_events": Text("Xuất nhật ký sự kiện", "Export event log"),
    "save_pdf": Text("Lưu báo cáo PDF", "Save PDF report"),
    "cancel": words.CANCEL,
    "cancelling": Text("Đang hủy…", "Cancelling…"),
    "exporting": Text("Đang xuất {name}…", "Exporting {name}…"),
    "exported": Text("Đã xuất {rows} dòng vào {path}", "Exported {rows} rows to {path}"),
    "saved_pdf": Text("Đã lưu {path}", "Saved {path}"),
    "cancelled": Text("Đã hủy; không có tệp nào được ghi", "Cancelled; no file was written"),
    "citizens": T.CARD_CITIZENS,
    "dossiers": T.DOSSIERS_UNIT,
    "served": T.CARD_SERVED,
    "no_shows": T.CARD_NO_SHOWS,
    "wait_p50": T.CARD_WAIT_P50,
    "wait_p90": T.CARD_WAIT_P90,
    "over": T.CARD_OVER_TARGET,
    "busiest": Text("giờ đông nhất", "busiest hour"),
}
_FORMAT_FILTERS = {
    ExportFormat.CSV: "CSV (*.csv)",
    ExportFormat.XLSX: "Excel (*.xlsx)",
    ExportFormat.JSONL: "JSON Lines (*.jsonl)",
}

PathChooser = Callable[[str, str], "str | None"]


class _ProgressRelay(QObject):
    """Carries progress from the export thread to the GUI thread (queued signal)."""

    changed = Signal(int, int)


class PinPage(QWidget):
    """Asks for the admin PIN; `accepted` when it matches (checked off the GUI thread)."""

    accepted = Signal()

    def __init__(self, window: ManagerWindow, stored_hash: str, lockout: Lockout) -> None:
        super().__init__(window)
        self.window_ = window
        self.stored_hash = stored_hash
        self.lockout = lockout
        self._locked_until = 0.0
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._count_down)
        self.prompt = QLabel()
        self.prompt.setFont(font(22, bold=True))
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setValidator(QRegularExpressionValidator(r"[0-9]{0,12}"))
        self.pin.setMaxLength(12)
        self.pin.setFixedWidth(240)
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin.returnPressed.connect(self.check)
        self.ok = QPushButton()
        self.ok.clicked.connect(self.check)
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet(f"color: {COLOURS.alert_text};")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.pin)
        row.addWidget(self.ok)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.prompt)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(2)

    def retranslate(self) -> None:
        tr = self.window_.tr_
        self.prompt.setText(tr("pin_prompt"))
        self.ok.setText(tr("pin_ok"))

    def check(self) -> None:
        pin = self.pin.text()
        if not pin or not self.ok.isEnabled():
            return
        self.ok.setEnabled(False)
        self.pin.setEnabled(False)
        self.message.setText(self.window_.tr_("pin_checking"))
        # The kiosk pad's lockout (scope "admin", in the database): PBKDF2 and the count run
        # off the GUI thread.
        self.window_.ops.run(
            "verify pin",
            self.lockout.attempt,
            ADMIN_SCOPE,
            pin,
            self.stored_hash,
            actor="manager",
            on_done=self._checked,
            on_error=self._failed,
        )

    def start(self) -> None:
        """Show the lock the database holds (a restart never lifts it)."""
        self.window_.ops.run(
            "pin lock state",
            self.lockout.state,
            ADMIN_SCOPE,
            on_done=lambda state: (
                self._locked(state.locked_seconds) if state.locked_seconds else None
            ),
            on_error=lambda _err: None,  # the first try asks again
        )

    def _failed(self, err: KioskError) -> None:
        self.pin.clear()
        self.message.setText(err.text.get(self.window_.lang))
        self._enable()

    def _checked(self, attempt: Attempt) -> None:
        self.pin.clear()
        if attempt.ok:
            self.message.clear()
            self.accepted.emit()
            return
        if attempt.state.locked_seconds > 0:
            self._locked(attempt.state.locked_seconds)
            return
        log.warning(
            "wrong admin PIN in the manager window (%d tries left)", attempt.state.tries_left
        )
        self.message.setText(self.window_.tr_("pin_wrong").format(n=attempt.state.tries_left))
        self._enable()

    def _locked(self, seconds: float) -> None:
        self.ok.setEnabled(False)
        self.pin.setEnabled(False)
        self._locked_until = time.monotonic() + seconds
        self._count_down()
        self._tick.start()

    def _count_down(self) -> None:
        left = self._locked_until - time.monotonic()
        if left <= 0:
            self._tick.stop()
            self.message.clear()
            self._enable()
            return
        self.message.setText(lock_message(left).get(self.window_.lang))

    def _enable(self) -> None:
        self.ok.setEnabled(True)
        self.pin.setEnabled(True)
        self.pin.setFocus()


class ManagerWindow(QMainWindow):
    """Reports and exports for the head of the point."""

    report_shown = Signal(object)  # Report
    charts_shown = Signal()
    export_finished = Signal(object)  # ExportResult, or the KioskError that stopped it
    unlocked = Signal()

    def __init__(
        self,
        service: QueueService,
        *,
        lang: str = "vi",
        ops: Operations | None = None,
        choose_path: PathChooser | None = None,
        procedures: ProcedureNames | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`procedures`: the names of the catalogue in use (`names_for_reports`)."""
        super().__init__(parent)
        self.service = service
        self.procedures = procedures or {}
        self.config: Config = service.config
        self.lang = "en" if lang == "en" else "vi"
        self.ops = ops or Operations(self)
        self.choose_path = choose_path or self._ask_path
        self.report: Report | None = None
        self._cancel: threading.Event | None = None
        self._relay = _ProgressRelay(self)
        self._relay.changed.connect(self._on_progress)
        self._chart_labels: list[QLabel] = []
        #: Reports asked for so far: charts drawn for an older one are not shown.
        self._asked = 0
        self.setFont(font(15))
        self.resize(1280, 800)

        self.pages = QStackedWidget()
        self.setCentralWidget(self.pages)
        stored = self.config.kiosk.admin_pin_hash
        self.lockout = Lockout(service.store, service.site, service.business_day, service.clock)
        self.pin_page = PinPage(self, stored, self.lockout)
        self.pin_page.accepted.connect(self._unlock)
        self.main_page = self._build_main()
        self.pages.addWidget(self.pin_page)
        self.pages.addWidget(self.main_page)
        self.retranslate()
        if stored:
            self.pages.setCurrentWidget(self.pin_page)
            self.pin_page.start()
        else:
            log.warning("no admin PIN set: the manager window opens without one")
            self.banner.setText(self.tr_("pin_not_set"))
            self.banner.show()
            self.pages.setCurrentWidget(self.main_page)

    # ------------------------------------------------------------------ building

    def tr_(self, key: str) -> str:
        return TEXTS[key].get(self.lang)

    @property
    def today(self) -> date:
        return self.config.local_today(self.service.clock.now())

    def _build_main(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(10)

        top = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setFont(font(22, bold=True))
        self.switch = QPushButton()
        self.switch.clicked.connect(self.toggle_language)
        top.addWidget(self.heading, 1)
        top.addWidget(self.switch)
        outer.addLayout(top)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            f"background: {COLOURS.alert}; color: #FFFFFF; padding: 6px 10px; border-radius: 4px;"
        )
        self.banner.hide()
        outer.addWidget(self.banner)

        filters = QHBoxLayout()
        self.from_label, self.to_label = QLabel(), QLabel()
        self.field_label, self.counter_label = QLabel(), QLabel()
        today = self.today
        self.from_date = self._date_edit(today - timedelta(days=6))
        self.to_date = self._date_edit(today)
        self.field_box = QComboBox()
        self.field_box.setMinimumWidth(260)
        self.counter_box = QComboBox()
        self.show_button = QPushButton()
        self.show_button.clicked.connect(self.refresh)
        for w in (
            self.from_label,
            self.from_date,
            self.to_label,
            self.to_date,
            self.field_label,
            self.field_box,
            self.counter_label,
            self.counter_box,
        ):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.show_button)
        outer.addLayout(filters)

        self.figures = QGridLayout()
        self.figures.setHorizontalSpacing(28)
        self._figure_values: list[QLabel] = []
        self._figure_captions: list[QLabel] = []
        for i in range(8):
            value, caption = QLabel("–"), QLabel()
            value.setFont(font(26, bold=True))
            value.setStyleSheet(f"color: {COLOURS.accent};")
            caption.setStyleSheet(f"color: {COLOURS.muted};")
            self.figures.addWidget(value, 0, i)
            self.figures.addWidget(caption, 1, i)
            self._figure_values.append(value)
            self._figure_captions.append(caption)
        outer.addLayout(self.figures)

        self.tabs = QTabWidget()
        self.tables = {
            "fields": self._table(),
            "procedures": self._table(),
            "days": self._table(),
            "counters": self._table(),
            "officers": self._table(),
            "hours": self._table(),
        }
        for table in self.tables.values():
            self.tabs.addTab(table, "")
        self.charts_area = QScrollArea()
        self.charts_area.setWidgetResizable(True)
        holder = QWidget()
        self.charts_layout = QVBoxLayout(holder)
        self.charts_area.setWidget(holder)
        self.charts_tab = self.tabs.addTab(self.charts_area, "")
        #: The ratings per field, counter (officer) and day, then the reasons named; shown
        #: only when someone of the range rated.
        satisfaction = QWidget()
        column = QVBoxLayout(satisfaction)
        self.satisfaction_table = self._table()
        self.reasons_label = QLabel()
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setFont(font(14))
        column.addWidget(self.satisfaction_table, 1)
        column.addWidget(self.reasons_label)
        self.satisfaction_tab = self.tabs.addTab(satisfaction, "")
        self.tabs.setTabVisible(self.satisfaction_tab, False)
        #: Shown only when a ticket of the report was taken for a catalogue procedure.
        self.procedures_tab = self.tabs.indexOf(self.tables["procedures"])
        self.tabs.setTabVisible(self.procedures_tab, False)
        #: Shown only when officers sign in at the counters (a ticket names one).
        self.officers_tab = self.tabs.indexOf(self.tables["officers"])
        self.tabs.setTabVisible(self.officers_tab, False)
        outer.addWidget(self.tabs, 1)

        actions = QHBoxLayout()
        self.export_buttons: dict[str, QPushButton] = {}
        for key, fmt, events in (
            ("export_xlsx", ExportFormat.XLSX, False),
            ("export_csv", ExportFormat.CSV, False),
            ("export_jsonl", ExportFormat.JSONL, False),
            ("export_events", ExportFormat.CSV, True),
        ):
            button = QPushButton()
            button.clicked.connect(lambda _=False, f=fmt, e=events: self.start_export(f, e))
            actions.addWidget(button)
            self.export_buttons[key] = button
        self.pdf_button = QPushButton()
        self.pdf_button.clicked.connect(self.save_pdf)
        actions.addWidget(self.pdf_button)
        actions.addStretch(1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setMinimumWidth(220)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton()
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_export)
        actions.addWidget(self.progress)
        actions.addWidget(self.cancel_button)
        # Shown only while an export or a PDF is being written.
        self.progress.hide()
        self.cancel_button.hide()
        outer.addLayout(actions)
        self.status = QLabel()
        self.status.setWordWrap(True)
        outer.addWidget(self.status)
        return page

    def _date_edit(self, day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        return edit

    def _table(self) -> QTableWidget:
        table = QTableWidget(0, len(STATS_HEADINGS))
        table.setFont(font(14))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setFont(font(13, bold=True))
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        return table

    def retranslate(self) -> None:
        """Every text in the current language (the switch flips it)."""
        tr = self.tr_
        self.setWindowTitle(tr("title"))
        self.heading.setText(tr("title"))
        self.switch.setText(tr("switch"))
        self.pin_page.retranslate()
        self.from_label.setText(tr("from"))
        self.to_label.setText(tr("to"))
        self.field_label.setText(tr("field"))
        self.counter_label.setText(tr("counter"))
        self.show_button.setText(tr("show"))
        self._fill_choices()
        for key, table in self.tables.items():
            self.tabs.setTabText(self.tabs.indexOf(table), tr(f"tab_{key}"))
        self.tabs.setTabText(self.charts_tab, tr("tab_charts"))
        self.tabs.setTabText(self.satisfaction_tab, tr("tab_satisfaction"))
        for key, button in self.export_buttons.items():
            button.setText(tr(key))
        self.pdf_button.setText(tr("save_pdf"))
        self.cancel_button.setText(tr("cancel"))
        if self.banner.isVisibleTo(self.main_page):
            self.banner.setText(tr("pin_not_set"))
        self._show_report(self.report)

    def _fill_choices(self) -> None:
        field, counter = self.field_box.currentData(), self.counter_box.currentData()
        self.field_box.clear()
        self.field_box.addItem(self.tr_("all"), None)
        for f in self.config.fields:
            self.field_box.addItem(f.name if self.lang == "vi" else f.name_en, f.code)
        self.counter_box.clear()
        self.counter_box.addItem(self.tr_("all"), None)
        for c in self.config.counters:
            self.counter_box.addItem(c.label_vi if self.lang == "vi" else c.label_en, c.number)
        self.field_box.setCurrentIndex(max(0, self.field_box.findData(field)))
        self.counter_box.setCurrentIndex(max(0, self.counter_box.findData(counter)))

    def toggle_language(self) -> None:
        self.lang = "en" if self.lang == "vi" else "vi"
        self.retranslate()
        if self.report is not None:
            self._render_charts(self.report)

    # ------------------------------------------------------------------ PIN

    def _unlock(self) -> None:
        self.pages.setCurrentWidget(self.main_page)
        self.unlocked.emit()
        self.refresh()

    @property
    def locked(self) -> bool:
        return self.pages.currentWidget() is self.pin_page

    def start(self) -> None:
        """Show the first report once open (straight away when no PIN is set)."""
        if not self.locked:
            self.refresh()

    # ------------------------------------------------------------------ report

    def current_filter(self) -> HistoryFilter:
        def day(edit: QDateEdit) -> date:
            d = edit.date()
            return date(d.year(), d.month(), d.day())

        return HistoryFilter(
            day(self.from_date),
            day(self.to_date),
            self.field_box.currentData(),
            self.counter_box.currentData(),
        )

    def set_range(self, start: date, end: date) -> None:
        self.from_date.setDate(QDate(start.year, start.month, start.day))
        self.to_date.setDate(QDate(end.year, end.month, end.day))

    def refresh(self) -> None:
        """Compute the report of the chosen range in the background."""
        if self.locked:
            return
        flt = self.current_filter()
        self._asked += 1  # charts still drawing for the report on screen are now stale
        self.show_button.setEnabled(False)
        self.status.setText(self.tr_("loading"))
        self.ops.run(
            "report",
            build_report,
            self.service.store,
            self.config,
            flt,
            today=self.today,
            procedures=self.procedures,
            compare=True,
            on_done=self._report_ready,
            on_error=self._report_failed,
        )

    def _report_ready(self, report: Report) -> None:
        self.show_button.setEnabled(True)
        self.status.clear()
        self.report = report
        self._show_report(report)
        self.report_shown.emit(report)
        self._render_charts(report)

    def _report_failed(self, error: KioskError) -> None:
        self.show_button.setEnabled(True)
        self.report = None
        self._show_report(None)
        self.status.setText(error.message(self.lang))
        self.report_shown.emit(None)

    def _show_report(self, report: Report | None) -> None:
        tr = self.tr_
        captions = [
            tr("citizens"),
            tr("dossiers"),
            tr("served"),
            tr("no_shows"),
            tr("wait_p50"),
            tr("wait_p90"),
            tr("over").format(minutes=plain(self.config.reports.wait_target_minutes, self.lang)),
            tr("busiest"),
        ]
        for label, text in zip(self._figure_captions, captions, strict=True):
            label.setText(text)
        headings = [t.get(self.lang) for t in STATS_HEADINGS[1:]]
        firsts = {
            "fields": tr("field"),
            "procedures": tr("procedure"),
            "days": tr("day"),
            "counters": tr("counter"),
            "officers": tr("officer"),
            "hours": tr("hour"),
        }
        for key, table in self.tables.items():
            table.setHorizontalHeaderLabels([firsts[key], *headings])
        if report is None:
            for value in self._figure_values:
                value.setText("–")
            for table in self.tables.values():
                table.setRowCount(0)
            self.tabs.setTabVisible(self.procedures_tab, False)
            self.tabs.setTabVisible(self.officers_tab, False)
            self.tabs.setTabVisible(self.satisfaction_tab, False)
            return
        t = report.total
        lang = self.lang
        values = [
            number(t.tickets, lang),
            number(t.dossiers, lang),
            number(t.served, lang),
            f"{number(t.no_shows, lang)} / {number(t.expired, lang)}",
            minutes(t.wait_p50, lang),
            minutes(t.wait_p90, lang),
            share(t.over_target_share, lang),
            hour_label(t.busiest_hour) if t.busiest_hour is not None else "–",
        ]
        for label, text in zip(self._figure_values, values, strict=True):
            label.setText(text)
        self._fill(self.tables["fields"], [*report.fields, t], bold_last=True)
        self._fill(self.tables["days"], report.days)
        self._fill(self.tables["counters"], report.counters)
        self._fill(self.tables["hours"], report.hours)
        self._fill(self.tables["procedures"], report.procedures)
        self.tabs.setTabVisible(self.procedures_tab, bool(report.procedures))
        self._fill(self.tables["officers"], report.officers)
        self.tabs.setTabVisible(self.officers_tab, bool(report.officers))
        self._show_satisfaction(report)

    def _show_satisfaction(self, report: Report) -> None:
        sat = report.satisfaction
        rated = sat is not None and sat.rated > 0
        self.tabs.setTabVisible(self.satisfaction_tab, rated)
        if sat is None or not rated:
            return
        lang = self.lang
        by = report.satisfaction_by
        groups = [sat, *by.get("field", ()), *by.get("counter", ()), *by.get("officer", ())]
        days = by.get("day", ())
        rows = [*groups, *(days if len(days) > 1 else ())]
        table = self.satisfaction_table
        header = satisfaction_header(sat, lang, T.GROUP.get(lang))
        table.setColumnCount(len(header))
        table.setHorizontalHeaderLabels(header)
        table.setRowCount(len(rows))
        bold = font(14, bold=True)
        for r, values in enumerate(satisfaction_rows(rows, lang)):
            for c, value in enumerate(values):
                if c in (3, 4):
                    text = share(value, lang)
                else:
                    text = number(value, lang) if c else str(value)
                item = QTableWidgetItem(text)
                if r == 0:
                    item.setFont(bold)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(r, c, item)
        reasons = sat.reasons_in(lang)
        self.reasons_label.setText(
            T.REASONS_NAMED.get(lang)
            + ": "
            + ", ".join(f"{r} {number(n, lang)}" for r, n in reasons.items())
            if reasons
            else ""
        )

    def _fill(self, table: QTableWidget, rows: Any, *, bold_last: bool = False) -> None:
        table.setRowCount(len(rows))
        bold = font(14, bold=True)
        for r, stats in enumerate(rows):
            for c, text in enumerate(_cells(stats, self.lang)):
                item = QTableWidgetItem(text)
                if bold_last and r == len(rows) - 1:
                    item.setFont(bold)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(r, c, item)

    def _render_charts(self, report: Report) -> None:
        lang = self.lang
        asked = self._asked

        def render() -> list[bytes]:
            names = charts.report_charts(report)
            return [charts.chart_png_bytes(report, name, lang) for name in names]

        def ready(images: list[bytes]) -> None:
            if asked == self._asked:  # else a newer report is on its way: its charts follow
                self._charts_ready(images)

        self.ops.run("charts", render, on_done=ready)

    def _charts_ready(self, images: list[bytes]) -> None:
        for label in self._chart_labels:
            label.deleteLater()
        self._chart_labels = []
        for data in images:
            pixmap = QPixmap()
            pixmap.loadFromData(data, "PNG")
            label = QLabel()
            label.setPixmap(pixmap)
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.charts_layout.addWidget(label)
            self._chart_labels.append(label)
        self.charts_shown.emit()

    # ------------------------------------------------------------------ exports

    def _ask_path(self, suggested: str, file_filter: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, "", suggested, file_filter)
        return path or None

    def _suggested(self, flt: HistoryFilter, stem: str, suffix: str) -> str:
        span = flt.start.isoformat()
        if flt.end != flt.start:
            span += f"_{flt.end.isoformat()}"
        return str(Path.home() / f"{stem}-{span}.{suffix}")

    def start_export(self, fmt: ExportFormat, events: bool = False) -> None:
        """Ask where, then export in the background (progress bar, cancel button)."""
        if self._cancel is not None:
            return
        flt = self.current_filter()
        stem = "events" if events else "tickets"
        chosen = self.choose_path(self._suggested(flt, stem, fmt.value), _FORMAT_FILTERS[fmt])
        if not chosen:
            return
        request = ExportRequest(flt, fmt, Path(chosen), events=events, lang=self.lang)
        self._begin_job(Path(chosen).name)
        self.ops.run(
            "export",
            export,
            self.service.store,
            self.config,
            request,
            progress=self._relay.changed.emit,
            cancel=self._cancel,
            today=self.today,
            procedures=self.procedures,
            on_done=self._export_done,
            on_error=self._job_failed,
        )

    def save_pdf(self) -> None:
        """The report on screen as a PDF (written in the background)."""
        report = self.report
        if report is None or self._cancel is not None:
            return
        chosen = self.choose_path(self._suggested(report.filter, "report", "pdf"), "PDF (*.pdf)")
        if not chosen:
            return
        path = Path(chosen)
        self._begin_job(path.name)
        self.progress.setRange(0, 0)  # busy: a PDF has no row count
        lang = self.lang
        letterhead = Letterhead.of(self.config, self.today)

        def write() -> Path:
            from kiosk.core.files import check_target

            report_pdf.write_pdf(report, check_target(path), lang, letterhead)
            return path

        self.ops.run("pdf", write, on_done=self._pdf_done, on_error=self._job_failed)

    def cancel_export(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.status.setText(self.tr_("cancelling"))

    @property
    def busy(self) -> bool:
        return self._cancel is not None

    def _begin_job(self, name: str) -> None:
        self._cancel = threading.Event()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        for button in (*self.export_buttons.values(), self.pdf_button):
            button.setEnabled(False)
        self.status.setText(self.tr_("exporting").format(name=name))

    def _end_job(self) -> None:
        self._cancel = None
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.cancel_button.hide()
        for button in (*self.export_buttons.values(), self.pdf_button):
            button.setEnabled(True)

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0 and self.progress.maximum() > 0:
            self.progress.setValue(round(1000 * min(done, total) / total))

    def _export_done(self, result: ExportResult) -> None:
        self._end_job()
        self.progress.setValue(1000)
        self.status.setText(
            self.tr_("exported").format(rows=number(result.rows, self.lang), path=result.path)
        )
        self.export_finished.emit(result)

    def _pdf_done(self, path: Path) -> None:
        self._end_job()
        self.progress.setValue(1000)
        self.status.setText(self.tr_("saved_pdf").format(path=path))
        self.export_finished.emit(path)

    def _job_failed(self, error: KioskError) -> None:
        self._end_job()
        self.progress.setValue(0)
        if isinstance(error, Cancelled):
            self.status.setText(self.tr_("cancelled"))
        else:
            self.status.setText(error.message(self.lang))
        self.export_finished.emit(error)

    def shutdown(self) -> None:
        """Stop background work (the window is closing)."""
        if self._cancel is not None:
            self._cancel.set()
        self.ops.shutdown()


def _cells(s: GroupStats, lang: str) -> list[str]:
    counts = (s.tickets, s.served, s.dossiers, s.no_shows, s.expired, s.transferred)
    return [
        s.name(lang),
        *(number(n, lang) for n in counts),
        minutes(s.wait_p50, lang),
        minutes(s.wait_p90, lang),
        minutes(s.wait_max, lang),
        minutes(s.service_p50, lang),
        hour_label(s.busiest_hour) if s.busiest_hour is not None else "–",
        share(s.over_target_share, lang),
    ]


def run_manager(ctx: Any, a: argparse.Namespace) -> int:
    """`kiosk manager`: open the window on the configured database."""
    from PySide6.QtWidgets import QApplication

    from kiosk.gui.options import parse_geometry
    from kiosk.gui.runtime import place, run

    geometry = parse_geometry(a.geometry) if a.geometry else None
    service = ctx.service  # opens (and upgrades) the database first: errors are one line
    lang = "en" if getattr(a, "lang", None) == "en" else "vi"
    procedures = names_for_reports(ctx.config, ctx.config_path)  # a broken one: logged

    def build(app: QApplication) -> QWidget:
        window = ManagerWindow(service, lang=lang, procedures=procedures)
        app.aboutToQuit.connect(window.shutdown)
        place(window, 0, False, geometry)
        window.start()
        return window

    return run(build, name="kiosk-manager")
