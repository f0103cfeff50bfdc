"""Printer targets from the config: open a python-escpos printer, send bytes, read its status.

Every failure becomes a `PrinterError` naming the target and what to check. These calls can
block (USB and serial writes, TCP connects): run them through `kiosk.printing.job`.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import sys
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

import platformdirs
from escpos import constants
from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import CupsPrinter, Dummy, Network, Serial, Usb, Win32Raw

from kiosk.core.config import APP_NAME, PrinterConfig, PrinterTarget
from kiosk.core.texts import Text
from kiosk.printing import texts as T
from kiosk.printing.errors import PrinterError

log = logging.getLogger(__name__)

TICKET_FILE = "tickets.escpos"


class PrinterStatus(StrEnum):
    """What the admin screen shows about the printer; "unknown" when it gave no answer."""

    OK = "ok"
    OFFLINE = "offline"
    PAPER_OUT = "paper_out"
    UNKNOWN = "unknown"
    DISABLED = "disabled"


class AppendFile(Escpos):  # type: ignore[misc]  # python-escpos ships no type hints
    """File target that appends each job (python-escpos' File truncates the file on open)."""

    def __init__(self, path: Path, *args: Any, **kwargs: Any) -> None:
        Escpos.__init__(self, *args, **kwargs)
        self.path = path
        self._device: Any = False

    def open(self) -> None:
        try:
            self.device: IO[bytes] = self.path.open("ab")
        except FileNotFoundError:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.device = self.path.open("ab")

    def _raw(self, msg: bytes) -> None:
        self.device.write(msg)

    def close(self) -> None:
        if self._device:
            self._device.close()
        self._device = False


def default_ticket_file() -> Path:
    """Where the file target writes when `printer.file_path` is empty (the user data dir)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / TICKET_FILE


def ticket_file(config: PrinterConfig) -> Path:
    """The file the file target appends to."""
    return Path(config.file_path).expanduser() if config.file_path else default_ticket_file()


def describe_target(config: PrinterConfig) -> Text:
    """Short names of the configured printer for messages and the admin screen (vi, en)."""
    match config.target:
        case PrinterTarget.USB:
            ids = f"{config.usb_vendor_id:04x}:{config.usb_product_id:04x}"
            return T.USB_PRINTER.fill(ids=ids)
        case PrinterTarget.NETWORK:
            return T.NETWORK_PRINTER.fill(where=f"{config.host}:{config.port}")
        case PrinterTarget.SERIAL:
            return T.SERIAL_PRINTER.fill(device=config.serial_device)
        case PrinterTarget.CUPS:
            return T.CUPS_PRINTER.fill(name=config.printer_name)
        case PrinterTarget.WIN32RAW:
            return T.WINDOWS_PRINTER.fill(name=config.printer_name)
        case PrinterTarget.FILE:
            return T.FILE_PRINTER.fill(path=ticket_file(config))
        case PrinterTarget.DUMMY:
            return T.DUMMY_PRINTER
        case _:
            return T.NO_PRINTER


def _missing_library(config: PrinterConfig, package: str, note: Text) -> PrinterError:
    printer = describe_target(config)
    return PrinterError(
        T.MISSING_LIBRARY.get("vi", printer=printer.vi, package=package, note=note.vi),
        T.MISSING_LIBRARY.get("en", printer=printer.en, package=package, note=note.en),
    )


def _cause(exc: BaseException) -> BaseException:
    """The underlying OS error python-escpos wrapped in DeviceNotFoundError, if any."""
    inner = exc.__cause__ or exc.__context__
    return inner if inner is not None else exc


def open_error(config: PrinterConfig, exc: BaseException) -> PrinterError:
    """A PrinterError naming the target and what to check, for a failure to open or write."""
    if isinstance(exc, PrinterError):
        return exc
    vi, en = describe_target(config)
    cause = _cause(exc) if isinstance(exc, DeviceNotFoundError) else exc
    wait = f"{config.timeout_seconds:g} s"
    match config.target:
        case PrinterTarget.USB:
            if type(cause).__name__ == "NoBackendError":
                return PrinterError(
                    f"{vi}: thiếu thư viện libusb (Debian: libusb-1.0-0; Windows: libusb-1.0.dll).",
                    f"{en}: libusb is not installed (Debian: libusb-1.0-0; Windows: "
                    "libusb-1.0.dll).",
                )
            if getattr(cause, "errno", None) in (errno.EACCES, errno.EPERM):
                return PrinterError(
                    f"{vi}: không có quyền truy cập. Trên Linux cài quy tắc udev trong docs/.",
                    f"{en}: access denied. On Linux install the udev rule in docs/.",
                )
            if isinstance(exc, DeviceNotFoundError):
                return PrinterError(
                    f"{vi}: không tìm thấy. Kiểm tra cáp và nguồn điện; trên Linux kiểm tra quy "
                    "tắc udev trong docs/, trên Windows cài trình điều khiển WinUSB (Zadig).",
                    f"{en} not found: check the cable and power, and on Linux the udev rule in "
                    "docs/ (on Windows the WinUSB driver, installed with Zadig).",
                )
            if "timeout" in str(cause).lower() or "timed out" in str(cause).lower():
                return PrinterError(
                    f"{vi} không nhận dữ liệu trong {wait}: kiểm tra giấy, nắp và nguồn.",
                    f"{en} did not take the data within {wait}: check paper, cover and power.",
                )
        case PrinterTarget.NETWORK:
            if isinstance(cause, TimeoutError | socket.timeout):
                return PrinterError(
                    f"{vi} không trả lời trong {wait}: kiểm tra nguồn, cáp mạng và địa chỉ IP.",
                    f"{en} did not answer within {wait}: check power, network cable and address.",
                )
            if isinstance(cause, ConnectionRefusedError):
                return PrinterError(
                    f"{vi} từ chối kết nối: kiểm tra địa chỉ IP, cổng (thường là 9100) và máy in "
                    "đã bật chưa.",
                    f"{en} refused the connection: check the address, the port (usually 9100) "
                    "and that the printer is on.",
                )
            if isinstance(cause, socket.gaierror):
                return PrinterError(
                    f"{vi}: không tìm thấy tên máy {config.host}; kiểm tra printer.host.",
                    f"{en}: unknown host name {config.host}; check printer.host.",
                )
            if isinstance(cause, OSError):
                return PrinterError(
                    f"{vi}: lỗi mạng ({cause.strerror or cause}); kiểm tra cáp và địa chỉ.",
                    f"{en}: network error ({cause.strerror or cause}); check cable and address.",
                )
        case PrinterTarget.FILE:
            path = ticket_file(config)
            if isinstance(cause, PermissionError):
                return PrinterError(
                    f"Không ghi được vào tệp {path}: không có quyền. Sửa printer.file_path hoặc "
                    "quyền của thư mục.",
                    f"Cannot write to file {path}: permission denied. Fix printer.file_path or "
                    "the folder's permissions.",
                )
            if isinstance(cause, OSError):
                reason = cause.strerror or str(cause)
                return PrinterError(
                    f"Không ghi được vào tệp {path} ({reason}). Sửa printer.file_path.",
                    f"Cannot write to file {path}: {reason}. Fix printer.file_path.",
                )
        case PrinterTarget.SERIAL:
            if isinstance(exc, DeviceNotFoundError):
                return PrinterError(
                    f"{vi}: không mở được cổng; kiểm tra printer.serial_device, cáp và quyền "
                    "(nhóm dialout trên Linux).",
                    f"{en}: cannot open the port; check printer.serial_device, the cable and "
                    "permissions (the dialout group on Linux).",
                )
        case PrinterTarget.CUPS | PrinterTarget.WIN32RAW:
            if isinstance(exc, DeviceNotFoundError):
                return PrinterError(
                    f"{vi}: không có trong danh sách máy in của hệ thống; kiểm tra "
                    "printer.printer_name.",
                    f"{en} is not among the system's printers; check printer.printer_name.",
                )
    detail = str(cause).strip().splitlines()[-1] if str(cause).strip() else type(cause).__name__
    return PrinterError(f"{vi}: lỗi ({detail}).", f"{en} failed ({detail}).")


def open_printer(config: PrinterConfig) -> Escpos:
    """An opened python-escpos printer for the configured target; PrinterError if it fails."""
    target = config.target
    printer: Escpos
    if target == PrinterTarget.NONE:
        vi, en = describe_target(config)
        raise PrinterError(vi, en)
    if target == PrinterTarget.USB:
        if not Usb.is_usable():
            raise _missing_library(config, "pyusb", T.INSTALL_PYUSB)
        timeout_ms = int(config.timeout_seconds * 1000)
        printer = Usb(
            config.usb_vendor_id, config.usb_product_id, timeout=timeout_ms, profile=config.profile
        )
    elif target == PrinterTarget.NETWORK:
        printer = Network(
            config.host, config.port, timeout=config.timeout_seconds, profile=config.profile
        )
    elif target == PrinterTarget.SERIAL:
        if not Serial.is_usable():
            raise _missing_library(config, "pyserial", T.INSTALL_PYSERIAL)
        printer = Serial(
            config.serial_device,
            config.baudrate,
            timeout=config.timeout_seconds,
            profile=config.profile,
        )
    elif target == PrinterTarget.CUPS:
        if not CupsPrinter.is_usable():
            raise _missing_library(config, "pycups", T.UNIX_ONLY)
        printer = CupsPrinter(config.printer_name, profile=config.profile)
    elif target == PrinterTarget.WIN32RAW:
        if not Win32Raw.is_usable():
            raise _missing_library(config, "pywin32", T.WINDOWS_ONLY)
        printer = Win32Raw(config.printer_name, profile=config.profile)
    elif target == PrinterTarget.FILE:
        printer = AppendFile(ticket_file(config), profile=config.profile)
    else:
        printer = Dummy(profile=config.profile)
    try:
        printer.open()
    except Exception as exc:
        raise open_error(config, exc) from exc
    if isinstance(printer, Usb):
        _use_device_endpoints(printer)
    return printer


def _use_device_endpoints(printer: Usb) -> None:
    """Write to the printer's own bulk endpoints instead of python-escpos' fixed 0x01/0x82."""
    # Many 0416:5011 printers (the default ids) use 0x03 out and 0x81 in.
    try:
        import usb.util

        interface = printer.device.get_active_configuration()[(0, 0)]

        def bulk(direction: int) -> int | None:
            endpoint = usb.util.find_descriptor(
                interface,
                custom_match=lambda e: (
                    usb.util.endpoint_direction(e.bEndpointAddress) == direction
                    and usb.util.endpoint_type(e.bmAttributes) == usb.util.ENDPOINT_TYPE_BULK
                ),
            )
            return None if endpoint is None else int(endpoint.bEndpointAddress)

        out_ep, in_ep = bulk(usb.util.ENDPOINT_OUT), bulk(usb.util.ENDPOINT_IN)
    except Exception:  # keep python-escpos' defaults when the descriptors cannot be read
        log.debug("cannot read the USB endpoints", exc_info=True)
        return
    if out_ep is not None:
        printer.out_ep = out_ep
    if in_ep is not None:
        printer.in_ep = in_ep


def send(config: PrinterConfig, data: bytes) -> int:
    """Open the target, write `data`, close it (CUPS and Windows send on close); bytes sent."""
    printer = open_printer(config)
    try:
        # python-escpos has no public raw write; `_raw` is what all its commands use.
        printer._raw(data)
        printer.close()
    except Exception as exc:
        raise open_error(config, exc) from exc
    finally:
        _close_quietly(printer)
    log.info("sent %d bytes to %s", len(data), describe_target(config)[1])
    return len(data)


def _close_quietly(printer: Escpos) -> None:
    try:
        printer.close()
    except Exception:  # closing after a failure must not hide the failure
        log.debug("closing the printer failed", exc_info=True)


def read_status(config: PrinterConfig) -> PrinterStatus:
    """Ask the printer for its state with DLE EOT; no reply means unknown, never "ok"."""
    if config.target == PrinterTarget.NONE:
        return PrinterStatus.DISABLED
    if config.target == PrinterTarget.DUMMY:
        return PrinterStatus.UNKNOWN
    if config.target == PrinterTarget.FILE:
        return _file_status(ticket_file(config))
    try:
        printer = open_printer(config)
    except PrinterError as exc:
        log.info("status: %s", exc.message_en)
        return PrinterStatus.OFFLINE
    try:
        online = printer.query_status(constants.RT_STATUS_ONLINE)
        if not online:
            return PrinterStatus.UNKNOWN
        if online[0] & constants.RT_MASK_ONLINE:
            return PrinterStatus.OFFLINE
        paper = printer.query_status(constants.RT_STATUS_PAPER)
        if not paper:
            return PrinterStatus.UNKNOWN
        if paper[0] & constants.RT_MASK_NOPAPER == constants.RT_MASK_NOPAPER:
            return PrinterStatus.PAPER_OUT
        return PrinterStatus.OK
    except Exception:  # no answer (timeout, no read support) means unknown
        log.debug("status query failed", exc_info=True)
        return PrinterStatus.UNKNOWN
    finally:
        _close_quietly(printer)


def _file_status(path: Path) -> PrinterStatus:
    """OK when the file (or the nearest existing folder it would be created in) is writable."""
    if path.is_dir():
        return PrinterStatus.OFFLINE
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    return PrinterStatus.OK if os.access(existing, os.W_OK) else PrinterStatus.OFFLINE


def platform_targets() -> list[PrinterTarget]:
    """Targets whose libraries are importable on this machine (for `kiosk config check`)."""
    usable = {
        PrinterTarget.NONE: True,
        PrinterTarget.DUMMY: True,
        PrinterTarget.FILE: True,
        PrinterTarget.NETWORK: True,
        PrinterTarget.USB: Usb.is_usable(),
        PrinterTarget.SERIAL: Serial.is_usable(),
        PrinterTarget.CUPS: CupsPrinter.is_usable(),
        PrinterTarget.WIN32RAW: Win32Raw.is_usable() and sys.platform == "win32",
    }
    return [t for t, ok in usable.items() if ok]
