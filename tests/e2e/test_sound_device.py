"""A call is heard: the display process plays the announcement on a real (null) sound card.

A throwaway PulseAudio server with a null sink stands in for the loudspeaker; `parec`
records the sink's monitor, i.e. exactly the samples a speaker would have played. The
display plays through QSoundEffect, which needs no QtMultimedia media backend (the bundle
ships without FFmpeg; tests/e2e/test_bundle.py runs the same check on the frozen binary).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.audio import announce_call
from kiosk.core.config import SoundConfig
from tests.e2e.test_display_processes import Point, wait_json
from tests.pulse_server import PulseServer, loud_spans, record_until_heard, wait_recording


@pytest.fixture(scope="module")
def pulse() -> Iterator[PulseServer]:
    server = PulseServer().start()
    yield server
    server.stop()


def hear_a_call(
    pulse: PulseServer,
    sound: SoundConfig,
    snapshot: Path,
    start_display: Callable[[], subprocess.Popen[bytes]],
    cli: Callable[..., dict[str, Any]],
    record_to: Path,
) -> tuple[float, list[float]]:
    """Start the display (writing `snapshot`), issue and call one ticket with `cli` (JSON
    answers), record until it has been said.

    Returns the announcement's length and the start times of its loud 20 ms windows.
    """
    display = start_display()
    wait_json(snapshot, lambda d: d["renders"] >= 1, "the display")
    recorder = pulse.record(record_to)
    try:
        wait_recording(record_to)  # the recorder is connected before the call
        code = cli("issue", "hotich")["ticket"]["code"]
        cli("call", "2")
        expected = announce_call(sound, code, 2).duration_s
        record_until_heard(record_to, expected)
    finally:
        recorder.terminate()
        recorder.wait(5)
    assert display.poll() is None, "the display exited while announcing"
    return expected, loud_spans(record_to.read_bytes())


def assert_heard(expected: float, loud: list[float], log: str) -> None:
    assert loud, f"nothing was played on the sound card; display log:\n{log[-3000:]}"
    heard = loud[-1] + 0.02 - loud[0]
    # Leading/trailing near-silence of the clips is not "loud": the span is a bit shorter.
    assert expected * 0.75 <= heard <= expected + 0.25, (heard, expected)


def test_the_display_process_says_the_call_on_the_sound_card(
    pulse: PulseServer, tmp_path: Path
) -> None:
    point = Point(tmp_path)
    point.env["PULSE_SERVER"] = pulse.server
    try:

        def start() -> subprocess.Popen[bytes]:
            return point.start(
                "display", "--geometry", "1280x720+0+0",
                "--snapshot", str(point.folder / "display-snd.json"), log="display-snd",
            )  # fmt: skip

        expected, loud = hear_a_call(
            pulse,
            point.config.sound,
            point.folder / "display-snd.json",
            start,
            point.cli,
            tmp_path / "heard.raw",
        )
    finally:
        point.stop_all()
    log = (point.folder / "display-snd.log").read_text(errors="replace")
    assert_heard(expected, loud, log)
    assert "not announced" not in log
    assert "cannot play" not in log
