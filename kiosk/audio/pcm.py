"""Read WAV clips into 22050 Hz mono 16-bit samples and write them back, with the stdlib only.

Replacement clips recorded at a point may come at another rate, in stereo, 8/24/32-bit or
float: they are converted here (channels averaged, linear resampling with a box pre-filter
when downsampling). Anything else is refused with a message naming the file and the format.
"""

from __future__ import annotations

import io
import math
import struct
import sys
import wave
from array import array
from pathlib import Path

from kiosk.audio.errors import ClipUnreadable

SAMPLE_RATE = 22050
SAMPLE_WIDTH = 2
INT16_MAX = 32767
INT16_MIN = -32768

_PCM = 1
_FLOAT = 3
_EXTENSIBLE = 0xFFFE
_MAX_CLIP_SECONDS = 30.0


def _chunks(data: bytes, path: Path) -> dict[bytes, bytes]:
    """The chunks of a RIFF/WAVE file by id (first of each)."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ClipUnreadable(path, "not a WAV file (no RIFF/WAVE header)")
    chunks: dict[bytes, bytes] = {}
    pos = 12
    while pos + 8 <= len(data):
        cid, size = struct.unpack_from("<4sI", data, pos)
        body = data[pos + 8 : pos + 8 + size]
        chunks.setdefault(cid, body)
        pos += 8 + size + (size & 1)
    return chunks


def _to_ints(raw: bytes, fmt: int, width: int) -> list[float] | array[int]:
    """Interleaved samples as ints scaled to 16 bits (or floats for float input)."""
    if fmt == _FLOAT:
        code = "f" if width == 4 else "d"
        floats = array(code)
        floats.frombytes(raw[: len(raw) - len(raw) % width])
        if sys.byteorder == "big":
            floats.byteswap()
        return [max(-1.0, min(1.0, x)) * INT16_MAX for x in floats]
    if width == 1:
        return array("h", ((b - 128) << 8 for b in raw))
    if width == 2:
        out = array("h")
        out.frombytes(raw[: len(raw) - len(raw) % 2])
        if sys.byteorder == "big":
            out.byteswap()
        return out
    if width == 3:
        n = len(raw) // 3
        return array(
            "h",
            (int.from_bytes(raw[3 * i + 1 : 3 * i + 3], "little", signed=True) for i in range(n)),
        )
    wide = array("i")
    wide.frombytes(raw[: len(raw) - len(raw) % 4])
    if sys.byteorder == "big":
        wide.byteswap()
    return array("h", (x >> 16 for x in wide))


def _mono(samples: list[float] | array[int], channels: int) -> list[float] | array[int]:
    if channels == 1:
        return samples
    frames = len(samples) // channels
    return [sum(samples[i * channels : (i + 1) * channels]) / channels for i in range(frames)]


def resample(samples: list[float] | array[int], rate: int, target: int = SAMPLE_RATE) -> array[int]:
    """Linear resampling to `target` Hz (box-filtered first when downsampling)."""
    if rate == target:
        return array("h", (round(x) for x in samples))
    n = len(samples)
    if n == 0:
        return array("h")
    src: list[float] | array[int] = samples
    width = round(rate / target)
    if width >= 2:
        # A moving average of about one output period keeps most aliasing out.
        prefix = [0.0]
        for x in samples:
            prefix.append(prefix[-1] + x)
        half = width // 2
        src = [
            (prefix[min(n, i + width - half)] - prefix[max(0, i - half)])
            / (min(n, i + width - half) - max(0, i - half))
            for i in range(n)
        ]
    out_len = max(1, round(n * target / rate))
    step = rate / target
    out = array("h", bytes(2 * out_len))
    last = n - 1
    for j in range(out_len):
        pos = j * step
        i = int(pos)
        if i >= last:
            value = float(src[last])
        else:
            frac = pos - i
            value = src[i] + (src[i + 1] - src[i]) * frac
        out[j] = max(INT16_MIN, min(INT16_MAX, round(value)))
    return out


def decode_wav(data: bytes, path: Path) -> array[int]:
    """Samples of WAV bytes converted to 22050 Hz mono 16-bit; ClipUnreadable if impossible."""
    chunks = _chunks(data, path)
    fmt_chunk, raw = chunks.get(b"fmt "), chunks.get(b"data")
    if fmt_chunk is None or len(fmt_chunk) < 16:
        raise ClipUnreadable(path, "the WAV file has no format chunk")
    if raw is None:
        raise ClipUnreadable(path, "the WAV file has no sound data")
    fmt, channels, rate, _, block, bits = struct.unpack_from("<HHIIHH", fmt_chunk)
    if fmt == _EXTENSIBLE and len(fmt_chunk) >= 26:
        fmt = struct.unpack_from("<H", fmt_chunk, 24)[0]
    width = (bits + 7) // 8
    if fmt not in (_PCM, _FLOAT):
        raise ClipUnreadable(path, f"compressed WAV (format code {fmt}) is not supported")
    if (fmt == _PCM and width not in (1, 2, 3, 4)) or (fmt == _FLOAT and width not in (4, 8)):
        raise ClipUnreadable(path, f"{bits}-bit samples are not supported")
    if channels < 1 or rate < 1 or block != channels * width:
        raise ClipUnreadable(path, "the WAV header is damaged")
    frames = len(raw) // block
    if frames == 0:
        raise ClipUnreadable(path, "the clip is empty")
    if frames / rate > _MAX_CLIP_SECONDS:
        raise ClipUnreadable(
            path, f"the clip lasts {frames / rate:.0f} s; a clip should be one word or phrase"
        )
    samples = _to_ints(raw[: frames * block], fmt, width)
    return resample(_mono(samples, channels), rate)


def read_wav(path: Path) -> array[int]:
    """Samples of a WAV file converted to 22050 Hz mono 16-bit."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ClipUnreadable(Path(path), f"cannot read the file ({exc.strerror})") from None
    return decode_wav(data, Path(path))


def silence(seconds: float) -> array[int]:
    """That many seconds of silence at 22050 Hz."""
    return array("h", bytes(2 * round(seconds * SAMPLE_RATE)))


def check_volume(volume: float) -> float:
    """`volume` if it is within 0.0..1.0; ValueError otherwise."""
    if math.isnan(volume) or not 0.0 <= volume <= 1.0:
        raise ValueError(f"volume goes from 0.0 to 1.0, got {volume}")
    return volume


def scale(samples: array[int], volume: float) -> array[int]:
    """Samples multiplied by `volume` (0..1), rounded and kept within 16 bits."""
    check_volume(volume)
    if volume == 1.0:
        return array("h", samples)
    return array("h", (max(INT16_MIN, min(INT16_MAX, round(x * volume))) for x in samples))


def wav_bytes(samples: array[int]) -> bytes:
    """A complete 22050 Hz mono 16-bit PCM WAV file holding `samples`."""
    data = array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(SAMPLE_WIDTH)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(data.tobytes())
    return buf.getvalue()
