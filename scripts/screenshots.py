"""Write a PNG of every screen to docs/screenshots/ (`make screenshots`).

Each role package contributes `save_screenshots(out_dir) -> list[Path]` in its
`screenshots` module; this script runs them all offscreen and lists the files written.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

ROLES = (
    "kiosk.printing.screenshots",
    "kiosk.app.screenshots",
    "display.screenshots",
    "kiosk.counter.screenshots",
    "kiosk.rate.screenshots",
    "kiosk.manager.screenshots",
    "kiosk.web.screenshots",
)


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in ROLES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                print(f"(no screenshots yet for {name.rsplit('.', 1)[0]})")
                continue
            raise
        written += module.save_screenshots(out)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
