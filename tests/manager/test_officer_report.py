"""Per-officer figures (issue #18): who served how many citizens and dossiers, their median
service time and their citizens' ratings, with a shift change at lunch, in the report, the
PDF, the XLSX summary and the manager window.

The day (Monday 23/11/2026), by hand:
- counter 1, Lan in the morning: A001 08:00 served 08:01–08:05 (4 min, 2 dossiers, rated very
  satisfied), A002 08:10 served 08:11–08:17 (6 min, 1 dossier, rated satisfied);
  she signs out for lunch while A003 waits, and Minh signs in at 13:30: A003 called 13:30,
  served to 13:38 (8 min, 3 dossiers, rated dissatisfied "Chờ lâu").
- counter 3, Hoa: B001 08:00 served 08:02–08:12 (10 min, 1 dossier, not rated).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import openpyxl
import pytest
from pytestqt.qtbot import QtBot

from kiosk.core.clock import ManualClock
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.manager.window import ManagerWindow
from kiosk.reports import report_pdf
from kiosk.reports.export import ExportFormat, ExportRequest, export
from kiosk.reports.history import HistoryFilter
from kiosk.reports.report import Report, build_report
from tests.manager.conftest import AFTER, DAY1
from tests.support import OFFICER_PIN, local, officers_config

ONE_DAY = HistoryFilter(DAY1, DAY1)


@pytest.fixture
def staffed(store: Store, clock: ManualClock) -> QueueService:
    service = QueueService(store, officers_config(), clock)

    def at(h: int, m: int) -> None:
        clock.set(local(2026, 11, 23, h, m))

    at(8, 0)
    a001 = service.issue("hotich").ticket
    b001 = service.issue("chungthuc").ticket
    service.sign_in(1, "lan")
    service.sign_in(3, "hoa")
    at(8, 1)
    service.call_next(1)
    at(8, 2)
    assert service.call_next(3).code == b001.code
    at(8, 5)
    service.complete(1, dossiers=2)
    service.rate(a001.id, "very_satisfied", channel="phone")
    at(8, 10)
    a002 = service.issue("hotich").ticket
    at(8, 11)
    service.call_next(1)
    at(8, 12)
    service.complete(3, dossiers=1)
    at(8, 17)
    service.complete(1, dossiers=1)
    service.rate(a002.id, "satisfied", channel="counter_screen", counter=1)
    a003 = service.issue("hotich").ticket
    at(11, 30)
    service.sign_out(1)
    at(13, 30)
    service.sign_in(1, "minh", pin=OFFICER_PIN)
    service.call_next(1)
    at(13, 38)
    service.complete(1, dossiers=3)
    service.rate(a003.id, "dissatisfied", channel="phone", reasons=("Chờ lâu",))
    return service


def _report(service: QueueService) -> Report:
    return build_report(service.store, service.config, ONE_DAY, today=AFTER)


def test_each_officer_has_their_citizens_dossiers_and_median_service(
    staffed: QueueService,
) -> None:
    report = _report(staffed)
    rows = {o.key: (o.label, o.served, o.dossiers, o.service_p50) for o in report.officers}
    assert rows == {
        "lan": ("Nguyễn Thị Lan", 2, 3, 240),  # 4 and 6 minutes: the lower middle
        "minh": ("Trần Văn Minh", 1, 3, 480),
        "hoa": ("Lê Thị Hoa", 1, 1, 600),
    }
    assert [o.key for o in report.officers] == ["lan", "minh", "hoa"]  # the config's order
    ratings = {
        s.key: (s.served, s.rated, s.satisfied_share) for s in report.satisfaction_by["officer"]
    }
    assert ratings == {"lan": (2, 2, 1.0), "minh": (1, 1, 0.0), "hoa": (1, 0, None)}
    minh = next(s for s in report.satisfaction_by["officer"] if s.key == "minh")
    assert minh.reasons == {"Chờ lâu": 1}
    lines = report.text("vi").splitlines()
    at = lines.index("Theo cán bộ:")
    assert lines[at + 1].split()[:5] == ["Nguyễn", "Thị", "Lan", "2", "lượt,"]
    assert "Đánh giá theo cán bộ:" in lines


def test_the_pdf_xlsx_and_window_show_the_officers(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, staffed: QueueService, tmp_path: Path
) -> None:
    report = _report(staffed)
    titles = [p.title for p in report_pdf.report_pages(report, "vi")]
    assert "Theo cán bộ" in titles
    path = tmp_path / "r.xlsx"
    export(
        staffed.store, staffed.config, ExportRequest(ONE_DAY, ExportFormat.XLSX, path), today=AFTER
    )
    rows = list(openpyxl.load_workbook(path)["Tổng hợp"].iter_rows(values_only=True))
    at = rows.index(next(r for r in rows if r[0] == "Theo cán bộ"))
    assert rows[at + 1][0] == "Cán bộ"
    assert [(r[0], r[2], r[3]) for r in rows[at + 2 : at + 5]] == [
        ("Nguyễn Thị Lan", 2, 3),
        ("Trần Văn Minh", 1, 3),
        ("Lê Thị Hoa", 1, 1),
    ]
    window = ManagerWindow(staffed)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.setFixedSize(1280, 800)
    window.show()
    tab = window.officers_tab
    assert not window.tabs.isTabVisible(tab)
    window.set_range(DAY1, DAY1)
    with qtbot.waitSignal(window.report_shown, timeout=20_000):
        window.show_button.click()
    assert window.tabs.isTabVisible(tab) and window.tabs.tabText(tab) == "Theo cán bộ"
    table = window.tables["officers"]
    assert table.horizontalHeaderItem(0).text() == "Cán bộ"
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == [
        "Nguyễn Thị Lan",
        "Trần Văn Minh",
        "Lê Thị Hoa",
    ]


def test_without_officers_no_officer_table_anywhere(scripted: QueueService) -> None:
    report = build_report(scripted.store, scripted.config, ONE_DAY, today=AFTER)
    assert report.officers == () and report.satisfaction_by.get("officer", ()) == ()
    assert "Theo cán bộ" not in [p.title for p in report_pdf.report_pages(report, "vi")]
    assert "Theo cán bộ:" not in report.text("vi")
