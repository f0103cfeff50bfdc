"""The ASGI application of `kiosk web` (Starlette): pages, event streams and the JSON API.

Read-only: every page reads through core (`snapshot`, `ticket_views`, the manager's report
for today) via the one `LiveHub`, and nothing here changes the queue.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from functools import partial
from importlib import resources
from typing import Any, Protocol
from urllib.parse import parse_qs

import anyio
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.responses import StreamingResponse as _StreamingResponse
from starlette.routing import Route

from kiosk.core.alerts import live_alerts
from kiosk.core.catalogue import Catalogue, Procedure
from kiosk.core.colours import COLOURS
from kiosk.core.config import Config
from kiosk.core.errors import UNAVAILABLE, KioskError
from kiosk.core.feed import ChangeFeed, open_feed
from kiosk.core.lockout import Lockout
from kiosk.core.model import Snapshot, TicketState, TicketView
from kiosk.core.queue import QueueService
from kiosk.core.ratings import LOW_LEVELS
from kiosk.core.reader import QueueReader
from kiosk.core.shapes import iso_time, snapshot_json
from kiosk.web import pages
from kiosk.web.guard import RateLimiter, SecurityHeaders, client_address
from kiosk.web.hub import LiveHub, LiveState
from kiosk.web.login import SESSION_COOKIE, ManagerLogin, refused, signed_in
from kiosk.web.texts import TEXTS, pick_language

log = logging.getLogger(__name__)

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
NO_STORE = {"Cache-Control": "no-store"}
#: A comment line keeps idle streams open through proxies and detects gone phones.
KEEPALIVE_SECONDS = 20.0
MAX_FORM_BYTES = 4096


class EventStream(_StreamingResponse):
    """text/event-stream that always watches for the client leaving (ends the stream at once,
    so its slot in the per-address limit is freed without waiting for the next message)."""

    media_type = "text/event-stream"

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async with anyio.create_task_group() as group:

            async def run(work: Callable[[], Any]) -> None:
                with contextlib.suppress(OSError):
                    await work()
                group.cancel_scope.cancel()

            group.start_soon(run, partial(self.stream_response, send))
            await run(partial(self.listen_for_disconnect, receive))


class Published(Protocol):
    """What an event stream follows: a hub publishing numbered states (LiveHub, CityHub)."""

    @property
    def state(self) -> Any: ...

    @property
    def stopped(self) -> bool: ...

    async def next_state(self, version: int, timeout: float) -> Any: ...


async def event_stream(
    request: Request,
    hub: Published,
    limits: RateLimiter,
    render: Callable[[Any], pages.Fragment | None],
    too_many: Callable[[Request, int], Response],
    *,
    opened: Callable[[], None] = lambda: None,
    closed: Callable[[], None] = lambda: None,
) -> Response:
    """An event stream sending `render(state)` whenever it differs from the last sent."""
    address = client_address(request.scope)
    if not limits.open_stream(address):
        return too_many(request, limits.retry_after(address))
    opened()

    async def events() -> AsyncIterator[str]:
        try:
            yield "retry: 3000\n\n"
            state = hub.state
            last = ""
            while True:
                fragment = render(state)
                if fragment is None:  # nothing to show any more (e.g. signed out)
                    yield "event: end\ndata: {}\n\n"
                    return
                data = json.dumps(
                    {"html": fragment.html, "alert": fragment.alert}, ensure_ascii=False
                )
                if data != last:
                    yield f"data: {data}\n\n"
                    last = data
                try:
                    state = await hub.next_state(state.version, KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield ": keepalive\n\n"
                if hub.stopped:
                    return
        finally:
            closed()
            limits.close_stream(address)

    return EventStream(
        events(), headers={**NO_STORE, "X-Accel-Buffering": "no", "Connection": "keep-alive"}
    )


def summarize_today(service: QueueReader) -> Callable[[Snapshot], Any]:
    """Today so far as the manager's report counts it (citizens, dossiers, wait p50/p90)."""
    from kiosk.reports.history import EmptyRange, HistoryFilter
    from kiosk.reports.report import build_report

    def summary(snap: Snapshot) -> Any:
        day = snap.business_day
        try:
            return build_report(
                service.store, service.config, HistoryFilter(day, day), today=day
            ).total
        except EmptyRange:
            return None

    return summary


