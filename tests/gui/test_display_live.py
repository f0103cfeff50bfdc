"""The live display on a real SQLite file: feed → snapshot → screen, voice calls in order.

The queue is changed through QueueService as a console would (from the test thread, while
the display's feed watcher polls the file), and the display is checked by what it shows.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from display.announcer import Announcer
from display.live import LiveDisplay
from display.sound import FolderSink, QtAudioSink
from display.window import DisplayWindow
from kiosk.audio import announce_call, call_clip_names
from kiosk.core.clock import ManualClock
from kiosk.core.config import Config
from kiosk.core.errors import DatabaseUnavailable
from kiosk.core.queue import QueueService
from kiosk.gui.operations import Operations
from kiosk.gui.watcher import FeedWatcher

#: Announcements "play" at this fraction of their real length in tests.
PACE = 0.02

Factory = Callable[..., LiveDisplay]


@pytest.fixture
def open_display(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> Iterator[Factory]:
    """Start displays (window + feed + announcer) on a database; stopped after the test."""
    started: list[tuple[LiveDisplay, FeedWatcher, Operations]] = []

    def start(
        service: QueueService,
        *,
        announce_dir: Path | None = None,
        snapshot: Path | None = None,
        pace: float = PACE,
    ) -> LiveDisplay:
        window = DisplayWindow(service.config, service.clock)
        qtbot.addWidget(window)
        window.resize(1920, 1080)
        ops = Operations(window)
        sink = FolderSink(announce_dir or tmp_path / "announcements", pace=pace)
        announcer = Announcer(service.config.sound, sink, ops, parent=window)
        watcher = FeedWatcher(service, heartbeat=0.3)
        live = LiveDisplay(service, window, announcer, ops, watcher=watcher, snapshot_path=snapshot)
        started.append((live, watcher, ops))
        live.start()
        qtbot.waitUntil(lambda: live.renders >= 1, timeout=5000)
        return live

    yield start
    for live, watcher, ops in started:
        live.stop()
        thread = watcher._thread
        if thread is not None:
            thread.join(2)
        ops.shutdown()


def tile(live: LiveDisplay, counter: int) -> dict[str, object]:
    return next(t for t in live.window.visible_state()["tiles"] if t["counter"] == counter)


def manifest(folder: Path) -> list[dict[str, object]]:
    path = folder / "announcements.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_call_shows_on_its_tile_highlighted_and_blinking(
    open_display: Factory, qtbot: QtBot, service: QueueService
) -> None:
    live = open_display(service)
    service.issue("hotich")
    service.call_next(2)
    qtbot.waitUntil(lambda: tile(live, 2)["code"] == "A001", timeout=5000)
    state = live.window.visible_state()
    assert state["highlighted"]["code"] == "A001"
    assert state["highlighted"]["counter"] == 2
    assert tile(live, 2)["highlighted"] is True
    assert tile(live, 2)["field"] == "Hộ tịch"
    assert state["blinking"] is True
    assert next(w for w in state["waiting"] if w["field"] == "hotich")["waiting"] == 0
    # The blink stops after display.blink_seconds; the highlight stays.
    live.window._blink_until = 0.0
    qtbot.waitUntil(lambda: not live.window.blinking, timeout=2000)
    assert tile(live, 2)["highlighted"] is True


def test_waiting_counts_and_recent_calls_follow_the_log(
    open_display: Factory, qtbot: QtBot, service: QueueService
) -> None:
    for _ in range(3):
        service.issue("hotich")
    service.issue("chungthuc")
    live = open_display(service)
    waiting = {w["field"]: w["waiting"] for w in live.window.visible_state()["waiting"]}
    assert waiting["hotich"] == 3 and waiting["chungthuc"] == 1
    service.call_next(1)  # A001
    service.call_next(3)  # B001
    service.call_next(2)  # A002
    qtbot.waitUntil(lambda: tile(live, 2)["code"] == "A002", timeout=5000)
    state = live.window.visible_state()
    assert state["highlighted"]["code"] == "A002"
    assert [c["code"] for c in state["recent_calls"]] == ["B001", "A001"]
    waiting = {w["field"]: w["waiting"] for w in state["waiting"]}
    assert waiting["hotich"] == 1 and waiting["chungthuc"] == 0
    service.complete(1)
    qtbot.waitUntil(lambda: tile(live, 1)["state"] == "idle", timeout=5000)
    service.pause_counter(4, "Họp giao ban")
    qtbot.waitUntil(lambda: tile(live, 4)["state"] == "paused", timeout=5000)
    assert tile(live, 4)["note"] == "Tạm dừng: Họp giao ban"


def card(live: LiveDisplay) -> tuple[str, int] | None:
    """What the big card announces ("MỜI SỐ code ĐẾN QUẦY counter"), as shown."""
    shown = live.window.visible_state()["highlighted"]
    return (shown["code"], shown["counter"]) if shown else None


def test_the_card_stops_announcing_a_ticket_once_its_counter_lets_it_go(
    open_display: Factory, qtbot: QtBot, service: QueueService
) -> None:
    for field in ("hotich", "hotich", "chungthuc", "datdai"):
        service.issue(field)
    live = open_display(service)
    service.call_next(1)  # A001
    service.call_next(3)  # B001
    service.call_next(2)  # A002, the newest call
    qtbot.waitUntil(lambda: card(live) == ("A002", 2), timeout=5000)
    # A no-show: the card falls back to the newest call a counter still holds.
    service.skip(2)
    qtbot.waitUntil(lambda: tile(live, 2)["state"] == "idle", timeout=5000)
    assert card(live) == ("B001", 3)
    assert tile(live, 3)["highlighted"] is True
    assert tile(live, 2)["highlighted"] is False
    assert "A002" in [c["code"] for c in live.window.visible_state()["recent_calls"]]
    # Transferred to another field, then completed: each time the next held call shows.
    service.transfer(3, to_field="datdai")
    qtbot.waitUntil(lambda: tile(live, 3)["state"] == "idle", timeout=5000)
    assert card(live) == ("A001", 1)
    service.complete(1)
    qtbot.waitUntil(lambda: tile(live, 1)["state"] == "idle", timeout=5000)
    assert card(live) is None  # no counter holds a called ticket: nothing is announced
    assert not any(t["highlighted"] for t in live.window.visible_state()["tiles"])
    live.window.grab()
    assert "Mời ông/bà lấy số thứ tự" in [r.text for r in live.window.calling.runs]
    # A new call takes the card again.
    service.call_next(4)
    qtbot.waitUntil(lambda: card(live) is not None, timeout=5000)
    assert card(live) == (tile(live, 4)["code"], 4)


def test_calls_are_announced_in_order_never_overlapping_and_recalls_again(
    open_display: Factory, qtbot: QtBot, service: QueueService, tmp_path: Path
) -> None:
    folder = tmp_path / "voice"
    live = open_display(service, announce_dir=folder)
    for field in ("hotich", "hotich", "chungthuc", "ketqua"):
        service.issue(field)
    service.call_next(1)  # A001
    service.call_next(2)  # A002
    service.call_next(3)  # B001
    service.recall(1)  # A001 again
    service.call_next(6)  # K001
    qtbot.waitUntil(lambda: len(manifest(folder)) == 5, timeout=10000)
    played = manifest(folder)
    assert [(p["code"], p["counter"], p["recall"]) for p in played] == [
        ("A001", 1, False),
        ("A002", 2, False),
        ("B001", 3, False),
        ("A001", 1, True),
        ("K001", 6, False),
    ]
    for before, after in itertools.pairwise(played):
        assert after["started"] >= before["ends"], "two announcements overlapped"
    cfg = service.config.sound
    assert cfg.repeat == 2
    for p in played:
        expected = announce_call(cfg, str(p["code"]), int(p["counter"]))
        said = call_clip_names(str(p["code"]), int(p["counter"]), cfg.number_style, repeat=2)
        assert p["clips"] == said
        assert said.count("chime") == 1 and said.count("moi_so") == 2  # said twice, one chime
        assert p["clips"] == list(expected.clip_names)
        assert p["duration_s"] == pytest.approx(expected.duration_s, abs=1e-3)
        wav = (folder / str(p["file"])).read_bytes()
        assert wav == expected.wav  # the real bytes that would have been played
    announcer = live.announcer
    assert announcer is not None
    qtbot.waitUntil(lambda: not announcer.busy, timeout=5000)


def test_the_announcement_of_a105_at_counter_3_is_the_expected_clip_sequence(
    tmp_path: Path, service: QueueService
) -> None:
    wav = announce_call(service.config.sound, "A105", 3)
    phrase = ["moi_so", "letter_a", "mot", "tram", "linh", "nam", "den_quay", "so", "ba"]
    assert list(wav.clip_names) == ["chime", *phrase, *phrase]
    assert 6.0 < wav.duration_s < 15.0


def test_a_restarted_display_shows_the_same_state_and_does_not_repeat_old_calls(
    open_display: Factory, qtbot: QtBot, service: QueueService, tmp_path: Path
) -> None:
    for field in ("hotich", "chungthuc", "datdai"):
        service.issue(field)
    first_voice = tmp_path / "first"
    first = open_display(service, announce_dir=first_voice)
    service.call_next(1)
    service.call_next(3)
    service.call_next(4)
    qtbot.waitUntil(lambda: tile(first, 4)["code"] == "C001", timeout=5000)
    qtbot.waitUntil(lambda: len(manifest(first_voice)) == 3, timeout=10000)
    shown = first.window.visible_state()
    first.stop()

    second_voice = tmp_path / "second"
    second = open_display(service, announce_dir=second_voice)
    again = second.window.visible_state()
    for key in ("tiles", "highlighted", "recent_calls", "waiting", "last_event_id"):
        assert again[key] == shown[key], key
    service.recall(4)
    qtbot.waitUntil(lambda: len(manifest(second_voice)) == 1, timeout=10000)
    assert [p["code"] for p in manifest(second_voice)] == ["C001"]


def test_snapshot_file_is_rewritten_on_every_render(
    open_display: Factory, qtbot: QtBot, service: QueueService, tmp_path: Path
) -> None:
    path = tmp_path / "state" / "display.json"
    open_display(service, snapshot=path)
    assert json.loads(path.read_text(encoding="utf-8"))["tiles"][0]["counter"] == 1
    service.issue("ketqua")
    service.call_next(6)

    def shows_k001() -> bool:
        data = json.loads(path.read_text(encoding="utf-8"))
        return (data.get("highlighted") or {}).get("code") == "K001"

    qtbot.waitUntil(shows_k001, timeout=5000)


def test_database_outage_is_shown_and_the_display_recovers(
    open_display: Factory, qtbot: QtBot, service: QueueService
) -> None:
    live = open_display(service)
    live.watcher.unavailable.emit(DatabaseUnavailable("Mất kết nối", "Connection lost"))
    assert live.window.visible_state()["online"] is False
    assert live.window.header.online is False
    live.window.grab()
    assert any("gián đoạn" in r.text for r in live.window.header.runs)
    live.watcher.available.emit()
    qtbot.waitUntil(lambda: live.window.visible_state()["online"] is True, timeout=5000)


def test_old_calls_delivered_after_an_outage_are_shown_but_not_announced(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, service: QueueService, tmp_path: Path
) -> None:
    clock = service.clock
    assert isinstance(clock, ManualClock)
    service.issue("hotich")
    service.call_next(1)
    events = service.events_after(0)
    clock.advance(minutes=5)
    ops = Operations()
    sink = FolderSink(tmp_path / "v", pace=PACE)
    announcer = Announcer(service.config.sound, sink, ops)
    announcer.on_events(events, now=clock.now())
    assert not announcer.busy
    announcer.on_events(events, now=None)  # no clock: announced
    qtbot.waitUntil(lambda: len(manifest(tmp_path / "v")) == 1, timeout=5000)
    ops.shutdown()


def test_muted_sound_announces_nothing(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, config: Config, tmp_path: Path
) -> None:
    muted = config.sound.model_copy(update={"enabled": False})
    ops = Operations()
    announcer = Announcer(muted, FolderSink(tmp_path / "m", pace=PACE), ops)
    announcer.enqueue("A001", 1, event_id=7)
    assert not announcer.busy
    ops.shutdown()


def test_missing_clips_are_reported_once_and_the_queue_goes_on(
    qtbot: QtBot,
    aloop: asyncio.AbstractEventLoop,
    config: Config,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("KIOSK_ASSETS", str(tmp_path / "no-assets"))
    ops = Operations()
    announcer = Announcer(config.sound, FolderSink(tmp_path / "x", pace=PACE), ops)
    with caplog.at_level(logging.ERROR, logger="display.announcer"):
        for i in range(3):
            announcer.enqueue("A001", 1, event_id=i + 1)
        qtbot.waitUntil(lambda: not announcer.busy, timeout=5000)
    errors = [r for r in caplog.records if "cannot build the announcement" in r.getMessage()]
    assert len(errors) == 1
    assert "moi_so.wav" in errors[0].getMessage() or "chime.wav" in errors[0].getMessage()
    ops.shutdown()


def test_an_unreadable_recorded_clip_is_replaced_by_the_shipped_one_and_calls_go_on(
    qtbot: QtBot,
    aloop: asyncio.AbstractEventLoop,
    config: Config,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorded = tmp_path / "giong-doc"
    recorded.mkdir()
    bad = recorded / "mot.wav"
    bad.write_bytes(b"ID3\x03\x00 an mp3 renamed to .wav")
    sound = config.sound.model_copy(update={"clips_dir": str(recorded)})
    ops = Operations()
    folder = tmp_path / "voice"
    announcer = Announcer(sound, FolderSink(folder, pace=PACE), ops)
    with caplog.at_level(logging.WARNING):
        for i in range(3):
            announcer.enqueue("A001", 1, event_id=i + 1)  # "một" in the number and the counter
        qtbot.waitUntil(lambda: len(manifest(folder)) == 3, timeout=10000)
        qtbot.waitUntil(lambda: not announcer.busy, timeout=5000)

    shipped_voice = announce_call(config.sound, "A001", 1)  # the same call without clips_dir
    for p in manifest(folder):
        assert "mot" in p["clips"]
        assert (folder / str(p["file"])).read_bytes() == shipped_voice.wav
    about_bad = [r for r in caplog.records if str(bad) in r.getMessage()]
    assert len(about_bad) == 1, [r.getMessage() for r in caplog.records]
    assert "not a WAV file" in about_bad[0].getMessage()
    assert "instead" in about_bad[0].getMessage()
    assert not [r for r in caplog.records if "cannot build the announcement" in r.getMessage()]
    ops.shutdown()


@pytest.mark.qt_log_ignore(".*")  # QtMultimedia complains about missing PulseAudio/VA here
def test_without_an_audio_device_the_display_runs_silently_and_says_so_once(
    qtbot: QtBot,
    aloop: asyncio.AbstractEventLoop,
    config: Config,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="display.sound"):
        sink = QtAudioSink(config.sound.volume, outputs=list)  # a machine with no device
        assert not sink.available
        ops = Operations()
        announcer = Announcer(config.sound, sink, ops)
        for i in range(3):
            announcer.enqueue("B012", 3, event_id=100 + i)
        qtbot.waitUntil(lambda: not announcer.busy, timeout=10000)
    warnings = [r for r in caplog.records if r.name == "display.sound"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "not announced" in warnings[0].getMessage()
    announcer.close()
    ops.shutdown()
