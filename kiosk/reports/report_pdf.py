"""The PDF report (A4 landscape, real text in the embedded Noto Sans): a summary page with the key
figures, the table per field and the hourly chart, then tables per day, counter and hour that
continue over as many pages as they need. Painted with QPainter on a QPdfWriter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from kiosk.core.files import write_atomic_with
from kiosk.core.wording import minutes, number, plain, share
from kiosk.reports import texts as T
from kiosk.reports.charts import ChartFn, chart_hours, report_charts
from kiosk.reports.official import Letterhead
from kiosk.reports.official_pdf import SIGNATURE_HEIGHT, draw_heading, draw_signatures
from kiosk.reports.painting import (
    HEADING,
    MARGIN,
    PAGE,
    PALETTE,
    SMALL,
    TEXT,
    cell_text,
    draw_line_text,
    draw_text,
    font_family,
    font_line_height,
    make_font,
    paint_image,
    painter_on,
    report_subtitle,
    save_png,
    text_width,
    wrap_text,
)
from kiosk.reports.report import (
    STATS_HEADINGS,
    GroupStats,
    Report,
    Satisfaction,
    hour_label,
    satisfaction_header,
    satisfaction_rows,
    stats_rows,
)

log = logging.getLogger(__name__)


# ------------------------------------------------------------------------------ tables


def _table_rows(rows: Sequence[GroupStats], lang: str) -> list[list[str]]:
    out = []
    for r, values in zip(rows, stats_rows(rows), strict=True):
        values[0] = r.name(lang)
        over = values.pop()
        out.append([cell_text(v, lang) for v in values] + [share(over, lang)])
    return out


def _table_header(lang: str, first: str) -> list[str]:
    return [first, *(t.get(lang) for t in STATS_HEADINGS[1:])]


PAD = 5.0


@dataclass(frozen=True)
class Table:
    """A table laid out for a width: column widths, wrapped first column, row heights."""

    header: list[str]
    rows: list[list[str]]
    widths: list[float]
    names: list[list[str]]
    heights: list[float]
    header_height: float
    bold_last: bool

    @classmethod
    def layout(
        cls, header: list[str], rows: list[list[str]], width: float, *, bold_last: bool = False
    ) -> Table:
        body, bold, head = make_font(TEXT), make_font(TEXT, bold=True), make_font(SMALL, bold=True)
        natural = []
        for c, title in enumerate(header):
            cells = max((text_width(bold, r[c]) for r in rows), default=0.0)
            titles = max(text_width(head, line) for line in title.split("\n"))
            natural.append(max(cells, titles) + 2 * PAD)
        numbers = sum(natural[1:])
        first = min(natural[0], max(width - numbers, 90.0))
        first = max(first, min(width - numbers, 150.0))  # short labels still get some room
        extra = max(0.0, width - first - numbers) / (len(header) - 1)
        scale = min(1.0, (width - first) / numbers)
        widths = [first] + [w * scale + extra for w in natural[1:]]
        names = [wrap_text(r[0], body, first - 2 * PAD) for r in rows]
        line = font_line_height(body)
        heights = [len(n) * line + 5 for n in names]
        header_height = max(t.count("\n") + 1 for t in header) * font_line_height(head) + 8
        return cls(header, rows, widths, names, heights, header_height, bold_last)

    def pages(self, first: float, rest: float) -> list[range]:
        """Row ranges that fit: `first` points on the first page, `rest` on the others."""
        chunks: list[range] = []
        start, used, room = 0, 0.0, first - self.header_height
        for i, h in enumerate(self.heights):
            if used + h > room and i > start:
                chunks.append(range(start, i))
                start, used, room = i, 0.0, rest - self.header_height
            used += h
        chunks.append(range(start, len(self.rows)))
        if self.bold_last and len(chunks) > 1 and len(chunks[-1]) == 1 and len(chunks[-2]) > 1:
            # The total never stands alone: the row above it moves over too.
            chunks[-2:] = [
                range(chunks[-2].start, chunks[-2].stop - 1),
                range(chunks[-2].stop - 1, len(self.rows)),
            ]
        return chunks

    def height(self, rows: range) -> float:
        return self.header_height + sum(self.heights[i] for i in rows)

    def draw(self, p: QPainter, x: float, y: float, rows: range) -> float:
        """Draw the header and `rows` from (x, y); returns the y below the table."""
        head, body, bold = make_font(SMALL, bold=True), make_font(TEXT), make_font(TEXT, bold=True)
        total = sum(self.widths)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(QColor(PALETTE.header)))
        p.drawRect(QRectF(x, y, total, self.header_height))
        cx = x
        for c, (title, w) in enumerate(zip(self.header, self.widths, strict=True)):
            align = Qt.AlignmentFlag.AlignVCenter | (
                Qt.AlignmentFlag.AlignLeft if c == 0 else Qt.AlignmentFlag.AlignHCenter
            )
            rect = QRectF(cx + PAD, y, w - 2 * PAD, self.header_height)
            draw_text(p, rect, title, head, "white", align)
            cx += w
        y += self.header_height
        line = font_line_height(body)
        for n, i in enumerate(rows):
            h = self.heights[i]
            last = self.bold_last and i == len(self.rows) - 1
            if n % 2 == 1 and not last:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QBrush(QColor(PALETTE.stripe)))
                p.drawRect(QRectF(x, y, total, h))
            p.setPen(QPen(QColor(PALETTE.header if last else PALETTE.grid), 1.0 if last else 0.5))
            p.drawLine(QPointF(x, y if last else y + h), QPointF(x + total, y if last else y + h))
            font = bold if last else body
            cx = x
            for c, (text, w) in enumerate(zip(self.rows[i], self.widths, strict=True)):
                if c == 0:
                    ty = y + (h - line * len(self.names[i])) / 2
                    for part in self.names[i]:
                        draw_text(
                            p, QRectF(cx + PAD, ty, w - 2 * PAD, line), part, font, PALETTE.text
                        )
                        ty += line
                else:
                    align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    draw_text(
                        p, QRectF(cx + PAD, y, w - 2 * PAD, h), text, font, PALETTE.text, align
                    )
                cx += w
            y += h
        if not rows:
            rect = QRectF(x, y, total, 28)
            draw_text(p, rect, "–", body, PALETTE.muted, Qt.AlignmentFlag.AlignCenter)
            y += 28
        return y


# ------------------------------------------------------------------------------ PDF pages


@dataclass(frozen=True)
class Page:
    """One page of the PDF: paints its content on a painter that measures in points."""

    title: str
    paint: Callable[[QPainter], None]
    #: Where its content ends (None: it may fill the page), so a signature can follow it.
    bottom: float | None = None


CONTENT = QRectF(MARGIN, MARGIN - 6, PAGE.width() - 2 * MARGIN, PAGE.height() - 2 * MARGIN - 12)


CARD_HEIGHT = 60.0


def _big_numbers(p: QPainter | None, y: float, report: Report, lang: str) -> float:
    """The key figures as a row of cards; returns the y below them (p=None: only measure)."""
    t = report.total
    figures = [
        (number(t.tickets, lang), T.CARD_CITIZENS.get(lang)),
        (number(t.dossiers, lang), T.DOSSIERS_UNIT.get(lang)),
        (number(t.served, lang), T.CARD_SERVED.get(lang)),
        (f"{number(t.no_shows, lang)} / {number(t.expired, lang)}", T.CARD_NO_SHOWS.get(lang)),
        (minutes(t.wait_p50, lang), T.CARD_WAIT_P50.get(lang)),
        (minutes(t.wait_p90, lang), T.CARD_WAIT_P90.get(lang)),
        (
            share(t.over_target_share, lang),
            T.CARD_OVER_TARGET.get(lang, minutes=plain(report.target_minutes, lang)),
        ),
    ]
    return draw_cards(p, y, figures)


def draw_cards(p: QPainter | None, y: float, figures: Sequence[tuple[str, str]]) -> float:
    """Key figures (value, caption) as a row of cards across the page from `y`; returns the
    y below them (p=None: only measure)."""
    if p is None:
        return y + CARD_HEIGHT
    gap = 8.0
    width = (CONTENT.width() - gap * (len(figures) - 1)) / len(figures)
    height = CARD_HEIGHT
    x = CONTENT.left()
    for value, caption in figures:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(QColor(PALETTE.stripe)))
        p.drawRect(QRectF(x, y, width, height))
        p.setBrush(QBrush(QColor(PALETTE.header)))
        p.drawRect(QRectF(x, y, 3, height))
        big = make_font(22, bold=True)
        while text_width(big, value) > width - 16 and big.pixelSize() > 12:
            big.setPixelSize(big.pixelSize() - 1)
        draw_text(p, QRectF(x + 10, y + 4, width - 14, 30), value, big, PALETTE.header)
        ty = y + 34
        for line in wrap_text(caption, make_font(SMALL), width - 14):
            ty = draw_line_text(p, x + 10, ty, width - 14, line, make_font(SMALL), PALETTE.muted)
        x += width + gap
    return y + height


def _summary_pages(report: Report, lang: str, letterhead: Letterhead | None = None) -> list[Page]:
    """Page 1 (headline, key figures, the table per field, the hourly chart when it fits),
    and the rest of the field table on further pages if it is long. With a `letterhead` the
    page opens as an official document (kiosk/reports/official.py) instead of the headline."""
    title = T.REPORT_TITLE.get(lang)
    heading = T.PER_FIELD.get(lang)
    table = Table.layout(
        _table_header(lang, T.FIELD.get(lang)),
        _table_rows([*report.fields, report.total], lang),
        CONTENT.width(),
        bold_last=True,
    )
    t = report.total

    def head(p: QPainter | None) -> float:
        """Title, key figures, busiest hour, the table's heading; the y below them."""
        x, w = CONTENT.left(), CONTENT.width()
        if letterhead is not None:
            y = draw_heading(p, letterhead, report.filter, lang, CONTENT) - 4
        else:
            font = make_font(22, bold=True)
            y = draw_line_text(p, x, CONTENT.top(), w, title, font, PALETTE.header)
            y = draw_line_text(
                p, x, y, w, report_subtitle(report, lang), make_font(11), PALETTE.muted
            )
        y = _big_numbers(p, y + 14, report, lang) + 10
        busiest = (
            T.BUSIEST_HOUR.get(lang, hour=hour_label(t.busiest_hour))
            if t.busiest_hour is not None
            else ""
        )
        draw_line_text(p, x, y, w, busiest, make_font(10), PALETTE.text)
        y = draw_line_text(p, x, y + 20, w, heading, make_font(HEADING, bold=True), PALETTE.header)
        return y + 4

    chunks = table.pages(CONTENT.bottom() - head(None), CONTENT.bottom() - page_title(None, ""))

    def first(p: QPainter) -> None:
        x, w = CONTENT.left(), CONTENT.width()
        y = table.draw(p, x, head(p), chunks[0])
        room = QRectF(x, y + 22, w, CONTENT.bottom() - y - 22)
        if len(chunks) == 1 and report.hours and room.height() >= 150:
            chart_hours(p, room, report, lang, subtitle=False, compact=True)

    pages = [Page(title, first)]
    for n, rows in enumerate(chunks[1:], 2):

        def rest(p: QPainter, rows: range = rows, n: int = n) -> None:
            y = page_title(p, f"{heading} ({n}/{len(chunks)})")
            table.draw(p, CONTENT.left(), y, rows)

        pages.append(Page(heading, rest))
    return pages


