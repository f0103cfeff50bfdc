"""Start-up: CLI commands to their answer, and kiosk, display and a counter to the first frame."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.result import Result, percentile
from kiosk.core.config import default_config_text

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "kiosk" / ("kiosk.exe" if os.name == "nt" else "kiosk")
RUNS = 5
GOAL_S = 1.5
#: Commands that open no window answer within this (issue #13), wall time from exec to exit.
CLI_GOAL_S = 0.3
CLI_RUNS = 9
CLI_COMMANDS = (
    ("--version", ["--version"]),
    ("issue", ["issue", "hotich"]),
    ("status", ["status"]),
    ("call", ["call", "1"]),
    ("events", ["events", "--limit", "10"]),
    ("config check", ["config", "check"]),
)


def _cli_seconds(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args], env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if out.returncode not in (0, 1):  # 1: a queue refusal (no one waiting) still answers
        raise RuntimeError(f"kiosk {' '.join(args)} failed: {out.stderr[-400:]}")
    return elapsed


def cli_results(env: dict[str, str]) -> list[Result]:
    """Each command's median wall time, the database already created (as at a point)."""
    results = []
    for name, args in CLI_COMMANDS:
        times = [_cli_seconds(args, env) for _ in range(CLI_RUNS)]
        p50 = percentile(times, 50)
        results.append(
            Result(
                f"`kiosk {name}` → exit (source)",
                p50 * 1000,
                "ms",
                f"≤ {CLI_GOAL_S * 1000:.0f} ms",
                p50 <= CLI_GOAL_S,
                f"median of {CLI_RUNS}, max {max(times) * 1000:.0f} ms",
            )
        )
    return results


def _first_frame(program: list[str], args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    out = subprocess.run(
        [*program, *args], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    elapsed = time.perf_counter() - started
    if "first-frame" not in out.stdout:
        raise RuntimeError(f"{args} never painted: {out.stderr[-800:]}")
    return elapsed


def run() -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "kiosk.toml"
        config.write_text(default_config_text(), encoding="utf-8")
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "KIOSK_EXIT_AFTER_FIRST_FRAME": "1",
            "KIOSK_CONFIG": str(config),
            "KIOSK_DB": f"sqlite:///{Path(tmp) / 'kiosk.db'}",
        }
        subprocess.run(  # create and migrate the database once, as an installed point has it
            [sys.executable, "-m", "kiosk.cli", "db", "upgrade"],
            env=env,
            check=True,
            capture_output=True,
        )
        results += cli_results(env)
        programs = {"source": [sys.executable, "-m", "kiosk.cli"]}
        if BUNDLE.exists():
            programs["bundle"] = [str(BUNDLE)]
        for origin, program in programs.items():
            for role, args in (
                ("kiosk", ["run", "--windowed"]),
                ("display", ["display", "--windowed", "--mute"]),
                ("counter 1", ["counter", "1", "--windowed"]),
            ):
                times = [_first_frame(program, args, env) for _ in range(RUNS)]
                p50 = percentile(times, 50)
                goal = role == "kiosk"
                results.append(
                    Result(
                        f"{role} cold start → first frame ({origin})",
                        p50,
                        "s",
                        f"≤ {GOAL_S} s" if goal else "",
                        (p50 <= GOAL_S) if goal else None,
                        f"median of {RUNS}, max {max(times):.2f} s",
                    )
                )
        if not BUNDLE.exists():
            results.append(
                Result("bundle", 0, "", note="dist/kiosk not built: run `make bundle` first")
            )
        else:
            size = (
                sum(
                    f.stat().st_size
                    for f in BUNDLE.parent.rglob("*")
                    if f.is_file() and not f.is_symlink()
                )
                / 1e6
            )
            results.append(Result("bundle size on disk", size, "MB", "≤ 150 MB", size <= 150))
    return results
