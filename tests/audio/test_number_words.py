"""Vietnamese number reading: the mốt/tư/lăm/linh/mười-mươi rules, word by word."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.audio.clips import WORD_STEMS, word_stem
from kiosk.audio.numbers import DIGITS, MAX_NUMBER, digit_words, vietnamese_number_words

READINGS = {
    # 0-9 on their own: "một", "bốn", "năm"
    0: "không",
    1: "một",
    2: "hai",
    3: "ba",
    4: "bốn",
    5: "năm",
    6: "sáu",
    7: "bảy",
    8: "tám",
    9: "chín",
    # 10-19: "mười", with "một", "bốn" but "lăm"
    10: "mười",
    11: "mười một",
    14: "mười bốn",
    15: "mười lăm",
    17: "mười bảy",
    19: "mười chín",
    # 20-99: "mươi", with "mốt", "tư", "lăm"
    20: "hai mươi",
    21: "hai mươi mốt",
    22: "hai mươi hai",
    24: "hai mươi tư",
    25: "hai mươi lăm",
    30: "ba mươi",
    31: "ba mươi mốt",
    44: "bốn mươi tư",
    45: "bốn mươi lăm",
    50: "năm mươi",
    55: "năm mươi lăm",
    64: "sáu mươi tư",
    71: "bảy mươi mốt",
    88: "tám mươi tám",
    91: "chín mươi mốt",
    94: "chín mươi tư",
    95: "chín mươi lăm",
    99: "chín mươi chín",
    # 100-999: "linh" for a zero tens digit
    100: "một trăm",
    101: "một trăm linh một",
    104: "một trăm linh bốn",
    105: "một trăm linh năm",
    109: "một trăm linh chín",
    110: "một trăm mười",
    111: "một trăm mười một",
    114: "một trăm mười bốn",
    115: "một trăm mười lăm",
    120: "một trăm hai mươi",
    121: "một trăm hai mươi mốt",
    124: "một trăm hai mươi tư",
    125: "một trăm hai mươi lăm",
    200: "hai trăm",
    305: "ba trăm linh năm",
    401: "bốn trăm linh một",
    555: "năm trăm năm mươi lăm",
    999: "chín trăm chín mươi chín",
    # 1000-9999: "không trăm" for a zero hundreds digit
    1000: "một nghìn",
    1001: "một nghìn không trăm linh một",
    1005: "một nghìn không trăm linh năm",
    1010: "một nghìn không trăm mười",
    1015: "một nghìn không trăm mười lăm",
    1021: "một nghìn không trăm hai mươi mốt",
    1100: "một nghìn một trăm",
    1105: "một nghìn một trăm linh năm",
    2024: "hai nghìn không trăm hai mươi tư",
    5000: "năm nghìn",
    5555: "năm nghìn năm trăm năm mươi lăm",
    9999: "chín nghìn chín trăm chín mươi chín",
}


@pytest.mark.parametrize(("n", "reading"), sorted(READINGS.items()))
def test_number_is_read_as_vietnamese_speakers_say_it(n: int, reading: str) -> None:
    assert vietnamese_number_words(n) == reading.split()


def _value(words: list[str]) -> int:
    """Independent reader of the words back to a number (the inverse of the reader)."""
    digit = {w: i for i, w in enumerate(DIGITS)} | {"mốt": 1, "tư": 4, "lăm": 5}
    total = group = last = 0
    for w in words:
        if w in digit:
            last = digit[w]
            group += last
        elif w == "mười":
            group += 10
        elif w == "mươi":
            group += 9 * last  # the digit said before "mươi" was tens, not units
        elif w == "trăm":
            group += 99 * last
        elif w == "nghìn":
            total, group = group * 1000, 0
        else:
            assert w == "linh", w
    return total + group


@given(st.integers(min_value=0, max_value=MAX_NUMBER))
def test_every_number_reads_back_to_itself_and_every_word_has_a_clip(n: int) -> None:
    words = vietnamese_number_words(n)
    assert _value(words) == n
    assert all(w in WORD_STEMS for w in words)


@given(st.integers(min_value=0, max_value=MAX_NUMBER))
def test_special_word_forms_appear_only_where_they_belong(n: int) -> None:
    words = vietnamese_number_words(n)
    for i, w in enumerate(words):
        before = words[i - 1] if i else None
        if w in ("mốt", "tư"):
            assert before == "mươi", words
        if w == "lăm":
            assert before in ("mười", "mươi"), words
        if w == "năm" and before in ("mười", "mươi"):
            pytest.fail(f"{n}: 'năm' after {before} must be 'lăm': {words}")
        if w == "linh":
            assert before == "trăm" and i == len(words) - 2, words
        if w == "mươi":
            assert before in DIGITS[2:], words
        if w == "không":
            assert n == 0 or words[i + 1] == "trăm", words


def test_every_number_up_to_9999_uses_shipped_clips(shipped: Path) -> None:
    words = {w for n in range(MAX_NUMBER + 1) for w in vietnamese_number_words(n)}
    assert words == set(WORD_STEMS)
    missing = [w for w in words if not (shipped / f"{word_stem(w)}.wav").is_file()]
    assert missing == []


@pytest.mark.parametrize("bad", [-1, MAX_NUMBER + 1, 100000])
def test_numbers_outside_0_to_9999_are_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="0 to 9999"):
        vietnamese_number_words(bad)


def test_non_integers_are_refused() -> None:
    with pytest.raises(TypeError):
        vietnamese_number_words(True)
    with pytest.raises(TypeError):
        vietnamese_number_words(1.5)  # type: ignore[arg-type]


def test_digits_are_read_one_by_one_in_their_standalone_form() -> None:
    assert digit_words("105") == ["một", "không", "năm"]
    assert digit_words("0021") == ["không", "không", "hai", "một"]
    assert digit_words("4") == ["bốn"]


@pytest.mark.parametrize("bad", ["", "1a", "-1", "١٢"])
def test_digit_words_refuses_anything_but_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        digit_words(bad)
