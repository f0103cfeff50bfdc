"""The words of the rating screen (one home each; shared words come from kiosk.core.texts)."""

from __future__ import annotations

from kiosk.core import ratings
from kiosk.core.texts import Text

PROMPT = ratings.PROMPT
TICKET = Text("Số {code}", "Ticket {code}")
WHY = ratings.WHY
SEND = ratings.SEND
THANKS = ratings.THANKS
WELCOME = Text("Ông/bà vui lòng đánh giá sau khi được phục vụ", "Please rate us after your service")
NOT_TAKEN = Text("Không ghi được đánh giá: {why}", "The rating was not recorded: {why}")
