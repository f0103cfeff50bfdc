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
CAPACITY_WAITS = Text("Thời gian chờ p50 / p90, phút", "Wait p50 / p90, minutes")
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
WAIT_P50_MIN = Text("Chờ p50 (phút)", "Wait p50 (min)")
WAIT_P90_MIN = Text("Chờ p90 (phút)", "Wait p90 (min)")
LONGEST_WAIT_MIN = Text("Chờ lâu nhất (phút)", "Longest wait (min)")
BUSIEST_HOUR_COLUMN = Text("Giờ đông nhất", "Busiest hour")
REPORT_TITLE = Text("Báo cáo thời gian chờ", "Waiting time report")
PER_HOUR = Text("Theo giờ lấy số", "Per hour")
PER_HOUR_OF_ISSUE = Text("Theo giờ lấy số", "Per hour of issue")

# ------------------------------------------------------------------ key figures (PDF, window)
CARD_CITIZENS = Text("lượt công dân", "citizens")
CARD_SERVED = Text("đã phục vụ", "served")
CARD_NO_SHOWS = Text("vắng mặt / hết hạn", "no-shows / expired")
CARD_WAIT_P50 = Text("phút chờ (trung vị)", "min wait (median)")
CARD_WAIT_P90 = Text("phút chờ (p90)", "min wait (p90)")
CARD_OVER_TARGET = Text("chờ quá {minutes:g} phút", "waited over {minutes:g} min")
PAGE_NUMBER = Text("Trang {number}/{total}", "Page {number}/{total}")

# ------------------------------------------------------------------ the XLSX summary sheet
SUMMARY = Text("Tổng hợp", "Summary")
MADE_AT = Text(
    "Lập lúc {at}; mục tiêu chờ {target:g} phút", "Made {at}; wait target {target:g} min"
)
MEDIAN_WAIT_MIN = Text("Chờ trung vị (phút)", "Median wait (min)")
MEDIAN_SERVICE_MIN = Text("Phục vụ trung vị (phút)", "Median service (min)")
WAITED_OVER = Text("Chờ quá {minutes:g} phút", "Waited over {minutes:g} min")
WAITS_BY_HOUR_OF_ISSUE = Text("Thời gian chờ theo giờ lấy số", "Waits by hour of issue")
WAITS_BY_FIELD = Text("Thời gian chờ theo lĩnh vực", "Waits by field")
MINUTES = Text("phút", "minutes")
EVENT_LOG = Text("Nhật ký sự kiện", "Event log")
EVENT_COUNT = Text("Số sự kiện", "Events")
EVENTS = Text("Sự kiện", "Events")

# ------------------------------------------------------------------ charts
NO_DATA = Text("Không có dữ liệu trong khoảng này", "No data in this range")
TARGET = Text("Mục tiêu {minutes:g} phút", "Target {minutes:g} min")
MEDIAN_WAIT_P50 = Text("Chờ trung vị (p50)", "Median wait (p50)")
WAIT_P90 = Text("Chờ p90", "Wait p90")
WAIT_MINUTES = Text("Thời gian chờ (phút)", "Wait (minutes)")
WAIT_P90_MINUTES = Text("Chờ p90 (phút)", "Wait p90 (minutes)")
HOUR_OF_ISSUE = Text("Giờ lấy số", "Hour of issue")
COUNT = Text("Số lượng", "Count")
MEDIAN_SERVICE_P50 = Text("Phục vụ trung vị (p50)", "Median service (p50)")
SERVICE_P50_MINUTES = Text("Phục vụ p50 (phút)", "Service p50 (minutes)")
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
ROW_WAITS = Text("chờ p50 {p50} / p90 {p90} phút", "wait p50 {p50} / p90 {p90} min")
OUTCOMES = Text(
    "{served} đã phục vụ, {no_shows} vắng mặt, {expired} hết hạn",
    "{served} served, {no_shows} no-shows, {expired} expired",
)
STILL_OPEN = Text(", {n} chưa xong", ", {n} in progress")
TRANSFERRED = Text(" ({n} lượt được chuyển)", " ({n} transferred)")
WAITS = Text(
    "Thời gian chờ: trung vị {p50} phút, 90% trong vòng {p90} phút, lâu nhất {longest} phút; "
    "{share} chờ quá {target} phút. Phục vụ: trung vị {service} phút",
    "Wait: median {p50} min, 90% within {p90} min, longest {longest} min; {share} waited "
    "over {target} min. Service: median {service} min",
)
COUNTER_N = words.COUNTER_N
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
