"""The report as the official document a point sends upward: what its heading and signature
block say (kiosk/reports/official_pdf.py draws them).

A Vietnamese administrative document opens with two blocks side by side: on the left the body
above the point and the point itself (capitals, the point in bold), on the right the national
name and motto ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" / "Độc lập - Tự do - Hạnh phúc"); then
the place and date ("An Khánh, ngày 5 tháng 12 năm 2026", italic, right), the title and the
period. It ends with the signatures: who made it and the head of the point. `[reports]` in
the config holds the names; `national_heading = false` keeps the plain report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.core.config import Config
from kiosk.reports import texts as T
from kiosk.reports.history import HistoryFilter

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Letterhead:
    """The heading and signature block of one report (names from `[reports]`)."""

    authority: str
    point: str
    point_en: str
    place: str
    #: The day the report is made (the date line).
    made: date
    prepared_by: str
    head_title: str
    head_title_en: str
    head_name: str

    @classmethod
    def of(cls, config: Config, made: date) -> Letterhead | None:
        """The point's letterhead, or None when `[reports] national_heading = false`."""
        r = config.reports
        if not r.national_heading:
            return None
        return cls(
            authority=r.authority,
            point=config.site.name,
            point_en=config.site.name_en,
            place=r.place,
            made=made,
            prepared_by=r.prepared_by,
            head_title=r.head_title,
            head_title_en=r.head_title_en,
            head_name=r.head_name,
        )

    def issuer(self, lang: str) -> tuple[str, str]:
        """The left block: the body above (may be empty) and the point, in capitals."""
        point = self.point if lang == "vi" else self.point_en
        return self.authority.upper(), point.upper()

    def national(self, lang: str) -> tuple[str, str]:
        """The right block: the national name and the motto."""
        return T.NATIONAL_NAME.get(lang), T.NATIONAL_MOTTO.get(lang)

    def dated(self, lang: str) -> str:
        """ "An Khánh, ngày 05 tháng 12 năm 2026" / "An Khánh, 5 December 2026"."""
        d = self.made
        place = f"{self.place}, " if self.place else ""
        if lang == "vi":
            # Decree 30/2020/NĐ-CP: days below 10 and the months 1 and 2 take a leading zero.
            month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
            text = T.DATED.vi.format(place=place, day=f"{d.day:02d}", month=month, year=d.year)
            return text[0].upper() + text[1:]  # "Ngày 5 …" without a place
        month = _MONTHS_EN[d.month - 1]
        return T.DATED.en.format(place=place, day=d.day, month=month, year=d.year)

    def signers(self, lang: str) -> list[tuple[str, str, str]]:
        """(title, what to write under it, name) of the two who sign, left then right."""
        head = self.head_title if lang == "vi" else self.head_title_en
        return [
            (T.PREPARED_BY.get(lang), T.SIGN_HERE.get(lang), self.prepared_by),
            (head.upper(), T.HEAD_SIGN_HERE.get(lang), self.head_name),
        ]


def period_text(flt: HistoryFilter, lang: str) -> str:
    """ "Từ ngày 01/12/2026 đến ngày 05/12/2026", or "Ngày 05/12/2026" for one day, with the
    filters after it as the report's subtitle names them."""
    if flt.start == flt.end:
        text = T.ONE_DAY.get(lang, day=f"{flt.start:%d/%m/%Y}")
    else:
        text = T.PERIOD.get(lang, start=f"{flt.start:%d/%m/%Y}", end=f"{flt.end:%d/%m/%Y}")
    filters = flt.describe(lang).partition(", ")[2]
    return f"{text} ({filters})" if filters else text
