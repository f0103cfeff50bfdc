"""Text drawn to fit a box: the display's panels paint every string through `TextPainter`.

Each painted string is recorded as a `TextRun` (text, size, colours, where), so tests check
legibility (contrast, height of the called number) on what was really drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from display.layout import TextNeeds
from kiosk.gui.theme import font

MIN_PX = 8
MAX_PX = 1200


@dataclass(frozen=True)
class TextRun:
    """One string as painted: its font size, colours and box in the panel's coordinates."""

    text: str
    pixel_size: int
    bold: bool
    fg: str
    bg: str
    x: float
    y: float
    w: float
    h: float
    ink_height: float  # height of the glyphs actually drawn (capitals and digits for codes)
    wrap: bool = False  # broken between words to the box's width
    tight: bool = False  # placed by its ink (codes), not by its line height
    elided: bool = False  # shortened with "…" because the box was too small
    #: (x, y, w, h) of what was drawn: the lines of text, or the ink of a tight code.
    drawn: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


@lru_cache(maxsize=4096)
def fit_pixel_size(
    samples: tuple[str, ...],
    max_w: float,
    max_h: float,
    bold: bool,
    *,
    tight: bool = False,
    wrap: bool = False,
    cap: int = MAX_PX,
) -> int:
    """Largest pixel size at which every sample fits `max_w` x `max_h`.

    `tight` measures the ink (for big codes: no room kept for descenders); `wrap` lets
    text break between words.
    """
    lo, hi = MIN_PX, max(MIN_PX, min(cap, int(max_h * 2) + 1))
    if max_w <= 0 or max_h <= 0:
        return MIN_PX

    def fits(px: int) -> bool:
        fm = QFontMetricsF(font(px, bold=bold))
        for s in samples:
            if wrap:
                r = fm.boundingRect(QRectF(0, 0, max_w, 1e6), Qt.TextFlag.TextWordWrap, s)
                if r.width() > max_w or r.height() > max_h:
                    return False
            elif tight:
                r = fm.tightBoundingRect(s)
                if fm.horizontalAdvance(s) > max_w or r.height() > max_h:
                    return False
            elif fm.horizontalAdvance(s) > max_w or fm.height() > max_h:
                return False
        return True

    if not fits(lo):
        return lo
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


class TextPainter:
    """Draws fitted text with a QPainter and records what it drew."""

    def __init__(self, painter: QPainter, runs: list[TextRun]) -> None:
        self.p = painter
        self.runs = runs

    def fill(self, rect: QRectF, colour: str, radius: float = 0.0) -> None:
        self.p.setPen(Qt.PenStyle.NoPen)
        self.p.setBrush(QColor(colour))
        if radius:
            self.p.drawRoundedRect(rect, radius, radius)
        else:
            self.p.drawRect(rect)

    def text(
        self,
        rect: QRectF,
        text: str,
        px: int,
        fg: str,
        bg: str,
        *,
        bold: bool = False,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter,
        tight: bool = False,
        wrap: bool = False,
        elide: bool = True,
    ) -> None:
        """Draw `text` in `rect` at `px` pixels; `tight` centres the ink itself (codes)."""
        if not text:
            return
        f: QFont = font(px, bold=bold)
        fm = QFontMetricsF(f)
        self.p.setFont(f)
        self.p.setPen(QColor(fg))
        if tight:
            ink = fm.tightBoundingRect(text)
            advance = fm.horizontalAdvance(text)
            if align & Qt.AlignmentFlag.AlignLeft:
                x = rect.left()
            elif align & Qt.AlignmentFlag.AlignRight:
                x = rect.right() - advance
            else:
                x = rect.center().x() - advance / 2
            baseline = rect.center().y() - (ink.top() + ink.bottom()) / 2
            self.p.drawText(QRectF(x, baseline - fm.ascent(), advance + 2, fm.height()), text)
            shown = text
            ink_h = ink.height()
            drawn = QRectF(x + ink.left(), baseline + ink.top(), ink.width(), ink.height())
        else:
            flags = int(align)
            shown = text
            if wrap:
                flags |= int(Qt.TextFlag.TextWordWrap)
            elif elide and fm.horizontalAdvance(text) > rect.width():
                shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
            self.p.drawText(rect, flags, shown)
            ink_h = fm.tightBoundingRect(shown).height() if shown else 0.0
            drawn = fm.boundingRect(rect, flags, shown)
        self.runs.append(
            TextRun(
                text=shown,
                pixel_size=px,
                bold=bold,
                fg=fg,
                bg=bg,
                x=rect.x(),
                y=rect.y(),
                w=rect.width(),
                h=rect.height(),
                ink_height=ink_h,
                wrap=wrap,
                tight=tight,
                elided=shown != text,
                drawn=(drawn.x(), drawn.y(), drawn.width(), drawn.height()),
            )
        )


