"""Officers (cán bộ) at the counters: who may sign in where, and whose sign-in still holds.

An officer signs in at one counter (`QueueService.sign_in`; a PIN, when set, is checked by
the one lockout, scope `officer:<id>`), and every event written for that counter records
them until they sign out, another officer signs in there (a shift change), they sign in at
another counter, or the counter closes. A sign-in belongs to its business day: the next
day the counter has nobody signed in (`officer_now`), and its first write records the
`signed_out` on the day of the sign-in. With no `[[officers]]` configured the feature is off.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import date, datetime

from kiosk.core.config import Config, OfficerConfig
from kiosk.core.errors import (
    NoOfficerSignedIn,
    OfficerNotAllowed,
    OfficerPinRefused,
    UnknownOfficer,
)
from kiosk.core.lockout import Attempt, lock_message
from kiosk.core.texts import DID_YOU_MEAN, PIN_WRONG, Text

#: The reason a `signed_out` event records (its data's `reason`).
REASONS = ("sign_out", "shift_change", "moved", "counter_closed", "day_end", "not_configured")


def lockout_scope(officer_id: str) -> str:
    """The officer's own count of wrong PINs (kiosk.core.lockout)."""
    return f"officer:{officer_id}"


def known_officer(config: Config, officer_id: str) -> OfficerConfig:
    """The configured officer `officer_id`; UnknownOfficer (with "did you mean") otherwise."""
    officer = config.officer(officer_id)
    if officer is None:
        close = difflib.get_close_matches(officer_id, [o.id for o in config.officers], n=1)
        hint = DID_YOU_MEAN.fill(name=close[0]) if close else Text("", "")
        known = ", ".join(o.id for o in config.officers) or "—"
        raise UnknownOfficer(
            f"Không có cán bộ {officer_id!r}.{hint.vi} Cán bộ: {known}",
            f"No officer {officer_id!r}.{hint.en} Officers: {known}",
        )
    return officer


def find_officer(config: Config, officer_id: str, counter: int) -> OfficerConfig:
    """The configured officer `officer_id`, allowed at `counter`; a refusal otherwise."""
    officer = known_officer(config, officer_id)
    if not officer.may_sign_in_at(counter):
        allowed = ", ".join(str(n) for n in officer.counters)
        raise OfficerNotAllowed(
            f"Cán bộ {officer.name} không làm việc ở quầy {counter} (chỉ quầy {allowed})",
            f"{officer.name} may not sign in at counter {counter} (only at {allowed})",
        )
    return officer


def officer_now(
    config: Config,
    officer: str | None,
    since: datetime | None,
    today: date,
    business_day: Callable[[datetime], date],
) -> str | None:
    """The officer a counter row records (`officer`, written at `since`, the row's last
    change) who still counts as signed in on `today`: None when the feature is off, the
    officer is no longer configured, or the sign-in is of an earlier business day."""
    if officer is None or not config.officers or config.officer(officer) is None:
        return None
    if since is None or business_day(since) < today:
        return None
    return officer


def require_officer(config: Config, officer: str | None, counter: int) -> None:
    """NoOfficerSignedIn when officers are configured and nobody is signed in at `counter`."""
    if officer is None and config.officers:
        raise NoOfficerSignedIn(
            f"Chưa có cán bộ đăng nhập ở quầy {counter}: đăng nhập trước khi gọi số",
            f"No officer is signed in at counter {counter}: sign in before calling",
        )


def pin_refusal(attempt: Attempt) -> OfficerPinRefused:
    """What a refused PIN says: the tries left, or how long the lock lasts."""
    state = attempt.state
    text = (
        lock_message(state.locked_seconds)
        if state.locked_seconds > 0
        else PIN_WRONG.fill(n=state.tries_left)
    )
    return OfficerPinRefused(
        text.vi, text.en, tries_left=state.tries_left, locked_seconds=state.locked_seconds
    )
