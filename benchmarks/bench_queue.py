"""Queue core on SQLite: issue, call-next and the snapshot in one process, beside the disk's own
limit measured in the same runs (three, pooled: the machine's speed drifts between runs).

The disk's limit is a raw sqlite3 loop with the queue's durability (WAL, synchronous=FULL,
BEGIN IMMEDIATE, one insert and one update per commit). Absolute times drift between runs and
machines, so each figure is also given as a multiple of that loop's commit ("× disk").
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.point import always_open_config_text
from benchmarks.result import Result, percentile
from kiosk.core.config import Config, parse_config
from kiosk.core.errors import NoOneWaiting
from kiosk.core.queue import QueueService
from kiosk.core.store import Store

TICKETS = 1000
RAW_COMMITS = 2000


def raw_commit_ms(folder: Path) -> list[float]:
    """Per-commit times of the raw loop: the most a queue operation could be made to cost."""
    db = sqlite3.connect(folder / "raw.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, state TEXT, at TEXT)")
    db.execute("CREATE TABLE e (id INTEGER PRIMARY KEY, kind TEXT, ticket INTEGER, at TEXT)")
    times = []
    for i in range(RAW_COMMITS):
        t0 = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO e (kind, ticket, at) VALUES ('called', ?, '2026-12-05')", (i,))
        db.execute(
            "INSERT OR REPLACE INTO t (id, state, at) VALUES (?, 'called', '2026-12-05')", (i,)
        )
        db.execute("COMMIT")
        times.append((time.perf_counter() - t0) * 1000)
    db.close()
    return times


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def _busy_snapshots(svc: QueueService, cfg: Config) -> list[float]:
    """The snapshot after each of 60 events of a busy hour: counters in turn call the next
    ticket or complete the one they hold, and every fourth event the kiosk issues one."""
    held: set[int] = set()
    times = []
    for k in range(60):
        n = cfg.counters[k % len(cfg.counters)].number
        if k % 4 == 3:
            svc.issue(cfg.fields[k % len(cfg.fields)].code)
        elif n in held:
            svc.complete(n, dossiers=1)
            held.discard(n)
        else:
            try:
                svc.call_next(n)
            except NoOneWaiting:
                continue
            held.add(n)
        times.append(_timed(svc.snapshot))
    return times


#: Whole runs, each on a fresh database: this machine's speed drifts from one minute to the
#: next by a tenth or more, so the figures pool the samples of three runs.
RUNS = 3


def _one_run(cfg: Config, folder: Path) -> dict[str, list[float]]:
    """The samples of one run, on a fresh database in `folder`."""
    svc = QueueService(Store.open(f"sqlite:///{folder / 'k.db'}"), cfg)
    issue_ms = [
        _timed(lambda i=i: svc.issue(cfg.fields[i % len(cfg.fields)].code, priority=i % 10 == 0))
        for i in range(TICKETS)
    ]
    # A display re-reads the snapshot after every event: each one here follows one, as in a
    # morning rush (the kiosk issues and prints; nobody called yet).
    worst_ms = []
    for k in range(50):
        if k % 2:
            svc.record_print(TICKETS - k, ok=True)
        else:
            svc.issue(cfg.fields[k % len(cfg.fields)].code)
        worst_ms.append(_timed(svc.snapshot))
    call_ms = []
    open_counters = {c.number for c in cfg.counters}
    while open_counters:
        for n in sorted(open_counters):
            t0 = time.perf_counter()
            try:
                svc.call_next(n)
            except NoOneWaiting:
                open_counters.discard(n)
                continue
            call_ms.append((time.perf_counter() - t0) * 1000)
    # A busy day as a display sees it: 1,000 tickets, most served, about 50 waiting.
    for i in range(50):
        svc.issue(cfg.fields[i % len(cfg.fields)].code)
    day_ms = _busy_snapshots(svc, cfg)
    svc.store.close()
    return {"issue": issue_ms, "call": call_ms, "worst": worst_ms, "day": day_ms}


def run() -> list[Result]:
    cfg = parse_config(always_open_config_text())
    raw: list[float] = []
    samples: dict[str, list[float]] = {}
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            raw += raw_commit_ms(Path(tmp))
            for key, values in _one_run(cfg, Path(tmp)).items():
                samples.setdefault(key, []).extend(values)
    disk = percentile(raw, 50)
    issue_ms, call_ms, worst_ms, day_ms = (samples[k] for k in ("issue", "call", "worst", "day"))

    def ms(name: str, values: list[float], q: float, goal: float | None = None) -> Result:
        value = percentile(values, q)
        ratio = f"{value / disk:.1f} × disk"
        if goal is None:
            return Result(name, value, "ms", note=ratio)
        return Result(name, value, "ms", f"≤ {goal:g} ms", value <= goal, ratio)

    return [
        Result(
            "disk's limit: raw sqlite3 commit p50",
            disk,
            "ms",
            note=f"WAL, synchronous=FULL, BEGIN IMMEDIATE, insert + update; "
            f"{RUNS} × {RAW_COMMITS} commits",
        ),
        ms("issue p50 (with who is ahead)", issue_ms, 50, 1.0),
        ms("issue p99", issue_ms, 99, 2.5),
        ms("call-next p50", call_ms, 50, 1.0),
        ms("call-next p99", call_ms, 99, 2.5),
        ms(f"snapshot, a day of {TICKETS + 50} tickets with 50 waiting, p50", day_ms, 50, 2.0),
        ms(f"snapshot with all {TICKETS} tickets waiting, p50", worst_ms, 50),
    ]
