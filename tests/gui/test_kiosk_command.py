"""`kiosk run`: the command starts the locked-down kiosk, and a stop signal still ends it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kiosk.cli import build_parser
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from tests.support import make_config


def test_run_takes_the_window_options() -> None:
    args = build_parser().parse_args(["run", "--windowed", "--screen", "1"])
    assert args.windowed and args.screen == 1
    args = build_parser().parse_args(["run", "--geometry", "800x600+10+20"])
    assert args.geometry == "800x600+10+20"


def test_locked_down_kiosk_starts_and_quits_on_a_stop_signal(tmp_path: Path) -> None:
    db = tmp_path / "kiosk.db"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_DB=f"sqlite:///{db.as_posix()}")
    env.pop("KIOSK_CONFIG", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "run"],  # full screen, lockdown on
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # Started once the kiosk read the database (the schema exists, the feed runs).
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    store = Store.open(f"sqlite:///{db.as_posix()}", migrate=False)
                except Exception:
                    time.sleep(0.2)
                    continue
                QueueService(store, make_config()).last_event_id()
                store.close()
                break
            time.sleep(0.2)
        time.sleep(1.0)
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        # Qt 6 cancels a quit when a window refuses to close: the kiosk must still stop.
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, out
    assert "Traceback" not in out
