"""One lockout for every PIN and password: growing delays, kept in the database.

After `FREE_TRIES` wrong tries in a row a scope is locked for 1 minute, then each further
wrong try doubles the lock (2, 4, 8 … minutes) up to 1 hour; the right PIN resets it. The
count lives in `pin_lockouts`, so restarting the kiosk or the manager does not reset it, and
two processes failing at the same moment both count (the row is locked while it changes).
Each wrong try also writes a `pin_failed` event (scope, count, lock; never a digit).

Scopes: "admin" for the kiosk's admin pad and the manager window (they share the admin PIN),
"web:manage" for the web manager's password; per-officer PINs can take their own scopes.

`attempt` is the whole check: refused without hashing while locked, then PBKDF2 (slow: call it
off the GUI thread), then counted. If the database is away the lockout still counts in memory
for this process, so the admin can still reach the kiosk's admin side during an outage.
A lockout without a store counts in memory only (`kiosk web --central` has no point database).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from kiosk.core.clock import Clock, SystemClock
from kiosk.core.errors import DatabaseError
from kiosk.core.model import EventKind
from kiosk.core.pin import verify_pin
from kiosk.core.schema import PinLockoutRow
from kiosk.core.store import Store
from kiosk.core.texts import Text

log = logging.getLogger(__name__)

FREE_TRIES = 5
FIRST_DELAY_S = 60.0
MAX_DELAY_S = 3600.0

#: The kiosk's admin pad and the manager window share the admin PIN, so they share this.
ADMIN_SCOPE = "admin"
#: The web manager's password (`/manage`).
WEB_MANAGE_SCOPE = "web:manage"


def lock_delay(failures: int) -> float:
    """Seconds a scope is locked after `failures` wrong tries in a row (0: not locked)."""
    if failures < FREE_TRIES:
        return 0.0
    return min(MAX_DELAY_S, FIRST_DELAY_S * float(2 ** min(failures - FREE_TRIES, 20)))


@dataclass(frozen=True)
class LockState:
    failures: int
    #: Seconds left of the lock (0: a try is allowed now).
    locked_seconds: float

    @property
    def tries_left(self) -> int:
        """Wrong tries left before the next lock (0 while locked)."""
        return 0 if self.locked_seconds > 0 else max(1, FREE_TRIES - self.failures)


@dataclass(frozen=True)
class Attempt:
    ok: bool
    #: The lock after this attempt (its `locked_seconds` > 0: wait before trying again).
    state: LockState
    #: False when the try was refused unchecked because the scope was locked.
    checked: bool = True


def _left(failures: int, until: datetime | None, now: datetime) -> float:
    """Seconds left, never more than the lock's own length (a clock set back cannot lock
    for longer, and another PC's clock a little ahead cannot either)."""
    if until is None:
        return 0.0
    return max(0.0, min((until - now).total_seconds(), lock_delay(failures)))


class _InMemory(Exception):
    """A lockout without a store: count in memory, as while the database is away."""


class Lockout:
    """Wrong PINs of one site, by scope (see the module docstring)."""

    def __init__(
        self,
        store: Store | None,
        site: str,
        business_day: Callable[[datetime], object],
        clock: Clock | None = None,
    ) -> None:
        self.store = store
        self.site = site
        self.clock = clock or SystemClock()
        self._business_day = business_day
        #: Used only while the database is away: scope -> (failures, locked until).
        self._memory: dict[str, tuple[int, datetime | None]] = {}

    def state(self, scope: str) -> LockState:
        """The scope's wrong tries in a row and the lock left now."""
        now = self.clock.now()
        try:
            if self.store is None:
                raise _InMemory
            with self.store.read() as s:
                row = s.get(PinLockoutRow, self.site, scope)
                failures, until = (row.failures, row.locked_until) if row else (0, None)
        except (DatabaseError, _InMemory):
            failures, until = self._memory.get(scope, (0, None))
        return LockState(failures, _left(failures, until, now))

    def failed(self, scope: str, *, actor: str) -> LockState:
        """Count a wrong try (both of two simultaneous ones) and log `pin_failed`."""
        now = self.clock.now()
        try:
            if self.store is None:
                raise _InMemory
            with self.store.write() as s:
                self.store.insert_ignore(
                    s, PinLockoutRow, site=self.site, scope=scope, failures=0, updated_at=now
                )
                row = s.record(
                    PinLockoutRow,
                    self.store.lock_rows(
                        select(PinLockoutRow).where(
                            PinLockoutRow.site == self.site, PinLockoutRow.scope == scope
                        )
                    ),
                )
                assert row is not None  # inserted above when missing
                row.failures += 1
                delay = lock_delay(row.failures)
                row.locked_until = now + timedelta(seconds=delay) if delay else None
                row.updated_at = now
                failures = row.failures
                s.add_event(
                    at=now,
                    business_day=self._business_day(now),
                    kind=EventKind.PIN_FAILED.value,
                    ticket_id=None,
                    counter=None,
                    field=None,
                    actor=actor,
                    site=self.site,
                    data={"scope": scope, "failures": failures, "locked_seconds": delay},
                    officer=None,
                )
        except (DatabaseError, _InMemory) as exc:
            if isinstance(exc, DatabaseError):
                log.warning("wrong PIN counted in memory only (database away): %s", exc.message_en)
            failures = self._memory.get(scope, (0, None))[0] + 1
            delay = lock_delay(failures)
            self._memory[scope] = (failures, now + timedelta(seconds=delay) if delay else None)
        return LockState(failures, delay)

    def succeeded(self, scope: str) -> None:
        """The right PIN: the count starts again."""
        self._memory.pop(scope, None)
        if self.store is None:
            return
        try:
            with self.store.write() as s:
                row = s.get(PinLockoutRow, self.site, scope)
                if row is not None and (row.failures or row.locked_until):
                    row.failures, row.locked_until = 0, None
                    row.updated_at = self.clock.now()
        except DatabaseError as exc:
            log.warning("could not reset the PIN lockout (database away): %s", exc.message_en)

    def attempt(self, scope: str, secret: str, stored_hash: str, *, actor: str) -> Attempt:
        """Check `secret` against `stored_hash` unless locked; count the outcome. Slow (PBKDF2):
        run it off the GUI thread."""
        before = self.state(scope)
        if before.locked_seconds > 0:
            return Attempt(False, before, checked=False)
        if verify_pin(secret, stored_hash):
            self.succeeded(scope)
            return Attempt(True, LockState(0, 0.0))
        return Attempt(False, self.failed(scope, actor=actor))


LOCKED_SECONDS = Text(
    "Nhập sai quá nhiều lần: đã khoá, thử lại sau {n} giây",
    "Too many wrong tries: locked, try again in {n} s",
)
LOCKED_MINUTES = Text(
    "Nhập sai quá nhiều lần: đã khoá, thử lại sau {n} phút",
    "Too many wrong tries: locked, try again in {n} min",
)


def lock_message(seconds: float) -> Text:
    """What every screen says while locked: seconds under a minute, else whole minutes up."""
    whole = max(1, math.ceil(seconds))
    if whole < 60:
        return LOCKED_SECONDS.fill(n=whole)
    return LOCKED_MINUTES.fill(n=math.ceil(whole / 60))
