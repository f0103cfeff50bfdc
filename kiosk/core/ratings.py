"""Citizen satisfaction: the four levels, the reasons, and the rules of a rating (issue #18).

A citizen rates a service once it is completed: on the small screen at the counter
(`kiosk rate N`, one counter's tickets only) or on the ticket's phone page. The rules live
here and in `QueueService.rate`, which every channel calls; the clerk's console has no way
to rate. One rating per ticket: a second tap on the same ticket records nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from kiosk.core.errors import QueueError
from kiosk.core.model import Ticket
from kiosk.core.texts import Text


class RatingLevel(StrEnum):
    """How satisfied, best first (the value is what tickets and events record)."""

    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    NEUTRAL = "neutral"
    DISSATISFIED = "dissatisfied"


#: The two lowest levels: after one of them, the citizen may say why (reason chips).
LOW_LEVELS = frozenset({RatingLevel.NEUTRAL, RatingLevel.DISSATISFIED})
#: "Hài lòng trở lên": what reports count as satisfied.
SATISFIED_LEVELS = frozenset({RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED})


class RatingChannel(StrEnum):
    """Where a rating came from."""

    COUNTER_SCREEN = "counter_screen"
    PHONE = "phone"


#: The labels of the levels, in RatingLevel's order (`[ratings] labels` changes them).
DEFAULT_LABELS = (
    Text("Rất hài lòng", "Very satisfied"),
    Text("Hài lòng", "Satisfied"),
    Text("Bình thường", "Neutral"),
    Text("Không hài lòng", "Dissatisfied"),
)
#: Reasons offered after a low level (`[ratings] reasons` changes them); a rating records
#: the Vietnamese words, so a report reads them as the citizen saw them.
DEFAULT_REASONS = (
    Text("Chờ lâu", "Long wait"),
    Text("Thái độ phục vụ", "Staff attitude"),
    Text("Hướng dẫn chưa rõ", "Unclear guidance"),
    Text("Khác", "Other"),
)


@dataclass(frozen=True)
class RatingResult:
    """The rated ticket, and whether this call recorded the rating (False: the ticket was
    rated already, e.g. a second tap; its first rating stands)."""

    ticket: Ticket
    recorded: bool


#: The words every rating channel says (the counter's screen, the phone page).
PROMPT = Text("Mời ông/bà đánh giá mức độ hài lòng", "Please rate our service")
WHY = Text("Ông/bà chưa hài lòng vì (chọn nếu muốn):", "What was not right? (optional)")
SEND = Text("Gửi đánh giá", "Send")
THANKS = Text("Cảm ơn ông/bà đã đánh giá!", "Thank you for your rating!")
#: Each level's face, best first: its colour (green to red; dark ink on each) and its mouth's
#: curve (1: a wide smile, -1: a frown). The counter's screen and the phone page draw them.
FACE_COLOURS = ("#2E9E55", "#8CC152", "#F6BB42", "#E9573F")
FACE_CURVES = (1.0, 0.5, 0.0, -0.8)


class RatingRefused(QueueError):
    """A rating the rules do not allow (the message says which rule)."""


def check_rating(
    *,
    level: str,
    reasons: tuple[str, ...],
    channel: str,
    counter: int | None,
    state_completed: bool,
    completed_at: datetime | None,
    served_at_counter: int | None,
    now: datetime,
    window_minutes: int,
    known_reasons: tuple[str, ...],
) -> tuple[RatingLevel, RatingChannel, tuple[str, ...]]:
    """The level, channel and reasons of a rating the rules allow (reasons without repeats,
    in the order given); RatingRefused, saying why, otherwise."""
    try:
        lvl = RatingLevel(level)
    except ValueError:
        allowed = ", ".join(v.value for v in RatingLevel)
        raise RatingRefused(
            f"Mức đánh giá {level!r} không có; dùng: {allowed}",
            f"Unknown rating level {level!r}; use one of: {allowed}",
        ) from None
    try:
        chan = RatingChannel(channel)
    except ValueError:
        allowed = ", ".join(v.value for v in RatingChannel)
        raise RatingRefused(
            f"Kênh đánh giá {channel!r} không có; dùng: {allowed}",
            f"Unknown rating channel {channel!r}; use one of: {allowed}",
        ) from None
    if not state_completed or completed_at is None:
        raise RatingRefused(
            "Chỉ đánh giá được sau khi hoàn thành phục vụ",
            "A service can be rated only once it is completed",
        )
    if now - completed_at > timedelta(minutes=window_minutes):
        raise RatingRefused(
            f"Đã quá {window_minutes} phút sau khi hoàn thành: không đánh giá được nữa",
            f"More than {window_minutes} minutes since the service was completed: "
            "it can no longer be rated",
        )
    if chan is RatingChannel.COUNTER_SCREEN and (counter is None or counter != served_at_counter):
        raise RatingRefused(
            "Màn hình đánh giá chỉ nhận đánh giá cho số vừa phục vụ tại quầy này",
            "A counter's rating screen rates only the tickets served at that counter",
        )
    chosen = tuple(dict.fromkeys(r.strip() for r in reasons))
    if chosen and lvl not in LOW_LEVELS:
        raise RatingRefused(
            "Chỉ chọn lý do khi đánh giá Bình thường hoặc Không hài lòng",
            "Reasons go only with the two lowest levels",
        )
    unknown = [r for r in chosen if r not in known_reasons]
    if unknown:
        raise RatingRefused(
            f"Lý do không có trong danh sách: {', '.join(unknown)}",
            f"Not one of the configured reasons: {', '.join(unknown)}",
        )
    return lvl, chan, chosen
