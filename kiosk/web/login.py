"""The head's sign-in to /manage: one password (hashed in the config), sessions in memory.

Wrong passwords go through core's lockout (kiosk.core.lockout, scope "web:manage", kept in
the database, so restarting `kiosk web` does not reset it), checked before the slow hash is
computed, so guessing costs the attacker time, not the server CPU.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.responses import RedirectResponse

from kiosk.core.lockout import WEB_MANAGE_SCOPE, Lockout, lock_message
from kiosk.web.texts import TEXTS

SESSION_COOKIE = "kiosk_manage"
SESSION_SECONDS = 8 * 3600


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
        lockout: Lockout,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.password_hash = password_hash
        self.lockout = lockout
        self._clock = clock
        self._sessions: dict[str, float] = {}
        self._lock = asyncio.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self.password_hash)

    async def attempt(self, password: str) -> LoginResult:
        """One try (tries are serialised, so parallel guesses all count)."""
        async with self._lock:
            if not self.enabled:
                return LoginResult(False)
            tried = await asyncio.to_thread(
                self.lockout.attempt, WEB_MANAGE_SCOPE, password, self.password_hash, actor="web"
            )
            if not tried.ok:
                return LoginResult(False, tried.state.locked_seconds)
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


def signed_in(to: str, cookie: str, session: str, *, secure: bool, path: str) -> RedirectResponse:
    """After the right password: to the page `to`, with the session cookie for `path`
    (HttpOnly, SameSite=Strict; Secure behind https)."""
    response = RedirectResponse(to, status_code=303)
    response.set_cookie(cookie, session, httponly=True, samesite="strict", secure=secure, path=path)
    return response


def refused(result: LoginResult, lang: str) -> tuple[str, int]:
    """What the sign-in form says after a refused try, and the HTTP status: locked (429) or
    a wrong password (401)."""
    if result.locked_seconds > 0:
        return lock_message(result.locked_seconds).get(lang), 429
    return TEXTS["wrong_password"].get(lang), 401
