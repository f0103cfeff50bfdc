"""Wall display: call-next in one process until the display process shows it (SQLite)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from itertools import cycle
from pathlib import Path
from typing import Any

from benchmarks.point import always_open_config_text
from benchmarks.result import Result, percentile
from kiosk.core.config import parse_config
from kiosk.core.queue import QueueService
from kiosk.core.store import Store

CALLS = 520
WARMUP = 20
TIMEOUT_S = 10.0


def _config_text() -> str:
    return always_open_config_text()


def _read(path: Path, last_mtime: int) -> tuple[int, dict[str, Any] | None]:
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return last_mtime, None
    if mtime == last_mtime:
        return last_mtime, None
    try:
        return mtime, json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return last_mtime, None


def _shows(state: dict[str, Any], counter: int, code: str) -> bool:
    return any(t["counter"] == counter and t["code"] == code for t in state["tiles"])


def run() -> list[Result]:
    text = _config_text()
    cfg = parse_config(text)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "kiosk.toml").write_text(text, encoding="utf-8")
        url = f"sqlite:///{(folder / 'k.db').as_posix()}"
        svc = QueueService(Store.open(url), cfg)
        counters = [c.number for c in cfg.counters]
        for _ in range((CALLS + WARMUP) // len(counters) + 2):
            for n in counters:
                svc.issue(cfg.fields_of_counter(n)[0])
        snapshot = folder / "display.json"
        env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        env["QT_QPA_PLATFORM"] = "offscreen"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kiosk.cli",
                "--config",
                str(folder / "kiosk.toml"),
                "--db",
                url,
                "display",
                "--geometry",
                "1920x1080+0+0",
                "--screen",
                "0",
                "--snapshot",
                str(snapshot),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        latencies: list[float] = []
        missed = 0
        try:
            deadline = time.monotonic() + 30
            while not snapshot.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            if not snapshot.exists():
                raise RuntimeError("the display process never wrote its snapshot")
            mtime = 0
            turn = cycle(counters)
            for i in range(CALLS + WARMUP):
                n = next(turn)
                t0 = time.perf_counter()
                code = svc.call_next(n).code
                until = time.monotonic() + TIMEOUT_S
                while True:
                    mtime, state = _read(snapshot, mtime)
                    if state is not None and _shows(state, n, code):
                        break
                    if time.monotonic() > until:
                        missed += 1
                        break
                    time.sleep(0.0005)
                if i >= WARMUP:
                    latencies.append((time.perf_counter() - t0) * 1000)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
            svc.store.close()
    p99 = percentile(latencies, 99)
    return [
        Result("call → on screen p50", percentile(latencies, 50), "ms"),
        Result(
            "call → on screen p99",
            p99,
            "ms",
            "≤ 150 ms",
            p99 <= 150 and missed == 0,
            f"{len(latencies)} calls, display 1920×1080 in its own process, sound on",
        ),
        Result("call → on screen max", max(latencies), "ms"),
        Result("calls never shown", float(missed), "", "0", missed == 0),
    ]
