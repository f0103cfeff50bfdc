"""Whether two clips sound alike: distance of their spectral envelopes, aligned in time.

Comparing bytes misses the same word saved again at another volume or rate, and comparing
waveforms calls different words alike: espeak-ng gives every syllable the same glottal pulse,
so "e" and "o" correlate at 0.88 sample by sample. What the ear follows is the spectral
envelope over time, so each clip becomes a "voice print": mel-cepstral coefficients of its
voiced 23 ms frames (c0, the loudness, left out so volume does not count). Two prints are
compared along their best time alignment (dynamic time warping), and the mean distance per
step says how far apart they sound: 0 for a copy, under 1.5 for a copy saved at another rate
or with a little noise, more for different words. Pitch is left out with the spectral fine
structure, so two words differing only by their tone would measure alike (never the reverse).
"""

from __future__ import annotations

import cmath
import hashlib
import json
import logging
import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.audio.loudness import GATE_DB
from kiosk.audio.pcm import SAMPLE_RATE
from kiosk.core.errors import KioskError
from kiosk.core.files import write_atomic

log = logging.getLogger(__name__)

FRAME = 512  # samples: 23 ms at 22050 Hz
HOP = 128
BANDS = 26
LOW_HZ = 100.0
HIGH_HZ = 6000.0  # above, a resampled or telephone-band recording has nothing to compare
CEPSTRA = 12
#: Band energies are floored this far below the clip's strongest band, so hiss and the empty
#: top of a resampled recording weigh nothing.
FLOOR_DB = 40.0
#: Clips closer than this (mean cepstral distance per aligned frame) sound the same.
ALIKE_BELOW = 1.5


def _bit_reversed(n: int) -> list[int]:
    bits = n.bit_length() - 1
    return [int(f"{i:0{bits}b}"[::-1], 2) for i in range(n)]


