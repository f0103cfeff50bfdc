"""How counts read in the texts people see: Vietnamese nouns do not change, English ones do."""

from __future__ import annotations

from kiosk.core.texts import Text


def count_en(n: int, singular: str, plural: str | None = None) -> str:
    """'1 dossier', '0 dossiers', '2 dossiers': an English count with its noun."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def dossiers_text(n: int) -> Text:
    """Text("2 hồ sơ", "2 dossiers"), Text("1 hồ sơ", "1 dossier"): a completion's dossiers."""
    return Text(f"{n} hồ sơ", count_en(n, "dossier"))
