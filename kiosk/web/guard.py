"""What every response gets: security headers, and limits per client address.

Requests are limited by a token bucket per address (`web.requests_per_minute`, refilled
continuously), open event streams by a count per address (`web.streams_per_address`). The
address is the TCP peer, or the one a trusted reverse proxy names (uvicorn's proxy headers,
`web.trusted_proxies`). Memory stays bounded: idle addresses are forgotten.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'; object-src 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """Adds the security headers to every response (CSP `default-src 'self'`, nosniff, …)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """Token buckets of requests and counts of open streams, per client address."""

    def __init__(
        self,
        requests_per_minute: int,
        streams_per_address: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = float(requests_per_minute)
        self.rate = requests_per_minute / 60.0
        self.max_streams = streams_per_address
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._streams: dict[str, int] = {}
        self._next_sweep = 0.0

    def allow_request(self, address: str) -> bool:
        """Take one request from the address's bucket (False: over the limit)."""
        now = self._clock()
        self._sweep(now)
        b = self._buckets.get(address)
        if b is None:
            b = self._buckets[address] = _Bucket(self.capacity, now)
        b.tokens = min(self.capacity, b.tokens + (now - b.at) * self.rate)
        b.at = now
        if b.tokens < 1.0:
            return False
        b.tokens -= 1.0
        return True

    def retry_after(self, address: str) -> int:
        """Seconds until the address may make a request again."""
        b = self._buckets.get(address)
        missing = 1.0 - (b.tokens if b else 1.0)
        return max(1, int(missing / self.rate + 0.999))

    def open_stream(self, address: str) -> bool:
        """Count a new event stream of the address (False: it has too many open)."""
        n = self._streams.get(address, 0)
        if n >= self.max_streams:
            return False
        self._streams[address] = n + 1
        return True

    def close_stream(self, address: str) -> None:
        n = self._streams.get(address, 0) - 1
        if n > 0:
            self._streams[address] = n
        else:
            self._streams.pop(address, None)

    def streams(self, address: str) -> int:
        return self._streams.get(address, 0)

    def _sweep(self, now: float) -> None:
        """Forget addresses whose bucket is full again (they would start full anyway)."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + 60.0
        full = self.capacity / self.rate if self.rate else 0.0
        for address in [a for a, b in self._buckets.items() if now - b.at >= full]:
            del self._buckets[address]


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"
