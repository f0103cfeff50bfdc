"""Helpers shared by tests (importable as tests.support)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from kiosk.core.clock import ManualClock
from kiosk.core.config import Config, default_config_text, parse_config
from kiosk.core.errors import QueueError
from kiosk.core.pin import hash_pin
from kiosk.core.queue import QueueService
from kiosk.core.store import Store

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args: int) -> datetime:
    """A local (Vietnam) wall-clock time as an aware datetime."""
    return datetime(*args, tzinfo=VN)  # type: ignore[misc]


def config_text(extra: str = "", **replace: str) -> str:
    """The shipped default config text, with replacements (old=new) and TOML appended."""
    text = default_config_text()
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text + extra


def make_config(extra: str = "", **replace: str) -> Config:
    return parse_config(config_text(extra, **replace))


#: The PIN of the tests' officer "minh" (`officers_config`).
OFFICER_PIN = "246810"


def officers_toml() -> str:
    """Three officers: Lan at any counter without a PIN, Minh at counters 1 and 2 with
    OFFICER_PIN, Hoa at counter 3 only."""
    pin = hash_pin(OFFICER_PIN, iterations=1000)
    return f"""
[[officers]]
id = "lan"
name = "Nguyễn Thị Lan"

[[officers]]
id = "minh"
name = "Trần Văn Minh"
pin_hash = "{pin}"
counters = [1, 2]

