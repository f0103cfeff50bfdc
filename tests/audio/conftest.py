"""Fixtures for the announcement tests: the shipped clips and WAV files in any format."""

from __future__ import annotations

import math
import struct
import wave
from array import array
from collections.abc import Sequence
from pathlib import Path

import pytest

from kiosk.audio.clips import shipped_sounds_dir

_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE
_SUBFORMAT_TAIL = b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"


def sine(freq: float, seconds: float, rate: int, amplitude: float = 0.5) -> list[float]:
    """A sine tone as floats in -1..1."""
    n = round(seconds * rate)
    return [amplitude * math.sin(2 * math.pi * freq * i / rate) for i in range(n)]


def _encode(values: Sequence[float], kind: str) -> bytes:
    if kind == "pcm8":
        return bytes(max(0, min(255, 128 + round(v * 127))) for v in values)
    if kind == "pcm16":
        return array("h", (round(v * 32767) for v in values)).tobytes()
    if kind == "pcm24":
        return b"".join(round(v * 8388607).to_bytes(3, "little", signed=True) for v in values)
    if kind == "pcm32":
        return array("i", (round(v * 2147483647) for v in values)).tobytes()
    if kind == "float32":
        return array("f", values).tobytes()
    raise ValueError(kind)


def write_wav(
    path: Path,
    values: Sequence[float],
    *,
    rate: int = 22050,
    channels: int = 1,
    kind: str = "pcm16",
    extensible: bool = False,
) -> Path:
    """Write interleaved float samples as a WAV of the given kind, built byte by byte."""
    bits = {"pcm8": 8, "pcm16": 16, "pcm24": 24, "pcm32": 32, "float32": 32}[kind]
    code = _FLOAT if kind == "float32" else _PCM
    block = channels * bits // 8
    data = _encode(values, kind)
    head = struct.pack("<HHIIHH", code, channels, rate, rate * block, block, bits)
    if extensible:
        head = struct.pack("<HHIIHH", _EXTENSIBLE, channels, rate, rate * block, block, bits)
        head += struct.pack("<HHIH", 22, bits, 0, code) + _SUBFORMAT_TAIL
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(head)) + head
    body += b"data" + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def read_pcm16(path: Path) -> tuple[array[int], int, int]:
    """Samples, rate and channels of a 16-bit PCM WAV read with the `wave` module."""
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2
        samples = array("h")
        samples.frombytes(w.readframes(w.getnframes()))
        return samples, w.getframerate(), w.getnchannels()


@pytest.fixture
def shipped() -> Path:
    """The folder of the shipped clips (assets/sounds)."""
    folder = shipped_sounds_dir()
    assert folder.is_dir(), f"{folder} is missing; run scripts/make_sounds.py"
    return folder


class WavKit:
    """Helpers the tests use to make and read WAV files."""

    sine = staticmethod(sine)
    write = staticmethod(write_wav)
    read = staticmethod(read_pcm16)


@pytest.fixture
def wavs() -> type[WavKit]:
    """WAV helpers: wavs.sine(...), wavs.write(path, values, rate=, channels=, kind=), wavs.read."""
    return WavKit
