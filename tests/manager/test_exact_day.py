"""A scripted day with known times: every exported and reported value is computed by hand.

The script (conftest.script_two_days), Monday 23/11/2026 then Tuesday 24/11:
- A001 hotich 08:00, called 08:05 by counter 1, start 08:06, done 08:16, 2 dossiers; rated
  "dissatisfied" on the phone at 08:16:30 (reasons: Chờ lâu, Khác)
- A002 hotich 08:01, called 08:13 by counter 2, recalled 08:14, skipped 08:15 (no-show)
- B001 chungthuc priority 08:02 for procedure 2.000815, called 08:05:30 by counter 2, start
  08:07, done 08:12, 3 dossiers
- A003 hotich 08:03 for procedure 'Khai sinh, "lưu động"' (no code), called 08:17 by counter 1,
  transferred to ketqua 08:18, called 08:20 by
  counter 6, done 08:21 without "start" (service counts from that call), 1 dossier
- C001 datdai 08:30, never called: expired by the first write of Tuesday
- E001 tuphap Tue 07:45, called 07:50 by counter 3, done 07:58 without "start", 1 dossier
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from kiosk.core.clock import ManualClock
from kiosk.core.queue import QueueService
from kiosk.core.replay import mismatches, replay
from kiosk.core.texts import Text
from kiosk.reports.export import TICKET_COLUMNS, ExportFormat, ExportRequest, export
from kiosk.reports.history import History, HistoryFilter
from kiosk.reports.report import build_report
from tests.manager.conftest import AFTER, BIRTH, CERTIFIED_COPY, DAY1, DAY2
from tests.support import local

KEYS = [k for k, _, _ in TICKET_COLUMNS]
#: The catalogue names one of the two procedures; the other is shown as the ticket recorded it.
COPY_NAME = "Chứng thực bản sao từ bản chính"
T = "2026-11-23T"
Z = "+07:00"
#: Export order: day, then field code, then number.
EXPECTED = [
    ["2026-11-23", "B001", "chungthuc", "Chứng thực", 1, T + "08:02:00" + Z,
     T + "08:05:30" + Z, 2, T + "08:07:00" + Z, T + "08:12:00" + Z, 210, 300, 3, 0, 0,
     "chungthuc", "served", CERTIFIED_COPY, COPY_NAME, None, None, None, None],
    ["2026-11-23", "C001", "datdai", "Đất đai – Xây dựng", 0, T + "08:30:00" + Z,
     None, None, None, None, None, None, 0, 0, 0, "datdai", "expired", None, None, None, None, None,
     None],
    ["2026-11-23", "A001", "hotich", "Hộ tịch", 0, T + "08:00:00" + Z, T + "08:05:00" + Z,
     1, T + "08:06:00" + Z, T + "08:16:00" + Z, 300, 600, 2, 0, 0, "hotich", "served", None,
     None, "dissatisfied", "Chờ lâu; Khác", None, None],
    ["2026-11-23", "A002", "hotich", "Hộ tịch", 0, T + "08:01:00" + Z, T + "08:13:00" + Z,
     2, None, None, 720, None, 0, 1, 0, "hotich", "no_show", None, None, None, None, None,
     None],
    ["2026-11-23", "A003", "hotich", "Hộ tịch", 0, T + "08:03:00" + Z, T + "08:17:00" + Z,
     6, T + "08:20:00" + Z, T + "08:21:00" + Z, 840, 60, 1, 0, 1, "ketqua", "served", BIRTH,
     BIRTH, None, None, None, None],
    ["2026-11-24", "E001", "tuphap", "Tư pháp", 0, "2026-11-24T07:45:00" + Z,
     "2026-11-24T07:50:00" + Z, 3, "2026-11-24T07:50:00" + Z, "2026-11-24T07:58:00" + Z,
     300, 480, 1, 0, 0, "tuphap", "served", None, None, None, None, None,
     None],
]  # fmt: skip
BOTH_DAYS = HistoryFilter(DAY1, DAY2)
PROCEDURES = {
    ("chungthuc", CERTIFIED_COPY): Text(COPY_NAME, "Certified copy from the original"),
    ("hotich", "Kết hôn"): Text("Đăng ký kết hôn", "Marriage registration"),  # no ticket
}


def _export(service: QueueService, path: Path, fmt: ExportFormat, **kw: object) -> Path:
    request = ExportRequest(BOTH_DAYS, fmt, path, **kw)  # type: ignore[arg-type]
    export(service.store, service.config, request, today=AFTER, procedures=PROCEDURES)
    return path


def _as_csv(value: object) -> str:
    return "" if value is None else str(value)


@pytest.mark.parametrize("in_sql", [True, False], ids=["sqlite-formats", "python-formats"])
def test_csv_has_every_hand_computed_value(
    scripted: QueueService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_sql: bool
) -> None:
    monkeypatch.setattr(History, "format_in_sql", in_sql)
    path = _export(scripted, tmp_path / "day.csv", ExportFormat.CSV)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == KEYS
    assert rows[1:] == [[_as_csv(v) for v in row] for row in EXPECTED]


def test_jsonl_has_every_value_with_json_types(scripted: QueueService, tmp_path: Path) -> None:
    path = _export(scripted, tmp_path / "day.jsonl", ExportFormat.JSONL)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    expected = []
    for row in EXPECTED:
        item = dict(zip(KEYS, row, strict=True))
        item["priority"] = bool(item["priority"])
        expected.append(item)
    assert lines == expected


def test_xlsx_data_sheet_has_every_value_as_excel_types(
    scripted: QueueService, tmp_path: Path
) -> None:
    path = _export(scripted, tmp_path / "day.xlsx", ExportFormat.XLSX)
    book = openpyxl.load_workbook(path)
    sheet = book["Dữ liệu"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Ngày", "Số phiếu", "Mã lĩnh vực", "Lĩnh vực", "Ưu tiên")
    a003 = rows[5]
    assert a003 == (
        datetime(2026, 11, 23),
        "A003",
        "hotich",
        "Hộ tịch",
        "Không",
        datetime(2026, 11, 23, 8, 3),
        datetime(2026, 11, 23, 8, 17),
        6,
        datetime(2026, 11, 23, 8, 20),
        datetime(2026, 11, 23, 8, 21),
        840,
        60,
        1,
        0,
        1,
        "ketqua",
        "Đã phục vụ",
        BIRTH,
        BIRTH,
        None,
        None,
        None,
        None,
    )
    assert rows[0][17:] == (
        "Thủ tục đã chọn",
        "Tên thủ tục",
        "Đánh giá",
        "Lý do đánh giá",
        "Mã cán bộ",
        "Cán bộ",
    )
    assert rows[3][19:] == ("Không hài lòng", "Chờ lâu; Khác", None, None)  # A001, in words
    assert rows[1][17:] == (CERTIFIED_COPY, COPY_NAME, None, None, None, None)
    assert rows[2][17:] == (None, None, None, None, None, None)
    assert rows[1][4] == "Có"  # B001 is a priority ticket
    assert rows[2][6:12] == (None, None, None, None, None, None)  # C001 never called
    assert [r[16] for r in rows[1:]] == [
        "Đã phục vụ",
        "Hết hạn",
        "Đã phục vụ",
        "Vắng mặt",
        "Đã phục vụ",
        "Đã phục vụ",
    ]
    assert sheet["F2"].number_format == "dd/mm/yyyy hh:mm:ss"


def test_report_percentiles_and_counts_equal_the_hand_computed_ones(
    scripted: QueueService,
) -> None:
    report = build_report(
        scripted.store, scripted.config, BOTH_DAYS, today=AFTER, target_minutes=10
    )
    t = report.total
    # Waits 210 300 300 720 840 s; services 60 300 480 600 s (nearest rank).
    assert (t.tickets, t.served, t.dossiers, t.no_shows, t.expired, t.open) == (6, 4, 7, 1, 1, 0)
    assert (t.transferred, t.called) == (1, 5)
    assert (t.wait_p50, t.wait_p90, t.wait_max, t.service_p50) == (300, 840, 840, 300)
    assert t.over_target == 2 and t.over_target_share == pytest.approx(0.4)  # 720 and 840
    assert t.busiest_hour == 8
    assert report.headline() == "6 citizens, 7 dossiers"
    assert report.headline("vi") == "6 lượt công dân, 7 hồ sơ"

    monday, tuesday = report.days
    assert (monday.key, monday.tickets, monday.dossiers) == ("2026-11-23", 5, 6)
    assert (monday.wait_p50, monday.wait_p90, monday.service_p50) == (300, 840, 300)
    assert (tuesday.key, tuesday.tickets, tuesday.wait_p50, tuesday.service_p50) == (
        "2026-11-24",
        1,
        300,
        480,
    )
    assert tuesday.busiest_hour == 7

    fields = {f.key: f for f in report.fields}
    hotich = fields["hotich"]
    assert (hotich.tickets, hotich.served, hotich.no_shows, hotich.transferred) == (3, 2, 1, 1)
    assert (hotich.wait_p50, hotich.wait_p90, hotich.service_p50) == (720, 840, 60)
    assert (fields["datdai"].expired, fields["datdai"].wait_p50) == (1, None)
    assert list(fields) == ["hotich", "chungthuc", "datdai", "tuphap"]  # config order

    counters = {c.key: c for c in report.counters}
    assert sorted(counters) == ["1", "2", "3", "6"]
    two = counters["2"]
    assert (two.tickets, two.served, two.no_shows, two.wait_p50, two.wait_p90) == (
        2,
        1,
        1,
        210,
        720,
    )
    assert counters["6"].wait_p50 == 840
    assert [(h.key, h.tickets) for h in report.hours] == [("07", 1), ("08", 5)]


def test_report_counts_by_procedure_with_the_catalogue_names(scripted: QueueService) -> None:
    report = build_report(
        scripted.store, scripted.config, BOTH_DAYS, today=AFTER, procedures=PROCEDURES
    )
    rows = [(p.key, p.label, p.label_en, p.tickets, p.dossiers) for p in report.procedures]
    # Catalogue order, then procedures it does not name, then the plain tickets.
    assert rows == [
        ("chungthuc/2.000815", COPY_NAME, "Certified copy from the original", 1, 3),
        ("hotich/" + BIRTH, BIRTH, BIRTH, 1, 1),
        ("", "Không chọn thủ tục", "No procedure chosen", 4, 3),
    ]
    copy, birth, plain = report.procedures
    assert (copy.wait_p50, copy.service_p50, birth.wait_p50, birth.service_p50) == (
        210,
        300,
        840,
        60,
    )
    # The plain tickets' waits (300, 720, 300) and services (600, 480): the whole day's less
    # the procedures'.
    assert (plain.called, plain.wait_p50, plain.wait_max, plain.service_p50) == (3, 300, 720, 480)
    assert (plain.served, plain.no_shows, plain.expired) == (2, 1, 1)
    text = report.text("vi")
    assert "Theo thủ tục:" in text and COPY_NAME in text
    assert "Per procedure:" in report.text("en")
    # Without a catalogue, procedures are shown as the tickets recorded them.
    bare = build_report(scripted.store, scripted.config, BOTH_DAYS, today=AFTER)
    assert [p.label for p in bare.procedures] == [CERTIFIED_COPY, BIRTH, "Không chọn thủ tục"]
    # A range without a procedure ticket has no procedure table at all.
    tuesday = build_report(scripted.store, scripted.config, HistoryFilter(DAY2, DAY2), today=AFTER)
    assert tuesday.procedures == () and "Theo thủ tục" not in tuesday.text("vi")


def test_a_ticket_of_today_still_waiting_is_open_not_expired(
    scripted: QueueService, tmp_path: Path
) -> None:
    report = build_report(scripted.store, scripted.config, HistoryFilter(DAY1, DAY1), today=DAY1)
    # C001 was expired by Tuesday's first write: the log decides, not the viewing day.
    assert (report.total.expired, report.total.open) == (1, 0)
    scripted.issue("xahoi")  # Tuesday, still waiting
    report = build_report(scripted.store, scripted.config, HistoryFilter(DAY2, DAY2), today=DAY2)
    assert (report.total.tickets, report.total.open, report.total.expired) == (2, 1, 0)
    report = build_report(scripted.store, scripted.config, HistoryFilter(DAY2, DAY2), today=AFTER)
    assert (report.total.open, report.total.expired) == (0, 1)


def test_events_export_is_the_whole_log_in_order(scripted: QueueService, tmp_path: Path) -> None:
    path = _export(scripted, tmp_path / "events.jsonl", ExportFormat.JSONL, events=True)
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    log = scripted.events_after(0)
    assert [e["id"] for e in events] == sorted(e.id for e in log if e.business_day <= DAY2)
    expired = [e for e in events if e["kind"] == "expired"]
    assert {e["ticket_code"] for e in expired} == {"A002", "C001"}
    # Closed by Tuesday's first write, but they belong to Monday.
    assert all(e["business_day"] == "2026-11-23" for e in expired)
    assert all(e["at"] == "2026-11-24T07:45:00+07:00" for e in expired)
    skipped = next(e for e in events if e["kind"] == "skipped")
    assert skipped["data"] == {"code": "A002", "recalls": 1}
    assert mismatches(scripted.tickets(), replay(log)) == []


def test_a_ticket_held_past_midnight_is_open_until_finished_then_served_on_its_day(
    scripted: QueueService, clock: ManualClock, tmp_path: Path
) -> None:
    clock.set(local(2026, 11, 24, 16, 50))
    late = scripted.issue("datdai").ticket  # Tuesday's C001
    clock.set(local(2026, 11, 24, 16, 55))
    scripted.call_next(4)
    clock.set(local(2026, 11, 25, 0, 20))  # Wednesday: the citizen is still at counter 4
    scripted.open_counter(1)  # Wednesday's first write expires only what was left waiting

    def final_states(name: str, fmt: ExportFormat) -> dict[str, str]:
        path = tmp_path / name
        request = ExportRequest(HistoryFilter(DAY2, DAY2), fmt, path)
        export(scripted.store, scripted.config, request, today=AFTER)
        if fmt is ExportFormat.CSV:
            with path.open(encoding="utf-8-sig", newline="") as f:
                return {r["code"]: r["final_state"] for r in csv.DictReader(f)}
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return {r["code"]: r["final_state"] for r in rows}

    held = {late.code: "open", "E001": "served"}
    assert final_states("held.csv", ExportFormat.CSV) == held  # SQL twin
    assert final_states("held.jsonl", ExportFormat.JSONL) == held  # Python
    report = build_report(scripted.store, scripted.config, HistoryFilter(DAY2, DAY2), today=AFTER)
    assert (report.total.open, report.total.expired, report.total.served) == (1, 0, 1)
    scripted.complete(4, dossiers=2)
    report = build_report(scripted.store, scripted.config, HistoryFilter(DAY2, DAY2), today=AFTER)
    assert (report.total.open, report.total.served, report.total.dossiers) == (0, 2, 3)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_procedure_texts_are_quoted_alike_on_both_csv_paths(
    scripted: QueueService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, delimiter: str
) -> None:
    """SQLite quotes the procedure columns itself; the csv module does it on the other path."""
    odd = {("chungthuc", CERTIFIED_COPY): Text('Bản sao; "chứng thực",\ttab\r\nhai dòng', "x")}

    def written(name: str) -> bytes:
        request = ExportRequest(BOTH_DAYS, ExportFormat.CSV, tmp_path / name, delimiter=delimiter)
        export(scripted.store, scripted.config, request, today=AFTER, procedures=odd)
        return (tmp_path / name).read_bytes()

    in_sql = written("sql.csv")
    monkeypatch.setattr(History, "format_in_sql", False)
    assert in_sql == written("py.csv")
    with (tmp_path / "sql.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=delimiter))
    assert [r["procedure_name"] for r in rows if r["procedure"]] == [
        'Bản sao; "chứng thực",\ttab\r\nhai dòng',
        BIRTH,
    ]


def test_the_report_counts_the_ratings(scripted: QueueService, tmp_path: Path) -> None:
    """A001 was rated "dissatisfied" (long wait, other): one rating of four served."""
    report = build_report(scripted.store, scripted.config, BOTH_DAYS, today=AFTER)
    sat = report.satisfaction
    assert sat is not None
    assert (sat.served, sat.rated, sat.rated_share, sat.satisfied_share) == (4, 1, 0.25, 0.0)
    assert sat.levels == {"very_satisfied": 0, "satisfied": 0, "neutral": 0, "dissatisfied": 1}
    assert sat.reasons == {"Chờ lâu": 1, "Khác": 1}
    assert sat.counts("en")[-1] == ("Dissatisfied", 1)
    assert "Đánh giá: 1/4 lượt đã phục vụ (25%); hài lòng trở lên 0%" in report.text("vi")
    assert "Dissatisfied 1" in report.text("en")
    path = _export(scripted, tmp_path / "day.xlsx", ExportFormat.XLSX, lang="en")
    summary = list(openpyxl.load_workbook(path)["Summary"].iter_rows(values_only=True))
    figures = {r[0]: r[1] for r in summary if r and r[0]}
    assert figures["Ratings"] == 1 and figures["Dissatisfied"] == 1
    assert figures["Satisfied or better (of ratings)"] == 0
    assert figures["Reason: Long wait"] == 1 and figures["Reason: Other"] == 1
