"""The change feed wakes on writes from other processes and followers converge on the log.

SQLite polls PRAGMA data_version; PostgreSQL LISTENs (migration 0002 NOTIFYs) and polls the
newest event id only when notifications stop. Outages are in test_outage.py.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from kiosk.core.feed import Follower, PollingFeed, PostgresFeed, SqliteFeed, open_feed
from kiosk.core.model import EventKind
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from tests.pg_cluster import PgCluster
from tests.support import only_backend


@only_backend("sqlite")
def test_sqlite_feed_wakes_when_another_process_writes(
    service: QueueService, store: Store, db_url: str
) -> None:
    feed = open_feed(store, service.site)
    assert isinstance(feed, SqliteFeed)
    assert feed.wait(0.05) is False  # nothing happened
    path = db_url.removeprefix("sqlite:///")
    script = (
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
        "c.execute('CREATE TABLE IF NOT EXISTS poke(x)'); c.commit()"
    )
    subprocess.run([sys.executable, "-c", script, path], check=True)
    assert feed.wait(2.0) is True
    feed.close()


def test_feed_wakes_on_a_write_from_this_process_too(service: QueueService, store: Store) -> None:
    feed = open_feed(store, service.site)
    timer = threading.Timer(0.1, lambda: service.issue("hotich"))
    timer.start()
    started = time.monotonic()
    assert feed.wait(5.0) is True
    assert time.monotonic() - started < 2.0
    timer.join()
    feed.close()


def test_follower_returns_each_event_once_in_order(service: QueueService, store: Store) -> None:
    follower = Follower(service, open_feed(store, service.site))
    assert follower.poll(0.01) == []
    service.issue("hotich")
    service.call_next(1)
    first = follower.poll(1.0)
    assert [e.kind for e in first] == [
        EventKind.ISSUED,
        EventKind.COUNTER_OPENED,
        EventKind.CALLED,
    ]
    assert follower.poll(0.01) == []
    service.recall(1)
    assert [e.kind for e in follower.poll(1.0)] == [EventKind.RECALLED]


def test_a_restarted_follower_catches_up_from_its_position(
    service: QueueService, store: Store
) -> None:
    service.issue("hotich")
    mark = service.last_event_id()
    service.issue("hotich")
    service.call_next(1)
    follower = Follower(service, PollingFeed(store, service.site, interval=0.01), after_id=mark)
    # Even without any wake-up (the writes happened before it started), poll converges.
    events = follower.poll(0.01)
    assert [e.ticket_code for e in events if e.kind is EventKind.ISSUED] == ["A002"]
    assert follower.position == service.last_event_id()


def test_polling_feed_notices_new_events(service: QueueService, store: Store) -> None:
    feed = PollingFeed(store, service.site, interval=0.01)
    assert feed.wait(0.03) is False
    service.issue("hotich")
    assert feed.wait(1.0) is True


def test_feed_survives_the_database_file_being_replaced(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'k.db'}")
    feed = SqliteFeed(store)
    feed.close()
    # A closed feed must not hang: it reports "maybe changed" so callers re-read.
    assert feed.wait(0.05) is True
    store.close()


def test_open_feed_picks_the_backends_own_feed(service: QueueService, store: Store) -> None:
    feed = open_feed(store, service.site)
    expected = SqliteFeed if store.dialect == "sqlite" else PostgresFeed
    assert isinstance(feed, expected)
    feed.close()


REPO = Path(__file__).resolve().parents[2]
ISSUE_IN_ANOTHER_PROCESS = """
import sys
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from tests.support import ALWAYS_OPEN, make_config
QueueService(Store.open(sys.argv[1]), make_config(**ALWAYS_OPEN)).issue("hotich")
"""


@only_backend("postgresql")
def test_postgres_feed_wakes_on_notify_from_another_process(
    service: QueueService, store: Store, db_url: str
) -> None:
    feed = PostgresFeed(store, service.site, fallback_interval=60)
    assert feed.wait(0.05) is False
    subprocess.run([sys.executable, "-c", ISSUE_IN_ANOTHER_PROCESS, db_url], check=True, cwd=REPO)
    started = time.monotonic()
    assert feed.wait(5.0) is True
    assert time.monotonic() - started < 0.5
    assert (feed.notified, feed.polled) == (1, 0)
    assert feed.wait(0.05) is False  # one transaction, one wake-up
    feed.close()


@only_backend("postgresql")
def test_postgres_feed_ignores_other_sites(
    service: QueueService, store: Store, pg_cluster: PgCluster, db_url: str
) -> None:
    feed = PostgresFeed(store, service.site, fallback_interval=60)
    dbname = db_url.rsplit("/", 1)[1]
    pg_cluster.execute("SELECT pg_notify('kiosk_events', 'another-site')", dbname)
    assert feed.wait(0.3) is False
    pg_cluster.execute(f"SELECT pg_notify('kiosk_events', '{service.site}')", dbname)
    assert feed.wait(1.0) is True
    feed.close()


@only_backend("postgresql")
def test_postgres_feed_falls_back_to_polling_when_notifications_stop(
    service: QueueService, store: Store
) -> None:
    with store.engine.begin() as conn:  # e.g. a proxy that drops NOTIFY, or a lost trigger
        conn.execute(text("ALTER TABLE queue_events DISABLE TRIGGER queue_events_notify"))
    feed = PostgresFeed(store, service.site, fallback_interval=0.2)
    service.issue("hotich")
    started = time.monotonic()
    assert feed.wait(5.0) is True
    assert time.monotonic() - started < 1.0
    assert (feed.notified, feed.polled) == (0, 1)
    assert feed.wait(0.3) is False
    feed.close()


@only_backend("postgresql")
def test_a_closed_postgres_feed_does_not_hang(service: QueueService, store: Store) -> None:
    feed = PostgresFeed(store, service.site)
    closer = threading.Timer(0.1, feed.close)
    closer.start()
    started = time.monotonic()
    assert feed.wait(10.0) is True  # woken by the close, callers re-read
    assert time.monotonic() - started < 2.0
    closer.join()


@only_backend("sqlite")
def test_sqlite_feed_reports_a_vanished_database_and_never_recreates_it(
    backend: str, tmp_path: Path
) -> None:
    from kiosk.core.errors import KioskError

    folder = tmp_path / "db"
    store = Store.open(f"sqlite:///{folder / 'k.db'}")
    store.close()
    folder.rename(tmp_path / "moved")
    with pytest.raises(KioskError) as err:
        SqliteFeed(store)
    assert "k.db" in err.value.message_en
    assert not (folder / "k.db").exists()
