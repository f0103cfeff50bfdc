"""PyInstaller runtime hook: settings the frozen kiosk needs before any import."""

import os
import sys
import tempfile
from pathlib import Path

bundle = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
# python-escpos caches its parsed capabilities; without a fixed folder it makes a new
# temporary folder on every start.
cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kiosk" / "escpos"
try:
    cache.mkdir(parents=True, exist_ok=True)
except OSError:
    cache = Path(tempfile.gettempdir()) / "kiosk-escpos"
    cache.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(cache))
capabilities = bundle / "escpos" / "capabilities.json"
if capabilities.exists():
    os.environ.setdefault("ESCPOS_CAPABILITIES_FILE", str(capabilities))
os.environ.setdefault("KIOSK_ASSETS", str(bundle / "assets"))
