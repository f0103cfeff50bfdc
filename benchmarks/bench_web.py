"""kiosk web: 2,000 live ticket pages and a call, ticket pages at 200 requests/s, memory.

A real `kiosk web` process on loopback (SQLite). 2,000 tickets of one field each have an
open event stream; a counter calls the next ticket in this process, and every stream gets
its update (people ahead minus one, or the call itself). Then the ticket page is fetched at
a steady 200 requests/s over keep-alive connections. Bounded: a fixed number of calls and
requests, every wait with a deadline.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from benchmarks.point import always_open_config_text
from benchmarks.result import Result, percentile
from kiosk.core.config import parse_config
from kiosk.core.queue import QueueService
from kiosk.core.store import Store

STREAMS = 2000
CALLS = 5
RATE = 200  # ticket page requests per second
PAGE_SECONDS = 10
WARMUP_SECONDS = 1
CONNECTIONS = 16
DEADLINE_S = 30.0
PORT = 18931


def _config_text() -> str:
    text = always_open_config_text()
    # All requests come from 127.0.0.1 here: lift the per-address limits for the benchmark.
    return text[: text.index("\n[web]")] + (
        f'\n[web]\nbind = "127.0.0.1:{PORT}"\nrequests_per_minute = 1000000\n'
        "streams_per_address = 100000\n"
    )


class Stream:
    """One phone's event stream: the time of each `data:` message it got."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.messages: list[tuple[float, bytes]] = []
        self.got = asyncio.Event()

    async def run(self) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
        writer.write(
            f"GET /t/{self.token}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        await writer.drain()
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                if line.startswith(b"data: "):
                    self.messages.append((time.monotonic(), line))
                    self.got.set()
        finally:
            writer.close()


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def _streams(
    service: QueueService, tokens: list[str]
) -> tuple[list[float], float, list[float], int]:
    """Open every stream, make CALLS calls (the delays until each stream saw each one), then
    fetch ticket pages while the streams stay open."""
    streams = [Stream(t) for t in tokens]
    tasks = []
    start = time.monotonic()
    for i in range(0, len(streams), 200):
        tasks += [asyncio.create_task(s.run()) for s in streams[i : i + 200]]
        await asyncio.sleep(0.05)
    await asyncio.wait_for(asyncio.gather(*(s.got.wait() for s in streams)), DEADLINE_S)
    opened = time.monotonic() - start
    delays: list[float] = []
    loop = asyncio.get_running_loop()
    waiting = list(streams)
    for _ in range(CALLS):
        await asyncio.sleep(0.5)
        counts = [len(s.messages) for s in waiting]
        called = await loop.run_in_executor(None, service.call_next, 1)
        at = time.monotonic()
        deadline = at + DEADLINE_S
        while any(len(s.messages) <= n for s, n in zip(waiting, counts, strict=True)):
            if time.monotonic() > deadline:
                raise RuntimeError("some streams never got the call")
            await asyncio.sleep(0.01)
        delays += [s.messages[n][0] - at for s, n in zip(waiting, counts, strict=True)]
        # The called ticket's page is done with the queue; every other one moved up.
        waiting = [s for s in waiting if s.token != called.page_token]
        await loop.run_in_executor(None, service.complete, 1)
    await asyncio.sleep(1.0)
    # The pages are fetched while the 2,000 phones still follow theirs.
    page_latencies, failures = await _pages(tokens)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return delays, opened, page_latencies, failures


async def _pages(tokens: list[str]) -> tuple[list[float], int]:
    """GET /t/{token} at RATE per second for PAGE_SECONDS; each request's latency."""
    conns = [await asyncio.open_connection("127.0.0.1", PORT) for _ in range(CONNECTIONS)]
    free: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for c in conns:
        free.put_nowait(c)
    latencies: list[float] = []
    failures = 0

    async def one(due: float, token: str) -> None:
        nonlocal failures
        conn = await free.get()
        try:
            status = await _get(*conn, f"/t/{token}")
            latencies.append(time.monotonic() - due)
            failures += status != 200
        finally:
            free.put_nowait(conn)

    start = time.monotonic() + 0.2
    jobs = []
    for i in range(RATE * (WARMUP_SECONDS + PAGE_SECONDS)):
        due = start + i / RATE
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        if i == RATE * WARMUP_SECONDS:
            await asyncio.gather(*jobs)
            latencies.clear()
        jobs.append(asyncio.create_task(one(due, random.choice(tokens))))
    await asyncio.wait_for(asyncio.gather(*jobs), DEADLINE_S)
    for _, writer in conns:
        writer.close()
    return latencies, failures


def run() -> list[Result]:
    random.seed(2026)
    with tempfile.TemporaryDirectory() as tmp:
        config_path = Path(tmp) / "kiosk.toml"
        config_path.write_text(_config_text(), encoding="utf-8")
        config = parse_config(config_path.read_text(encoding="utf-8"))
        url = f"sqlite:///{Path(tmp) / 'kiosk.db'}"
        store = Store.open(url)
        service = QueueService(store, config)
        tokens = [service.issue("hotich").ticket.page_token or "" for _ in range(STREAMS + 10)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        log = (Path(tmp) / "web.log").open("wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli", "--config", str(config_path), "--db", url, "web"],
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            proc = psutil.Process(server.pid)
            deadline = time.monotonic() + 20
            while not any(c.laddr.port == PORT for c in proc.net_connections("tcp")):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((Path(tmp) / "web.log").read_text())
                time.sleep(0.1)
            cpu0 = proc.cpu_times()
            rss_idle = proc.memory_info().rss / 2**20
            delays, opened, page_latencies, failures = asyncio.run(
                _streams(service, tokens[:STREAMS])
            )
            rss = proc.memory_info().rss / 2**20
            cpu = sum(proc.cpu_times()[:2]) - sum(cpu0[:2])
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(5)
            store.close()
    p99 = percentile(delays, 99) * 1000
    page_p99 = percentile(page_latencies, 99) * 1000
    return [
        Result(
            f"call → all {STREAMS} ticket streams updated, p99",
            p99,
            "ms",
            "≤ 1000 ms",
            p99 <= 1000,
            f"{CALLS} calls; p50 {percentile(delays, 50) * 1000:.0f} ms, "
            f"max {max(delays) * 1000:.0f} ms; opening all streams took {opened:.1f} s",
        ),
        Result(
            f"ticket page at {RATE} requests/s, p99",
            page_p99,
            "ms",
            "≤ 30 ms",
            page_p99 <= 30 and failures == 0,
            f"{len(page_latencies)} requests over {CONNECTIONS} keep-alive connections after "
            f"{WARMUP_SECONDS} s of warm-up, with the {STREAMS} streams still open; "
            f"p50 {percentile(page_latencies, 50) * 1000:.1f} ms, {failures} not 200",
        ),
        Result(
            "server memory (RSS) with 2,000 streams open",
            rss,
            "MB",
            "≤ 300 MB",
            rss <= 300,
            f"{rss_idle:.0f} MB before the streams opened, so about "
            f"{(rss - rss_idle) * 1024 / STREAMS:.0f} KB per open stream; "
            f"server CPU {cpu:.1f} s over the whole run",
        ),
    ]
