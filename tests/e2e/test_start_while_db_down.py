"""Screens started while the PostgreSQL server is down wait for it, then start by themselves.

At a point with several PCs the screens often boot before the database PC. The kiosk, the
display and a counter console are started (each its own `kiosk` process, offscreen) while
the session's real server is stopped: they stay up on the "temporarily unavailable" screen
and say why in the log; once the server is started they build their screens, and a ticket
issued and called from the CLI reaches the display.
"""

from __future__ import annotations

from pathlib import Path

from tests.core.test_outage import server_down
from tests.e2e.test_display_processes import Point, tile, wait_json
from tests.pg_cluster import PgCluster
from tests.support import log_when, only_backend, running_line

pytestmark = only_backend("postgresql")


def test_screens_started_while_the_server_is_down_wait_then_start(
    pg_cluster: PgCluster, db_url: str, tmp_path: Path
) -> None:
    point = Point(tmp_path)
    point.url = db_url
    point.cli("db", "upgrade")
    display_state = tmp_path / "display.json"
    counter_state = tmp_path / "counter.json"
    try:
        with server_down(pg_cluster):
            display = point.start(
                "-v", "display", "--geometry", "1280x720+0+0", "--mute",
                "--snapshot", str(display_state), log="display",
            )  # fmt: skip
            counter = point.start(
                "-v", "counter", "1", "--geometry", "1024x640+0+0",
                "--snapshot", str(counter_state), log="counter",
            )  # fmt: skip
            kiosk = point.start("-v", "run", "--geometry", "1080x1920+0+0", log="kiosk")
            for name, proc, screen in (
                ("display", display, "kiosk-display"),
                ("counter", counter, "kiosk-counter-1"),
                ("kiosk", kiosk, "kiosk"),
            ):
                log_file = tmp_path / f"{name}.log"
                log = log_when(log_file, "database unreachable, waiting for it", proc)
                assert "Cannot connect to the database server" in log, log
                # Up on its waiting screen: its window shown, its loop running.
                log = log_when(log_file, running_line(screen), proc)
                assert "Traceback" not in log, log
            assert not display_state.exists() and not counter_state.exists()
        wait_json(display_state, lambda d: d["renders"] >= 1, "the display after the outage")
        wait_json(counter_state, lambda d: "state" in d, "the console after the outage")
        kiosk_log = log_when(tmp_path / "kiosk.log", "database reachable after", kiosk)
        assert kiosk.poll() is None, kiosk_log

        code = point.cli("issue", "hotich")["ticket"]["code"]
        point.cli("call", "1")
        wait_json(display_state, lambda d: tile(d, 1)["code"] == code, f"{code} on the display")
    finally:
        point.stop_all()
    for name in ("display", "counter", "kiosk"):
        log = (tmp_path / f"{name}.log").read_text(errors="replace")
        assert "Traceback" not in log and "unhandled error" not in log, log
