"""`kiosk sync` as real processes: three points and a second sync of one at once, and the
centre's server stopped under the service (issue #15). The proof at full scale (a two-day
outage of three points, 50 kill -9s) is tests/city/test_city_proof.py."""

from __future__ import annotations

import signal
import time
from datetime import timedelta
from pathlib import Path

from tests.city.support import (
    centre_mark,
    centre_rows,
    fill,
    new_centre,
    pg_point_database,
    point_rows,
    process_point,
    start_kiosk,
    wait_for,
)
from tests.pg_cluster import PgCluster
from tests.support import only_backend, run_kiosk_all

pytestmark = only_backend("postgresql")


def test_three_points_and_a_second_sync_of_one_ship_at_the_same_time(
    centre: str, pg_cluster: PgCluster, pg_template: str, tmp_path: Path
) -> None:
    with pg_point_database(pg_cluster, pg_template) as pg_point:
        points = [
            process_point(tmp_path / "a", centre),
            process_point(tmp_path / "b", centre),
            process_point(tmp_path / "c", centre, url=pg_point),
        ]
        for seed, (link, _env) in enumerate(points, 1):
            fill(link.store, link.config, days=4, citizens=120, seed=seed)
        envs = [env for _link, env in points] + [points[0][1]]  # point a twice
        procs = [start_kiosk(env, "sync", "--once", "--batch", "50") for env in envs]
        for proc in procs:
            _out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        for link, _env in points:
            rows = centre_rows(centre, link.site)
            assert rows == point_rows(link)
            assert len({r[0] for r in rows}) == len(rows)
            link.store.close()


def test_the_service_rides_out_a_central_outage_and_catches_up(tmp_path: Path) -> None:
    cluster = PgCluster.start_new()
    try:
        with new_centre(cluster) as centre:
            link, env = process_point(
                tmp_path, centre, **{"interval_seconds = 30": "interval_seconds = 1"}
            )
            days = fill(link.store, link.config, days=2)
            service = start_kiosk(env, "sync")
            last = point_rows(link)[-1][0]
            wait_for("the first shipment", lambda: centre_mark(centre, link.site) == last)

            cluster.stop()
            (once,) = run_kiosk_all(tmp_path, env, ["sync", "--once"])
            assert once.returncode == 1 and once.stdout == ""
            assert once.stderr.count("\n") == 1 and "Cannot connect" in once.stderr
            assert "Traceback" not in once.stderr
            # The point works on through the outage: two more days of its own.
            fill(link.store, link.config, days=2, start=days[-1] + timedelta(1))
            time.sleep(4)  # the service retries (1 s, 2 s, …) meanwhile
            (status,) = run_kiosk_all(tmp_path, env, ["sync", "--status"])
            assert f"shipped up to event {last} (last known)" in status.stdout
            assert "last error: Cannot connect" in status.stdout

            cluster.start()
            now_last = point_rows(link)[-1][0]
            wait_for("the catch-up", lambda: centre_mark(centre, link.site) == now_last)
            service.send_signal(signal.SIGTERM)
            out, err = service.communicate(timeout=30)
            assert service.returncode == 0, err
            assert out.rstrip().endswith("kiosk sync: stopped")
            retries = [line for line in err.splitlines() if line.endswith("(retrying)")]
            assert 1 <= len(retries) <= 2, err  # once per problem, not once per retry
            assert "the centre answers again" in err and "Traceback" not in err
            assert centre_rows(centre, link.site) == point_rows(link)
    finally:
        cluster.destroy()
