"""Pure queue rules, without a database."""

from __future__ import annotations

import pytest

from kiosk.core.config import PriorityPolicy
from kiosk.core.rules import (
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
