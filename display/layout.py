"""Where each part of the wall display goes, as a pure function of the screen and its texts.

Planned for reading at 10 m: no text a citizen reads is smaller than `min_text_px` (32 px on
a 1920×1080 screen, scaled by the screen's diagonal in pixels, so a screen of the same size
at another resolution or shape shows the same physical letters), and what does not fit at
that size is placed elsewhere or left out whole, never shrunk or cut. The counter tiles get
the room left, in the grid that draws their numbers largest.

Landscape: header; tiles with the recent calls under them on the left; the newest call and
the waiting table on the right; the ticker. Portrait: header, newest call, tiles, then the
waiting table beside the recent calls, and the ticker.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

#: Width of a ticket code like "A888" in ems of the bold display font (Noto Sans Bold: 2.41).
CODE_WIDTH_EM = 2.45
#: Height of capitals and digits in ems (Noto Sans: 0.714), what a reader sees of a number.
CAP_HEIGHT_EM = 0.74
#: Height of one line of text in ems (Noto Sans ascent + descent, room for stacked accents).
LINE_EM = 1.37
#: Share of a tile's number box its number may fill across and down (clear of the edges
#: and of the texts above and below it).
CODE_FILL = 0.88
CODE_FILL_HEIGHT = 0.94
#: Below this width/height ratio the screen is laid out as portrait.
PORTRAIT_BELOW = 1.2
#: Smallest text on a 1920×1080 screen read from 10 m.
MIN_TEXT_PX_1080P = 32
#: A tile keeps its field line only while that leaves its number this share of its size.
KEEP_FIELD_LINE = 0.65
#: Sizes of the parts in units of the smallest text (`t`).
LABEL_EM = 1.15  # counter name on a tile, codes in the recent calls
OFFICER_EM = 1.0  # the officer's name under it (`[display] show_officer`): the body size
HEADER_LINES_EM = 2.9  # landscape header: two lines of `t` (the outage notice needs both)
TICKER_EM = 1.75
ROW_EM = 1.45  # a row of the waiting table
BADGE_EM = 1.6  # the prefix box in the waiting table
COUNT_EM = 2.4  # the waiting count ("888" at 1.2 t)


class Orientation(StrEnum):
    LANDSCAPE = "landscape"
    PORTRAIT = "portrait"


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h


@dataclass(frozen=True)
class TextNeeds:
    """How long the point's texts are, measured in ems of the display font (Qt-free input).

    The defaults are the shipped configuration's; the window measures its own.
    """

    #: The longest field name on one line.
    field_em: float = 16.18
    #: The longest field name broken over two lines (its wider line).
    field_two_lines_em: float = 8.35
    fields: int = 7
    recent_calls: int = 6


@dataclass(frozen=True)
class Layout:
    """Rectangles of every panel of the display, in window coordinates."""

    width: int
    height: int
    orientation: Orientation
    text_px: int
    header: Rect
    calling: Rect
    tiles: tuple[Rect, ...]
    columns: int
    rows: int
    tile_field_lines: int
    recent: Rect
    waiting: Rect
    ticker: Rect
    gap: int


def min_text_px(width: int, height: int) -> int:
    """The smallest text size for a `width` x `height` screen (32 px at 1920×1080)."""
    scale = math.hypot(width, height) / math.hypot(1920, 1080)
    return max(12, round(MIN_TEXT_PX_1080P * scale))


def line_px(px: float, lines: int = 1) -> int:
    """Height of `lines` lines of `px`-pixel text."""
    return math.ceil(px * LINE_EM * lines)


@dataclass(frozen=True)
class TileParts:
    """Boxes inside one counter tile (tile coordinates): name, number, field line(s)."""

    label: Rect
    code: Rect
    field: Rect
    label_px: int
    field_lines: int
    #: The officer's name under the counter's (`[display] show_officer`); empty when off.
    officer: Rect = Rect(0, 0, 0, 0)
    officer_px: int = 0

    def code_px(self) -> float:
        """The largest bold size a code like "A888" can be drawn in the number box."""
        if self.code.h <= 0 or self.code.w <= 0:
            return 0.0
        return min(
            self.code.h * CODE_FILL_HEIGHT / CAP_HEIGHT_EM, self.code.w * CODE_FILL / CODE_WIDTH_EM
        )


def tile_parts(
    w: int, h: int, text_px: int, field_lines: int, *, officer: bool = False
) -> TileParts:
    """Name on top (with `officer`, the officer's name in smaller type under it), the number
    in the middle, `field_lines` lines of field at the bottom."""
    pad = max(3, round(text_px * 0.25))
    gap = max(2, round(text_px * 0.15))
    label_px = round(text_px * LABEL_EM)
    label = Rect(pad, pad, w - 2 * pad, line_px(label_px))
    officer_px = round(text_px * OFFICER_EM) if officer else 0
    officer_box = Rect(pad, label.bottom, w - 2 * pad, line_px(officer_px) if officer else 0)
    field_h = line_px(text_px, field_lines) if field_lines else 0
    field = Rect(pad, h - pad - field_h, w - 2 * pad, field_h)
    code_top = officer_box.bottom + gap
    code_bottom = field.y - gap if field_lines else h - pad
    code = Rect(pad, code_top, w - 2 * pad, max(0, code_bottom - code_top))
    return TileParts(label, code, field, label_px, field_lines, officer_box, officer_px)


def field_lines_for(inner_w: int, text_px: int, needs: TextNeeds) -> int:
    """Lines the longest field name needs at `text_px` in `inner_w` (0: it does not fit in 2)."""
    if needs.field_em * text_px <= inner_w:
        return 1
    if needs.field_two_lines_em * text_px <= inner_w:
        return 2
    return 0


def _tile_choice(tile_w: int, tile_h: int, text_px: int, needs: TextNeeds) -> tuple[float, int]:
    """(number size, field lines) for one tile: the field line stays while numbers stay large."""
    bare = tile_parts(tile_w, tile_h, text_px, 0).code_px()
    lines = field_lines_for(tile_w - 2 * max(3, round(text_px * 0.25)), text_px, needs)
    if lines:
        with_field = tile_parts(tile_w, tile_h, text_px, lines).code_px()
        if with_field >= KEEP_FIELD_LINE * bare:
            return with_field, lines
    return bare, 0


def tile_grid(
    count: int, width: float, height: float, gap: float, text_px: int, needs: TextNeeds
) -> tuple[int, int, int]:
    """(columns, rows, field lines) for `count` tiles in `width` x `height`, largest numbers.

    Fewer empty cells, then fewer rows, break ties.
    """
    if count <= 0:
        return 1, 1, 0
    best: tuple[float, int, int, int, int] | None = None
    for cols in range(1, count + 1):
        rows = math.ceil(count / cols)
        tile_w = int((width - (cols - 1) * gap) / cols)
        tile_h = int((height - (rows - 1) * gap) / rows)
        if tile_w <= 0 or tile_h <= 0:
            continue
        px, lines = _tile_choice(tile_w, tile_h, text_px, needs)
        key = (round(px, 1), -(cols * rows - count), -rows, cols, lines)
        if best is None or key[:3] > best[:3]:
            best = key
    if best is None:
        return count, 1, 0
    return best[3], math.ceil(count / best[3]), best[4]


def _grid_rects(area: Rect, count: int, cols: int, rows: int, gap: int) -> tuple[Rect, ...]:
    tile_w = (area.w - (cols - 1) * gap) // cols
    tile_h = (area.h - (rows - 1) * gap) // rows
    rects = []
    for i in range(count):
        r, c = divmod(i, cols)
        rects.append(Rect(area.x + c * (tile_w + gap), area.y + r * (tile_h + gap), tile_w, tile_h))
    return tuple(rects)


@dataclass(frozen=True)
class TableColumns:
    """Columns of the waiting table across its width: prefix badge, field name, count."""

    pad: int
    gap: int
    badge_w: int
    name_w: int
    count_w: int


def table_columns(width: int, text_px: int) -> TableColumns:
    pad, gap = round(text_px * 0.4), round(text_px * 0.35)
    badge_w, count_w = round(BADGE_EM * text_px), round(COUNT_EM * text_px)
    return TableColumns(pad, gap, badge_w, width - 2 * pad - badge_w - count_w - 2 * gap, count_w)


def table_title_bottom(text_px: int) -> int:
    """Where the waiting table's first row starts (under its title)."""
    return round(text_px * 0.4) + line_px(text_px)


def table_row_px(text_px: int, wrapped: bool) -> int:
    """Height of one row of the waiting table, for names on one line or two."""
    return line_px(text_px, 2) + round(text_px * 0.2) if wrapped else round(text_px * ROW_EM)


def table_height(rows: int, text_px: int, wrapped: bool) -> int:
    """Height of a waiting table with its title and `rows` field rows."""
    bottom = round(text_px * 0.4)
    return table_title_bottom(text_px) + rows * table_row_px(text_px, wrapped) + bottom


def _table_size(t: int, needs: TextNeeds, max_w: int, max_h: int) -> tuple[int, int]:
    """(width, height) of the waiting table: every row, names on one line when there is room."""
    one_line = math.ceil(needs.field_em * t) + 2 - table_columns(0, t).name_w
    width = min(one_line, max_w)
    wrapped = table_columns(width, t).name_w < needs.field_em * t
    return width, min(table_height(needs.fields, t, wrapped), max_h)


def compute_layout(
    width: int, height: int, counters: int, needs: TextNeeds | None = None
) -> Layout:
    """The display's panels for a `width` x `height` window showing `counters` tiles."""
    needs = needs or TextNeeds()
    width, height = max(width, 320), max(height, 240)
    gap = max(4, round(min(width, height) * 0.011))
    t = min_text_px(width, height)
    if width / height < PORTRAIT_BELOW:
        return _portrait(width, height, counters, gap, t, needs)
    return _landscape(width, height, counters, gap, t, needs)


def _with_tiles(
    width: int,
    height: int,
    orientation: Orientation,
    area: Rect,
    counters: int,
    gap: int,
    text_px: int,
    needs: TextNeeds,
    **panels: Rect,
) -> Layout:
    """The layout with the counter tiles gridded into `area` (the rest is placed already)."""
    cols, rows, lines = tile_grid(counters, area.w, area.h, gap, text_px, needs)
    return Layout(
        width=width,
        height=height,
        orientation=orientation,
        text_px=text_px,
        tiles=_grid_rects(area, counters, cols, rows, gap),
        columns=cols,
        rows=rows,
        tile_field_lines=lines,
        gap=gap,
        **panels,
    )


def _landscape(
    width: int, height: int, counters: int, gap: int, t: int, needs: TextNeeds
) -> Layout:
    header = Rect(0, 0, width, round(t * HEADER_LINES_EM))
    ticker_h = round(t * TICKER_EM)
    ticker = Rect(0, height - ticker_h, width, ticker_h)
    body_y = header.bottom + gap
    body_bottom = ticker.y - gap
    body_h = body_bottom - body_y
    table_w, table_h = _table_size(t, needs, round(width * 0.42), round(body_h * 0.6) - gap)
    side_w = max(table_w, round(width * 0.3))
    side_x = width - gap - side_w
    left_w = side_x - 2 * gap
    # Recent calls: one strip of two-line cells under the tiles.
    recent_h = round(t * (LABEL_EM + 1) * LINE_EM + t * 0.5) if needs.recent_calls else 0
    recent = Rect(gap, body_bottom - recent_h, left_w, recent_h)
    tiles_bottom = recent.y - gap if recent_h else body_bottom
    area = Rect(gap, body_y, left_w, tiles_bottom - body_y)
    # The waiting table takes what its rows need; the newest call keeps at least 40 %.
    waiting = Rect(side_x, body_bottom - table_h, side_w, table_h)
    calling = Rect(side_x, body_y, side_w, waiting.y - gap - body_y)
    return _with_tiles(
        width,
        height,
        Orientation.LANDSCAPE,
        area,
        counters,
        gap,
        t,
        needs,
        header=header,
        calling=calling,
        recent=recent,
        waiting=waiting,
        ticker=ticker,
    )


def _portrait(width: int, height: int, counters: int, gap: int, t: int, needs: TextNeeds) -> Layout:
    # Two header lines: the office name, then date and clock.
    header = Rect(0, 0, width, line_px(t * 1.2) + line_px(t * 1.3) + round(t * 0.4))
    ticker_h = round(t * TICKER_EM)
    ticker = Rect(0, height - ticker_h, width, ticker_h)
    inner_w = width - 2 * gap
    calling = Rect(gap, header.bottom + gap, inner_w, round(height * 0.24))
    table_w, table_h = _table_size(t, needs, round(inner_w * 0.7), round(height * 0.3))
    bottom_y = ticker.y - gap - table_h
    if needs.recent_calls:
        waiting = Rect(gap, bottom_y, table_w, table_h)
        recent = Rect(waiting.right + gap, bottom_y, inner_w - table_w - gap, table_h)
    else:
        waiting = Rect(gap, bottom_y, inner_w, table_h)
        recent = Rect(width - gap, bottom_y, 0, table_h)
    area_y = calling.bottom + gap
    area = Rect(gap, area_y, inner_w, bottom_y - gap - area_y)
    return _with_tiles(
        width,
        height,
        Orientation.PORTRAIT,
        area,
        counters,
        gap,
        t,
        needs,
        header=header,
        calling=calling,
        recent=recent,
        waiting=waiting,
        ticker=ticker,
    )
