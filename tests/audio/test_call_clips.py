"""What a call says: the clip sequence for "Mời số A105 đến quầy số 3", and the clip catalogue."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kiosk.audio.announcement import call_clip_names
from kiosk.audio.clips import (
    CLIP_SPECS,
    WORD_STEMS,
    all_clip_names,
    assets_dir,
    clip_search_dirs,
    clips_missing,
    shipped_sounds_dir,
)
from kiosk.core.config import NumberStyle

WORDS = NumberStyle.WORDS
DIGITS = NumberStyle.DIGITS


def test_a105_at_counter_3_is_called_with_the_number_read_as_a_whole() -> None:
    assert call_clip_names("A105", 3, WORDS) == [
        "chime",
        "moi_so",
        "letter_a",
        "mot",
        "tram",
        "linh",
        "nam",
        "den_quay",
        "so",
        "ba",
    ]


def test_leading_zeros_are_not_read_in_words_style() -> None:
    assert call_clip_names("A005", 1, WORDS)[2:6] == ["letter_a", "nam", "den_quay", "so"]
    assert call_clip_names("B021", 2, WORDS)[2:6] == ["letter_b", "hai", "muoi_ngang", "mot_sac"]
    assert call_clip_names("C015", 2, WORDS)[2:5] == ["letter_c", "muoi_huyen", "lam"]
    assert call_clip_names("A000", 1, WORDS)[2:4] == ["letter_a", "khong"]


def test_digits_style_reads_every_printed_digit() -> None:
    assert call_clip_names("A105", 3, DIGITS) == [
        "chime",
        "moi_so",
        "letter_a",
        "mot",
        "khong",
        "nam",
        "den_quay",
        "so",
        "ba",
    ]
    assert call_clip_names("A005", 3, DIGITS)[3:6] == ["khong", "khong", "nam"]


def test_counter_is_read_as_a_whole_number_in_both_styles() -> None:
    for style in (WORDS, DIGITS):
        assert call_clip_names("A1", 21, style)[-3:] == ["hai", "muoi_ngang", "mot_sac"]
        assert call_clip_names("A1", 15, style)[-2:] == ["muoi_huyen", "lam"]
        assert call_clip_names("A1", 24, style)[-3:] == ["hai", "muoi_ngang", "tu"]


def test_english_repeats_the_call_after_the_vietnamese() -> None:
    assert call_clip_names("A105", 3, WORDS, english=True) == [
        "chime",
        "moi_so",
        "letter_a",
        "mot",
        "tram",
        "linh",
        "nam",
        "den_quay",
        "so",
        "ba",
        "en_number",
        "en_letter_a",
        "en_1",
        "en_0",
        "en_5",
        "en_please_go_to_counter",
        "en_3",
    ]


def test_english_reads_two_letter_prefixes_and_counters_above_twenty() -> None:
    names = call_clip_names("AB012", 42, DIGITS, english=True)
    assert names[2:4] == ["letter_a", "letter_b"]
    english = names[names.index("en_number") :]
    assert english == [
        "en_number",
        "en_letter_a",
        "en_letter_b",
        "en_0",
        "en_1",
        "en_2",
        "en_please_go_to_counter",
        "en_40",
        "en_2",
    ]
    assert call_clip_names("A1", 12, WORDS, english=True)[-1] == "en_12"
    assert call_clip_names("A1", 30, WORDS, english=True)[-1] == "en_30"


def test_repeat_says_the_vietnamese_call_again_after_one_chime_and_english_once() -> None:
    once = call_clip_names("D012", 5, WORDS)
    phrase = once[1:]
    assert phrase[0] == "moi_so" and "chime" not in phrase
    assert call_clip_names("D012", 5, WORDS, repeat=2) == ["chime", *phrase, *phrase]
    assert call_clip_names("D012", 5, WORDS, repeat=3) == ["chime", *phrase, *phrase, *phrase]
    english = call_clip_names("D012", 5, WORDS, english=True)[len(once) :]
    assert english[0] == "en_number"
    assert call_clip_names("D012", 5, WORDS, english=True, repeat=2) == [
        "chime",
        *phrase,
        *phrase,
        *english,
    ]


@pytest.mark.parametrize("repeat", [0, -1])
def test_a_call_is_said_at_least_once(repeat: int) -> None:
    with pytest.raises(ValueError, match="at least once"):
        call_clip_names("A1", 1, WORDS, repeat=repeat)


def test_lower_case_codes_are_read_like_upper_case() -> None:
    assert call_clip_names("a105", 3, WORDS) == call_clip_names("A105", 3, WORDS)


@pytest.mark.parametrize("bad", ["", "105A", "ABC1", "A12345", "Ă105", "A 1 0"])
def test_unreadable_ticket_codes_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        call_clip_names(bad, 1, WORDS)


def test_every_call_for_every_prefix_uses_known_clips() -> None:
    known = set(all_clip_names())
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        for number in (0, 1, 5, 21, 105, 999, 1005, 9999):
            for style in (WORDS, DIGITS):
                names = call_clip_names(f"{letter}{number:03d}", 99, style, english=True)
                assert set(names) <= known


def test_every_word_of_the_table_and_every_catalogue_clip_is_shipped(shipped: Path) -> None:
    for stem in WORD_STEMS.values():
        assert (shipped / f"{stem}.wav").is_file(), stem
    assert clips_missing([shipped]) == []
    assert len(set(all_clip_names())) == len(CLIP_SPECS)


def test_word_stems_are_ascii_and_distinct() -> None:
    stems = list(WORD_STEMS.values())
    assert len(set(stems)) == len(stems)
    assert all(s.isascii() and s.replace("_", "").isalnum() for s in all_clip_names())
    # the words that differ only by tone have their own clips
    assert WORD_STEMS["mười"] != WORD_STEMS["mươi"]
    assert WORD_STEMS["một"] != WORD_STEMS["mốt"]
    assert WORD_STEMS["năm"] != WORD_STEMS["lăm"]


def test_clips_missing_names_each_missing_file(tmp_path: Path) -> None:
    (tmp_path / "mot.wav").write_bytes(b"")
    missing = clips_missing([tmp_path])
    assert "mot.wav" not in missing
    assert "chime.wav" in missing
    assert len(missing) == len(all_clip_names()) - 1


def test_replacement_folder_is_searched_before_the_shipped_clips(tmp_path: Path) -> None:
    assert clip_search_dirs(str(tmp_path)) == [tmp_path, shipped_sounds_dir()]
    assert clip_search_dirs("") == [shipped_sounds_dir()]


def test_assets_folder_comes_from_env_then_bundle_then_source_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIOSK_ASSETS", raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert assets_dir() == Path(__file__).resolve().parents[2] / "assets"
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)
    assert assets_dir() == tmp_path / "bundle" / "assets"
    monkeypatch.setenv("KIOSK_ASSETS", str(tmp_path / "mine"))
    assert assets_dir() == tmp_path / "mine"
    assert shipped_sounds_dir() == tmp_path / "mine" / "sounds"
