#!/usr/bin/env python3
"""Regenerate the shipped announcement clips in assets/sounds (espeak-ng + sox, chime in Python).

One clip per word or short phrase, never whole calls: espeak-ng misreads number words in
context (mốt, lăm, tư, linh, mười/mươi), so the sequence is assembled by kiosk.audio instead.
Which clips exist and what they say comes from `kiosk.audio.clips.CLIP_SPECS`. Every clip is
levelled to the same loudness (`kiosk.audio.loudness`) and the letters and number words are
checked to sound different (`kiosk.audio.likeness`), the measures the tests hold them to.

Usage (from the repository root):
    .venv/bin/python scripts/make_sounds.py            # regenerate every clip, then check them
    .venv/bin/python scripts/make_sounds.py --only mot letter_a
    .venv/bin/python scripts/make_sounds.py --check    # only measure the existing clips
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from array import array
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kiosk.audio.clips import (  # noqa: E402
    CHIME,
    CLIP_SPECS,
    CLIP_SUFFIX,
    VIETNAMESE_LETTER_NAMES,
    ClipSpec,
    must_sound_different,
)
from kiosk.audio.likeness import ALIKE_BELOW, distance, voice_print  # noqa: E402
from kiosk.audio.loudness import TARGET_DB, TOLERANCE_DB, loudness_db, peak_db  # noqa: E402
from kiosk.audio.pcm import INT16_MAX, SAMPLE_RATE, read_wav, wav_bytes  # noqa: E402

OUT_DIR = REPO / "assets" / "sounds"
TOOLS = {"espeak-ng": "espeak-ng", "sox": "sox"}  # command -> Debian package
SPEED_WPM = {"vi": 140, "en": 150}  # a little slower than espeak's 175 for a hall
PEAK_CEILING_DB = -1.0  # no sample above this after levelling
LOUDNESS_STEP_DB = 0.1  # levelling stops this close to TARGET_DB
ATTACK_S = 0.004  # the limiter starts lowering the gain this long before a peak
RELEASE_S = 0.060  # ... and gives it back over this long after
CHIME_SECONDS = 1.2
WORD_LENGTH_S = (0.15, 1.5)
PHRASE_LENGTH_S = (0.3, 2.5)
CHIME_LENGTH_S = (1.0, 1.5)


def log(message: str) -> None:
    """Print a progress line at once (the script is run by people watching it)."""
    print(message, flush=True)


def _run(cmd: Sequence[str]) -> None:
    result = subprocess.run(list(cmd), capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"command failed ({result.returncode}): {' '.join(cmd)}\n{result.stderr}")


def ensure_tools() -> None:
    """Install espeak-ng and sox with apt-get when missing; exit with a clear message if not."""
    missing = [pkg for cmd, pkg in TOOLS.items() if shutil.which(cmd) is None]
    if not missing:
        return
    log(f"Missing tools: {', '.join(missing)}")
    manual = f"Install them yourself (Debian/Ubuntu: sudo apt-get install {' '.join(missing)})"
    if shutil.which("apt-get") is None:
        sys.exit(f"apt-get is not available on this machine. {manual} and run this again.")
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if is_root:
        prefix: list[str] = []
    elif shutil.which("sudo"):
        prefix = ["sudo"]
    else:
        sys.exit(f"Installing needs root and sudo is not available. {manual}.")
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", *missing]):
        log("$ " + " ".join(prefix + cmd))
        if subprocess.run(prefix + cmd).returncode != 0:
            sys.exit(f"'{' '.join(prefix + cmd)}' failed. {manual} and run this again.")
    still = [cmd for cmd in TOOLS if shutil.which(cmd) is None]
    if still:
        sys.exit(f"Still missing after installing: {', '.join(still)}. {manual}.")


def limit(samples: list[float], ceiling: float, rate: int = SAMPLE_RATE) -> list[float]:
    """`samples` with no peak above `ceiling`: the gain dips smoothly around each peak only."""
    need = [min(1.0, ceiling / abs(x)) if x else 1.0 for x in samples]
    gain = list(need)
    attack = 1.0 - math.exp(-1.0 / (ATTACK_S * rate))
    release = 1.0 - math.exp(-1.0 / (RELEASE_S * rate))
    # Both passes only lower the gain below what each sample needs, so no sample ends above
    # the ceiling; backwards the dip starts before the peak, forwards it recovers after.
    for i in range(len(gain) - 2, -1, -1):
        gain[i] = min(gain[i], gain[i + 1] + (1.0 - gain[i + 1]) * attack)
    for i in range(1, len(gain)):
        gain[i] = min(gain[i], gain[i - 1] + (1.0 - gain[i - 1]) * release)
    return [x * g for x, g in zip(samples, gain, strict=True)]


def level(samples: Sequence[float]) -> array[int]:
    """Samples brought to TARGET_DB loudness (voiced RMS) with peaks under PEAK_CEILING_DB."""
    ceiling = INT16_MAX * 10 ** (PEAK_CEILING_DB / 20)
    out = list(samples)
    for _ in range(8):  # limiting takes a little loudness away: measure again and top up
        missing = TARGET_DB - loudness_db(out)
        if abs(missing) < LOUDNESS_STEP_DB:
            break
        gain = 10 ** (missing / 20)
        out = limit([x * gain for x in out], ceiling)
    return array("h", (max(-INT16_MAX, min(INT16_MAX, round(x))) for x in out))


def phonemes(spec: ClipSpec) -> str:
    """What espeak-ng will say for `spec`, as its phoneme mnemonics (`espeak-ng -x`)."""
    result = subprocess.run(
        ["espeak-ng", "-q", "-x", "-v", spec.voice, spec.text], capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"espeak-ng -x failed for {spec.text!r}: {result.stderr}")
    return " ".join(result.stdout.split())


def check_letter_names() -> None:
    """Exit if espeak-ng would say two letter names with the same phonemes (as "dê", "giê")."""
    specs = {spec.stem: spec for spec in CLIP_SPECS}
    said: dict[str, str] = {}
    for letter in VIETNAMESE_LETTER_NAMES:
        spec = specs[f"letter_{letter.lower()}"]
        sound = phonemes(spec)
        if sound in said:
            sys.exit(
                f"the letter names {said[sound]!r} and {spec.text!r} are both said [{sound}]: "
                "a citizen could not tell them apart; change one in "
                "kiosk/audio/clips.py VIETNAMESE_LETTER_NAMES"
            )
        said[sound] = spec.text


def speak(spec: ClipSpec, out: Path) -> None:
    """Synthesise one word/phrase, trim the silence around it, level it, 22050 Hz mono 16-bit."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        trimmed = Path(tmp) / "trimmed.wav"
        _run(["espeak-ng", "-v", spec.voice, "-s", str(SPEED_WPM[spec.voice]), "-w", str(raw),
              spec.text])  # fmt: skip
        _run(
            [
                "sox", "-D", str(raw), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16",
                str(trimmed),
                # trim leading silence, then trailing (by reversing), at 0.3 % of full scale;
                # the fades (15 ms at the end, 5 ms at the start) avoid clicks at the cuts
                "silence", "1", "0.005", "0.3%", "reverse",
                "silence", "1", "0.005", "0.3%", "fade", "t", "0.015", "reverse",
                "fade", "t", "0.005", "norm", str(PEAK_CEILING_DB),
            ]
        )  # fmt: skip
        out.write_bytes(wav_bytes(level(read_wav(trimmed))))


