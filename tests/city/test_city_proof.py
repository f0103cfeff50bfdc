"""The proof of issue #15's shipping, with real processes and the real PostgreSQL.

Three points (two SQLite files, one PostgreSQL database of its own), each a site with its own
role at one centre. Their queues are driven by real `kiosk simulate --write` processes: every
ticket issued, called, served, completed (and rated) through QueueService with a manual
clock, one transaction each, as at a real point, while `kiosk sync` runs beside them as a
service. Two things are proved here:

- a central outage over two business days (the points reach the centre through a TCP relay
  the test cuts, as a network link goes down, while the server itself stays up for the rest
  of the suite and the PostgreSQL point): the points work on, sync retries with its growing
  backoff without crashing, `--status` shows the error and a growing backlog, and after the
  relay is mended the points catch up in order and equal the centre row by row;
- 50 `kill -9`s of `kiosk sync` at seeded random moments across the three points, most of
  them in the middle of shipping a big backlog (some inside a batch's central transaction,
  some of two syncs of one point at once), while the points keep writing: afterwards the
  centre equals every point row by row, no event twice, marks equal the points' last ids,
  and `--verify` agrees until a change of one microsecond is planted at the centre.

What the proof also stands on is tested once, in tests/city/test_centre.py, and not repeated:
a duplicated and an overlapping batch change nothing
(`test_a_duplicated_batch_changes_nothing`), a point's role cannot insert another site's
events, read any events or move another mark (`test_a_points_role_touches_only_its_own_site`),
and `--verify` names the first day of a changed kind and of a deleted event
(`test_verify_names_the_first_day_that_differs`).
"""

from __future__ import annotations

import io
import itertools
import json
import random
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.central.centre import connect, role_of
from kiosk.core.store import Store
from kiosk.reports.arrivals import open_days
from kiosk.sync.service import MAX_BACKOFF_SECONDS, SyncLink, retry_delay
from kiosk.sync.ship import point_last_event
from kiosk.sync.state import load_state, state_path
from tests.city.relay import Relay
from tests.city.support import (
    START,
    centre_mark,
    centre_rows,
    fill,
    new_site,
    pg_point_database,
    point_config,
    point_rows,
    process_point,
    start_kiosk,
    wait_for,
)
from tests.pg_cluster import PgCluster, free_port
from tests.support import only_backend

pytestmark = only_backend("postgresql")

KILLS = 50
#: Events per central transaction: a backlog is many batches, so kills land inside them.
BATCH = 20
#: Citizens a day written by the points' own processes.
CITIZENS = 80
#: The points' [sync]: the service ships every second, BATCH events a transaction.
FAST = {
    "interval_seconds = 30": "interval_seconds = 1",
    "batch_events = 5000": f"batch_events = {BATCH}",
}


@dataclass
class Point:
    """A point of the proof: its database (only read by the test), its processes' environment."""

    name: str
    link: SyncLink
    env: dict[str, str]

    @property
    def site(self) -> str:
        return self.link.site

    def last_event(self) -> int:
        return point_last_event(self.link.store, self.site)

    def kiosk(self, *args: str) -> subprocess.Popen[str]:
        return start_kiosk(self.env, *args)

    def write_days(self, first: date, days: int, seed: int) -> subprocess.Popen[str]:
        """The point's own work: a process issuing, calling and completing every ticket of
        `days` open days from `first` through QueueService (a manual clock)."""
        return self.kiosk(
            "--json", "simulate", "--write", "--from", first.isoformat(), "--days", str(days),
            "--citizens", str(CITIZENS), "--seed", f"{self.name}{seed}",
        )  # fmt: skip


@contextmanager
def three_points(
    centre: str, pg_cluster: PgCluster, pg_template: str, folder: Path, host: str | None = None
) -> Iterator[list[Point]]:
    """Points a and b on SQLite files, c on a PostgreSQL database of its own, each a new site
    with its own role at `centre` (reached at `host` when given)."""
    with pg_point_database(pg_cluster, pg_template) as pg_point:
        points = [
            Point(name, *process_point(folder / name, centre, url, host=host, **FAST))
            for name, url in (("a", ""), ("b", ""), ("c", pg_point))
        ]
        try:
            yield points
        finally:
            for point in points:
                point.link.store.close()


