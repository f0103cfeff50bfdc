"""`python -m kiosk` and the bundled executable both start the CLI."""

from __future__ import annotations

from kiosk.cli import run

if __name__ == "__main__":
    run()
