"""Every text of the counter console, Vietnamese first with its English (kiosk.core.texts.Text).

The console shows Vietnamese and English together where there is room ("ĐANG MỞ · Open") and
Vietnamese alone in its compact layout; the English is always there for an English screen.
"""

from __future__ import annotations

from kiosk.core import texts as words
from kiosk.core.texts import Text
from kiosk.counter.keys import Action

#: Button captions and the keys shown on each button.
ACTIONS: dict[Action, tuple[Text, str]] = {
    Action.CALL_NEXT: (Text("Gọi số tiếp theo", "Call next"), "F1 · + · Enter"),
    Action.RECALL: (Text("Gọi lại", "Recall"), "F2 · *"),
    Action.SKIP: (Text("Bỏ qua (vắng mặt)", "Skip (no-show)"), "F3 · −"),
    Action.COMPLETE: (Text("Hoàn thành", "Complete"), "F4 · /"),
    Action.TRANSFER: (Text("Chuyển quầy / lĩnh vực", "Transfer"), "F5"),
    Action.CALL_CHOSEN: (Text("Gọi số đã chọn", "Call chosen"), "F6"),
    Action.RETURN_SKIPPED: (Text("Đưa lại hàng chờ", "Return to queue"), "F7"),
    Action.PAUSE: (words.PAUSE, "F8 · ."),
    Action.SIGN_OUT: (words.SIGN_OUT, "F9"),
}
RESUME = Text("Tiếp tục", "Resume")
PAUSE_REASONS = (
    Text("Nghỉ trưa", "Lunch break"),
    Text("Họp", "Meeting"),
    Text("Hỗ trợ quầy khác", "Helping another counter"),
    Text("Việc riêng", "Personal matter"),
    Text("Sự cố thiết bị", "Equipment problem"),
)
DB_DOWN = Text(
    "Không kết nối được cơ sở dữ liệu",
    "Cannot reach the database – the buttons work again when it is back",
)

COUNTER = Text("QUẦY {n}", "Counter {n}")
NOW_SERVING = Text("ĐANG PHỤC VỤ", "Now serving")
DOSSIERS = words.DOSSIER_COUNT
DOSSIERS_HINT = Text("(gõ số trên bàn phím số)", "(type the number on the keypad)")
PAUSE_REASON = Text("Lý do tạm dừng", "Reason")
PAUSE_OK = words.PAUSE
CANCEL = words.CANCEL
TRANSFER_TO = Text("Chuyển đến", "To")
TRANSFER_FIELD = Text("Lĩnh vực {name}", "Field {name}")
TRANSFER_OK = Text("Chuyển", "Transfer")
WAITING = words.WAITING_HEADING
WAITING_LIST = Text("Danh sách đang chờ", "Waiting list")
SKIPPED = Text("ĐÃ BỎ QUA", "Skipped")
SKIPPED_LIST = Text("Danh sách bỏ qua", "Skipped list")

PAUSED = Text("TẠM DỪNG{why}", "PAUSED{why}")
OPEN = Text("ĐANG MỞ", "Open")
CLOSED = Text("ĐÓNG", "Closed")
FIELD_WAITING = Text("{name}: {n} chờ", "{name}: {n} waiting")
FIELD_PRIORITY = Text(" ({n} ưu tiên)", " ({n} priority)")
SERVED_TODAY = Text(
    "Hôm nay đã phục vụ {n} lượt · Thời gian phục vụ trung bình {avg}",
    "Served today: {n} · average service {avg}",
)
NO_TICKET = Text("Chưa gọi số nào", "No ticket in hand")
NO_TICKET_HINT = Text(
    "Nhấn “Gọi số tiếp theo” (F1, + hoặc Enter trên bàn phím số)",
    "Press “Call next” (F1, + or Enter on the keypad)",
)
PRIORITY = Text(" · Ưu tiên", " · Priority")
RECALLED = Text("Đã gọi lại {n}/{max} lần{hint}", "Recalled {n}/{max} times{hint}")
MAY_SKIP = Text(" – có thể bỏ qua (vắng mặt)", " – may be skipped (no-show)")
TICKET_TIMES = Text(
    "Đã chờ {waited} phút (lấy số {issued}, gọi lúc {called}) · tại quầy {m}:{s:02d}",
    "Waited {waited} min (issued {issued}, called {called}) · at the counter {m}:{s:02d}",
)
TO_COUNTER = Text(" → quầy {n}", " → counter {n}")
WAITING_ITEM = Text(
    "{star}{code}   {name}{extra} · chờ {mins} phút", "{star}{code}   {name}{extra} · {mins} min"
)
SKIPPED_ITEM = Text(
    "{star}{code}   {name} · gọi {n} lần", "{star}{code}   {name} · called {n} times"
)
MINUTES_SECONDS = Text("{m} phút {s:02d} giây", "{m} min {s:02d} s")
SECONDS = Text("{s} giây", "{s} s")
#: The procedure a ticket was taken for (kiosk.core.catalogue), above its times.
PROCEDURE = Text("Thủ tục: {name}", "Procedure: {name}")

#: Officers (kiosk.core.officers): the header names who is signed in; the sign-in page.
OFFICER = Text("Cán bộ: {name}", "Officer: {name}")
SIGN_IN_TITLE = Text("{counter} · Mời cán bộ đăng nhập", "{counter} · Who is working here?")
SIGN_IN_HINT = Text(
    "Chọn tên của mình (phím mũi tên rồi Enter, hoặc số thứ tự)",
    "Choose your name (arrow keys then Enter, or its number)",
)
PIN_PROMPT = Text("Nhập mã PIN của {name}", "Enter the PIN of {name}")
PIN_HINT = Text(
    "Gõ các chữ số rồi nhấn Enter · Esc để chọn lại",
    "Type the digits, then Enter · Esc to choose again",
)
SIGN_IN_OK = words.SIGN_IN
BACK = words.BACK
NO_OFFICER_HERE = Text(
    "Chưa có cán bộ nào được phép làm việc ở quầy này: thêm vào [[officers]] trong tệp cấu hình",
    "No officer may sign in at this counter: add one under [[officers]] in the config",
)
SIGNED_IN = Text("Đã đăng nhập: {name}", "Signed in: {name}")
SIGNED_OUT = Text("Đã đăng xuất {name}", "{name} signed out")
SIGNED_OUT_NOBODY = Text("Đã đăng xuất", "Signed out")
