"""The point's side of the city link: one run, the service loop, the status and the check.

Every run starts from the centre's mark, so any run may be killed at any moment. The
service ships every `[sync] interval_seconds`; after a failure it waits twice as long each
time (capped at `MAX_BACKOFF_SECONDS`) and says so once per distinct problem, not per retry.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from kiosk.central.centre import connect
from kiosk.core.config import Config
from kiosk.core.database import (
    HEAD_REVISION,
    check_revision,
    describe_url,
    parse_db_url,
    stored_revision,
    translated_errors,
)
from kiosk.core.errors import ConfigError, DatabaseError, KioskError
from kiosk.core.store import Store
from kiosk.sync.ship import Shipped, central_mark, point_backlog, point_last_event, ship
from kiosk.sync.state import SyncState, load_state, save_state, state_path
from kiosk.sync.verify import Verification, centre_days, compare, point_days

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 300.0


def retry_delay(interval: float, failures: int) -> float:
    """Seconds to wait after `failures` failed runs in a row: the interval, doubled after each
    failure, at most MAX_BACKOFF_SECONDS (or the interval when that is longer). The exponent
    stops growing: 2**1024 is no float, which ended the service after 3.5 days of outage."""
    return min(interval * 2.0 ** min(failures - 1, 32), max(interval, MAX_BACKOFF_SECONDS))


def central_url_of(config: Config) -> str:
    """`[sync] central_url`, or one clear line saying where to put it."""
    if not config.sync.central_url:
        raise ConfigError(
            "Chưa có địa chỉ trung tâm: ghi [sync] central_url trong kiosk.toml",
            "No centre is set: put the URL `kiosk central add-site ID` printed for this point "
            "in [sync] central_url of kiosk.toml",
        )
    return config.sync.central_url


def open_point(db_url: str) -> Store:
    """The point's database, only read: never created, never migrated by sync."""
    parsed = parse_db_url(db_url)
    if parsed.drivername.startswith("sqlite") and parsed.database:
        path = Path(parsed.database).expanduser()
        if not path.is_file():
            raise DatabaseError(
                f"Không có cơ sở dữ liệu tại {path}",
                f"There is no point database at {path}: give this point's --db / KIOSK_DB.",
            )
    store = Store.open(db_url, migrate=False)
    with translated_errors(db_url, opening=True):
        revision, tables = stored_revision(store.engine)
    if revision != HEAD_REVISION:
        store.close()
        check_revision(db_url, revision, tables)  # a newer, foreign or damaged database
        raise DatabaseError(
            f"Cơ sở dữ liệu của điểm ở phiên bản {revision}; hãy chạy kiosk db upgrade",
            f"The point's database {describe_url(db_url)} is at schema revision {revision}, "
            f"not {HEAD_REVISION}: run `kiosk db upgrade` (sync only reads it, never upgrades).",
        )
    return store


@dataclass
class SyncLink:
    """One point's link: its database, its config and where its state is kept."""

    store: Store
    config: Config
    db_url: str

    @property
    def site(self) -> str:
        return str(self.config.site.id)

    @property
    def central_url(self) -> str:
        return central_url_of(self.config)

    @property
    def state_file(self) -> Path:
        return state_path(self.db_url, self.site)

    def state(self) -> SyncState:
        return load_state(self.state_file)

    def run_once(
        self, *, stop: Callable[[], bool] = lambda: False, batch: int | None = None
    ) -> Shipped:
        """Ship the backlog; the outcome (mark or error) is kept in the state file."""
        try:
            shipped = ship(self.store, self.config, self.central_url, stop=stop, batch=batch)
        except KioskError as exc:
            self._record(error=exc.message("en"))
            raise
        self._record(shipped_id=shipped.after)
        return shipped

    def _record(self, *, shipped_id: int | None = None, error: str = "") -> None:
        now = datetime.now(UTC)
        state = replace(self.state(), site=self.site)
        if shipped_id is not None:
            state = replace(state, shipped_id=shipped_id, shipped_at=now, last_error="")
        if error:
            state = replace(state, last_error=error, last_error_at=now)
        try:
            save_state(self.state_file, state)
        except KioskError as exc:  # the state is a convenience: shipping does not depend on it
            log.warning("cannot write the sync state: %s", exc)

    def status(self) -> dict[str, Any]:
        """The last shipped id (from the centre, else as last known), backlog, last error."""
        state = self.state()
        centre_error = ""
        try:
            with connect(self.central_url) as conn:
                shipped: int | None = central_mark(conn, self.site)
            source = "centre"
        except DatabaseError as exc:
            shipped, source = state.shipped_id, "last known"
            centre_error = exc.message("en")
        last = point_last_event(self.store, self.site)
        return {
            "site": self.site,
            "central_url": describe_url(self.central_url),
            "shipped_event_id": shipped,
            "shipped_source": source,
            "shipped_seen_at": state.shipped_at.isoformat() if state.shipped_at else None,
            "point_last_event_id": last,
            "backlog": point_backlog(self.store, self.site, shipped or 0),
            "centre_error": centre_error,
            "last_error": state.last_error,
            "last_error_at": state.last_error_at.isoformat() if state.last_error_at else None,
        }

    def verify(self) -> Verification:
        with connect(self.central_url) as conn:
            mark = central_mark(conn, self.site)
            centre = centre_days(conn)
        return compare(point_days(self.store, self.site, mark), centre, mark)

    def serve(
        self,
        stop: threading.Event,
        *,
        out: TextIO = sys.stdout,
        err: TextIO = sys.stderr,
        lang: str = "en",
    ) -> None:
        """Ship every interval until `stop` is set; back off after failures."""
        interval = float(self.config.sync.interval_seconds)
        failures = 0
        problem = ""
        print(
            f"kiosk sync: shipping {self.site}'s events to {describe_url(self.central_url)} "
            f"every {interval:g} s",
            file=out,
            flush=True,
        )
        while not stop.is_set():
            try:
                shipped = self.run_once(stop=stop.is_set)
            except KioskError as exc:
                failures += 1
                message = exc.message(lang)
                if message != problem:
                    problem = message
                    print(f"kiosk sync: {message} (retrying)", file=err, flush=True)
                stop.wait(retry_delay(interval, failures))
                continue
            if problem:
                print("kiosk sync: the centre answers again", file=err, flush=True)
                problem, failures = "", 0
            if shipped.events:
                print(
                    f"kiosk sync: shipped {shipped.events} events (up to {shipped.after})",
                    file=out,
                    flush=True,
                )
            stop.wait(interval)
        print("kiosk sync: stopped", file=out, flush=True)
