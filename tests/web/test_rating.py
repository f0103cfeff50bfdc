"""Rating on the ticket's phone page (issue #18), over real HTTP against a real server: the
four faces after completion, the reasons after a low level, one rating per ticket, and the
rules' refusals said above the ticket. Works without JavaScript (plain forms)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from kiosk.core.clock import ManualClock
from kiosk.core.model import EventKind
from kiosk.core.queue import QueueService
from tests.web.conftest import Served


def completed(s: Served, writer: QueueService | None = None) -> str:
    """The token of a ticket issued, called and completed at counter 1."""
    w = writer or s.writer
    t = w.issue("hotich").ticket
    w.call_next(1)
    w.complete(1)
    assert t.page_token
    return t.page_token


def rated(s: Served) -> list[dict[str, object]]:
    return [e.data for e in s.writer.events_after(0) if e.kind is EventKind.RATED]


def test_after_the_service_the_page_offers_four_faces_and_records_one_rating(
    serve: Callable[..., Served],
) -> None:
    s = serve()
    token = completed(s)
    with s.client() as http:
        page = http.get(f"/t/{token}").text
        assert f'action="/t/{token}/rate?lang=vi"' in page
        assert "Mời ông/bà đánh giá mức độ hài lòng" in page
        for label in ("Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng"):
            assert f"</svg>{label}</button>" in page
        done = http.post(f"/t/{token}/rate?lang=vi", data={"level": "very_satisfied"})
        assert done.status_code == 303 and done.headers["location"] == f"/t/{token}?lang=vi"
        after = http.get(f"/t/{token}").text
        assert "Cảm ơn ông/bà đã đánh giá!" in after and 'class="faces"' not in after
        again = http.post(f"/t/{token}/rate", data={"level": "dissatisfied"})
        assert again.status_code == 303  # a second tap: the first rating stands
        english = http.get(f"/t/{token}?lang=en").text
        assert "Thank you for your rating!" in english and "Very satisfied" in english
    assert rated(s) == [
        {"code": rated(s)[0]["code"], "level": "very_satisfied", "reasons": [], "channel": "phone"}
    ]


def test_a_low_level_asks_why_before_it_is_recorded(serve: Callable[..., Served]) -> None:
    s = serve()
    token = completed(s)
    with s.client() as http:
        ask = http.post(f"/t/{token}/rate?lang=en", data={"level": "neutral"})
        assert ask.status_code == 200 and rated(s) == []
        assert "What was not right? (optional)" in ask.text
        assert 'name="reason" value="Chờ lâu"' in ask.text and "Long wait" in ask.text
        sent = http.post(
            f"/t/{token}/rate?lang=en",
            data={"level": "neutral", "final": "1", "reason": ["Chờ lâu", "Khác"]},
        )
        assert sent.status_code == 303
    assert [(e["level"], e["reasons"]) for e in rated(s)] == [("neutral", ["Chờ lâu", "Khác"])]


def test_no_faces_before_the_service_or_after_the_window_and_posting_anyway_is_refused(
    serve: Callable[..., Served],
) -> None:
    s = serve()
    waiting = s.writer.issue("hotich").ticket.page_token
    earlier = ManualClock(s.writer.clock.now() - timedelta(minutes=31))
    late = completed(s, QueueService(s.writer.store, s.config, earlier))
    with s.client() as http:
        for token, why in (
            (waiting, "A service can be rated only once it is completed"),
            (late, "it can no longer be rated"),
        ):
            page = http.get(f"/t/{token}?lang=en").text
            assert 'class="faces"' not in page
            refused = http.post(f"/t/{token}/rate?lang=en", data={"level": "satisfied"})
            assert refused.status_code == 409
            assert why in refused.text
            assert f"/t/{token}" in str(refused.url)
        unknown = http.post("/t/AbCdEfGhIjKlMnOpQrStUv/rate", data={"level": "satisfied"})
        assert unknown.status_code == 404
    assert rated(s) == []
