"""City tests: the centre is PostgreSQL, so every test here runs with the PostgreSQL backend
(each module sets `pytestmark = only_backend("postgresql")`), whatever the point's backend
(most points are SQLite files filled by the simulator)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.city.support import new_centre
from tests.pg_cluster import PgCluster


@pytest.fixture(autouse=True)
def on_postgresql(backend: str) -> str:
    """Makes every test here take the `backend` parameter (the PostgreSQL cluster's)."""
    return backend


@pytest.fixture
def centre(pg_cluster: PgCluster) -> Iterator[str]:
    """An initialised centre; its URL is the superuser's (the admin's)."""
    with new_centre(pg_cluster) as url:
        yield url
