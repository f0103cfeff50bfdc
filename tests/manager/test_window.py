"""The manager window driven with qtbot: PIN, report, charts, exports with progress and cancel."""

from __future__ import annotations

import asyncio
import csv
import subprocess
import threading
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.core.clock import ManualClock
from kiosk.core.config import Config
from kiosk.core.pin import hash_pin
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.core.texts import Text
from kiosk.manager import window as window_module
from kiosk.manager.window import ManagerWindow
from kiosk.reports.export import ExportFormat, ExportResult
from kiosk.reports.history import Cancelled
from tests.manager.conftest import BIRTH, CERTIFIED_COPY, DAY1, DAY2
from tests.support import local, make_config

Simulated = tuple[Store, Config, list[date]]


def _service(sim: Simulated, config: Config | None = None) -> QueueService:
    store, default, days = sim
    clock = ManualClock(local(days[-1].year, days[-1].month, days[-1].day, 17, 30))
    return QueueService(store, config or default, clock)


def _window(qtbot: QtBot, service: QueueService, out: Path, **kw: Any) -> ManagerWindow:
    def choose(suggested: str, _filter: str) -> str:
        return str(out / Path(suggested).name)

    window = ManagerWindow(service, choose_path=choose, **kw)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.setFixedSize(1280, 800)  # a fixed size: the offscreen platform warns otherwise
    window.show()
    return window


def _show_range(qtbot: QtBot, window: ManagerWindow, days: list[date]) -> None:
    window.set_range(days[0], days[-1])
    with qtbot.waitSignal(window.report_shown, timeout=20_000):
        window.show_button.click()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def test_without_a_pin_it_says_so_and_shows_the_report_and_charts(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, simulated: Simulated, out: Path
) -> None:
    window = _window(qtbot, _service(simulated), out)
    assert not window.locked
    assert "Chưa đặt mã PIN quản trị" in window.banner.text()
    with qtbot.waitSignal(window.charts_shown, timeout=30_000):
        _show_range(qtbot, window, simulated[2])
    report = window.report
    assert report is not None
    assert window._figure_values[0].text() == str(report.total.tickets)
    fields = window.tables["fields"]
    assert fields.rowCount() == len(report.fields) + 1
    assert fields.item(0, 0).text() == "Hộ tịch"
    assert fields.item(fields.rowCount() - 1, 0).text() == "Tổng cộng"
    assert window.tables["days"].rowCount() == len(simulated[2])
    assert len(window._chart_labels) == 6  # the five, and satisfaction: simulated citizens rate
    assert not window._chart_labels[0].pixmap().isNull()


def test_export_runs_in_the_background_and_the_progress_reaches_the_end(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, simulated: Simulated, out: Path
) -> None:
    window = _window(qtbot, _service(simulated), out)
    _show_range(qtbot, window, simulated[2])
    # Nothing runs: no progress bar, no Cancel.
    assert not window.progress.isVisible() and not window.cancel_button.isVisible()
    seen: list[int] = []
    window.progress.valueChanged.connect(seen.append)
    with qtbot.waitSignal(window.export_finished, timeout=30_000) as done:
        window.export_buttons["export_xlsx"].click()
        assert window.busy and window.cancel_button.isEnabled()
        assert window.progress.isVisible() and window.cancel_button.isVisible()
        assert not window.export_buttons["export_csv"].isEnabled()
    result = done.args[0]
    assert isinstance(result, ExportResult)
    assert window.progress.value() == 1000 and seen[-1] == 1000
    assert not window.busy and not window.cancel_button.isEnabled()
    assert not window.progress.isVisible() and not window.cancel_button.isVisible()
    days = simulated[2]
    assert result.path == out / f"tickets-{days[0].isoformat()}_{days[-1].isoformat()}.xlsx"
    assert str(result.rows) in window.status.text()
    book = openpyxl.load_workbook(result.path, read_only=True)
    assert book.sheetnames == ["Tổng hợp", "Dữ liệu"]
    assert (
        sum(1 for _ in book["Dữ liệu"].iter_rows())
        == result.rows + 1
        == (
            window.report.total.tickets + 1  # type: ignore[union-attr]
        )
    )


def test_export_follows_the_filters_on_screen(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, simulated: Simulated, out: Path
) -> None:
    window = _window(qtbot, _service(simulated), out)
    window.set_range(simulated[2][0], simulated[2][-1])
    window.field_box.setCurrentIndex(window.field_box.findData("ketqua"))
    with qtbot.waitSignal(window.export_finished, timeout=30_000) as done:
        window.export_buttons["export_csv"].click()
    with done.args[0].path.open(encoding="utf-8-sig", newline="") as f:
        assert {row["field"] for row in csv.DictReader(f)} == {"ketqua"}


