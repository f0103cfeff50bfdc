"""The head's sign-in to /manage: one password (hashed in the config), sessions in memory.

Wrong passwords go through a lockout with growing delays (`Lockout`), checked before the
slow hash is computed, so guessing costs the attacker time, not the server CPU.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.core.pin import verify_pin

#: Scope of the web manager's password in the lockout (the kiosk pad uses its own).
LOCKOUT_SCOPE = "web:manage"
SESSION_COOKIE = "kiosk_manage"
SESSION_SECONDS = 8 * 3600


class Lockout:
    """Growing delays after repeated failures of one scope: 5 free tries, then 1 min, 2 min,
    4 min … up to 1 h per further failure; a success resets it.

    TEMPORARY in-memory version: replaced by the database-backed lockout of kiosk.core once
    the PIN work (issue #12) is merged, keeping this interface.
    """

    FREE_TRIES = 5
    FIRST_DELAY = 60.0
    MAX_DELAY = 3600.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: dict[str, int] = {}
        self._until: dict[str, float] = {}

    def remaining(self, scope: str) -> float:
        """Seconds this scope stays locked (0: a try is allowed now)."""
        return max(0.0, self._until.get(scope, 0.0) - self._clock())

    def failed(self, scope: str) -> None:
        n = self._failures.get(scope, 0) + 1
        self._failures[scope] = n
        if n >= self.FREE_TRIES:
            delay = min(self.MAX_DELAY, self.FIRST_DELAY * 2 ** (n - self.FREE_TRIES))
            self._until[scope] = self._clock() + delay

    def succeeded(self, scope: str) -> None:
        self._failures.pop(scope, None)
        self._until.pop(scope, None)


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    locked_seconds: float = 0.0
    session: str = ""


class ManagerLogin:
    """Checks the password against `web.manager_password_hash` and keeps the sessions."""

    def __init__(
        self,
        password_hash: str,
        lockout: Lockout | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.password_hash = password_hash
        self.lockout = lockout or Lockout(clock)
        self._clock = clock
        self._sessions: dict[str, float] = {}
        self._lock = asyncio.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self.password_hash)

    async def attempt(self, password: str) -> LoginResult:
        """One try (tries are serialised, so parallel guesses all count)."""
        async with self._lock:
            locked = self.lockout.remaining(LOCKOUT_SCOPE)
            if locked > 0 or not self.enabled:
                return LoginResult(False, locked)
            ok = await asyncio.to_thread(verify_pin, password, self.password_hash)
            if not ok:
                self.lockout.failed(LOCKOUT_SCOPE)
                return LoginResult(False, self.lockout.remaining(LOCKOUT_SCOPE))
            self.lockout.succeeded(LOCKOUT_SCOPE)
            session = secrets.token_urlsafe(32)
            self._sessions[session] = self._clock() + SESSION_SECONDS
            return LoginResult(True, 0.0, session)

    def valid(self, session: str | None) -> bool:
        """A signed-in session (idle ones expire after SESSION_SECONDS)."""
        if not session:
            return False
        until = self._sessions.get(session)
        now = self._clock()
        if until is None or until < now:
            self._sessions.pop(session, None)
            return False
        self._sessions[session] = now + SESSION_SECONDS
        return True

    def logout(self, session: str | None) -> None:
        if session:
            self._sessions.pop(session, None)
