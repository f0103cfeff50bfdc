"""One bilingual text type: every citizen- and clerk-facing string is a `kiosk.core.texts.Text`.

Two checks. Every `Text` the screens and pages use has both languages with the same `{names}`
(and no Vietnamese in its English). And no screen module holds a Vietnamese string outside a
`Text(...)` or a `KioskError(message_vi, message_en)`: a string without its English alternative
shows up here, with its file and line.
"""

from __future__ import annotations

import ast
import importlib
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.errors import KioskError
from kiosk.core.texts import Language, Text, wait_text

ROOT = Path(__file__).resolve().parents[2]
#: Letters only Vietnamese uses (an English text must have none of them).
VIETNAMESE = re.compile(
    "[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE
)
#: Where people read what the program says: the screens, the pages, the ticket and the voice.
SCREENS = (
    "kiosk/app",
    "kiosk/counter",
    "kiosk/rate",
    "kiosk/gui",
    "kiosk/manager",
    "kiosk/web",
    "kiosk/reports",
    "kiosk/city",
    "kiosk/printing",
    "kiosk/cli.py",
    "display",
)
#: Modules whose `Text` values the first check reads (constants, tuples and dicts of Text).
REGISTRIES = (
    "kiosk.core.texts",
    "kiosk.printing.ticket_image",
    "kiosk.printing.texts",
    "kiosk.reports.texts",
    "kiosk.city.texts",
    "kiosk.core.errors",
    "kiosk.app.texts",
    "kiosk.web.texts",
    "kiosk.counter.texts",
    "kiosk.rate.texts",
    "kiosk.core.ratings",
    "kiosk.gui.waiting",
    "kiosk.manager.window",
    "display.texts",
)


def _texts(value: object, name: str) -> Iterator[tuple[str, Text]]:
    if isinstance(value, Text):
        yield name, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _texts(v, f"{name}[{k!r}]")
    elif isinstance(value, tuple | list):
        for i, v in enumerate(value):
            yield from _texts(v, f"{name}[{i}]")


def registered_texts() -> list[tuple[str, Text]]:
    found = []
    for module_name in REGISTRIES:
        module = importlib.import_module(module_name)
        for attr, value in vars(module).items():
            if not attr.startswith("__"):
                found += _texts(value, f"{module_name}.{attr}")
    return found


