"""Joining clips into one announcement WAV: order, pauses, format, replacements, volume, errors."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import wave
from array import array
from pathlib import Path

import pytest

from kiosk.audio.announcement import (
    CHIME_GAP_S,
    LANGUAGE_GAP_S,
    REPEAT_GAP_S,
    WORD_GAP_S,
    announce_call,
    assemble_announcement,
    call_clip_names,
)
from kiosk.audio.errors import ClipMissing, ClipUnreadable
from kiosk.core.config import NumberStyle, SoundConfig

RATE = 22050


def _frames(seconds: float) -> int:
    return round(seconds * RATE)


def _decode(wav: bytes) -> array[int]:
    with wave.open(io.BytesIO(wav), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getcomptype()) == (
            RATE,
            1,
            2,
            "NONE",
        )
        samples = array("h")
        samples.frombytes(w.readframes(w.getnframes()))
        assert len(samples) == w.getnframes()
    return samples


def _expected(names: list[str], paths: list[Path], wavs) -> array[int]:
    """The samples the announcement should hold, built from the real files in the test."""
    out = array("h")
    for i, (name, path) in enumerate(zip(names, paths, strict=True)):
        if i:
            prev = names[i - 1]
            if prev == "chime":
                gap = CHIME_GAP_S
            elif name == "moi_so":
                gap = REPEAT_GAP_S
            elif name.startswith("en_") and not prev.startswith("en_"):
                gap = LANGUAGE_GAP_S
            else:
                gap = WORD_GAP_S
            out += array("h", bytes(2 * _frames(gap)))
        samples, rate, channels = wavs.read(path)
        assert (rate, channels) == (RATE, 1), path
        out += samples
    return out


def test_call_is_one_wav_of_the_clips_in_order_with_the_pauses(shipped: Path, wavs) -> None:
    names = call_clip_names("A105", 3, NumberStyle.WORDS)
    result = assemble_announcement(names, [shipped])

    paths = [shipped / f"{n}.wav" for n in names]
    expected = _expected(names, paths, wavs)
    clip_frames = sum(len(wavs.read(p)[0]) for p in paths)
    gap_frames = _frames(CHIME_GAP_S) + (len(names) - 2) * _frames(WORD_GAP_S)
    samples = _decode(result.wav)
    assert len(samples) == clip_frames + gap_frames
    assert samples == expected
    assert result.clip_names == tuple(names)
    assert result.clip_paths == tuple(paths)
    assert result.duration_s == pytest.approx((clip_frames + gap_frames) / RATE, abs=1e-9)
    assert result.sample_rate == RATE
    assert result.wav.count(b"RIFF") == 1


def test_english_repeat_follows_a_longer_pause(shipped: Path, wavs) -> None:
    names = call_clip_names("B012", 12, NumberStyle.DIGITS, english=True)
    result = assemble_announcement(names, [shipped])
    paths = [shipped / f"{n}.wav" for n in names]
    assert _decode(result.wav) == _expected(names, paths, wavs)
    assert names.count("en_number") == 1


def test_the_call_is_said_twice_with_a_pause_between_and_english_once(shipped: Path, wavs) -> None:
    once = announce_call(SoundConfig(volume=1.0, repeat=1), "D012", 5)
    twice = announce_call(SoundConfig(volume=1.0, repeat=2), "D012", 5)
    one, two = _decode(once.wav), _decode(twice.wav)
    chime = len(wavs.read(shipped / "chime.wav")[0]) + _frames(CHIME_GAP_S)
    phrase = one[chime:]
    pause = _frames(REPEAT_GAP_S)

    # chime, phrase, pause of silence, the same phrase again: nothing else
    assert len(two) == chime + len(phrase) + pause + len(phrase)
    assert two[: chime + len(phrase)] == one
    assert not any(two[chime + len(phrase) : chime + len(phrase) + pause])
    assert two[chime + len(phrase) + pause :] == phrase
    assert twice.duration_s == pytest.approx(
        once.duration_s + REPEAT_GAP_S + len(phrase) / RATE, abs=1e-4
    )
    assert 0.5 <= REPEAT_GAP_S <= 1.5  # a short pause, not a new call

    thrice = announce_call(SoundConfig(volume=1.0, repeat=3), "D012", 5)
    assert len(_decode(thrice.wav)) == len(two) + pause + len(phrase)

    english = announce_call(SoundConfig(volume=1.0, repeat=2, english=True), "D012", 5)
    samples = _decode(english.wav)
    assert samples[: len(two)] == two
    assert english.clip_names.count("en_number") == 1
    paths = [shipped / f"{n}.wav" for n in english.clip_names]
    assert samples == _expected(list(english.clip_names), paths, wavs)


def test_out_path_receives_the_same_wav(shipped: Path, tmp_path: Path) -> None:
    out = tmp_path / "calls" / "call.wav"
    result = assemble_announcement(["chime", "moi_so"], [shipped], out_path=out)
    assert out.read_bytes() == result.wav
    assert list(out.parent.iterdir()) == [out]  # no temporary file left behind


def test_a_recorded_clip_replaces_only_that_clip(shipped: Path, tmp_path: Path, wavs) -> None:
    recorded = tmp_path / "recorded"
    recorded.mkdir()
    wavs.write(recorded / "mot.wav", wavs.sine(220, 0.4, RATE))
    names = call_clip_names("A101", 1, NumberStyle.WORDS)  # một trăm linh một, quầy số một
    assert names.count("mot") == 3

    result = assemble_announcement(names, [recorded, shipped])

    for name, path in zip(result.clip_names, result.clip_paths, strict=True):
        assert path.parent == (recorded if name == "mot" else shipped), name
    paths = [recorded / "mot.wav" if n == "mot" else shipped / f"{n}.wav" for n in names]
    assert _decode(result.wav) == _expected(names, paths, wavs)


def test_announce_call_uses_the_sound_settings(shipped: Path, tmp_path: Path, wavs) -> None:
    wavs.write(tmp_path / "chime.wav", wavs.sine(880, 0.2, RATE))
    sound = SoundConfig(volume=1.0, english=True, clips_dir=str(tmp_path))
    result = announce_call(sound, "A105", 3)
    assert sound.repeat == 2  # the default: said twice, as halls do
    assert result.clip_names == tuple(call_clip_names("A105", 3, NumberStyle.WORDS, True, repeat=2))
    assert result.clip_paths[0] == tmp_path / "chime.wav"
    assert result.clip_paths[1] == shipped / "moi_so.wav"


def test_missing_clip_names_the_file_and_the_folders_searched(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    gone = tmp_path / "not-there"
    with pytest.raises(ClipMissing) as info:
        assemble_announcement(["letter_zz"], [gone, empty])
    err = info.value
    assert err.stem == "letter_zz"
    assert err.searched == (gone, empty)
    for message in (err.message("en"), err.message("vi")):
        assert "letter_zz.wav" in message
        assert str(empty) in message and str(gone) in message
    assert "folder does not exist" in err.message("en")


def test_volume_half_halves_the_peak(shipped: Path) -> None:
    names = ["chime", "moi_so", "letter_a"]
    full = _decode(assemble_announcement(names, [shipped], volume=1.0).wav)
    half = _decode(assemble_announcement(names, [shipped], volume=0.5).wav)
    peak_full = max(abs(x) for x in full)
    peak_half = max(abs(x) for x in half)
    assert peak_full > 10000
    assert abs(peak_half - peak_full / 2) <= 1
    assert len(half) == len(full)
    assert max(abs(x) for x in _decode(assemble_announcement(names, [shipped], volume=0).wav)) == 0


@pytest.mark.parametrize("volume", [-0.1, 1.5, float("nan")])
def test_volume_outside_0_to_1_is_refused(shipped: Path, volume: float) -> None:
    with pytest.raises(ValueError, match="volume"):
        assemble_announcement(["chime"], [shipped], volume=volume)


@pytest.mark.parametrize(
    ("rate", "channels", "kind", "extensible"),
    [
        (44100, 2, "pcm16", False),
        (48000, 1, "pcm24", False),
        (16000, 1, "pcm16", False),
        (22050, 1, "pcm8", False),
        (22050, 2, "pcm32", False),
        (44100, 1, "float32", False),
        (48000, 2, "pcm24", True),
        (22050, 1, "float32", True),
    ],
)
def test_recorded_clips_in_other_formats_are_converted(
    tmp_path: Path,
    wavs,
    rate: int,
    channels: int,
    kind: str,
    extensible: bool,
) -> None:
    tone = wavs.sine(440, 0.5, rate, amplitude=0.5)
    interleaved = [v for v in tone for _ in range(channels)]
    path = tmp_path / "mot.wav"
    wavs.write(path, interleaved, rate=rate, channels=channels, kind=kind, extensible=extensible)
    samples = _decode(assemble_announcement(["mot"], [tmp_path]).wav)
    reference = wavs.sine(440, 0.5, RATE, amplitude=0.5)
    assert abs(len(samples) - len(reference)) <= 1
    # same tone at the same level: compare to an ideal 22050 Hz rendering, away from the edges
    worst = max(abs(samples[i] / 32767 - reference[i]) for i in range(50, len(reference) - 50))
    assert worst < 0.03, worst


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"ID3\x03\x00\x00\x00\x00\x00\x00mp3 frames", "not a WAV file"),
        (b"", "not a WAV file"),
    ],
)
def test_files_that_are_not_wav_are_refused_with_the_file_and_format(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    (tmp_path / "nam.wav").write_bytes(content)
    with pytest.raises(ClipUnreadable) as info:
        assemble_announcement(["nam"], [tmp_path])
    message = info.value.message("en")
    assert str(tmp_path / "nam.wav") in message
    assert reason in message
    assert "22050 Hz, mono, 16-bit PCM" in message
    assert "sox" in message


def test_compressed_wav_is_refused(tmp_path: Path, wavs) -> None:
    path = wavs.write(tmp_path / "nam.wav", wavs.sine(440, 0.1, 8000), rate=8000, kind="pcm8")
    data = bytearray(path.read_bytes())
    data[20:22] = (6).to_bytes(2, "little")  # A-law
    path.write_bytes(bytes(data))
    with pytest.raises(ClipUnreadable, match="compressed"):
        assemble_announcement(["nam"], [tmp_path])


def test_an_unreadable_recording_falls_back_to_the_shipped_clip_and_is_logged_once(
    shipped: Path, tmp_path: Path, wavs, caplog: pytest.LogCaptureFixture
) -> None:
    recorded = tmp_path / "recorded"
    recorded.mkdir()
    (recorded / "mot.wav").write_bytes(b"ID3\x03\x00mp3 renamed to wav")
    bad_rate = wavs.write(recorded / "tram.wav", wavs.sine(440, 0.1, 8000), rate=8000, kind="pcm8")
    data = bytearray(bad_rate.read_bytes())
    data[20:22] = (6).to_bytes(2, "little")  # A-law
    bad_rate.write_bytes(bytes(data))
    good = wavs.write(recorded / "linh.wav", wavs.sine(330, 0.3, RATE))
    names = call_clip_names("A101", 1, NumberStyle.WORDS)  # một trăm linh một, quầy số một

    with caplog.at_level(logging.WARNING, logger="kiosk.audio.announcement"):
        first = assemble_announcement(names, [recorded, shipped])
        second = assemble_announcement(names, [recorded, shipped])

    paths = [
        good if n == "linh" else shipped / f"{n}.wav" for n in names
    ]  # mot and tram from the shipped voice, the good recording kept
    assert list(first.clip_paths) == paths
    assert _decode(first.wav) == _expected(names, paths, wavs)
    assert second.wav == first.wav
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2, messages  # one line per bad file, not per call or per use
    mot, tram = sorted(messages, key=lambda m: "tram.wav" in m)
    assert str(recorded / "mot.wav") in mot and "not a WAV file" in mot
    assert str(recorded / "tram.wav") in tram and "compressed" in tram
    assert f"Using {shipped / 'mot.wav'} instead" in mot
    assert all(r.levelno == logging.WARNING for r in caplog.records)


def test_an_unreadable_clip_with_nothing_to_fall_back_on_is_refused(tmp_path: Path) -> None:
    (tmp_path / "nam.wav").write_bytes(b"")
    with pytest.raises(ClipUnreadable, match="not a WAV file"):
        assemble_announcement(["nam"], [tmp_path, tmp_path / "no-such-folder"])


def test_a_replaced_clip_file_is_read_again(tmp_path: Path, wavs) -> None:
    path = wavs.write(tmp_path / "ba.wav", wavs.sine(440, 0.2, RATE))
    first = assemble_announcement(["ba"], [tmp_path])
    wavs.write(path, wavs.sine(440, 0.3, RATE))
    second = assemble_announcement(["ba"], [tmp_path])
    assert second.duration_s > first.duration_s


def test_audio_package_does_not_need_qt() -> None:
    code = (
        "import sys; sys.modules['PySide6'] = None\n"
        "import kiosk.audio\n"
        "from kiosk.audio.announcement import announce_call\n"
        "from kiosk.core.config import SoundConfig\n"
        "assert announce_call(SoundConfig(), 'A105', 3).duration_s > 1\n"
        "assert not any(m.startswith('PySide6') and sys.modules[m] for m in sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
