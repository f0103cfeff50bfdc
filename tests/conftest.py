"""Fixtures that build real things: a database (SQLite file or PostgreSQL), a clock, the service.

`db_url` (and `store`, `service` on top of it) runs each test under tests/core and tests/e2e
once per backend: a temporary SQLite file, and a fresh database of a throwaway PostgreSQL 15
cluster started once per session (tests/pg_cluster.py). Elsewhere it is SQLite only. A test
that is about one backend says so with `@only_backend("sqlite")` (tests/support.py), which
overrides the `backend` parameter. KIOSK_TEST_BACKENDS=sqlite runs without PostgreSQL.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.clock import ManualClock
from kiosk.core.config import Config
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from tests.pg_cluster import PgCluster, PgUnavailable
from tests.support import local, make_config, wanted_backends

# Keep every test away from the real user's config and database.
os.environ.pop("KIOSK_CONFIG", None)
os.environ.pop("KIOSK_DB", None)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BOTH_BACKENDS_UNDER = ("tests/core/", "tests/e2e/")
#: The owner role the tests connect as (not a superuser, like a real installation).
PG_OWNER, PG_OWNER_PASSWORD = "kiosk_test_owner", "test-owner-secret"
PG_TEMPLATE = "kiosk_template"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else names
        if "backend" in names:
            return  # the test chose its backend(s) itself
    path = Path(metafunc.definition.path).as_posix()
    both = any(part in path for part in BOTH_BACKENDS_UNDER)
    metafunc.parametrize("backend", wanted_backends() if both else ("sqlite",))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "postgresql":
            item.add_marker(pytest.mark.postgres)


# ------------------------------------------------------------------------------ PostgreSQL


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A PostgreSQL 15 cluster for the whole session, deleted at the end."""
    problem = ""
    try:
        cluster = PgCluster.start_new()
    except PgUnavailable as exc:
        problem = str(exc)
    if problem:  # outside the except block: one clear message, no chained traceback
        pytest.fail(f"cannot start the test PostgreSQL cluster: {problem}", pytrace=False)
    cluster.execute(f"CREATE ROLE {PG_OWNER} LOGIN PASSWORD '{PG_OWNER_PASSWORD}'")
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def pg_template(pg_cluster: PgCluster) -> str:
    """A database migrated once; each test copies it (CREATE DATABASE … TEMPLATE)."""
    pg_cluster.execute(f"CREATE DATABASE {PG_TEMPLATE} OWNER {PG_OWNER}")
    Store.open(pg_url(pg_cluster, PG_TEMPLATE)).close()
    return PG_TEMPLATE


def pg_url(cluster: PgCluster, dbname: str) -> str:
    return cluster.url(dbname, user=PG_OWNER, password=PG_OWNER_PASSWORD)


_db_numbers = itertools.count(1)


# ------------------------------------------------------------------------------ databases


@pytest.fixture
def backend() -> str:
    """Overridden by the parametrization above; SQLite when a test is not parametrized."""
    return "sqlite"


@pytest.fixture
def new_db_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], str]]:
    """Makes empty, migrated databases of the test's backend (as many as the test needs)."""
    made: list[str] = []
    cluster: PgCluster | None = None
    if backend == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        template = request.getfixturevalue("pg_template")

    def make() -> str:
        n = next(_db_numbers)
        if cluster is None:
            name = f"kiosk{len(made) + 1 if made else ''}.db"
            made.append(name)
            return f"sqlite:///{tmp_path / name}"
        name = f"kiosk_t{n}"
        cluster.execute(
            f"CREATE DATABASE {name} TEMPLATE {template} OWNER {PG_OWNER} STRATEGY FILE_COPY"
        )
        made.append(name)
        return pg_url(cluster, name)

    yield make
    if cluster is not None and cluster.running:
        for name in made:  # FORCE also ends connections a test left open
            cluster.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def empty_db_url(backend: str, tmp_path: Any, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database with no schema at all (the migration test builds it revision by revision)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    cluster = request.getfixturevalue("pg_cluster")
    cluster.execute(f"CREATE DATABASE kiosk_migrate OWNER {PG_OWNER}")
    yield pg_url(cluster, "kiosk_migrate")
    cluster.execute("DROP DATABASE IF EXISTS kiosk_migrate WITH (FORCE)")


@pytest.fixture
def db_url(new_db_url: Callable[[], str]) -> str:
    return new_db_url()


@pytest.fixture
def config() -> Config:
    return make_config()


@pytest.fixture
def clock() -> ManualClock:
    # Monday 23/11/2026 08:00 in Hà Nội: inside the default opening hours.
    return ManualClock(local(2026, 11, 23, 8, 0))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store.open(db_url)
    yield s
    s.close()


@pytest.fixture
def service(store: Store, config: Config, clock: ManualClock) -> QueueService:
    return QueueService(store, config, clock)


@pytest.fixture
def aloop(qapp: Any) -> Iterator[Any]:
    """A qasync loop inside pytest-qt's QApplication, marked running, so background
    operations (kiosk.gui.operations) advance while qtbot waits."""
    import asyncio

    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    for task in asyncio.all_tasks(loop):
        task.cancel()
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)