def finished(proc: subprocess.Popen[str], timeout: float = 180) -> str:
    """The stdout of a process that must end by itself with exit 0."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        err += f"\n(still running after {timeout} s)"
    assert proc.returncode == 0, (proc.args, err)
    assert "Traceback" not in err, err
    return out


def wrote(procs: list[subprocess.Popen[str]]) -> list[int]:
    """The events each point's own process wrote (it ended well)."""
    return [json.loads(finished(proc))["events_written"] for proc in procs]


def all_equal(centre: str, points: list[Point]) -> None:
    """The centre holds every point's events row by row, each once, and the marks agree."""
    for point in points:
        rows = point_rows(point.link)
        assert centre_rows(centre, point.site) == rows, point.name
        assert centre_mark(centre, point.site) == point.last_event() == rows[-1][0]


def verify(points: list[Point]) -> list[subprocess.CompletedProcess[str]]:
    """`kiosk sync --verify` of each point, at once."""
    procs = [point.kiosk("sync", "--verify") for point in points]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


# ------------------------------------------------------------------------------ outage


class FailedRuns(threading.Thread):
    """Polls the services' state files: the moments each recorded a failed run."""

    def __init__(self, files: list[Path]) -> None:
        super().__init__(daemon=True)
        self.files = files
        self.times: list[list[datetime]] = [[] for _ in files]
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            for seen, path in zip(self.times, self.files, strict=True):
                at = load_state(path).last_error_at
                if at is not None and (not seen or seen[-1] != at):
                    seen.append(at)


def status(points: list[Point]) -> list[dict[str, Any]]:
    """`kiosk sync --status --json` of each point, at once."""
    procs = [point.kiosk("sync", "--status", "--json") for point in points]
    return [json.loads(finished(proc, timeout=120)) for proc in procs]


