"""The PyInstaller bundle builds from kiosk.spec and runs every role from the frozen binary."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _folder_size_mb(path: Path) -> float:
    return (
        sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6
    )


@pytest.mark.slow
def test_bundle_builds_and_runs_version_config_check_and_a_smoke_demo(tmp_path: Path) -> None:
    pyinstaller = Path(sys.executable).with_name("pyinstaller")
    assert pyinstaller.exists(), "pyinstaller is a dev dependency: pip install -e '.[dev]'"
    build = subprocess.run(
        [
            str(pyinstaller),
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(tmp_path / "dist"),
            "--workpath",
            str(tmp_path / "build"),
            "kiosk.spec",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    folder = tmp_path / "dist" / "kiosk"
    exe = folder / ("kiosk.exe" if os.name == "nt" else "kiosk")
    assert exe.exists()

    # Nothing from the source tree may leak in: run from an empty folder with a clean env.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "PYTHON"))}
    env["HOME"] = str(tmp_path / "home")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "home" / ".config")
    env["XDG_DATA_HOME"] = str(tmp_path / "home" / ".local" / "share")
    env["QT_QPA_PLATFORM"] = "offscreen"
    work = tmp_path / "work"
    work.mkdir()

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(exe), *args], cwd=work, env=env, capture_output=True, text=True, timeout=timeout
        )

    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("kiosk "), version.stderr
    check = run("config", "check")
    assert check.returncode == 0, check.stderr
    assert "7 fields" in check.stdout
    issued = run("--db", f"sqlite:///{work / 'k.db'}", "--json", "issue", "ketqua")
    # The built-in default config has opening hours; outside them a clear refusal is right.
    assert issued.returncode in (0, 1), issued.stderr
    assert "Traceback" not in issued.stderr
    demo = work / "demo"
    smoke = run("demo", "--smoke", "--dir", str(demo), timeout=300)
    assert smoke.returncode == 0, smoke.stdout[-2000:] + smoke.stderr[-2000:]
    # Export and report the smoke's day through the frozen manager tools (xlsx + matplotlib).
    point = ["--config", str(demo / "kiosk.toml"), "--db", f"sqlite:///{demo / 'kiosk.db'}"]
    span = ["--from", "2000-01-01", "--to", "2100-12-31"]
    export = run(*point, "export", *span, "--format", "xlsx", "-o", str(work / "day.xlsx"))
    assert export.returncode == 0, export.stderr
    from openpyxl import load_workbook

    book = load_workbook(work / "day.xlsx", read_only=True)
    assert len(book.sheetnames) >= 2
    report = run(*point, "report", *span, "-o", str(work / "report"))
    assert report.returncode == 0, report.stderr
    assert list((work / "report").glob("*.pdf")) and list((work / "report").glob("*.png"))
    print(f"bundle size: {_folder_size_mb(folder):.0f} MB")  # recorded in docs/benchmarks.md
    shutil.rmtree(tmp_path / "build", ignore_errors=True)
