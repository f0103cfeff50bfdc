"""Run the benchmarks and write docs/benchmarks.md.

Usage: python -m benchmarks [NAME ...]   (NAME = a bench_*.py module without the prefix)
Each module has `run() -> list[Result]` and a one-line docstring used as its heading.
Results are kept per module in docs/benchmarks.json, so running one module refreshes only
its own section of the page (each section says when and where it was measured).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import platform
import sys
from dataclasses import asdict
from pathlib import Path

from benchmarks.result import Result

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent / "docs"
PAGE = DOCS / "benchmarks.md"
STORE = DOCS / "benchmarks.json"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def render(stored: dict[str, dict]) -> str:
    parts = ["# Benchmarks\n", "Written by `make bench` (`python -m benchmarks [NAME]`).\n"]
    for name in sorted(stored):
        sec = stored[name]
        rows = "\n".join(Result(**r).row() for r in sec["results"])
        parts.append(
            f"## {sec['title']}\n\n_{sec['date']} on {sec['machine']}_\n\n"
            "| measure | value | goal | met | note |\n|---|---|---|---|---|\n"
            f"{rows}\n"
        )
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    stored: dict[str, dict] = json.loads(STORE.read_text()) if STORE.exists() else {}
    failed = False
    for name in names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        title = (module.__doc__ or name).strip().splitlines()[0].rstrip(".")
        print(f"== {title}", flush=True)
        results: list[Result] = module.run()
        for r in results:
            print("  " + r.row(), flush=True)
            failed |= r.met is False
        stored[name] = {
            "title": title,
            "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "machine": machine(),
            "results": [asdict(r) for r in results],
        }
        DOCS.mkdir(parents=True, exist_ok=True)
        STORE.write_text(json.dumps(stored, indent=1, ensure_ascii=False), encoding="utf-8")
        PAGE.write_text(render(stored), encoding="utf-8")
    print(f"wrote {PAGE}")
    return 1 if failed and os.environ.get("BENCH_STRICT") else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
