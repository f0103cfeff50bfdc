"""The words of the city report (terminal, PDF, chart, XLSX): one home each.

Words the point's own report already has (citizens, dossiers, the waits, the ratings, the
period before) are taken from kiosk/reports/texts.py, not written again.
"""

from __future__ import annotations

from kiosk.core.texts import Text
from kiosk.reports import texts as T

TITLE = Text("Báo cáo các điểm phục vụ của thành phố", "City report of the service points")
#: The official document's title (the centre sends it upward like a point's report).
DOCUMENT_TITLE = Text(
    "BÁO CÁO TỔNG HỢP HOẠT ĐỘNG CÁC ĐIỂM PHỤC VỤ HÀNH CHÍNH CÔNG",
    "SUMMARY REPORT OF THE PUBLIC ADMINISTRATION SERVICE POINTS",
)
SUBTITLE = Text("{span} · {points} điểm", "{span} · {points} points")
MADE = Text("Lập lúc {at}", "Made {at}")
CITY = Text("Toàn thành phố", "Whole city")
CITY_LINE = Text("Toàn thành phố: {headline}: {outcomes}", "Whole city: {headline}: {outcomes}")
CITY_WAITS = Text(
    "Thời gian chờ: trung vị {p50} phút; 90% chờ dưới {p90} phút; {share} chờ quá mục tiêu "
    "({target})",
    "Wait: median {p50} min, 90% within {p90} min; {share} waited over the target ({target})",
)
OWN_TARGETS = Text("mục tiêu của từng điểm", "each point's own target")
ONE_TARGET = Text("{minutes} phút cho mọi điểm", "{minutes} min for every point")
POINT = Text("Điểm", "Point")
POINTS = Text("Các điểm", "Points")
RANK = Text("Hạng", "Rank")
WAIT_RANK = Text("Hạng\nchờ", "Wait\nrank")
SATISFACTION_RANK = Text("Hạng\nhài lòng", "Satis-\nfaction\nrank")
TARGET_MIN = Text("Mục tiêu\n(phút)", "Target\n(min)")
RATED = Text("Tỷ lệ\nđánh giá", "Rated")
CHANGE_WAIT = Text("So kỳ\ntrước: chờ\n(phút)", "vs before:\nwait\n(min)")
CHANGE_OVER = Text("So kỳ\ntrước: quá\nmục tiêu", "vs before:\nover target\n(pts)")
BEFORE_CITIZENS = Text("Kỳ trước: lượt công dân", "Before: citizens")
BEFORE_WAIT = Text("Kỳ trước: chờ trung vị (phút)", "Before: median wait (min)")
BEFORE_OVER = Text("Kỳ trước: chờ quá mục tiêu", "Before: over target")
#: The two rankings: by waits (the share over the target, then the median) and by ratings.
BY_WAIT = Text(
    "Xếp hạng theo thời gian chờ (tỷ lệ chờ quá mục tiêu, rồi chờ trung vị)",
    "Ranking by waits (share over the target, then the median wait)",
)
BY_SATISFACTION = Text(
    "Xếp hạng theo mức độ hài lòng (tỷ lệ hài lòng trở lên)",
    "Ranking by satisfaction (share satisfied or better)",
)
BEST = Text("Tốt nhất", "Best")
WORST = Text("Kém nhất", "Worst")
BEST_WAIT = Text(
    "Chờ tốt nhất: {name} ({share} chờ quá mục tiêu, trung vị {p50} phút)",
    "Best waits: {name} ({share} over the target, median {p50} min)",
)
WORST_WAIT = Text(
    "Chờ kém nhất: {name} ({share} chờ quá mục tiêu, trung vị {p50} phút)",
    "Worst waits: {name} ({share} over the target, median {p50} min)",
)
BEST_SATISFIED = Text(
    "Hài lòng cao nhất: {name} ({share} hài lòng trở lên)",
    "Most satisfied: {name} ({share} satisfied or better)",
)
WORST_SATISFIED = Text(
    "Hài lòng thấp nhất: {name} ({share} hài lòng trở lên)",
    "Least satisfied: {name} ({share} satisfied or better)",
)
PER_POINT = Text("Theo điểm (xếp theo thời gian chờ):", "Per point (ranked by waits):")
POINT_LINE = Text(
    "{citizens} lượt, {dossiers} hồ sơ, chờ trung vị {p50} phút, 90% dưới {p90} phút, "
    "{over} quá {target} phút",
    "{citizens} citizens, {dossiers} dossiers, wait median {p50} min, 90% within {p90} min, "
    "{over} over {target} min",
)
POINT_SATISFIED = Text(", hài lòng {share}", ", satisfied {share}")
POINT_CHANGE = Text(" (so kỳ trước: chờ {change})", " (vs before: wait {change})")
NO_TICKETS = Text("không có phiếu", "no tickets")
#: The trend: the whole city per month, week or day.
PERIOD_UNIT = {
    "month": Text("Theo tháng", "Per month"),
    "week": Text("Theo tuần", "Per week"),
    "day": T.PER_DAY,
}
WEEK_OF = Text("tuần {day}", "week {day}")
TREND_LINE = Text(
    "{citizens} lượt, chờ trung vị {p50} phút, {over} quá mục tiêu",
    "{citizens} citizens, median wait {p50} min, {over} over the target",
)
TREND_CHART = Text(
    "Lượt công dân và thời gian chờ trung vị toàn thành phố",
    "Citizens and median wait across the city",
)
PERIOD_COLUMN = Text("Kỳ", "Period")
CITY_SHEET = Text("Toàn thành phố", "City")
TREND_SHEET = Text("Xu hướng", "Trend")
WAIT_RANK_SHEET = Text("Xếp hạng chờ", "Wait ranking")
SATISFACTION_RANK_SHEET = Text("Xếp hạng hài lòng", "Satisfaction ranking")
NOT_READ = Text(
    "Điểm {site}: không đọc được cấu hình đã gửi ({problem}); dùng mục tiêu mặc định",
    "Point {site}: its shipped config could not be read ({problem}); default target used",
)
