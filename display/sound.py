"""Where announcements are played: the sound card (QtMultimedia) or a folder of WAV files.

`AudioSink` is the small interface the announcer talks to: `play(announcement)` starts one
WAV, `finished` says it is over. `QtAudioSink` plays through QSoundEffect, which decodes WAV
itself and talks to PulseAudio / WASAPI directly: it needs no QtMultimedia media backend, so
the bundle ships without FFmpeg (~20 MB). Without an audio device (or without QtMultimedia)
it logs that once and finishes at once, so the display runs silently. `FolderSink` writes
each WAV (real bytes) and a line of `announcements.jsonl` into a folder and "plays" for the
WAV's duration: tests and `kiosk display --announce-dir DIR` use it to check what would be
heard, and when.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal

from kiosk.audio import AssembledWav
from kiosk.core.files import check_folder, check_target

log = logging.getLogger(__name__)

#: A player that never reports the end is given this long beyond the WAV's duration.
STALL_MARGIN_S = 3.0

#: Qt messages that say nothing useful here. The bundle ships no media backend (FFmpeg) on
#: purpose: QSoundEffect does not need one, yet QtMultimedia warns about it at start-up.
QUIET_QT_MESSAGES = ("No QtMultimedia backends found",)


def quiet_qt_messages() -> None:
    """Drop the known-harmless QtMultimedia start-up warnings; everything else goes to stderr."""
    from PySide6.QtCore import qInstallMessageHandler

    previous: Any = None

    def handler(mode: Any, context: Any, message: str) -> None:
        if message.startswith(QUIET_QT_MESSAGES):
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)


@dataclass(frozen=True)
class Announcement:
    """One call to announce: which event, which ticket and counter, and the built WAV."""

    seq: int
    event_id: int
    code: str
    counter: int
    recall: bool
    wav: AssembledWav


class AudioSink(QObject):
    """Plays one announcement at a time; emits `finished` when it is over (or failed)."""

    finished = Signal(object)  # the Announcement

    def play(self, announcement: Announcement) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Release the device or files."""


class FolderSink(AudioSink):
    """Writes every announcement's WAV to a folder and takes its duration × `pace` to "play".

    `announcements.jsonl` gets one line per announcement as it starts, with the clip names,
    the duration and the monotonic start and end times, so a test can check order and that
    none overlap.
    """

    def __init__(self, folder: str | os.PathLike[str], *, pace: float = 1.0) -> None:
        super().__init__()
        self.folder = check_folder(folder, create=True, parents=True)
        self.pace = pace
        # Appended to, not replaced: still never a pipe, device or link (check_target).
        self.manifest = check_target(self.folder / "announcements.jsonl")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # coarse timers fire up to 5 % early
        self._timer.timeout.connect(self._done)
        self._current: Announcement | None = None

    def play(self, announcement: Announcement) -> None:
        if self._current is not None:
            raise RuntimeError("FolderSink.play while another announcement is playing")
        name = f"{announcement.seq:04d}-{announcement.code}-quay{announcement.counter}.wav"
        path = announcement.wav.write(self.folder / name)
        self._current = announcement
        playing_ms = max(0, round(announcement.wav.duration_s * self.pace * 1000))
        started = time.monotonic()
        record = {
            "seq": announcement.seq,
            "event_id": announcement.event_id,
            "code": announcement.code,
            "counter": announcement.counter,
            "recall": announcement.recall,
            "file": path.name,
            "clips": list(announcement.wav.clip_names),
            "duration_s": round(announcement.wav.duration_s, 4),
            "started": started,
            "ends": started + playing_ms / 1000,
        }
        # Written when playing starts, so a reader sees what is being heard right now.
        with self.manifest.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._timer.start(playing_ms)

    def _done(self) -> None:
        announcement, self._current = self._current, None
        if announcement is not None:
            self.finished.emit(announcement)

    def close(self) -> None:
        self._timer.stop()


