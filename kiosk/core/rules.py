"""Pure queue rules: who is next, how long the wait, what is open. No database here."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import datetime

from kiosk.core.config import PriorityPolicy


def owes_normal_ticket(policy: PriorityPolicy, priority_streak: int, burst: int) -> bool:
    """Whether a counter must now take the oldest normal ticket (if one waits).

    Strict: never, every priority ticket goes first. Interleaved: once a counter has called
    `burst` priority tickets in a row, so nobody starves behind a stream of priority tickets.
    """
    return policy is PriorityPolicy.INTERLEAVED and priority_streak >= burst


def next_streak(current: int, called_priority: bool) -> int:
    """Priority calls in a row after this call."""
    return current + 1 if called_priority else 0


def median_service_seconds(durations: Sequence[float], floor_minutes: float) -> float:
    """Recent median service time; the configured typical time when there is no history."""
    usable = [d for d in durations if d > 0]
    if not usable:
        return floor_minutes * 60.0
    return float(statistics.median(usable))


def estimate_wait_minutes(
    people_ahead: int, median_seconds: float, open_counters: int
) -> int | None:
    """People ahead × median service time ÷ open counters that serve the ticket, rounded up
    to a minute; None when no such counter is open (no time can be promised then)."""
    if open_counters < 1:
        return None
    if people_ahead <= 0:
        return 0
    return max(1, math.ceil(people_ahead * median_seconds / open_counters / 60.0))


def call_guard_remaining(called_at: datetime | None, now: datetime, guard_seconds: float) -> float:
    """Seconds before a counter may call next again after calling its ticket at `called_at`.

    0 means free: nothing called, or the guard is off (0 s), or the time is up. A bounced or
    held key repeats within a moment, so a clerk's key never completes a citizen it just
    called. The distance is taken both ways: a clock set back (or another PC's clock a
    little behind) still counts as "just called", yet never blocks longer than the guard.
    """
    if called_at is None or guard_seconds <= 0:
        return 0.0
    elapsed = abs((now - called_at).total_seconds())
    return max(0.0, guard_seconds - elapsed)
