"""Save the sample ticket as docs/screenshots/ticket-80mm.png and ticket-58mm.png for review."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.printing.screenshots import save_ticket_samples  # noqa: E402


def main() -> None:
    """Render the sample at both paper widths and print where the files went."""
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for path in save_ticket_samples(out):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
