"""The words of reports, exports, the capacity plan and the simulator (one home each).

Everything a manager reads in a report, an export's headings, a chart, the PDF or a terminal
summary is a `kiosk.core.texts.Text` here; the manager window and the CLI pick the language and
take the words they share with the reports from here.
"""

from __future__ import annotations

from kiosk.core import texts as words
from kiosk.core.texts import Text

# ------------------------------------------------------------------ capacity plan
CAPACITY_TITLE = Text(
    "Dự báo năng lực: {citizens} lượt công dân/ngày trong {days} ngày làm việc (seed {seed}); "
    "mô hình mô phỏng, không dùng cơ sở dữ liệu",
    "Capacity plan: {citizens} citizens a day over {days} working days (seed {seed}); "
    "simulation model, no database used",
)
CAPACITY_WAITS = Text(
    "Thời gian chờ: trung vị / 90% chờ dưới, phút", "Wait: median / 90% within, minutes"
)
COUNTERS_UNIT = Text("quầy", "counters")
NOT_SERVED_A_DAY = Text("Chưa được phục vụ/ngày", "Not served by closing, a day")
NOW_MARK = Text("* hiện nay", "* now")
BUSIEST_COUNTER = Text(
    "; quầy bận nhất: {number} ({share}% thời gian mở cửa)",
    "; busiest counter: {number} ({share}% of opening time)",
)
ALL_FIELDS = Text("Tất cả lĩnh vực", "All fields")
ONE_MORE_FOR = Text("+1 cho {field}", "+1 for {field}")
ONE_FEWER = Text("−1: bớt quầy {number}", "−1: without counter {number}")

# ------------------------------------------------------------------ words of many tables
DAY = Text("Ngày", "Day")
HOUR = Text("Giờ", "Hour")
FIELD = words.FIELD
COUNTER = words.COUNTER
TICKET = Text("Số phiếu", "Ticket")
KIND = Text("Loại", "Kind")
DATA = Text("Dữ liệu", "Data")
CITIZENS = Text("Lượt công dân", "Citizens")
DOSSIERS = words.DOSSIERS
SERVED = words.SERVED
#: What became of one ticket (its outcome), and the column counting them.
NO_SHOW = Text("Vắng mặt", "No-show")
NO_SHOWS = Text("Vắng mặt", "No-shows")
EXPIRED = Text("Hết hạn", "Expired")
IN_PROGRESS = Text("Chưa xong", "In progress")
TRANSFERRED_COLUMN = Text("Được chuyển", "Transferred")
WAIT_P50_MIN = Text("Chờ trung vị (phút)", "Median wait (min)")
WAIT_P90_MIN = Text("90% chờ dưới (phút)", "90% waited under (min)")
LONGEST_WAIT_MIN = Text("Chờ lâu nhất (phút)", "Longest wait (min)")
BUSIEST_HOUR_COLUMN = Text("Giờ đông nhất", "Busiest hour")
OVER_TARGET = Text("Chờ quá mục tiêu", "Over target")
REPORT_TITLE = Text("Báo cáo thời gian chờ", "Waiting time report")
PER_HOUR = Text("Theo giờ lấy số", "Per hour")
PER_HOUR_OF_ISSUE = Text("Theo giờ lấy số", "Per hour of issue")

# ------------------------------------------------------------------ key figures (PDF, window)
CARD_CITIZENS = Text("lượt công dân", "citizens")
CARD_SERVED = Text("đã phục vụ", "served")
CARD_NO_SHOWS = Text("vắng mặt / hết hạn", "no-shows / expired")
CARD_WAIT_P50 = Text("phút chờ (trung vị)", "min wait (median)")
CARD_WAIT_P90 = WAIT_P90_MIN
CARD_OVER_TARGET = Text("chờ quá {minutes} phút", "waited over {minutes} min")
PAGE_NUMBER = Text("Trang {number}/{total}", "Page {number}/{total}")

