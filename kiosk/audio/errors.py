"""Errors of the announcement sound: a clip file is missing or cannot be used."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kiosk.core.errors import KioskError

#: The one format every clip is converted to, and the format replacement clips should have.
CLIP_FORMAT = "WAV, 22050 Hz, mono, 16-bit PCM"


class AudioError(KioskError):
    """The call announcement cannot be built; the message names the file to fix."""

    exit_code = 2


def _folders(searched: Sequence[Path]) -> str:
    shown = [f"{d}" if d.is_dir() else f"{d} (folder does not exist)" for d in searched]
    return ", ".join(shown) if shown else "(no folder)"


class ClipMissing(AudioError):
    """No folder holds the clip `<stem>.wav`."""

    def __init__(self, stem: str, searched: Sequence[Path]) -> None:
        self.stem = stem
        self.searched = tuple(searched)
        folders = _folders(self.searched)
        super().__init__(
            f"Thiếu tệp âm thanh {stem}.wav (đã tìm trong: {folders}). "
            "Chép tệp vào thư mục sound.clips_dir hoặc chạy lại scripts/make_sounds.py.",
            f"Sound clip {stem}.wav is missing (searched: {folders}). "
            "Put the file in the sound.clips_dir folder or run scripts/make_sounds.py again.",
        )


class ClipUnreadable(AudioError):
    """A clip file exists but is not a WAV this program can read."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        fix = f'sox "{path}" -r 22050 -c 1 -b 16 "{path.with_suffix(".fixed.wav")}"'
        super().__init__(
            f"Không dùng được tệp âm thanh {path}: {reason}. Cần định dạng {CLIP_FORMAT}; "
            f"có thể chuyển bằng: {fix}",
            f"Cannot use sound clip {path}: {reason}. Expected {CLIP_FORMAT}; "
            f"convert it with: {fix}",
        )
