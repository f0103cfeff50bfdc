"""GUI fixtures: an asyncio loop living inside the pytest-qt QApplication (qasync)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import qasync
from PySide6.QtWidgets import QApplication


@pytest.fixture
def aloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop marked running, so asyncSlot/ops tasks advance while qtbot waits."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    for task in asyncio.all_tasks(loop):
        task.cancel()
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)