# ------------------------------------------------------------------ the XLSX summary sheet
SUMMARY = Text("Tổng hợp", "Summary")
MADE_AT = Text("Lập lúc {at}; mục tiêu chờ {target} phút", "Made {at}; wait target {target} min")
MEDIAN_WAIT_MIN = WAIT_P50_MIN
MEDIAN_SERVICE_MIN = Text("Phục vụ trung vị (phút)", "Median service (min)")
WAITED_OVER = Text("Chờ quá {minutes} phút", "Waited over {minutes} min")
WAITS_BY_HOUR_OF_ISSUE = Text("Thời gian chờ theo giờ lấy số", "Waits by hour of issue")
WAITS_BY_FIELD = Text("Thời gian chờ theo lĩnh vực", "Waits by field")
MINUTES = Text("phút", "minutes")
EVENT_LOG = Text("Nhật ký sự kiện", "Event log")
EVENT_COUNT = Text("Số sự kiện", "Events")
EVENTS = Text("Sự kiện", "Events")

# ------------------------------------------------------------------ charts
NO_DATA = Text("Không có dữ liệu trong khoảng này", "No data in this range")
TARGET = Text("Mục tiêu {minutes} phút", "Target {minutes} min")
MEDIAN_WAIT_P50 = words.MEDIAN_WAIT
WAIT_P90 = words.WAIT_P90
WAIT_MINUTES = Text("Thời gian chờ (phút)", "Wait (minutes)")
WAIT_P90_MINUTES = Text("90% chờ dưới (phút)", "90% waited under (minutes)")
HOUR_OF_ISSUE = Text("Giờ lấy số", "Hour of issue")
COUNT = Text("Số lượng", "Count")
MEDIAN_SERVICE_P50 = Text("Phục vụ trung vị", "Median service")
SERVICE_P50_MINUTES = Text("Phục vụ trung vị (phút)", "Median service (minutes)")
EXPIRED_OR_OPEN = Text("Hết hạn / chưa xong", "Expired / open")
CHART_HOURS = Text("Lượt lấy số và thời gian chờ theo giờ", "Citizens and waits by hour of day")
CHART_DAYS = Text("Lượt công dân và hồ sơ theo ngày", "Citizens and dossiers per day")
CHART_COUNTERS = Text("Công dân được phục vụ theo quầy", "Citizens served per counter")
CHART_OUTCOMES = Text("Kết quả theo lĩnh vực", "Outcome by field")

# ------------------------------------------------------------------ report summary
HEADLINE = Text("{citizens} lượt công dân, {dossiers} hồ sơ", "{citizens}, {dossiers}")
BUSIEST_HOUR = Text("Giờ đông nhất: {hour}", "Busiest hour: {hour}")
PER_DAY = Text("Theo ngày", "Per day")
PER_FIELD = Text("Theo lĩnh vực", "Per field")
PER_COUNTER = Text("Theo quầy", "Per counter")
PER_OFFICER = Text("Theo cán bộ", "Per officer")
OFFICER = Text("Cán bộ", "Officer")
PER_PROCEDURE = Text("Theo thủ tục", "Per procedure")
PROCEDURE = Text("Thủ tục", "Procedure")
#: The row of tickets taken with a plain tap (no procedure chosen on the kiosk).
NO_PROCEDURE = Text("Không chọn thủ tục", "No procedure chosen")
CITIZENS_UNIT = Text("lượt", "citizens")
DOSSIERS_UNIT = Text("hồ sơ", "dossiers")
ROW_WAITS = Text(
    "chờ trung vị {p50} phút, 90% dưới {p90} phút", "wait median {p50} min, 90% within {p90} min"
)
OUTCOMES = Text(
    "{served} đã phục vụ, {no_shows} vắng mặt, {expired} hết hạn",
    "{served} served, {no_shows} no-shows, {expired} expired",
)
STILL_OPEN = Text(", {n} chưa xong", ", {n} in progress")
TRANSFERRED = Text(" ({n} lượt được chuyển)", " ({n} transferred)")
WAITS = Text(
    "Thời gian chờ: trung vị {p50} phút; 90% chờ dưới {p90} phút; lâu nhất {longest} phút; "
    "{share} chờ quá {target} phút. Phục vụ: trung vị {service} phút",
    "Wait: median {p50} min, 90% within {p90} min, longest {longest} min; {share} waited "
    "over {target} min. Service: median {service} min",
)
COUNTER_N = words.COUNTER_N

# ------------------------------------------------------------------ the period before
COMPARED_WITH = Text("So với kỳ trước ({span})", "Compared with the period before ({span})")
NO_PREVIOUS_DATA = Text("không có số liệu kỳ trước", "no data for the previous period")
BEFORE = Text("kỳ trước {value}", "before {value}")
PERCENTAGE_POINTS = Text(" điểm %", " pts")
THIS_PERIOD = Text("Kỳ này", "This period")
PREVIOUS_PERIOD = Text("Kỳ trước", "Period before")
CHANGE = Text("Thay đổi", "Change")
FIGURE = Text("Chỉ tiêu", "Figure")

