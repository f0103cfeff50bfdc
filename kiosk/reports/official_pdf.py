"""The official document's heading and signature block drawn on a PDF page (QPainter in
points); what they say comes from kiosk/reports/official.py.

Sizes follow the usual look of a commune's report on paper: the two heading blocks in
capitals at body size, the motto bold with a short rule under it, the date line in italics,
the title bold and larger, the period in italics below it.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from kiosk.core.texts import Text
from kiosk.reports import texts as T
from kiosk.reports.history import HistoryFilter
from kiosk.reports.official import Letterhead, period_text
from kiosk.reports.painting import (
    PALETTE,
    draw_text,
    font_line_height,
    make_font,
    text_width,
    wrap_text,
)

#: Room the signature block needs below the content (titles, note, space to sign, names).
SIGNATURE_HEIGHT = 130.0
_INK = PALETTE.text
_CENTRE = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter


def _italic(size: int, *, bold: bool = False) -> QFont:
    font = make_font(size, bold=bold)
    font.setItalic(True)
    return font


def _centred_lines(
    p: QPainter | None, lines: list[tuple[str, QFont]], x: float, y: float, width: float
) -> tuple[float, float]:
    """Lines centred in [x, x + width] from y; (the y below them, the widest line's width)."""
    widest = 0.0
    for text, font in lines:
        height = font_line_height(font)
        for part in wrap_text(text, font, width, max_lines=3):
            if p is not None:
                draw_text(p, QRectF(x, y, width, height), part, font, _INK, _CENTRE)
            widest = max(widest, text_width(font, part))
            y += height
    return y, widest


def _rule(p: QPainter | None, centre: float, y: float, length: float) -> None:
    if p is not None:
        p.setPen(QPen(QColor(_INK), 0.8))
        p.drawLine(QPointF(centre - length / 2, y), QPointF(centre + length / 2, y))


def draw_heading(
    p: QPainter | None,
    letterhead: Letterhead,
    period: HistoryFilter,
    lang: str,
    area: QRectF,
    title: Text = T.DOCUMENT_TITLE,
) -> float:
    """The heading blocks, date line, `title` and `period` from the top of `area`; the y below
    them (p=None: only measure)."""
    body, bold = make_font(11), make_font(11, bold=True)
    left_w = area.width() * 0.42
    right_w = area.width() * 0.50
    left_x, right_x = area.left(), area.right() - right_w
    top = area.top()

    authority, point = letterhead.issuer(lang)
    lines = [(authority, body)] if authority else []
    left_y, widest = _centred_lines(p, [*lines, (point, bold)], left_x, top, left_w)
    _rule(p, left_x + left_w / 2, left_y + 3, min(widest, left_w) / 3)

    name, motto = letterhead.national(lang)
    motto_font = make_font(12, bold=True)
    right_y, _ = _centred_lines(p, [(name, bold)], right_x, top, right_w)
    right_y, _ = _centred_lines(p, [(motto, motto_font)], right_x, right_y, right_w)
    _rule(p, right_x + right_w / 2, right_y + 3, text_width(motto_font, motto))

    y = max(left_y, right_y) + 14
    dated = _italic(11)
    y, _ = _centred_lines(p, [(letterhead.dated(lang), dated)], right_x, y, right_w)

    heading = title.get(lang)
    big = make_font(16, bold=True)
    y, _ = _centred_lines(p, [(heading, big)], area.left(), y + 14, area.width())
    when = period_text(period, lang)
    y, _ = _centred_lines(p, [(when, _italic(11))], area.left(), y + 2, area.width())
    return y + 6


def draw_signatures(p: QPainter, letterhead: Letterhead, lang: str, area: QRectF) -> None:
    """Two columns from the top of `area`: who made the report and the head of the point,
    each with its note, room to sign and the name when configured."""
    title, note, name = make_font(11, bold=True), _italic(10), make_font(11, bold=True)
    half = area.width() / 2
    for i, (heading, hint, person) in enumerate(letterhead.signers(lang)):
        x = area.left() + i * half
        y, _ = _centred_lines(p, [(heading, title), (hint, note)], x, area.top(), half)
        if person:
            _centred_lines(p, [(person, name)], x, y + 62, half)
