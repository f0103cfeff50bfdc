"""The city report as a workbook: one sheet per table, real numbers (minutes as numbers,
shares in percent format, periods as dates), like `kiosk export`'s summary (kiosk/reports/
export.py, whose workbook and formats it uses).

Sheets: the whole city (key figures and the period before), every point, the ranking by
waits, the ranking by satisfaction (when rated), and the trend with a chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xlsxwriter.worksheet import Worksheet

from kiosk.city import texts as C
from kiosk.city.report import (
    MINUTE_COLUMNS,
    POINT_COLUMNS,
    SHARE_COLUMNS,
    CityReport,
    Figures,
    figure_label,
    point_values,
)
from kiosk.core.files import write_atomic_with
from kiosk.reports import texts as T
from kiosk.reports.export import XlsxBook, write_figures, write_previous
from kiosk.reports.report import rounded_minutes


def _header(book: XlsxBook, ws: Worksheet, row: int, titles: Sequence[str]) -> int:
    ws.set_row(row, 32)
    ws.write_row(row, 0, [t.replace("\n", " ") for t in titles], book.f_head)
    ws.freeze_panes(row + 1, 0)
    return row + 1


def _cells(book: XlsxBook, ws: Worksheet, row: int, values: Sequence[Any], formats: Any) -> None:
    """One row of values (None left empty), each with `formats[column]` (None: plain)."""
    for col, v in enumerate(values):
        if v is not None:
            ws.write(row, col, v, formats.get(col))


def _city_sheet(book: XlsxBook, report: CityReport, made_at: str) -> None:
    ws, lang = book.summary, book.lang
    ws.set_column(0, 0, 40)
    ws.set_column(1, 3, 14)
    ws.write_string(0, 0, C.TITLE.get(lang), book.f_title)
    ws.write_string(1, 0, report.subtitle(lang), book.f_sub)
    made = C.MADE.get(lang, at=made_at) if made_at else ""
    ws.write_string(2, 0, " · ".join(filter(None, (made, report.target_words(lang)))), book.f_sub)
    t = report.total
    figures: list[tuple[str, Any, Any]] = [
        (C.POINTS.get(lang), len(report.points), None),
        (T.CITIZENS.get(lang), t.tickets, None),
        (T.DOSSIERS.get(lang), t.dossiers, None),
        (T.SERVED.get(lang), t.served, None),
        (T.NO_SHOWS.get(lang), t.no_shows, None),
        (T.EXPIRED.get(lang), t.expired, None),
        (T.MEDIAN_WAIT_MIN.get(lang), rounded_minutes(t.wait_p50), book.f_min),
        (T.WAIT_P90_MIN.get(lang), rounded_minutes(t.wait_p90), book.f_min),
        (T.OVER_TARGET.get(lang), t.over_target_share, book.f_pct),
    ]
    if t.rated:
        figures += [
            (T.RATINGS.get(lang), t.rated, None),
            (T.RATED_SHARE.get(lang), t.rated_share, book.f_pct),
            (T.SATISFIED_SHARE.get(lang), t.satisfied_share, book.f_pct),
        ]
    row = write_figures(ws, 4, figures)
    for line in report.extremes(lang):
        ws.write_string(row, 0, line)
        row += 1
    if report.previous is not None:
        write_previous(book, ws, row + 1, report.previous, lambda f: figure_label(f, lang))


def _points_sheet(book: XlsxBook, report: CityReport) -> None:
    lang = book.lang
    ws = book.book.add_worksheet(C.POINTS.get(lang))
    book.sheets.append(ws.get_name())
    titles = [t.get(lang) for t in POINT_COLUMNS]
    compared = report.previous is not None
    if compared:
        titles += [t.get(lang) for t in (C.BEFORE_CITIZENS, C.BEFORE_WAIT, C.BEFORE_OVER)]
    ws.set_column(0, 0, 36)
    ws.set_column(1, len(titles) - 1, 12)
    row = _header(book, ws, 0, titles)
    formats = {i: book.f_min for i in MINUTE_COLUMNS} | {i: book.f_pct for i in SHARE_COLUMNS}
    last = len(POINT_COLUMNS)
    formats |= {last + 1: book.f_min, last + 2: book.f_pct}
    for p in report.points:
        values = point_values(p, lang)
        if compared:
            before = p.before or Figures()
            values += [
                before.tickets,
                rounded_minutes(before.wait_p50),
                before.over_target_share,
            ]
        _cells(book, ws, row, values, formats)
        row += 1
    ws.autofilter(0, 0, max(row - 1, 1), len(titles) - 1)


def _ranking_sheets(book: XlsxBook, report: CityReport) -> None:
    lang = book.lang
    heads = [C.RANK.get(lang), C.POINT.get(lang)]
    sheets = [
        (
            C.WAIT_RANK_SHEET,
            [*heads, T.OVER_TARGET.get(lang), T.MEDIAN_WAIT_MIN.get(lang)],
            [
                [
                    p.wait_rank,
                    p.name(lang),
                    p.now.over_target_share,
                    rounded_minutes(p.now.wait_p50),
                ]
                for p in report.ranked()
            ],
            {2: book.f_pct, 3: book.f_min},
        ),
        (
            C.SATISFACTION_RANK_SHEET,
            [*heads, T.SATISFIED_SHARE.get(lang), T.RATINGS.get(lang), T.RATED_SHARE.get(lang)],
            [
                [
                    p.satisfaction_rank,
                    p.name(lang),
                    p.now.satisfied_share,
                    p.now.rated,
                    p.now.rated_share,
                ]
                for p in report.by_satisfaction()
            ],
            {2: book.f_pct, 4: book.f_pct},
        ),
    ]
    for name, titles, rows, formats in sheets:
        if not rows:
            continue
        ws = book.book.add_worksheet(name.get(lang))
        book.sheets.append(ws.get_name())
        ws.set_column(0, 0, 8)
        ws.set_column(1, 1, 36)
        ws.set_column(2, len(titles) - 1, 16)
        row = _header(book, ws, 0, titles)
        for values in rows:
            _cells(book, ws, row, values, formats)
            row += 1


def _trend_sheet(book: XlsxBook, report: CityReport) -> None:
    lang = book.lang
    ws = book.book.add_worksheet(C.TREND_SHEET.get(lang))
    book.sheets.append(ws.get_name())
    titles = [
        C.PERIOD_COLUMN.get(lang),
        T.CITIZENS.get(lang),
        T.DOSSIERS.get(lang),
        T.MEDIAN_WAIT_MIN.get(lang),
        T.WAIT_P90_MIN.get(lang),
        T.OVER_TARGET.get(lang),
        T.SATISFIED_SHARE.get(lang),
    ]
    ws.set_column(0, 0, 14)
    ws.set_column(1, len(titles) - 1, 14)
    row = _header(book, ws, 0, titles)
    formats = {3: book.f_min, 4: book.f_min, 5: book.f_pct, 6: book.f_pct}
    for period in report.trend:
        f = period.figures
        ws.write_datetime(row, 0, period.start, book.f_day)
        _cells(
            book,
            ws,
            row,
            [
                None,
                f.tickets,
                f.dossiers,
                rounded_minutes(f.wait_p50),
                rounded_minutes(f.wait_p90),
                f.over_target_share,
                f.satisfied_share,
            ],
            formats,
        )
        row += 1
    if row <= 1:
        return
    name = ws.get_name()
    chart = book.book.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": T.CITIZENS.get(lang),
            "categories": [name, 1, 0, row - 1, 0],
            "values": [name, 1, 1, row - 1, 1],
            "fill": {"color": "#9DB4D3"},
        }
    )
    line = book.book.add_chart({"type": "line"})
    line.add_series(
        {
            "name": T.MEDIAN_WAIT_P50.get(lang),
            "categories": [name, 1, 0, row - 1, 0],
            "values": [name, 1, 3, row - 1, 3],
            "y2_axis": True,
            "line": {"color": "#1F7A4A", "width": 2.25},
            "marker": {"type": "circle"},
        }
    )
    chart.combine(line)
    chart.set_title({"name": C.TREND_CHART.get(lang)})
    chart.set_y_axis({"name": T.CITIZENS.get(lang)})
    line.set_y2_axis({"name": T.WAIT_MINUTES.get(lang)})
    chart.set_x_axis({"date_axis": False, "num_format": "mm/yyyy"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 360})
    ws.insert_chart(1, len(titles) + 1, chart)


def write_xlsx(
    report: CityReport, path: Path, lang: str = "vi", made_at: str = ""
) -> tuple[str, ...]:
    """The workbook at `path` (all or nothing; `made_at`: when, as "05/12/2026 14:30");
    returns its sheets' names."""
    sheets: list[str] = []

    def write(tmp: Path) -> None:
        book = XlsxBook(tmp, lang, 1)
        try:
            _city_sheet(book, report, made_at)
            _points_sheet(book, report)
            _ranking_sheets(book, report)
            _trend_sheet(book, report)
        except BaseException:
            book.discard()
            raise
        book.close()
        sheets.extend(book.sheets)

    write_atomic_with(path, write)
    return tuple(sheets)