class WebApp:
    """The pages and streams of one server (one service, one hub, one set of limits)."""

    def __init__(
        self,
        service: QueueReader,
        *,
        feed: Callable[[], ChangeFeed] | None = None,
        login: ManagerLogin | None = None,
        catalogue: Catalogue | None = None,
    ) -> None:
        self.service = service
        self.config: Config = service.config
        #: The procedures catalogue: a ticket taken for a procedure shows its checklist.
        self.catalogue = catalogue
        web = self.config.web
        self.hub = LiveHub(
            service,
            feed or (lambda: open_feed(service.store, service.site)),
            summarize=summarize_today(service),
        )
        self.limits = RateLimiter(web.requests_per_minute, web.streams_per_address)
        self.login = login or ManagerLogin(
            web.manager_password_hash,
            Lockout(service.store, service.site, service.business_day, service.clock),
        )
        self.secure_cookie = web.public_url.startswith("https://")

    # ------------------------------------------------------------------ plumbing

    def _rating_open(self, view: TicketView) -> bool:
        """Whether the ticket's page offers the faces: completed, not rated, in the window
        (the rules themselves are QueueService.rate's; this only decides what to show)."""
        t = view.ticket
        if t.state is not TicketState.COMPLETED or t.rating is not None or t.completed_at is None:
            return False
        window = timedelta(minutes=self.config.ratings.window_minutes)
        return self.service.clock.now() - t.completed_at <= window

    def _procedure(self, view: TicketView) -> Procedure | None:
        t = view.ticket
        if self.catalogue is None or not t.procedure:
            return None
        return self.catalogue.find(t.field, t.procedure)

    def asgi(self) -> Any:
        routes = [
            Route("/", self.home),
            Route("/t/{token}", self.ticket_page),
            Route("/t/{token}/events", self.ticket_events),
            Route("/t/{token}/rate", self.rate, methods=["POST"]),
            Route("/board", self.board_page),
            Route("/board/events", self.board_events),
            Route("/manage", self.manage_page),
            Route("/manage/login", self.manage_login, methods=["POST"]),
            Route("/manage/logout", self.manage_logout, methods=["POST"]),
            Route("/manage/events", self.manage_events),
            Route("/api/v1/status", self.api_status),
            Route("/api/v1/tickets/{token}", self.api_ticket),
        ]
        return asgi_app(routes, self.hub, self.limits, self._too_many)

    def _lang(self, request: Request) -> str:
        return request_language(request)

    def _page(
        self, body: str, *, lang: str, title: str, status: int = 200, **shell: Any
    ) -> HTMLResponse:
        html = pages.shell(self.config, lang=lang, title=title, body=body, **shell)
        return HTMLResponse(html, status_code=status, headers=NO_STORE)

    async def _stream(
        self,
        request: Request,
        render: Callable[[LiveState], pages.Fragment | None],
        *,
        opened: Callable[[], None] = lambda: None,
        closed: Callable[[], None] = lambda: None,
    ) -> Response:
        return await event_stream(
            request, self.hub, self.limits, render, self._too_many, opened=opened, closed=closed
        )

    def _too_many(self, request: Request, retry: int) -> Response:
        lang = self._lang(request)
        headers = {**NO_STORE, "Retry-After": str(retry)}
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "too_many_requests"}, 429, headers=headers)
        body = pages.notice_body(lang, "too_many")
        html = pages.shell(self.config, lang=lang, title="429", body=body, kind="error")
        return HTMLResponse(html, status_code=429, headers=headers)

    # ------------------------------------------------------------------ ticket pages

    async def home(self, request: Request) -> Response:
        return RedirectResponse("/board", status_code=302)

    async def _view(self, token: str) -> TicketView | None:
        if not TOKEN_RE.fullmatch(token):
            return None
        return await self.hub.view(token)

    async def ticket_page(self, request: Request) -> Response:
        lang = self._lang(request)
        token = request.path_params["token"]
        title = TEXTS["title_ticket"].get(lang)
        path = f"/t/{token}"
        try:
            view = await self._view(token)
        except KioskError:
            return self._page(
                pages.unavailable_body(lang),
                lang=lang,
                title=title,
                status=503,
                kind="ticket",
                path=path,
                stream=f"{path}/events?lang={lang}",
            )
        if view is None:
            return self._page(
                pages.unknown_ticket_body(lang), lang=lang, title=title, status=404, kind="ticket"
            )
        fragment = pages.ticket_fragment(
            self.config,
            view,
            lang,
            available=self.hub.state.available,
            procedure=self._procedure(view),
            rating_open=self._rating_open(view),
        )
        return self._page(
            fragment.html,
            lang=lang,
            title=f"{view.ticket.code} – {title}",
            status=404 if view.expired else 200,  # a friendly page, but no live ticket here
            kind="ticket",
            stream=f"{path}/events?lang={lang}",
            alert=fragment.alert,
            path=path,
            sound=not view.expired,
        )

    async def ticket_events(self, request: Request) -> Response:
        lang = self._lang(request)
        token = request.path_params["token"]
        try:
            first = await self._view(token)
        except KioskError:
            first = None
            if TOKEN_RE.fullmatch(token):  # database away: follow it, the page says so
                return await self._ticket_stream(request, token, lang, None)
        if first is None:
            return JSONResponse({"error": "unknown_ticket"}, 404, headers=NO_STORE)
        return await self._ticket_stream(request, token, lang, first)

    async def rate(self, request: Request) -> Response:
        """The four faces' form: a level (after a low one, the reasons first), recorded by
        QueueService.rate on channel "phone"; then back to the ticket's page."""
        lang = self._lang(request)
        token = request.path_params["token"]
        title = TEXTS["title_ticket"].get(lang)
        form = parse_qs((await small_body(request)).decode("utf-8", "replace"))
        level = (form.get("level") or [""])[0]
        reasons = tuple(form.get("reason") or ())
        try:
            view = await self._view(token)
        except KioskError:
            return self._page(
                pages.unavailable_body(lang), lang=lang, title=title, status=503, kind="ticket"
            )
        if view is None or not isinstance(self.service, QueueService):
            return self._page(
                pages.unknown_ticket_body(lang), lang=lang, title=title, status=404, kind="ticket"
            )
        low = {lv.value for lv in LOW_LEVELS}
        if level in low and form.get("final") != ["1"] and view.ticket.rating is None:
            body = pages.reasons_body(self.config, token, level, lang)
            return self._page(body, lang=lang, title=title, kind="ticket", path=f"/t/{token}")
        try:
            await run_in_threadpool(
                self.service.rate, view.ticket.id, level, channel="phone", reasons=reasons
            )
        except KioskError as exc:  # the rules refused it: say why above the ticket
            ticket = pages.ticket_fragment(self.config, view, lang, available=True)
            return self._page(
                pages.refusal(exc.message(lang)) + ticket.html,
                lang=lang,
                title=title,
                status=409,
                kind="ticket",
                path=f"/t/{token}",
            )
        await self.hub.refresh()  # the page it goes back to shows the thanks at once
        return RedirectResponse(f"/t/{token}?lang={lang}", status_code=303)

    async def _ticket_stream(
        self, request: Request, token: str, lang: str, first: TicketView | None
    ) -> Response:
        seen: list[TicketView | None] = [first]

        def render(state: LiveState) -> pages.Fragment | None:
            view = state.views.get(token) or seen[0]
            if view is None:
                return pages.Fragment(pages.unavailable_body(lang))
            seen[0] = view
            return pages.ticket_fragment(
                self.config,
                view,
                lang,
                available=state.available,
                procedure=self._procedure(view),
                rating_open=self._rating_open(view),
            )

        return await self._stream(
            request,
            render,
            opened=lambda: self.hub.watch(token),
            closed=lambda: self.hub.unwatch(token),
        )

    # ------------------------------------------------------------------ board

    def _board(self, state: LiveState, lang: str) -> pages.Fragment:
        if state.snapshot is None:
            return pages.Fragment(pages.unavailable_body(lang))
        return pages.board_fragment(self.config, state.snapshot, lang, available=state.available)

    async def board_page(self, request: Request) -> Response:
        lang = self._lang(request)
        fragment = self._board(self.hub.state, lang)
        return self._page(
            fragment.html,
            lang=lang,
            title=TEXTS["title_board"].get(lang),
            kind="board",
            stream=f"/board/events?lang={lang}",
            alert=fragment.alert,
            path="/board",
            sound=True,
        )

    async def board_events(self, request: Request) -> Response:
        lang = self._lang(request)
        return await self._stream(request, lambda state: self._board(state, lang))

    # ------------------------------------------------------------------ manager

    def _session(self, request: Request) -> str | None:
        session = request.cookies.get(SESSION_COOKIE)
        return session if self.login.valid(session) else None

    def _dashboard(self, state: LiveState, lang: str) -> pages.Fragment:
        snap = state.snapshot
        if snap is None:
            return pages.Fragment(pages.unavailable_body(lang))
        alerts = live_alerts(
            snap,
            snap.at,
            wait_target_minutes=self.config.reports.wait_target_minutes,
            paused_minutes=self.config.web.paused_alert_minutes,
        )
        return pages.manage_fragment(
            self.config, snap, state.summary, alerts, lang, available=state.available
        )

    async def manage_page(self, request: Request) -> Response:
        lang = self._lang(request)
        title = TEXTS["title_manage"].get(lang)
        if self._session(request) is None:
            body = pages.login_body(lang, enabled=self.login.enabled)
            return self._page(
                body, lang=lang, title=title, kind="manage", path="/manage", refresh=False
            )
        if self.hub.state.summary is None:
            self.hub.summary_watchers += 1
            try:
                await self.hub.refresh()
            finally:
                self.hub.summary_watchers -= 1
        fragment = self._dashboard(self.hub.state, lang)
        return self._page(
            fragment.html,
            lang=lang,
            title=title,
            kind="manage",
            stream=f"/manage/events?lang={lang}",
            path="/manage",
        )

    async def manage_login(self, request: Request) -> Response:
        lang = self._lang(request)
        body = await small_body(request)
        password = (parse_qs(body.decode("utf-8", "replace")).get("password") or [""])[0]
        try:
            result = await self.login.attempt(password)
        except KioskError:  # the database is away: nothing was checked, nothing counted
            return self._page(
                pages.login_body(lang, message=UNAVAILABLE.get(lang), enabled=self.login.enabled),
                lang=lang,
                title=TEXTS["title_manage"].get(lang),
                status=503,
                kind="manage",
            )
        if result.ok:
            return signed_in(
                f"/manage?lang={lang}",
                SESSION_COOKIE,
                result.session,
                secure=self.secure_cookie,
                path="/manage",
            )
        message, status = refused(result, lang)
        if not self.login.enabled:
            status = 403
        body_html = pages.login_body(lang, message=message, enabled=self.login.enabled)
        return self._page(
            body_html,
            lang=lang,
            title=TEXTS["title_manage"].get(lang),
            status=status,
            kind="manage",
            path="/manage",
            refresh=False,
        )

    async def manage_logout(self, request: Request) -> Response:
        self.login.logout(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse(f"/manage?lang={self._lang(request)}", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/manage")
        return response

    async def manage_events(self, request: Request) -> Response:
        lang = self._lang(request)
        session = self._session(request)
        if session is None:
            return JSONResponse({"error": "sign_in"}, 401, headers=NO_STORE)
        hub = self.hub

        def render(state: LiveState) -> pages.Fragment | None:
            if not self.login.valid(session):
                return None
            return self._dashboard(state, lang)

        def opened() -> None:
            hub.summary_watchers += 1

        def closed() -> None:
            hub.summary_watchers -= 1

        return await self._stream(request, render, opened=opened, closed=closed)

    # ------------------------------------------------------------------ JSON

    async def api_status(self, request: Request) -> Response:
        state = self.hub.state
        if state.snapshot is None:
            return JSONResponse({"error": "unavailable"}, 503, headers=NO_STORE)
        # Who works at which counter is public only where the display shows it too.
        officers = self.config.display.show_officer
        body = snapshot_json(state.snapshot, self.config.zone, officers=officers)
        body["available"] = state.available
        return JSONResponse(body, headers=NO_STORE)

    async def api_ticket(self, request: Request) -> Response:
        token = request.path_params["token"]
        try:
            view = await self._view(token)
        except KioskError:
            return JSONResponse({"error": "unavailable"}, 503, headers=NO_STORE)
        if view is None:
            return JSONResponse({"error": "unknown_ticket"}, 404, headers=NO_STORE)
        return JSONResponse(self.ticket_json(view), headers=NO_STORE)

    def ticket_json(self, view: TicketView) -> dict[str, Any]:
        """The shape of /api/v1/tickets/{token} (docs/web.md)."""
        t = view.ticket
        f = self.config.field(t.field)
        zone = self.config.zone

        def iso(moment: datetime | None) -> str | None:
            return iso_time(moment, zone)

        return {
            "code": t.code,
            "field": t.field,
            "field_name": f.name if f else t.field,
            "field_name_en": f.name_en if f else t.field,
            "queue_field": t.queue_field,
            "priority": t.priority,
            "state": "expired" if view.expired else t.state.value,
            "business_day": t.business_day.isoformat(),
            "counter": t.counter,
            "target_counter": t.target_counter,
            "people_ahead": view.people_ahead,
            "estimated_wait_minutes": view.estimated_wait_minutes,
            "counters_open": view.counters_open,
            "issued_at": iso(t.issued_at),
            "called_at": iso(t.called_at),
            "last_called_at": iso(t.last_called_at),
            "recalls": t.recalls,
            "available": self.hub.state.available,
        }


class Served(Protocol):
    """A hub an app starts and stops with its lifespan (LiveHub, CityHub)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def refresh(self) -> Any: ...


def asgi_app(
    routes: list[Route],
    hub: Served,
    limits: RateLimiter,
    too_many: Callable[[Request, int], Response],
    *,
    read_first: bool = True,
) -> Any:
    """The ASGI app of `routes` plus the stylesheet and script: the hub runs with its lifespan
    (with `read_first`, its first read is done before the first request is answered), security
    headers on every response, limits first."""
    css, js = stylesheet(), asset("live.js")

    async def static_css(request: Request) -> Response:
        return Response(css, media_type="text/css", headers=STATIC_HEADERS)

    async def static_js(request: Request) -> Response:
        return Response(js, media_type="text/javascript", headers=STATIC_HEADERS)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await hub.start()
        if read_first:
            await hub.refresh()
        try:
            yield
        finally:
            await hub.stop()

    every = [*routes, Route("/static/web.css", static_css), Route("/static/live.js", static_js)]
    app = Starlette(routes=every, lifespan=lifespan)
    app.add_middleware(SecurityHeaders)
    return Limited(app, limits, too_many)


def request_language(request: Request) -> str:
    """The page's language: `?lang=en`, else Vietnamese."""
    return pick_language(request.query_params.get("lang"))


STATIC_HEADERS = {"Cache-Control": "public, max-age=86400"}


def asset(name: str) -> str:
    return resources.files("kiosk.web").joinpath("static", name).read_text("utf-8")


def stylesheet() -> str:
    """web.css with the screens' palette (kiosk/core/colours.py) as CSS variables."""
    names = {f"--{k.replace('_', '-')}": v for k, v in vars(COLOURS).items()}
    root = ":root{" + ";".join(f"{k}:{v}" for k, v in names.items()) + "}\n"
    return root + asset("web.css")


async def small_body(request: Request) -> bytes:
    """The request body, at most MAX_FORM_BYTES (a login form is tiny)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            break
        chunks.append(chunk)
    return b"".join(chunks)


class Limited:
    """Outermost layer: one request of the client's bucket per request (429 when empty)."""

    def __init__(
        self, app: Any, limits: RateLimiter, too_many: Callable[[Request, int], Response]
    ) -> None:
        self.app = app
        self.limits = limits
        self.too_many = too_many

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            address = client_address(scope)
            if not self.limits.allow_request(address):
                request = Request(scope, receive)
                response = self.too_many(request, self.limits.retry_after(address))
                await SecurityHeaders(response)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(service: QueueReader, **options: Any) -> Any:
    """The ASGI app for `service` (its hub starts with the app's lifespan)."""
    return WebApp(service, **options).asgi()