def test_three_points_work_through_a_two_day_outage_and_catch_up_in_order(
    centre: str,
    pg_cluster: PgCluster,
    pg_template: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    relay = Relay(pg_cluster.port)
    relay.mend()
    services: list[subprocess.Popen[str]] = []
    with three_points(centre, pg_cluster, pg_template, tmp_path, f"127.0.0.1:{relay.port}") as pts:
        try:
            # Saturday 28/11, then the outage over Monday 30/11 and Tuesday 1/12 (a new month).
            before, *outage = open_days(pts[0].link.config, START + timedelta(1), 3)
            assert outage[-1].month == 12
            services = [point.kiosk("sync") for point in pts]
            assert all(wrote([point.write_days(before, 1, 1) for point in pts]))
            for point in pts:
                wait_for(f"{point.name} shipped live", lambda p=point: _caught_up(centre, p))
            files = []
            for point in pts:
                with monkeypatch.context() as env:  # a PostgreSQL point keeps it in XDG_DATA_HOME
                    env.setenv("XDG_DATA_HOME", point.env["XDG_DATA_HOME"])
                    files.append(state_path(point.link.db_url, point.site))
                assert load_state(files[-1]).last_error_at is None  # never failed so far
            marks = [centre_mark(centre, point.site) for point in pts]

            relay.cut()
            failures = FailedRuns(files)
            failures.start()
            # Two business days of the points' own work while the centre is away.
            first_day = wrote([point.write_days(outage[0], 1, 2) for point in pts])
            wait_for("two failed runs of each", lambda: all(len(t) >= 2 for t in failures.times))
            during = status(pts)
            second_day = wrote([point.write_days(outage[1], 1, 3) for point in pts])
            after = status(pts)
            wait_for("three failed runs of each", lambda: all(len(t) >= 3 for t in failures.times))
            assert all(service.poll() is None for service in services)  # no crash

            for point, mark, s1, s2, n1, n2 in zip(
                pts, marks, during, after, first_day, second_day, strict=True
            ):
                for s in (s1, s2):
                    assert (s["shipped_event_id"], s["shipped_source"]) == (mark, "last known")
                    assert "Cannot connect" in s["centre_error"]
                    assert s["last_error"].startswith("Cannot connect"), s
                    assert s["last_error_at"] is not None
                assert (s1["backlog"], s2["backlog"]) == (n1, n1 + n2)  # growing
                assert s2["point_last_event_id"] == point.last_event() == mark + n1 + n2

            relay.mend()
            seen: list[list[int]] = [[] for _ in pts]

            def caught_up() -> bool:
                now = [centre_mark(centre, point.site) for point in pts]
                for trail, mark in zip(seen, now, strict=True):
                    trail.append(mark)
                return now == [point.last_event() for point in pts]

            # The next retry may be up to the backoff's cap away (seconds on a quiet machine).
            wait_for("the catch-up", caught_up, timeout=MAX_BACKOFF_SECONDS + 120)
            failures.done.set()
            failures.join()

            for service in services:
                service.send_signal(signal.SIGTERM)
            for service in services:
                out, err = service.communicate(timeout=60)
                assert service.returncode == 0, err
                assert out.rstrip().endswith("kiosk sync: stopped")
                retries = [line for line in err.splitlines() if line.endswith("(retrying)")]
                assert 1 <= len(retries) <= 2, err  # one line per problem, not per retry
                assert "the centre answers again" in err and "Traceback" not in err

            # The service kept retrying, waiting twice as long each time (1 s, 2 s, 4 s…).
            for times in failures.times:
                gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
                assert all(gap >= 2**k - 0.1 for k, gap in enumerate(gaps)), gaps
            all_equal(centre, pts)
            for point, mark, trail in zip(pts, marks, seen, strict=True):
                assert trail == sorted(trail)  # the mark only went forward
                # In id order, batch after batch: each batch was received after the one before.
                received = _received(centre, point.site)
                assert [at for _, at in received] == sorted(at for _, at in received)
                catch_up = {at for event_id, at in received if event_id > mark}
                assert len(catch_up) >= -(-(point.last_event() - mark) // BATCH)
            for done in verify(pts):
                assert done.returncode == 0, done.stderr
                assert (
                    "3 days agree" in done.stdout and "the centre equals the point" in done.stdout
                )
        finally:
            relay.cut()
            for service in services:
                service.kill()
                service.communicate()


def _caught_up(centre: str, point: Point) -> bool:
    return centre_mark(centre, point.site) == point.last_event()


def _received(centre: str, site: str) -> list[tuple[int, datetime]]:
    with connect(centre) as conn:
        rows = conn.execute(
            "SELECT event_id, received_at FROM central_events WHERE site = %s ORDER BY event_id",
            (site,),
        ).fetchall()
    return [(int(r[0]), r[1]) for r in rows]


class RecordedWaits(threading.Event):
    """The service's stop event, recording each wait instead of waiting; set after `count`."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count
        self.waits: list[float | None] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        if len(self.waits) >= self.count:
            self.set()
        return self.is_set()


def test_the_service_waits_twice_as_long_after_each_failure_up_to_five_minutes_for_days(
    tmp_path: Path,
) -> None:
    site = new_site()
    url = f"sqlite:///{tmp_path / 'p.db'}"
    nowhere = f"postgresql://site_{site}:secret@127.0.0.1:{free_port()}/city"
    link = SyncLink(Store.open(url), point_config(site, nowhere, **FAST), url)
    stop = RecordedWaits(12)
    out, err = io.StringIO(), io.StringIO()
    link.serve(stop, out=out, err=err)
    link.store.close()
    assert MAX_BACKOFF_SECONDS == 300
    assert stop.waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    assert err.getvalue().count("(retrying)") == 1 and "Cannot connect" in err.getvalue()
    assert out.getvalue().endswith("kiosk sync: stopped\n")
    assert "Cannot connect" in link.state().last_error
    # Days of failures: five minutes each time (the doubling once overflowed at 3.5 days).
    assert [retry_delay(30, n) for n in (1, 4, 5, 1025, 10**6)] == [30, 240, 300, 300, 300]
    assert retry_delay(86_400, 10**6) == 86_400  # an interval over five minutes is kept


# ------------------------------------------------------------------------------ kill -9


@dataclass(frozen=True)
class Kill:
    """One `kill -9` of a running `kiosk sync`."""

    point: str
    twin: bool  # two syncs of the point ran at once (their batches duplicated)
    mark_before: int  # the centre's mark when the process started
    mark_after: int  # and after the kill
    last: int  # the point's last event id at the kill
    in_batch: bool  # the point's role had a batch's transaction open at the centre just before

    @property
    def mid_shipment(self) -> bool:
        """It had shipped something and the backlog was not over."""
        return self.mark_before < self.mark_after < self.last


#: A batch's transaction of the role is open: it wrote (locked its mark, made its table).
IN_BATCH = "SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND backend_xid IS NOT NULL"


def kill_at_random(
    point: Point, kills: int, rng: random.Random, cluster: PgCluster, centre: str
) -> list[Kill]:
    """Start `kiosk sync` (the service, sometimes --once, sometimes two at once) and kill -9
    it at a random moment, most often once it has shipped a batch, `kills` times."""
    done: list[Kill] = []
    role = role_of(point.site)
    with cluster.connect(centre.rsplit("/", 1)[1]) as admin:

        def mark() -> int:
            row = admin.execute(
                "SELECT last_event_id FROM high_water WHERE site = %s", (point.site,)
            ).fetchone()
            return int(row[0])  # type: ignore[index]

        def going(before: int, procs: list[subprocess.Popen[str]]) -> bool:
            """A batch went, or nothing is left to ship, or the runs ended by themselves."""
            now = mark()
            gone = all(p.poll() is not None for p in procs)
            return now > before or now == point.last_event() or gone

        while len(done) < kills:
            before = mark()
            twin = kills - len(done) >= 2 and rng.random() < 0.2
            mode = ["--once"] if rng.random() < 0.3 else []
            procs = [point.kiosk("sync", *mode) for _ in range(1 + twin)]
            try:
                if rng.random() < 0.85:
                    wait_for(f"a batch of {point.name}", lambda b=before, ps=procs: going(b, ps))
                time.sleep(rng.uniform(0, 0.3))
                in_batch = bool(admin.execute(IN_BATCH, (role,)).fetchone()[0])  # type: ignore[index]
                for p in procs:
                    p.send_signal(signal.SIGKILL)
            finally:
                for p in procs:
                    p.kill()
                    p.communicate()
            after, last = mark(), point.last_event()
            assert after >= before  # a mark never goes back
            killed = [p for p in procs if p.returncode == -signal.SIGKILL]  # not ended by itself
            done += [Kill(point.name, twin, before, after, last, in_batch) for _ in killed]
    return done


def test_fifty_kill_9s_across_three_points_lose_and_double_nothing(
    centre: str, pg_cluster: PgCluster, pg_template: str, tmp_path: Path
) -> None:
    rng = random.Random(15)
    with three_points(centre, pg_cluster, pg_template, tmp_path) as pts:
        days = {}
        for seed, point in enumerate(pts, 1):
            days[point.name] = fill(point.link.store, point.link.config, 15, 120, seed)
        backlog = [point.last_event() for point in pts]
        # The points keep working while their syncs are killed: one more day each.
        next_day = open_days(pts[0].link.config, days["a"][-1] + timedelta(1), 1)[0]
        writers = [point.write_days(next_day, 1, 4) for point in pts]
        quotas = [17, 17, 16]
        rng.shuffle(quotas)
        with ThreadPoolExecutor(len(pts)) as pool:
            runs = [
                pool.submit(
                    kill_at_random, point, quota, random.Random(rng.random()), pg_cluster, centre
                )
                for point, quota in zip(pts, quotas, strict=True)
            ]
            kills = [kill for run in runs for kill in run.result()]
        assert all(wrote(writers))

        assert len(kills) == KILLS
        assert sum(k.twin for k in kills) >= 2  # duplicated batches raced on the mark's lock
        mid = sum(k.mid_shipment for k in kills)
        in_batch = sum(k.in_batch for k in kills)
        assert mid >= 25, (mid, in_batch, backlog, kills)
        assert in_batch >= 5, (mid, in_batch, kills)

        for proc in [point.kiosk("sync", "--once", "--batch", "5000") for point in pts]:
            assert "Shipped" in finished(proc)
        all_equal(centre, pts)
        with pg_cluster.connect(centre.rsplit("/", 1)[1]) as admin:
            twice = admin.execute(
                "SELECT count(*) - count(DISTINCT (site, event_id)) FROM central_events"
            ).fetchone()
            assert twice == (0,)
        assert all(done.returncode == 0 for done in verify(pts))

        # A difference of one microsecond in one event of the PostgreSQL point's middle day.
        c = pts[2]
        day = days["c"][7]
        planted = next(row[0] for row in point_rows(c.link) if row[2] == day)
        with pg_cluster.connect(centre.rsplit("/", 1)[1]) as admin:
            changed = admin.execute(
                "UPDATE central_events SET at = at + interval '1 microsecond' "
                "WHERE site = %s AND event_id = %s",
                (c.site, planted),
            ).rowcount
            assert changed == 1
        a, b, found = verify(pts)
        assert a.returncode == b.returncode == 0
        assert found.returncode == 1 and found.stdout == ""
        assert found.stderr.count("\n") == 1 and "Traceback" not in found.stderr
        assert f"the first day that differs is {day:%d/%m/%Y}" in found.stderr
