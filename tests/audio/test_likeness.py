"""The two measures the clips are held to: loudness of the voiced part, and sounding alike."""

from __future__ import annotations

import json
import math
import random
from array import array
from pathlib import Path

import pytest

from kiosk.audio.likeness import (
    ALIKE_BELOW,
    cached_voice_print,
    distance,
    sound_alike,
    voice_print,
)
from kiosk.audio.loudness import SILENT_DB, loudness_db, peak_db
from kiosk.audio.pcm import read_wav

RATE = 22050


def _tone(seconds: float, amplitude: float) -> array[int]:
    n = round(seconds * RATE)
    return array(
        "h", (round(amplitude * 32767 * math.sin(2 * math.pi * 440 * i / RATE)) for i in range(n))
    )


def test_loudness_is_the_rms_of_the_voiced_part_not_of_the_silence_around_it() -> None:
    tone = _tone(0.5, 0.5)
    padded = array("h", bytes(2 * RATE)) + tone + array("h", bytes(2 * RATE))
    expected = 20 * math.log10(0.5 / math.sqrt(2))  # a sine's RMS: -9.03 dBFS

    assert loudness_db(tone) == pytest.approx(expected, abs=0.05)
    assert loudness_db(padded) == pytest.approx(expected, abs=0.05)
    whole_rms = 10 * math.log10(sum(x * x for x in padded) / len(padded) / 32767**2)
    assert whole_rms < expected - 6  # what a plain RMS would have said
    assert peak_db(tone) == pytest.approx(20 * math.log10(0.5), abs=0.01)


def test_silence_has_the_floor_loudness() -> None:
    assert loudness_db(array("h", bytes(2000))) == SILENT_DB
    assert loudness_db(array("h")) == SILENT_DB
    assert peak_db(array("h", bytes(20))) == SILENT_DB


def _twice_the_rate(samples: array[int]) -> list[float]:
    """Samples at 44100 Hz (-1..1) from 22050 Hz, by Lanczos interpolation (as an editor would)."""
    taps = 16
    kernel = [
        math.sin(math.pi * t) / (math.pi * t) * math.sin(math.pi * t / taps) / (math.pi * t / taps)
        for t in (k + 0.5 for k in range(-taps, taps))
    ]
    n = len(samples)
    out: list[float] = []
    for i in range(n):
        out.append(samples[i] / 32767)
        half = sum(
            samples[j] * w
            for j, w in zip(range(i - taps + 1, i + taps + 1), kernel, strict=True)
            if 0 <= j < n
        )
        out.append(max(-1.0, min(1.0, half / 32767)))
    return out


@pytest.mark.parametrize(
    "stem",
    # the fricatives (s, x, d/gi) lose most to resampling; "trăm" and "sáu" to the limiter
    ["letter_d", "letter_s", "letter_x", "letter_z", "sau", "tram", "moi_so", "en_letter_s"],
)
def test_a_copy_at_another_volume_rate_or_with_hiss_sounds_alike(
    shipped: Path, tmp_path: Path, wavs, stem: str
) -> None:
    noise = random.Random(12)
    original = read_wav(shipped / f"{stem}.wav")
    heard = voice_print(original)
    quieter = array("h", (x // 3 for x in original))
    # saved again as a 44.1 kHz stereo recording, read back the way a replacement is
    at_44k = [x for x in _twice_the_rate(original) for _ in range(2)]
    path = wavs.write(tmp_path / f"{stem}.wav", at_44k, rate=44100, channels=2)
    hissy = array("h", (x + round(noise.gauss(0, 100)) for x in original))  # 34 dB under the voice
    for copy in (original, quieter, read_wav(path), hissy):
        assert sound_alike(heard, voice_print(copy)), distance(heard, voice_print(copy))
    assert distance(heard, voice_print(original)) == 0.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("letter_b", "letter_p"),  # bê / pê: only the first consonant differs
        ("letter_a", "letter_k"),  # a / ca
        ("letter_e", "letter_o"),  # sample by sample these correlate at 0.88
        ("nam", "lam"),
        ("mot", "mot_sac"),
        ("en_letter_s", "en_letter_x"),
    ],
)
def test_different_words_do_not_sound_alike(shipped: Path, a: str, b: str) -> None:
    first = voice_print(read_wav(shipped / f"{a}.wav"))
    second = voice_print(read_wav(shipped / f"{b}.wav"))
    assert distance(first, second) >= ALIKE_BELOW
    assert distance(first, second) == pytest.approx(distance(second, first))
    assert not sound_alike(first, second)


def test_silence_is_like_silence_and_unlike_a_word(shipped: Path) -> None:
    silent = voice_print(array("h", bytes(4000)))
    word = voice_print(read_wav(shipped / "ba.wav"))
    assert silent.frames == ()
    assert distance(silent, silent) == 0.0
    assert distance(silent, word) == math.inf


def test_a_cached_print_is_the_print_and_a_bad_cache_is_only_not_used(
    shipped: Path, tmp_path: Path
) -> None:
    samples = read_wav(shipped / "ba.wav")
    computed = voice_print(samples)
    cache = tmp_path / "cache"
    assert cached_voice_print(samples, cache) == computed  # computed, then kept
    (kept,) = cache.iterdir()
    assert cached_voice_print(samples, cache) == computed  # read back, the same floats
    kept.write_text("{not json", "utf-8")
    assert cached_voice_print(samples, cache) == computed  # a spoilt file is computed again
    assert json.loads(kept.read_text("utf-8"))  # and written whole again
    blocked = tmp_path / "a-file"
    blocked.write_text("a file where the cache folder should be")
    assert cached_voice_print(samples, blocked) == computed  # nowhere to keep it: still right
    assert blocked.read_text() == "a file where the cache folder should be"
    other = read_wav(shipped / "bay.wav")
    assert cached_voice_print(other, cache) == voice_print(other)  # its own entry
    assert len(list(cache.iterdir())) == 2
