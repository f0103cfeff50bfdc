"""Satisfaction by day, field and counter in every output: terminal, --json, PDF, XLSX, charts.

Eleven citizens over two days are served one by one at known counters and rate known levels;
every figure below is counted by hand from `SERVED`.
"""

from __future__ import annotations

import zipfile
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtGui import QColor, QImage

from kiosk.core.clock import ManualClock
from kiosk.core.queue import QueueService
from kiosk.core.ratings import FACE_COLOURS
from kiosk.reports import charts, report_pdf
from kiosk.reports.export import ExportFormat, ExportRequest, export
from kiosk.reports.history import HistoryFilter
from kiosk.reports.report import Report, build_report
from tests.support import local

DAY1, DAY2, AFTER = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)
V, S, N, D = "very_satisfied", "satisfied", "neutral", "dissatisfied"
#: (day, field, counter, rating or None, reasons): served in this order.
SERVED = [
    (DAY1, "hotich", 1, V, ()),
    (DAY1, "hotich", 1, V, ()),
    (DAY1, "hotich", 1, S, ()),
    (DAY1, "hotich", 2, D, ("Chờ lâu",)),
    (DAY1, "chungthuc", 2, N, ("Chờ lâu", "Khác")),
    (DAY1, "chungthuc", 2, None, ()),
    (DAY2, "chungthuc", 3, S, ()),
    (DAY2, "chungthuc", 3, S, ()),
    (DAY2, "hotich", 2, D, ("Thái độ phục vụ",)),
    (DAY2, "hotich", 1, None, ()),
    (DAY2, "hotich", 1, V, ()),
]


@pytest.fixture
def rated(service: QueueService, clock: ManualClock) -> QueueService:
    minute = {DAY1: 0, DAY2: 0}
    for day, field, counter, level, reasons in SERVED:
        minute[day] += 3
        at = minute[day]
        clock.set(local(day.year, day.month, day.day, 8, at))
        ticket = service.issue(field).ticket
        assert service.call_next(counter).code == ticket.code
        clock.set(local(day.year, day.month, day.day, 8, at + 1))
        service.complete(counter)
        if level is not None:
            clock.set(local(day.year, day.month, day.day, 8, at + 2))
            service.rate(
                ticket.id, level, channel="counter_screen", reasons=reasons, counter=counter
            )
    return service


def _report(service: QueueService) -> Report:
    return build_report(service.store, service.config, HistoryFilter(DAY1, DAY2), today=AFTER)


def test_ratings_are_counted_per_day_field_and_counter(rated: QueueService) -> None:
    by = _report(rated).satisfaction_by
    days = {s.key: (s.served, s.rated, s.levels[V], s.levels[D]) for s in by["day"]}
    assert days == {"2026-11-23": (6, 5, 2, 1), "2026-11-24": (5, 4, 1, 1)}
    fields = {s.key: (s.served, s.rated, s.satisfied_share) for s in by["field"]}
    assert fields == {"hotich": (7, 6, 4 / 6), "chungthuc": (4, 3, 2 / 3)}
    counters = {s.key: (s.served, s.rated) for s in by["counter"]}
    assert counters == {"1": (5, 4), "2": (4, 3), "3": (2, 2)}
    two = next(s for s in by["counter"] if s.key == "2")
    assert two.reasons == {"Chờ lâu": 2, "Khác": 1, "Thái độ phục vụ": 1}
    assert list(two.reasons_in("en")) == ["Long wait", "Other", "Staff attitude"]
    assert [s.label for s in by["field"]] == ["Hộ tịch", "Chứng thực"]


def test_the_terminal_report_lists_satisfaction_per_field_and_counter(
    rated: QueueService,
) -> None:
    text = _report(rated).text("vi")
    lines = text.splitlines()
    at = lines.index("Đánh giá theo lĩnh vực:")
    assert lines[at + 1].split() == [
        "Hộ",
        "tịch",
        "6/7",
        "đánh",
        "giá,",
        "hài",
        "lòng",
        "trở",
        "lên",
        "67%",
    ]
    assert "Đánh giá theo quầy:" in lines
    assert "Đánh giá theo ngày:" in lines
    en = _report(rated).text("en")
    assert "  Counter 3  2 of 2 rated, satisfied or better 100%" in en.splitlines()


