"""The period before a report's range, and its headline figures beside the report's.

Which period comes before (docs/manager.md, "Comparison with the period before"):
- one day: the point's previous *open* day by its configured hours (a Monday is compared with
  the Saturday or Friday before it, not with the Sunday the point was closed);
- whole calendar months (1 Nov–30 Nov, a quarter, a year): as many whole months before
  (October; the quarter or year before);
- any other range of N days: the N calendar days just before it (1–7 Dec: 24–30 Nov).
The filters (field, counter) stay the same. The figures compared are the headline ones:
citizens, dossiers, median and 90% waits, the share over the target, no-shows, and the share
"hài lòng" or better when either period has ratings.

A rise is judged only where its meaning is plain: longer waits and more citizens over the
target are worse, a higher satisfaction is better; more citizens, dossiers or no-shows are
shown without a judgement (`Figure.rise`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from kiosk.core.config import Config
from kiosk.core.texts import Text
from kiosk.core.wording import minutes, number, plain, share
from kiosk.reports import texts as T
from kiosk.reports.arrivals import last_open_days
from kiosk.reports.history import HistoryFilter

if TYPE_CHECKING:
    from kiosk.reports.report import Report

UP, DOWN, SAME = "▲", "▼", "="


class Unit(StrEnum):
    COUNT = "count"
    SECONDS = "seconds"
    SHARE = "share"


def previous_range(flt: HistoryFilter, config: Config) -> HistoryFilter:
    """The period compared with `flt` (the rules in this module's docstring)."""
    start, end = flt.start, flt.end
    if start == end:
        before = last_open_days(config, start - timedelta(days=1), 1)
        day = before[0] if before else start - timedelta(days=1)
        return replace(flt, start=day, end=day)
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        first = start.year * 12 + start.month - 1 - months
        return replace(flt, start=date(first // 12, first % 12 + 1, 1), end=start - timedelta(1))
    days = (end - start).days + 1
    return replace(flt, start=start - timedelta(days=days), end=start - timedelta(days=1))


@dataclass(frozen=True)
class Figure:
    """One headline figure now and in the period before (raw: counts, seconds, shares 0-1)."""

    key: str
    unit: Unit
    now: float | None
    before: float | None
    #: What a rise means: 1 better, -1 worse, 0 no judgement.
    rise: int

    def shown(self, value: float | None) -> float | None:
        """The value as the report shows it (minutes to 0.1, whole percent), so a change
        too small to see reads "="."""
        if value is None:
            return None
        if self.unit is Unit.SECONDS:
            return round(value / 60, 1)
        if self.unit is Unit.SHARE:
            return round(value * 100)
        return value

    @property
    def change(self) -> float | None:
        """Now less before, as shown (minutes, percentage points, counts); None: unknown."""
        now, before = self.shown(self.now), self.shown(self.before)
        return None if now is None or before is None else round(now - before, 1)

    @property
    def mark(self) -> str:
        """▲, ▼ or = (empty when either value is missing)."""
        c = self.change
        return "" if c is None else UP if c > 0 else DOWN if c < 0 else SAME

    @property
    def judgement(self) -> int:
        """1 better, -1 worse, 0 no change or no judgement: what a colour may say."""
        c = self.change
        return 0 if not c else self.rise * (1 if c > 0 else -1)

    def value_text(self, value: float | None, lang: str) -> str:
        if self.unit is Unit.SECONDS:
            return minutes(value, lang)
        if self.unit is Unit.SHARE:
            return share(value, lang)
        return number(value, lang)

    def change_text(self, lang: str) -> str:
        """e.g. "▲ 57", "▼ 0,4", "▲ 3 điểm %", "="; "–" when unknown."""
        c = self.change
        if c is None:
            return "–"
        if c == 0:
            return SAME
        size = number(abs(c), lang, 1 if self.unit is Unit.SECONDS else 0)
        if self.unit is Unit.SHARE:
            size += T.PERCENTAGE_POINTS.get(lang)
        return f"{self.mark} {size}"

    def label(self, target_minutes: float, lang: str) -> str:
        return LABELS[self.key].get(lang, minutes=plain(target_minutes, lang))


#: The words of each figure (the over-target one names the target).
LABELS: dict[str, Text] = {
    "citizens": T.CITIZENS,
    "dossiers": T.DOSSIERS,
    "wait_p50": T.WAIT_P50_MIN,
    "wait_p90": T.WAIT_P90_MIN,
    "over_target": T.WAITED_OVER,
    "no_shows": T.NO_SHOWS,
    "satisfied": T.SATISFIED_SHARE,
}


#: Each headline figure's unit and what a rise means (1 better, -1 worse, 0 no judgement),
#: in the order reports show them.
HEADLINE: dict[str, tuple[Unit, int]] = {
    "citizens": (Unit.COUNT, 0),
    "dossiers": (Unit.COUNT, 0),
    "wait_p50": (Unit.SECONDS, -1),
    "wait_p90": (Unit.SECONDS, -1),
    "over_target": (Unit.SHARE, -1),
    "no_shows": (Unit.COUNT, 0),
    "satisfied": (Unit.SHARE, 1),
}


def headline_values(report: Report) -> dict[str, float | None]:
    """key → value of a report's headline figures (counts, seconds, shares 0-1)."""
    t = report.total
    sat = report.satisfaction
    return {
        "citizens": t.tickets,
        "dossiers": t.dossiers,
        "wait_p50": t.wait_p50,
        "wait_p90": t.wait_p90,
        "over_target": t.over_target_share,
        "no_shows": t.no_shows,
        "satisfied": sat.satisfied_share if sat is not None else None,
    }


def compare(
    now: Mapping[str, float | None], before: Mapping[str, float | None]
) -> tuple[Figure, ...]:
    """The headline figures now beside before (`headline_values` of two periods, or the
    same keys of the city report); satisfaction only when either period has ratings."""
    figures = []
    for key, (unit, rise) in HEADLINE.items():
        if key == "satisfied" and now.get(key) is None and before.get(key) is None:
            continue  # no ratings in either period
        figures.append(Figure(key, unit, now.get(key), before.get(key), rise))
    return tuple(figures)


@dataclass(frozen=True)
class Previous:
    """The period before a report's range and its figures beside the report's."""

    start: date
    end: date
    #: Empty when the period before has no ticket.
    figures: tuple[Figure, ...]

    @classmethod
    def of(cls, flt: HistoryFilter, now: Report, before: Report | None) -> Previous:
        """Compare `now` with `before` (the report of `flt`, None: no ticket in it)."""
        if before is None:
            return cls(flt.start, flt.end, ())
        return cls(flt.start, flt.end, compare(headline_values(now), headline_values(before)))

    @property
    def has_data(self) -> bool:
        return bool(self.figures)

    def span(self, lang: str) -> str:
        """The period in words: "24/11/2026–30/11/2026" (one day: "22/11/2026")."""
        return HistoryFilter(self.start, self.end).describe(lang)

    def heading(self, lang: str) -> str:
        return T.COMPARED_WITH.get(lang, span=self.span(lang))

    def lines(self, report: Report, lang: str) -> list[str]:
        """The comparison in the terminal report."""
        if not self.has_data:
            return [f"{self.heading(lang)}: {T.NO_PREVIOUS_DATA.get(lang)}"]
        out = [self.heading(lang) + ":"]
        labels = [f.label(report.target_minutes, lang) for f in self.figures]
        width = max(map(len, labels))
        for label, f in zip(labels, self.figures, strict=True):
            before = T.BEFORE.get(lang, value=f.value_text(f.before, lang))
            out.append(
                f"  {label:<{width}}  {f.value_text(f.now, lang):>7}  ({before}; "
                f"{f.change_text(lang)})"
            )
        return out

    def as_json(self) -> dict[str, Any]:
        """The `previous` object of `kiosk report --json` (waits in seconds, shares 0-1)."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "data": self.has_data,
            "figures": {
                f.key: {"now": f.now, "before": f.before, "change": f.change, "mark": f.mark}
                for f in self.figures
            },
        }