def page_title(p: QPainter | None, text: str) -> float:
    font = make_font(16, bold=True)
    x, w = CONTENT.left(), CONTENT.width()
    return draw_line_text(p, x, CONTENT.top(), w, text, font, PALETTE.header) + 10


def _chart_pages(report: Report, lang: str) -> list[Page]:
    pages = []
    for name, draw in report_charts(report).items():

        def paint(p: QPainter, draw: ChartFn = draw) -> None:
            draw(p, CONTENT, report, lang, subtitle=False)

        pages.append(Page(name, paint))
    return pages


def _table_pages(rows: Sequence[GroupStats], title: str, first: str, lang: str) -> list[Page]:
    """Pages of one table (day, counter or hour), as many as its rows need."""
    table = Table.layout(_table_header(lang, first), _table_rows(rows, lang), CONTENT.width())
    return table_pages_of(table, title)


def table_pages_of(table: Table, title: str) -> list[Page]:
    """Pages of a laid out table under `title`, as many as its rows need."""
    room = CONTENT.bottom() - page_title(None, "")
    chunks = table.pages(room, room)
    pages = []
    for n, chunk in enumerate(chunks, 1):
        suffix = f" ({n}/{len(chunks)})" if len(chunks) > 1 else ""

        def paint(p: QPainter, chunk: range = chunk, heading: str = title + suffix) -> None:
            y = page_title(p, heading)
            table.draw(p, CONTENT.left(), y, chunk)

        bottom = page_title(None, "") + table.height(chunk)
        pages.append(Page(title + suffix, paint, bottom))
    return pages