def chime_samples(rate: int = SAMPLE_RATE) -> list[float]:
    """A two-tone ding-dong (E5 then C5), bell-like partials with exponential decay."""
    n = round(CHIME_SECONDS * rate)
    tones = [  # (start s, frequency Hz, decay time constant s)
        (0.0, 659.25, 0.30),
        (0.42, 523.25, 0.36),
    ]
    partials = [(1.0, 1.0), (2.0, 0.28), (3.0, 0.08), (4.2, 0.03)]  # (ratio, gain)
    attack = 0.01
    mix = [0.0] * n
    for start, freq, tau in tones:
        first = round(start * rate)
        for i in range(first, n):
            t = (i - first) / rate
            env = min(1.0, t / attack) * math.exp(-t / tau)
            mix[i] += env * sum(
                g * math.sin(2 * math.pi * freq * r * t) for r, g in partials if freq * r < rate / 2
            )
    fade = round(0.15 * rate)  # end at true silence, no click
    for k in range(fade):
        mix[n - 1 - k] *= k / fade
    return mix


def write_chime(out: Path) -> None:
    """Write the chime, as loud as the voice, as 22050 Hz mono 16-bit PCM."""
    out.write_bytes(wav_bytes(level(chime_samples())))


def measure(path: Path) -> dict[str, float]:
    """Length (s), peak and loudness (dBFS, RMS over the voiced part) of one clip."""
    samples = read_wav(path)
    return {
        "length": len(samples) / SAMPLE_RATE,
        "peak": peak_db(samples),
        "loudness": loudness_db(samples),
    }