class QtAudioSink(AudioSink):
    """QSoundEffect on the default output device (checked before each call)."""

    def __init__(
        self, volume: float = 1.0, outputs: Callable[[], Sequence[Any]] | None = None
    ) -> None:
        """`outputs` lists the audio output devices (default: QMediaDevices.audioOutputs)."""
        super().__init__()
        self.volume = volume
        self._outputs = outputs
        self._effect: Any = None
        self._devices: Any = None
        self._current: Announcement | None = None
        self._file: Path | None = None
        self._started = False
        self._tmp = Path(tempfile.mkdtemp(prefix="kiosk-announce-"))
        self._silent_reason = ""
        self._stall = QTimer(self)
        self._stall.setSingleShot(True)
        self._stall.timeout.connect(self._on_stall)
        self._available = self._open()

    @property
    def available(self) -> bool:
        return self._available

    def _open(self) -> bool:
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError:
            self._say_silent(
                "QtMultimedia is not installed (pip install PySide6-Addons); "
                "calls are shown but not announced"
            )
            return False
        if self._outputs is None:
            self._outputs = QMediaDevices.audioOutputs
        if self._devices is None:
            self._devices = QMediaDevices(self)
            self._devices.audioOutputsChanged.connect(self._outputs_changed)
        if not self._outputs():
            self._say_silent("no audio output device; calls are shown but not announced")
            return False
        if self._effect is None:
            self._effect = QSoundEffect(self)
            self._effect.setVolume(1.0)  # the configured volume is already in the WAV samples
            self._effect.playingChanged.connect(self._on_playing)
            self._effect.statusChanged.connect(self._on_status)
        self._silent_reason = ""
        log.info("announcing on %s", QMediaDevices.defaultAudioOutput().description())
        return True

    def _say_silent(self, reason: str) -> None:
        if reason != self._silent_reason:
            self._silent_reason = reason
            log.warning("sound: %s", reason)

    def _outputs_changed(self) -> None:
        assert self._outputs is not None
        if self._outputs() and not self._available:
            log.info("sound: an audio output device appeared")
            self._available = self._open()
        elif not self._outputs():
            self._say_silent("the audio output device went away; calls are not announced")

    def play(self, announcement: Announcement) -> None:
        if not self._available or self._effect is None:
            QTimer.singleShot(0, lambda: self.finished.emit(announcement))
            return
        self._current = announcement
        self._started = False
        # A new file name each time: QSoundEffect keeps decoded samples cached by URL.
        self._file = announcement.wav.write(self._tmp / f"{announcement.seq:06d}.wav")
        self._effect.setSource(QUrl.fromLocalFile(str(self._file)))
        self._effect.play()  # starts once the sample is loaded
        self._stall.start(round((announcement.wav.duration_s + STALL_MARGIN_S) * 1000))

    def _on_playing(self) -> None:
        if self._effect.isPlaying():
            self._started = True
        elif self._started:
            self._finish()

    def _on_status(self) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        if self._current is not None and self._effect.status() == QSoundEffect.Status.Error:
            log.warning(
                "sound: cannot play the announcement %s on %s",
                self._current.code,
                self._device_name(),
            )
            self._finish()

    @staticmethod
    def _device_name() -> str:
        from PySide6.QtMultimedia import QMediaDevices

        return QMediaDevices.defaultAudioOutput().description() or "the default device"

    def _on_stall(self) -> None:
        log.warning("sound: the player did not finish in time; going on with the next call")
        if self._effect is not None:
            self._effect.stop()
        self._finish()

    def _finish(self) -> None:
        self._stall.stop()
        announcement, self._current = self._current, None
        self._started = False
        if self._file is not None:
            self._file.unlink(missing_ok=True)
            self._file = None
        if announcement is not None:
            self.finished.emit(announcement)

    def close(self) -> None:
        self._stall.stop()
        if self._effect is not None:
            self._effect.stop()
        for f in self._tmp.glob("*.wav"):
            f.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self._tmp.rmdir()