def samples_for_codes(prefixes: Sequence[str], digits: int) -> tuple[str, ...]:
    """The widest codes a point can show ("A888", "KB888"): fonts are fitted to these."""
    widest = "8" * digits
    return tuple(sorted({f"{p}{widest}" for p in prefixes} or {f"A{widest}"}))


#: Measuring size: widths in ems are advances at this size divided by it.
_EM_PX = 100


def _em(metrics: QFontMetricsF, text: str) -> float:
    return metrics.horizontalAdvance(text) / _EM_PX


#: A line never starts with one of these: the break goes after it.
DASHES = ("–", "—", "-", "·")


def _two_line_splits(text: str) -> list[tuple[str, str]]:
    """Every way to break `text` between words into two lines, no line starting with a dash."""
    words = text.split()
    splits = []
    for i in range(1, len(words)):
        first, second = words[:i], words[i:]
        if second[0] in DASHES:
            continue
        splits.append((" ".join(first), " ".join(second)))
    return splits


def two_lines_em(metrics: QFontMetricsF, text: str) -> float:
    """Width in ems of the wider line when `text` is broken evenly into two lines."""
    splits = _two_line_splits(text)
    if not splits:
        return _em(metrics, text)
    return min(max(_em(metrics, a), _em(metrics, b)) for a, b in splits)


def balanced_lines(text: str, px: int, bold: bool, width: float) -> str:
    """`text` broken into two even lines when it does not fit `width` on one (else as is)."""
    fm = QFontMetricsF(font(px, bold=bold))
    splits = _two_line_splits(text)
    if fm.horizontalAdvance(text) <= width or not splits:
        return text
    a, b = min(splits, key=lambda s: max(fm.horizontalAdvance(s[0]), fm.horizontalAdvance(s[1])))
    return f"{a}\n{b}"


def measure_needs(field_names: Sequence[str], recent_calls: int) -> TextNeeds:
    """How much room the point's field names need, in ems of the display font (for layout)."""
    metrics = QFontMetricsF(font(_EM_PX))
    names = list(field_names) or [""]
    return TextNeeds(
        field_em=max(_em(metrics, n) for n in names),
        field_two_lines_em=max(two_lines_em(metrics, n) for n in names),
        fields=len(field_names),
        recent_calls=recent_calls,
    )


def fits_line(text: str, px: int, bold: bool, w: float, h: float) -> bool:
    """Whether `text` fits one line of `w` x `h` at `px` pixels."""
    fm = QFontMetricsF(font(px, bold=bold))
    return fm.horizontalAdvance(text) <= w and fm.height() <= h


def fits_wrapped(text: str, px: int, bold: bool, w: float, h: float) -> bool:
    """Whether `text`, broken between words, fits `w` x `h` at `px` pixels."""
    fm = QFontMetricsF(font(px, bold=bold))
    r = fm.boundingRect(QRectF(0, 0, w, 1e6), Qt.TextFlag.TextWordWrap, text)
    return r.width() <= w and r.height() <= h