def check(spec: ClipSpec, path: Path) -> list[str]:
    """Problems of one generated clip: format, loudness, implausible length."""
    if not path.is_file():
        return ["file missing"]
    problems = []
    with wave.open(str(path), "rb") as w:
        shape = (w.getframerate(), w.getnchannels(), w.getsampwidth())
    if shape != (SAMPLE_RATE, 1, 2):
        return [f"format {shape}, expected ({SAMPLE_RATE}, 1, 2)"]
    stats = measure(path)
    if spec.stem == CHIME:
        low, high = CHIME_LENGTH_S
    else:
        low, high = PHRASE_LENGTH_S if " " in spec.text else WORD_LENGTH_S
    if not low <= stats["length"] <= high:
        problems.append(f"length {stats['length']:.2f} s outside {low}-{high} s")
    if abs(stats["loudness"] - TARGET_DB) > TOLERANCE_DB:
        problems.append(
            f"loudness {stats['loudness']:.1f} dBFS, not {TARGET_DB:+.0f} ± {TOLERANCE_DB}"
        )
    if stats["peak"] > PEAK_CEILING_DB + 0.05:
        problems.append(f"peak {stats['peak']:.2f} dBFS above {PEAK_CEILING_DB}")
    return problems


def check_distinct(out_dir: Path) -> list[str]:
    """Pairs of clips that must sound different yet are closer than the likeness threshold."""
    problems = []
    for group, stems in must_sound_different().items():
        paths = {stem: out_dir / f"{stem}{CLIP_SUFFIX}" for stem in stems}
        if not all(p.is_file() for p in paths.values()):
            continue
        prints = {stem: voice_print(read_wav(p)) for stem, p in paths.items()}
        pairs = sorted(
            (distance(prints[a], prints[b]), a, b)
            for i, a in enumerate(stems)
            for b in stems[i + 1 :]
        )
        closest = ", ".join(f"{a}/{b} {d:.2f}" for d, a, b in pairs[:3])
        log(f"{group}: closest pairs {closest} (alike below {ALIKE_BELOW})")
        problems += [f"{a} and {b} sound alike ({d:.2f})" for d, a, b in pairs if d < ALIKE_BELOW]
    return problems


README = """\
# Announcement clips

The wall display announces a call, e.g. "Mời số A105 đến quầy số 3", by joining these
clips: `chime`, then `moi_so`, the letter(s), the number word by word, `den_quay`, `so`, the
counter number, said `sound.repeat` times (then the English repeat when `sound.english = true`).
Numbers are read by `kiosk/audio/numbers.py` (mốt, tư, lăm, linh, mười/mươi rules), never by
the speech engine, so each clip is ONE word or short phrase.

The shipped clips are generated by `scripts/make_sounds.py` with espeak-ng (voice `vi`, and
`en` for the English clips) and sox; the chime is synthesised in Python.

## Replacing clips with a recorded human voice

1. Record any subset of the clips below, one file per clip, named exactly `<name>.wav`.
   Say only the text shown, with no silence before or after (trim it: the program adds the
   pauses between words itself).
2. Best format: WAV, 22050 Hz, mono, 16-bit PCM. Other PCM WAVs (44.1/48 kHz, stereo, 8/24/32-bit
   or float) are converted automatically; compressed files (MP3 renamed to .wav, ADPCM) are
   refused with a message naming the file. To convert with sox:
   `sox input.wav -r 22050 -c 1 -b 16 mot.wav`
3. Put the files in one folder and set it in the configuration:
   ```toml
   [sound]
   clips_dir = "C:/kiosk/giong-doc"
   ```
   Each clip is taken from that folder when it is there, otherwise from this folder, so a
   point can replace only some clips (for example the chime, or "Mời số").
4. Keep the recordings equally loud: the shipped clips all measure -16 dBFS RMS over the
   voiced part (`kiosk/audio/loudness.py`), peaks under -1 dBFS. Say the letters distinctly
   (G is "gờ": "giê" sounds like D's "dê"); `kiosk config check` refuses two prefixes whose
   clips sound the same, and names a recording it cannot read (the shipped clip plays instead).

## Regenerating the shipped clips

    .venv/bin/python scripts/make_sounds.py           # all clips, then a measured check
    .venv/bin/python scripts/make_sounds.py --only mot_sac lam
    .venv/bin/python scripts/make_sounds.py --check   # measure only

The script installs espeak-ng and sox with apt-get when they are missing. It refuses two
letter names that espeak-ng says with the same phonemes, brings every clip to -16 dBFS (RMS over
the voiced part, a smooth limiter keeping peaks under -1 dBFS), then checks every clip: length
0.15-1.5 s for a word, 0.3-2.5 s for a phrase, loudness within 1.5 dB, and no two letters or
number words that sound alike (`kiosk/audio/likeness.py`).

## The clips

| file | says | used in |
|---|---|---|
"""


