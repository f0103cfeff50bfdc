"""Separate processes, one SQLite file: the CLI issues and calls, the display and a counter
console (each its own `kiosk` process, offscreen) show it, the display announces it.
Killed with SIGKILL and restarted, both show the same state again.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from kiosk.audio import announce_call, call_clip_names
from kiosk.core.config import parse_config
from kiosk.demo import demo_config_text
from kiosk.gui.theme import COLOURS

DEADLINE_S = 20.0


class Point:
    """A demo-like point in a temporary folder: config, database, and its processes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.config_path = folder / "kiosk.toml"
        text = demo_config_text(folder)
        self.config_path.write_text(text, encoding="utf-8")
        self.config = parse_config(text)
        self.url = f"sqlite:///{(folder / 'kiosk.db').as_posix()}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        self.env.update(QT_QPA_PLATFORM="offscreen", PYTHONUTF8="1")
        self.procs: list[subprocess.Popen[bytes]] = []

    def argv(self, *args: str) -> list[str]:
        base = [sys.executable, "-m", "kiosk.cli", "--config", str(self.config_path)]
        return [*base, "--db", self.url, *args]

    def cli(self, *args: str) -> dict[str, Any]:
        done = subprocess.run(
            self.argv("--json", *args), env=self.env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return dict(json.loads(done.stdout))

    def start(self, *args: str, log: str) -> subprocess.Popen[bytes]:
        out = (self.folder / f"{log}.log").open("wb")
        proc = subprocess.Popen(self.argv(*args), env=self.env, stdout=out, stderr=out)
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)


@pytest.fixture
def point(tmp_path: Path) -> Iterator[Point]:
    p = Point(tmp_path)
    yield p
    p.stop_all()


def wait_json(path: Path, test: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
    """Poll a JSON file written by another process until `test` holds (or fail)."""
    deadline = time.monotonic() + DEADLINE_S
    last: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        try:
            last = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = None
        if last is not None and test(last):
            return last
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; last state: {last}")


def manifest(folder: Path) -> list[dict[str, Any]]:
    path = folder / "announcements.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def display_args(point: Point, tag: str) -> list[str]:
    return [
        "display",
        "--geometry",
        "1280x720+0+0",
        "--snapshot",
        str(point.folder / f"display-{tag}.json"),
        "--screenshot",
        str(point.folder / f"display-{tag}.png"),
        "--announce-dir",
        str(point.folder / f"voice-{tag}"),
    ]


def tile(state: dict[str, Any], counter: int) -> dict[str, Any]:
    return next(t for t in state["tiles"] if t["counter"] == counter)


def test_cli_call_reaches_display_and_console_processes_and_survives_their_restart(
    point: Point,
) -> None:
    display = point.start(*display_args(point, "a"), log="display-a")
    console = point.start(
        "counter", "1", "--geometry", "1024x640+0+0", "--snapshot",
        str(point.folder / "counter-a.json"), log="counter-a",
    )  # fmt: skip
    wait_json(point.folder / "display-a.json", lambda d: d["renders"] >= 1, "the display")
    wait_json(point.folder / "counter-a.json", lambda d: d["state"] == "open", "the console")

    code = point.cli("issue", "hotich")["ticket"]["code"]
    assert code == "A001"
    point.cli("call", "1")
    shown = wait_json(
        point.folder / "display-a.json",
        lambda d: tile(d, 1)["code"] == "A001" and (d["highlighted"] or {}).get("code") == "A001",
        "A001 on the display",
    )
    assert tile(shown, 1)["highlighted"] is True
    assert tile(shown, 1)["field"] == "Hộ tịch"
    held = wait_json(
        point.folder / "counter-a.json",
        lambda d: (d["ticket"] or {}).get("code") == "A001",
        "A001 in the console's hand",
    )
    assert held["code_shown"] == "A001"

    # The voice: one WAV equal to the expected clip sequence.
    voice = point.folder / "voice-a"
    deadline = time.monotonic() + DEADLINE_S
    while not manifest(voice) and time.monotonic() < deadline:
        time.sleep(0.05)
    (played,) = manifest(voice)
    sound = point.config.sound
    expected = announce_call(sound, "A001", 1)
    said = call_clip_names("A001", 1, sound.number_style, sound.english, repeat=sound.repeat)
    assert played["clips"] == said
    phrase = ["moi_so", "letter_a", "mot", "den_quay", "so", "mot"]
    assert played["clips"] == ["chime", *phrase, *phrase]  # said twice by default
    assert played["duration_s"] == pytest.approx(expected.duration_s, abs=1e-3)
    assert (voice / played["file"]).read_bytes() == expected.wav

    # The screenshot shows the newest call in the calling card (amber, or navy while blinking).
    png = point.folder / "display-a.png"
    seen_at = time.time()
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:  # the first screenshot after the call (≤ 1 s later)
        if png.exists() and png.stat().st_mtime > seen_at:
            break
        time.sleep(0.05)
    with Image.open(png) as img:
        assert img.size == (1280, 720)
        x, y, w, _ = shown["layout"]["calling"]  # where the display placed its card
        corner = img.convert("RGB").getpixel((x + w // 2, y + 8))  # inside the blink frame
    assert "#{:02X}{:02X}{:02X}".format(*corner) in (COLOURS.accent, COLOURS.background)

    # Kill both hard and start them again: same picture, and the old call is not repeated.
    for proc in (display, console):
        proc.send_signal(signal.SIGKILL)
        proc.wait(5)
    point.start(*display_args(point, "b"), log="display-b")
    point.start(
        "counter", "1", "--geometry", "1024x640+0+0", "--snapshot",
        str(point.folder / "counter-b.json"), log="counter-b",
    )  # fmt: skip
    again = wait_json(point.folder / "display-b.json", lambda d: d["renders"] >= 1, "restart")
    for key in ("tiles", "highlighted", "recent_calls", "waiting", "last_event_id"):
        assert again[key] == shown[key], key
    console_again = wait_json(
        point.folder / "counter-b.json", lambda d: d["ticket"] is not None, "console restart"
    )
    assert console_again["ticket"]["code"] == "A001"
    assert manifest(point.folder / "voice-b") == []

    # A recall after the restart is announced by the new display.
    point.cli("recall", "1")
    deadline = time.monotonic() + DEADLINE_S
    while not manifest(point.folder / "voice-b") and time.monotonic() < deadline:
        time.sleep(0.05)
    (recalled,) = manifest(point.folder / "voice-b")
    assert (recalled["code"], recalled["recall"]) == ("A001", True)
