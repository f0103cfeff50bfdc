"""The words of reports, exports, the capacity plan and the simulator (one home each).

Everything a manager reads in a report, an export's headings or a terminal summary is a
`kiosk.core.texts.Text` here; the manager window and the CLI pick the language.
"""

from __future__ import annotations

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

# ------------------------------------------------------------------ report summary
HEADLINE = Text("{citizens} lượt công dân, {dossiers} hồ sơ", "{citizens}, {dossiers}")
BUSIEST_HOUR = Text("Giờ đông nhất: {hour}", "Busiest hour: {hour}")
PER_DAY = Text("Theo ngày", "Per day")
PER_FIELD = Text("Theo lĩnh vực", "Per field")
PER_COUNTER = Text("Theo quầy", "Per counter")
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
COUNTER_N = Text("Quầy {n}", "Counter {n}")
TOTAL = Text("Tổng cộng", "Total")

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
