"""Pure queue rules, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kiosk.core.config import FieldConfig, OpeningHours, PriorityPolicy
from kiosk.core.order import next_streak, owes_normal_ticket
from kiosk.core.rules import (
    call_guard_remaining,
    estimate_wait_minutes,
    field_open_state,
    median_service_seconds,
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


_HOTICH = FieldConfig(
    code="hotich", name="Hộ tịch", name_en="Civil status", prefix="A", counters=[1]
)
_HOURS = OpeningHours.model_validate(
    {"days": ["mon", "tue", "wed", "thu", "fri"], "periods": ["07:30-11:30", "13:30-17:00"]}
)
_MONDAY = datetime(2026, 12, 7, 12, 0)  # local time, between the two periods


def test_opening_hours_decide_and_say_when_it_opens_again() -> None:
    assert field_open_state(_HOTICH, _HOURS, _MONDAY.replace(hour=9), None) == (True, "", "", None)
    shut, vi, en, opens = field_open_state(_HOTICH, _HOURS, _MONDAY, None)
    assert (shut, opens) == (False, _MONDAY.replace(hour=13, minute=30))
    assert vi == "Lĩnh vực đã hết giờ tiếp nhận, mở lại lúc 13:30"
    assert en == "Closed now, opens at 13:30"
    # Friday evening: it opens on Monday, so the date is said too.
    friday = datetime(2026, 12, 11, 18, 0)
    assert field_open_state(_HOTICH, _HOURS, friday, None)[1].endswith("07:30 14/12/2026")


def test_todays_admin_choice_wins_over_the_hours() -> None:
    closed = field_open_state(_HOTICH, _HOURS, _MONDAY.replace(hour=9), False)
    assert closed == (
        False,
        "Lĩnh vực Hộ tịch tạm ngừng tiếp nhận hôm nay",
        "Civil status is closed today",
        None,
    )
    assert field_open_state(_HOTICH, _HOURS, _MONDAY, True)[0] is True


def test_a_field_with_no_opening_day_says_it_does_not_take_tickets() -> None:
    never = OpeningHours(days=[], periods=["07:30-11:30"])
    assert field_open_state(_HOTICH, never, _MONDAY, None) == (
        False,
        "Lĩnh vực Hộ tịch không tiếp nhận",
        "Civil status is closed",
        None,
    )
