"""Sample tickets and real TCP "printers" on 127.0.0.1 for the printing tests."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.core.config import PrinterConfig
from kiosk.printing.ticket_image import TicketFace

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
FIELD_VI = "Lao động – Người có công – Xã hội"

#: A profile that prints 576 dots (80 mm at 203 dpi) and has a cutter.
PROFILE_80 = "TM-T20II"
#: A profile that prints 384 dots (58 mm) without a cutter.
PROFILE_58 = "POS-5890"


def make_face(**changes: object) -> TicketFace:
    """A realistic ticket of the Trần Phú point; keyword arguments replace fields."""
    face = TicketFace(
        site_name="Điểm phục vụ hành chính công xã Trần Phú",
        site_address="Xã Trần Phú, thành phố Hà Nội",
        field_name=FIELD_VI,
        field_name_en="Labour – Meritorious people – Social affairs",
        code="C012",
        priority=False,
        issued_at=datetime(2026, 11, 23, 14, 5, tzinfo=HANOI),
        people_ahead=7,
        estimated_wait_minutes=25,
        qr_text="tranphu|2026-11-23|C012",
        hotlines=("024.1022", "1900 1009", "Zalo/Viber 0768.221.221"),
        footer="Xin cảm ơn ông/bà!",
    )
    return replace(face, **changes)  # type: ignore[arg-type]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def network_config(port: int, timeout: float = 3.0, **changes: object) -> PrinterConfig:
    """A network printer on 127.0.0.1:`port` with an 80 mm cutting profile."""
    settings: dict[str, object] = {
        "target": "network",
        "host": "127.0.0.1",
        "port": port,
        "profile": PROFILE_80,
        "timeout_seconds": timeout,
    }
    return PrinterConfig.model_validate(settings | changes)


class TcpPrinter:
    """A listening socket on 127.0.0.1 that behaves like a network printer, or a broken one.

    `answer(request) -> reply` answers DLE EOT status queries (None: never answer); the bytes
    received are kept; with `read=False` it accepts and never reads, like a jammed printer.
    """

    def __init__(
        self, answer: Callable[[bytes], bytes | None] | None = None, *, read: bool = True
    ) -> None:
        self.answer = answer
        self.read = read
        self.received = bytearray()
        self.listener = socket.socket()
        if not read:
            # A tiny receive window, so a sender's data backs up instead of being buffered.
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.listener.settimeout(0.2)
        self.port = int(self.listener.getsockname()[1])
        self.connections: list[socket.socket] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(conn)
            if self.read:
                worker = threading.Thread(target=self._serve, args=(conn,), daemon=True)
                self._threads.append(worker)
                worker.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(0.2)
        while not self._stop.is_set():
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            self.received += chunk
            if self.answer is not None and chunk.startswith(b"\x10\x04"):
                reply = self.answer(chunk[:3])
                if reply is not None:
                    conn.sendall(reply)

    def close(self) -> None:
        self._stop.set()
        for conn in self.connections:
            conn.close()
        self.listener.close()
        for thread in self._threads:
            thread.join(2)
