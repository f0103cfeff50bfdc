"""Queue core on SQLite: issue and call-next latency in one process."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.point import always_open_config_text
from benchmarks.result import Result, percentile
from kiosk.core.config import parse_config
from kiosk.core.errors import NoOneWaiting
from kiosk.core.queue import QueueService
from kiosk.core.store import Store


def run() -> list[Result]:
    text = always_open_config_text()
    cfg = parse_config(text)
    with tempfile.TemporaryDirectory() as tmp:
        svc = QueueService(Store.open(f"sqlite:///{Path(tmp) / 'k.db'}"), cfg)
        issue_ms, call_ms = [], []
        for i in range(1000):
            t0 = time.perf_counter()
            svc.issue(cfg.fields[i % len(cfg.fields)].code, priority=i % 10 == 0)
            issue_ms.append((time.perf_counter() - t0) * 1000)
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
        t0 = time.perf_counter()
        for _ in range(50):
            svc.snapshot()
        snap_ms = (time.perf_counter() - t0) * 1000 / 50
    return [
        Result("issue p50", percentile(issue_ms, 50), "ms"),
        Result(
            "issue p99", percentile(issue_ms, 99), "ms", "≤ 50 ms", percentile(issue_ms, 99) <= 50
        ),
        Result(
            "call-next p99", percentile(call_ms, 99), "ms", "≤ 50 ms", percentile(call_ms, 99) <= 50
        ),
        Result("snapshot (1000 tickets today)", snap_ms, "ms", note="mean of 50"),
    ]
