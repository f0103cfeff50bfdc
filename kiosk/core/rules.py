"""Pure queue rules: who is next, how long the wait, what is open. No database here."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kiosk.core.config import PriorityPolicy


@dataclass(frozen=True)
class Candidate:
    """A waiting ticket as call-next sees it."""

    id: int
    priority: bool
    sort_at: datetime


def queue_order(c: Candidate) -> tuple[bool, datetime, int]:
    """Priority tickets first, then the oldest place in the queue, then issue order."""
    return (not c.priority, c.sort_at, c.id)


def choose_next(
    candidates: Sequence[Candidate], policy: PriorityPolicy, priority_streak: int, burst: int
) -> Candidate | None:
    """The ticket a counter should call next.

    Strict: every priority ticket goes first. Interleaved: once a counter has called `burst`
    priority tickets in a row, it takes the oldest normal ticket so nobody starves.
    """
    if not candidates:
        return None
    ordered = sorted(candidates, key=queue_order)
    first = ordered[0]
    if policy is PriorityPolicy.INTERLEAVED and first.priority and priority_streak >= burst:
        normal = next((c for c in ordered if not c.priority), None)
        if normal is not None:
            return normal
    return first


def next_streak(current: int, called_priority: bool) -> int:
    """Priority calls in a row after this call."""
    return current + 1 if called_priority else 0


def median_service_seconds(durations: Sequence[float], floor_minutes: float) -> float:
    """Recent median service time; the configured typical time when there is no history."""
    usable = [d for d in durations if d > 0]
    if not usable:
        return floor_minutes * 60.0
    return float(statistics.median(usable))


def estimate_wait_minutes(people_ahead: int, median_seconds: float, open_counters: int) -> int:
    """Position × median service time ÷ counters serving the field, rounded up to a minute."""
    if people_ahead <= 0:
        return 0
    counters = max(1, open_counters)
    return max(1, math.ceil(people_ahead * median_seconds / counters / 60.0))
