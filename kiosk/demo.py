"""`kiosk demo`: the whole point working on a fresh demo database, each role its own process.

It writes a demo config (open around the clock, tickets printed to a file) and a database
seeded with a morning of citizens in a folder (`.demo/` by default), then starts the kiosk
(when `kiosk.app` exists), the wall display and six counter consoles as child processes,
tiled on the screen. Closing the launcher window or Ctrl+C stops them all; a child that
crashes is reported. `--smoke` runs the same processes headless and checks that a ticket
goes through issue → call → display → complete (exit 0 or 1), for CI and bundle tests.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.core.errors import KioskError, NoOneWaiting

if TYPE_CHECKING:  # the CLI imports this module for every command: keep it light
    from kiosk.core.clock import ManualClock
    from kiosk.core.config import Config
    from kiosk.core.queue import QueueService

log = logging.getLogger(__name__)

DEFAULT_DIR = ".demo"
SHIPPED_HOURS = (
    'days = ["mon", "tue", "wed", "thu", "fri", "sat"]\nperiods = ["07:30-11:30", "13:30-17:00"]'
)
DEMO_HOURS = 'days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]\nperiods = ["00:00-24:00"]'

#: Share of citizens per field on a commune morning (civil status and copies dominate).
FIELD_WEIGHTS = {
    "hotich": 30,
    "chungthuc": 25,
    "datdai": 9,
    "xahoi": 10,
    "tuphap": 8,
    "kinhte": 7,
    "ketqua": 14,
}


# ---------------------------------------------------------------------------- a busy morning


@dataclass
class _Desk:
    number: int
    free_at: datetime
    dossiers: int = 1
    holding: bool = False


@dataclass
class MorningSummary:
    issued: int = 0
    called: int = 0
    completed: int = 0
    skipped: int = 0
    recalled: int = 0
    codes: list[str] = field(default_factory=list)


def simulate_morning(
    service: QueueService,
    clock: ManualClock,
    until: datetime,
    *,
    seed: int = 2026,
    arrivals_per_minute: float = 0.9,
) -> MorningSummary:
    """Citizens arrive and six clerks serve them from `clock.now()` to `until`.

    Ends with every open counter holding a ticket and a fresh call, like a busy mid-morning.
    Drives only QueueService, as the real consoles do, so the log is a real day's log.
    """
    rnd = random.Random(seed)
    cfg = service.config
    codes = [f.code for f in cfg.fields]
    weights = [FIELD_WEIGHTS.get(c, 5) for c in codes]
    desks = [_Desk(c.number, clock.now()) for c in cfg.counters]
    summary = MorningSummary()
    next_arrival = clock.now()
    step = timedelta(seconds=20)
    while clock.now() < until:
        now = clock.now()
        while next_arrival <= now:
            field_code = rnd.choices(codes, weights)[0]
            try:
                issued = service.issue(field_code, priority=rnd.random() < 0.08)
            except KioskError:
                pass
            else:
                summary.issued += 1
                summary.codes.append(issued.ticket.code)
            next_arrival += timedelta(minutes=rnd.expovariate(arrivals_per_minute))
        for desk in desks:
            if desk.free_at > now:
                continue
            if desk.holding:
                if rnd.random() < 0.05:
                    service.skip(desk.number)
                    summary.skipped += 1
                else:
                    service.complete(desk.number, dossiers=desk.dossiers)
                    summary.completed += 1
                desk.holding = False
            try:
                t = service.call_next(desk.number)
            except NoOneWaiting:
                desk.free_at = now + timedelta(minutes=1)
                continue
            desk.holding = True
            summary.called += 1
            # Tickets are issued (and never transferred) here from cfg's own fields.
            minutes = cfg.field(t.queue_field).service_minutes  # type: ignore[union-attr]
            desk.free_at = now + timedelta(minutes=max(1.0, rnd.gauss(minutes, minutes / 3)))
            desk.dossiers = rnd.choices([1, 2, 3], [70, 22, 8])[0]
        clock.advance(seconds=step.total_seconds())
    # The picture of a busy moment: one citizen recalled, every counter serving someone,
    # and the counter that finished first calling the next number just now.
    recall = next((d for d in desks if d.holding), None)
    if recall is not None:
        service.recall(recall.number)
        summary.recalled += 1
    for desk in sorted(desks, key=lambda d: d.free_at):
        clock.advance(seconds=9)
        if desk.holding and desk is not recall and desk.free_at <= clock.now() + step:
            service.complete(desk.number, dossiers=desk.dossiers)
            summary.completed += 1
            desk.holding = False
        if not desk.holding:
            try:
                service.call_next(desk.number)
                desk.holding = True
                summary.called += 1
            except NoOneWaiting:
                pass
    return summary


# ---------------------------------------------------------------------------- demo folder


#: `kiosk web` of the demo listens on the first free port from here (on this PC only).
DEMO_WEB_PORT = 8080


def free_web_port(first: int = DEMO_WEB_PORT, tries: int = 20) -> int:
    """The first port from `first` that nothing on this PC listens on (loopback)."""
    import socket

    for port in range(first, first + tries):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return first


def demo_config_text(folder: Path, web_port: int = DEMO_WEB_PORT) -> str:
    """The shipped config, open around the clock, printing into the demo folder, its ticket
    pages served on this PC (the printed QR codes open them)."""
    from kiosk.core.config import default_config_text

    text = default_config_text()
    if SHIPPED_HOURS not in text:
        raise KioskError(
            "Cấu hình mặc định đã thay đổi; không tạo được cấu hình demo",
            "The shipped default config changed; cannot derive the demo config",
        )
    text = text.replace(SHIPPED_HOURS, DEMO_HOURS)
    target = (folder / "tickets.escpos").as_posix()
    text = text.replace('file_path = ""', f'file_path = "{target}"')
    text = text.replace("fullscreen = true", "fullscreen = false")
    web = f"http://127.0.0.1:{web_port}"
    text = text.replace('bind = "127.0.0.1:8080"', f'bind = "127.0.0.1:{web_port}"', 1)
    text = text.replace('public_url = ""', f'public_url = "{web}"', 1)
    return text


@dataclass(frozen=True)
class DemoFolder:
    folder: Path
    config_path: Path
    db_url: str
    config: Config
    #: The page of a ticket still waiting in the seeded morning (None when empty).
    sample_page: str | None = None


def prepare_demo(folder: Path, *, seed: bool = True) -> DemoFolder:
    """Write the demo config and a fresh database (seeded with a morning unless told not)."""
    from kiosk.core.clock import ManualClock
    from kiosk.core.config import parse_config
    from kiosk.core.files import check_folder, write_atomic
    from kiosk.core.queue import QueueService
    from kiosk.core.store import Store

    folder = check_folder(folder.expanduser().resolve(), create=True, parents=True)
    cfg_path = folder / "kiosk.toml"
    text = demo_config_text(folder, free_web_port())
    write_atomic(cfg_path, text)
    cfg = parse_config(text, str(cfg_path))
    db = folder / "kiosk.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    for sub in ("announcements", "state"):
        shutil.rmtree(folder / sub, ignore_errors=True)
    (folder / "tickets.escpos").unlink(missing_ok=True)
    url = f"sqlite:///{db.as_posix()}"
    store = Store.open(url)
    sample = None
    try:
        if seed:
            # A morning that ends a minute ago: the live processes carry on from there.
            now = datetime.now(cfg.zone)
            start = now - timedelta(hours=2)
            clock = ManualClock(start)
            simulate_morning(
                QueueService(store, cfg, clock),
                clock,
                now - timedelta(minutes=1),
                arrivals_per_minute=0.6,
            )
            waiting = QueueService(store, cfg).waiting()
            if waiting:
                sample = cfg.web.page_url(waiting[-1].page_token)
    finally:
        store.close()
    return DemoFolder(folder, cfg_path, url, cfg, sample)


# ---------------------------------------------------------------------------- processes


@dataclass
class Child:
    name: str
    argv: list[str]
    proc: subprocess.Popen[bytes] | None = None
    env: dict[str, str] | None = None  # added to the group's environment
    reported: bool = False

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def kiosk_argv(demo: DemoFolder, *args: str) -> list[str]:
    """`kiosk --config … --db … ARGS`: this interpreter, or the bundled executable itself."""
    program = (
        [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "kiosk.cli"]
    )
    return [
        *program,
        "--config",
        str(demo.config_path),
        "--db",
        demo.db_url,
        *args,
    ]


def has_kiosk_app() -> bool:
    """True when the touchscreen kiosk (`kiosk.app`) is installed in this build."""
    try:
        return importlib.util.find_spec("kiosk.app") is not None
    except ModuleNotFoundError:
        return False


def kiosk_takes_geometry() -> bool:
    """Whether this build's `kiosk run` accepts --geometry (the kiosk is built separately)."""
    import argparse as ap

    from kiosk.cli import build_parser

    for action in build_parser()._actions:
        if isinstance(action, ap._SubParsersAction) and "run" in action.choices:
            return "--geometry" in action.choices["run"]._option_string_actions
    return False


