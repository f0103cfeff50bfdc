"""Layer rules: kiosk.core runs headless, without Qt installed."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_core_imports_and_works_with_pyside6_unavailable(tmp_path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        sys.modules["PySide6"] = None  # any "import PySide6..." now fails
        sys.modules["qasync"] = None
        from kiosk.core.config import parse_config, default_config_text
        from kiosk.core.store import Store
        from kiosk.core.queue import QueueService
        from kiosk.core import feed, replay, rules, clock, pin
        svc = QueueService(Store.open("sqlite:///{tmp_path / "k.db"}"),
                           parse_config(default_config_text()))
        print(svc.snapshot().fields[0].code)
        assert not any(m.startswith("PySide6.") for m in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "hotich"
