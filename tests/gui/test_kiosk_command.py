"""`kiosk run`: the command starts the locked-down kiosk, and a stop signal still ends it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from kiosk.cli import build_parser
from tests.support import log_when, running_line


def test_run_takes_the_window_options() -> None:
    args = build_parser().parse_args(["run", "--windowed", "--screen", "1"])
    assert args.windowed and args.screen == 1
    args = build_parser().parse_args(["run", "--geometry", "800x600+10+20"])
    assert args.geometry == "800x600+10+20"


def test_locked_down_kiosk_starts_and_quits_on_a_stop_signal(tmp_path: Path) -> None:
    db = tmp_path / "kiosk.db"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_DB=f"sqlite:///{db.as_posix()}")
    env.pop("KIOSK_CONFIG", None)
    log = tmp_path / "kiosk.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli", "-v", "run"],  # full screen, lockdown on
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        # Started once its window is shown and its loop runs (the stop signal is handled).
        log_when(log, running_line("kiosk"), proc)
        # Qt 6 cancels a quit when a window refuses to close: the kiosk must still stop.
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text(errors="replace")
    assert proc.returncode == 0, text
    assert "Traceback" not in text


def test_run_refuses_a_catalogue_with_problems_and_lists_them(tmp_path: Path) -> None:
    from kiosk.core.config import default_config_text

    (tmp_path / "catalogue.toml").write_text(
        '[[procedures]]\nfield = "hotch"\nname = "Khai sinh"\nfee_vnd = 0\n'
        'processing = "Trong ngày"\n[[procedures.documents]]\nname = "Tờ khai"\n',
        encoding="utf-8",
    )
    config = tmp_path / "kiosk.toml"
    config.write_text(
        default_config_text().replace('catalogue = ""', 'catalogue = "catalogue.toml"', 1),
        encoding="utf-8",
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("KIOSK_CONFIG", None)
    db = f"sqlite:///{(tmp_path / 'kiosk.db').as_posix()}"
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "run", "--config", str(config), "--db", db],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("kiosk: ")
    assert 'procedures[0].field = "hotch": no such field; did you mean "hotich"?' in result.stderr
