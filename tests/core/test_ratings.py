"""Citizen ratings in the queue core (issue #18): one rating per completed ticket, within the
window, from the counter's own screen or the phone; the event and the replay agree."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from kiosk.core.clock import ManualClock
from kiosk.core.config import ConfigInvalid, parse_config
from kiosk.core.errors import UnknownTicket
from kiosk.core.model import EventKind, Ticket
from kiosk.core.queue import QueueService
from kiosk.core.ratings import RatingRefused
from kiosk.core.replay import mismatches, replay
from tests.support import config_text


def served(service: QueueService, counter: int = 1, field: str = "hotich") -> Ticket:
    """A ticket issued, called by `counter` and completed now."""
    t = service.issue(field).ticket
    assert service.call_next(counter).id == t.id
    return service.complete(counter)


def rated_events(service: QueueService) -> list[dict[str, object]]:
    return [e.data for e in service.events_after(0) if e.kind is EventKind.RATED]


def test_a_completed_service_is_rated_once_and_the_log_rebuilds_it(
    service: QueueService, clock: ManualClock
) -> None:
    t = served(service)
    clock.advance(minutes=2)
    first = service.rate(t.id, "neutral", channel="counter_screen", counter=1, reasons=("Chờ lâu",))
    assert first.recorded
    assert (first.ticket.rating, first.ticket.rating_reasons) == ("neutral", ("Chờ lâu",))
    assert first.ticket.rating_channel == "counter_screen"
    assert first.ticket.rated_at == clock.now()
    # A double tap (or the phone after the screen): the first rating stands, nothing written.
    again = service.rate(t.id, "very_satisfied", channel="phone")
    assert not again.recorded and again.ticket.rating == "neutral"
    assert rated_events(service) == [
        {"code": t.code, "level": "neutral", "reasons": ["Chờ lâu"], "channel": "counter_screen"}
    ]
    [event] = [e for e in service.events_after(0) if e.kind is EventKind.RATED]
    assert (event.counter, event.actor) == (1, "rate:1")
    assert mismatches(service.tickets(), replay(service.events_after(0))) == []


def test_only_a_completed_service_is_rated(service: QueueService) -> None:
    t = service.issue("hotich").ticket
    for step in (lambda: None, lambda: service.call_next(1), lambda: service.start_service(1)):
        step()
        with pytest.raises(RatingRefused, match="once it is completed") as err:
            service.rate(t.id, "satisfied", channel="phone")
        assert "sau khi hoàn thành" in err.value.message_vi
    assert rated_events(service) == []
    with pytest.raises(UnknownTicket):
        service.rate(10_000, "satisfied", channel="phone")


def test_the_window_after_completion_is_kept_to_the_minute(
    service: QueueService, clock: ManualClock
) -> None:
    in_time, late = served(service), served(service)
    clock.advance(minutes=30)  # [ratings] window_minutes = 30 by default: still in time
    assert service.rate(in_time.id, "satisfied", channel="phone").recorded
    clock.advance(seconds=1)
    with pytest.raises(RatingRefused, match="More than 30 minutes"):
        service.rate(late.id, "satisfied", channel="phone")
    assert len(rated_events(service)) == 1


def test_a_counter_screen_rates_only_its_own_counters_tickets(service: QueueService) -> None:
    t = served(service, counter=2)
    for counter in (1, None):
        with pytest.raises(RatingRefused, match="served at that counter"):
            service.rate(t.id, "satisfied", channel="counter_screen", counter=counter)
    assert service.rate(t.id, "satisfied", channel="counter_screen", counter=2).recorded


def test_levels_channels_and_reasons_are_checked(service: QueueService) -> None:
    t = served(service)
    refusals = [
        (dict(level="great", channel="phone"), "Unknown rating level 'great'"),
        (dict(level="satisfied", channel="console"), "Unknown rating channel 'console'"),
        (
            dict(level="satisfied", channel="phone", reasons=("Chờ lâu",)),
            "only with the two lowest levels",
        ),
        (
            dict(level="dissatisfied", channel="phone", reasons=("Ồn ào",)),
            "Not one of the configured reasons: Ồn ào",
        ),
    ]
    for kwargs, message in refusals:
        with pytest.raises(RatingRefused) as err:
            service.rate(t.id, **kwargs)  # type: ignore[arg-type]
        assert message in err.value.message_en
    assert rated_events(service) == []
    done = service.rate(t.id, "dissatisfied", channel="phone", reasons=("Khác", "Chờ lâu", "Khác"))
    assert done.ticket.rating_reasons == ("Khác", "Chờ lâu")  # once each, as given


def test_two_taps_at_once_record_one_rating(service: QueueService, clock: ManualClock) -> None:
    t = served(service)
    other = QueueService(service.store, service.config, clock)  # the phone's process
    results = []

    def tap(svc: QueueService, level: str) -> None:
        results.append(svc.rate(t.id, level, channel="phone").recorded)

    threads = [
        threading.Thread(target=tap, args=(svc, level))
        for svc, level in ((service, "satisfied"), (other, "very_satisfied"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert len(rated_events(service)) == 1


def test_the_ratings_table_of_the_config_is_checked() -> None:
    text = config_text()
    cfg = parse_config(text)
    assert cfg.ratings.window_minutes == 30
    assert cfg.ratings.labels[0] == "Rất hài lòng" and len(cfg.ratings.reasons) == 4
    bad = text.replace("window_minutes = 30", "window_minutes = 0").replace(
        'labels = ["Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng"]',
        'labels = ["Tốt", "Tệ"]',
    )
    bad = bad.replace('reasons_en = ["Long wait", "Staff attitude", "Unclear guidance", "Other"]',
                      'reasons_en = ["Long wait"]')  # fmt: skip
    with pytest.raises(ConfigInvalid) as err:
        parse_config(bad)
    text_en = err.value.message("en")
    assert "ratings.window_minutes" in text_en
    assert "ratings.labels" in text_en and "four levels" in text_en
    assert "ratings.reasons_en" in text_en and "each of the 4 reasons" in text_en


def test_a_rating_does_not_change_what_the_display_shows(
    service: QueueService, clock: ManualClock
) -> None:
    t = served(service)
    before = service.snapshot()
    clock.advance(minutes=1)
    service.rate(t.id, "very_satisfied", channel="phone")
    after = service.snapshot()
    assert after.fields == before.fields and after.counters == before.counters
    assert timedelta(0) <= after.at - before.at
