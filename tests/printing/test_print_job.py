"""Print jobs on real targets: a fault is an outcome naming the printer, within the timeout."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from kiosk.core.config import PrinterConfig
from kiosk.printing.escpos_output import decode_raster
from kiosk.printing.job import PrinterStatus, print_bytes, print_ticket, printer_status
from kiosk.printing.targets import default_ticket_file, describe_target, ticket_file
from kiosk.printing.ticket_image import TicketFace, render_ticket
from tests.printing.samples import PROFILE_80, TcpPrinter, free_port, network_config

#: Extra time allowed over a timeout for thread start-up and a loaded CI machine.
SLACK = 1.5


@pytest.fixture
def ticket(face: TicketFace) -> Image.Image:
    return render_ticket(face, 576)


def test_network_printer_receives_the_ticket(
    ticket: Image.Image, tcp_printer: Callable[..., TcpPrinter]
) -> None:
    printer = tcp_printer()
    outcome = print_ticket(network_config(printer.port), ticket)
    assert outcome.ok, outcome.message_en
    deadline = time.monotonic() + 5
    while len(printer.received) < outcome.bytes_sent and time.monotonic() < deadline:
        time.sleep(0.02)
    assert decode_raster(bytes(printer.received)).tobytes() == ticket.tobytes()


def test_unwritable_file_path_fails_fast_naming_the_file(
    ticket: Image.Image, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    for path in (tmp_path, blocker / "tickets.escpos"):
        config = PrinterConfig(target="file", file_path=str(path), profile=PROFILE_80)
        started = time.monotonic()
        outcome = print_ticket(config, ticket, timeout=2)
        assert time.monotonic() - started < 2
        assert not outcome.ok
        assert outcome.bytes_sent == 0
        assert str(path) in outcome.message_en
        assert str(path) in outcome.message_vi
        assert "Cannot write to file" in outcome.message_en


def test_closed_network_port_fails_within_the_timeout_naming_the_printer(
    ticket: Image.Image,
) -> None:
    port = free_port()
    started = time.monotonic()
    outcome = print_ticket(network_config(port, timeout=2), ticket)
    assert time.monotonic() - started < 2 + SLACK
    assert not outcome.ok
    assert f"127.0.0.1:{port}" in outcome.message_en
    assert f"127.0.0.1:{port}" in outcome.message_vi
    assert "refused" in outcome.message_en


def test_printer_that_never_answers_the_connection_is_abandoned_after_the_timeout(
    ticket: Image.Image, full_backlog_port: int
) -> None:
    config = network_config(full_backlog_port, timeout=30)
    started = time.monotonic()
    outcome = print_ticket(config, ticket, timeout=0.5)
    elapsed = time.monotonic() - started
    assert 0.5 <= elapsed < 0.5 + SLACK
    assert not outcome.ok
    assert f"127.0.0.1:{full_backlog_port}" in outcome.message_en
    assert "0.5 s" in outcome.message_en


def test_printer_that_stops_reading_is_abandoned_and_the_next_job_fails_fast(
    tcp_printer: Callable[..., TcpPrinter],
) -> None:
    jammed = tcp_printer(read=False)
    config = network_config(jammed.port, timeout=30)
    # Far more than the socket buffers hold, so the write blocks like a jammed printer's.
    data = b"\x1b@" + bytes(16 * 1024 * 1024)
    started = time.monotonic()
    outcome = print_bytes(config, data, timeout=0.5)
    assert time.monotonic() - started < 0.5 + SLACK
    assert not outcome.ok
    assert "did not respond within 0.5 s" in outcome.message_en

    started = time.monotonic()
    again = print_bytes(config, b"\x1b@", timeout=0.3)
    assert time.monotonic() - started < 0.3 + SLACK
    assert not again.ok
    assert "still stuck" in again.message_en
    assert printer_status(config, timeout=0.3) == PrinterStatus.UNKNOWN


def test_disabled_printer_prints_nothing_and_says_so(ticket: Image.Image) -> None:
    config = PrinterConfig(target="none")
    outcome = print_ticket(config, ticket)
    assert not outcome.ok
    assert "disabled" in outcome.message_en
    assert printer_status(config) == PrinterStatus.DISABLED


def test_dummy_printer_accepts_the_job(ticket: Image.Image) -> None:
    outcome = print_ticket(PrinterConfig(target="dummy", profile=PROFILE_80), ticket)
    assert outcome.ok
    assert outcome.bytes_sent > ticket.height * 72


def test_usb_printer_that_is_absent_is_named_with_what_to_check(ticket: Image.Image) -> None:
    config = PrinterConfig(target="usb", profile=PROFILE_80, timeout_seconds=5)
    outcome = print_ticket(config, ticket)
    assert not outcome.ok
    assert "0416:5011" in outcome.message_en


def test_target_names_and_default_file_location() -> None:
    usb = PrinterConfig(target="usb", usb_vendor_id=0x0416, usb_product_id=0x5011)
    assert describe_target(usb)[1] == "USB printer 0416:5011"
    net = PrinterConfig(target="network", host="192.168.1.50", port=9100)
    assert describe_target(net) == (
        "Máy in mạng 192.168.1.50:9100",
        "Network printer 192.168.1.50:9100",
    )
    default = PrinterConfig(target="file")
    assert ticket_file(default) == default_ticket_file()
    assert default_ticket_file().name == "tickets.escpos"


def _status_server(online: int | None, paper: int | None) -> Callable[[bytes], bytes | None]:
    def answer(request: bytes) -> bytes | None:
        reply = online if request == b"\x10\x04\x01" else paper
        return None if reply is None else bytes([reply])

    return answer


@pytest.mark.parametrize(
    ("online", "paper", "expected"),
    [
        (0x12, 0x12, PrinterStatus.OK),
        (0x1A, 0x12, PrinterStatus.OFFLINE),
        (0x12, 0x72, PrinterStatus.PAPER_OUT),
        (None, None, PrinterStatus.UNKNOWN),
        (0x12, None, PrinterStatus.UNKNOWN),
    ],
)
def test_status_reads_the_printers_answer_and_no_answer_is_unknown(
    tcp_printer: Callable[..., TcpPrinter],
    online: int | None,
    paper: int | None,
    expected: PrinterStatus,
) -> None:
    printer = tcp_printer(_status_server(online, paper))
    config = network_config(printer.port, timeout=0.5)
    assert printer_status(config, timeout=3) == expected


def test_status_of_a_printer_that_refuses_connections_is_offline() -> None:
    assert printer_status(network_config(free_port(), timeout=1), timeout=3) == (
        PrinterStatus.OFFLINE
    )


def test_status_of_the_file_target_follows_whether_it_can_write(tmp_path: Path) -> None:
    ok = PrinterConfig(target="file", file_path=str(tmp_path / "new" / "t.escpos"))
    assert printer_status(ok) == PrinterStatus.OK
    folder = PrinterConfig(target="file", file_path=str(tmp_path))
    assert printer_status(folder) == PrinterStatus.OFFLINE
