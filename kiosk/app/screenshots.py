"""PNGs of every kiosk screen for review (`make screenshots`), on a realistic morning.

A temporary SQLite database holds a Monday at the Trần Phú point: people waiting in most
fields, a few served (so estimates come from history), "Đất đai – Xây dựng" closed for the day.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import qasync
from PySide6.QtWidgets import QApplication

from kiosk.app.window import KioskWindow, Timings
from kiosk.core.catalogue import Catalogue, parse_catalogue, sample_text
from kiosk.core.clock import ManualClock
from kiosk.core.config import Config, default_config_text, parse_config
from kiosk.core.errors import DatabaseUnavailable
from kiosk.core.pin import hash_pin
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.gui.runtime import application

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
LANDSCAPE = (1920, 1080)
PORTRAIT = (1080, 1920)
#: (field, tickets issued this morning, of which served) for a believable 09:12 queue.
MORNING = (
    ("hotich", 14, 9),
    ("chungthuc", 22, 17),
    ("datdai", 3, 3),
    ("xahoi", 6, 4),
    ("tuphap", 2, 2),
    ("kinhte", 5, 3),
    ("ketqua", 9, 8),
)


def demo_config(printer_file: Path, *, printer_ok: bool = True) -> Config:
    """The shipped default config with a PIN, a printer file and (optionally) a dead printer."""
    text = default_config_text().replace(
        'admin_pin_hash = ""', f'admin_pin_hash = "{hash_pin("246810", iterations=1000)}"'
    )
    if printer_ok:
        text = text.replace('file_path = ""', f'file_path = "{printer_file.as_posix()}"')
    else:  # a file where the printer's folder should be: writing fails at once
        blocker = printer_file.parent / "no-printer"
        blocker.write_text("not a folder")
        text = text.replace('file_path = ""', f'file_path = "{(blocker / "x").as_posix()}"')
    return parse_config(text)


def fill_morning(service: QueueService, clock: ManualClock) -> None:
    """Tickets issued, called and completed from 07:30, so counts and estimates look real."""
    clock.set(datetime(2026, 11, 23, 7, 30, tzinfo=HANOI))
    for counter in range(1, 7):
        service.open_counter(counter)
    served: list[tuple[str, int]] = []
    for field, issued, done in MORNING:
        for i in range(issued):
            clock.advance(seconds=37)
            service.issue(field, priority=i % 7 == 3)
        served.append((field, done))
    for field, done in served:
        # MORNING names only fields of the shipped config, so field() finds each one.
        counters = service.config.field(field).counters  # type: ignore[union-attr]
        for i in range(done):
            counter = counters[i % len(counters)]
            clock.advance(seconds=20)
            service.call_ticket(counter, service.waiting([field])[0].code)
            clock.advance(minutes=4 + i % 5)
            service.complete(counter, dossiers=1 + i % 2)
    clock.set(datetime(2026, 11, 23, 9, 12, tzinfo=HANOI))
    service.set_field_today("datdai", False, reason="Cán bộ đi họp", actor="admin")


def fill_opening(service: QueueService, clock: ManualClock) -> None:
    """07:33, before the clerks open their counters: the first citizens already took numbers."""
    clock.set(datetime(2026, 11, 23, 7, 30, tzinfo=HANOI))
    for field in ("hotich", "chungthuc", "hotich", "ketqua", "chungthuc"):
        clock.advance(seconds=31)
        service.issue(field)
    clock.set(datetime(2026, 11, 23, 7, 33, tzinfo=HANOI))


@contextmanager
def _kiosk(
    app: QApplication,
    loop: asyncio.AbstractEventLoop,
    config: Config,
    db: Path,
    size: tuple[int, int],
    fill: Callable[[QueueService, ManualClock], None] = fill_morning,
    catalogue: Catalogue | None = None,
) -> Iterator[KioskWindow]:
    clock = ManualClock(datetime(2026, 11, 23, 9, 12, tzinfo=HANOI))
    store = Store.open(f"sqlite:///{db.as_posix()}")
    service = QueueService(store, config, clock)
    if not service.tickets():
        fill(service, clock)
    window = KioskWindow(
        service, config, timings=Timings(result_ms=10_000, idle_ms=45_000), catalogue=catalogue
    )
    window.setFixedSize(*size)
    window.show()
    window.start()
    _wait(loop, lambda: bool(window.home.grid.buttons[0].name.text()))
    try:
        yield window
    finally:
        window.shutdown()
        window.close()
        window.deleteLater()
        store.close()


def _wait(loop: asyncio.AbstractEventLoop, done: Callable[[], bool], timeout: float = 20) -> None:
    async def until() -> None:
        deadline = loop.time() + timeout
        while not done():
            if loop.time() > deadline:
                raise TimeoutError("screen did not reach the expected state")
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)  # let the last layout and paint settle

    loop.run_until_complete(until())


def _save(window: KioskWindow, path: Path) -> Path:
    window.grab().save(str(path))
    return path


def _documents_path(
    app: QApplication,
    loop: asyncio.AbstractEventLoop,
    config: Config,
    db: Path,
    out_dir: Path,
) -> list[Path]:
    """With the shipped sample catalogue, in both orientations: the field buttons with their
    Documents controls, a field's procedures (Hộ tịch has the most), one procedure's
    checklist, and the result of a ticket taken for it (its longer ticket in the preview)."""
    catalogue = parse_catalogue(sample_text(), config, "sample")
    written: list[Path] = []
    for shape, size in (("landscape", LANDSCAPE), ("portrait", PORTRAIT)):
        with _kiosk(app, loop, config, db, size, catalogue=catalogue) as w:
            written.append(_save(w, out_dir / f"kiosk-documents-home-{shape}.png"))
            w.open_procedures("hotich")
            _wait(loop, lambda: w.screen_name == "procedures")
            written.append(_save(w, out_dir / f"kiosk-documents-list-{shape}.png"))
            if len(w.procedures.pages) > 1:
                w.procedures.show_page(1)
                written.append(_save(w, out_dir / f"kiosk-documents-list-2-{shape}.png"))
            w._screen_at = float("-inf")  # as if the citizen read for a while
            birth = catalogue.find("hotich", "Đăng ký khai sinh")
            assert birth is not None
            w.open_procedure(birth)
            _wait(loop, lambda: w.screen_name == "procedure")
            written.append(_save(w, out_dir / f"kiosk-documents-detail-{shape}.png"))
            w._screen_at = float("-inf")
            w.procedure.take_button.click()
            _wait(loop, lambda: w.result.outcome is not None)
            written.append(_save(w, out_dir / f"kiosk-documents-result-{shape}.png"))
    return written


def save_screenshots(out_dir: Path) -> list[Path]:
    """kiosk-home-landscape/-portrait/-opening, -result(-opening), -printer-failure, -admin,
    -unavailable PNGs, and the documents path (kiosk-documents-*)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    app = application("kiosk")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    written: list[Path] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            db = work / "kiosk.db"
            good = demo_config(work / "tickets.escpos")
            with _kiosk(app, loop, good, db, LANDSCAPE) as w:
                written.append(_save(w, out_dir / "kiosk-home-landscape.png"))
                w.home.buttons["hotich"].click()
                _wait(loop, lambda: w.result.outcome is not None)
                written.append(_save(w, out_dir / "kiosk-result.png"))
                w.go_home()
                w.open_pin_pad()
                for digit in "246810":
                    w.pin_pad.keys[digit].click()
                w.pin_pad.keys["OK"].click()
                _wait(loop, lambda: w.screen_name == "admin")
                _wait(loop, lambda: bool(w.admin.field_buttons) and bool(w.admin.reprint_buttons))
                _wait(loop, lambda: "…" not in w.admin.printer_state.text())
                written.append(_save(w, out_dir / "kiosk-admin.png"))
                w.go_home()
                w._go_unavailable(DatabaseUnavailable("Hệ thống tạm thời gián đoạn"))
                written.append(_save(w, out_dir / "kiosk-unavailable.png"))
            with _kiosk(app, loop, good, db, PORTRAIT) as w:
                written.append(_save(w, out_dir / "kiosk-home-portrait.png"))
            opening = work / "opening.db"
            with _kiosk(app, loop, good, opening, LANDSCAPE, fill_opening) as w:
                written.append(_save(w, out_dir / "kiosk-home-opening.png"))
                w.home.buttons["hotich"].click()
                _wait(loop, lambda: w.result.outcome is not None)
                written.append(_save(w, out_dir / "kiosk-result-opening.png"))
            written += _documents_path(app, loop, good, work / "documents.db", out_dir)
            broken = demo_config(work / "tickets.escpos", printer_ok=False)
            with _kiosk(app, loop, broken, db, LANDSCAPE) as w:
                w.home.set_priority_mode(True)
                w.home.buttons["xahoi"].click()
                _wait(loop, lambda: w.result.outcome is not None)
                written.append(_save(w, out_dir / "kiosk-printer-failure.png"))
    finally:
        asyncio.set_event_loop(None)
        loop.close()  # now, while its Qt objects still exist (not at interpreter exit)
    return written