def tile_geometry(
    screen_w: int, screen_h: int, counters: int, *, kiosk: bool = True
) -> dict[str, tuple[int, int, int, int]]:
    """Window rectangles (x, y, w, h) on one screen.

    Top half: the wall display (and the kiosk beside it). Bottom half: the consoles fanned
    out from left to right like cards, each showing at least its "QUẦY N" title; a click
    brings one to the front.
    """
    top_h = screen_h // 2
    geo: dict[str, tuple[int, int, int, int]] = {}
    if kiosk:
        geo["display"] = (0, 0, screen_w // 2, top_h)
        geo["kiosk"] = (screen_w // 2, 0, screen_w - screen_w // 2, top_h)
    else:
        geo["display"] = (0, 0, screen_w, top_h)
    w = min(screen_w, max(640, min(960, screen_w * 47 // 100)))
    h = screen_h - top_h
    step = (screen_w - w) // max(1, counters - 1)
    for i in range(counters):
        geo[f"counter{i + 1}"] = (i * step, top_h, w, h)
    return geo


#: The screen the kiosk's layout is made for (landscape); see kiosk/app/layout.py.
KIOSK_SCREEN = (1920, 1080)


def demo_children(
    demo: DemoFolder, geometry: dict[str, tuple[int, int, int, int]], *, headless: bool = False
) -> list[Child]:
    def geo(name: str) -> list[str]:
        g = geometry.get(name)
        return ["--geometry", "{2}x{3}+{0}+{1}".format(*g)] if g else []

    state = demo.folder / "state"
    children = []
    if has_kiosk_app() and not headless:
        extra: list[str] = []
        scaled: dict[str, str] | None = None
        tile = geometry.get("kiosk")
        if tile and kiosk_takes_geometry():
            # The kiosk's type scale is made for a real kiosk screen (1920×1080 or larger):
            # in a smaller demo tile, Qt scales the whole kiosk down instead of cramping it.
            x, y, w, h = tile
            scale = min(1.0, w / KIOSK_SCREEN[0], h / KIOSK_SCREEN[1])
            if scale < 1.0:
                scaled = {"QT_SCALE_FACTOR": f"{scale:.4f}"}
                tile = (round(x / scale), round(y / scale), round(w / scale), round(h / scale))
            extra = ["--geometry", "{2}x{3}+{0}+{1}".format(*tile)]
        children.append(Child("kiosk", kiosk_argv(demo, "run", "--windowed", *extra), env=scaled))
    children.append(
        Child(
            "display",
            kiosk_argv(
                demo,
                "display",
                "--windowed",
                "--screen",
                "0",
                *geo("display"),
                "--snapshot",
                str(state / "display.json"),
                *(["--announce-dir", str(demo.folder / "announcements")] if headless else []),
            ),
        )
    )
    children.append(Child("web", kiosk_argv(demo, "web")))
    for c in demo.config.counters:
        children.append(
            Child(
                f"counter {c.number}",
                kiosk_argv(
                    demo,
                    "counter",
                    str(c.number),
                    "--windowed",
                    "--screen",
                    "0",
                    *geo(f"counter{c.number}"),
                    "--snapshot",
                    str(state / f"counter-{c.number}.json"),
                ),
            )
        )
    return children


class ProcessGroup:
    """Starts the children, notices crashes, and stops them all (terminate, then kill)."""

    def __init__(
        self,
        children: Sequence[Child],
        *,
        env: dict[str, str] | None = None,
        log_dir: Path | None = None,
    ) -> None:
        self.children = list(children)
        self.env = env
        self.log_dir = log_dir
        self.stopping = False

    def log_path(self, child: Child) -> Path | None:
        if self.log_dir is None:
            return None
        return self.log_dir / f"{child.name.replace(' ', '-')}.log"

    def start(self, stagger: float = 0.0) -> None:
        """Start every child; `stagger` seconds apart so windows appear in order."""
        for i, child in enumerate(self.children):
            if i and stagger:
                time.sleep(stagger)
            log.info("starting %s: %s", child.name, " ".join(child.argv))
            path = self.log_path(child)
            env = {**(self.env or os.environ), **child.env} if child.env else self.env
            if path is None:
                child.proc = subprocess.Popen(child.argv, env=env)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as out:
                child.proc = subprocess.Popen(
                    child.argv, env=env, stdout=out, stderr=subprocess.STDOUT
                )

    def crashed(self) -> list[Child]:
        """Children that ended on their own since the last call (each reported once)."""
        if self.stopping:
            return []
        out = []
        for child in self.children:
            if child.proc is not None and child.proc.poll() is not None and not child.reported:
                child.reported = True
                out.append(child)
        return out

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping = True
        for child in self.children:
            if child.running:
                assert child.proc is not None
                child.proc.terminate()
        deadline = time.monotonic() + timeout
        for child in self.children:
            if child.proc is None:
                continue
            try:
                child.proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.proc.kill()
                child.proc.wait(2)


def describe_exit(child: Child) -> str:
    assert child.proc is not None
    code = child.proc.returncode
    if code is not None and code < 0:
        try:
            return f"{child.name} was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"{child.name} was killed by signal {-code}"
    return f"{child.name} exited with code {code}"


# ---------------------------------------------------------------------------- smoke check


def _wait_for(path: Path, test: Any, timeout: float) -> dict[str, Any] | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if data is not None and test(data):
            return dict(data)
        time.sleep(0.05)
    return None


def _page_shows(url: str, text: str, timeout: float) -> bool:
    """Whether the web page at `url` shows `text` within `timeout` (kiosk web may be starting)."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if text in response.read().decode("utf-8"):
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return False


def run_smoke(demo: DemoFolder, timeout: float = 45.0) -> int:
    """Headless: display, consoles and web run; a ticket goes issue → call → shown → done."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    children = demo_children(demo, {}, headless=True)
    state = demo.folder / "state"
    group = ProcessGroup(children, env=env, log_dir=state)
    problems: list[str] = []

    def cli(*args: str) -> dict[str, Any]:
        done = subprocess.run(
            kiosk_argv(demo, "--json", *args), env=env, capture_output=True, text=True, timeout=60
        )
        if done.returncode != 0:
            raise RuntimeError(f"kiosk {' '.join(args)}: {done.stderr.strip()}")
        return dict(json.loads(done.stdout)) if done.stdout.strip() else {}

    group.start()
    try:
        ready = _wait_for(state / "display.json", lambda d: "tiles" in d, timeout)
        if ready is None:
            problems.append("the display never wrote its state")
        consoles = [
            _wait_for(state / f"counter-{c.number}.json", lambda d: "counter" in d, timeout)
            for c in demo.config.counters
        ]
        if any(c is None for c in consoles):
            problems.append("a counter console never wrote its state")
        if not problems:
            ticket = cli("issue", "ketqua")
            issued, page = ticket["ticket"]["code"], ticket["page_url"]
            # Counter 6 serves "Nhận kết quả" only: complete what it holds until it calls ours.
            called = ""
            for _ in range(200):
                called = cli("call", "6")["code"]
                if called == issued:
                    break
            shown = _wait_for(
                state / "display.json",
                lambda d: (
                    any(t["counter"] == 6 and t["code"] == issued for t in d["tiles"])
                    and (d.get("highlighted") or {}).get("code") == issued
                ),
                timeout,
            )
            if shown is None:
                problems.append(f"the display did not show {issued} at counter 6")
            console = _wait_for(
                state / "counter-6.json",
                lambda d: (d.get("ticket") or {}).get("code") == issued,
                timeout,
            )
            if console is None:
                problems.append(f"console 6 did not show {issued} in hand")
            if not _page_shows(page, f"Mời số <b>{issued}</b> đến quầy <b>6</b>", timeout):
                problems.append(f"the ticket's page {page} did not show the call")
            cli("complete", "6", "--dossiers", "2")
            status = cli("status")
            counter6 = next(c for c in status["counters"] if c["number"] == 6)
            if counter6["ticket"] is not None or counter6["served_today"] < 1:
                problems.append("the completed ticket is not in the status")
            for child in group.crashed():
                problems.append(describe_exit(child))
    except (RuntimeError, subprocess.TimeoutExpired, KeyError, ValueError) as exc:
        problems.append(str(exc))
    finally:
        group.stop()
    if problems:
        for p in problems:
            print(f"demo smoke: FAILED: {p}", file=sys.stderr)
        print(f"demo smoke: the processes' output is in {state}", file=sys.stderr)
        return 1
    print(f"demo smoke: OK ({len(children)} processes, database {demo.db_url})")
    return 0


# ---------------------------------------------------------------------------- launcher


def run_launcher(demo: DemoFolder) -> int:
    """A small window listing the demo's processes; closing it (or Ctrl+C) stops them all."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import (
        QApplication,
        QLabel,
        QListWidget,
        QPushButton,
        QVBoxLayout,
        QWidget,
    )

    from kiosk.gui.runtime import run
    from kiosk.gui.theme import COLOURS

    group_box: list[ProcessGroup] = []

    def build(app: QApplication) -> QWidget:
        screen = QGuiApplication.primaryScreen().availableGeometry()
        geometry = {
            name: (x + screen.x(), y + screen.y(), w, h)
            for name, (x, y, w, h) in tile_geometry(
                screen.width(), screen.height(), len(demo.config.counters), kiosk=has_kiosk_app()
            ).items()
        }
        children = demo_children(demo, geometry)
        group = ProcessGroup(children)
        group_box.append(group)

        window = QWidget()
        window.setWindowTitle("kiosk demo")
        layout = QVBoxLayout(window)
        title = QLabel("Demo điểm phục vụ hành chính công · kiosk demo")
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        layout.addWidget(QLabel(f"Thư mục · Folder: {demo.folder}"))
        listing = QListWidget()
        layout.addWidget(listing, 1)
        stop = QPushButton("Dừng demo · Stop the demo")
        layout.addWidget(stop)
        stop.clicked.connect(app.quit)

        def show_status() -> None:
            listing.clear()
            for child in group.children:
                if child.running:
                    listing.addItem(f"● {child.name}: đang chạy · running")
                else:
                    listing.addItem(f"✖ {describe_exit(child)}")
            for child in group.crashed():
                print(f"kiosk demo: {describe_exit(child)}", file=sys.stderr)
                listing.setStyleSheet(f"color: {COLOURS.alert_text};")

        group.start(stagger=0.4)
        show_status()
        timer = QTimer(window)
        timer.setInterval(700)
        timer.timeout.connect(show_status)
        timer.start()
        app.aboutToQuit.connect(group.stop)
        app.setQuitOnLastWindowClosed(True)
        window.resize(520, 300)
        window.move(screen.x() + screen.width() - 540, screen.y() + screen.height() - 340)
        window.show()
        print("kiosk demo: running; close the demo window or press Ctrl+C to stop everything")
        return window

    try:
        return run(build, name="kiosk-demo")
    finally:
        for group in group_box:
            group.stop()


class NoScreen(KioskError):
    exit_code = 2


def cmd_demo(ctx: Any, a: argparse.Namespace) -> int:
    folder = Path(a.dir) if a.dir else Path.cwd() / DEFAULT_DIR
    no_screen = (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    )
    if no_screen and not a.smoke:
        raise NoScreen(
            "Không tìm thấy màn hình (DISPLAY chưa đặt). Chạy demo trong phiên đồ họa, "
            "hoặc kiểm tra không giao diện: kiosk demo --smoke",
            "No screen found (DISPLAY is not set). Start the demo from a desktop session, "
            "or check it headless with: kiosk demo --smoke",
        )
    # The smoke check starts empty: its one ticket is then the next one counter 6 calls.
    demo = prepare_demo(folder, seed=not (a.empty or a.smoke))
    print(f"Demo folder {demo.folder}: config {demo.config_path.name}, database kiosk.db")
    base = demo.config.web.base_url
    print(
        f"Web (kiosk web): board {base}/board, dashboard {base}/manage; each printed ticket's "
        "QR opens its page" + (f", e.g. {demo.sample_page}" if demo.sample_page else "")
    )
    if a.smoke:
        return run_smoke(demo)
    return run_launcher(demo)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `kiosk demo` to the CLI."""
    help_text = "run the whole point (kiosk, display, six counters) on a fresh demo database"
    p = sub.add_parser("demo", parents=[common], help=help_text, description=help_text)
    p.add_argument("--dir", metavar="DIR", help=f"demo folder (default ./{DEFAULT_DIR})")
    p.add_argument("--empty", action="store_true", help="start with no tickets")
    p.add_argument(
        "--smoke", action="store_true", help="headless check: issue, call, show, complete"
    )
    p.set_defaults(handler=cmd_demo)
