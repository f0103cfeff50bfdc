"""`kiosk display`: the wall display (full screen on `display.screen`), with its voice calls."""

from __future__ import annotations

import argparse
import os
from typing import Any

from kiosk.gui.options import add_window_options, output_file, parse_geometry


def cmd_display(ctx: Any, a: argparse.Namespace) -> int:
    geometry = parse_geometry(a.geometry) if a.geometry else None
    snapshot, screenshot = output_file(a.snapshot), output_file(a.screenshot)
    announce_dir = None
    if a.announce_dir:
        from kiosk.core.files import check_folder

        announce_dir = check_folder(a.announce_dir, create=True, parents=True)
    config = ctx.config
    if config.sound.enabled and not a.mute:
        from kiosk.audio.sound_check import check_clips_dir

        check_clips_dir(config.sound, ctx.config_path)
    from kiosk.gui.waiting import open_or_unreachable

    # Opens (and migrates) the database before any window appears; a server that cannot be
    # reached yet is waited for on a "temporarily unavailable" screen.
    first = open_or_unreachable(lambda: ctx.service)
    # Missing optional codec/VA libraries are not our problem; keep the log readable.
    os.environ.setdefault(
        "QT_LOGGING_RULES", "qt.multimedia.symbolsresolver=false;qt.multimedia.ffmpeg.info=false"
    )

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from display.announcer import Announcer
    from display.live import LiveDisplay
    from display.sound import AudioSink, FolderSink, QtAudioSink, quiet_qt_messages
    from display.window import DisplayWindow
    from kiosk.gui.operations import Operations
    from kiosk.gui.runtime import place, run
    from kiosk.gui.waiting import start_screen

    sound = config.sound
    if a.mute:
        sound = sound.model_copy(update={"enabled": False})

    screen = a.screen if a.screen is not None else config.display.screen
    fullscreen = config.display.fullscreen and not a.windowed and geometry is None

    def build(app: QApplication) -> QWidget:
        quiet_qt_messages()

        def display_window(service: Any) -> QWidget:
            window = DisplayWindow(config, service.clock)
            ops = Operations(window)
            sink: AudioSink = (
                FolderSink(announce_dir) if announce_dir else QtAudioSink(sound.volume)
            )
            announcer = Announcer(sound, sink, ops, parent=window) if sound.enabled else None
            live = LiveDisplay(
                service,
                window,
                announcer,
                ops,
                snapshot_path=snapshot,
                screenshot_path=screenshot,
            )
            place(window, screen, fullscreen, geometry)
            QTimer.singleShot(0, live.start)

            def stop() -> None:
                live.stop()
                ops.shutdown()

            app.aboutToQuit.connect(stop)
            return window

        return start_screen(
            lambda w: place(w, screen, fullscreen, geometry),
            first,
            lambda: ctx.service,
            display_window,
            title="kiosk-display",
        )

    return run(build, name="kiosk-display")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `kiosk display` to the CLI."""
    help_text = "the wall display: counters, newest call, waiting, voice calls"
    p = sub.add_parser("display", parents=[common], help=help_text, description=help_text)
    add_window_options(p)
    p.add_argument(
        "--snapshot", metavar="PATH", help="write what the screen shows as JSON after each render"
    )
    p.add_argument("--screenshot", metavar="PATH", help="save a PNG of the screen after renders")
    p.add_argument(
        "--announce-dir",
        metavar="DIR",
        help="write each announcement WAV (and announcements.jsonl) to DIR instead of playing it",
    )
    p.add_argument("--mute", action="store_true", help="no voice calls (as sound.enabled=false)")
    p.set_defaults(handler=cmd_display)
