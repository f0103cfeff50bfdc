"""The sound settings checked against the clips on disk, for `kiosk config check` and the display.

The config file alone cannot say whether `sound.clips_dir` is a folder, whether the recordings
in it can be read, or whether two ticket prefixes would be heard the same ("dê" and "giê"):
that needs the clips, which live here above kiosk/core. Problems come back as ConfigProblem
lines, reported like the file's other problems once the file itself is valid.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

from kiosk.audio.announcement import usable_clip
from kiosk.audio.clips import CLIP_SUFFIX, all_clip_names, clip_search_dirs, letter_stem
from kiosk.audio.errors import CLIP_FORMAT, ClipUnreadable
from kiosk.audio.likeness import VoicePrint, cached_voice_print, sound_alike
from kiosk.audio.pcm import read_wav
from kiosk.core.config import (
    APP_NAME,
    Config,
    ConfigInvalid,
    ConfigProblem,
    SoundConfig,
    resolve_config_path,
)

CLIPS_DIR_KEY = "sound.clips_dir"


def clips_dir_problems(sound: SoundConfig) -> list[ConfigProblem]:
    """`sound.clips_dir` set to something that is not an existing folder."""
    raw = sound.clips_dir
    if not raw.strip():
        return []
    folder = Path(raw).expanduser()
    if folder.is_dir():
        return []
    what = "is not a folder" if folder.exists() else "does not exist"
    return [
        ConfigProblem(
            CLIPS_DIR_KEY,
            f'"{raw}"',
            f"the folder of replacement clips {what}; create it, fix the path, "
            'or set clips_dir = "" for the shipped voice',
        )
    ]


def unreadable_replacements(sound: SoundConfig) -> list[ClipUnreadable]:
    """Replacement clips in `sound.clips_dir` that cannot be read (the shipped clip plays)."""
    if clips_dir_problems(sound) or not sound.clips_dir.strip():
        return []
    folder = Path(sound.clips_dir).expanduser()
    errors = []
    for stem in all_clip_names():
        path = folder / f"{stem}{CLIP_SUFFIX}"
        if path.is_file():
            try:
                read_wav(path)
            except ClipUnreadable as exc:
                errors.append(exc)
    return errors


def prefix_clashes(config: Config) -> list[ConfigProblem]:
    """Fields whose prefixes would be announced with clips that sound the same."""
    dirs = clip_search_dirs(config.sound.clips_dir)
    prints: dict[str, VoicePrint] = {}
    cache_dir = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))

    def heard(prefix: str) -> list[VoicePrint]:
        out = []
        for letter in prefix:
            stem = letter_stem(letter)
            if stem not in prints:
                _, samples = usable_clip(stem, dirs, on_unusable=lambda *_: None)
                prints[stem] = cached_voice_print(samples, cache_dir)
            out.append(prints[stem])
        return out

    problems = []
    seen: list[tuple[int, str, list[VoicePrint]]] = []
    for i, field in enumerate(config.fields):
        said = heard(field.prefix)
        for j, other, other_said in seen:
            if len(said) == len(other_said) and all(
                sound_alike(a, b) for a, b in zip(said, other_said, strict=True)
            ):
                stems = ", ".join(f"{letter_stem(c)}{CLIP_SUFFIX}" for c in field.prefix)
                problems.append(
                    ConfigProblem(
                        f"fields[{i}].prefix",
                        f'"{field.prefix}"',
                        f'is announced the same as prefix "{other}" of fields[{j}] '
                        f"({config.fields[j].code}): a citizen could not tell {field.prefix}012 "
                        f"from {other}012; give one field another prefix or record distinct "
                        f"clips ({stems}) in sound.clips_dir",
                    )
                )
                break
        seen.append((i, field.prefix, said))
    return problems


def sound_problems(config: Config) -> list[ConfigProblem]:
    """Every problem of the sound settings that needs the clips on disk to be seen."""
    problems = clips_dir_problems(config.sound)
    problems += [
        ConfigProblem(
            CLIPS_DIR_KEY,
            f'"{config.sound.clips_dir}"',
            f"{err.path.name} cannot be used ({err.reason}), so the shipped clip plays "
            f"instead; convert it to {CLIP_FORMAT} or remove it",
        )
        for err in unreadable_replacements(config.sound)
    ]
    return problems + prefix_clashes(config)


def check_clips_dir(sound: SoundConfig, config_path: str | None) -> None:
    """Raise ConfigInvalid if `sound.clips_dir` is not a folder (checked as the display starts)."""
    problems = clips_dir_problems(sound)
    if problems:
        raise ConfigInvalid(str(resolve_config_path(config_path) or "(built-in default)"), problems)
