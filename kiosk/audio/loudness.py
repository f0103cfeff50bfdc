"""How loud a clip sounds: RMS over its voiced part, so short quiet words are not drowned out.

A peak says little about loudness (a plosive "t" peaks high yet sounds soft); the RMS over the
whole clip is pulled down by the silent edges and pauses inside a phrase. Here the clip is cut
into 20 ms blocks, blocks more than `GATE_DB` below the loudest one are left out (silence,
breath, the tail of a fade), and the RMS of the rest is the clip's loudness in dBFS.
`scripts/make_sounds.py` brings every shipped clip to `TARGET_DB` with it, and a test measures
them with the same function.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from kiosk.audio.pcm import INT16_MAX, SAMPLE_RATE

#: Loudness every shipped clip is brought to (dBFS, RMS over the voiced part).
TARGET_DB = -16.0
#: Shipped clips stay this close to `TARGET_DB` (a listener hears about 1 dB).
TOLERANCE_DB = 1.5
#: Blocks quieter than the loudest block by more than this are not part of the voice.
GATE_DB = 20.0
BLOCK_S = 0.020
#: Loudness of a clip holding nothing but silence.
SILENT_DB = -120.0


def block_powers(samples: Sequence[float], rate: int = SAMPLE_RATE) -> list[float]:
    """Mean square (0..1 of full scale) of each 20 ms block of `samples`."""
    size = max(1, round(BLOCK_S * rate))
    full = float(INT16_MAX) ** 2
    powers = []
    for start in range(0, len(samples), size):
        block = samples[start : start + size]
        powers.append(sum(x * x for x in block) / (len(block) * full))
    return powers


def voiced_powers(samples: Sequence[float], rate: int = SAMPLE_RATE) -> list[float]:
    """The block powers within `GATE_DB` of the loudest block (empty for pure silence)."""
    powers = block_powers(samples, rate)
    top = max(powers, default=0.0)
    if top <= 0.0:
        return []
    gate = top * 10 ** (-GATE_DB / 10)
    return [p for p in powers if p >= gate]


def loudness_db(samples: Sequence[float], rate: int = SAMPLE_RATE) -> float:
    """RMS of the voiced part of `samples` in dBFS (`SILENT_DB` for silence)."""
    voiced = voiced_powers(samples, rate)
    if not voiced:
        return SILENT_DB
    return max(SILENT_DB, 10 * math.log10(sum(voiced) / len(voiced)))


def peak_db(samples: Sequence[float]) -> float:
    """The highest absolute sample in dBFS (`SILENT_DB` for silence)."""
    peak = max((abs(x) for x in samples), default=0)
    return 20 * math.log10(peak / INT16_MAX) if peak else SILENT_DB
