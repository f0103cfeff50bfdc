"""`kiosk web --central URL`: the city centre's live view of every point (`/city`).

One background loop folds what the points shipped (kiosk.central.projection) and reads the
city (kiosk.central.city) every few seconds, one read at a time, and publishes the result;
every page, stream and API call renders that last state, so a thousand viewers cost one read
per refresh. When the centre cannot be reached the loop logs one line, keeps the last state
and the pages say how old it is; the next good read clears it.

The centre's data is not public: with `[web] manager_password_hash` set, every page and the
API need the head's sign-in (the same password and lockout as `/manage`); without one the
server only listens on this PC (`kiosk.web.command` refuses another address).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from kiosk.central.city import QUIET_MINUTES, City, city_json, refresh_and_read
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.config import Config
from kiosk.core.errors import DatabaseUnavailable, KioskError
from kiosk.core.lockout import Lockout
from kiosk.web import pages
from kiosk.web.app import NO_STORE, asgi_app, event_stream, request_language, small_body
from kiosk.web.guard import RateLimiter
from kiosk.web.hub import Publisher
from kiosk.web.login import ManagerLogin, refused, signed_in
from kiosk.web.texts import TEXTS

log = logging.getLogger(__name__)

#: Seconds between two refreshes of the city (each folds the new events, then reads).
REFRESH_SECONDS = 5.0
CITY_COOKIE = "kiosk_city"


@dataclass(frozen=True)
class CityState:
    """What the pages show: the last city read (None before the first) and whether the
    centre answered the last time it was asked."""

    version: int
    available: bool
    city: City | None
    #: When `city` was read (the server's clock).
    read_at: datetime | None = None
    #: Seconds the last good refresh took (fold and read).
    seconds: float = 0.0


class CityHub(Publisher[CityState]):
    """Refreshes the city every `refresh_seconds`, one refresh at a time, for every viewer."""

    def __init__(
        self,
        read: Callable[[], City],
        *,
        clock: Clock | None = None,
        refresh_seconds: float = REFRESH_SECONDS,
    ) -> None:
        self._read = read
        self.clock = clock or SystemClock()
        self.refresh_seconds = refresh_seconds
        super().__init__(CityState(0, True, None))
        self._lock = asyncio.Lock()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Refreshes made (tests: one per period, whatever the number of viewers).
        self.reads = 0

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._refresher(), name="city hub")

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.publish(self.state)  # wake every stream so it can end

    @property
    def stopped(self) -> bool:
        return self._stopping

    async def _refresher(self) -> None:
        while True:
            await self.refresh()
            await asyncio.sleep(self.refresh_seconds)

    async def refresh(self) -> CityState:
        """Fold and read now (after the refresh in progress, if any) and publish it."""
        async with self._lock:
            old = self.state
            started = time.monotonic()
            try:
                city = await asyncio.to_thread(self._read)
            except KioskError as exc:
                if old.available:
                    log.warning("the centre is unavailable: %s", exc.message_en)
                state = replace(old, version=old.version + 1, available=False)
            except Exception as exc:  # a failure the centre's errors do not explain: one line
                if old.available:
                    log.error("reading the centre failed: %s: %s", type(exc).__name__, exc)
                state = replace(old, version=old.version + 1, available=False)
            else:
                if not old.available:
                    log.warning("the centre is available again")
                self.reads += 1
                state = CityState(old.version + 1, True, city, city.at, time.monotonic() - started)
            self.publish(state)
            return state

    def refresh_from_thread(self, timeout: float = 60.0) -> CityState:
        """`refresh` called from another thread than the server's (tests, the benchmark)."""
        assert self._loop is not None, "the hub has not started"
        return asyncio.run_coroutine_threadsafe(self.refresh(), self._loop).result(timeout)


