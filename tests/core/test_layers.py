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


def test_reports_import_no_widgets_and_no_screen(tmp_path) -> None:
    """kiosk.reports serves the CLI, the web and the city: no QtWidgets, no role's window."""
    script = textwrap.dedent(
        """
        import sys
        sys.modules["PySide6.QtWidgets"] = None  # any "import PySide6.QtWidgets" now fails
        import kiosk.reports.capacity, kiosk.reports.charts, kiosk.reports.command
        import kiosk.reports.export, kiosk.reports.history, kiosk.reports.report
        import kiosk.reports.simulate
        screens = ("kiosk.manager", "kiosk.app", "kiosk.counter", "display", "kiosk.gui")
        assert not [m for m in sys.modules if m.startswith(screens)], sorted(sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
