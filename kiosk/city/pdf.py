"""The city report as a PDF (A4 landscape, like the point's report: kiosk/reports/report_pdf.py)
and its trend chart as a PNG.

Page 1: the title (or the official document's heading, kiosk/reports/official.py), the
city's key figures, the best and worst points, and the trend chart (citizens and the median
wait per month, week or day). Then the rankings (the ten best and ten worst by waits and by
satisfaction) and the whole city beside the period before, then the table of every point in
wait-rank order, flowing over as many pages as it needs (156 points: six pages), and the
signatures after it when the document is official.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPainter

from kiosk.city import texts as C
from kiosk.city.report import (
    MINUTE_COLUMNS,
    POINT_COLUMNS,
    SERVED_COLUMN,
    SHARE_COLUMNS,
    TARGET_COLUMN,
    CityReport,
    PointRow,
    figure_label,
    point_values,
)
from kiosk.core.wording import minutes, number, plain, share
from kiosk.reports import texts as T
from kiosk.reports.charts import chart_counts_and_minutes
from kiosk.reports.official import Letterhead
from kiosk.reports.official_pdf import draw_heading
from kiosk.reports.painting import (
    CHART_DPI,
    CHART_SIZE,
    PALETTE,
    cell_text,
    draw_line_text,
    font_family,
    make_font,
    paint_image,
    save_png,
)
from kiosk.reports.report_pdf import (
    CONTENT,
    Page,
    Table,
    draw_cards,
    page_title,
    render_pages_page,
    signed_pages,
    table_pages_of,
    write_pages,
)

#: Points shown at each end of a ranking (the full order is the points' table).
RANKED_SHOWN = 10
#: Least room (points) the trend chart needs below the summary; else it gets a page.
CHART_ROOM = 170.0


def _cards(report: CityReport, lang: str) -> list[tuple[str, str]]:
    t = report.total
    cards = [
        (number(len(report.points), lang), C.POINTS.get(lang).lower()),
        (number(t.tickets, lang), T.CARD_CITIZENS.get(lang)),
        (number(t.dossiers, lang), T.DOSSIERS_UNIT.get(lang)),
        (number(t.served, lang), T.CARD_SERVED.get(lang)),
        (minutes(t.wait_p50, lang), T.CARD_WAIT_P50.get(lang)),
        (minutes(t.wait_p90, lang), T.CARD_WAIT_P90.get(lang)),
        (share(t.over_target_share, lang), T.OVER_TARGET.get(lang).lower()),
    ]
    if t.rated:
        cards.append((share(t.satisfied_share, lang), T.SATISFIED_SHARE.get(lang)))
    return cards


def draw_trend(p: QPainter, area: QRectF, report: CityReport, lang: str) -> None:
    """The whole city per period: citizens (bars) and the median wait (a line)."""
    unit = report.trend_unit
    chart_counts_and_minutes(
        p,
        area,
        f"{C.TREND_CHART.get(lang)} – {C.PERIOD_UNIT[unit].get(lang).lower()}",
        None,
        [t.label(unit, lang) for t in report.trend],
        [t.figures.tickets for t in report.trend],
        [None if t.figures.wait_p50 is None else t.figures.wait_p50 / 60 for t in report.trend],
        lang,
        counts_name=T.CITIZENS.get(lang),
        minutes_name=T.MEDIAN_WAIT_P50.get(lang),
    )


def _summary_pages(report: CityReport, lang: str, letterhead: Letterhead | None) -> list[Page]:
    """Page 1: heading, key figures, best and worst, the trend chart (on a page of its own
    when the heading leaves too little room)."""

    def head(p: QPainter | None) -> float:
        x, w = CONTENT.left(), CONTENT.width()
        if letterhead is not None:
            y = draw_heading(p, letterhead, report.filter, lang, CONTENT, C.DOCUMENT_TITLE) - 4
        else:
            y = draw_line_text(
                p, x, CONTENT.top(), w, C.TITLE.get(lang), make_font(22, bold=True), PALETTE.header
            )
            y = draw_line_text(p, x, y, w, report.subtitle(lang), make_font(11), PALETTE.muted)
        y = draw_cards(p, y + 14, _cards(report, lang)) + 10
        lines = [
            C.CITY_WAITS.get(
                lang,
                p50=minutes(report.total.wait_p50, lang),
                p90=minutes(report.total.wait_p90, lang),
                share=share(report.total.over_target_share, lang),
                target=report.target_words(lang),
            ),
            *report.extremes(lang),
        ]
        for line in lines:
            y = draw_line_text(p, x, y, w, line, make_font(10), PALETTE.text) + 2
        return y + 12

    below = head(None)
    fits = CONTENT.bottom() - below >= CHART_ROOM

    def first(p: QPainter) -> None:
        y = head(p)
        if fits:
            draw_trend(
                p, QRectF(CONTENT.left(), y, CONTENT.width(), CONTENT.bottom() - y), report, lang
            )

    pages = [Page(C.TITLE.get(lang), first, None if fits else below)]
    if not fits:

        def chart(p: QPainter) -> None:
            draw_trend(p, CONTENT, report, lang)

        pages.append(Page(C.TREND_CHART.get(lang), chart))
    return pages


def _ranking_rows(rows: Sequence[PointRow], lang: str, satisfaction: bool) -> list[list[str]]:
    out = []
    for p in rows:
        f = p.now
        rank = p.satisfaction_rank if satisfaction else p.wait_rank
        if satisfaction:
            values = [share(f.satisfied_share, lang), number(f.rated, lang)]
        else:
            values = [share(f.over_target_share, lang), minutes(f.wait_p50, lang)]
        out.append([p.name(lang), number(rank, lang), *values])
    return out


def _ends(cells: list[list[str]]) -> list[list[str]]:
    """The best and the worst RANKED_SHOWN rows with "…" between them (all of them when
    there are not many more)."""
    if len(cells) <= 2 * RANKED_SHOWN + 2:
        return cells
    gap = ["…", *([""] * (len(cells[0]) - 1))]
    return [*cells[:RANKED_SHOWN], gap, *cells[-RANKED_SHOWN:]]


def _ranking_pages(report: CityReport, lang: str) -> list[Page]:
    """The ends of both rankings, then the city beside the period before: each table under
    its own title (they are short: a page each)."""
    width = min(CONTENT.width(), 560.0)
    heads = [C.POINT.get(lang), C.RANK.get(lang)]
    tables: list[tuple[str, Table]] = []
    for title, rows, satisfaction, columns in (
        (C.BY_WAIT, report.ranked(), False, (T.OVER_TARGET, T.MEDIAN_WAIT_MIN)),
        (C.BY_SATISFACTION, report.by_satisfaction(), True, (T.SATISFIED_SHARE, T.RATINGS)),
    ):
        if rows:
            cells = _ends(_ranking_rows(rows, lang, satisfaction))
            table = Table.layout([*heads, *(c.get(lang) for c in columns)], cells, width)
            tables.append((title.get(lang), table))
    pages = [page for title, table in tables for page in table_pages_of(table, title)]
    previous = report.previous
    if previous is None:
        return pages
    if not previous.has_data:

        def none(p: QPainter, heading: str = previous.heading(lang)) -> None:
            y = page_title(p, heading)
            text = T.NO_PREVIOUS_DATA.get(lang)
            draw_line_text(
                p, CONTENT.left(), y, CONTENT.width(), text, make_font(11), PALETTE.muted
            )

        return [*pages, Page(previous.heading(lang), none)]
    table = Table.layout(
        [t.get(lang) for t in (T.FIGURE, T.THIS_PERIOD, T.PREVIOUS_PERIOD, T.CHANGE)],
        [
            [
                figure_label(f, lang),
                f.value_text(f.now, lang),
                f.value_text(f.before, lang),
                f.change_text(lang),
            ]
            for f in previous.figures
        ],
        width,
    )
    return [*pages, *table_pages_of(table, previous.heading(lang))]


def points_table(report: CityReport, lang: str) -> Table:
    """Every point in wait-rank order: its figures and the change of its waits since the
    period before (the served citizens are in the workbook: the page has no room)."""
    header = [t.get(lang) for i, t in enumerate(POINT_COLUMNS) if i != SERVED_COLUMN]
    compared = report.previous is not None
    if compared:
        header += [C.CHANGE_WAIT.get(lang), C.CHANGE_OVER.get(lang)]
    points = T.PERCENTAGE_POINTS.get(lang)
    rows = []
    for p in report.points:
        cells = []
        for i, v in enumerate(point_values(p, lang)):
            if i == SERVED_COLUMN:
                continue
            if i in SHARE_COLUMNS:
                cells.append(share(v, lang))
            elif i in MINUTE_COLUMNS and v is not None:
                cells.append(number(v, lang, 1))
            elif i == TARGET_COLUMN:
                cells.append(plain(v, lang))
            else:
                cells.append(cell_text(v, lang))
        if compared:
            cells.append(p.change_text("wait_p50", lang))
            cells.append(p.change_text("over_target", lang).removesuffix(points))
        rows.append(cells)
    return Table.layout(header, rows, CONTENT.width())


def report_pages(
    report: CityReport, lang: str = "vi", letterhead: Letterhead | None = None
) -> list[Page]:
    """Every page of the city PDF, in order."""
    pages = _summary_pages(report, lang, letterhead) + _ranking_pages(report, lang)
    pages += table_pages_of(points_table(report, lang), C.POINTS.get(lang))
    if letterhead is not None:
        pages = signed_pages(pages, letterhead, lang)
    return pages


def _footer(report: CityReport, lang: str) -> str:
    return f"{C.TITLE.get(lang)} · {report.subtitle(lang)}"


def write_pdf(
    report: CityReport, path: Path, lang: str = "vi", letterhead: Letterhead | None = None
) -> int:
    """The city report as one A4 landscape PDF; returns the number of pages."""
    font_family()
    title = (C.DOCUMENT_TITLE if letterhead else C.TITLE).get(lang)
    pages = report_pages(report, lang, letterhead)
    return write_pages(pages, path, title, _footer(report, lang), lang)


def render_page(
    report: CityReport,
    number_: int = 1,
    lang: str = "vi",
    dpi: int = 100,
    letterhead: Letterhead | None = None,
) -> QImage:
    """Page `number_` of the city PDF as an image (review, screenshots)."""
    font_family()
    pages = report_pages(report, lang, letterhead)
    return render_pages_page(pages, number_, _footer(report, lang), lang, dpi)


def write_trend_png(report: CityReport, path: Path, lang: str = "vi") -> None:
    """The trend chart as a PNG beside the PDF."""
    size = QSizeF(CHART_SIZE)
    area = QRectF(QPointF(0, 0), size).marginsRemoved(QMarginsF(16, 12, 16, 12))
    save_png(paint_image(size, CHART_DPI, lambda p: draw_trend(p, area, report, lang)), path)
