"""Limits per client address, and the manager's sign-in (lockout, cookie, sign-out)."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from kiosk.core.pin import hash_pin
from kiosk.web.guard import RateLimiter
from tests.web.conftest import Events, Served

PASSWORD = "mật-khẩu-đủ-dài"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_per_address_refills_with_time() -> None:
    clock = Clock()
    limits = RateLimiter(requests_per_minute=60, streams_per_address=2, clock=clock)
    assert all(limits.allow_request("10.0.0.1") for _ in range(60))
    assert not limits.allow_request("10.0.0.1")
    assert limits.retry_after("10.0.0.1") == 1
    assert limits.allow_request("10.0.0.2")  # another phone is not affected
    clock.now += 2.0  # one request a second comes back
    assert limits.allow_request("10.0.0.1") and limits.allow_request("10.0.0.1")
    assert not limits.allow_request("10.0.0.1")


def test_idle_addresses_are_forgotten() -> None:
    clock = Clock()
    limits = RateLimiter(requests_per_minute=60, streams_per_address=2, clock=clock)
    for n in range(1000):
        limits.allow_request(f"10.0.{n // 250}.{n % 250}")
    clock.now += 120
    limits.allow_request("10.9.9.9")
    assert len(limits._buckets) == 1


def test_too_many_requests_from_one_address_get_429_with_retry_after(
    serve: Callable[..., Served],
) -> None:
    s = serve("requests_per_minute = 10")
    token, _ = s.token_of()
    with s.client() as http:
        codes = [http.get(f"/t/{token}").status_code for _ in range(10)]
        refused = http.get(f"/t/{token}")
        api = http.get("/api/v1/status")
    assert codes == [200] * 10
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "Quá nhiều yêu cầu" in refused.text
    assert "default-src 'self'" in refused.headers["content-security-policy"]
    assert api.status_code == 429 and api.json() == {"error": "too_many_requests"}


def test_open_streams_per_address_are_capped_and_freed_when_a_page_closes(
    serve: Callable[..., Served],
) -> None:
    s = serve("streams_per_address = 2")
    token, _ = s.token_of()
    with s.client() as http:
        first = http.stream("GET", f"/t/{token}/events")
        second = http.stream("GET", "/board/events")
        readers = [Events(first.__enter__()), Events(second.__enter__())]  # keep them open
        for reader in readers:
            reader.wait()
        third = http.get("/board/events")
        assert third.status_code == 429
        first.__exit__(None, None, None)  # the phone leaves: its slot comes back
        deadline = time.monotonic() + 5
        while s.web.limits.streams("127.0.0.1") > 1:
            assert time.monotonic() < deadline, "the closed stream was never noticed"
            time.sleep(0.02)
        with http.stream("GET", f"/t/{token}/events") as again:
            assert again.status_code == 200
            Events(again).wait()
        second.__exit__(None, None, None)


def _login(http: httpx.Client, password: str) -> httpx.Response:
    return http.post("/manage/login", data={"password": password})


def test_manage_needs_the_password_and_locks_after_repeated_failures(
    serve: Callable[..., Served],
) -> None:
    s = serve(f'manager_password_hash = "{hash_pin(PASSWORD, iterations=1000)}"')
    with s.client() as http:
        login_page = http.get("/manage")
        assert 'type="password"' in login_page.text and "Đăng nhập" in login_page.text
        assert http.get("/manage/events").status_code == 401
        wrong = [_login(http, f"sai-{n}").status_code for n in range(5)]
        assert wrong == [401, 401, 401, 401, 429]
        locked = _login(http, PASSWORD)  # even the right password waits out the lock
        assert locked.status_code == 429 and "đã khoá, thử lại sau 1 phút" in locked.text
        assert "kiosk_manage" not in http.cookies


def test_sign_in_gives_an_httponly_strict_cookie_and_sign_out_ends_it(
    serve: Callable[..., Served],
) -> None:
    s = serve(f'manager_password_hash = "{hash_pin(PASSWORD, iterations=1000)}"')
    s.token_of()
    with s.client() as http:
        signed = _login(http, PASSWORD)
        assert signed.status_code == 303
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/manage" in cookie
        board = http.get("/manage")
        assert "Lượt công dân hôm nay" in board.text and "Hộ tịch" in board.text
        assert board.headers["cache-control"] == "no-store"
        with http.stream("GET", "/manage/events") as stream:
            message, _ = Events(stream).wait()
        assert "Không có cảnh báo" in message["html"]
        http.post("/manage/logout")
        assert 'type="password"' in http.get("/manage").text
        session = signed.cookies["kiosk_manage"]
        stolen = httpx.Client(base_url=s.url, cookies={"kiosk_manage": session})
        with stolen:
            assert stolen.get("/manage/events").status_code == 401


def test_manage_is_off_without_a_password(serve: Callable[..., Served]) -> None:
    s = serve()
    with s.client() as http:
        assert "kiosk config set-web-password" in http.get("/manage").text
        assert _login(http, "").status_code == 403
