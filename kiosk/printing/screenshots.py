"""Sample tickets and the test page as PNGs in docs/screenshots/ (`make screenshots`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.core.catalogue import Procedure, parse_catalogue, sample_text
from kiosk.core.config import default_config_text, parse_config
from kiosk.printing.ticket_image import (
    TicketFace,
    procedure_face,
    render_test_page,
    render_ticket,
)

#: A realistic ticket of the Trần Phú point (fixed time, so the PNGs only change with the layout).
SAMPLE = TicketFace(
    site_name="Điểm phục vụ hành chính công xã Trần Phú",
    site_address="Xã Trần Phú, Hà Nội",
    field_name="Hộ tịch",
    field_name_en="Civil status",
    code="A105",
    priority=False,
    issued_at=datetime(2025, 7, 1, 8, 17, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    people_ahead=5,
    estimated_wait_minutes=15,
    qr_text="tranphu|2025-07-01|A105",
    hotlines=("024.1022", "1900 1009", "Zalo/Viber 0768.221.221"),
    footer="Xin cảm ơn ông/bà!",
)


def save_ticket_samples(out_dir: Path) -> list[Path]:
    """The sample ticket on 80 mm and 58 mm paper: ticket-80mm.png and ticket-58mm.png."""
    written = []
    for name, dots in (("ticket-80mm.png", 576), ("ticket-58mm.png", 384)):
        path = out_dir / name
        render_ticket(SAMPLE, dots).save(path)
        written.append(path)
    return written


def _sample_procedure(field: str, key: str) -> Procedure:
    """A procedure of the shipped sample catalogue, checked against the shipped config."""
    config = parse_config(default_config_text())
    found = parse_catalogue(sample_text(), config, "sample").find(field, key)
    assert found is not None, key
    return found


def save_screenshots(out_dir: Path) -> list[Path]:
    """Every printed page worth reviewing: sample tickets, a priority ticket, one printed before
    any counter opened, one taken for a procedure (its checklist), the test page."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = save_ticket_samples(out_dir)
    priority = replace(
        SAMPLE,
        field_name="Lao động – Người có công – Xã hội",
        field_name_en="Labour – Meritorious people – Social affairs",
        code="C012",
        priority=True,
        people_ahead=0,
        estimated_wait_minutes=0,
        qr_text="tranphu|2025-07-01|C012",
    )
    for name, dots in (("ticket-80mm-priority.png", 576), ("ticket-58mm-priority.png", 384)):
        path = out_dir / name
        render_ticket(priority, dots).save(path)
        written.append(path)
    # Mornings, before any counter of the field is open: no time is promised.
    opening = replace(SAMPLE, code="A003", people_ahead=2, no_counter_open=True)
    for name, dots in (("ticket-80mm-no-counter.png", 576), ("ticket-58mm-no-counter.png", 384)):
        path = out_dir / name
        render_ticket(opening, dots).save(path)
        written.append(path)
    # A ticket taken for a procedure: the checklist of the shipped sample under the number.
    birth = _sample_procedure("hotich", "Đăng ký khai sinh")
    longer = replace(SAMPLE, procedure=procedure_face(birth))
    for name, dots in (("ticket-80mm-procedure.png", 576), ("ticket-58mm-procedure.png", 384)):
        path = out_dir / name
        render_ticket(longer, dots).save(path)
        written.append(path)
    when = SAMPLE.issued_at
    for name, dots, printer in (
        ("test-page-80mm.png", 576, "USB printer 0416:5011 · TM-T20II · 80 mm"),
        ("test-page-58mm.png", 384, "Network printer 192.168.1.50:9100 · POS-5890 · 58 mm"),
    ):
        path = out_dir / name
        render_test_page(dots, printer, printed_at=when).save(path)
        written.append(path)
    return written