#: Where the easily confused words are used, for the people recording them.
USED_IN = {
    "so": "đến quầy **số** 3",
    "mot": "1, 11, 101 (một)",
    "mot_sac": "21, 31 … 91 (hai mươi **mốt**)",
    "bon": "4, 14, 104 (bốn)",
    "tu": "24, 34 … 94 (hai mươi **tư**)",
    "nam": "5, 105, 500 (năm)",
    "lam": "15, 25 … 95 (mười **lăm**, hai mươi **lăm**)",
    "muoi_huyen": "10-19 (**mười**, mười một)",
    "muoi_ngang": "20-99 (hai **mươi**)",
    "linh": "101-109 (một trăm **linh** năm)",
    "khong": "0, 1005 (một nghìn **không** trăm linh năm)",
}


def write_readme(out_dir: Path) -> None:
    """The README of the clips folder, with the table of every clip and its text."""
    rows = []
    for spec in CLIP_SPECS:
        said = spec.text if spec.voice else f"({spec.text})"
        lang = {"vi": "", "en": " (English)"}.get(spec.voice, "")
        rows.append(f"| `{spec.stem}{CLIP_SUFFIX}` | {said}{lang} | {USED_IN.get(spec.stem, '')} |")
    (out_dir / "README.md").write_text(README + "\n".join(rows) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Generate (unless --check) and measure the clips; exit 1 when a clip looks wrong."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these clip names")
    parser.add_argument("--check", action="store_true", help="only measure existing clips")
    args = parser.parse_args(argv)

    specs = list(CLIP_SPECS)
    if args.only:
        known = {s.stem for s in specs}
        unknown = sorted(set(args.only) - known)
        if unknown:
            sys.exit(f"unknown clip names: {', '.join(unknown)}")
        specs = [s for s in specs if s.stem in args.only]
    ensure_tools()
    out_dir: Path = args.out
    if not args.check:
        check_letter_names()
        out_dir.mkdir(parents=True, exist_ok=True)
        for spec in specs:
            path = out_dir / f"{spec.stem}{CLIP_SUFFIX}"
            if spec.stem == CHIME:
                write_chime(path)
            else:
                speak(spec, path)
            log(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
        if not args.only:
            write_readme(out_dir)

    failures = 0
    total = 0
    loudness = []
    for spec in specs:
        path = out_dir / f"{spec.stem}{CLIP_SUFFIX}"
        problems = check(spec, path)
        stats = measure(path) if path.is_file() else {}
        total += path.stat().st_size if path.is_file() else 0
        status = "ok" if not problems else "PROBLEM: " + "; ".join(problems)
        if stats:
            loudness.append(stats["loudness"])
            log(
                f"{spec.stem:26} {stats['length']:5.2f} s  peak {stats['peak']:6.2f}  "
                f"loudness {stats['loudness']:6.2f} dBFS  {spec.text!r:28} {status}"
            )
        else:
            log(f"{spec.stem:26} {status}")
        failures += bool(problems)
    if loudness:
        log(
            f"loudness {min(loudness):.2f} .. {max(loudness):.2f} dBFS "
            f"(spread {max(loudness) - min(loudness):.2f} dB, target {TARGET_DB:+.1f})"
        )
    if not args.only:
        for problem in check_distinct(out_dir):
            log(f"PROBLEM: {problem}")
            failures += 1
    log(f"{len(specs)} clips, {total / 1024:.0f} KiB, {failures} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
