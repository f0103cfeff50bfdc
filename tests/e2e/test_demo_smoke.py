"""`kiosk demo --smoke`: the demo's real processes (display, six consoles) on a fresh
database, headless; a ticket goes issue → call → shown → complete, and all stop after."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import psutil

from kiosk.core.config import parse_config
from kiosk.demo import demo_config_text, tile_geometry


def test_demo_config_is_open_around_the_clock_and_prints_into_its_folder(tmp_path: Path) -> None:
    cfg = parse_config(demo_config_text(tmp_path))
    assert [str(p) for p in cfg.hours.periods] == ["00:00-24:00"]
    assert len(cfg.hours.days) == 7
    assert Path(cfg.printer.file_path).parent == tmp_path
    assert not cfg.display.fullscreen
    # Its ticket pages are served on this PC, and the printed QR codes open them.
    assert cfg.web.public_url == f"http://127.0.0.1:{cfg.web.port}" == cfg.web.base_url
    assert cfg.web.qr_page_url("tok") == f"{cfg.web.public_url}/t/tok"


def test_demo_windows_are_tiled_on_the_screen() -> None:
    geo = tile_geometry(1920, 1080, 6)
    assert set(geo) == {"display", "kiosk", *(f"counter{i}" for i in range(1, 7))}
    for x, y, w, h in geo.values():
        assert x >= 0 and y >= 0 and x + w <= 1920 and y + h <= 1080
        assert w >= 640 and h >= 480
    # Each console keeps a visible strip with its title when fanned out.
    xs = [geo[f"counter{i}"][0] for i in range(1, 7)]
    assert all(b - a >= 150 for a, b in itertools.pairwise(xs))
    assert tile_geometry(1920, 1080, 6, kiosk=False)["display"] == (0, 0, 1920, 540)


def test_demo_smoke_runs_the_whole_point_headless_and_stops_its_processes(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "demo", "--smoke", "--dir", str(tmp_path / "demo")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "demo smoke: OK" in done.stdout
    state = tmp_path / "demo" / "state"
    assert (state / "display.json").exists()
    assert all((state / f"counter-{n}.json").exists() for n in range(1, 7))
    # Nothing of the demo is left running.
    left = [
        p
        for p in psutil.process_iter(["cmdline"])
        if str(tmp_path) in " ".join(p.info["cmdline"] or [])
    ]
    assert left == []
