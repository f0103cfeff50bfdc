"""The printer's words: what each kind of printer is called, and how a print job ended."""

from __future__ import annotations

from kiosk.core import texts as words
from kiosk.core.texts import Text

USB_PRINTER = Text("Máy in USB {ids}", "USB printer {ids}")
NETWORK_PRINTER = Text("Máy in mạng {where}", "Network printer {where}")
SERIAL_PRINTER = Text("Máy in cổng COM {device}", "Serial printer {device}")
CUPS_PRINTER = Text("Máy in CUPS {name}", "CUPS printer {name}")
WINDOWS_PRINTER = Text("Máy in Windows {name}", "Windows printer {name}")
FILE_PRINTER = Text("Tệp {path}", "File {path}")
DUMMY_PRINTER = Text("Máy in giả lập (dummy)", "Dummy printer")
NO_PRINTER = Text("Không in (printer.target = none)", "Printing disabled (printer.target = none)")
MISSING_LIBRARY = Text(
    "{printer}: thiếu thư viện {package} ({note}).",
    "{printer}: the {package} library is not installed ({note}).",
)
INSTALL_PYUSB = Text("cài: pip install pyusb", "pip install pyusb")
INSTALL_PYSERIAL = Text("cài: pip install pyserial", "pip install pyserial")
UNIX_ONLY = Text("chỉ có trên Linux/macOS", "Linux/macOS only")
WINDOWS_ONLY = Text("chỉ có trên Windows", "Windows only")
NO_ANSWER = Text(
    "{printer} không phản hồi trong {seconds} giây: kiểm tra nguồn, cáp và giấy.",
    "{printer} did not respond within {seconds} s: check power, cable and paper.",
)
FAILED = Text("{printer}: lỗi ({error}).", "{printer} failed ({error}).")
PRINTED = Text("Đã in vé ({printer}).", "Ticket printed ({printer}).")
#: The hint after an unknown printer profile: the names closest to what was written.
PROFILE_HINT = Text(" Có phải: {names}?", " Did you mean: {names}?")
#: Labels of the printed ticket (TicketTheme keeps the strings it prints).
PRIORITY = words.PRIORITY_BADGE
DATE_LABEL = Text("Ngày:", "Date:")
TIME_LABEL = Text("Giờ:", "Time:")
HOTLINE_LABEL = Text("Hỗ trợ", "Hotline")
TEST_PAGE = Text("TRANG IN THỬ", "TEST PAGE")
BRING = Text("Giấy tờ cần mang", "Documents")
FEE = words.FEE
PROCESSING = words.PROCESSING
