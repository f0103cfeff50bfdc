"""PNGs of a counter console on a busy morning (`make screenshots`)."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.core.clock import ManualClock
from kiosk.core.config import default_config_text, parse_config
from kiosk.core.errors import CallTooSoon, DatabaseUnavailable
from kiosk.core.pin import hash_pin
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.core.texts import PIN_WRONG, Text
from kiosk.counter import actions
from kiosk.counter.state import load_state
from kiosk.counter.texts import DB_DOWN
from kiosk.counter.window import CounterConsole
from kiosk.gui.runtime import application

#: (file name, width, height, what to show); "refused" changes the queue, so it comes last.
SHOTS = (
    ("counter-console.png", 1366, 768, "busy"),
    ("counter-console-offline.png", 1366, 768, "offline"),
    ("counter-console-small.png", 800, 560, "busy"),
    ("counter-console-refused.png", 1366, 768, "refused"),
)
#: The sign-in page (officers configured, nobody signed in at counter 2): the names, then a PIN.
SIGN_IN_SHOTS = (
    ("counter-signin.png", 1366, 768, "list"),
    ("counter-signin-pin.png", 1366, 768, "pin"),
    ("counter-signin-small.png", 800, 560, "list"),
    ("counter-console-officer.png", 1366, 768, "signed"),  # signs in: the last one
)
#: The officers of the sign-in screenshots (Phạm Quốc Bảo's PIN: 246810).
OFFICERS = """
[[officers]]
id = "lan"
name = "Nguyễn Thị Lan"

[[officers]]
id = "bao"
name = "Phạm Quốc Bảo"
pin_hash = "{pin}"

[[officers]]
id = "huong"
name = "Trần Thị Thu Hương"
counters = [1, 2, 3]

[[officers]]
id = "dung"
name = "Lê Văn Dũng"
counters = [5, 6]
"""


def _console(service: QueueService, counter: int, w: int, h: int) -> CounterConsole:
    console = CounterConsole(service, counter, open_on_start=False)
    console.resize(w, h)
    console.show()
    console._show_state(load_state(service, counter))
    console._tick()
    console.stop()
    return console


def _pressed_plus_twice(service: QueueService, clock: ManualClock, counter: int) -> CallTooSoon:
    """The clerk presses "+" (2 dossiers), then again a second later: the call guard's line."""
    held = load_state(service, counter).ticket
    actions.call_next(service, counter, dossiers=2, held=held.code if held else None)
    clock.advance(seconds=1)
    called = load_state(service, counter).ticket
    if called is None:
        raise AssertionError("the first call left no ticket at the counter")
    try:
        actions.call_next(service, counter, held=called.code)
    except CallTooSoon as exc:
        return exc
    raise AssertionError("the call guard let a second call through")


def save_screenshots(out_dir: Path) -> list[Path]:
    """counter-console*.png: counter 2 mid-morning, a refusal, the database outage banner;
    counter-signin*.png: its sign-in page, the names and a wrong PIN."""
    from kiosk.demo import simulate_morning

    app = application("kiosk-screenshots")
    asyncio.set_event_loop(asyncio.new_event_loop())
    out_dir.mkdir(parents=True, exist_ok=True)
    cfg = parse_config(default_config_text())
    zone = cfg.zone
    clock = ManualClock(datetime(2026, 11, 23, 7, 30, tzinfo=zone))
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{Path(tmp) / 'kiosk.db'}")
        try:
            service = QueueService(store, cfg, clock)
            simulate_morning(
                service, clock, datetime(2026, 11, 23, 10, 14, tzinfo=zone), arrivals_per_minute=1.0
            )
            clock.advance(minutes=3, seconds=25)
            for name, w, h, kind in SHOTS:
                refusal = _pressed_plus_twice(service, clock, 2) if kind == "refused" else None
                console = _console(service, 2, w, h)
                if console.waiting_list.count() > 2:
                    console.waiting_list.item(2).setSelected(True)
                code = console.code_label.text()
                if refusal is not None:
                    console.dossiers.setValue(2)
                    console._say(refusal.text, "refused")
                elif kind == "offline":
                    console._on_unavailable(DatabaseUnavailable("mất kết nối", "connection lost"))
                    console._say(DB_DOWN, "refused")
                else:
                    console._say(Text(f"Đã gọi số {code}", f"Called {code}"), "ok")
                written.append(_save(app, console, out_dir / name))
            staffed = QueueService(
                store,
                parse_config(default_config_text() + OFFICERS.format(pin=hash_pin("246810"))),
                clock,
            )
            for name, w, h, kind in SIGN_IN_SHOTS:
                if kind == "signed":
                    staffed.sign_in(2, "huong")
                console = _console(staffed, 2, w, h)
                if kind == "pin":
                    console.sign_in_page.pick(1)
                    console.sign_in_page.pin.setText("2468")
                    console.sign_in_page.say(PIN_WRONG.fill(n=3), "refused")
                written.append(_save(app, console, out_dir / name))
        finally:
            store.close()
    return written


def _save(app: Any, console: CounterConsole, path: Path) -> Path:
    for _ in range(3):
        app.processEvents()
        layout = console.layout()
        if layout is not None:
            layout.activate()
    console.grab().save(str(path))
    console.deleteLater()
    return path
