"""Every citizen-facing text of the kiosk, Vietnamese first, in one place (see GLOSSARY.md)."""

from __future__ import annotations

from kiosk.core import errors
from kiosk.core import texts as core
from kiosk.core.texts import Text
from kiosk.printing import texts as printed

# ---------------------------------------------------------------- home
CHOOSE_FIELD = Text(
    "Mời ông/bà chọn lĩnh vực để lấy số thứ tự",
    "Please choose a field to take a number",
)
SWITCH_LANGUAGE = core.SWITCH_LANGUAGE
PRIORITY = core.PRIORITY_BADGE
PRIORITY_WHO = (
    Text("Người cao tuổi", "Elderly"),
    Text("Người khuyết tật", "Disabled"),
    Text("Phụ nữ mang thai", "Pregnant"),
    Text("Người có con nhỏ", "Small children"),
)
PRIORITY_HINT = Text("Chạm vào đây, rồi chọn lĩnh vực", "Tap here, then choose a field")
PRIORITY_ON = Text("ĐANG CHỌN ƯU TIÊN", "PRIORITY SELECTED")
PRIORITY_ON_HINT = Text(
    "Mời chọn lĩnh vực. Chạm lại vào đây để huỷ",
    "Now choose a field. Tap here again to cancel",
)
WAITING = Text("Đang chờ: {n}", "Waiting: {n}")
NO_ONE_WAITING = core.NO_ONE_WAITING
PREVIOUS_PAGE = Text("◀  Trang trước", "◀  Previous")
NEXT_PAGE = Text("Trang sau  ▶", "Next  ▶")
PAGE = Text("Trang {n}/{total}", "Page {n} of {total}")
CLOSED_TODAY = Text("Tạm ngừng tiếp nhận hôm nay", "Closed today")
#: The Documents control of a field button (it opens the field's procedures).
DOCUMENTS = core.BRING

# ---------------------------------------------------------------- procedures (docs/catalogue.md)
PROCEDURES_TITLE = Text("{field}: giấy tờ cần mang", "{field}: documents to bring")
PROCEDURES_HINT = Text(
    "Chọn thủ tục để xem giấy tờ, lệ phí và thời hạn",
    "Choose a procedure to see its documents, fee and time",
)
PROCEDURE_CODE = Text("Mã thủ tục: {code}", "Procedure code: {code}")
BRING = printed.BRING
FEE = printed.FEE
PROCESSING = printed.PROCESSING
TAKE_FOR_PROCEDURE = Text("Lấy số cho thủ tục này", "Take a number for this procedure")
HOTLINE = Text("Tổng đài hỗ trợ: {numbers}", "Help line: {numbers}")

# ---------------------------------------------------------------- result
TAKE_TICKET = Text("Mời ông/bà nhận phiếu", "Please take your ticket")
PRIORITY_TICKET = Text("Phiếu ưu tiên", "Priority ticket")
ISSUED_AT = Text("Giờ lấy số: {time}", "Issued at: {time}")
PEOPLE_AHEAD = Text(f"{core.PEOPLE_AHEAD.vi}: {{n}}", f"{core.PEOPLE_AHEAD.en}: {{n}}")
ESTIMATED_WAIT = Text(f"{core.ESTIMATED_WAIT.vi}: {{wait}}", f"{core.ESTIMATED_WAIT.en}: {{wait}}")
ABOUT_MINUTES = core.ABOUT_MINUTES
NO_COUNTER_OPEN = core.NO_COUNTER_OPEN
PRINTING = Text("Đang in phiếu…", "Printing your ticket…")
NOT_PRINTED = Text("Phiếu chưa được in", "The ticket was not printed")
PRINTER_FAULT = Text(
    "Máy in đang gặp sự cố. Vui lòng ghi nhớ số thứ tự của ông/bà",
    "The printer has a problem. Please remember your number",
)
DONE = Text("Xong", "Done")
BACK_IN = Text("Tự động quay lại sau {n} giây", "Returning in {n} seconds")

# ---------------------------------------------------------------- notices
CANNOT_ISSUE = Text("Chưa lấy được số thứ tự", "No number was issued")
TRY_AGAIN = Text(
    "Vui lòng thử lại hoặc hỏi cán bộ tại quầy",
    "Please try again or ask a clerk at a counter",
)
BACK = core.BACK
UNAVAILABLE = errors.UNAVAILABLE  # the same words as every other screen's outage notice
UNAVAILABLE_HINT = Text(
    "Màn hình sẽ tự trở lại khi hệ thống hoạt động",
    "This screen comes back by itself when the system is ready",
)


# ---------------------------------------------------------------- admin (installer and staff)
ADMIN_TITLE = Text("Quản trị máy lấy số", "Kiosk administration")
PIN_PROMPT = core.ADMIN_PIN_PROMPT
PIN_NOT_SET = Text(
    "Chưa đặt mã PIN quản trị. Đặt bằng lệnh: kiosk config set-pin, rồi khởi động lại.",
    "No admin PIN is set. Set it with: kiosk config set-pin, then restart the kiosk.",
)
PIN_SHORT = Text("Mã PIN gồm 4–12 chữ số", "The PIN has 4–12 digits")
PIN_CHECKING = core.CHECKING
PIN_WRONG = core.PIN_WRONG
PIN_CLEAR = Text("Xoá", "Clear")
PIN_OK = Text("OK", "OK")
CLOSE = Text("Đóng", "Close")
PRINTER = Text("Máy in", "Printer")
PRINTER_STATES: dict[str, Text] = {
    "ok": Text("Sẵn sàng", "Ready"),
    "offline": Text("Không kết nối", "Offline"),
    "paper_out": Text("Hết giấy", "Out of paper"),
    "unknown": Text("Không rõ (máy in không trả lời)", "Unknown (no answer)"),
    "disabled": Text("Đã tắt in (printer.target = none)", "Printing disabled"),
}
PRINTER_CHECKING = Text("Đang kiểm tra máy in…", "Checking the printer…")
CHECK_PRINTER = Text("Kiểm tra", "Check")
TEST_PAGE = Text("In trang thử", "Test page")
REPRINT = Text("In lại phiếu", "Reprint a ticket")
NO_TICKETS = Text("Hôm nay chưa có phiếu nào", "No tickets today")
FIELDS_TODAY = Text("Lĩnh vực hôm nay", "Fields today")
FIELD_OPEN = Text("Đang nhận", "Open")
CLOSE_TODAY = Text("Đóng hôm nay", "Close today")
OPEN_TODAY = Text("Mở hôm nay", "Open today")
CLOSED_BY_ADMIN = Text("Đóng tại máy lấy số", "Closed at the kiosk")
BACK_HOME = Text("Về màn hình chính", "Back to the kiosk")
QUIT = Text("Thoát chương trình", "Quit the kiosk")
PRINTED = Text("Đã in {code}", "Printed {code}")
PRINT_FAILED = Text("In {code} không được: {why}", "Printing {code} failed: {why}")
