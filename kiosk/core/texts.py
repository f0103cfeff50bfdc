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
