"""The catalogue of announcement clips: one WAV per word or phrase, and where to find them.

Each clip is `<stem>.wav` with an ASCII stem. A point may put recorded replacements for any
subset of clips in `sound.clips_dir`; every other clip comes from the shipped `assets/sounds`.
`scripts/make_sounds.py` generates the shipped clips from `CLIP_SPECS`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.assets import assets_dir

CLIP_SUFFIX = ".wav"

CHIME = "chime"
CALL_OPENING = "moi_so"  # "Mời số"
TO_COUNTER = "den_quay"  # "đến quầy"
COUNTER_NUMBER = "so"  # "số", as in "đến quầy số 3"
EN_CALL_OPENING = "en_number"
EN_TO_COUNTER = "en_please_go_to_counter"

#: Every Vietnamese word the number reader can produce -> the stem of its clip.
WORD_STEMS: dict[str, str] = {
    "không": "khong",
    "một": "mot",
    "mốt": "mot_sac",
    "hai": "hai",
    "ba": "ba",
    "bốn": "bon",
    "tư": "tu",
    "năm": "nam",
    "lăm": "lam",
    "sáu": "sau",
    "bảy": "bay",
    "tám": "tam",
    "chín": "chin",
    "mười": "muoi_huyen",
    "mươi": "muoi_ngang",
    "linh": "linh",
    "trăm": "tram",
    "nghìn": "nghin",
}

#: Letter names as a Vietnamese clerk says them when calling "A105", "B012"... G is "gờ", not
#: "giê": in Northern speech (and in espeak-ng) "giê" sounds exactly like "dê", and D012 must not
#: be heard as G012.
VIETNAMESE_LETTER_NAMES: dict[str, str] = {
    "A": "a",
    "B": "bê",
    "C": "xê",
    "D": "dê",
    "E": "e",
    "F": "ép phờ",
    "G": "gờ",
    "H": "hát",
    "I": "i",
    "J": "di",
    "K": "ca",
    "L": "e lờ",
    "M": "em mờ",
    "N": "en nờ",
    "O": "o",
    "P": "pê",
    "Q": "quy",
    "R": "e rờ",
    "S": "ét xì",
    "T": "tê",
    "U": "u",
    "V": "vê",
    "W": "vê kép",
    "X": "ích xì",
    "Y": "i dài",
    "Z": "dét",
}

#: English number words with a clip each; 21..99 are read as tens + units ("twenty", "one").
ENGLISH_NUMBERS: dict[int, str] = {
    0: "zero",
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    11: "eleven",
    12: "twelve",
    13: "thirteen",
    14: "fourteen",
    15: "fifteen",
    16: "sixteen",
    17: "seventeen",
    18: "eighteen",
    19: "nineteen",
    20: "twenty",
    30: "thirty",
    40: "forty",
    50: "fifty",
    60: "sixty",
    70: "seventy",
    80: "eighty",
    90: "ninety",
}


@dataclass(frozen=True)
class ClipSpec:
    """One clip: its file stem, the voice that speaks it ("vi", "en"; "" = synthesised), text."""

    stem: str
    voice: str
    text: str


def _letters() -> Iterable[str]:
    return VIETNAMESE_LETTER_NAMES.keys()


def letter_stem(letter: str) -> str:
    """Stem of the Vietnamese name of an unaccented capital letter, e.g. "A" -> "letter_a"."""
    if letter.upper() not in VIETNAMESE_LETTER_NAMES:
        raise ValueError(f"no clip for the letter {letter!r}; use A-Z without accents")
    return f"letter_{letter.lower()}"


def english_letter_stem(letter: str) -> str:
    """Stem of the English name of a letter, e.g. "A" -> "en_letter_a"."""
    return f"en_{letter_stem(letter)}"


def word_stem(word: str) -> str:
    """Stem of the clip of one Vietnamese number word, e.g. "mốt" -> "mot_sac"."""
    try:
        return WORD_STEMS[word]
    except KeyError:
        raise ValueError(f"no clip for the word {word!r}") from None


def english_number_stems(n: int) -> list[str]:
    """Stems reading 0..99 in English, e.g. 3 -> ["en_3"], 21 -> ["en_20", "en_1"]."""
    if not 0 <= n <= 99:
        raise ValueError(f"English numbers are read from 0 to 99, got {n}")
    if n in ENGLISH_NUMBERS:
        return [f"en_{n}"]
    tens, units = divmod(n, 10)
    return [f"en_{tens * 10}", f"en_{units}"]


def english_digit_stems(digits: str) -> list[str]:
    """Stems reading each digit in English, e.g. "105" -> ["en_1", "en_0", "en_5"]."""
    if not digits or not all(c in "0123456789" for c in digits):
        raise ValueError(f"expected only the digits 0-9, got {digits!r}")
    return [f"en_{c}" for c in digits]


def _build_specs() -> tuple[ClipSpec, ...]:
    specs = [
        ClipSpec(CHIME, "", "two-tone ding-dong chime"),
        ClipSpec(CALL_OPENING, "vi", "Mời số"),
        ClipSpec(TO_COUNTER, "vi", "đến quầy"),
        ClipSpec(COUNTER_NUMBER, "vi", "số"),
    ]
    specs += [ClipSpec(stem, "vi", word) for word, stem in WORD_STEMS.items()]
    specs += [ClipSpec(letter_stem(c), "vi", name) for c, name in VIETNAMESE_LETTER_NAMES.items()]
    specs += [
        ClipSpec(EN_CALL_OPENING, "en", "Number"),
        ClipSpec(EN_TO_COUNTER, "en", "please go to counter"),
    ]
    specs += [ClipSpec(f"en_{n}", "en", word) for n, word in ENGLISH_NUMBERS.items()]
    # A capital letter on its own makes espeak-ng say the letter's name.
    specs += [ClipSpec(english_letter_stem(c), "en", c) for c in _letters()]
    return tuple(specs)


#: Every clip the announcements can use, in a stable order.
CLIP_SPECS: tuple[ClipSpec, ...] = _build_specs()


def must_sound_different() -> dict[str, list[str]]:
    """Groups of clips that take each other's place in a call, so no two may sound alike."""
    return {
        "Vietnamese letters": [letter_stem(c) for c in _letters()],
        "English letters": [english_letter_stem(c) for c in _letters()],
        "Vietnamese number words": list(WORD_STEMS.values()),
    }


def all_clip_names() -> list[str]:
    """Stems of every clip an announcement can use."""
    return [spec.stem for spec in CLIP_SPECS]


def shipped_sounds_dir() -> Path:
    """The folder of the shipped (generated) clips."""
    return assets_dir() / "sounds"


def clip_search_dirs(clips_dir: str | os.PathLike[str] = "") -> list[Path]:
    """Folders searched for clips in order: the replacement folder (if set), then shipped."""
    dirs = [Path(clips_dir).expanduser()] if str(clips_dir).strip() else []
    return [*dirs, shipped_sounds_dir()]


def clip_candidates(stem: str, clips_dirs: Sequence[Path]) -> list[Path]:
    """The files of clip `stem` in `clips_dirs`, in search order (empty if none has it)."""
    files = (Path(folder) / f"{stem}{CLIP_SUFFIX}" for folder in clips_dirs)
    return [path for path in files if path.is_file()]


def clips_missing(clips_dirs: Sequence[Path]) -> list[str]:
    """File names of the clips no folder holds (empty when announcements can be built)."""
    return [
        f"{stem}{CLIP_SUFFIX}" for stem in all_clip_names() if not clip_candidates(stem, clips_dirs)
    ]