def test_the_pdf_has_a_satisfaction_page_with_its_chart(
    rated: QueueService, tmp_path: Path
) -> None:
    report = _report(rated)
    titles = [p.title for p in report_pdf.report_pages(report, "vi")]
    assert "satisfaction.png" in titles
    # The groups, the days and the reasons, one table below the other, fit on one page.
    assert titles[-1] == "Mức độ hài lòng của người dân"
    assert report_pdf.write_pdf(report, tmp_path / "r.pdf") == len(titles)
    assert [p.name for p in charts.write_charts(report, tmp_path)][-1] == "satisfaction.png"


def _share_of(image: QImage, colour: str) -> int:
    """Pixels of exactly `colour` in the image."""
    want = QColor(colour).rgb()
    return sum(
        1 for y in range(image.height()) for x in range(image.width()) if image.pixel(x, y) == want
    )


def test_the_chart_draws_each_level_in_proportion(rated: QueueService) -> None:
    """Bars of 100 %: over the eight rows (range, two fields, three counters... ) each level's
    area follows its share of the ratings in every row, so the totals compare."""
    report = _report(rated)
    image = charts.render_chart(report, "satisfaction.png", "vi", dpi=72)
    areas = [_share_of(image, c) for c in FACE_COLOURS]
    rows = charts.satisfaction_chart_rows(report)
    expected = [sum(s.levels[lv] / s.rated for s in rows) for lv in (V, S, N, D)]
    ratio = areas[0] / expected[0]
    for area, share in zip(areas[1:], expected[1:], strict=True):
        # The legend swatches and segment borders add a few pixels of each colour.
        assert area == pytest.approx(share * ratio, rel=0.08)


def test_no_ratings_no_satisfaction_chart_or_page(scripted_unrated: Report) -> None:
    assert charts.report_charts(scripted_unrated) == charts.CHARTS
    titles = [p.title for p in report_pdf.report_pages(scripted_unrated, "vi")]
    assert "Mức độ hài lòng của người dân" not in titles


@pytest.fixture
def scripted_unrated(service: QueueService, clock: ManualClock) -> Report:
    clock.set(local(2026, 11, 23, 8, 0))
    service.issue("hotich")
    service.call_next(1)
    service.complete(1)
    return _report(service)


def test_the_xlsx_summary_has_the_table_and_a_stacked_chart(
    rated: QueueService, tmp_path: Path
) -> None:
    path = tmp_path / "r.xlsx"
    request = ExportRequest(HistoryFilter(DAY1, DAY2), ExportFormat.XLSX, path, lang="en")
    export(rated.store, rated.config, request, today=AFTER)
    rows = list(openpyxl.load_workbook(path)["Summary"].iter_rows(values_only=True))
    at = rows.index(next(r for r in rows if r[0] == "Group"))
    assert rows[at][:9] == (
        "Group",
        "Served",
        "Ratings",
        "Share\nrated",
        "Satisfied\nor better",
        "Very satisfied",
        "Satisfied",
        "Neutral",
        "Dissatisfied",
    )
    table = [r[:9] for r in rows[at + 1 : at + 7]]
    assert table[0] == ("Total", 11, 9, 9 / 11, 6 / 9, 3, 3, 1, 2)
    assert [r[0] for r in table] == [
        "Total",
        "Civil status",
        "Certification",
        "Counter 1",
        "Counter 2",
        "Counter 3",
    ]
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/"))
    assert '<c:grouping val="percentStacked"/>' in xml
    assert all(c.lstrip("#").upper() in xml for c in FACE_COLOURS)


def test_a_long_month_of_ratings_continues_over_pages(
    service: QueueService, clock: ManualClock, tmp_path: Path
) -> None:
    first = date(2026, 9, 1)
    weekdays = [first + timedelta(days=n) for n in range(70)]
    days = [d for d in weekdays if d.weekday() < 5][:45]
    for n, day in enumerate(days):
        clock.set(local(day.year, day.month, day.day, 9, 0))
        ticket = service.issue("hotich").ticket
        service.call_next(1)
        service.complete(1)
        service.rate(ticket.id, [V, S, N, D][n % 4], channel="phone")
    report = build_report(
        service.store, service.config, HistoryFilter(first, days[-1]), today=AFTER
    )
    titles = [p.title for p in report_pdf.report_pages(report, "en")]
    assert titles[-2:] == ["Citizen satisfaction (1/2)", "Citizen satisfaction (2/2)"]
    assert report_pdf.write_pdf(report, tmp_path / "r.pdf", "en") == len(titles)
    for number in (len(titles) - 1, len(titles)):
        page = report_pdf.render_page(report, number, "en", dpi=30)
        assert not page.isNull()
