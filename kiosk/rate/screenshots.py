"""PNGs of the rating screen at a counter, portrait and landscape (`make screenshots`)."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from kiosk.core.clock import ManualClock
from kiosk.core.config import default_config_text, parse_config
from kiosk.core.queue import QueueService
from kiosk.core.ratings import RatingLevel
from kiosk.core.store import Store
from kiosk.gui.runtime import application
from kiosk.rate.window import THANKS, RateScreen

#: A tablet at the counter, either way up.
SHAPES = (("portrait", 800, 1280), ("landscape", 1280, 800))


def save_screenshots(out_dir: Path) -> list[Path]:
    """rate-{idle,faces,reasons,thanks}-{portrait,landscape}.png."""
    app = application("kiosk-screenshots")
    config = parse_config(default_config_text())
    clock = ManualClock(datetime(2026, 12, 7, 9, 40, tzinfo=config.zone))
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{Path(tmp) / 'kiosk.db'}")
        try:
            service = QueueService(store, config, clock)
            ticket = service.issue("hotich").ticket
            service.call_next(1)
            service.complete(1)
            for shape, w, h in SHAPES:
                screen = RateScreen(service, 1, logical_dpi=160.0)  # a tablet's density
                screen.setFixedSize(w, h)
                screen.show()

                def shot(page: str, screen: RateScreen = screen, shape: str = shape) -> None:
                    app.processEvents()
                    path = out_dir / f"rate-{page}-{shape}.png"
                    screen.grab().save(str(path))
                    written.append(path)

                shot("idle")
                screen.offer(ticket.id, ticket.code)
                shot("faces")
                screen.tap(RatingLevel.NEUTRAL)  # a low level: the reasons
                screen.chips[0].setChecked(True)
                shot("reasons")
                screen.show_page(THANKS)
                shot("thanks")
                screen.close()
        finally:
            store.close()
    return written
