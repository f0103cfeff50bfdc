"""`[display] show_officer` (issue #18): each counter tile names the officer signed in there,
under the counter's name, smaller, cut with "…" when long, never over the number."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from display.screenshots import OFFICERS, officers_config
from display.window import DisplayWindow
from kiosk.core.clock import ManualClock
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from tests.gui.test_display_layout import check_whole_and_large, drawn_rect, show
from tests.support import local

LONG = OFFICERS[4][1]  # "Tôn Nữ Hoàng Khánh Ngọc Phương Thảo"


@pytest.fixture
def staffed(tmp_path: Path) -> Iterator[QueueService]:
    """Officers at counters 1, 2, 3 and 5 (a long name), each holding a ticket; nobody at 4
    and 6."""
    store = Store.open(f"sqlite:///{tmp_path / 'kiosk.db'}")
    svc = QueueService(store, officers_config(), ManualClock(local(2026, 11, 23, 9, 0)))
    for counter, (officer, _) in enumerate(OFFICERS, 1):
        if counter != 4:
            svc.sign_in(counter, officer)
    for field in ("hotich", "hotich", "chungthuc", "datdai", "xahoi", "ketqua"):
        svc.issue(field)
    for counter in (1, 2, 3, 5):
        svc.call_next(counter)
    yield svc
    store.close()


def tiles(window: DisplayWindow) -> dict[int, object]:
    return {t.view.counter: t for t in window.tiles if t.view is not None}


def test_each_tile_names_its_officer_under_the_counter_and_above_the_number(
    qtbot: QtBot, staffed: QueueService
) -> None:
    window = show(qtbot, staffed, 1920, 1080)
    shown = {n: t.view.officer for n, t in tiles(window).items()}  # type: ignore[attr-defined]
    assert shown == {
        1: "Nguyễn Thị Lan",
        2: "Phạm Quốc Bảo",
        3: "Trần Thị Thu Hương",
        4: "",  # nobody signed in: the line stays empty, the number keeps its size
        5: LONG,
        6: "",
    }
    for number, tile in tiles(window).items():
        check_whole_and_large(tile, 32)  # type: ignore[arg-type]
        runs = tile.runs  # type: ignore[attr-defined]
        label = next(r for r in runs if r.text == f"QUẦY {number}")
        code = next((r for r in runs if r.text == tile.view.code), None)  # type: ignore[attr-defined]
        name = [r for r in runs if r.text == shown[number] or r.text.endswith("…")]
        if not shown[number]:
            assert name == []
            continue
        (officer,) = name
        assert officer.pixel_size < label.pixel_size  # smaller than the counter's name
        assert drawn_rect(label).bottom() <= drawn_rect(officer).top()
        assert code is not None  # these four hold a ticket
        assert drawn_rect(officer).bottom() <= drawn_rect(code).top()  # never over the number
        if number == 5:
            assert officer.text.endswith("…") and officer.text[:-1] in LONG
    # The numbers give the officer's line its room and stay large: 7 % of the screen's height
    # (11 % without the line, tests/gui/test_display_layout.py).
    heights = [
        r.ink_height for t in window.tiles for r in t.runs if t.view and r.text == t.view.code
    ]
    assert len(heights) == 4 and min(heights) >= 0.07 * 1080, heights


def test_off_by_default_no_tile_names_anyone(qtbot: QtBot, staffed: QueueService) -> None:
    quiet = staffed.config.model_copy(
        update={"display": staffed.config.display.model_copy(update={"show_officer": False})}
    )
    plain = QueueService(staffed.store, quiet, staffed.clock)
    window = show(qtbot, plain, 1920, 1080)
    assert {t.view.officer for t in window.tiles if t.view is not None} == {None}
    texts = {r.text for t in window.tiles for r in t.runs}
    assert not {name for _, name in OFFICERS} & texts
