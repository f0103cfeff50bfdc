"""Build the spoken call "Mời số A105 đến quầy số 3" as one WAV from per-word clips.

`call_clip_names` decides what is said (the tested number reader picks the words), and the
Vietnamese phrase is said `sound.repeat` times after one chime, as halls do;
`assemble_announcement` joins the clips with short pauses into a single 22050 Hz mono WAV
that the display plays as it is. A replacement clip that cannot be read is logged (once per
file and reason) and the shipped clip is used instead, so one bad file never silences calls.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.audio.clips import (
    CALL_OPENING,
    CHIME,
    COUNTER_NUMBER,
    EN_CALL_OPENING,
    EN_TO_COUNTER,
    TO_COUNTER,
    clip_candidates,
    clip_search_dirs,
    english_digit_stems,
    english_letter_stem,
    english_number_stems,
    letter_stem,
    word_stem,
)
from kiosk.audio.errors import ClipMissing, ClipUnreadable
from kiosk.audio.numbers import digit_words, vietnamese_number_words
from kiosk.audio.pcm import SAMPLE_RATE, check_volume, read_wav, scale, silence, wav_bytes
from kiosk.core.config import NumberStyle, SoundConfig
from kiosk.core.files import write_atomic

log = logging.getLogger(__name__)

#: Pause after the chime before the voice starts.
CHIME_GAP_S = 0.30
#: Pause between two words or phrases.
WORD_GAP_S = 0.12
#: Pause before the call is said again ("Mời số A105 đến quầy số 3. … Mời số A105 …").
REPEAT_GAP_S = 0.80
#: Pause before the English repeat of the call.
LANGUAGE_GAP_S = 0.50

_CODE_RE = re.compile(r"^\s*([A-Za-z]{0,2})[-\s]?(\d{1,4})\s*$")


def _split_code(code: str) -> tuple[str, str]:
    m = _CODE_RE.match(code)
    if not m:
        raise ValueError(f"cannot read the ticket code {code!r}; expected e.g. 'A105'")
    return m.group(1).upper(), m.group(2)


def call_clip_names(
    code: str, counter: int, style: NumberStyle, english: bool = False, *, repeat: int = 1
) -> list[str]:
    """Clip stems, in order, announcing ticket `code` at `counter`.

    One chime, the Vietnamese phrase `repeat` times, then the English phrase once if asked.
    """
    if repeat < 1:
        raise ValueError(f"a call is said at least once, not {repeat} times")
    prefix, digits = _split_code(code)
    if style == NumberStyle.DIGITS:
        number_words = digit_words(digits)
    else:
        number_words = vietnamese_number_words(int(digits))
    phrase = [CALL_OPENING]
    phrase += [letter_stem(c) for c in prefix]
    phrase += [word_stem(w) for w in number_words]
    phrase += [TO_COUNTER, COUNTER_NUMBER]
    phrase += [word_stem(w) for w in vietnamese_number_words(counter)]
    names = [CHIME, *phrase * repeat]
    if english:
        names += [EN_CALL_OPENING]
        names += [english_letter_stem(c) for c in prefix]
        names += english_digit_stems(digits)
        names += [EN_TO_COUNTER]
        if counter <= 99:
            names += english_number_stems(counter)
        else:
            names += english_digit_stems(str(counter))
    return names


def gap_after(name: str, next_name: str) -> float:
    """Seconds of silence between clip `name` and the clip `next_name` that follows it."""
    if name == CHIME:
        return CHIME_GAP_S
    if next_name == CALL_OPENING:
        return REPEAT_GAP_S
    if next_name.startswith("en_") and not name.startswith("en_"):
        return LANGUAGE_GAP_S
    return WORD_GAP_S


@dataclass(frozen=True)
class AssembledWav:
    """One announcement: the WAV file bytes, the clips it is made of, and its length."""

    wav: bytes
    clip_names: tuple[str, ...]
    clip_paths: tuple[Path, ...]
    duration_s: float
    sample_rate: int = SAMPLE_RATE

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the WAV to `path` atomically (a player never sees half a file), folders made."""
        return write_atomic(path, self.wav, folders=True)


