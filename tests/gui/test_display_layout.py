"""The wall display's layout and legibility, measured on the real painted widgets.

Readable at 10 m: on a 1920×1080 screen every string is at least 32 px (scaled by the
screen's diagonal elsewhere), drawn whole inside its box (nothing elided, cut or overlapping),
tile numbers at least 11 % of the screen height, the newest called number at least 12 %, and
every string at 7:1 contrast with what is behind it. Checked on 16:9 (1920×1080, 1366×768),
4:3 and portrait screens with six counters, and on a busy centre with more counters and fields.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Callable, Iterator
from itertools import pairwise

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage
from pytestqt.qtbot import QtBot

from display.board import FIELD_SEPARATOR, build_board
from display.layout import (
    KEEP_FIELD_LINE,
    Orientation,
    Rect,
    TextNeeds,
    compute_layout,
    min_text_px,
    tile_grid,
    tile_parts,
)
from display.painting import measure_needs, two_lines_em
from display.panels import CallingPanel, Panel, TickerPanel, TilePanel
from display.screenshots import centre_config
from display.window import DisplayWindow
from kiosk.core.clock import ManualClock
from kiosk.core.config import Config
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.gui.theme import COLOURS, contrast_ratio, font
from tests.support import local, make_config

SCREENS = {
    "16:9": (1920, 1080),
    "768p": (1366, 768),
    "4:3": (1600, 1200),
    "portrait": (1080, 1920),
}


def overlaps(a: Rect, b: Rect) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("counters", [4, 5, 6, 8, 10, 12, 16, 24])
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
    for t in lay.tiles:
        assert 0.4 < t.w / t.h < 4.5, t


def test_without_recent_calls_the_tiles_take_their_room() -> None:
    with_recent = compute_layout(1920, 1080, 6, TextNeeds(recent_calls=6))
    without = compute_layout(1920, 1080, 6, TextNeeds(recent_calls=0))
    assert without.recent.w * without.recent.h == 0
    assert without.tiles[0].h > with_recent.tiles[0].h


def test_smallest_text_follows_the_screen_diagonal() -> None:
    assert min_text_px(1920, 1080) == 32
    assert min_text_px(1080, 1920) == 32  # the same screen turned
    assert min_text_px(3840, 2160) == 64
    assert min_text_px(1366, 768) == 23
    assert min_text_px(1600, 1200) == 29


def test_layout_defaults_are_the_shipped_field_names_as_measured(qapp: object) -> None:
    cfg = make_config()
    needs = measure_needs([f.name for f in cfg.fields], cfg.display.recent_calls)
    default = TextNeeds()
    assert needs.field_em == pytest.approx(default.field_em, abs=0.01)
    assert needs.field_two_lines_em == pytest.approx(default.field_two_lines_em, abs=0.01)
    assert (needs.fields, needs.recent_calls) == (default.fields, default.recent_calls)
    # The evenest break of the longest name: never a line that starts with a dash.
    metrics = QFontMetricsF(font(100))
    assert two_lines_em(metrics, "Lao động – Người có công – Xã hội") == pytest.approx(
        metrics.horizontalAdvance("Lao động – Người") / 100
    )


def number_px(count: int, cols: int, w: int, h: int, gap: int, t: int, lines: int) -> float:
    rows = -(-count // cols)
    tile_w, tile_h = int((w - (cols - 1) * gap) / cols), int((h - (rows - 1) * gap) / rows)
    return tile_parts(tile_w, tile_h, t, lines).code_px()


@pytest.mark.parametrize("count", range(1, 17))
@pytest.mark.parametrize("area", [(1197, 798), (1050, 760), (920, 930), (1056, 860)])
def test_grid_draws_the_numbers_largest_with_the_field_line_where_it_fits(
    count: int, area: tuple[int, int]
) -> None:
    w, h = area
    needs = TextNeeds()
    cols, rows, lines = tile_grid(count, w, h, 12, 32, needs)
    assert rows == -(-count // cols)
    chosen = number_px(count, cols, w, h, 12, 32, lines)
    # No grid draws bare numbers (no field line) much larger than the one chosen draws them.
    bare_best = max(number_px(count, c, w, h, 12, 32, 0) for c in range(1, count + 1))
    assert chosen >= KEEP_FIELD_LINE * bare_best - 0.1
    if lines:  # the field line fits the tile: the longest name at 32 px, in `lines` lines
        tile_w = int((w - (cols - 1) * 12) / cols)
        em = needs.field_em if lines == 1 else needs.field_two_lines_em
        assert em * 32 <= tile_parts(tile_w, 100, 32, lines).field.w


# ------------------------------------------------------------------ real windows


def open_point(folder_factory: pytest.TempPathFactory, cfg: Config, name: str) -> QueueService:
    """A morning on a fresh SQLite file: counters serving, one paused, the last one closed.

    Every field has people waiting; counters 1-3 have served a few citizens already, so the
    recent calls are full; the second-to-last counter is paused, the last never opened.
    """
    folder = folder_factory.mktemp(name)
    svc = QueueService(
        Store.open(f"sqlite:///{folder / 'k.db'}"), cfg, ManualClock(local(2026, 11, 23, 9, 30))
    )
    for f in cfg.fields:
        for _ in range(12 if f.code in ("hotich", "kinhte") else 3):
            svc.issue(f.code)
    last = cfg.counters[-1].number
    paused = cfg.counters[-2].number
    for c in cfg.counters[:3]:
        for _ in range(3):
            svc.call_next(c.number)
            svc.complete(c.number)
    for c in cfg.counters:
        if c.number not in (paused, last):
            svc.call_next(c.number)
    svc.open_counter(paused)
    svc.pause_counter(paused, "Họp giao ban")
    return svc


@pytest.fixture(scope="module")
def points(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., QueueService]]:
    """Services on fresh SQLite files (one per counter and field count)."""
    made: dict[tuple[int, int], QueueService] = {}

    def make(counters: int, more_fields: int = 0) -> QueueService:
        key = (counters, more_fields)
        if key not in made:
            cfg = centre_config(counters, more_fields)
            made[key] = open_point(tmp_path_factory, cfg, f"display{counters}-{more_fields}")
        return made[key]

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
    window.grab()  # paints every panel, recording what it drew
    return window


def drawn_rect(run: object) -> QRectF:
    return QRectF(*run.drawn)  # type: ignore[attr-defined]


def check_whole_and_large(panel: Panel, min_px: int) -> None:
    """Every string of the panel: at least `min_px`, whole, inside its box, not overlapping."""
    assert panel.runs, panel
    inside = QRectF(0, 0, panel.width(), panel.height()).adjusted(-0.5, -0.5, 0.5, 0.5)
    for run in panel.runs:
        assert run.pixel_size >= min_px, (type(panel).__name__, run.text, run.pixel_size)
        if isinstance(panel, TickerPanel):
            continue  # it scrolls through its box by design
        assert not run.elided, run.text
        fm = QFontMetricsF(font(run.pixel_size, bold=run.bold))
        box = QRectF(run.x, run.y, run.w, run.h).adjusted(-0.5, -0.5, 0.5, 0.5)
        drawn = drawn_rect(run)
        # What was drawn (lines of text at their full height, or a code's ink) is in its box,
        # and the box is in the panel: nothing is clipped.
        assert box.contains(drawn), (type(panel).__name__, run.text, box, drawn)
        assert inside.contains(drawn), (type(panel).__name__, run.text, drawn, inside)
        if run.wrap:  # broken between words, every line within the box's width
            laid = fm.boundingRect(QRectF(0, 0, run.w, 1e6), Qt.TextFlag.TextWordWrap, run.text)
            assert laid.width() <= run.w + 0.5 and laid.height() <= run.h + 0.5, (run.text, laid)
        elif not run.tight:
            assert fm.horizontalAdvance(run.text) <= run.w + 0.5, (run.text, run.w)
            assert fm.height() <= run.h + 0.5, (run.text, fm.height(), run.h)
    others = [r for r in panel.runs if not isinstance(panel, TickerPanel)]
    for i, a in enumerate(others):
        for b in others[i + 1 :]:
            assert not drawn_rect(a).intersects(drawn_rect(b)), (a.text, b.text)


def tile_number_heights(window: DisplayWindow) -> list[float]:
    return [
        next(r.ink_height for r in t.runs if r.text == t.view.code)
        for t in window.tiles
        if t.view is not None and t.view.code
    ]


def test_at_1080p_every_text_is_32_px_whole_and_tile_numbers_11_percent_high(
    qtbot: QtBot, points: Callable[..., QueueService]
) -> None:
    window = show(qtbot, points(6), 1920, 1080)
    states = {t.view.state.value for t in window.tiles if t.view}
    assert states == {"serving", "paused", "closed"}
    assert window.layout_.text_px == 32
    for panel in window.panels():
        check_whole_and_large(panel, 32)
    heights = tile_number_heights(window)
    assert len(heights) == 4 and min(heights) >= 0.11 * 1080, heights
    drawn = {r.text for p in window.panels() for r in p.runs}
    # Each field name whole on one line: in the waiting table, on the tiles that serve it.
    for f in window.config.fields:
        assert f.name in drawn, f.name
    for tile in window.tiles:
        assert tile.view is not None
        if tile.view.field_vi:
            lines = {r.text.replace("\n", FIELD_SEPARATOR) for r in tile.runs} | {
                r.text.replace("\n", " ") for r in tile.runs
            }
            assert tile.view.field_vi in lines, tile.view.field_vi
    for text in ("SỐ VỪA GỌI", "Recent calls", "ĐANG CHỜ", "Waiting", "MỜI SỐ", "NOW CALLING"):
        assert text in drawn
    assert len(window.recent.shown()) >= 4
    # The outage notice replaces the office name and is as large.
    window.set_online(False)
    window.grab()
    check_whole_and_large(window.header, 32)
    assert any("gián đoạn" in r.text for r in window.header.runs)


#: Smallest tile numbers (glyph height / screen height) with six counters, per screen.
SIX_COUNTER_TILES = {"16:9": 0.11, "768p": 0.11, "4:3": 0.09, "portrait": 0.05}


@pytest.mark.parametrize("screen", SCREENS)
def test_six_counters_on_every_screen_keep_text_at_its_minimum_whole(
    qtbot: QtBot, points: Callable[..., QueueService], screen: str
) -> None:
    w, h = SCREENS[screen]
    window = show(qtbot, points(6), w, h)
    t = min_text_px(w, h)
    for panel in window.panels():
        check_whole_and_large(panel, t)
    assert min(tile_number_heights(window)) >= SIX_COUNTER_TILES[screen] * h
    assert window.waiting.pages() == 1  # all seven fields at once
    assert len(window.recent.shown()) >= 4


@pytest.mark.parametrize(
    ("counters", "more_fields", "tile_share"), [(12, 0, 0.085), (16, 7, 0.055), (24, 7, 0.045)]
)
def test_a_busy_centre_keeps_32_px_text_and_turns_the_waiting_table_pages(
    qtbot: QtBot,
    points: Callable[..., QueueService],
    counters: int,
    more_fields: int,
    tile_share: float,
) -> None:
    window = show(qtbot, points(counters, more_fields), 1920, 1080)
    for panel in window.panels():
        check_whole_and_large(panel, 32)
    assert min(tile_number_heights(window)) >= tile_share * 1080
    waiting = window.waiting
    fields = [f.name for f in window.config.fields]
    seen: set[str] = set()
    waiting.pager.setInterval(50)  # the real page timer, faster
    waiting.pager.start()
    for _ in range(waiting.pages()):
        window.grab()
        check_whole_and_large(waiting, 32)
        page = {r.text.replace("\n", " ") for r in waiting.runs}
        seen |= page & set(fields)
        if waiting.pages() > 1:
            before = waiting.page
            qtbot.waitUntil(lambda before=before: waiting.page != before, timeout=2000)
    assert seen == set(fields)
    if more_fields:
        assert waiting.pages() > 1
        state = window.visible_state()
        assert state["waiting_page"][1] == waiting.pages()
        assert len(state["waiting"]) == len(fields)  # the snapshot lists every field


def colour_at(image: QImage, x: int, y: int) -> str:
    return QColor(image.pixel(x, y)).name().upper()


def check_contrast(panel: Panel, image: QImage) -> None:
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
    qtbot: QtBot, points: Callable[..., QueueService], screen: str, counters: int
) -> None:
    w, h = SCREENS[screen]
    window = show(qtbot, points(counters), w, h)
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
        check_contrast(panel, image)


def test_all_tiles_draw_their_numbers_at_one_size(
    qtbot: QtBot, points: Callable[..., QueueService]
) -> None:
    window = show(qtbot, points(6), 1920, 1080)
    tiles: list[TilePanel] = window.tiles
    assert len({t.code_pixel_size() for t in tiles}) == 1
    sizes = {r.pixel_size for t in tiles for r in t.runs if t.view and r.text == t.view.code}
    assert len(sizes) == 1


def test_colours_of_every_state_reach_7_to_1() -> None:
    c = COLOURS
    pairs = [
        (c.text, c.surface),  # tile numbers
        (c.muted, c.surface),  # counter names, fields
        (c.accent, c.surface),  # waiting counts, paused note
        (c.background, c.accent),  # newest call, and a blinking tile
        (c.accent, c.background),  # newest call, blink phase
        (c.text, c.surface_alt),  # ticker, prefix badges
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