def test_cancel_stops_the_export_and_leaves_no_file(
    qtbot: QtBot,
    aloop: asyncio.AbstractEventLoop,
    simulated: Simulated,
    out: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_export = window_module.export
    waiting = threading.Event()

    def slow_export(*args: Any, cancel: threading.Event, **kw: Any) -> ExportResult:
        waiting.set()
        cancel.wait(10)  # the export is "running" until the person presses Cancel
        return real_export(*args, cancel=cancel, **kw)

    monkeypatch.setattr(window_module, "export", slow_export)
    window = _window(qtbot, _service(simulated), out)
    window.set_range(simulated[2][0], simulated[2][-1])
    assert not window.progress.isVisible() and not window.cancel_button.isVisible()
    window.export_buttons["export_csv"].click()
    qtbot.waitUntil(waiting.is_set, timeout=5000)
    assert window.status.text().startswith("Đang xuất tickets-")
    assert window.progress.isVisible() and window.cancel_button.isVisible()
    with qtbot.waitSignal(window.export_finished, timeout=10_000) as done:
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    assert isinstance(done.args[0], Cancelled)
    assert window.status.text() == "Đã hủy; không có tệp nào được ghi"
    assert window.progress.value() == 0 and not window.busy
    assert not window.progress.isVisible() and not window.cancel_button.isVisible()
    assert list(out.iterdir()) == []


def test_an_export_onto_a_link_is_refused_on_screen_and_the_link_kept(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, simulated: Simulated, tmp_path: Path
) -> None:
    real = tmp_path / "kept.csv"
    real.write_text("my own file\n")
    link = tmp_path / "exports.csv"
    link.symlink_to(real)
    window = ManagerWindow(_service(simulated), choose_path=lambda *_: str(link))
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.setFixedSize(1280, 800)
    window.show()
    window.set_range(simulated[2][0], simulated[2][-1])

    with qtbot.waitSignal(window.export_finished, timeout=30_000) as done:
        window.export_buttons["export_csv"].click()

    assert window.status.text() == done.args[0].message("vi")
    assert window.status.text().startswith(f"{link} là liên kết tượng trưng tới {real}")
    assert link.is_symlink() and real.read_text() == "my own file\n"
    assert not window.busy


def test_a_wrong_pin_is_refused_and_the_right_one_opens(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, simulated: Simulated, out: Path
) -> None:
    config = make_config(
        **{'admin_pin_hash = ""': f'admin_pin_hash = "{hash_pin("246810", iterations=1000)}"'}
    )
    window = _window(qtbot, _service(simulated, config), out)
    assert window.locked and window.banner.isHidden()
    window.export_buttons["export_csv"].click()  # not reachable while locked: nothing happens
    qtbot.keyClicks(window.pin_page.pin, "1111")
    window.pin_page.ok.click()
    qtbot.waitUntil(lambda: "Sai mã PIN" in window.pin_page.message.text(), timeout=5000)
    assert window.locked and window.pin_page.message.text() == "Sai mã PIN. Còn 4 lần thử."
    assert window.report is None
    qtbot.keyClicks(window.pin_page.pin, "246810")
    with qtbot.waitSignal(window.report_shown, timeout=20_000):
        window.pin_page.ok.click()
    assert not window.locked


def test_five_wrong_pins_lock_the_box(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, simulated: Simulated, out: Path
) -> None:
    config = make_config(
        **{'admin_pin_hash = ""': f'admin_pin_hash = "{hash_pin("246810", iterations=1000)}"'}
    )
    window = _window(qtbot, _service(simulated, config), out)
    page = window.pin_page
    for _ in range(5):
        qtbot.waitUntil(page.ok.isEnabled, timeout=5000)
        qtbot.keyClicks(page.pin, "9999")
        page.ok.click()
    qtbot.waitUntil(lambda: "quá nhiều lần" in page.message.text(), timeout=5000)
    assert page.message.text() == "Nhập sai quá nhiều lần: đã khoá, thử lại sau 1 phút"
    assert not page.ok.isEnabled() and window.locked
    # Closing and opening the window again (a restart) does not lift the lock: it is kept
    # in the database, shared with the kiosk's admin pad.
    again = _window(qtbot, window.service, out)
    qtbot.waitUntil(lambda: "đã khoá" in again.pin_page.message.text(), timeout=5000)
    assert not again.pin_page.ok.isEnabled() and again.locked


def test_the_language_switch_turns_everything_english(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, simulated: Simulated, out: Path
) -> None:
    window = _window(qtbot, _service(simulated), out)
    _show_range(qtbot, window, simulated[2])
    with qtbot.waitSignal(window.charts_shown, timeout=30_000):
        window.switch.click()
    assert window.windowTitle() == "Manager – Waiting time reports"
    assert window.export_buttons["export_xlsx"].text() == "Export Excel"
    assert window.tables["fields"].item(0, 0).text() == "Civil status"
    assert window.field_box.itemText(0) == "All"
    assert window.switch.text() == "Tiếng Việt"


def test_an_empty_range_is_explained_not_an_error(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, simulated: Simulated, out: Path
) -> None:
    window = _window(qtbot, _service(simulated), out)
    window.set_range(date(2020, 1, 1), date(2020, 1, 2))
    with qtbot.waitSignal(window.report_shown, timeout=20_000):
        window.show_button.click()
    assert window.report is None
    assert window.status.text() == "Không có phiếu nào trong 01/01/2020–02/01/2020"
    with qtbot.waitSignal(window.export_finished, timeout=20_000) as done:
        window.export_buttons["export_csv"].click()
    assert "Không có phiếu nào" in window.status.text()
    assert done.args[0].exit_code == 2
    assert list(out.iterdir()) == []
    assert ExportFormat.CSV  # the CSV button is a CSV export


def test_procedures_tab_counts_tickets_by_procedure_only_when_some_had_one(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, scripted: QueueService, out: Path
) -> None:
    names = {("chungthuc", CERTIFIED_COPY): Text("Chứng thực bản sao", "Certified copy")}
    window = _window(qtbot, scripted, out, procedures=names)
    tab = window.tabs.indexOf(window.tables["procedures"])
    assert not window.tabs.isTabVisible(tab)  # no report yet
    _show_range(qtbot, window, [DAY1, DAY2])
    assert window.tabs.isTabVisible(tab)
    assert window.tabs.tabText(tab) == "Theo thủ tục"
    table = window.tables["procedures"]
    assert table.horizontalHeaderItem(0).text() == "Thủ tục"
    shown = [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]
    assert shown == [("Chứng thực bản sao", "1"), (BIRTH, "1"), ("Không chọn thủ tục", "4")]
    window.switch.click()  # English: the catalogue's English name
    assert window.tabs.tabText(tab) == "Per procedure"
    assert table.item(0, 0).text() == "Certified copy"
    with qtbot.waitSignal(window.export_finished, timeout=30_000) as done:
        window.export_buttons["export_csv"].click()
    with done.args[0].path.open(encoding="utf-8-sig", newline="") as f:
        chosen = [(r["procedure"], r["procedure_name"]) for r in csv.DictReader(f)]
    assert ("2.000815", "Chứng thực bản sao") in chosen and (BIRTH, BIRTH) in chosen
    _show_range(qtbot, window, [DAY2])  # Tuesday: nobody chose a procedure
    assert not window.tabs.isTabVisible(tab) and table.rowCount() == 0


def test_satisfaction_tab_and_chart_only_when_someone_rated(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, scripted: QueueService, out: Path
) -> None:
    """A001 was rated "dissatisfied" on Monday (long wait, other); Tuesday has no rating."""
    window = _window(qtbot, scripted, out)
    tab = window.satisfaction_tab
    assert not window.tabs.isTabVisible(tab)
    with qtbot.waitSignal(window.charts_shown, timeout=30_000):
        _show_range(qtbot, window, [DAY1, DAY2])
    assert window.tabs.isTabVisible(tab) and window.tabs.tabText(tab) == "Hài lòng"
    assert len(window._chart_labels) == 6  # the five, and the satisfaction chart
    table = window.satisfaction_table
    first = [table.item(0, c).text() for c in range(table.columnCount())]
    assert first == ["Tổng cộng", "4", "1", "25%", "0%", "0", "0", "0", "1"]
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert names[1] == "Hộ tịch" and "Quầy 1" in names and names[-1] == "24/11/2026"
    assert window.reasons_label.text() == "Lý do chưa hài lòng được chọn: Chờ lâu 1, Khác 1"
    with qtbot.waitSignal(window.charts_shown, timeout=30_000):  # drawn again in English
        window.switch.click()
    assert window.tabs.tabText(tab) == "Satisfaction"
    assert table.horizontalHeaderItem(8).text() == "Dissatisfied"
    assert window.reasons_label.text() == "Reasons given: Long wait 1, Other 1"
    with qtbot.waitSignal(window.charts_shown, timeout=30_000):
        _show_range(qtbot, window, [DAY2])
    assert not window.tabs.isTabVisible(tab)
    assert len(window._chart_labels) == 5


def test_the_saved_pdf_is_the_official_document_and_the_bar_shows_only_meanwhile(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, simulated: Simulated, out: Path
) -> None:
    window = _window(qtbot, _service(simulated), out)
    days = simulated[2]
    _show_range(qtbot, window, [days[1]])  # one day: compared with the open day before
    assert window.report is not None and window.report.previous is not None
    assert not window.progress.isVisible() and not window.cancel_button.isVisible()
    # Vietnamese figures on screen: a decimal comma.
    assert "," in window._figure_values[4].text() or window._figure_values[4].text() == "–"
    with qtbot.waitSignal(window.export_finished, timeout=30_000) as done:
        qtbot.mouseClick(window.pdf_button, Qt.MouseButton.LeftButton)
        assert window.progress.isVisible() and window.cancel_button.isVisible()
    path = done.args[0]
    assert isinstance(path, Path) and path.is_file()
    assert not window.progress.isVisible() and not window.cancel_button.isVisible()
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "2", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    span = f"{days[0]:%d/%m/%Y}"
    assert f"So với kỳ trước ({span})" in text
