"""Where the shipped assets (fonts, sounds) are: source tree, PyInstaller bundle or override."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ASSETS_ENV = "KIOSK_ASSETS"


def assets_dir() -> Path:
    """KIOSK_ASSETS, then the PyInstaller bundle's `assets/`, then the source tree's."""
    env = os.environ.get(ASSETS_ENV)
    if env:
        return Path(env).expanduser()
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "assets"
    return Path(__file__).resolve().parents[2] / "assets"
