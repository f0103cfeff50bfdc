"""Debian's Chromium, headless, for the web pages' screenshots and end-to-end tests.

Playwright's own browser download cannot be used here (and is not wanted on a service
point's PC): Playwright drives the system's /usr/bin/chromium instead.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

#: Without the sandbox (it refuses to start as root, which CI is) and without any traffic of
#: the browser's own (updates, sync, safe browsing): it only ever talks to our loopback server.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--safebrowsing-disable-auto-update",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
)


def chromium_path() -> str | None:
    """The Chromium to drive: KIOSK_CHROMIUM, else Debian's `chromium` on the PATH."""
    return os.environ.get("KIOSK_CHROMIUM") or shutil.which("chromium")


def launch_chromium(playwright: Any) -> Any:
    """A headless Chromium browser (Playwright's `Browser`)."""
    path = chromium_path()
    if path is None:
        raise RuntimeError(
            "Chromium is not installed: run scripts/install-system-deps.sh (Debian `chromium`)"
        )
    return playwright.chromium.launch(executable_path=path, args=list(CHROMIUM_ARGS))
