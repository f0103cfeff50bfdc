"""The manager window and a report page as PNGs in docs/screenshots/ (`make screenshots`).

Data come from the simulator (fixed seed and dates), so the pictures only change when the
screens do.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.core.clock import ManualClock
from kiosk.core.config import default_config_text, parse_config
from kiosk.core.pin import hash_pin
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.reports import report_pdf
from kiosk.reports.arrivals import Profile, open_days
from kiosk.reports.official import Letterhead
from kiosk.reports.report import Report
from kiosk.reports.simulate import simulate_bulk

FIRST_DAY = date(2026, 11, 2)
DAYS = 10


def _service(folder: Path) -> QueueService:
    text = default_config_text().replace(
        'admin_pin_hash = ""', f'admin_pin_hash = "{hash_pin("246810", iterations=1000)}"'
    )
    config = parse_config(text)
    store = Store.open(f"sqlite:///{folder / 'kiosk.db'}")
    days = open_days(config, FIRST_DAY, DAYS)
    simulate_bulk(store, config, Profile(citizens_per_day=90), days, seed=7)
    clock = ManualClock(datetime(2026, 11, 14, 17, 30, tzinfo=ZoneInfo(config.site.timezone)))
    return QueueService(store, config, clock)


def save_screenshots(out_dir: Path) -> list[Path]:
    """manager.png, manager-charts.png, report-page.png (first page of the PDF) and
    report-official.png (the same as an official document)."""
    import qasync
    from PySide6.QtWidgets import QApplication

    from kiosk.gui.runtime import application
    from kiosk.manager.window import ManagerWindow

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        service = _service(Path(tmp))
        app = application("kiosk-manager")
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        window = ManagerWindow(service, lang="vi")
        days = open_days(service.config, FIRST_DAY, DAYS)
        window.set_range(days[0], days[-1])
        window.setFixedSize(1366, 860)  # the offscreen platform warns about resizable ones
        window.show()
        shown: dict[str, Report] = {}

        async def open_and_wait() -> None:
            done = loop.create_future()
            window.report_shown.connect(lambda r: shown.setdefault("report", r))
            window.charts_shown.connect(lambda: done.done() or done.set_result(None))
            window.pin_page.accepted.emit()  # as if the right PIN was typed
            await asyncio.wait_for(done, 120)

        loop.run_until_complete(open_and_wait())
        QApplication.processEvents()
        path = out_dir / "manager.png"
        window.grab().save(str(path))
        written.append(path)
        window.tabs.setCurrentIndex(window.charts_tab)
        QApplication.processEvents()
        path = out_dir / "manager-charts.png"
        window.grab().save(str(path))
        written.append(path)
        window.shutdown()
        window.close()
        loop.close()
        asyncio.set_event_loop(None)
        written.append(save_report_page(shown["report"], out_dir / "report-page.png", Path(tmp)))
        official = out_dir / "report-official.png"
        written.append(save_report_page(shown["report"], official, Path(tmp), _letterhead()))
        service.store.close()
    return written


def _letterhead() -> Letterhead:
    """A commune's names in `[reports]`, for the official document's picture."""
    text = default_config_text()
    for old, new in (
        ('authority = ""', 'authority = "UBND XÃ TRẦN PHÚ"'),
        ('place = ""', 'place = "Trần Phú"'),
        ('prepared_by = ""', 'prepared_by = "Nguyễn Thị Lan"'),
        ('head_name = ""', 'head_name = "Trần Văn Minh"'),
    ):
        text = text.replace(old, new)
    letterhead = Letterhead.of(parse_config(text), date(2026, 11, 14))
    assert letterhead is not None
    return letterhead


def save_report_page(
    report: Report, path: Path, scratch: Path, letterhead: Letterhead | None = None
) -> Path:
    """The PDF's first page as a PNG (an official document's with a `letterhead`): pdftoppm
    when installed, else drawn directly."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        pdf = scratch / "report.pdf"
        report_pdf.write_pdf(report, pdf, "vi", letterhead)
        stem = scratch / "page"
        subprocess.run(
            [pdftoppm, "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", pdf, stem],
            check=True,
        )
        shutil.move(f"{stem}.png", path)
    else:
        report_pdf.render_summary_png(report, path, letterhead=letterhead)
    return path