def _placeholders(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def text_problems(texts: list[tuple[str, Text]]) -> list[str]:
    """Each Text with a language missing, different placeholders or Vietnamese in its English."""
    bad = []
    for name, t in texts:
        if not t.vi.strip() or not t.en.strip():
            bad.append(f"{name}: {'Vietnamese' if not t.vi.strip() else 'English'} text missing")
        elif _placeholders(t.vi) != _placeholders(t.en):
            bad.append(f"{name}: placeholders differ {t}")
        elif VIETNAMESE.search(t.en) and not VIETNAMESE.search(t.vi):
            pass  # a language switch ("English" / "Tiếng Việt") names the other language
        elif VIETNAMESE.search(t.en):
            bad.append(f"{name}: English text is Vietnamese: {t.en!r}")
    return bad


def _bilingual_callee(node: ast.Call, module: object) -> bool:
    """Text(vi, en), or a KioskError subclass (its two arguments are the two languages)."""
    func = node.func
    name = (
        func.id
        if isinstance(func, ast.Name)
        else func.attr
        if isinstance(func, ast.Attribute)
        else ""
    )
    if name in ("Text", "vietnamese_only"):
        return True
    target = getattr(module, name, None)
    return isinstance(target, type) and issubclass(target, KioskError) and len(node.args) >= 2


def untranslated(path: Path) -> list[str]:
    """`file:line "…"` for each Vietnamese string of a screen module outside Text/KioskError."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    module = importlib.import_module(dotted)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    bad = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if not VIETNAMESE.search(node.value) or isinstance(parents.get(node), ast.Expr):
            continue  # English, or a docstring
        up: ast.AST | None = node
        while up is not None and not (isinstance(up, ast.Call) and _bilingual_callee(up, module)):
            up = parents.get(up)
        if up is None:
            bad.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value[:60]!r}")
    return bad


#: Every place Vietnamese stands without English on purpose (`vietnamese_only`): file → how many
#: marked strings, and why they are data and not a text to translate.
VIETNAMESE_DATA = {
    "kiosk/printing/ticket_image.py": (2, "the printer test page's lines of every tone mark"),
    "kiosk/reports/simulate.py": (3, "the benchmark centre's officers: people's names"),
    "kiosk/reports/city.py": (2, "the simulated city's wards and communes: place names"),
}


def vietnamese_only_uses(paths: list[Path]) -> dict[str, int]:
    """How many strings each file marks with `vietnamese_only(...)`."""
    uses: dict[str, int] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "vietnamese_only":
                name = path.relative_to(ROOT).as_posix()
                uses[name] = uses.get(name, 0) + 1
    return uses


#: Where a word has one home: everywhere people read (a word two screens share lives in
#: kiosk/core/texts.py).
ONE_HOME = (*SCREENS, "kiosk/core")


def repeated_words(paths: list[Path]) -> list[str]:
    """Each `Text("…", "…")` literal written more than once, with where it is written."""
    where: dict[tuple[str, str], list[str]] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "Text"
                and len(node.args) == 2
                and all(isinstance(a, ast.Constant) for a in node.args)
            ):
                words = (node.args[0].value, node.args[1].value)
                if any(words):  # Text("", ""): no words, nothing to share
                    where.setdefault(words, []).append(f"{path.name}:{node.lineno}")
    return [f"{vi} / {en}: {', '.join(at)}" for (vi, en), at in where.items() if len(at) > 1]


def _modules(tops: tuple[str, ...]) -> list[Path]:
    return [
        p
        for top in tops
        for p in ([ROOT / top] if top.endswith(".py") else sorted((ROOT / top).rglob("*.py")))
        if not p.name.startswith("screenshots")
    ]


def _screen_modules() -> list[Path]:
    return _modules(SCREENS)


def test_every_text_has_both_languages_and_the_same_placeholders() -> None:
    texts = registered_texts()
    assert len(texts) > 100  # the registries were found
    assert text_problems(texts) == []


def test_no_screen_shows_a_vietnamese_string_without_its_english_one() -> None:
    assert [line for p in _screen_modules() for line in untranslated(p)] == []


def test_the_checks_catch_a_missing_language_and_a_bare_string(tmp_path: Path) -> None:
    assert text_problems([("X", Text("Đang chờ: {n}", ""))]) == ["X: English text missing"]
    assert text_problems([("Y", Text("Đang chờ: {n}", "Waiting"))]) == [
        "Y: placeholders differ Text(vi='Đang chờ: {n}', en='Waiting')"
    ]
    assert text_problems([("Z", Text("English", "Tiếng Việt"))]) == []


def test_only_the_listed_vietnamese_data_goes_without_english() -> None:
    """`vietnamese_only` lets a string past the scan above: each use is listed with its reason."""
    uses = vietnamese_only_uses(_modules((*SCREENS, "kiosk/core")))
    assert uses == {name: count for name, (count, _) in VIETNAMESE_DATA.items()}


def test_a_word_has_one_home() -> None:
    """The manager window, the PDF, the charts and the exports say "Theo ngày" from one place;
    the kiosk, the display, the console, the phone page and the ticket say "Quầy {n}", "ƯU
    TIÊN", "Lệ phí" from one place."""
    assert repeated_words(_modules(ONE_HOME)) == []


def test_the_one_home_check_catches_a_word_written_twice(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('DAY = Text("Ngày", "Day")\nX = Text("", "")\n')
    (tmp_path / "b.py").write_text(
        'H = (Text("", ""), Text("Ngày", "Day"), Text("Ngày", "Date"))\n'
    )
    assert repeated_words(sorted(tmp_path.glob("*.py"))) == ["Ngày / Day: a.py:1, b.py:1"]


@pytest.mark.parametrize("lang", list(Language))
def test_a_text_gives_its_language_and_both(lang: Language) -> None:
    t = Text("Đang chờ: {n}", "Waiting: {n}")
    assert t.get(lang, n=3) == {"vi": "Đang chờ: 3", "en": "Waiting: 3"}[lang.value]
    assert t.both(n=3) == "Đang chờ: 3 / Waiting: 3"
    assert Text("OK", "OK").both() == "OK"


@pytest.mark.parametrize(
    ("minutes", "vi", "en"),
    [
        (None, "chưa có quầy mở", "no counter open yet"),
        (0, "dưới 1 phút", "under 1 min"),
        (15, "khoảng 15 phút", "about 15 min"),
    ],
)
def test_the_kiosk_the_ticket_and_the_phone_say_the_wait_in_the_same_words(
    minutes: int | None, vi: str, en: str
) -> None:
    assert (wait_text(minutes, "vi"), wait_text(minutes, "en")) == (vi, en)
