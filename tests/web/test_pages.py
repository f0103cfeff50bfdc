"""`kiosk web` over real HTTP: ticket pages, the board, the JSON API and the live streams."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import event

from kiosk.core.colours import COLOURS
from kiosk.core.shapes import snapshot_json
from tests.support import officers_toml
from tests.web.conftest import Events, Served

SECURITY = {
    "content-security-policy": "default-src 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def assert_secure(response: httpx.Response) -> None:
    for name, value in SECURITY.items():
        assert value in response.headers.get(name, ""), (response.url, name)


def test_ticket_page_shows_number_field_state_people_ahead_and_estimate(
    serve: Callable[..., Served],
) -> None:
    s = serve()
    s.writer.open_counter(1)
    s.writer.issue("hotich")
    token, code = s.token_of("hotich")
    with s.client() as http:
        page = http.get(f"/t/{token}")
    assert page.status_code == 200
    html = page.text
    assert f'<p class="code">{code}</p>' in html
    assert "Hộ tịch" in html and "Đang chờ" in html
    assert re.search(r"Số người đang chờ trước ông/bà</dt><dd class=\"ahead\">1<", html)
    assert "Thời gian chờ dự kiến" in html and "khoảng" in html
    assert page.headers["cache-control"] == "no-store"
    assert_secure(page)


def test_a_ticket_for_a_procedure_shows_what_to_bring_until_it_is_served(
    serve: Callable[..., Served],
) -> None:
    from kiosk.core.catalogue import parse_catalogue, sample_text

    probe = serve()
    catalogue = parse_catalogue(sample_text(), probe.config)
    s = serve(catalogue=catalogue)
    t = s.writer.issue("hotich", procedure="Đăng ký kết hôn").ticket
    plain = s.writer.issue("hotich").ticket
    with s.client() as http:
        vi = http.get(f"/t/{t.page_token}").text
        en = http.get(f"/t/{t.page_token}?lang=en").text
        none = http.get(f"/t/{plain.page_token}").text
        s.writer.open_counter(1)
        s.writer.call_next(1)
        s.writer.complete(1)
        deadline = time.monotonic() + 5
        done = ""
        while 'data-state="completed"' not in done and time.monotonic() < deadline:
            done = http.get(f"/t/{t.page_token}").text  # the page follows the change feed
    assert 'data-state="completed"' in done
    assert "<h2>Giấy tờ cần mang</h2>" in vi and '<p class="procedure">Đăng ký kết hôn</p>' in vi
    assert "<li>Căn cước / hộ chiếu của hai bên — xuất\u00a0trình\u00a0×\u00a02</li>" in vi
    assert "Lệ phí: Miễn phí" in vi
    assert "<h2>Documents to bring</h2>" in en and "Marriage registration" in en
    assert '<section class="checklist">' not in none  # a plain ticket has none
    assert '<section class="checklist">' not in done  # served: nothing left to bring


def test_before_a_counter_of_the_field_opens_the_page_promises_no_time(
    serve: Callable[..., Served],
) -> None:
    s = serve()
    s.writer.issue("hotich")
    token, _ = s.token_of("hotich")
    with s.client() as http:
        vi = http.get(f"/t/{token}").text
        en = http.get(f"/t/{token}?lang=en").text
        api = http.get(f"/api/v1/tickets/{token}").json()
    assert '<dd class="wait">chưa có quầy mở</dd>' in vi
    assert '<dd class="wait">no counter open yet</dd>' in en
    assert (api["people_ahead"], api["estimated_wait_minutes"], api["counters_open"]) == (
        1,
        None,
        0,
    )


def test_the_english_toggle_and_back(serve: Callable[..., Served]) -> None:
    s = serve()
    token, _ = s.token_of()
    with s.client() as http:
        en = http.get(f"/t/{token}?lang=en").text
        vi = http.get(f"/t/{token}?lang=xx").text
    assert "People ahead of you" in en and 'lang="en"' in en and "Civil status" in en
    assert f'href="/t/{token}?lang=vi"' in en
    assert "Số người đang chờ trước ông/bà" in vi and f'href="/t/{token}?lang=en"' in vi


@pytest.mark.parametrize("token", ["A001", "Zm9vYmFyYmF6cXV4cXV1eA", "a%27%3Cb%3E", "x" * 300])
def test_unknown_malformed_and_number_addresses_get_a_friendly_404(
    serve: Callable[..., Served], token: str
) -> None:
    s = serve()
    s.token_of()  # A001 exists, but a number is never an address
    with s.client() as http:
        page = http.get(f"/t/{token}")
        api = http.get(f"/api/v1/tickets/{token}")
    assert page.status_code == 404
    assert "Không tìm thấy số thứ tự" in page.text and "lấy số mới" in page.text
    assert "<b>" not in page.text  # nothing of the address is echoed
    assert_secure(page)
    assert api.status_code == 404


def test_pages_work_without_javascript_and_keep_to_the_csp(serve: Callable[..., Served]) -> None:
    s = serve()
    token, _ = s.token_of()
    with s.client() as http:
        for path in (f"/t/{token}", "/board", "/manage"):
            html = http.get(path).text
            # No inline script or style (CSP default-src 'self'), nothing from elsewhere.
            assert all(' src="/static/' in tag for tag in re.findall(r"<script[^>]*>", html))
            assert "style=" not in html and "<style" not in html
            assert "http://" not in html and "https://" not in html
        ticket = http.get(f"/t/{token}").text
    assert '<noscript><meta http-equiv="refresh" content="15"></noscript>' in ticket


def test_every_page_with_its_css_and_script_weighs_at_most_60_kb(
    serve: Callable[..., Served],
) -> None:
    s = serve()
    token, _ = s.token_of()
    with s.client() as http:
        assets = sum(len(http.get(p).content) for p in ("/static/web.css", "/static/live.js"))
        for path in (f"/t/{token}", "/board", "/manage", "/t/nope-nope-nope-nope"):
            assert len(http.get(path).content) + assets <= 60 * 1024, path
        css = http.get("/static/web.css")
    assert css.headers["content-type"].startswith("text/css")
    assert f"--accent:{COLOURS.accent}" in css.text  # the screens' palette
    assert_secure(css)


def test_api_shapes(serve: Callable[..., Served]) -> None:
    s = serve()
    token, code = s.token_of()
    with s.client() as http:
        ticket = http.get(f"/api/v1/tickets/{token}")
        status = http.get("/api/v1/status")
    assert ticket.headers["cache-control"] == "no-store"
    body = ticket.json()
    assert set(body) == {
        "code",
        "field",
        "field_name",
        "field_name_en",
        "queue_field",
        "priority",
        "state",
        "business_day",
        "counter",
        "target_counter",
        "people_ahead",
        "estimated_wait_minutes",
        "counters_open",
        "issued_at",
        "called_at",
        "last_called_at",
        "recalls",
        "available",
    }
    assert (body["code"], body["state"], body["people_ahead"]) == (code, "waiting", 0)
    assert token not in ticket.text  # the address is never echoed
    expected = snapshot_json(s.service.snapshot(), s.config.zone)
    assert set(status.json()) == {*expected, "available"}
    assert status.json()["fields"][0]["waiting"] == 1


@pytest.mark.parametrize("shown", [False, True])
def test_the_status_names_officers_only_where_the_display_shows_them(
    serve: Callable[..., Served], shown: bool
) -> None:
    replace = {"[reports]": officers_toml() + "\n[reports]"}
    if shown:
        replace["show_officer = false"] = "show_officer = true"
    s = serve(**replace)
    s.writer.issue("hotich")
    s.writer.sign_in(1, "lan")
    s.writer.call_next(1)
    with s.client() as http:
        # The status is the server's last read, which follows the log on its own schedule:
        # ask until it has the call (a fast answer can come before that read).
        deadline = time.monotonic() + 10
        while True:
            counters = {c["number"]: c for c in http.get("/api/v1/status").json()["counters"]}
            if counters[1]["ticket"] is not None or time.monotonic() > deadline:
                break
            time.sleep(0.05)
    named = (counters[1]["officer"], counters[1]["officer_name"], counters[1]["ticket"]["officer"])
    assert named == (("lan", "Nguyễn Thị Lan", "lan") if shown else (None, "", None))


def test_the_stream_shows_the_call_within_a_second_and_recalls_announce_again(
    serve: Callable[..., Served],
) -> None:
    s = serve()
    token, code = s.token_of()
    with s.client() as http, http.stream("GET", f"/t/{token}/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-accel-buffering"] == "no"
        stream = Events(response)
        first, _ = stream.wait()
        assert "Đang chờ" in first["html"] and first["alert"] == ""
        s.writer.open_counter(3)  # not serving Hộ tịch: nothing new for this page
        s.writer.call_next(1)
        called, took = stream.wait(lambda m: "st-called" in m["html"])
        assert took < 1.0
        assert f"Mời số <b>{code}</b> đến quầy <b>1</b>" in called["html"]
        assert called["alert"]
        s.writer.recall(1)
        again, _ = stream.wait(lambda m: "Gọi lại lần 1" in m["html"])
        assert again["alert"] and again["alert"] != called["alert"]
        s.writer.start_service(1)
        stream.wait(lambda m: "Đang phục vụ tại quầy số 1" in m["html"])
        s.writer.complete(1)
        stream.wait(lambda m: "Đã hoàn thành" in m["html"])


def test_a_skipped_ticket_says_what_to_do(serve: Callable[..., Served]) -> None:
    s = serve()
    token, code = s.token_of()
    s.writer.call_next(1)
    s.writer.skip(1)
    with s.client() as http:
        html = http.get(f"/t/{token}").text
    assert f"Số {code} đã bị bỏ qua" in html and "quầy hướng dẫn" in html


def test_many_streams_cost_one_database_read_per_change(serve: Callable[..., Served]) -> None:
    s = serve()
    tokens = [s.token_of()[0] for _ in range(40)]
    with s.client() as http:
        streams = [http.stream("GET", f"/t/{t}/events") for t in tokens]
        opened = [Events(st.__enter__()) for st in streams]
        try:
            for events in opened:
                events.wait()
            before = s.web.hub.reads
            s.writer.call_next(1)
            for i, events in enumerate(opened[1:]):  # each moved up by one
                events.wait(lambda m, i=i: f'<dd class="ahead">{i}<' in m["html"])
            opened[0].wait(lambda m: "st-called" in m["html"])
            assert s.web.hub.reads - before <= 3
        finally:
            for st in streams:
                st.__exit__(None, None, None)


def test_board_page_shows_the_newest_call_large(serve: Callable[..., Served]) -> None:
    s = serve()
    _, code = s.token_of()
    s.writer.call_next(1)
    with s.client() as http, http.stream("GET", "/board/events") as response:
        message, _ = Events(response).wait(lambda m: code in m["html"])
        page = http.get("/board?lang=en").text
    assert f"MỜI SỐ <b>{code}</b> ĐẾN QUẦY <b>1</b>" in message["html"]
    assert f"NUMBER <b>{code}</b> TO COUNTER <b>1</b>" in page
    assert "Counter 6" in page


def test_pages_opened_together_share_the_next_read(serve: Callable[..., Served]) -> None:
    import asyncio

    s = serve()
    tokens = [s.token_of()[0] for _ in range(30)]

    async def open_all() -> list[int]:
        async with httpx.AsyncClient(base_url=s.url, timeout=10) as http:
            pages = await asyncio.gather(*(http.get(f"/t/{t}") for t in tokens))
        return [p.status_code for p in pages]

    lookups: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "page_token IN" in statement:
            lookups.append(statement)
            if len(lookups) == 1:
                # The first read is slow, as on a busy database: every page asked meanwhile
                # must wait for one next read, however the machine schedules the requests.
                time.sleep(0.5)

    event.listen(s.service.store.engine, "before_cursor_execute", count)
    try:
        assert asyncio.run(open_all()) == [200] * 30
    finally:
        event.remove(s.service.store.engine, "before_cursor_execute", count)
    assert 1 <= len(lookups) <= 4  # the server looked tickets up together, not once a page
