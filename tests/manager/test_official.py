"""The report as an official document (issue #18): Vietnamese numbers and words, the period
before (▲/▼), the heading and signatures of the PDF (read back with pdftotext), and the XLSX
summary's minutes, real dates and comparison."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from kiosk.core.config import Config
from kiosk.core.store import Store
from kiosk.core.wording import number
from kiosk.reports import report_pdf
from kiosk.reports.arrivals import Profile, open_days
from kiosk.reports.comparison import Figure, Unit, previous_range
from kiosk.reports.export import ExportFormat, ExportRequest, export
from kiosk.reports.history import HistoryFilter
from kiosk.reports.official import Letterhead
from kiosk.reports.report import Report, build_report
from kiosk.reports.simulate import simulate_bulk
from tests.support import make_config

Busy = tuple[Store, Config]

#: Two weeks of a busy point: Monday 02/11/2026 to Saturday 14/11/2026 (open days).
WEEK1 = HistoryFilter(date(2026, 11, 2), date(2026, 11, 8))
WEEK2 = HistoryFilter(date(2026, 11, 9), date(2026, 11, 15))
MADE = date(2026, 12, 5)

OFFICIAL = {
    'authority = ""': 'authority = "UBND XÃ TRẦN PHÚ"',
    'place = ""': 'place = "Trần Phú"',
    'prepared_by = ""': 'prepared_by = "Nguyễn Thị Lan"',
    'head_title = "THỦ TRƯỞNG ĐƠN VỊ"': 'head_title = "Giám đốc"',
    'head_name = ""': 'head_name = "Trần Văn Minh"',
}


@pytest.fixture
def busy(store: Store, config: Config) -> Busy:
    """Twelve open days of about 200 citizens (bulk mode, seed 5): over a thousand a week."""
    days = open_days(config, WEEK1.start, 12)
    assert days[-1] == date(2026, 11, 14)
    simulate_bulk(store, config, Profile(citizens_per_day=200), days, seed=5)
    return store, config


def _report(busy: Busy, flt: HistoryFilter = WEEK2, *, compare: bool = True) -> Report:
    store, config = busy
    return build_report(store, config, flt, today=MADE, compare=compare)


def _pdftotext(path: Path, first: int, last: int | None = None, *, layout: bool = False) -> str:
    """The text of pages first..last, as poppler's pdftotext reads it (.ci installs it)."""
    args = ["pdftotext", "-f", str(first), "-l", str(last or first)]
    args += ["-layout"] if layout else []
    return subprocess.run(
        [*args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore[union-attr]


# ------------------------------------------------------------------------------ words, numbers


def test_a_vietnamese_report_writes_decimal_commas_thousand_dots_and_plain_words(
    busy: Busy,
) -> None:
    report = _report(busy, compare=False)
    t = report.total
    assert t.tickets >= 1000 and t.dossiers >= 1000
    vi = report.text("vi")
    thousands = f"{t.tickets // 1000}.{t.tickets % 1000:03d}"
    assert vi.splitlines()[1].startswith(f"{thousands} lượt công dân, ")
    p50, p90 = (f"{s / 60:.1f}".replace(".", ",") for s in (t.wait_p50, t.wait_p90))  # type: ignore[operator]
    assert f"Thời gian chờ: trung vị {p50} phút; 90% chờ dưới {p90} phút;" in vi
    assert "p50" not in vi and "p90" not in vi
    assert not re.search(r"\d\.\d phút", vi)  # no decimal point anywhere in Vietnamese
    en = report.text("en")
    assert en.splitlines()[1].startswith(f"{t.tickets:,} citizens, ")
    assert f"Wait: median {t.wait_p50 / 60:.1f} min, 90% within {t.wait_p90 / 60:.1f} min" in en  # type: ignore[operator]
    assert not re.search(r"\d,\d min", en)


# ------------------------------------------------------------------------------ the period before


def test_the_period_before_is_the_same_length_just_before() -> None:
    config = make_config()
    d = date

    def before(start: date, end: date) -> tuple[date, date]:
        flt = previous_range(HistoryFilter(start, end, "hotich", 2), config)
        assert (flt.field, flt.counter) == ("hotich", 2)  # the filters stay
        return flt.start, flt.end

    # Seven days: the seven before. A whole month, quarter or year: the months before.
    assert before(d(2026, 12, 1), d(2026, 12, 7)) == (d(2026, 11, 24), d(2026, 11, 30))
    assert before(d(2026, 11, 1), d(2026, 11, 30)) == (d(2026, 10, 1), d(2026, 10, 31))
    assert before(d(2026, 3, 1), d(2026, 3, 31)) == (d(2026, 2, 1), d(2026, 2, 28))
    assert before(d(2026, 10, 1), d(2026, 12, 31)) == (d(2026, 7, 1), d(2026, 9, 30))
    assert before(d(2027, 1, 1), d(2027, 1, 31)) == (d(2026, 12, 1), d(2026, 12, 31))
    assert before(d(2026, 1, 1), d(2026, 12, 31)) == (d(2025, 1, 1), d(2025, 12, 31))
    # One day: the point's previous open day (Saturday mornings open, Sundays closed).
    assert before(d(2026, 11, 17), d(2026, 11, 17)) == (d(2026, 11, 16), d(2026, 11, 16))
    assert before(d(2026, 11, 16), d(2026, 11, 16)) == (d(2026, 11, 14), d(2026, 11, 14))
    closed_saturday = make_config(**{'days = ["mon", "tue", "wed", "thu", "fri", "sat"]': (
        'days = ["mon", "tue", "wed", "thu", "fri"]')})  # fmt: skip
    flt = previous_range(HistoryFilter(d(2026, 11, 16), d(2026, 11, 16)), closed_saturday)
    assert (flt.start, flt.end) == (d(2026, 11, 13), d(2026, 11, 13))


def test_a_change_is_judged_only_where_its_meaning_is_plain() -> None:
    wait = Figure("wait_p50", Unit.SECONDS, 300, 270, -1)
    assert (wait.change, wait.mark, wait.judgement) == (0.5, "▲", -1)  # longer waits: worse
    assert wait.change_text("vi") == "▲ 0,5" and wait.change_text("en") == "▲ 0.5"
    citizens = Figure("citizens", Unit.COUNT, 1437, 1380, 0)
    assert (citizens.mark, citizens.judgement, citizens.change_text("vi")) == ("▲", 0, "▲ 57")
    same = Figure("over_target", Unit.SHARE, 0.321, 0.318, -1)  # both read 32%
    assert (same.change, same.mark, same.change_text("vi")) == (0, "=", "=")
    better = Figure("satisfied", Unit.SHARE, 0.82, 0.75, 1)
    assert better.change_text("vi") == "▲ 7 điểm %" and better.judgement == 1
    fewer = Figure("no_shows", Unit.COUNT, 1200, 2437, 0)
    assert fewer.change_text("vi") == "▼ 1.237" and fewer.change_text("en") == "▼ 1,237"
    unknown = Figure("wait_p90", Unit.SECONDS, 300, None, -1)
    assert (unknown.change, unknown.mark, unknown.change_text("vi")) == (None, "", "–")


def test_the_report_shows_the_week_before_computed_by_the_same_builder(busy: Busy) -> None:
    report = _report(busy)
    before = _report(busy, WEEK1, compare=False)
    previous = report.previous
    assert previous is not None and previous.has_data
    assert (previous.start, previous.end) == (WEEK1.start, WEEK1.end)
    figures = {f.key: f for f in previous.figures}
    assert list(figures) == [
        "citizens",
        "dossiers",
        "wait_p50",
        "wait_p90",
        "over_target",
        "no_shows",
        "satisfied",  # the simulator rates: the share satisfied or better too
    ]
    t, b = report.total, before.total
    assert report.satisfaction is not None and before.satisfaction is not None
    satisfied = figures["satisfied"]
    assert (satisfied.now, satisfied.before, satisfied.rise) == (
        report.satisfaction.satisfied_share,
        before.satisfaction.satisfied_share,
        1,
    )
    assert (figures["citizens"].now, figures["citizens"].before) == (t.tickets, b.tickets)
    assert (figures["wait_p90"].now, figures["wait_p90"].before) == (t.wait_p90, b.wait_p90)
    assert figures["over_target"].before == b.over_target_share
    assert figures["dossiers"].change == t.dossiers - b.dossiers
    vi = report.text("vi")
    assert "So với kỳ trước (02/11/2026–08/11/2026):" in vi
    c = figures["citizens"]
    assert (
        f"{number(t.tickets, 'vi')}  (kỳ trước {number(b.tickets, 'vi')}; {c.change_text('vi')})"
        in vi
    )
    assert "Compared with the period before (02/11/2026–08/11/2026):" in report.text("en")
    data = previous.as_json()
    assert data["start"] == "2026-11-02" and data["data"] is True
    assert data["figures"]["wait_p50"] == {
        "now": t.wait_p50, "before": b.wait_p50,
        "change": figures["wait_p50"].change, "mark": figures["wait_p50"].mark,
    }  # fmt: skip


def test_a_period_without_tickets_before_says_so(busy: Busy) -> None:
    report = _report(busy, WEEK1)
    assert report.previous is not None and not report.previous.has_data
    assert "So với kỳ trước (26/10/2026–01/11/2026): không có số liệu kỳ trước" in report.text("vi")
    assert "no data for the previous period" in report.text("en")
    assert _report(busy, compare=False).previous is None


# ------------------------------------------------------------------------------ the PDF


def test_the_vietnamese_pdf_is_an_official_document(busy: Busy, tmp_path: Path) -> None:
    config = make_config(**OFFICIAL)
    letterhead = Letterhead.of(config, MADE)
    assert letterhead is not None
    report = _report(busy)
    path = tmp_path / "r.pdf"
    pages = report_pdf.write_pdf(report, path, "vi", letterhead)
    assert _pages(path) == pages
    first = _pdftotext(path, 1, layout=True)
    lines = [line.strip() for line in first.splitlines() if line.strip()]
    # Side by side: the body above and the national name, the point and the motto.
    assert re.fullmatch(r"UBND XÃ TRẦN PHÚ\s+CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", lines[0])
    assert re.fullmatch(
        r"ĐIỂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ TRẦN PHÚ\s+Độc lập - Tự do - Hạnh phúc", lines[1]
    )
    assert lines[2] == "Trần Phú, ngày 05 tháng 12 năm 2026"
    assert lines[3] == "BÁO CÁO HOẠT ĐỘNG XẾP HÀNG VÀ PHỤC VỤ"
    assert lines[4] == "Từ ngày 09/11/2026 đến ngày 15/11/2026"
    t = report.total
    assert number(t.tickets, "vi") in first and "." in number(t.tickets, "vi")
    plain = _pdftotext(path, 1)
    assert "Chờ trung\nvị (phút)" in plain and "90% chờ\ndưới (phút)" in plain
    assert "p50" not in plain and "p90" not in plain
    comparison = _pdftotext(path, 2)
    assert "So với kỳ trước (02/11/2026–08/11/2026)" in comparison
    assert "Kỳ này" in comparison and "Kỳ trước" in comparison and "▲" in comparison + "▼"
    last = _pdftotext(path, pages, layout=True)
    signs = [line.strip() for line in last.splitlines() if "NGƯỜI LẬP" in line or "(Ký" in line]
    assert re.fullmatch(r"NGƯỜI LẬP\s+GIÁM ĐỐC", signs[0])
    assert re.fullmatch(r"\(Ký, ghi rõ họ tên\)\s+\(Ký tên, đóng dấu\)", signs[1])
    assert re.search(r"Nguyễn Thị Lan\s+Trần Văn Minh", last)
    # Below the last table, not on a page of its own.
    assert pages == len(report_pdf.report_pages(report, "vi"))
    assert not last.lstrip().startswith("NGƯỜI LẬP")


def test_the_english_pdf_has_the_same_heading_in_english(busy: Busy, tmp_path: Path) -> None:
    letterhead = Letterhead.of(make_config(**OFFICIAL), MADE)
    path = tmp_path / "r.pdf"
    pages = report_pdf.write_pdf(_report(busy), path, "en", letterhead)
    first = _pdftotext(path, 1)
    for words in (
        "SOCIALIST REPUBLIC OF VIET NAM",
        "Independence - Freedom - Happiness",
        "Trần Phú, 5 December 2026",
        "REPORT ON QUEUEING AND SERVICE",
        "From 09/11/2026 to 15/11/2026",
    ):
        assert words in first
    assert "CỘNG HÒA" not in first and "Từ ngày" not in first
    last = _pdftotext(path, pages)
    assert "PREPARED BY" in last and "HEAD OF UNIT" in last and "Trần Văn Minh" in last


def test_without_the_national_heading_the_report_stays_plain(busy: Busy, tmp_path: Path) -> None:
    config = make_config(**{"national_heading = true": "national_heading = false"})
    assert Letterhead.of(config, MADE) is None
    path = tmp_path / "r.pdf"
    pages = report_pdf.write_pdf(_report(busy), path, "vi", Letterhead.of(config, MADE))
    text = _pdftotext(path, 1, pages)
    assert "Báo cáo thời gian chờ" in text and "CỘNG HÒA" not in text
    assert "NGƯỜI LẬP" not in text


def test_a_full_last_page_puts_the_signatures_on_a_page_of_their_own() -> None:
    letterhead = Letterhead.of(make_config(**OFFICIAL), MADE)
    assert letterhead is not None

    def nothing(_p: object) -> None:
        return None

    full = report_pdf.Page("full", nothing)  # a chart: it may fill the page
    signed = report_pdf.signed_pages([full], letterhead, "vi")
    assert len(signed) == 2 and signed[0] is full
    short = report_pdf.Page("short", nothing, bottom=200.0)
    (together,) = report_pdf.signed_pages([short], letterhead, "vi")
    assert together.title == "short" and together.bottom is not None


# ------------------------------------------------------------------------------ the XLSX summary


def test_the_xlsx_summary_has_minutes_real_dates_and_the_period_before(
    busy: Busy, tmp_path: Path
) -> None:
    store, config = busy
    path = tmp_path / "t.xlsx"
    result = export(store, config, ExportRequest(WEEK2, ExportFormat.XLSX, path), today=MADE)
    report = result.report
    assert report is not None and result.sheets == ("Tổng hợp", "Dữ liệu")
    sheet = openpyxl.load_workbook(path)["Tổng hợp"]
    rows = [[c for c in row] for row in sheet.iter_rows()]
    by_label: dict[str, list[openpyxl.cell.Cell]] = {}
    for r in rows:
        if isinstance(r[0].value, str):
            by_label.setdefault(r[0].value, r)  # the key figures come first
    # Key figures: waits and service times in minutes, shown with one decimal.
    wait = by_label["Chờ trung vị (phút)"][1]
    assert wait.value == round(report.total.wait_p50 / 60, 1) and wait.number_format == "0.0"  # type: ignore[operator]
    assert by_label["Phục vụ trung vị (phút)"][1].number_format == "0.0"
    # The table per day: the first column holds real dates.
    day_heading = next(i for i, r in enumerate(rows) if r[0].value == "Theo ngày") + 1
    assert [c.value for c in rows[day_heading][:10]][7:9] == [
        "Chờ trung vị (phút)", "90% chờ dưới (phút)"
    ]  # fmt: skip
    days = [rows[day_heading + 1 + i][0] for i in range(len(report.days))]
    assert [c.value for c in days] == [datetime.fromisoformat(d.key) for d in report.days] and all(
        c.is_date and c.number_format == "dd/mm/yyyy" for c in days
    )
    minutes = rows[day_heading + 1][7]
    assert minutes.number_format == "0.0" and minutes.value == round(
        report.days[0].wait_p50 / 60, 1
    )  # type: ignore[operator]
    # The period before: this period, the one before, the change.
    assert "So với kỳ trước (02/11/2026–08/11/2026)" in by_label
    citizens = next(r for r in rows if r[0].value == "Lượt công dân" and r[2].value is not None)
    before = _report(busy, WEEK1, compare=False).total.tickets
    assert [c.value for c in citizens[:3]] == ["Lượt công dân", report.total.tickets, before]
    change = Figure("citizens", Unit.COUNT, report.total.tickets, before, 0)
    assert citizens[3].value == change.change_text("vi")
    p90 = next(r for r in rows if r[0].value == "90% chờ dưới (phút)" and r[2].value is not None)
    assert p90[1].number_format == "0.0" and p90[1].value == round(report.total.wait_p90 / 60, 1)  # type: ignore[operator]
