"""Call announcements: chime and Vietnamese (optionally English) voice assembled from clips.

Qt-free: this package builds the WAV; the display plays it with QtMultimedia.
"""

from __future__ import annotations

from kiosk.audio.announcement import (
    AssembledWav,
    announce_call,
    assemble_announcement,
    call_clip_names,
)
from kiosk.audio.clips import all_clip_names, clip_search_dirs, clips_missing, shipped_sounds_dir
from kiosk.audio.errors import AudioError, ClipMissing, ClipUnreadable
from kiosk.audio.numbers import digit_words, vietnamese_number_words

__all__ = [
    "AssembledWav",
    "AudioError",
    "ClipMissing",
    "ClipUnreadable",
    "all_clip_names",
    "announce_call",
    "assemble_announcement",
    "call_clip_names",
    "clip_search_dirs",
    "clips_missing",
    "digit_words",
    "shipped_sounds_dir",
    "vietnamese_number_words",
]