def _satisfaction_cells(rows: Sequence[Satisfaction], lang: str) -> list[list[str]]:
    out = []
    for name, served, rated, rated_share, satisfied, *levels in satisfaction_rows(rows, lang):
        shares = [share(rated_share, lang), share(satisfied, lang)]
        counts = [number(n, lang) for n in (served, rated, *levels)]
        out.append([name, *counts[:2], *shares, *counts[2:]])
    return out


def _satisfaction_pages(report: Report, lang: str) -> list[Page]:
    """The ratings of the range, of each field, counter (and officer), then of each day
    (more than one), then the reasons named: one table after the other, on as few pages as
    they fit; none when nobody rated."""
    sat = report.satisfaction
    if sat is None or not sat.rated:
        return []
    by = report.satisfaction_by
    groups = [sat, *by.get("field", ()), *by.get("counter", ()), *by.get("officer", ())]
    days = by.get("day", ())
    tables = [
        Table.layout(
            satisfaction_header(sat, lang, first.get(lang)),
            _satisfaction_cells(rows, lang),
            CONTENT.width(),
        )
        for rows, first in ((groups, T.GROUP), (days if len(days) > 1 else [], T.DAY))
        if rows
    ]
    if sat.reasons:
        tables.append(
            Table.layout(
                [T.REASONS_NAMED.get(lang), T.SAT_RATED.get(lang)],
                [[r, number(n, lang)] for r, n in sat.reasons_in(lang).items()],
                min(CONTENT.width(), 420.0),
            )
        )
    return flow_pages(tables, T.SATISFACTION_TITLE.get(lang))


