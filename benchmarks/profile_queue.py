"""Issue or call-next in a loop, for a sampling profiler to draw where the time goes.

    py-spy record -r 500 -o docs/flame-issue.svg -- python -m benchmarks.profile_queue issue
    py-spy record -r 500 -o docs/flame-call-next.svg -- python -m benchmarks.profile_queue call

(`make flame` runs both.) The queue is the benchmark's: 1,000 tickets of the shipped fields on
a fresh SQLite file, then (call) call-next by every counter until no one waits.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from benchmarks.point import always_open_config_text
from kiosk.core.config import parse_config
from kiosk.core.errors import NoOneWaiting
from kiosk.core.queue import QueueService
from kiosk.core.store import Store


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "issue"
    if what not in ("issue", "call"):
        print("usage: python -m benchmarks.profile_queue issue|call", file=sys.stderr)
        return 2
    cfg = parse_config(always_open_config_text())
    with tempfile.TemporaryDirectory() as tmp:
        svc = QueueService(Store.open(f"sqlite:///{Path(tmp) / 'k.db'}"), cfg)
        for i in range(1000):
            svc.issue(cfg.fields[i % len(cfg.fields)].code, priority=i % 10 == 0)
        if what == "call":  # the picture shows issue beside it: call_next is its own tower
            counters = {c.number for c in cfg.counters}
            while counters:
                for n in sorted(counters):
                    try:
                        svc.call_next(n)
                    except NoOneWaiting:
                        counters.discard(n)
        svc.store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
