"""Every word the web pages show, Vietnamese first, English as the alternative."""

from __future__ import annotations

from kiosk.core import texts as words
from kiosk.core.errors import UNAVAILABLE
from kiosk.core.texts import Text

LANGUAGES = ("vi", "en")

TEXTS: dict[str, Text] = {
    "bring": words.BRING,
    "fee": words.FEE,
    "processing": words.PROCESSING,
    "other_lang": words.SWITCH_LANGUAGE,
    "title_ticket": Text("Theo dõi số thứ tự", "Follow your number"),
    "your_number": Text("Số thứ tự của ông/bà", "Your number"),
    "priority": words.PRIORITY,
    "waiting": words.WAITING,
    "waiting_hint": Text(
        "Ông/bà có thể ra ngoài chờ: trang này tự cập nhật và báo khi đến lượt.",
        "You may wait outside: this page updates itself and alerts you.",
    ),
    "to_counter": Text(
        "Ông/bà được chuyển đến quầy số {n}.", "You were transferred to counter {n}."
    ),
    "call": Text("Mời số {code} đến quầy {n}", "Number {code}, please go to counter {n}"),
    "call_hint": Text("Mời ông/bà đến ngay quầy số {n}.", "Please go to counter {n} now."),
    "recall": Text("Gọi lại lần {n}", "Called again ({n})"),
    "serving": Text("Đang phục vụ tại quầy số {n}", "Being served at counter {n}"),
    "serving_hint": Text("Ông/bà đang được phục vụ.", "You are being served."),
    "skipped": Text(
        "Số {code} đã bị bỏ qua vì vắng mặt khi được gọi",
        "Number {code} was skipped: you were not there when called",
    ),
    "skipped_hint": Text(
        "Mời ông/bà đến quầy hướng dẫn để được xếp lại vào hàng chờ.",
        "Please ask at the help desk to be put back in the queue.",
    ),
    "completed": Text("Đã hoàn thành", "Completed"),
    "completed_hint": Text("Xin cảm ơn ông/bà!", "Thank you!"),
    "expired": Text("Số thứ tự này đã hết hạn", "This number has expired"),
    "expired_hint": Text(
        "Phiếu của ngày {day}. Mời ông/bà lấy số mới tại máy lấy số.",
        "Ticket of {day}. Please take a new number at the kiosk.",
    ),
    "unknown": Text("Không tìm thấy số thứ tự", "Number not found"),
    "unknown_hint": Text(
        "Địa chỉ này không đúng hoặc đã hết hạn. "
        "Mời ông/bà quét lại mã QR trên phiếu hoặc lấy số mới tại máy lấy số.",
        "This address is wrong or has expired. "
        "Please scan the QR code on your ticket again or take a new number at the kiosk.",
    ),
    "sound_on": Text("Bật âm báo", "Turn on the alert"),
    "sound_is_on": Text("Đã bật âm báo", "Alert is on"),
    "reconnecting": Text("Đang kết nối lại…", "Reconnecting…"),
    "unavailable": UNAVAILABLE,
    "updated": Text("Cập nhật lúc {t}", "Updated at {t}"),
    "hotline": Text("Tổng đài hỗ trợ", "Help line"),
    "too_many": Text(
        "Quá nhiều yêu cầu, vui lòng thử lại sau ít phút",
        "Too many requests, please try again in a few minutes",
    ),
    "title_board": Text("Bảng gọi số", "Calling board"),
    "board_call": Text("MỜI SỐ {code} ĐẾN QUẦY {n}", "NUMBER {code} TO COUNTER {n}"),
    "counter": words.COUNTER_N,
    "paused": words.PAUSED,
    "closed": Text("Đóng", "Closed"),
    "recent": Text("Số vừa gọi", "Recent calls"),
    "queue": words.WAITING,
    "nobody": words.NO_ONE_WAITING,
    "no_call": Text("Chưa gọi số nào", "No number called yet"),
    "title_manage": Text("Điều hành điểm phục vụ", "Service point dashboard"),
    "login": words.SIGN_IN,
    "logout": words.SIGN_OUT,
    "password": Text("Mật khẩu", "Password"),
    "wrong_password": Text("Sai mật khẩu", "Wrong password"),
    "manage_off": Text(
        "Chưa đặt mật khẩu: chạy kiosk config set-web-password",
        "No password set: run kiosk config set-web-password",
    ),
    "citizens": Text("Lượt công dân hôm nay", "Citizens today"),
    "dossiers": words.DOSSIERS,
    "wait_p50": words.MEDIAN_WAIT,
    "wait_p90": words.WAIT_P90,
    "minutes": Text("{n} phút", "{n} min"),
    "field": words.FIELD,
    "longest": Text("Chờ lâu nhất", "Longest wait"),
    "counters": words.COUNTER,
    "state": Text("Trạng thái", "State"),
    "ticket": Text("Số", "Number"),
    "served": words.SERVED,
    "open": words.OPEN,
    "alerts": Text("Cảnh báo", "Alerts"),
    "no_alerts": Text("Không có cảnh báo", "No alerts"),
    "since": Text("từ {t}", "since {t}"),
    # /city: every point of the city, at the centre (kiosk web --central)
    "title_city": Text("Các điểm phục vụ toàn thành phố", "All service points of the city"),
    "city_heading": Text("Trung tâm phục vụ hành chính công", "City public service centre"),
    "city_foot": Text(
        "Số liệu do các điểm gửi về trung tâm; không có thông tin cá nhân",
        "Figures the points ship to the centre; no personal data",
    ),
    "point": Text("Điểm phục vụ", "Service point"),
    "st_quiet": Text("Mất tín hiệu", "Gone quiet"),
    "st_never": Text("Chưa gửi dữ liệu", "Never shipped"),
    "st_open": Text("Đang mở cửa", "Open"),
    "st_closed": Text("Ngoài giờ", "Closed"),
    "points_open": Text("Điểm đang mở cửa", "Points open"),
    "points_quiet": Text("Điểm mất tín hiệu", "Points gone quiet"),
    "people_waiting": Text("Người đang chờ", "People waiting"),
    "counters_open": Text("Quầy đang mở", "Counters open"),
    "tickets_today": Text("Phiếu hôm nay", "Tickets today"),
    "received": Text("Nhận lần cuối", "Last received"),
    "just_now": Text("vừa xong", "just now"),
    "minutes_ago": Text("{n} phút trước", "{n} min ago"),
    "hours_ago": Text("{n} giờ trước", "{n} h ago"),
    "days_ago": Text("{n} ngày trước", "{n} days ago"),
    "never": Text("chưa bao giờ", "never"),
    "quiet_legend": Text(
        "Mất tín hiệu: đang trong giờ mở cửa của điểm nhưng trung tâm không nhận được tín hiệu "
        "nào từ điểm quá {n} phút. Giờ và ngày theo giờ địa phương của từng điểm.",
        "Gone quiet: open by its own hours, but no contact from it for over {n} min. "
        "Days and hours are each point's own.",
    ),
    "city_stale": Text(
        "Không kết nối được trung tâm: số liệu lúc {t} ({ago})",
        "The centre cannot be reached: figures as of {t} ({ago})",
    ),
    "city_loading": Text("Đang tải số liệu từ trung tâm…", "Loading the centre's figures…"),
    "config_problem": Text(
        "cấu hình điểm gửi về không đọc được", "its shipped config could not be read"
    ),
}


def pick_language(value: str | None) -> str:
    """`?lang=en` gives English; anything else Vietnamese (the default)."""
    return value if value in LANGUAGES else "vi"
