"""The rating screen at a counter (issue #18), driven with qtbot on a real database: a
completion at its counter offers the faces, a tap records one rating, and the screen goes
back to idle by itself."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.core.clock import ManualClock
from kiosk.core.model import EventKind
from kiosk.core.queue import QueueService
from kiosk.rate.faces import FaceButton
from kiosk.rate.window import FACES, IDLE, REASONS, THANKS, RateScreen, Timings
from tests.core.test_cli import clean_env
from tests.support import run_kiosk_all

WAIT_MS = 5_000


def open_screen(
    qtbot: QtBot, service: QueueService, counter: int = 1, **timings: float
) -> RateScreen:
    times = Timings(**{"idle_ms": 60_000, "thanks_ms": 300, "heartbeat_s": 0.2, **timings})
    screen = RateScreen(service, counter, timings=times)

    def close(w: RateScreen) -> None:
        w.stop()
        w.ops.shutdown()

    qtbot.addWidget(screen, before_close_func=close)
    screen.setFixedSize(
        800, 1280
    )  # a portrait tablet (fixed: the offscreen platform warns otherwise)
    screen.show()
    screen.start()
    return screen


@pytest.fixture
def screen(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, service: QueueService
) -> Iterator[RateScreen]:
    yield open_screen(qtbot, service)


def complete_one(service: QueueService, counter: int = 1, field: str = "hotich") -> str:
    t = service.issue(field).ticket
    service.call_next(counter)
    service.complete(counter)
    return t.code


def face(screen: RateScreen, level: str) -> FaceButton:
    found = screen.findChild(FaceButton, f"face-{level}")
    assert found is not None
    return found


def rated(service: QueueService) -> list[dict[str, object]]:
    return [e.data for e in service.events_after(0) if e.kind is EventKind.RATED]


def test_a_completion_here_offers_the_faces_and_a_tap_records_the_rating(
    qtbot: QtBot, screen: RateScreen, service: QueueService
) -> None:
    assert screen.page == IDLE
    code = complete_one(service)
    qtbot.waitUntil(lambda: screen.page == FACES, timeout=WAIT_MS)
    assert code in screen.ticket_label.text()
    assert screen.prompt.text() == "Mời ông/bà đánh giá mức độ hài lòng"
    side = face(screen, "very_satisfied").width()
    assert side >= 150  # at least 25 mm at 96 dpi, the screen's own DPI in production
    with qtbot.waitSignal(screen.rated, timeout=WAIT_MS) as done:
        qtbot.mouseClick(face(screen, "very_satisfied"), Qt.MouseButton.LeftButton)
        # A second tap while the first is on its way records nothing more.
        qtbot.mouseClick(face(screen, "satisfied"), Qt.MouseButton.LeftButton)
    assert done.args[0].recorded
    assert screen.page == THANKS
    qtbot.waitUntil(lambda: screen.page == IDLE, timeout=WAIT_MS)
    assert rated(service) == [
        {"code": code, "level": "very_satisfied", "reasons": [], "channel": "counter_screen"}
    ]


def test_another_counters_completion_leaves_it_idle(
    qtbot: QtBot, screen: RateScreen, service: QueueService
) -> None:
    complete_one(service, counter=2)
    qtbot.wait(600)  # several polls of the change feed
    assert screen.page == IDLE
    complete_one(service, counter=1)
    qtbot.waitUntil(lambda: screen.page == FACES, timeout=WAIT_MS)


def test_a_low_level_asks_why_and_sends_the_reasons_ticked(
    qtbot: QtBot, screen: RateScreen, service: QueueService
) -> None:
    code = complete_one(service)
    qtbot.waitUntil(lambda: screen.page == FACES, timeout=WAIT_MS)
    qtbot.mouseClick(face(screen, "dissatisfied"), Qt.MouseButton.LeftButton)
    assert screen.page == REASONS and rated(service) == []
    long_wait = next(c for c in screen.chips if c.property("reason") == "Chờ lâu")
    qtbot.mouseClick(long_wait, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.rated, timeout=WAIT_MS):
        qtbot.mouseClick(screen.send, Qt.MouseButton.LeftButton)
    assert rated(service) == [
        {"code": code, "level": "dissatisfied", "reasons": ["Chờ lâu"], "channel": "counter_screen"}
    ]


def test_without_a_tap_it_returns_to_idle_and_the_ticket_is_not_rated(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, service: QueueService
) -> None:
    screen = open_screen(qtbot, service, idle_ms=400)
    complete_one(service)
    qtbot.waitUntil(lambda: screen.page == FACES, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: screen.page == IDLE, timeout=WAIT_MS)
    assert rated(service) == []
    # Chosen a low level but no Send: the level counts, with the reasons ticked so far.
    complete_one(service)
    qtbot.waitUntil(lambda: screen.page == FACES, timeout=WAIT_MS)
    qtbot.mouseClick(face(screen, "neutral"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.rated, timeout=WAIT_MS):
        pass
    assert [e["level"] for e in rated(service)] == ["neutral"]


def test_a_rating_the_rules_refuse_is_said_on_the_screen(
    qtbot: QtBot, screen: RateScreen, service: QueueService, clock: ManualClock
) -> None:
    complete_one(service)
    qtbot.waitUntil(lambda: screen.page == FACES, timeout=WAIT_MS)
    clock.advance(minutes=31)  # the window after completion has passed (30 minutes)
    qtbot.mouseClick(face(screen, "satisfied"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.page == IDLE, timeout=WAIT_MS)
    assert "Không ghi được đánh giá" in screen.status.text()
    assert "no longer be rated" in screen.status.text()
    assert rated(service) == []


def test_kiosk_rate_with_a_wrong_counter_says_so_in_one_line(tmp_path: Path) -> None:
    """A real process: no window opens for a counter the config does not have."""
    env = clean_env(
        tmp_path, KIOSK_DB=f"sqlite:///{tmp_path / 'k.db'}", QT_QPA_PLATFORM="offscreen"
    )
    (wrong,) = run_kiosk_all(tmp_path, env, ["rate", "9"], timeout=60)
    assert wrong.returncode == 2
    assert wrong.stderr.count("\n") == 1
    assert "No counter 9" in wrong.stderr and "Counters: 1, 2, 3, 4, 5, 6" in wrong.stderr


@pytest.mark.parametrize("size", [(600, 1024), (1024, 600), (800, 1280), (1280, 800)])
def test_the_faces_fit_tablets_upright_and_on_their_side(
    qtbot: QtBot, aloop: asyncio.AbstractEventLoop, service: QueueService, size: tuple[int, int]
) -> None:
    """A 7" tablet upright (600×1024) or on its side, and a 10" one: the window takes the
    tablet's size, all four faces (at least 25 mm) and the prompt lie inside it, apart."""
    width, height = size
    times = Timings(idle_ms=60_000, thanks_ms=300, heartbeat_s=0.2)
    screen = RateScreen(service, 1, timings=times)
    qtbot.addWidget(screen, before_close_func=lambda w: (w.stop(), w.ops.shutdown()))
    assert screen.minimumSizeHint().width() <= width
    assert screen.minimumSizeHint().height() <= height
    screen.setFixedSize(width, height)
    screen.show()
    screen.start()
    complete_one(service)
    qtbot.waitUntil(lambda: screen.page == FACES, timeout=WAIT_MS)
    inside = screen.rect()
    places = []
    for level in ("very_satisfied", "satisfied", "neutral", "dissatisfied"):
        f = face(screen, level)
        place = _in_screen(screen, f)
        assert inside.contains(place), (level, place, inside)
        assert f.side >= 150
        places.append(place)
    assert not any(a.intersects(b) for i, a in enumerate(places) for b in places[i + 1 :])
    assert inside.contains(_in_screen(screen, screen.prompt))
    columns = 4 if width > height else 2
    assert len({p.top() for p in places}) == 4 // columns
    # After a low level: every reason and the Send button lie inside too.
    qtbot.mouseClick(face(screen, "dissatisfied"), Qt.MouseButton.LeftButton)
    assert screen.page == REASONS
    for w in (*screen.chips, screen.send, screen.why):
        assert inside.contains(_in_screen(screen, w)), w.text()


def _in_screen(screen: RateScreen, w: QWidget) -> QRect:
    """Where `w` lies in the screen's own coordinates."""
    return QRect(w.mapTo(screen, QPoint(0, 0)), w.size())
