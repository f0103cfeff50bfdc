"""Run core calls off the GUI thread and hand the result back to the widgets (Anki's shape).

A widget calls `ops.run(name, core_function, *args, on_done=..., on_error=...)`: the core
call runs in a worker thread, then the callbacks run on the GUI thread. Errors a person can
act on (KioskError) go to `on_error`; anything else is logged and reported as a generic
failure, never a crash.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from kiosk.core.errors import KioskError

log = logging.getLogger(__name__)
T = TypeVar("T")


class UnexpectedError(KioskError):
    """A bug or an unforeseen failure, reported to the person without a traceback."""


class Operations(QObject):
    """Background runner for one screen; keeps its tasks alive until they finish."""

    started = Signal(str)
    succeeded = Signal(str, object)
    failed = Signal(str, object)

    def __init__(self, parent: QObject | None = None, *, workers: int = 2) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kiosk-op")
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def run(
        self,
        name: str,
        fn: Callable[..., T],
        *args: Any,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[KioskError], None] | None = None,
        **kwargs: Any,
    ) -> asyncio.Task[None]:
        """Start `fn(*args, **kwargs)` in a worker; callbacks run on the GUI thread."""

        async def job() -> None:
            loop = asyncio.get_running_loop()
            try:
                result = await loop.run_in_executor(self._pool, partial(fn, *args, **kwargs))
            except KioskError as exc:
                log.info("%s refused: %s", name, exc.message_en)
                self.failed.emit(name, exc)
                if on_error:
                    on_error(exc)
                return
            except Exception as exc:  # a bug: log it, tell the person, keep running
                log.exception("%s failed", name)
                err = UnexpectedError(f"Lỗi không mong muốn: {exc}", f"Unexpected error: {exc}")
                self.failed.emit(name, err)
                if on_error:
                    on_error(err)
                return
            if on_done:
                on_done(result)
            self.succeeded.emit(name, result)

        self.started.emit(name)
        task = asyncio.ensure_future(job())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def shutdown(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)
