"""Manager tools on a busy centre's year (1 million tickets): bulk simulation, exports, report.

Data: `kiosk.reports.simulate.simulate_bulk` on `busy_centre_config()` (20 fields, 60
counters, about 3,000 citizens a day) into a SQLite file, until it holds a million tickets.
The data are built, and each export and the report run, in child processes timed there.
Peak RSS is the child's own high-water mark (VmHWM from /proc/self/status at the end):
`ru_maxrss` of a child also counts its parent's memory at the moment of the fork/exec on
Linux, which would hide the figure we want.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks.result import Result

TICKETS = 1_000_000
CITIZENS_PER_DAY = 3000
FIRST_DAY = date(2025, 1, 1)


def _build(db: Path) -> dict[str, object]:
    """Simulate days until the database holds TICKETS tickets."""
    from kiosk.core.store import Store
    from kiosk.reports.arrivals import Profile, open_days
    from kiosk.reports.simulate import busy_centre_config, simulate_bulk

    config = busy_centre_config()
    store = Store.open(f"sqlite:///{db}")
    profile = Profile(citizens_per_day=CITIZENS_PER_DAY, shares={})
    tickets, seconds, start, last = 0, 0.0, FIRST_DAY, FIRST_DAY
    while tickets < TICKETS:
        remaining = TICKETS - tickets
        days = open_days(config, start, max(1, min(60, remaining // 2500 + 1)))
        result = simulate_bulk(store, config, profile, days, seed=2026)
        tickets += result.tickets_written
        seconds += result.seconds
        last = days[-1]
        start = last + timedelta(days=1)
    store.close()
    return {
        "tickets": tickets,
        "seconds": seconds,
        "first": FIRST_DAY.isoformat(),
        "last": last.isoformat(),
    }


def _peak_mb() -> float:
    """This process's own peak resident memory (since it started), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(task: str, db: str, out: str, first: str, last: str) -> None:
    """Run one measured task in this (child) process and print its timing as JSON."""
    if task == "build":
        print(json.dumps({**_build(Path(db)), "peak_mb": _peak_mb()}))
        return
    from kiosk.core.store import Store
    from kiosk.reports.export import ExportFormat, ExportRequest, export
    from kiosk.reports.history import HistoryFilter
    from kiosk.reports.report import build_report
    from kiosk.reports.simulate import busy_centre_config

    config = busy_centre_config()
    store = Store.open(f"sqlite:///{db}", migrate=False)
    flt = HistoryFilter(date.fromisoformat(first), date.fromisoformat(last))
    t0 = time.perf_counter()
    if task.startswith("report"):
        # As `kiosk report` runs it: with the period before (kiosk.reports.comparison).
        report = build_report(store, config, flt, compare=task != "report-alone")
        rows = report.total.tickets
        previous = report.previous
        if previous is not None and previous.has_data:
            rows += int(next(f.before for f in previous.figures if f.key == "citizens") or 0)
    else:
        request = ExportRequest(flt, ExportFormat(task), Path(out))
        rows = export(store, config, request).rows
    seconds = time.perf_counter() - t0
    print(
        json.dumps({"rows": rows, "seconds": seconds, "bytes": _size(out), "peak_mb": _peak_mb()})
    )


def _size(path: str) -> int:
    return os.path.getsize(path) if os.path.isfile(path) else 0


def _measure(task: str, db: Path, out: Path, first: str = "", last: str = "") -> dict:
    """Run `task` in a child process; its JSON (timing, peak memory)."""
    command = [sys.executable, "-m", "benchmarks.bench_manager", task, str(db), str(out)]
    done = subprocess.run([*command, first, last], stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout)


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        folder = Path(tmp)
        db = folder / "year.db"
        built = _measure("build", db, folder / "none")
        tickets, first, last = built["tickets"], built["first"], built["last"]
        span = f"{date.fromisoformat(first):%d/%m/%Y}–{date.fromisoformat(last):%d/%m/%Y}"
        results = [
            Result(
                "bulk simulation",
                tickets / built["seconds"],
                "tickets/s",
                note=f"{tickets:,} tickets, {span}, {db.stat().st_size / 1e6:,.0f} MB SQLite",
            )
        ]
        for task, goal in (("csv", 10), ("xlsx", 60)):
            out = folder / f"tickets.{task}"
            data = _measure(task, db, out, first, last)
            results.append(
                Result(
                    f"{task.upper()} export of {data['rows']:,} tickets",
                    data["seconds"],
                    "s",
                    f"≤ {goal} s",
                    data["seconds"] <= goal,
                    note=f"{data['bytes'] / 1e6:,.0f} MB file",
                )
            )
            peak = data["peak_mb"]
            results.append(
                Result(f"{task.upper()} export peak RSS", peak, "MB", "≤ 250 MB", peak <= 250)
            )
            out.unlink()
        data = _measure("report", db, folder / "none", first, last)
        results.append(
            Result(
                f"report over a year ({data['rows']:,} tickets)",
                data["seconds"],
                "s",
                "≤ 10 s",
                data["seconds"] <= 10,
                note="with the period before (empty: before the first day)",
            )
        )
        results.append(Result("report peak RSS", data["peak_mb"], "MB", note="child process"))
        alone = _measure("report-alone", db, folder / "none", first, last)
        results.append(
            Result(f"report over a year alone ({alone['rows']:,} tickets)", alone["seconds"], "s")
        )
        # The second half compared with the first: every ticket is read, half of them for the
        # period before (the builder runs twice).
        start, end = date.fromisoformat(first), date.fromisoformat(last)
        middle = (start + (end - start) / 2 + timedelta(days=1)).isoformat()
        for task, what in (("report-alone", "alone"), ("report", "and the period before")):
            data = _measure(task, db, folder / "none", middle, last)
            results.append(
                Result(
                    f"report of the second half {what} ({data['rows']:,} tickets read)",
                    data["seconds"],
                    "s",
                    "≤ 10 s",
                    data["seconds"] <= 10,
                    note=f"{date.fromisoformat(middle):%d/%m/%Y}–{end:%d/%m/%Y}",
                )
            )
    return results


if __name__ == "__main__":
    _child(*sys.argv[1:])
