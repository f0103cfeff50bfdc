"""A real `kiosk web` server (uvicorn on a loopback port, in a thread) over a real SQLite file.

Tests talk to it over HTTP with httpx and change the queue through their own QueueService on
the same file, like the kiosk and counters would from their processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.core.config import Config, parse_config
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.web.app import WebApp
from kiosk.web.server import serve_in_thread
from tests.support import ALWAYS_OPEN, config_text


def web_config_text(web: str = "", **replace: str) -> str:
    """The shipped config, open all week, with its [web] table replaced by `web` lines."""
    text = config_text(**{**ALWAYS_OPEN, **replace})
    return text[: text.index("\n[web]")] + f"\n[web]\n{web}\n"


@dataclass
class Served:
    url: str
    web: WebApp
    service: QueueService  # the server's own service
    writer: QueueService  # another connection to the same file: "the kiosk and counters"
    config: Config

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10, **kwargs)

    def token_of(self, field: str = "hotich", *, priority: bool = False) -> tuple[str, str]:
        t = self.writer.issue(field, priority=priority).ticket
        assert t.page_token
        return t.page_token, t.code


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start servers for this test: `serve('requests_per_minute = 10')`."""
    with ExitStack() as stack:

        def start(web: str = "", *, catalogue: Any = None, **replace: str) -> Served:
            config = parse_config(web_config_text(web, **replace))
            url = f"sqlite:///{tmp_path / 'kiosk.db'}"
            store, writer_store = Store.open(url), Store.open(url)
            stack.callback(store.close)
            stack.callback(writer_store.close)
            service = QueueService(store, config)
            app = WebApp(service, catalogue=catalogue)
            base = stack.enter_context(serve_in_thread(app.asgi(), config.web))
            return Served(base, app, service, QueueService(writer_store, config), config)

        yield start


def sse_messages(response: httpx.Response) -> Iterator[dict[str, Any]]:
    """The `data:` messages of an event stream, decoded, as they arrive."""
    import json

    for line in response.iter_lines():
        if line.startswith("data: "):
            yield json.loads(line[6:])


class Events:
    """Reads one event stream's messages as they arrive (one reader per response)."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._messages = sse_messages(response)

    def wait(
        self, test: Callable[[dict[str, Any]], bool] = lambda m: True, timeout: float = 5.0
    ) -> tuple[dict[str, Any], float]:
        """The first message passing `test` and the seconds it took (fails after `timeout`)."""
        start = time.monotonic()
        for message in self._messages:
            if test(message):
                return message, time.monotonic() - start
            assert time.monotonic() - start < timeout, "no such message in time"
        raise AssertionError("the stream ended")
