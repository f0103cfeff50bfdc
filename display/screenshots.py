"""PNGs of the wall display mid-morning (`make screenshots`): the commune's six busy counters
on four screen shapes, and a busy district centre with 20 counters and 14 fields."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from display.board import build_board
from display.window import DisplayWindow
from kiosk.core.clock import ManualClock
from kiosk.core.config import Config, CounterConfig, FieldConfig, default_config_text, parse_config
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.gui.runtime import application

#: (file name, width, height)
SIZES = (
    ("display-16x9.png", 1920, 1080),
    ("display-1366x768.png", 1366, 768),
    ("display-portrait.png", 1080, 1920),
    ("display-4x3.png", 1600, 1200),
)
CENTRE = ("display-busy-centre.png", 1920, 1080)
#: Fields a district centre adds to the commune's seven: (code, name, prefix).
MORE_FIELDS = (
    ("bhxh", "Bảo hiểm y tế – Bảo hiểm xã hội", "H"),
    ("xaydung", "Xây dựng – Quy hoạch kiến trúc", "L"),
    ("giaothong", "Giao thông vận tải", "M"),
    ("moitruong", "Tài nguyên – Môi trường", "N"),
    ("giaoduc", "Giáo dục – Đào tạo", "P"),
    ("yte", "Y tế – Dân số", "Q"),
    ("nongnghiep", "Nông nghiệp – Phát triển nông thôn", "R"),
)
#: `[display] show_officer`: each tile names the officer signed in (counter 6: nobody).
OFFICERS_SHOT = ("display-officers.png", 1920, 1080)
OFFICERS = (
    ("lan", "Nguyễn Thị Lan"),
    ("bao", "Phạm Quốc Bảo"),
    ("huong", "Trần Thị Thu Hương"),
    ("dung", "Lê Văn Dũng"),
    ("khanh", "Tôn Nữ Hoàng Khánh Ngọc Phương Thảo"),  # a long name: cut with "…"
)


def officers_config() -> Config:
    """The shipped config with the officers above and `[display] show_officer` on."""
    officers = "".join(f'\n[[officers]]\nid = "{i}"\nname = "{n}"\n' for i, n in OFFICERS)
    text = default_config_text().replace("show_officer = false", "show_officer = true")
    return parse_config(text + officers)


def centre_config(counters: int, more_fields: int = 0) -> Config:
    """The shipped config grown to `counters` counters and 7 + `more_fields` fields.

    Counter k serves what counter ((k-1) % 6)+1 of the commune does; each added field is
    served by one of the last counters.
    """
    base = parse_config(default_config_text())
    numbers = range(1, counters + 1)
    fields = [
        f.model_copy(update={"counters": [c for c in numbers if (c - 1) % 6 + 1 in f.counters]})
        for f in base.fields
    ]
    for i, (code, name, prefix) in enumerate(MORE_FIELDS[:more_fields]):
        counter = counters - i % counters
        fields.append(
            FieldConfig(code=code, name=name, name_en=code, prefix=prefix, counters=[counter])
        )
    return base.model_copy(
        update={"counters": [CounterConfig(number=n) for n in numbers], "fields": fields}
    )


@contextmanager
def busy_morning(
    config: Config | None = None, arrivals_per_minute: float = 1.1
) -> Iterator[tuple[QueueService, ManualClock]]:
    """A temporary database after a busy morning at the Trần Phú point (Mon 23/11/2026)."""
    from kiosk.demo import simulate_morning

    cfg = config or parse_config(default_config_text())
    zone = cfg.zone
    clock = ManualClock(datetime(2026, 11, 23, 7, 30, tzinfo=zone))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{Path(tmp) / 'kiosk.db'}")
        try:
            service = QueueService(store, cfg, clock)
            simulate_morning(
                service,
                clock,
                datetime(2026, 11, 23, 10, 14, tzinfo=zone),
                arrivals_per_minute=arrivals_per_minute,
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


def _save(service: QueueService, clock: ManualClock, path: Path, w: int, h: int) -> Path:
    window = render_display(service, clock, w, h)
    window.grab().save(str(path))
    window.deleteLater()
    return path


def save_screenshots(out_dir: Path) -> list[Path]:
    """display-16x9, -1366x768, -portrait, -4x3, -busy-centre and -officers PNGs in `out_dir`."""
    application("kiosk-screenshots")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with busy_morning() as (service, clock):
        for name, w, h in SIZES:
            written.append(_save(service, clock, out_dir / name, w, h))
    with busy_morning(centre_config(20, len(MORE_FIELDS)), 4.5) as (service, clock):
        # One counter at a meeting, one not open: their tiles say so.
        held = {c.number for c in service.snapshot().counters if c.ticket is not None}
        for counter in {19, 20} & held:
            service.complete(counter)
        service.pause_counter(20, "Họp giao ban")
        service.close_counter(19)
        name, w, h = CENTRE
        written.append(_save(service, clock, out_dir / name, w, h))
    with busy_morning() as (service, clock):
        staffed = QueueService(service.store, officers_config(), clock)
        for counter, (officer, _) in enumerate(OFFICERS, 1):
            staffed.sign_in(counter, officer)
        name, w, h = OFFICERS_SHOT
        written.append(_save(staffed, clock, out_dir / name, w, h))
    return written
