"""Issue #18's counter channel end to end, every part its own process on a real X screen:
the clerk's console completes a ticket (keys pressed on a real keyboard, through the X
server), the rate screen of that counter offers the faces, the citizen taps one (a real
pointer click, and a second click right after it), the `rated` event is in the log and the
export has the rating.

Xvfb is the screen and xdotool the clerk's hands and the citizen's finger (both Debian
packages, installed by scripts/install-system-deps.sh).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_display_processes import Point, point, wait_json  # noqa: F401 (fixture)


@pytest.fixture
def screen(tmp_path: Path) -> Iterator[str]:
    """A virtual X screen of its own (Xvfb picks a free display number); its DISPLAY."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "xvfb.log").open("wb"),
    )
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    assert number, (tmp_path / "xvfb.log").read_text()
    yield f":{number}"
    xvfb.terminate()
    xvfb.wait(5)


def xdotool(display: str, *args: str) -> None:
    env = {**os.environ, "DISPLAY": display}
    subprocess.run(["xdotool", *args], env=env, check=True, timeout=10)


def run_json(at: Point, *args: str) -> Any:
    done = subprocess.run(
        at.argv("--json", *args), env=at.env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def centre(place: list[int]) -> tuple[str, str]:
    x, y, w, h = place
    return str(x + w // 2), str(y + h // 2)


def test_the_console_completes_the_rate_screen_asks_and_a_tap_is_exported(
    point: Point,  # noqa: F811 (the fixture)
    screen: str,
) -> None:
    point.env.update(DISPLAY=screen, QT_QPA_PLATFORM="xcb")
    console_json = point.folder / "console.json"
    rate_json = point.folder / "rate.json"
    point.start(
        "counter", "1", "--geometry", "800x600+0+0", "--snapshot", str(console_json),
        log="console",
    )  # fmt: skip
    point.start(
        "rate", "1", "--geometry", "700x960+820+0", "--snapshot", str(rate_json), log="rate"
    )
    wait_json(console_json, lambda d: d["state"] is not None, "the console")
    wait_json(rate_json, lambda d: d["page"] == "idle", "the rate screen, idle")

    issued = point.cli("issue", "hotich")["ticket"]
    code = issued["code"]
    # The clerk: the pointer over the console (the X server's focus follows it), F1 calls the
    # next citizen, F4 completes the service.
    xdotool(screen, "mousemove", "400", "300")
    xdotool(screen, "key", "F1")
    wait_json(console_json, lambda d: (d["ticket"] or {}).get("code") == code, "the call")
    xdotool(screen, "key", "F4")
    wait_json(console_json, lambda d: d["ticket"] is None, "the completion")

    offered = wait_json(
        rate_json, lambda d: d["page"] == "faces" and d["ticket"] == code, "the faces"
    )
    faces: dict[str, Any] = offered["faces"]
    assert all(faces[level] is not None for level in faces)
    # Four faces of at least 25 mm (95 px at the screen's 96 dpi), inside the screen's window.
    for x, y, w, h in faces.values():
        assert min(w, h) >= 94 and x >= 820 and x + w <= 1520 and y + h <= 960
    # The citizen taps "Hài lòng" and, as people do, taps again at once.
    x, y = centre(faces["satisfied"])
    xdotool(screen, "mousemove", x, y, "click", "--repeat", "2", "--delay", "60", "1")
    thanked = wait_json(rate_json, lambda d: d["page"] == "thanks", "the thanks")
    assert thanked["recorded"] == 1

    ratings = [e for e in run_json(point, "events") if e["kind"] == "rated"]
    assert len(ratings) == 1, ratings
    (rated,) = ratings
    assert (rated["counter"], rated["data"]["level"], rated["data"]["channel"]) == (
        1,
        "satisfied",
        "counter_screen",
    )

    out = point.folder / "day.csv"
    day = issued["business_day"]  # the point's day (Hà Nội's), not this machine's
    done = subprocess.run(
        point.argv("export", "--from", day, "--to", day, "-o", str(out)),
        env=point.env,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = {r["code"]: r for r in csv.DictReader(f)}
    assert (rows[code]["rating"], rows[code]["rating_reasons"]) == ("satisfied", "")
