"""packaging/icu_data.py: the bundle's trimmed ICU data gives Qt the same answers, 7x smaller.

Runs on the real libicudata of the installed PySide6 wheel: the package is parsed and rebuilt
byte for byte, then trimmed, assembled into a shared library with binutils, and loaded by
Qt in a child process (LD_LIBRARY_PATH puts it before the wheel's own copy).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import PySide6
import pytest

ROOT = Path(__file__).resolve().parents[2]
QT_LIB = Path(PySide6.__file__).parent / "Qt" / "lib"

CHECK = r"""
import functools, json
from PySide6.QtCore import QCollator, QLocale, QTimeZone, qInstallMessageHandler
messages = []
qInstallMessageHandler(lambda mode, context, text: messages.append(text))
words = ["Đất đai", "dân số", "Hộ tịch", "hộ khẩu", "Chứng thực", "chính sách", "ăn", "an",
         "âm", "Tư pháp", "Đz", "dz", "Ý kiến", "y tế", "Zürich", "Ängel", "Øre"]
out = {}
for name in ("vi_VN", "en_US", "de_DE"):
    collator = QCollator(QLocale(name))
    out[name] = sorted(words, key=functools.cmp_to_key(collator.compare))
out["upper"] = QLocale("vi_VN").toUpper("đường phố ý")
out["zone"] = QTimeZone(b"Asia/Ho_Chi_Minh").displayName(
    QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("vi_VN"))
out["loaded"] = sorted({l.split()[-1] for l in open("/proc/self/maps") if "libicudata" in l})
out["messages"] = messages
print(json.dumps(out, ensure_ascii=False))
"""


def load_module() -> ModuleType:
    # Not importable as `packaging.icu_data`: that name is the PyPI `packaging` library.
    spec = importlib.util.spec_from_file_location("icu_data", ROOT / "packaging" / "icu_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["icu_data"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


icu_data = load_module()


@pytest.fixture(scope="module")
def full_lib() -> Path:
    libs = sorted(QT_LIB.glob("libicudata.so.*"))
    assert libs, f"the PySide6 wheel has no libicudata in {QT_LIB}"
    return libs[0]


def qt_answers(lib_dir: Path | None) -> dict[str, object]:
    env = dict(os.environ)
    if lib_dir is not None:
        env["LD_LIBRARY_PATH"] = str(lib_dir)
    done = subprocess.run(
        [sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_the_package_is_parsed_and_rebuilt_byte_for_byte(full_lib: Path) -> None:
    symbol, package = icu_data.read_library(full_lib)
    _, offset, size = icu_data._data_symbol(full_lib)
    original = full_lib.read_bytes()[offset : offset + size]
    assert symbol.startswith("icudt") and len(package.items) > 3000
    assert icu_data.build_package(package.header, package.items) == original


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("icudt73l/coll/vi.res", True),
        ("icudt73l/coll/ucadata.icu", True),
        ("icudt73l/coll/root.res", True),
        ("icudt73l/coll/res_index.res", True),
        ("icudt73l/en_GB.res", True),
        ("icudt73l/vi.res", True),
        ("icudt73l/zoneinfo64.res", True),
        ("icudt73l/supplementalData.res", True),
        ("icudt73l/cnvalias.icu", True),
        ("icudt73l/uprops.icu", True),
        ("icudt73l/brkitr/line.brk", True),
        ("icudt73l/curr/pool.res", True),
        ("icudt73l/coll/zh.res", False),
        ("icudt73l/zone/de_CH.res", False),
        ("icudt73l/ibm-1258_P100-1997.cnv", False),
        ("icudt73l/brkitr/cjdict.dict", False),
        ("icudt73l/translit/root.res", False),
        ("icudt73l/confusables.cfu", False),
    ],
)
def test_which_items_stay(name: str, kept: bool) -> None:
    assert icu_data.wanted(name) is kept


def test_qt_gives_the_same_answers_with_the_trimmed_library(full_lib: Path, tmp_path: Path) -> None:
    lib = tmp_path / full_lib.name
    lib.write_bytes(full_lib.read_bytes())
    before, after = icu_data.trim_library(lib)
    assert before > 25_000_000 and after < 6_000_000, (before, after)

    trimmed = qt_answers(tmp_path)
    full = qt_answers(None)
    assert trimmed["loaded"] == [str(lib)]  # really the trimmed copy
    assert full["loaded"] == [str(full_lib)]
    assert trimmed["messages"] == [] and full["messages"] == []
    # Vietnamese and English collation, case mapping and zone names are unchanged.
    for key in ("vi_VN", "en_US", "upper", "zone"):
        assert trimmed[key] == full[key], key
    vi = trimmed["vi_VN"]
    assert isinstance(vi, list)
    assert vi.index("dz") < vi.index("Đất đai") < vi.index("hộ khẩu")  # đ is its own letter
    assert trimmed["upper"] == "ĐƯỜNG PHỐ Ý"
    # A dropped locale falls back to the root collation without any warning.
    de = trimmed["de_DE"]
    assert isinstance(de, list) and sorted(de) == sorted(full["de_DE"])  # type: ignore[arg-type]