class CityApp:
    """The pages of `kiosk web --central`: /city, its stream, sign-in and /api/v1/city."""

    def __init__(self, config: Config, hub: CityHub, *, login: ManagerLogin | None = None) -> None:
        self.config = config
        self.hub = hub
        web = config.web
        self.limits = RateLimiter(web.requests_per_minute, web.streams_per_address)
        # No point database here: wrong passwords are counted in memory (a restart lifts it).
        self.login = login or ManagerLogin(
            web.manager_password_hash, Lockout(None, "centre", config.local_today, hub.clock)
        )
        self.secure_cookie = web.public_url.startswith("https://")
        #: The last rendered fragment per language, with the state's version it shows.
        self._rendered: dict[str, tuple[int, pages.Fragment]] = {}

    def asgi(self) -> Any:
        routes = [
            Route("/", self.home),
            Route("/city", self.city_page),
            Route("/city/events", self.city_events),
            Route("/city/login", self.city_login, methods=["POST"]),
            Route("/city/logout", self.city_logout, methods=["POST"]),
            Route("/api/v1/city", self.api_city),
        ]
        # The first read may fold a long backlog: the page says it is loading meanwhile.
        return asgi_app(routes, self.hub, self.limits, self._too_many, read_first=False)

    # ------------------------------------------------------------------ plumbing

    def _lang(self, request: Request) -> str:
        return request_language(request)

    def _page(self, body: str, *, lang: str, status: int = 200, **shell: Any) -> HTMLResponse:
        html = pages.shell(
            self.config,
            lang=lang,
            title=TEXTS["title_city"].get(lang),
            body=body,
            kind="citypage",
            path="/city",
            heading=TEXTS["city_heading"].get(lang),
            footer=TEXTS["city_foot"].get(lang),
            **shell,
        )
        return HTMLResponse(html, status_code=status, headers=NO_STORE)

    def _too_many(self, request: Request, retry: int) -> Response:
        headers = {**NO_STORE, "Retry-After": str(retry)}
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "too_many_requests"}, 429, headers=headers)
        lang = self._lang(request)
        return self._page(pages.notice_body(lang, "too_many"), lang=lang, status=429)

    def _signed_in(self, request: Request) -> str | None:
        """The session, or "" when no password is set (the server then serves this PC only);
        None: sign in first."""
        if not self.login.enabled:
            return ""
        session = request.cookies.get(CITY_COOKIE)
        return session if self.login.valid(session) else None

    def fragment(self, state: CityState, lang: str) -> pages.Fragment:
        """The page's content for `state` (rendered once per state and language while the
        centre answers; while it does not, again each time, since its age changes)."""
        known = self._rendered.get(lang)
        if state.available and known is not None and known[0] == state.version:
            return known[1]
        fragment = pages.city_fragment(
            state.city,
            lang,
            self.config.zone,
            available=state.available,
            read_at=state.read_at,
            now=self.hub.clock.now(),
        )
        if state.available:
            self._rendered[lang] = (state.version, fragment)
        return fragment

    # ------------------------------------------------------------------ pages

    async def home(self, request: Request) -> Response:
        return RedirectResponse("/city", status_code=302)

    async def city_page(self, request: Request) -> Response:
        lang = self._lang(request)
        if self._signed_in(request) is None:
            return self._login(lang)
        state = self.hub.state
        return self._page(
            self.fragment(state, lang).html,
            lang=lang,
            status=200 if state.city is not None else 503,
            stream=f"/city/events?lang={lang}",
        )

    def _login(self, lang: str, message: str = "", status: int = 200) -> Response:
        body = pages.login_body(lang, message=message, action="/city/login", title="title_city")
        return self._page(body, lang=lang, status=status, refresh=False)

    async def city_events(self, request: Request) -> Response:
        lang = self._lang(request)
        session = self._signed_in(request)
        if session is None:
            return JSONResponse({"error": "sign_in"}, 401, headers=NO_STORE)

        def render(state: CityState) -> pages.Fragment | None:
            if session and not self.login.valid(session):
                return None
            return self.fragment(state, lang)

        return await event_stream(request, self.hub, self.limits, render, self._too_many)

    async def city_login(self, request: Request) -> Response:
        lang = self._lang(request)
        body = await small_body(request)
        password = (parse_qs(body.decode("utf-8", "replace")).get("password") or [""])[0]
        if not self.login.enabled:
            return RedirectResponse(f"/city?lang={lang}", status_code=303)
        result = await self.login.attempt(password)
        if result.ok:
            to = f"/city?lang={lang}"
            return signed_in(to, CITY_COOKIE, result.session, secure=self.secure_cookie, path="/")
        return self._login(lang, *refused(result, lang))

    async def city_logout(self, request: Request) -> Response:
        self.login.logout(request.cookies.get(CITY_COOKIE))
        response = RedirectResponse(f"/city?lang={self._lang(request)}", status_code=303)
        response.delete_cookie(CITY_COOKIE, path="/")
        return response

    async def api_city(self, request: Request) -> Response:
        if self._signed_in(request) is None:
            return JSONResponse({"error": "sign_in"}, 401, headers=NO_STORE)
        state = self.hub.state
        if state.city is None:
            return JSONResponse({"error": "unavailable"}, 503, headers=NO_STORE)
        body = city_json(state.city, self.config.zone)
        body["available"] = state.available
        age = max(0.0, (self.hub.clock.now() - state.city.at).total_seconds())
        body["age_seconds"] = round(age)
        return JSONResponse(body, headers=NO_STORE)


def central_app(
    config: Config,
    url: str,
    *,
    clock: Clock | None = None,
    quiet_minutes: float = QUIET_MINUTES,
    refresh_seconds: float = REFRESH_SECONDS,
) -> CityApp:
    """The city app over the centre at `url` (its hub starts with the app's lifespan)."""
    clock = clock or SystemClock()

    def read() -> City:
        return refresh_and_read(url, clock.now(), quiet_minutes=quiet_minutes)

    return CityApp(config, CityHub(read, clock=clock, refresh_seconds=refresh_seconds))


@dataclass(frozen=True)
class CityTiming:
    """`/city` timed over HTTP (the benchmark's numbers), in milliseconds."""

    points: int
    requests: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    #: One refresh of the city: folding nothing new and reading every point.
    refresh_ms: float
    html_bytes: int


def time_city_page(
    config: Config, url: str, *, requests: int = 100, lang: str = "vi"
) -> CityTiming:
    """Serve the centre at `url` on a loopback port, refresh once, then time `requests` GETs
    of /city (what benchmarks/bench_city.py reports). Needs no password in `config`."""
    import httpx

    from kiosk.web.server import serve_in_thread

    app = central_app(config, url, refresh_seconds=3600)
    with serve_in_thread(app.asgi(), config.web) as base:
        app.hub.refresh_from_thread(600)  # the first one may fold a backlog
        state = app.hub.refresh_from_thread(600)
        if state.city is None or not state.available:
            raise DatabaseUnavailable()
        times = []
        with httpx.Client(base_url=base, timeout=30) as http:
            size = len(http.get(f"/city?lang={lang}").content)  # warm up
            for _ in range(requests):
                started = time.perf_counter()
                http.get(f"/city?lang={lang}").raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return CityTiming(
        points=len(state.city.points),
        requests=requests,
        p50_ms=statistics.median(times),
        p95_ms=times[min(len(times) - 1, int(len(times) * 0.95))],
        max_ms=times[-1],
        refresh_ms=state.seconds * 1000,
        html_bytes=size,
    )
