"""Every text of the wall display, Vietnamese first with its English (kiosk.core.texts.Text)."""

from __future__ import annotations

from kiosk.core import texts as words
from kiosk.core.texts import Text

CALLING = Text("MỜI SỐ", "NOW CALLING")
IDLE = Text("Mời ông/bà lấy số thứ tự", "Please take a number")
RECENT = Text("SỐ VỪA GỌI", "Recent calls")
WAITING = words.WAITING_HEADING
TO_COUNTER = Text("ĐẾN {label}", "TO {label}")
COUNTER = words.COUNTER_N
PAUSED = words.PAUSED
NOT_OPEN = Text("Chưa mở", "Closed")
WINDOW_TITLE = Text("{site} – Màn hình gọi số", "{site} – Calling display")
