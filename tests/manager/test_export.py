"""Exports: file formats, sheets and charts, filters, streaming, cancel and failures."""

from __future__ import annotations

import csv
import itertools
import json
import os
import stat
import threading
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from kiosk.core.config import Config
from kiosk.core.files import OutputError
from kiosk.core.ratings import RatingLevel
from kiosk.core.store import Store
from kiosk.reports.arrivals import Profile, open_days
from kiosk.reports.export import (
    EXCEL_DATA_ROWS,
    TICKET_COLUMNS,
    ExportFormat,
    ExportRequest,
    XlsxBook,
    _TicketCells,
    export,
)
from kiosk.reports.history import Cancelled, EmptyRange, History, HistoryFilter, HistoryInputError
from kiosk.reports.simulate import simulate_bulk
from tests.support import make_config

Simulated = tuple[Store, Config, list[date]]


def _run(sim: Simulated, path: Path, fmt: ExportFormat, **kw: object) -> object:
    store, config, days = sim
    flt = kw.pop("flt", None) or HistoryFilter(days[0], days[-1])
    request = ExportRequest(flt, fmt, path, **kw)  # type: ignore[arg-type]
    return export(store, config, request, today=days[-1])


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder for export files only (the test database lives in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or "tmp" in p.name)


def test_xlsx_has_summary_data_and_native_charts(simulated: Simulated, out: Path) -> None:
    path = out / "t.xlsx"
    result = _run(simulated, path, ExportFormat.XLSX)
    store, config, days = simulated
    total = History(store, config).count_tickets(HistoryFilter(days[0], days[-1]))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Tổng hợp", "Dữ liệu"]
    assert book.active.title == "Tổng hợp"
    data = book["Dữ liệu"]
    assert [c.value for c in data[1]] == [vi for _, vi, _ in TICKET_COLUMNS]
    assert data.max_row == total + 1 == result.rows + 1  # type: ignore[attr-defined]
    assert data.freeze_panes == "A2"
    names = {row[3] for row in data.iter_rows(min_row=2, values_only=True)}
    assert "Lao động – Người có công – Xã hội" in names
    summary = book["Tổng hợp"]
    assert summary["A1"].value == "Báo cáo thời gian chờ"
    assert summary["A5"].value == "Lượt công dân" and summary["B5"].value == total
    labels = [c.value for c in summary["A"] if c.value]
    for title in ("Theo lĩnh vực", "Theo giờ lấy số", "Theo quầy", "Theo ngày"):
        assert title in labels
    assert "Hộ tịch" in labels
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 3  # waits by hour and by field; satisfaction (rated)
        xml = z.read(charts[0]).decode() + z.read(charts[1]).decode()
    assert "Thời gian chờ theo giờ lấy số" in xml and "Thời gian chờ theo lĩnh vực" in xml
    assert "'Tổng hợp'!" in xml  # the series read the summary sheet's tables
    assert _leftovers(out) == []


def test_xlsx_in_english(simulated: Simulated, out: Path) -> None:
    path = out / "t.xlsx"
    _run(simulated, path, ExportFormat.XLSX, lang="en")
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["Summary", "Data"]
    first = next(book["Data"].iter_rows(max_row=1, values_only=True))
    assert first[:4] == ("Day", "Ticket", "Field code", "Field")


