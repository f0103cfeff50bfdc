"""The one bilingual text type: every citizen- and clerk-facing string is a `Text`.

Vietnamese first (GLOSSARY.md), English as the alternative. Screens pick one language
(`get`), or show both where a clerk or an installer reads them (`both`). Errors carry one too
(`KioskError.text`). tests/core/test_texts.py checks that no screen shows a Vietnamese string
outside a `Text`, and that every `Text` has both languages with the same placeholders.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import NamedTuple


class Language(StrEnum):
    VI = "vi"
    EN = "en"


class Text(NamedTuple):
    """A string in Vietnamese and English, with optional `{name}` placeholders."""

    vi: str
    en: str

    def get(self, lang: Language | str, **values: object) -> str:
        """The text in `lang` ("vi" or "en"), with `{names}` filled in."""
        text = self.vi if lang == Language.VI else self.en
        return text.format(**values) if values else text

    def both(self, sep: str = " / ", **values: object) -> str:
        """Vietnamese then English in one string (labels an installer or a clerk reads)."""
        if self.vi == self.en:
            return self.get(Language.VI, **values)
        return f"{self.get(Language.VI, **values)}{sep}{self.get(Language.EN, **values)}"

    def fill(self, **values: object) -> Text:
        """The same text with `{names}` filled in, still in both languages."""
        return Text(self.vi.format(**values), self.en.format(**values))


#: The hint after an unknown name: ' Có phải "hotich"?' (a leading space, to follow a sentence).
DID_YOU_MEAN = Text(' Có phải "{name}"?', ' Did you mean "{name}"?')


def vietnamese_only(text: str) -> str:
    """Mark Vietnamese that is data, not a text shown in one language (the printer test page's
    tone marks). tests/core/test_texts.py lets a literal inside this call stand without an
    English one, and lists every use with its reason (VIETNAMESE_DATA); nothing else changes."""
    return text


WEEKDAYS = (
    Text("Thứ Hai", "Monday"),
    Text("Thứ Ba", "Tuesday"),
    Text("Thứ Tư", "Wednesday"),
    Text("Thứ Năm", "Thursday"),
    Text("Thứ Sáu", "Friday"),
    Text("Thứ Bảy", "Saturday"),
    Text("Chủ Nhật", "Sunday"),
)


def weekday_date(moment: datetime, lang: Language | str) -> str:
    """ "Thứ Hai, 23/11/2026" or "Monday, 23/11/2026" (`moment` in local time)."""
    return f"{WEEKDAYS[moment.weekday()].get(lang)}, {moment:%d/%m/%Y}"


#: What the kiosk screen, the printed ticket and the phone page tell a waiting citizen: the
#: same words in all three (`wait_text` picks the estimate's).
PEOPLE_AHEAD = Text("Số người đang chờ trước ông/bà", "People ahead of you")
ESTIMATED_WAIT = Text("Thời gian chờ dự kiến", "Estimated wait")
ABOUT_MINUTES = Text("khoảng {n} phút", "about {n} min")
UNDER_A_MINUTE = Text("dưới 1 phút", "under 1 min")
#: The estimate while no counter that may call the ticket is open (mornings before clerks).
NO_COUNTER_OPEN = Text("chưa có quầy mở", "no counter open yet")


def wait_text(minutes: int | None, lang: Language | str) -> str:
    """ "khoảng 15 phút", "dưới 1 phút" when the citizen is next, or "chưa có quầy mở" when
    no counter that serves the ticket is open (None: no time can be promised)."""
    if minutes is None:
        return NO_COUNTER_OPEN.get(lang)
    return UNDER_A_MINUTE.get(lang) if minutes < 1 else ABOUT_MINUTES.get(lang, n=minutes)


# ------------------------------------------------------------ words every screen shares
# A word two screens (or a screen and a printout, a report, a page) say is written once, here;
# tests/core/test_texts.py fails when one is written twice anywhere.
SWITCH_LANGUAGE = Text("English", "Tiếng Việt")
PRIORITY_BADGE = Text("ƯU TIÊN", "PRIORITY")
PRIORITY = Text("Ưu tiên", "Priority")
NO_ONE_WAITING = Text("Không còn ai chờ", "No one is waiting")
BRING = Text("Giấy tờ cần mang", "Documents to bring")
FEE = Text("Lệ phí", "Fee")
PROCESSING = Text("Thời hạn giải quyết", "Processing time")
PIN_WRONG = Text("Sai mã PIN, còn {n} lần thử", "Wrong PIN, {n} tries left")
ADMIN_PIN_PROMPT = Text("Nhập mã PIN quản trị", "Enter the admin PIN")
CHECKING = Text("Đang kiểm tra…", "Checking…")
OPEN = Text("Mở", "Open")
CANCEL = Text("Hủy", "Cancel")
BACK = Text("Quay lại", "Back")
SIGN_IN = Text("Đăng nhập", "Sign in")
SIGN_OUT = Text("Đăng xuất", "Sign out")
PAUSE = Text("Tạm dừng", "Pause")
PAUSED = Text("Tạm dừng", "Paused")
WAITING = Text("Đang chờ", "Waiting")
WAITING_HEADING = Text("ĐANG CHỜ", "Waiting")
COUNTER = Text("Quầy", "Counter")
#: A wait's median and 90th percentile in plain words (reports, the web dashboard).
MEDIAN_WAIT = Text("Chờ trung vị", "Median wait")
WAIT_P90 = Text("90% chờ dưới", "90% waited under")
COUNTER_N = Text("Quầy {n}", "Counter {n}")
FIELD = Text("Lĩnh vực", "Field")
DOSSIERS = Text("Hồ sơ", "Dossiers")
DOSSIER_COUNT = Text("Số hồ sơ", "Dossiers")
SERVED = Text("Đã phục vụ", "Served")