[[officers]]
id = "hoa"
name = "Lê Thị Hoa"
counters = [3]
"""


def officers_config(extra: str = "", **replace: str) -> Config:
    """The shipped config with the three officers of `officers_toml`."""
    return make_config(officers_toml() + extra, **replace)


BACKENDS = ("sqlite", "postgresql")
BACKENDS_ENV = "KIOSK_TEST_BACKENDS"


def wanted_backends() -> tuple[str, ...]:
    """The backends to test (KIOSK_TEST_BACKENDS=sqlite runs without PostgreSQL)."""
    chosen = os.environ.get(BACKENDS_ENV)
    if not chosen:
        return BACKENDS
    return tuple(b for b in BACKENDS if b in chosen.split(","))


def only_backend(*names: str) -> pytest.MarkDecorator:
    """Run a test on these backends only: a parametrization filter, not a skip."""
    return pytest.mark.parametrize("backend", [b for b in names if b in wanted_backends()])


class ServiceMachine(RuleBasedStateMachine):
    """A hypothesis state machine driving the real service on a fresh database of its own.

    `run_machine` sets `new_db_url`; a subclass passes its config to `__init__`.
    """

    new_db_url: Callable[[], str]

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.store = Store.open(self.new_db_url())
        self.clock = ManualClock(local(2026, 11, 23, 8, 0))
        self.svc = QueueService(self.store, config, self.clock)

    def teardown(self) -> None:
        self.store.close()

    def _try(self, fn: Callable[..., object], *args: object, **kw: object) -> None:
        with contextlib.suppress(QueueError):  # refusals are fine; the invariants still hold
            fn(*args, **kw)


def run_machine(
    machine: type, new_db_url: Callable[[], str], backend: str, *, examples: int, steps: int
) -> None:
    """Run a hypothesis state machine, each example on a fresh database of `backend`.

    PostgreSQL runs 8 examples: the rules are the same Python, what differs is the SQL,
    which a few examples cover; the logic itself is explored on SQLite (`examples`).
    """
    from hypothesis import HealthCheck, settings
    from hypothesis.stateful import run_state_machine_as_test

    with_db = type("Machine", (machine,), {"new_db_url": staticmethod(new_db_url)})
    run_state_machine_as_test(
        with_db,
        settings=settings(
            max_examples=examples if backend == "sqlite" else 8,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


#: Replacements that open every field all day, every day (tests that use the real clock).
ALWAYS_OPEN = {
    'periods = ["07:30-11:30", "13:30-17:00"]': 'periods = ["00:00-24:00"]',
    'days = ["mon", "tue", "wed", "thu", "fri", "sat"]': (
        'days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]'
    ),
}


def run_kiosk_all(
    cwd: Path,
    env: dict[str, str],
    *commands: Sequence[str],
    stdin: str | None = None,
    timeout: float = 120,
) -> list[subprocess.CompletedProcess[str]]:
    """Run `kiosk` commands at once (each takes most of a second to start).

    One still running after `timeout` is killed and reported on its stderr (a failure,
    not a hang: e.g. a screen that opened where it should have refused).
    """
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for args in commands
    ]
    results = []
    for p in procs:
        try:
            out, err = p.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            err += f"\n(still running after {timeout} s)"
        results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return results


def running_line(name: str) -> str:
    """What a screen started with `kiosk -v` logs once its window is shown and its loop runs."""
    return f"kiosk.gui.runtime: {name} running"


def log_when(
    path: Path, text: str, proc: subprocess.Popen[Any] | None = None, timeout_s: float = 30
) -> str:
    """The log file at `path` once it contains `text`; fails if `proc` exits or time runs out."""
    deadline = time.monotonic() + timeout_s
    while text not in (log := path.read_text(errors="replace") if path.exists() else ""):
        assert proc is None or proc.poll() is None, f"exited before {text!r}:\n{log}"
        assert time.monotonic() < deadline, f"no {text!r} in {path.name}:\n{log}"
        time.sleep(0.05)
    return log


def migrated_to(url: str, revision: str, then: Callable[[Any], None] | None = None) -> Any:
    """An engine on `url` whose schema stands at `revision` (an older version's database);
    `then(connection)` adds rows in the same transaction. The migration tests start here."""
    from alembic import command

    from kiosk.core.database import _alembic_config, create_db_engine

    engine = create_db_engine(url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        if then is not None:
            then(conn)
    return engine


def stamp_revision(url: str, revision: str) -> None:
    """Write `revision` into a database's alembic_version (as a newer or older kiosk would)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


class QueueActions(ServiceMachine):
    """Every kiosk and clerk action, chosen at random; subclasses add the invariants."""

    FIELDS = ("hotich", "chungthuc", "datdai", "ketqua")
    COUNTERS = (1, 2, 3, 4, 6)

    def __init__(self) -> None:
        super().__init__(make_config(**ALWAYS_OPEN))  # "next morning" may be a Sunday
        self.issued: Counter[tuple[object, str]] = Counter()

    @rule(field=st.sampled_from(FIELDS), priority=st.booleans())
    def issue(self, field: str, priority: bool) -> None:
        t = self.svc.issue(field, priority=priority).ticket
        self.issued[(t.business_day, field)] += 1

    @rule(counter=st.sampled_from(COUNTERS))
    def call_next(self, counter: int) -> None:
        self._try(self.svc.call_next, counter)

    @rule(counter=st.sampled_from(COUNTERS))
    def recall(self, counter: int) -> None:
        self._try(self.svc.recall, counter)

    @rule(counter=st.sampled_from(COUNTERS))
    def skip(self, counter: int) -> None:
        self._try(self.svc.skip, counter)

    @rule(counter=st.sampled_from(COUNTERS), dossiers=st.integers(0, 4))
    def complete(self, counter: int, dossiers: int) -> None:
        self._try(self.svc.complete, counter, dossiers=dossiers)

    @rule(counter=st.sampled_from(COUNTERS), field=st.sampled_from(FIELDS))
    def transfer_field(self, counter: int, field: str) -> None:
        self._try(self.svc.transfer, counter, to_field=field)

    @rule(counter=st.sampled_from(COUNTERS), to=st.sampled_from(COUNTERS))
    def transfer_counter(self, counter: int, to: int) -> None:
        self._try(self.svc.transfer, counter, to_counter=to)

    @rule()
    def return_a_skipped(self) -> None:
        skipped = self.svc.skipped()
        if skipped:
            self.svc.return_skipped(skipped[-1].code)

    @rule(counter=st.sampled_from(COUNTERS))
    def pause(self, counter: int) -> None:
        self.svc.pause_counter(counter, "họp")

    @rule(minutes=st.integers(1, 30))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    @rule()
    def next_morning(self) -> None:
        self.clock.advance(days=1)
        self.svc.open_counter(1)  # any write closes yesterday's unfinished tickets