# ------------------------------------------------------------------ the report as a document
NATIONAL_NAME = Text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIET NAM")
NATIONAL_MOTTO = Text("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness")
DOCUMENT_TITLE = Text("BÁO CÁO HOẠT ĐỘNG XẾP HÀNG VÀ PHỤC VỤ", "REPORT ON QUEUEING AND SERVICE")
#: The period of the report: from one day to another, or one day.
PERIOD = Text("Từ ngày {start} đến ngày {end}", "From {start} to {end}")
ONE_DAY = Text("Ngày {day}", "Day {day}")
#: The date line: place (may be empty), day, month, year.
DATED = Text("{place}ngày {day} tháng {month} năm {year}", "{place}{day} {month} {year}")
PREPARED_BY = Text("NGƯỜI LẬP", "PREPARED BY")
SIGN_HERE = Text("(Ký, ghi rõ họ tên)", "(Signature and full name)")
HEAD_SIGN_HERE = Text("(Ký tên, đóng dấu)", "(Signature and seal)")
# ------------------------------------------------------------------ satisfaction (issue #18)
RATINGS = Text("Lượt đánh giá", "Ratings")
RATED_SHARE = Text("Tỷ lệ người đã phục vụ có đánh giá", "Share of served citizens who rated")
SATISFIED_SHARE = Text("Hài lòng trở lên (trong số đánh giá)", "Satisfied or better (of ratings)")
REASON = Text("Lý do: {reason}", "Reason: {reason}")
SATISFACTION = Text(
    "Đánh giá: {rated}/{served} lượt đã phục vụ ({rated_share}); hài lòng trở lên {satisfied}",
    "Ratings: {rated} of {served} served ({rated_share}); satisfied or better {satisfied}",
)
TOTAL = Text("Tổng cộng", "Total")
SATISFACTION_TITLE = Text("Mức độ hài lòng của người dân", "Citizen satisfaction")
SATISFACTION_BY = {
    "day": Text("Đánh giá theo ngày", "Ratings per day"),
    "field": Text("Đánh giá theo lĩnh vực", "Ratings per field"),
    "counter": Text("Đánh giá theo quầy", "Ratings per counter"),
    "officer": Text("Đánh giá theo cán bộ", "Ratings per officer"),
}
SATISFACTION_ROW = Text(
    "{rated}/{served} đánh giá, hài lòng trở lên {satisfied}",
    "{rated} of {served} rated, satisfied or better {satisfied}",
)
SATISFACTION_CHART = Text(
    "Mức độ hài lòng theo lĩnh vực và quầy", "Satisfaction by field and counter"
)
RATINGS_SHARE_AXIS = Text("% lượt đánh giá", "% of ratings")
SATISFIED_AFTER_BAR = Text("{share} hài lòng · {n} lượt", "{share} satisfied · {n}")
GROUP = Text("Nhóm", "Group")
REASONS_NAMED = Text("Lý do chưa hài lòng được chọn", "Reasons given")
SAT_SERVED = Text("Đã\nphục vụ", "Served")  # also the tables' column
SAT_RATED = Text("Lượt\nđánh giá", "Ratings")
SAT_RATED_SHARE = Text("Tỷ lệ\nđánh giá", "Share\nrated")
SAT_SATISFIED = Text("Hài lòng\ntrở lên", "Satisfied\nor better")
NO_RATINGS = Text("Chưa có lượt đánh giá nào trong kỳ", "No ratings in this range")

# ------------------------------------------------------------------ exports and the CLI
WROTE_ROWS = Text(
    "Đã ghi {rows} dòng vào {path}{where} trong {seconds} giây",
    "Wrote {rows} rows to {path}{where} in {seconds} s",
)
SHEETS = Text(" ({sheets} trang tính)", " ({sheets})")
YES = Text("Có", "Yes")
NO = Text("Không", "No")
REPORT = Text("Báo cáo", "Report")
SIMULATING = Text("Mô phỏng", "Simulating")
CITY_PROGRESS = Text(
    "{done}/{total} điểm, {rate} phiếu/giây", "{done}/{total} points, {rate} tickets/s"
)