def test_data_splits_across_sheets_past_the_row_limit(simulated: Simulated, out: Path) -> None:
    assert EXCEL_DATA_ROWS == 1_048_575  # Excel's 1,048,576 rows less the header
    path = out / "t.xlsx"
    result = _run(simulated, path, ExportFormat.XLSX, rows_per_sheet=200)
    rows = result.rows  # type: ignore[attr-defined]
    sheets = -(-rows // 200)
    data = ("Dữ liệu", *(f"Dữ liệu ({i})" for i in range(2, sheets + 1)))
    assert result.sheets == ("Tổng hợp", *data) and result.data_sheets == data  # type: ignore[attr-defined]
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == list(result.sheets)  # type: ignore[attr-defined]
    codes = []
    for name in data:
        sheet = list(book[name].iter_rows(values_only=True))
        assert sheet[0][1] == "Số phiếu"
        assert len(sheet) - 1 == (200 if name != data[-1] else rows - 200 * (sheets - 1))
        codes += [(r[0], r[2], r[1]) for r in sheet[1:]]
    assert len(codes) == rows == len(set(codes))


def test_streamed_rows_equal_xlsxwriters_own_cells(simulated: Simulated, out: Path) -> None:
    """The hand-written row XML gives exactly the cells XlsxWriter's write_* calls give."""
    store, config, days = simulated
    history = History(store, config, today=days[-1])
    flt = HistoryFilter(days[0], days[0])
    rows = [r for batch in history.ticket_rows(flt, excel=True) for r in batch]
    fast = out / "fast.xlsx"
    book = XlsxBook(fast, "vi", EXCEL_DATA_ROWS)
    cells = _TicketCells(config, days[-1], "vi", book)
    headers = [vi for _, vi, _ in TICKET_COLUMNS]
    book.append(rows, cells, "Dữ liệu", headers, [10] * len(headers))
    book.close()

    slow = out / "slow.xlsx"
    wb = xlsxwriter.Workbook(str(slow), {"constant_memory": True})
    ws = wb.add_worksheet("Dữ liệu")
    day_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    time_fmt = wb.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
    ws.write_row(0, 0, headers)
    from kiosk.reports.history import OUTCOME_VI, join_reasons, outcome_of

    names = {f.code: f.name for f in config.fields}
    levels = dict(zip([lv.value for lv in RatingLevel], config.ratings.labels, strict=True))
    assert any(r.rating for r in rows) and any(r.rating_reasons for r in rows)
    for i, r in enumerate(rows, 1):
        ws.write_number(i, 0, r.x_day, day_fmt)
        ws.write_string(i, 1, r.code)
        ws.write_string(i, 2, r.field)
        ws.write_string(i, 3, names[r.field])
        ws.write_string(i, 4, "Có" if r.priority else "Không")
        for col, time_value in ((5, r.x_issued), (6, r.x_called), (8, r.x_serving)):
            if time_value is not None:
                ws.write_number(i, col, time_value, time_fmt)
        if r.x_completed is not None:
            ws.write_number(i, 9, r.x_completed, time_fmt)
        for col, number in ((7, r.counter), (10, r.wait), (11, r.service)):
            if number is not None:
                ws.write_number(i, col, number)
        for col, count in ((12, r.dossiers), (13, r.recalls), (14, r.transfers)):
            ws.write_number(i, col, count)
        ws.write_string(i, 15, r.final_field)
        ws.write_string(i, 16, OUTCOME_VI[outcome_of(r.state, r.day, days[-1].isoformat())])
        if r.rating is not None:  # the simulated citizens rate: the level in the config's words
            ws.write_string(i, 19, levels[r.rating])
            why = join_reasons(r.rating_reasons)
            if why:
                ws.write_string(i, 20, why)
    wb.close()

    def cells_of(path: Path) -> list[list[tuple[object, str]]]:
        sheet = openpyxl.load_workbook(path)["Dữ liệu"]
        return [[(c.value, c.number_format) for c in row] for row in sheet.iter_rows()]

    assert cells_of(fast) == cells_of(slow)


def test_csv_is_excel_friendly_utf8_with_bom_and_crlf(simulated: Simulated, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    _run(simulated, path, ExportFormat.CSV)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfday,code,field,field_name,")
    assert raw.count(b"\r\n") == raw.count(b"\n")  # every line ends with CRLF
    assert "Lao động – Người có công – Xã hội".encode() in raw
    mode = stat.S_IMODE(path.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask  # a normal file, not a private temporary one


def test_csv_from_sqlite_equals_csv_from_python_byte_for_byte(
    simulated: Simulated, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(simulated, out / "sql.csv", ExportFormat.CSV, delimiter=";")
    monkeypatch.setattr(History, "format_in_sql", False)
    _run(simulated, out / "py.csv", ExportFormat.CSV, delimiter=";")
    assert (out / "sql.csv").read_bytes() == (out / "py.csv").read_bytes()


def test_quoted_field_names_survive_both_csv_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: Store
) -> None:
    config = make_config(**{'name = "Tư pháp"': 'name = "Tư pháp, \\"chứng thực\\"; hộ tịch"'})
    days = open_days(config, date(2026, 11, 2), 2)
    simulate_bulk(store, config, Profile(citizens_per_day=60), days, seed=5)
    sim = (store, config, days)
    _run(sim, tmp_path / "sql.csv", ExportFormat.CSV)
    monkeypatch.setattr(History, "format_in_sql", False)
    _run(sim, tmp_path / "py.csv", ExportFormat.CSV)
    assert (tmp_path / "sql.csv").read_bytes() == (tmp_path / "py.csv").read_bytes()
    with (tmp_path / "sql.csv").open(encoding="utf-8-sig", newline="") as f:
        names = {row["field_name"] for row in csv.DictReader(f)}
    assert 'Tư pháp, "chứng thực"; hộ tịch' in names


def test_csv_and_xlsx_agree_on_every_ticket(simulated: Simulated, out: Path) -> None:
    """SQL (CSV) and Python (XLSX) work out final states and durations the same way."""
    _run(simulated, out / "t.csv", ExportFormat.CSV)
    _run(simulated, out / "t.xlsx", ExportFormat.XLSX, lang="en")
    with (out / "t.csv").open(encoding="utf-8-sig", newline="") as f:
        from_csv = [
            (r["code"], r["wait_seconds"], r["service_seconds"], r["final_state"])
            for r in csv.DictReader(f)
        ]
    labels = {"Served": "served", "No-show": "no_show", "Expired": "expired", "In progress": "open"}
    sheet = openpyxl.load_workbook(out / "t.xlsx", read_only=True)["Data"]
    from_xlsx = [
        (r[1], "" if r[10] is None else str(r[10]), "" if r[11] is None else str(r[11]),
         labels[r[16]])
        for r in sheet.iter_rows(min_row=2, values_only=True)
    ]  # fmt: skip
    assert from_csv == from_xlsx
    assert {s for *_, s in from_csv} >= {"served", "no_show"}


def test_jsonl_one_object_per_ticket(simulated: Simulated, out: Path) -> None:
    path = out / "t.jsonl"
    result = _run(simulated, path, ExportFormat.JSONL)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == result.rows  # type: ignore[attr-defined]
    first = json.loads(lines[0])
    assert list(first) == [k for k, _, _ in TICKET_COLUMNS]
    assert isinstance(first["priority"], bool)
    assert first["issued_at"].endswith("+07:00")


def test_events_export_in_every_format(simulated: Simulated, out: Path) -> None:
    store, config, days = simulated
    flt = HistoryFilter(days[0], days[0])
    count = History(store, config).count_events(flt)
    r = _run(simulated, out / "e.csv", ExportFormat.CSV, events=True, flt=flt)
    assert r.rows == count  # type: ignore[attr-defined]
    with (out / "e.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["kind"] == "issued" and json.loads(rows[0]["data"]) == {"priority": False}
    _run(simulated, out / "e.xlsx", ExportFormat.XLSX, events=True, flt=flt)
    book = openpyxl.load_workbook(out / "e.xlsx", read_only=True)
    assert book.sheetnames == ["Tổng hợp", "Sự kiện"]
    events = list(book["Sự kiện"].iter_rows(values_only=True))
    assert len(events) == count + 1 and events[0][3] == "Loại"
    kinds = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(min_row=5, values_only=True)}
    assert sum(kinds.values()) == count and kinds["issued"] > 0


def test_field_and_counter_filters(simulated: Simulated, out: Path) -> None:
    _run(simulated, out / "all.csv", ExportFormat.CSV)
    with (out / "all.csv").open(encoding="utf-8-sig", newline="") as f:
        no_show = next(r for r in csv.DictReader(f) if r["final_state"] == "no_show")
    _run(
        simulated,
        out / "f.csv",
        ExportFormat.CSV,
        flt=HistoryFilter(simulated[2][0], simulated[2][-1], field="ketqua"),
    )
    with (out / "f.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and {r["field"] for r in rows} == {"ketqua"}
    _run(
        simulated,
        out / "c.csv",
        ExportFormat.CSV,
        flt=HistoryFilter(simulated[2][0], simulated[2][-1], counter=int(no_show["counter"])),
    )
    with (out / "c.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and {r["counter"] for r in rows} == {no_show["counter"]}
    # No-shows keep the counter that called them (found in the log).
    assert any(r["final_state"] == "no_show" for r in rows)


def test_progress_reaches_the_end_and_memory_is_batched(simulated: Simulated, out: Path) -> None:
    store, config, days = simulated
    seen: list[tuple[int, int]] = []
    request = ExportRequest(HistoryFilter(days[0], days[-1]), ExportFormat.XLSX, out / "t.xlsx")
    result = export(
        store, config, request, progress=lambda d, t: seen.append((d, t)), batch_size=50
    )
    assert len(seen) > result.rows // 50  # one report per batch of 50
    assert seen[-1][0] == seen[-1][1]
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(seen))


def test_cancel_between_batches_leaves_no_file(simulated: Simulated, out: Path) -> None:
    store, config, days = simulated
    cancel = threading.Event()
    for fmt in ExportFormat:
        cancel.clear()
        path = out / f"t.{fmt.value}"
        request = ExportRequest(HistoryFilter(days[0], days[-1]), fmt, path)
        with pytest.raises(Cancelled):
            export(
                store,
                config,
                request,
                progress=lambda d, t: cancel.set(),
                cancel=cancel,
                batch_size=20,
            )
        assert not path.exists()
    assert list(out.iterdir()) == []


def test_existing_file_is_kept_when_an_export_fails(simulated: Simulated, out: Path) -> None:
    path = out / "t.csv"
    path.write_text("old", encoding="utf-8")
    store, config, days = simulated
    cancel = threading.Event()
    cancel.set()
    request = ExportRequest(HistoryFilter(days[0], days[-1]), ExportFormat.CSV, path)
    with pytest.raises(Cancelled):
        export(store, config, request, cancel=cancel)
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in out.iterdir()) == ["t.csv"]


NOV2, NOV6 = date(2026, 11, 2), date(2026, 11, 6)


@pytest.mark.parametrize(
    ("flt", "error", "words"),
    [
        (HistoryFilter(NOV6, NOV2), HistoryInputError, "swap"),
        (HistoryFilter(NOV2, NOV6, field="hotic"), HistoryInputError, 'Did you mean "hotich"'),
        (HistoryFilter(NOV2, NOV6, counter=9), HistoryInputError, "No counter 9"),
        (HistoryFilter(date(2020, 1, 1), date(2020, 1, 2)), EmptyRange, "No tickets"),
    ],
)
def test_bad_requests_are_refused_before_any_file_exists(
    simulated: Simulated, out: Path, flt: HistoryFilter, error: type, words: str
) -> None:
    with pytest.raises(error) as info:
        _run(simulated, out / "t.csv", ExportFormat.CSV, flt=flt)
    assert words in info.value.message_en
    assert list(out.iterdir()) == []


def test_unwritable_targets_are_refused(simulated: Simulated, out: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        _run(simulated, out / "missing" / "t.csv", ExportFormat.CSV)
    with pytest.raises(OutputError, match="is a folder"):
        _run(simulated, out, ExportFormat.CSV)
    locked = out / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if not os.access(locked, os.W_OK):
            with pytest.raises(OutputError, match="permission denied"):
                _run(simulated, locked / "t.csv", ExportFormat.CSV)
        else:  # root writes anywhere, except where the system refuses: /proc
            with pytest.raises(OutputError, match="Cannot write /proc/"):
                _run(simulated, Path("/proc/kiosk-export.csv"), ExportFormat.CSV)
    finally:
        locked.chmod(0o700)


def test_times_follow_daylight_saving_in_other_zones(store: Store, tmp_path: Path) -> None:
    """A zone with daylight saving is formatted by Python, with the offset of each moment."""
    config = make_config(
        **{
            'timezone = "Asia/Ho_Chi_Minh"': 'timezone = "Europe/Berlin"',
            'days = ["mon", "tue", "wed", "thu", "fri", "sat"]': (
                'days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]'
            ),
        }
    )
    days = open_days(config, date(2026, 10, 24), 3)  # summer time ends on Sunday 25/10
    simulate_bulk(store, config, Profile(citizens_per_day=30), days, seed=2)
    sim = (store, config, days)
    _run(sim, tmp_path / "t.jsonl", ExportFormat.JSONL)
    offsets = {}
    for line in (tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        offsets.setdefault(row["day"], set()).add(row["issued_at"][-6:])
    assert offsets == {"2026-10-24": {"+02:00"}, "2026-10-25": {"+01:00"}, "2026-10-26": {"+01:00"}}


def test_events_export_names_the_officer_of_each_counter_event(tmp_path: Path, out: Path) -> None:
    from kiosk.core.clock import ManualClock
    from kiosk.core.queue import QueueService
    from tests.support import local, officers_config

    config = officers_config()
    store = Store.open(f"sqlite:///{tmp_path / 'k.db'}")
    svc = QueueService(store, config, ManualClock(local(2026, 12, 2, 8, 0)))
    svc.open_counter(1)
    svc.sign_in(1, "lan")
    svc.issue("hotich")
    svc.call_next(1)
    svc.complete(1)
    sim: Simulated = (store, config, [date(2026, 12, 2)])
    _run(sim, out / "e.csv", ExportFormat.CSV, events=True)
    with (out / "e.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    by_kind = {r["kind"]: r["officer"] for r in rows}
    assert by_kind["issued"] == "" and by_kind["called"] == by_kind["completed"] == "lan"
    assert by_kind["signed_in"] == "lan"
    _run(sim, out / "e.xlsx", ExportFormat.XLSX, events=True)
    sheet = list(openpyxl.load_workbook(out / "e.xlsx", read_only=True)["Sự kiện"].values)
    column = sheet[0].index("Cán bộ")
    assert {r[3]: r[column] for r in sheet[1:]}["completed"] == "lan"
