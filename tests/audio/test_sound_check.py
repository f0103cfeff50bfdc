"""`kiosk config check` and the display's start hold the sound settings against the clips on disk.

Run as real processes on real config files: a missing clips folder, a recording that cannot be
read, and two prefixes whose (effective) letter clips sound the same.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.audio.pcm import read_wav, resample
from kiosk.audio.sound_check import prefix_clashes, sound_problems
from kiosk.core.config import default_config_text, parse_config
from tests.core.test_cli import clean_env

Result = subprocess.CompletedProcess[str]


def _config(tmp_path: Path, clips_dir: str | None = None, **prefixes: str) -> Path:
    """The shipped default config with `clips_dir` set and some prefixes changed (old=new)."""
    text = default_config_text()
    if clips_dir is not None:
        text = text.replace("[sound]\n", f"[sound]\nclips_dir = '{clips_dir}'\n", 1)
    for old, new in prefixes.items():
        text = text.replace(f'prefix = "{old}"', f'prefix = "{new}"', 1)
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _kiosk(tmp_path: Path, *args: str) -> Result:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args],
        cwd=tmp_path,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def _problem_lines(result: Result) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == ""
    return result.stderr.splitlines()[1:]


def test_the_shipped_config_and_voice_pass(tmp_path: Path) -> None:
    result = _kiosk(tmp_path, "config", "check", str(_config(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert ": OK – 7 fields" in result.stdout


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_a_clips_dir_that_is_not_a_folder_is_a_config_error(tmp_path: Path, kind: str) -> None:
    target = tmp_path / ("giong-doc" if kind == "missing" else "giong-doc.wav")
    if kind == "file":
        target.write_bytes(b"RIFF")
    config = _config(tmp_path, str(target))

    result = _kiosk(tmp_path, "config", "check", str(config))

    lines = _problem_lines(result)
    assert result.stderr.startswith(f"kiosk: {config} has 1 problem:")
    assert len(lines) == 1
    assert lines[0].startswith(f'  - sound.clips_dir = "{target}": the folder of replacement clips')
    assert ("does not exist" if kind == "missing" else "is not a folder") in lines[0]
    assert target.exists() == (kind == "file")  # nothing created or removed at the user's path


def test_the_display_refuses_to_start_with_a_clips_dir_that_does_not_exist(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "no-such-folder"
    config = _config(tmp_path, str(missing))
    db = tmp_path / "kiosk.db"

    result = _kiosk(tmp_path, "display", "--config", str(config), "--db", f"sqlite:///{db}")

    lines = _problem_lines(result)
    assert result.stderr.startswith(f"kiosk: {config} has 1 problem:")
    assert lines == [
        f'  - sound.clips_dir = "{missing}": the folder of replacement clips does not exist; '
        'create it, fix the path, or set clips_dir = "" for the shipped voice'
    ]
    assert not db.exists()  # refused before touching the database or opening a window


def test_an_unreadable_recording_is_named_with_its_reason(tmp_path: Path, shipped: Path) -> None:
    folder = tmp_path / "giong-doc"
    folder.mkdir()
    (folder / "moi_so.wav").write_bytes(b"ID3\x03\x00 an mp3 renamed")
    shutil.copy(shipped / "den_quay.wav", folder / "den_quay.wav")  # a good one is fine
    (folder / "notes.txt").write_text("not a clip", encoding="utf-8")

    result = _kiosk(tmp_path, "config", "check", str(_config(tmp_path, str(folder))))

    lines = _problem_lines(result)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f'  - sound.clips_dir = "{folder}": moi_so.wav cannot be used')
    assert "not a WAV file" in lines[0]
    assert "so the shipped clip plays instead" in lines[0]


def test_two_prefixes_whose_recorded_letters_sound_the_same_are_refused(
    tmp_path: Path, shipped: Path, wavs
) -> None:
    # A point records "giê" for G, which sounds exactly like the shipped "dê" for D: here a copy
    # of letter_d.wav saved again at 44.1 kHz stereo, as a recorder would.
    folder = tmp_path / "giong-doc"
    folder.mkdir()
    d = read_wav(shipped / "letter_d.wav")
    stereo = [x / 32767 * 0.7 for x in resample(d, 22050, 44100) for _ in range(2)]
    wavs.write(folder / "letter_g.wav", stereo, rate=44100, channels=2)
    config = _config(tmp_path, str(folder))

    result = _kiosk(tmp_path, "config", "check", str(config))

    lines = _problem_lines(result)
    assert len(lines) == 1, lines
    assert lines[0].startswith('  - fields[5].prefix = "G": is announced the same as prefix "D"')
    assert "fields[3] (xahoi)" in lines[0]
    assert "G012 from D012" in lines[0]
    assert "letter_g.wav" in lines[0]

    # without the recording, the shipped "gờ" and "dê" are told apart
    assert prefix_clashes(parse_config(_config(tmp_path).read_text(encoding="utf-8"))) == []


def test_two_letter_prefixes_clash_only_when_every_letter_sounds_the_same(
    tmp_path: Path, shipped: Path
) -> None:
    folder = tmp_path / "giong-doc"
    folder.mkdir()
    shutil.copy(shipped / "letter_b.wav", folder / "letter_p.wav")  # P recorded as "bê"
    alike = _config(tmp_path, str(folder), A="AB", B="AP")
    problems = sound_problems(parse_config(alike.read_text(encoding="utf-8")))
    assert [(p.key, p.value) for p in problems] == [("fields[1].prefix", '"AP"')]
    assert 'prefix "AB"' in problems[0].message

    apart = _config(tmp_path, str(folder), A="AB", B="PA")  # a-bê against bê-a
    assert sound_problems(parse_config(apart.read_text(encoding="utf-8"))) == []
