"""Where each part of the wall display goes, as a pure function of the screen size.

The display is drawn by a handful of custom-painted panels placed by `compute_layout`, so
the same rules serve a 16:9 TV, a 4:3 monitor and a portrait screen, with 4 to 12 counters
(more still fit, smaller). Sizes are fractions of the screen, so what reads well at 10 m on
a 1080p TV reads the same on a 4K one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

#: Width of a ticket code like "A888" in ems of the bold display font (Noto Sans Bold: 2.41).
CODE_WIDTH_EM = 2.45
#: Height of capitals and digits in ems (Noto Sans: 0.714), what a reader sees of a number.
CAP_HEIGHT_EM = 0.74
#: Below this width/height ratio the screen is laid out as portrait.
PORTRAIT_BELOW = 1.2


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
class Layout:
    """Rectangles of every panel of the display, in window coordinates."""

    width: int
    height: int
    orientation: Orientation
    header: Rect
    calling: Rect
    tiles: tuple[Rect, ...]
    columns: int
    rows: int
    recent: Rect
    waiting: Rect
    ticker: Rect
    gap: int


def tile_grid(count: int, width: float, height: float, gap: float) -> tuple[int, int]:
    """Columns and rows for `count` tiles in a `width` x `height` area, largest code first.

    A tile spends about 55 % of its height and 88 % of its width on the code; the grid that
    lets the code be drawn largest wins, fewer empty cells breaking ties.
    """
    if count <= 0:
        return 1, 1
    best: tuple[float, int, int, int] | None = None
    for cols in range(1, count + 1):
        rows = math.ceil(count / cols)
        tile_w = (width - (cols - 1) * gap) / cols
        tile_h = (height - (rows - 1) * gap) / rows
        if tile_w <= 0 or tile_h <= 0:
            continue
        px = min(tile_w * 0.88 / CODE_WIDTH_EM, tile_h * 0.55 / CAP_HEIGHT_EM)
        empty = cols * rows - count
        key = (round(px, 1), -empty, -rows, cols)
        if best is None or key[:3] > best[:3]:
            best = key
    assert best is not None
    return best[3], math.ceil(count / best[3])


def _grid_rects(area: Rect, count: int, cols: int, rows: int, gap: int) -> tuple[Rect, ...]:
    tile_w = (area.w - (cols - 1) * gap) / cols
    tile_h = (area.h - (rows - 1) * gap) / rows
    rects = []
    for i in range(count):
        r, c = divmod(i, cols)
        x = area.x + round(c * (tile_w + gap))
        y = area.y + round(r * (tile_h + gap))
        rects.append(Rect(x, y, round(tile_w), round(tile_h)))
    return tuple(rects)


def compute_layout(width: int, height: int, counters: int) -> Layout:
    """The display's panels for a `width` x `height` window showing `counters` tiles."""
    width, height = max(width, 320), max(height, 240)
    short = min(width, height)
    gap = max(4, round(short * 0.012))
    if width / height < PORTRAIT_BELOW:
        return _portrait(width, height, counters, gap)
    return _landscape(width, height, counters, gap)


def _with_tiles(
    width: int,
    height: int,
    orientation: Orientation,
    area: Rect,
    counters: int,
    gap: int,
    **panels: Rect,
) -> Layout:
    """The layout with the counter tiles gridded into `area` (the rest is placed already)."""
    cols, rows = tile_grid(counters, area.w, area.h, gap)
    return Layout(
        width=width,
        height=height,
        orientation=orientation,
        tiles=_grid_rects(area, counters, cols, rows, gap),
        columns=cols,
        rows=rows,
        gap=gap,
        **panels,
    )


def _landscape(width: int, height: int, counters: int, gap: int) -> Layout:
    header_h = round(height * 0.095)
    ticker_h = round(height * 0.062)
    waiting_h = round(height * 0.15)
    side_w = round(width * (0.31 if width / height >= 1.6 else 0.36))
    header = Rect(0, 0, width, header_h)
    ticker = Rect(0, height - ticker_h, width, ticker_h)
    waiting = Rect(gap, ticker.y - gap - waiting_h, width - 2 * gap, waiting_h)
    body_y = header_h + gap
    body_h = waiting.y - gap - body_y
    side_x = width - gap - side_w
    calling_h = round(body_h * 0.54)
    calling = Rect(side_x, body_y, side_w, calling_h)
    recent = Rect(side_x, body_y + calling_h + gap, side_w, body_h - calling_h - gap)
    area = Rect(gap, body_y, side_x - 2 * gap, body_h)
    return _with_tiles(
        width,
        height,
        Orientation.LANDSCAPE,
        area,
        counters,
        gap,
        header=header,
        calling=calling,
        recent=recent,
        waiting=waiting,
        ticker=ticker,
    )


def _portrait(width: int, height: int, counters: int, gap: int) -> Layout:
    header_h = round(height * 0.07)
    ticker_h = round(height * 0.045)
    calling_h = round(height * 0.27)
    bottom_h = round(height * 0.2)
    header = Rect(0, 0, width, header_h)
    ticker = Rect(0, height - ticker_h, width, ticker_h)
    calling = Rect(gap, header_h + gap, width - 2 * gap, calling_h)
    bottom_y = ticker.y - gap - bottom_h
    half = (width - 3 * gap) // 2
    recent = Rect(gap, bottom_y, half, bottom_h)
    waiting = Rect(2 * gap + half, bottom_y, width - 3 * gap - half, bottom_h)
    area_y = calling.bottom + gap
    area = Rect(gap, area_y, width - 2 * gap, bottom_y - gap - area_y)
    return _with_tiles(
        width,
        height,
        Orientation.PORTRAIT,
        area,
        counters,
        gap,
        header=header,
        calling=calling,
        recent=recent,
        waiting=waiting,
        ticker=ticker,
    )
