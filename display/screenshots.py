"""PNGs of the wall display mid-morning with six busy counters (`make screenshots`)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from display.board import build_board
from display.window import DisplayWindow
from kiosk.core.clock import ManualClock
from kiosk.core.config import Config, default_config_text, parse_config
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.gui.runtime import application

#: (file name, width, height)
SIZES = (
    ("display-16x9.png", 1920, 1080),
    ("display-portrait.png", 1080, 1920),
    ("display-4x3.png", 1600, 1200),
)


@contextmanager
def busy_morning(config: Config | None = None) -> Iterator[tuple[QueueService, ManualClock]]:
    """A temporary database after a busy morning at the Trần Phú point (Mon 23/11/2026)."""
    from kiosk.demo import simulate_morning

    cfg = config or parse_config(default_config_text())
    zone = cfg.zone
    from datetime import datetime

    clock = ManualClock(datetime(2026, 11, 23, 7, 30, tzinfo=zone))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{Path(tmp) / 'kiosk.db'}")
        try:
            service = QueueService(store, cfg, clock)
            simulate_morning(
                service, clock, datetime(2026, 11, 23, 10, 14, tzinfo=zone), arrivals_per_minute=1.1
            )
            yield service, clock
        finally:
            store.close()


def render_display(
    service: QueueService, clock: ManualClock, width: int, height: int
) -> DisplayWindow:
    """A display window of the given size showing the service's current state."""
    cfg = service.config
    window = DisplayWindow(cfg, clock)
    window.resize(width, height)
    snap = service.snapshot(recent=cfg.display.recent_calls * 2 + 2)
    window.show_board(build_board(snap, cfg, cfg.display.recent_calls))
    window.stop()  # a still picture: steady highlight, ticker at its start
    return window


def save_screenshots(out_dir: Path) -> list[Path]:
    """display-16x9.png, display-portrait.png and display-4x3.png in `out_dir`."""
    application("kiosk-screenshots")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with busy_morning() as (service, clock):
        for name, w, h in SIZES:
            window = render_display(service, clock, w, h)
            path = out_dir / name
            window.grab().save(str(path))
            window.deleteLater()
            written.append(path)
    return written
