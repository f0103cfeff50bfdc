"""Layer rules: kiosk.core runs headless, without Qt installed."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path


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
        import kiosk.reports.simulate, kiosk.reports.arrivals, kiosk.reports.queue_model
        import kiosk.reports.bulk_writer, kiosk.reports.painting, kiosk.reports.report_pdf
        screens = (
            "kiosk.manager",
            "kiosk.app",
            "kiosk.counter",
            "kiosk.rate",
            "display",
            "kiosk.gui",
        )
        assert not [m for m in sys.modules if m.startswith(screens)], sorted(sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


#: Each package's layer: a module imports only its own package and lower layers, so the web,
#: the city and the CLI can use what lies below the screens without pulling a window in.
LAYERS = {
    "kiosk.core": 0,
    "kiosk.arguments": 1,
    "kiosk.printing": 1,
    "kiosk.audio": 1,
    "kiosk.reports": 1,
    "kiosk.central": 1,
    "kiosk.sync": 2,
    "kiosk.gui": 2,
    "kiosk.web": 2,
    "kiosk.city": 2,
    "kiosk.app": 3,
    "kiosk.counter": 3,
    "kiosk.rate": 3,
    "kiosk.manager": 3,
    "display": 3,
}
#: Entry points wire the roles together: they may import anything (and nothing imports them but
#: other entry points).
ENTRIES = ("kiosk.cli", "kiosk.demo", "kiosk.__main__")
ENTRY_SUFFIXES = (".command", ".screenshots")
ROOT = Path(__file__).resolve().parents[2]


def _package(module: str) -> str:
    """The package a module belongs to in LAYERS (`kiosk` itself: the version only)."""
    for name in sorted(LAYERS, key=len, reverse=True):
        if module == name or module.startswith(name + "."):
            return name
    return module


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every absolute kiosk/display import in a file, at any depth (inside functions too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from kiosk import cli` names the module in the alias; `from kiosk.cli import x` not.
            single = node.module in ("kiosk", "display")
            names = [f"{node.module}.{a.name}" for a in node.names] if single else [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found += [(node.lineno, n) for n in names if n.split(".")[0] in ("kiosk", "display")]
    return found


def layer_violations() -> list[str]:
    """`file:line imports X` for every import that points sideways or upwards."""
    bad = []
    for top in ("kiosk", "display"):
        for path in sorted((ROOT / top).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            module = module.removesuffix(".__init__")
            if module in ENTRIES or module.endswith(ENTRY_SUFFIXES):
                continue
            own = _package(module)
            for line, target in _imports(path):
                if target == "kiosk.__version__":
                    continue
                theirs = _package(target)
                if theirs in ENTRIES or target.endswith(ENTRY_SUFFIXES):
                    bad.append(f"{path.relative_to(ROOT)}:{line} imports entry point {target}")
                elif theirs != own and (theirs not in LAYERS or LAYERS[theirs] >= LAYERS[own]):
                    bad.append(f"{path.relative_to(ROOT)}:{line} imports {target} ({theirs})")
    return bad


def test_imports_point_only_downwards() -> None:
    assert layer_violations() == []


def test_every_package_has_a_layer() -> None:
    """A new package must be placed (else the rule above silently lets it import anything)."""
    packages = {
        f"kiosk.{p.name}" for p in (ROOT / "kiosk").iterdir() if (p / "__init__.py").exists()
    }
    assert packages | {"display"} <= set(LAYERS)


def test_the_checker_sees_an_upward_import_inside_a_function(tmp_path: Path) -> None:
    """The walk finds imports wherever they hide: the web's old `from kiosk.cli import …`."""
    source = tmp_path / "app.py"
    source.write_text(
        "def f():\n    from kiosk.cli import snapshot_json\n    import display.live\n"
    )
    assert _imports(source) == [(2, "kiosk.cli"), (3, "display.live")]
