#!/usr/bin/env python3
"""Regenerate the shipped announcement clips in assets/sounds (espeak-ng + sox, chime in Python).

One clip per word or short phrase, never whole calls: espeak-ng misreads number words in
context (mốt, lăm, tư, linh, mười/mươi), so the sequence is assembled by kiosk.audio instead.
Which clips exist and what they say comes from `kiosk.audio.clips.CLIP_SPECS`.

Usage (from the repository root):
    .venv/bin/python scripts/make_sounds.py            # regenerate every clip, then check them
    .venv/bin/python scripts/make_sounds.py --only mot letter_a
    .venv/bin/python scripts/make_sounds.py --check    # only measure the existing clips
"""

from __future__ import annotations

import argparse
import math
import os
import re
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

from kiosk.audio.clips import CHIME, CLIP_SPECS, CLIP_SUFFIX, ClipSpec  # noqa: E402
from kiosk.audio.pcm import SAMPLE_RATE  # noqa: E402

OUT_DIR = REPO / "assets" / "sounds"
TOOLS = {"espeak-ng": "espeak-ng", "sox": "sox"}  # command -> Debian package
SPEED_WPM = {"vi": 140, "en": 150}  # a little slower than espeak's 175 for a hall
VOICE_PEAK_DB = -1.0
CHIME_PEAK = 0.6  # about -4.4 dBFS: softer than the voice
CHIME_SECONDS = 1.2
WORD_LENGTH_S = (0.15, 1.5)
PHRASE_LENGTH_S = (0.3, 2.5)
CHIME_LENGTH_S = (1.0, 1.5)
MIN_RMS = 0.02  # of full scale: anything quieter is silence or noise


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


def speak(spec: ClipSpec, out: Path) -> None:
    """Synthesise one word/phrase, trim the silence around it, normalise, 22050 Hz mono 16-bit."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        _run(["espeak-ng", "-v", spec.voice, "-s", str(SPEED_WPM[spec.voice]), "-w", str(raw),
              spec.text])  # fmt: skip
        _run(
            [
                "sox", "-D", str(raw), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(out),
                # trim leading silence, then trailing (by reversing), at 0.3 % of full scale;
                # the fades (15 ms at the end, 5 ms at the start) avoid clicks at the cuts
                "silence", "1", "0.005", "0.3%", "reverse",
                "silence", "1", "0.005", "0.3%", "fade", "t", "0.015", "reverse",
                "fade", "t", "0.005", "norm", str(VOICE_PEAK_DB),
            ]
        )  # fmt: skip


def chime_samples(rate: int = SAMPLE_RATE) -> array[int]:
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
    peak = max(abs(x) for x in mix)
    return array("h", (round(x / peak * CHIME_PEAK * 32767) for x in mix))


def write_chime(out: Path) -> None:
    """Write the chime as 22050 Hz mono 16-bit PCM."""
    samples = chime_samples()
    if sys.byteorder == "big":
        samples.byteswap()
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(samples.tobytes())


def measure(path: Path) -> dict[str, float]:
    """`sox FILE -n stat` numbers: length, maximum and RMS amplitude (0..1)."""
    result = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True)
    stats = {}
    for line in result.stderr.splitlines():
        m = re.match(r"^(.+?):\s+(-?[\d.]+)\s*$", line)
        if m:
            stats[m.group(1).strip()] = float(m.group(2))
    return {
        "length": stats.get("Length (seconds)", 0.0),
        "max": stats.get("Maximum amplitude", 0.0),
        "rms": stats.get("RMS     amplitude", 0.0),
    }


def check(spec: ClipSpec, path: Path) -> list[str]:
    """Problems of one generated clip: format, silence, implausible length."""
    if not path.is_file():
        return ["file missing"]
    problems = []
    with wave.open(str(path), "rb") as w:
        shape = (w.getframerate(), w.getnchannels(), w.getsampwidth())
    if shape != (SAMPLE_RATE, 1, 2):
        problems.append(f"format {shape}, expected ({SAMPLE_RATE}, 1, 2)")
    stats = measure(path)
    if spec.stem == CHIME:
        low, high = CHIME_LENGTH_S
    else:
        low, high = PHRASE_LENGTH_S if " " in spec.text else WORD_LENGTH_S
    if not low <= stats["length"] <= high:
        problems.append(f"length {stats['length']:.2f} s outside {low}-{high} s")
    if stats["rms"] < MIN_RMS:
        problems.append(f"nearly silent (RMS {stats['rms']:.3f})")
    return problems


README = """\
# Announcement clips

The wall display announces a call, e.g. "Mời số A105 đến quầy số 3", by joining these
clips: `chime`, `moi_so`, the letter(s), the number word by word, `den_quay`, `so`, the counter
number (then the English repeat when `sound.english = true`). Numbers are read by
`kiosk/audio/numbers.py` (mốt, tư, lăm, linh, mười/mươi rules), never by the speech engine,
so each clip is ONE word or short phrase.

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
4. Keep the loudness of the recordings similar to each other (peak around -1 dBFS).

## Regenerating the shipped clips

    .venv/bin/python scripts/make_sounds.py           # all clips, then a measured check
    .venv/bin/python scripts/make_sounds.py --only mot_sac lam
    .venv/bin/python scripts/make_sounds.py --check   # measure only

The script installs espeak-ng and sox with apt-get when they are missing. Every clip is
checked with `sox FILE -n stat`: not silent, 0.15-1.5 s for a word, 0.3-2.5 s for a phrase.

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
    for spec in specs:
        path = out_dir / f"{spec.stem}{CLIP_SUFFIX}"
        problems = check(spec, path)
        stats = measure(path) if path.is_file() else {"length": 0.0, "max": 0.0, "rms": 0.0}
        total += path.stat().st_size if path.is_file() else 0
        status = "ok" if not problems else "PROBLEM: " + "; ".join(problems)
        log(
            f"{spec.stem:26} {stats['length']:5.2f} s  max {stats['max']:.2f}  "
            f"rms {stats['rms']:.3f}  {spec.text!r:28} {status}"
        )
        failures += bool(problems)
    log(f"{len(specs)} clips, {total / 1024:.0f} KiB, {failures} with problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
