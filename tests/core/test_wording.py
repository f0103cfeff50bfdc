"""Numbers as each language writes them: one home (kiosk.core.wording) for every figure shown."""

from __future__ import annotations

import pytest

from kiosk.core.wording import count_en, dossiers_text, minutes, number, plain, share


@pytest.mark.parametrize(
    ("value", "decimals", "vi", "en"),
    [
        (1437, 0, "1.437", "1,437"),
        (0.94, 1, "0,9", "0.9"),
        (1020158, 0, "1.020.158", "1,020,158"),
        (12345.67, 1, "12.345,7", "12,345.7"),
        (999, 0, "999", "999"),
        (-0.04, 1, "0,0", "0.0"),
        (-2.5, 1, "-2,5", "-2.5"),
        (None, 1, "–", "–"),
    ],
)
def test_numbers_read_as_each_language_writes_them(
    value: float | None, decimals: int, vi: str, en: str
) -> None:
    assert number(value, "vi", decimals) == vi
    assert number(value, "en", decimals) == en


def test_shares_minutes_and_plain_numbers() -> None:
    assert share(0.125, "vi", 1) == "12,5%" and share(0.125, "en", 1) == "12.5%"
    assert share(0.321, "vi") == "32%" and share(None, "vi") == "–"
    assert minutes(270, "vi") == "4,5" and minutes(270, "en") == "4.5"
    assert minutes(None, "vi") == "–"
    assert plain(7.5, "vi") == "7,5" and plain(15.0, "vi") == "15" and plain(15, "en") == "15"
    assert plain(1500, "vi") == "1.500"


def test_counts_keep_their_nouns() -> None:
    assert count_en(1, "dossier") == "1 dossier"
    assert count_en(1437, "citizen") == "1,437 citizens"
    assert dossiers_text(1437) == ("1.437 hồ sơ", "1,437 dossiers")
