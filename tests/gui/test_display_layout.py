"""The wall display's layout and legibility, measured on the real painted widgets.

Readable at 10 m: the newest called number is drawn at least 12 % of the screen height
tall, and every string on the screen has a contrast of at least 7:1 with what is behind it.
Checked for 4, 6 and 12 counters on 16:9, 4:3 and portrait screens.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Callable, Iterator
from itertools import pairwise

import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from display.board import build_board
from display.layout import Orientation, Rect, compute_layout, tile_grid
from display.panels import CallingPanel, Panel, TilePanel
from display.window import DisplayWindow
from kiosk.core.clock import ManualClock
from kiosk.core.config import Config, CounterConfig
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.gui.theme import COLOURS, contrast_ratio
from tests.support import local, make_config

SCREENS = {"16:9": (1920, 1080), "4:3": (1600, 1200), "portrait": (1080, 1920)}


def config_with_counters(n: int) -> Config:
    """The shipped config with `n` counters; counter k serves what counter ((k-1) % 6)+1 does."""
    base = make_config()
    counters = [CounterConfig(number=i) for i in range(1, n + 1)]
    fields = [
        f.model_copy(
            update={"counters": [c for c in range(1, n + 1) if (c - 1) % 6 + 1 in f.counters]}
        )
        for f in base.fields
    ]
    return base.model_copy(update={"counters": counters, "fields": fields})


def overlaps(a: Rect, b: Rect) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("counters", [4, 5, 6, 8, 10, 12])
def test_panels_fit_the_screen_without_overlapping(screen: str, counters: int) -> None:
    w, h = SCREENS[screen]
    lay = compute_layout(w, h, counters)
    assert lay.orientation is (
        Orientation.PORTRAIT if screen == "portrait" else Orientation.LANDSCAPE
    )
    assert len(lay.tiles) == counters
    assert lay.columns * lay.rows >= counters > (lay.rows - 1) * lay.columns
    panels = [lay.header, lay.calling, lay.recent, lay.waiting, lay.ticker, *lay.tiles]
    for r in panels:
        assert r.x >= 0 and r.y >= 0 and r.right <= w and r.bottom <= h, r
        assert r.w > 0 and r.h > 0
    for i, a in enumerate(panels):
        for b in panels[i + 1 :]:
            assert not overlaps(a, b), (a, b)
    # Tiles of a row share a height, and no tile is a sliver.
    for t in lay.tiles:
        assert 0.4 < t.w / t.h < 4.5, t


def code_px(cols: int, rows: int, w: float, h: float, gap: float) -> float:
    from display.layout import CAP_HEIGHT_EM, CODE_WIDTH_EM

    tile_w, tile_h = (w - (cols - 1) * gap) / cols, (h - (rows - 1) * gap) / rows
    return min(tile_w * 0.88 / CODE_WIDTH_EM, tile_h * 0.55 / CAP_HEIGHT_EM)


@pytest.mark.parametrize("count", range(1, 17))
@pytest.mark.parametrize("area", [(1300, 740), (1050, 760), (1040, 760), (600, 900)])
def test_grid_is_the_arrangement_with_the_largest_numbers(
    count: int, area: tuple[int, int]
) -> None:
    w, h = area
    cols, rows = tile_grid(count, w, h, 12)
    assert rows == -(-count // cols)
    best = max(code_px(c, -(-count // c), w, h, 12) for c in range(1, count + 1))
    assert code_px(cols, rows, w, h, 12) == pytest.approx(best, abs=0.1)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[int], QueueService]]:
    """Services on fresh SQLite files where every counter holds a ticket (one per size)."""
    made: dict[int, QueueService] = {}

    def make(counters: int) -> QueueService:
        if counters in made:
            return made[counters]
        cfg = config_with_counters(counters)
        folder = tmp_path_factory.mktemp(f"display{counters}")
        svc = QueueService(
            Store.open(f"sqlite:///{folder / 'k.db'}"), cfg, ManualClock(local(2026, 11, 23, 9, 30))
        )
        for c in cfg.counters:
            field = cfg.fields_of_counter(c.number)[0]
            svc.issue(field)
            svc.issue(field)
        for c in cfg.counters:
            svc.call_next(c.number)
        made[counters] = svc
        return svc

    yield make
    for svc in made.values():
        svc.store.close()


def show(qtbot: QtBot, svc: QueueService, w: int, h: int) -> DisplayWindow:
    window = DisplayWindow(svc.config, svc.clock)
    qtbot.addWidget(window)
    window.resize(w, h)
    snap = svc.snapshot(recent=14)
    window.show_board(build_board(snap, svc.config, svc.config.display.recent_calls))
    window.stop()
    return window


def colour_at(image: QImage, x: int, y: int) -> str:
    return QColor(image.pixel(x, y)).name().upper()


def check_runs(panel: Panel, image: QImage) -> None:
    """Every string the panel drew: ≥ 7:1 contrast, and really drawn on that background."""
    assert panel.runs, panel
    origin = panel.geometry().topLeft()
    for run in panel.runs:
        ratio = contrast_ratio(run.fg, run.bg)
        assert ratio >= 7.0, (run.text, run.fg, run.bg, round(ratio, 2))
        x0, y0 = origin.x() + int(run.x) + 1, origin.y() + int(run.y) + 1
        x1 = min(
            origin.x() + int(run.x + run.w) - 1, origin.x() + panel.width() - 1, image.width() - 1
        )
        y1 = min(
            origin.y() + int(run.y + run.h) - 1, origin.y() + panel.height() - 1, image.height() - 1
        )
        step = max(1, (x1 - x0) // 40)
        seen = Tally(
            colour_at(image, x, y)
            for x in range(max(0, x0), x1, step)
            for y in range(max(0, y0), y1, max(1, (y1 - y0) // 12))
        )
        assert seen, run
        assert seen.most_common(1)[0][0] == run.bg.upper(), (run.text, seen.most_common(3))


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("counters", [4, 6, 12])
def test_called_number_is_12_percent_of_the_screen_and_text_contrast_7_to_1(
    qtbot: QtBot, filled: Callable[[int], QueueService], screen: str, counters: int
) -> None:
    w, h = SCREENS[screen]
    svc = filled(counters)
    window = show(qtbot, svc, w, h)
    image = window.grab().toImage()
    assert (image.width(), image.height()) == (w, h)
    calling: CallingPanel = window.calling
    newest = window.board.newest if window.board else None
    assert newest is not None
    code_run = next(r for r in calling.runs if r.text == newest.code)
    assert code_run.ink_height >= 0.12 * h, (code_run.ink_height, h)
    # The glyphs are really there, in the number's colour.
    origin = calling.geometry().topLeft()
    ink = {
        colour_at(image, origin.x() + x, origin.y() + y)
        for x in range(int(code_run.x), int(code_run.x + code_run.w), 5)
        for y in range(int(code_run.y), int(code_run.y + code_run.h), 5)
    }
    assert code_run.fg.upper() in ink
    for panel in window.panels():
        check_runs(panel, image)


@pytest.mark.parametrize("screen", ["16:9", "4:3"])
def test_six_counter_tiles_show_numbers_a_tenth_of_the_screen_high(
    qtbot: QtBot, filled: Callable[[int], QueueService], screen: str
) -> None:
    w, h = SCREENS[screen]
    svc = filled(6)
    window = show(qtbot, svc, w, h)
    window.grab()
    tiles: list[TilePanel] = window.tiles
    heights = [
        next(r.ink_height for r in t.runs if t.view and r.text == t.view.code) for t in tiles
    ]
    assert min(heights) >= 0.09 * h, heights
    # All tiles draw their numbers at one size, whatever the code.
    assert len({t.code_pixel_size() for t in tiles}) == 1


def test_colours_of_every_state_reach_7_to_1() -> None:
    c = COLOURS
    pairs = [
        (c.text, c.surface),  # tile numbers
        (c.muted, c.surface),  # counter names, fields
        (c.accent, c.surface),  # waiting counts, paused note
        (c.background, c.accent),  # newest call, and a blinking tile
        (c.accent, c.background),  # newest call, blink phase
        (c.text, c.surface_alt),  # ticker
        (c.text, c.alert),  # outage notice
    ]
    for fg, bg in pairs:
        assert contrast_ratio(fg, bg) >= 7.0, (fg, bg)


def test_layout_rows_stack_from_top_to_bottom() -> None:
    lay = compute_layout(1920, 1080, 6)
    ys = sorted({t.y for t in lay.tiles})
    assert len(ys) == lay.rows
    for a, b in pairwise(ys):
        assert b > a
    assert lay.header.bottom <= min(ys) and lay.ticker.y >= lay.waiting.bottom
