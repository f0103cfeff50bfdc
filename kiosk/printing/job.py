"""Print jobs: send a ticket in a worker thread and give up after the timeout.

A ticket is already committed when it is printed, so a printer fault is an outcome to show and
log (`print_failed`), never an exception. A hung USB or TCP write is abandoned to its daemon
thread; the caller gets its answer within the timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from PIL import Image

from kiosk.core.config import PrinterConfig, PrinterTarget
from kiosk.printing import texts
from kiosk.printing.errors import PrinterError
from kiosk.printing.escpos_output import encode_ticket
from kiosk.printing.targets import PrinterStatus, describe_target, read_status, send

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Workers still running per target (a hung write): the next job fails fast instead of piling up.
_busy: dict[str, threading.Thread] = {}
_busy_lock = threading.Lock()


@dataclass(frozen=True)
class PrintOutcome:
    """What happened to one print job, in words for the citizen screen and the admin."""

    ok: bool
    message_vi: str
    message_en: str
    bytes_sent: int

    def message(self, language: str = "en") -> str:
        """The message in the requested language ("vi" or "en")."""
        return self.message_vi if language == "vi" else self.message_en


class _TimedOut(Exception):
    pass


def prepare(config: PrinterConfig, image: Image.Image) -> bytes:
    """The exact bytes a ticket job sends to the configured printer (pure; no device)."""
    return encode_ticket(image, config.profile)


def _target_key(config: PrinterConfig) -> str:
    return describe_target(config)[1]


def _run_with_timeout(config: PrinterConfig, work: Callable[[], T], timeout: float) -> T:
    """Run `work` in a daemon thread; _TimedOut if it has not finished within `timeout`."""
    key = _target_key(config)
    result: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:
            failure.append(exc)
        finally:
            with _busy_lock:
                if _busy.get(key) is threading.current_thread():
                    del _busy[key]

    deadline = time.monotonic() + timeout
    while True:
        with _busy_lock:
            previous = _busy.get(key)
            if previous is None or not previous.is_alive():
                worker = threading.Thread(target=run, name=f"printer {key}", daemon=True)
                _busy[key] = worker
                worker.start()
                break
        # One job at a time per printer: wait for the one before (a status check) in our budget.
        previous.join(max(0.0, deadline - time.monotonic()))
        if previous.is_alive():
            vi, en = describe_target(config)
            raise PrinterError(
                f"{vi} vẫn đang bận với lần trước (không phản hồi); kiểm tra máy in.",
                f"{en} is still stuck on the previous job; check the printer.",
            )
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise _TimedOut
    if failure:
        raise failure[0]
    return result[0]


def print_bytes(config: PrinterConfig, data: bytes, timeout: float | None = None) -> PrintOutcome:
    """Send prepared ESC/POS bytes (a reprint) to the configured printer within `timeout`."""
    limit = config.timeout_seconds if timeout is None else timeout
    vi, en = describe_target(config)
    if config.target == PrinterTarget.NONE:
        return PrintOutcome(False, vi, en, 0)
    try:
        sent = _run_with_timeout(config, lambda: send(config, data), limit)
    except _TimedOut:
        log.warning("%s: no answer within %g s, job abandoned", en, limit)
        said = texts.NO_ANSWER
        return PrintOutcome(
            False,
            said.get("vi", printer=vi, seconds=f"{limit:g}"),
            said.get("en", printer=en, seconds=f"{limit:g}"),
            0,
        )
    except PrinterError as exc:
        log.warning("print failed: %s", exc.message_en)
        return PrintOutcome(False, exc.message_vi, exc.message_en, 0)
    except Exception as exc:  # an unexpected driver error must not reach the kiosk screen
        log.exception("print failed unexpectedly")
        failed = texts.FAILED
        return PrintOutcome(
            False,
            failed.get("vi", printer=vi, error=exc),
            failed.get("en", printer=en, error=exc),
            0,
        )
    return PrintOutcome(
        True, texts.PRINTED.get("vi", printer=vi), texts.PRINTED.get("en", printer=en), sent
    )


def print_ticket(
    config: PrinterConfig, image: Image.Image, timeout: float | None = None
) -> PrintOutcome:
    """Encode and print a rendered ticket; an outcome (never an exception) within `timeout`."""
    if config.target == PrinterTarget.NONE:
        vi, en = describe_target(config)
        return PrintOutcome(False, vi, en, 0)
    try:
        data = prepare(config, image)
    except PrinterError as exc:
        return PrintOutcome(False, exc.message_vi, exc.message_en, 0)
    return print_bytes(config, data, timeout)


def printer_status(config: PrinterConfig, timeout: float | None = None) -> PrinterStatus:
    """The printer's state for the admin screen; no answer within `timeout` is unknown."""
    if config.target == PrinterTarget.NONE:
        return PrinterStatus.DISABLED
    limit = config.timeout_seconds if timeout is None else timeout
    try:
        return _run_with_timeout(config, lambda: read_status(config), limit)
    except _TimedOut:
        return PrinterStatus.UNKNOWN
    except PrinterError:
        return PrinterStatus.UNKNOWN
