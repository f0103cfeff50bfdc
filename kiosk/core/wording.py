"""How numbers and counts read in the texts people see, in each language (one home).

Vietnamese writes a decimal comma and groups thousands with dots ("0,9", "1.437", "12,5%");
English the other way round ("0.9", "1,437", "12.5%"). Percent signs follow the number
without a space in both, as Vietnamese administrative documents write them ("đạt 95%").
Vietnamese nouns do not change with the count, English ones do.
"""

from __future__ import annotations

from kiosk.core.texts import Language, Text

#: Shown where there is nothing to measure (no wait when nobody was called).
MISSING = "–"


def number(value: float | None, lang: Language | str, decimals: int = 0) -> str:
    """`value` with `decimals` digits after the separator and thousands grouped:
    number(1437, "vi") == "1.437", number(0.94, "vi", 1) == "0,9", "–" for None."""
    if value is None:
        return MISSING
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # -0.0 reads as 0
    if lang == Language.VI:
        return text.translate(_VI)
    return text


def share(value: float | None, lang: Language | str, decimals: int = 0) -> str:
    """A share (0-1) as a percentage: share(0.125, "vi", 1) == "12,5%"; "–" for None."""
    return MISSING if value is None else number(value * 100, lang, decimals) + "%"


def minutes(seconds: float | None, lang: Language | str) -> str:
    """Seconds as minutes with one decimal: minutes(270, "vi") == "4,5"; "–" for None."""
    return MISSING if seconds is None else number(seconds / 60, lang, 1)


def plain(value: float, lang: Language | str) -> str:
    """A number as short as it reads (7.5 → "7,5" in Vietnamese, 15.0 → "15"), as `:g`."""
    decimals = 0 if float(value).is_integer() else len(f"{value:g}".partition(".")[2])
    return number(value, lang, decimals)


_VI = str.maketrans({",": ".", ".": ","})


def count_en(n: int, singular: str, plural: str | None = None) -> str:
    """'1 dossier', '0 dossiers', '2 dossiers', '1,437 dossiers': an English count."""
    return f"{number(n, 'en')} {singular if n == 1 else plural or singular + 's'}"


def dossiers_text(n: int) -> Text:
    """Text("2 hồ sơ", "2 dossiers"), Text("1 hồ sơ", "1 dossier"): a completion's dossiers."""
    return Text(f"{number(n, 'vi')} hồ sơ", count_en(n, "dossier"))
