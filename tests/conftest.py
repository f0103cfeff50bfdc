"""Fixtures that build real things: a temporary SQLite file, a manual clock, the service."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.clock import ManualClock
from kiosk.core.config import Config
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from tests.support import local, make_config

# Keep every test away from the real user's config and database.
os.environ.pop("KIOSK_CONFIG", None)
os.environ.pop("KIOSK_DB", None)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def config() -> Config:
    return make_config()


@pytest.fixture
def clock() -> ManualClock:
    # Monday 23/11/2026 08:00 in Hà Nội: inside the default opening hours.
    return ManualClock(local(2026, 11, 23, 8, 0))


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kiosk.db'}"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store.open(db_url)
    yield s
    s.close()


@pytest.fixture
def service(store: Store, config: Config, clock: ManualClock) -> QueueService:
    return QueueService(store, config, clock)