GAP = 18.0


def flow_pages(tables: Sequence[Table], title: str) -> list[Page]:
    """Tables one below the other under `title`; a table starts a new page when its header
    and first row no longer fit, and continues over as many pages as it needs."""
    top = page_title(None, "")
    room = CONTENT.bottom() - top
    #: Per page: (table, its rows, y) to draw.
    pages: list[list[tuple[Table, range, float]]] = [[]]
    y = top
    for table in tables:
        if pages[-1]:
            y += GAP
        if y + table.header_height + table.heights[0] > CONTENT.bottom():
            pages.append([])
            y = top
        for n, chunk in enumerate(table.pages(CONTENT.bottom() - y, room)):
            if n:
                pages.append([])
                y = top
            pages[-1].append((table, chunk, y))
            y += table.height(chunk)
    out = []
    for n, parts in enumerate(pages, 1):
        heading = title + (f" ({n}/{len(pages)})" if len(pages) > 1 else "")

        def paint(
            p: QPainter, parts: list[tuple[Table, range, float]] = parts, heading: str = heading
        ) -> None:
            page_title(p, heading)
            for table, rows, at in parts:
                table.draw(p, CONTENT.left(), at, rows)

        bottom = max((at + table.height(rows) for table, rows, at in parts), default=None)
        out.append(Page(heading, paint, bottom))
    return out


def report_pages(
    report: Report, lang: str = "vi", letterhead: Letterhead | None = None
) -> list[Page]:
    """Every page of the PDF, in order; with a `letterhead` an official document: its heading
    on the first page, the signatures after the last table."""
    tables: list[tuple[Sequence[GroupStats], str, str]] = [
        (report.days, T.PER_DAY.get(lang), T.DAY.get(lang)),
        (
            report.counters,
            T.PER_COUNTER.get(lang),
            T.COUNTER.get(lang),
        ),
        (
            report.hours,
            T.PER_HOUR.get(lang),
            T.HOUR.get(lang),
        ),
    ]
    if report.officers:  # only when officers sign in at the counters
        tables.append((report.officers, T.PER_OFFICER.get(lang), T.OFFICER.get(lang)))
    if report.procedures:  # only when a ticket of the range was taken for a procedure
        tables.append((report.procedures, T.PER_PROCEDURE.get(lang), T.PROCEDURE.get(lang)))
    pages = [*_summary_pages(report, lang, letterhead), *_comparison_pages(report, lang)]
    pages += _chart_pages(report, lang)
    for rows, title, first in tables:
        pages += _table_pages(rows, title, first, lang)
    pages += _satisfaction_pages(report, lang)
    if letterhead is not None:
        pages = signed_pages(pages, letterhead, lang)
    return pages


def _comparison_pages(report: Report, lang: str) -> list[Page]:
    """The headline figures beside the period before's (none when not compared)."""
    previous = report.previous
    if previous is None:
        return []
    title = previous.heading(lang)
    heads = [t.get(lang) for t in (T.FIGURE, T.THIS_PERIOD, T.PREVIOUS_PERIOD, T.CHANGE)]
    rows = [
        [
            f.label(report.target_minutes, lang),
            f.value_text(f.now, lang),
            f.value_text(f.before, lang),
            f.change_text(lang),
        ]
        for f in previous.figures
    ]
    table = Table.layout(heads, rows, min(CONTENT.width(), 560.0))

    def paint(p: QPainter) -> None:
        y = page_title(p, title)
        if not previous.has_data:
            draw_line_text(
                p,
                CONTENT.left(),
                y,
                CONTENT.width(),
                T.NO_PREVIOUS_DATA.get(lang),
                make_font(11),
                PALETTE.muted,
            )
            return
        table.draw(p, CONTENT.left(), y, range(len(rows)))

    return [Page(title, paint)]


