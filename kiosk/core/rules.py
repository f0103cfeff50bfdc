"""Pure queue rules: what is open, how long the wait, when a counter may call again.

No database here. Who is called next lives in `kiosk.core.order` (the one call order).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import datetime

from kiosk.core.config import FieldConfig, OpeningHours


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


def field_open_state(
    field: FieldConfig, hours: OpeningHours, local_now: datetime, today_override: bool | None
) -> tuple[bool, str, str, datetime | None]:
    """(open, reason_vi, reason_en, opens_at) for taking a ticket of `field` at `local_now`.

    The admin's choice for today (`today_override`: closed all day, or open outside hours)
    wins over the opening hours; otherwise the hours decide and say when it opens again.
    """
    if today_override is False:
        return (
            False,
            f"Lĩnh vực {field.name} tạm ngừng tiếp nhận hôm nay",
            f"{field.name_en} is closed today",
            None,
        )
    if today_override is True or hours.is_open(local_now):
        return True, "", "", None
    opens = hours.next_opening(local_now)
    if opens is None:
        return False, f"Lĩnh vực {field.name} không tiếp nhận", f"{field.name_en} is closed", None
    when = f"{opens:%H:%M}" if opens.date() == local_now.date() else f"{opens:%H:%M %d/%m/%Y}"
    return (
        False,
        f"Lĩnh vực đã hết giờ tiếp nhận, mở lại lúc {when}",
        f"Closed now, opens at {when}",
        opens,
    )
