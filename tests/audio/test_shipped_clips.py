"""The shipped clips as a listener meets them: equally loud, and no two letters heard alike."""

from __future__ import annotations

import itertools
from pathlib import Path

from kiosk.audio.announcement import announce_call
from kiosk.audio.clips import all_clip_names, letter_stem, must_sound_different
from kiosk.audio.likeness import ALIKE_BELOW, distance, voice_print
from kiosk.audio.loudness import TARGET_DB, TOLERANCE_DB, loudness_db, peak_db
from kiosk.audio.pcm import read_wav
from kiosk.core.config import SoundConfig


def test_every_shipped_clip_is_within_1_5_db_of_the_target_loudness(shipped: Path) -> None:
    levels = {path.stem: loudness_db(read_wav(path)) for path in sorted(shipped.glob("*.wav"))}

    assert set(levels) == set(all_clip_names())
    off = {stem: round(db, 2) for stem, db in levels.items() if abs(db - TARGET_DB) > TOLERANCE_DB}
    assert off == {}, f"not within {TARGET_DB} ± {TOLERANCE_DB} dBFS"
    # the number words are the ones a citizen must catch: none of them quieter than the rest
    assert max(levels.values()) - min(levels.values()) <= 2 * TOLERANCE_DB


def test_no_shipped_clip_is_clipped(shipped: Path) -> None:
    for path in sorted(shipped.glob("*.wav")):
        samples = read_wav(path)
        assert peak_db(samples) <= -0.9, path.name
        assert max(abs(x) for x in samples) < 32767, path.name


def test_no_two_letters_or_number_words_sound_alike(shipped: Path) -> None:
    for group, stems in must_sound_different().items():
        prints = {stem: voice_print(read_wav(shipped / f"{stem}.wav")) for stem in stems}
        alike = [
            (a, b, round(distance(prints[a], prints[b]), 2))
            for a, b in itertools.combinations(stems, 2)
            if distance(prints[a], prints[b]) < ALIKE_BELOW
        ]
        assert alike == [], f"{group} heard alike"


def test_d012_and_g012_are_announced_with_different_letters(shipped: Path) -> None:
    sound = SoundConfig(repeat=1)
    d012 = announce_call(sound, "D012", 5)
    g012 = announce_call(sound, "G012", 5)

    d_clip, g_clip = (shipped / f"{letter_stem(c)}.wav" for c in "DG")
    assert d_clip in d012.clip_paths and g_clip in g012.clip_paths
    heard = distance(voice_print(read_wav(d_clip)), voice_print(read_wav(g_clip)))
    assert heard >= 2 * ALIKE_BELOW
    assert len(d012.wav) != len(g012.wav) or d012.wav != g012.wav