def signed_pages(pages: list[Page], letterhead: Letterhead, lang: str) -> list[Page]:
    """The signature block below the last page's content, or on a page of its own when the
    last page is full."""
    last = pages[-1]
    if last.bottom is not None and CONTENT.bottom() - last.bottom >= SIGNATURE_HEIGHT + 24:
        top = last.bottom + 24

        def both(p: QPainter, first: Page = last) -> None:
            first.paint(p)
            draw_signatures(p, letterhead, lang, _below(top))

        return [*pages[:-1], Page(last.title, both, top + SIGNATURE_HEIGHT)]

    def alone(p: QPainter) -> None:
        draw_signatures(p, letterhead, lang, _below(CONTENT.top() + 24))

    return [*pages, Page(T.PREPARED_BY.get(lang), alone, CONTENT.top() + SIGNATURE_HEIGHT)]


def _below(top: float) -> QRectF:
    return QRectF(CONTENT.left(), top, CONTENT.width(), CONTENT.bottom() - top)


def _paint_page(p: QPainter, page: Page, footer: str, lang: str, number: int, total: int) -> None:
    """A page's content with the footer: `footer` (site and range) left, page number right."""
    page.paint(p)
    y = PAGE.height() - MARGIN + 4
    p.setPen(QPen(QColor(PALETTE.grid), 0.8))
    p.drawLine(QPointF(MARGIN, y - 4), QPointF(PAGE.width() - MARGIN, y - 4))
    font = make_font(SMALL)
    number_text = T.PAGE_NUMBER.get(lang, number=number, total=total)
    number_w = text_width(font, number_text) + 4
    width = PAGE.width() - 2 * MARGIN
    draw_line_text(p, MARGIN, y, width - number_w - 20, footer, font, PALETTE.muted)
    rect = QRectF(PAGE.width() - MARGIN - number_w, y, number_w, font_line_height(font))
    align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    draw_text(p, rect, number_text, font, PALETTE.muted, align)


def write_pdf(
    report: Report, path: Path, lang: str = "vi", letterhead: Letterhead | None = None
) -> int:
    """The whole report as one A4 landscape PDF (an official document with a `letterhead`);
    returns the number of pages."""
    font_family()
    title = (T.DOCUMENT_TITLE if letterhead else T.REPORT_TITLE).get(lang)
    pages = report_pages(report, lang, letterhead)
    return write_pages(pages, path, title, report_subtitle(report, lang), lang)


def write_pages(pages: Sequence[Page], path: Path, title: str, footer: str, lang: str) -> int:
    """`pages` as one A4 landscape PDF, each with the footer (`footer` left, the page number
    right); returns the number of pages. The city report's PDF is written by it too."""

    def write(tmp: Path) -> None:
        writer = QPdfWriter(str(tmp))
        writer.setTitle(title)
        writer.setCreator("kiosk")
        writer.setResolution(72)  # one device unit = one point
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Landscape,
                QMarginsF(0, 0, 0, 0),
            )
        )
        p = painter_on(writer)
        try:
            for number, page in enumerate(pages, 1):
                if number > 1:
                    writer.newPage()
                _paint_page(p, page, footer, lang, number, len(pages))
        finally:
            p.end()

    write_atomic_with(path, write)
    return len(pages)


def render_page(
    report: Report,
    number: int = 1,
    lang: str = "vi",
    dpi: int = 100,
    letterhead: Letterhead | None = None,
) -> QImage:
    """Page `number` of the PDF as an image (for review and screenshots)."""
    font_family()
    pages = report_pages(report, lang, letterhead)
    return render_pages_page(pages, number, report_subtitle(report, lang), lang, dpi)


def render_pages_page(
    pages: Sequence[Page], number: int, footer: str, lang: str = "vi", dpi: int = 100
) -> QImage:
    """Page `number` of `pages` with its footer as an image, as `write_pages` draws it."""
    page = pages[number - 1]
    return paint_image(PAGE, dpi, lambda p: _paint_page(p, page, footer, lang, number, len(pages)))


def render_summary_png(
    report: Report, path: Path, lang: str = "vi", letterhead: Letterhead | None = None
) -> None:
    """The first PDF page as a PNG (for review and screenshots)."""
    save_png(render_page(report, 1, lang, letterhead=letterhead), path)