_cache: dict[tuple[str, int, int, float], array[int]] = {}
_cache_lock = threading.Lock()
_CACHE_LIMIT = 512


def load_clip(path: Path, volume: float = 1.0) -> array[int]:
    """Samples of a clip at 22050 Hz mono scaled by `volume`, decoded once per file version."""
    try:
        st = path.stat()
    except OSError as exc:
        raise ClipUnreadable(path, f"cannot read the file ({exc.strerror})") from None
    key = (str(path), st.st_mtime_ns, st.st_size, volume)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is None:
        cached = scale(read_wav(path), volume)
        with _cache_lock:
            if len(_cache) >= _CACHE_LIMIT:
                _cache.clear()
            _cache[key] = cached
    return cached


#: Called with a clip file that cannot be used and the file used instead (None: no other).
UnusableClip = Callable[[ClipUnreadable, Path | None], None]

_reported: set[tuple[str, str]] = set()


def log_unusable_once(error: ClipUnreadable, instead: Path | None) -> None:
    """Log a clip file that cannot be used, once per file and reason in this process."""
    key = (str(error.path), error.reason)
    with _cache_lock:
        if key in _reported:
            return
        _reported.add(key)
    if instead is not None:
        log.warning("%s Using %s instead.", error.message_en, instead)
    else:
        log.error("%s", error.message_en)


def usable_clip(
    stem: str,
    clips_dirs: Sequence[Path],
    volume: float = 1.0,
    on_unusable: UnusableClip = log_unusable_once,
) -> tuple[Path, array[int]]:
    """The first file of clip `stem` in `clips_dirs` order that can be read, and its samples.

    A replacement that cannot be read is reported to `on_unusable` and the next folder's file
    (in the end the shipped clip) is used; ClipMissing / ClipUnreadable only when none works.
    """
    failures: list[ClipUnreadable] = []
    for path in clip_candidates(stem, clips_dirs):
        try:
            samples = load_clip(path, volume)
        except ClipUnreadable as exc:
            failures.append(exc)
            continue
        for failure in failures:
            on_unusable(failure, path)
        return path, samples
    if not failures:
        raise ClipMissing(stem, [Path(d) for d in clips_dirs])
    for failure in failures[:-1]:
        on_unusable(failure, None)
    raise failures[-1]


def assemble_announcement(
    clip_names: Sequence[str],
    clips_dirs: Sequence[Path],
    *,
    volume: float = 1.0,
    out_path: str | os.PathLike[str] | None = None,
) -> AssembledWav:
    """Join the clips (the first usable one in `clips_dirs` order) with pauses into one WAV."""
    if not clip_names:
        raise ValueError("nothing to announce: no clips given")
    check_volume(volume)
    clips = {name: usable_clip(name, clips_dirs, volume) for name in dict.fromkeys(clip_names)}
    paths = [clips[name][0] for name in clip_names]
    samples = array("h")
    for i, name in enumerate(clip_names):
        if i:
            samples += silence(gap_after(clip_names[i - 1], name))
        samples += clips[name][1]
    result = AssembledWav(
        wav=wav_bytes(samples),
        clip_names=tuple(clip_names),
        clip_paths=tuple(paths),
        duration_s=len(samples) / SAMPLE_RATE,
    )
    if out_path is not None:
        result.write(out_path)
    return result


def announce_call(
    sound: SoundConfig,
    code: str,
    counter: int,
    *,
    out_path: str | os.PathLike[str] | None = None,
) -> AssembledWav:
    """The announcement of ticket `code` at `counter` as the sound settings ask."""
    names = call_clip_names(code, counter, sound.number_style, sound.english, repeat=sound.repeat)
    return assemble_announcement(
        names, clip_search_dirs(sound.clips_dir), volume=sound.volume, out_path=out_path
    )
