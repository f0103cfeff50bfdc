"""Command-line options shared by the screens (Qt-free, so `kiosk --help` stays fast)."""

from __future__ import annotations

import argparse
import json
import logging
import re
from pathlib import Path
from typing import Any

from kiosk.core.errors import KioskError
from kiosk.core.files import OutputError, check_folder, check_target, write_atomic

log = logging.getLogger(__name__)

_GEOMETRY = re.compile(r"^(\d+)x(\d+)\+(-?\d+)\+(-?\d+)$")
#: Largest window size and offset `--geometry` takes (bigger than any screen).
MAX_PIXELS = 16384


class BadGeometry(KioskError):
    exit_code = 2


def parse_geometry(text: str) -> tuple[int, int, int, int]:
    """ "1280x720+0+0" (WIDTHxHEIGHT+X+Y) -> (x, y, width, height)."""
    m = _GEOMETRY.match(text.strip())
    if not m:
        raise BadGeometry(
            f"Kích thước cửa sổ không hợp lệ: {text} (ví dụ 1280x720+0+0)",
            f"Bad window geometry {text!r}; write WIDTHxHEIGHT+X+Y, e.g. 1280x720+0+0",
        )
    w, h, x, y = (int(g) for g in m.groups())
    if not (1 <= w <= MAX_PIXELS and 1 <= h <= MAX_PIXELS and max(abs(x), abs(y)) <= MAX_PIXELS):
        # Qt takes 32-bit ints: a huge number would end in an OverflowError traceback.
        raise BadGeometry(
            f"Kích thước cửa sổ không hợp lệ: {text} (rộng, cao 1–{MAX_PIXELS} điểm ảnh)",
            f"Bad window geometry {text!r}; width and height go from 1 to {MAX_PIXELS} "
            f"pixels, the place from -{MAX_PIXELS} to {MAX_PIXELS}",
        )
    return x, y, w, h


def add_window_options(p: argparse.ArgumentParser) -> None:
    """`--windowed`, `--screen N`, `--geometry WxH+X+Y` for a screen's command."""
    p.add_argument("--windowed", action="store_true", help="a normal window, not full screen")
    p.add_argument("--screen", type=int, metavar="N", help="screen index (overrides the config)")
    p.add_argument(
        "--geometry", metavar="WxH+X+Y", help="window size and place (implies --windowed)"
    )


def add_counter_screen_options(p: argparse.ArgumentParser, shows: str) -> None:
    """The arguments of a counter's screen: its number N, the window options and
    `--snapshot PATH` (writing what `shows` as JSON after changes)."""
    p.add_argument("number", type=int, metavar="N", help="counter number")
    add_window_options(p)
    p.add_argument(
        "--snapshot", metavar="PATH", help=f"write what {shows} shows as JSON after changes"
    )


def output_file(text: str | None) -> Path | None:
    """A screen's `--snapshot`/`--screenshot` PATH, checked before any window opens.

    Missing folders on the way are made; a folder, device, pipe or link at PATH is refused
    with one line (the screen would otherwise replace it on every render).
    """
    if not text:
        return None
    path = Path(text).expanduser()
    check_folder(path.parent, create=True, parents=True)
    return check_target(path)


def write_snapshot(path: Path | None, state: dict[str, Any]) -> None:
    """Write a screen's state as JSON at its `--snapshot` PATH (none given: nothing).

    Atomic, so a reader never sees half a file; a write that fails (a full disk, a folder
    put at PATH since) is logged, never stops the screen.
    """
    if path is None:
        return
    try:
        write_atomic(path, json.dumps(state, ensure_ascii=False, indent=1), folders=True)
    except OutputError as exc:
        log.warning("%s", exc.message_en)