HALF = FRAME // 2
_ORDER = _bit_reversed(HALF)
_TWIDDLES = {
    size: [cmath.exp(-2j * math.pi * k / size) for k in range(size // 2)]
    for size in (2**e for e in range(1, HALF.bit_length()))
}
#: e^(-2πik/FRAME): joins the even and odd samples' half-length transforms into the whole one.
_SPLIT = [cmath.exp(-2j * math.pi * k / FRAME) for k in range(HALF + 1)]
_WINDOW = [0.5 - 0.5 * math.cos(2 * math.pi * i / (FRAME - 1)) for i in range(FRAME)]


def _power_spectrum(frame: Sequence[float]) -> list[float]:
    """|FFT|² of one windowed frame of `FRAME` real samples, bins 0..FRAME/2.

    A real frame's transform comes from one complex transform of half the length (even
    samples as the real part, odd ones as the imaginary part), twice as fast as the whole.
    """
    w = [frame[i] * _WINDOW[i] for i in range(FRAME)]
    a = [complex(w[2 * i], w[2 * i + 1]) for i in _ORDER]
    size = 2
    while size <= HALF:
        half = size // 2
        twiddles = _TWIDDLES[size]
        for start in range(0, HALF, size):
            for k in range(half):
                u = a[start + k]
                v = a[start + k + half] * twiddles[k]
                a[start + k] = u + v
                a[start + k + half] = u - v
        size *= 2
    power = []
    for k in range(HALF + 1):
        z, zc = a[k % HALF], a[(HALF - k) % HALF].conjugate()
        x = (z + zc) / 2 + _SPLIT[k] * (z - zc) / 2j
        power.append(x.real * x.real + x.imag * x.imag)
    return power


def _mel(hz: float) -> float:
    return 2595.0 * math.log10(1.0 + hz / 700.0)


def _hz(mel: float) -> float:
    return 700.0 * (10 ** (mel / 2595.0) - 1.0)


def _filter_bank() -> list[list[tuple[int, float]]]:
    """Triangular mel filters as (bin, weight) lists."""
    low, high = _mel(LOW_HZ), _mel(HIGH_HZ)
    edges = [
        _hz(low + (high - low) * i / (BANDS + 1)) * FRAME / SAMPLE_RATE for i in range(BANDS + 2)
    ]
    bank = []
    for b in range(BANDS):
        left, centre, right = edges[b : b + 3]
        weights = []
        for k in range(FRAME // 2 + 1):
            if left < k <= centre:
                weights.append((k, (k - left) / (centre - left)))
            elif centre < k < right:
                weights.append((k, (right - k) / (right - centre)))
        bank.append(weights)
    return bank


_BANK = _filter_bank()
_DCT = [
    [math.cos(math.pi * q * (b + 0.5) / BANDS) for b in range(BANDS)] for q in range(1, CEPSTRA + 1)
]


@dataclass(frozen=True)
class VoicePrint:
    """Mel-cepstra (c1..c12) of the voiced frames of one clip, in time order."""

    frames: tuple[tuple[float, ...], ...]


def voice_print(samples: Sequence[int]) -> VoicePrint:
    """The voice print of 22050 Hz mono samples (no frames for silence)."""
    starts = range(0, max(1, len(samples) - FRAME + 1), HOP)
    frames_in: list[list[float]] = []
    energies: list[float] = []
    for start in starts:
        frame = [float(x) for x in samples[start : start + FRAME]]
        frame += [0.0] * (FRAME - len(frame))
        frames_in.append(frame)
        energies.append(sum(x * x for x in frame))
    top = max(energies, default=0.0)
    if top <= 0.0:
        return VoicePrint(())
    gate = top * 10 ** (-GATE_DB / 10)
    # Only the voiced frames are heard (and transformed): a frame 20 dB below the loudest
    # cannot hold the strongest band, which the floor below is measured from.
    bands = []
    for frame, energy in zip(frames_in, energies, strict=True):
        if energy >= gate:
            power = _power_spectrum(frame)
            bands.append([sum(power[k] * w for k, w in filt) for filt in _BANK])
    strongest = max((max(b) for b in bands), default=0.0)
    if strongest <= 0.0:
        return VoicePrint(())
    floor = strongest * 10 ** (-FLOOR_DB / 10)
    frames = []
    for band in bands:
        logs = [math.log(max(v, floor)) for v in band]
        frames.append(tuple(sum(c * v for c, v in zip(row, logs, strict=True)) for row in _DCT))
    return VoicePrint(tuple(frames))


#: Changes whenever `voice_print` would give another print for the same samples.
PRINT_VERSION = 1


def cached_voice_print(samples: Sequence[int], cache_dir: Path | None) -> VoicePrint:
    """`voice_print(samples)`, kept in `cache_dir` by the samples' hash: `config check`
    compares every prefix's clips each time, and a print takes a tenth of a second to
    compute. A cache that cannot be read or written is only not used."""
    if cache_dir is None:
        return voice_print(samples)
    digest = hashlib.sha256(array("h", samples).tobytes()).hexdigest()
    path = cache_dir / f"voice-print-v{PRINT_VERSION}-{digest}.json"
    try:
        frames = json.loads(path.read_text("utf-8"))
        return VoicePrint(tuple(tuple(float(c) for c in f) for f in frames))
    except (OSError, ValueError, TypeError):
        pass
    found = voice_print(samples)
    try:
        write_atomic(path, json.dumps([list(f) for f in found.frames]), folders=True)
    except (OSError, KioskError) as exc:
        log.debug("voice print not cached in %s: %s", cache_dir, exc)
    return found


def distance(a: VoicePrint, b: VoicePrint) -> float:
    """Mean cepstral distance per step along the best time alignment of `a` and `b`."""
    p, q = a.frames, b.frames
    if not p or not q:
        return 0.0 if p == q else math.inf
    m = len(q)
    # cost and path length of the best alignment ending at (i, j), one row at a time
    prev_cost = [math.inf] * (m + 1)
    prev_len = [0] * (m + 1)
    prev_cost[0] = 0.0
    for i in range(len(p)):
        cost = [math.inf] * (m + 1)
        steps = [0] * (m + 1)
        for j in range(1, m + 1):
            best, length = prev_cost[j - 1], prev_len[j - 1]
            if prev_cost[j] < best:
                best, length = prev_cost[j], prev_len[j]
            if cost[j - 1] < best:
                best, length = cost[j - 1], steps[j - 1]
            cost[j] = best + math.dist(p[i], q[j - 1])
            steps[j] = length + 1
        prev_cost, prev_len = cost, steps
    return prev_cost[m] / prev_len[m]


def sound_alike(a: VoicePrint, b: VoicePrint) -> bool:
    """True when `a` and `b` are the same sound to a listener (a copy, re-saved or resampled)."""
    return distance(a, b) < ALIKE_BELOW
