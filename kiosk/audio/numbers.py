"""Read numbers aloud in Vietnamese, word by word, as people at a service counter say them.

The rules that a text-to-speech engine gets wrong in context live here (and are tested):
"mốt" only after "mươi" (21..91), "tư" for 4 after "mươi" (24..94), "lăm" for 5 after
"mười"/"mươi" (15, 25..95), "linh" for a zero tens digit after hundreds (105), and
"không trăm" for a zero hundreds digit after thousands (1005).
"""

from __future__ import annotations

MAX_NUMBER = 9999

DIGITS: tuple[str, ...] = (
    "không",
    "một",
    "hai",
    "ba",
    "bốn",
    "năm",
    "sáu",
    "bảy",
    "tám",
    "chín",
)

TEN = "mười"  # "mười" (falling tone): the number ten, as in 10..19
TENS = "mươi"  # "mươi" (level tone): "tens", as in hai mươi (20)
HUNDRED = "trăm"
THOUSAND = "nghìn"
ZERO_TENS = "linh"  # a zero tens digit between hundreds and units: 105 "một trăm linh năm"


def _units_after_tens(units: int, tens: int) -> list[str]:
    """The units word after "mười" (tens == 1) or "mươi" (tens >= 2)."""
    if units == 0:
        return []
    if units == 5:
        return ["lăm"]
    if tens >= 2 and units == 1:
        return ["mốt"]
    if tens >= 2 and units == 4:
        return ["tư"]
    return [DIGITS[units]]


def _below_hundred(n: int) -> list[str]:
    """Words for 0..99 read on their own or after hundreds with a non-zero tens digit."""
    tens, units = divmod(n, 10)
    if tens == 0:
        return [DIGITS[units]]
    if tens == 1:
        return [TEN, *_units_after_tens(units, 1)]
    return [DIGITS[tens], TENS, *_units_after_tens(units, tens)]


def _after_hundreds(n: int) -> list[str]:
    """Words for the last two digits (0..99) once a hundreds word has been said."""
    if n == 0:
        return []
    if n < 10:
        return [ZERO_TENS, DIGITS[n]]
    return _below_hundred(n)


def vietnamese_number_words(n: int) -> list[str]:
    """The words of `n` (0..9999) read as a whole, e.g. 105 -> ["một", "trăm", "linh", "năm"]."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected an int, got {type(n).__name__}")
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"can read numbers from 0 to {MAX_NUMBER}, got {n}")
    thousands, rest = divmod(n, 1000)
    hundreds, last_two = divmod(rest, 100)
    words: list[str] = []
    if thousands:
        words += [DIGITS[thousands], THOUSAND]
        if rest == 0:
            return words
        # After thousands the hundreds are always said, even when zero: 1005, 1010.
        return [*words, DIGITS[hundreds], HUNDRED, *_after_hundreds(last_two)]
    if hundreds:
        return [DIGITS[hundreds], HUNDRED, *_after_hundreds(last_two)]
    return _below_hundred(last_two)


def digit_words(s: str) -> list[str]:
    """The words of each digit of `s` in turn, e.g. "105" -> ["một", "không", "năm"]."""
    if not s or not all(c in "0123456789" for c in s):
        raise ValueError(f"expected only the digits 0-9, got {s!r}")
    return [DIGITS[int(c)] for c in s]
