"""Pure queue rules, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.core.config import PriorityPolicy
from kiosk.core.rules import (
    call_guard_remaining,
    estimate_wait_minutes,
    median_service_seconds,
    next_streak,
    owes_normal_ticket,
)


@pytest.mark.parametrize(
    ("policy", "streak", "owed"),
    [
        (PriorityPolicy.INTERLEAVED, 2, False),
        (PriorityPolicy.INTERLEAVED, 3, True),
        (PriorityPolicy.INTERLEAVED, 7, True),
        (PriorityPolicy.STRICT, 3, False),
        (PriorityPolicy.STRICT, 50, False),
    ],
)
def test_a_normal_ticket_is_owed_only_after_a_burst_under_interleaving(
    policy: PriorityPolicy, streak: int, owed: bool
) -> None:
    assert owes_normal_ticket(policy, streak, burst=3) is owed


def test_streak_counts_priority_calls_in_a_row() -> None:
    assert [next_streak(s, p) for s, p in ((0, True), (1, True), (2, False))] == [1, 2, 0]


def test_estimate_rounds_up_and_uses_the_floor_without_history() -> None:
    assert median_service_seconds([], floor_minutes=6) == 360
    assert median_service_seconds([0, 120, 240, 600], floor_minutes=6) == 240
    assert estimate_wait_minutes(0, 240, 2) == 0
    assert estimate_wait_minutes(3, 240, 2) == 6
    assert estimate_wait_minutes(1, 30, 4) == 1  # never "0 minutes" with someone ahead


CALLED = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("called_at", "after_s", "guard_s", "left"),
    [
        (CALLED, 0.0, 2.0, 2.0),
        (CALLED, 0.6, 2.0, 1.4),
        (CALLED, 2.0, 2.0, 0.0),
        (CALLED, 75.0, 2.0, 0.0),
        (CALLED, -0.5, 2.0, 1.5),  # the clock went back a little: still "just called"
        (CALLED, -3600.0, 2.0, 0.0),  # far back: never blocks longer than the guard
        (CALLED, 0.1, 0.0, 0.0),  # 0 turns the guard off
        (None, 0.0, 2.0, 0.0),  # nothing called yet
    ],
)
def test_call_guard_remaining_counts_down_from_the_counters_call(
    called_at: datetime | None, after_s: float, guard_s: float, left: float
) -> None:
    now = CALLED + timedelta(seconds=after_s)
    assert call_guard_remaining(called_at, now, guard_s) == pytest.approx(left)
