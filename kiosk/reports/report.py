"""Wait-time reports per day, field, counter and hour, computed in one streaming pass.

Every group keeps exact counts and exact histograms of waits and service times in whole
seconds, so percentiles are exact (nearest rank: the smallest value with at least q% of the
values at or below it) while memory depends only on the longest wait, never on how many
tickets the history holds. Days arrive in order and each day is closed as soon as the next
one starts.

Plain Python, and fast enough for a year of a busy centre (a million tickets in a few
seconds): each batch is taken apart into columns once. The histograms of fields, counters and
hours are lists indexed by seconds, filled in one tight loop over the batch (six increments
a ticket, no tests: a missing duration lands in a slot never read). Everything else is
counted at C speed by `Counter.update` over zipped columns with few distinct values (field,
counter, hour, state, dossiers, transfers) and rolled up into the groups at the end, or when
a day closes. Percentiles come from running sums by bisection.

Definitions (docs/manager.md): tickets are counted once, in the field they were issued in and
the hour (local) they were issued; a counter's tickets are those it served or last called.
"Over target" is the share of called citizens whose wait exceeded `reports.wait_target_minutes`.
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import date, datetime
from itertools import accumulate, islice, repeat
from operator import floordiv, itemgetter
from typing import Any

from kiosk.core.config import Config
from kiosk.core.model import TicketState
from kiosk.core.ratings import SATISFIED_LEVELS, RatingLevel
from kiosk.core.store import Store
from kiosk.core.texts import Text
from kiosk.core.wording import count_en, plain, share
from kiosk.core.wording import minutes as minutes_text
from kiosk.core.wording import number as figure
from kiosk.reports import texts as T
from kiosk.reports.comparison import Previous, previous_range
from kiosk.reports.history import (
    EmptyRange,
    History,
    HistoryFilter,
    LocalTimes,
    Outcome,
    Progress,
    TicketLine,
    outcome_of,
)


def nearest_rank(sorted_values: Sequence[int], q: int) -> int | None:
    """The q-th percentile by nearest rank of already sorted values (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, (q * len(sorted_values) + 99) // 100)
    return sorted_values[rank - 1]


@dataclass(frozen=True)
class GroupStats:
    """One row of a report table. Durations are whole seconds (None: nothing to measure)."""

    key: str
    label: str
    label_en: str
    tickets: int
    served: int
    dossiers: int
    no_shows: int
    expired: int
    open: int
    transferred: int
    called: int
    wait_p50: int | None
    wait_p90: int | None
    wait_max: int | None
    service_p50: int | None
    busiest_hour: int | None
    over_target: int

    @property
    def over_target_share(self) -> float | None:
        """Share (0-1) of called citizens who waited longer than the target."""
        return self.over_target / self.called if self.called else None

    def name(self, lang: str) -> str:
        return self.label if lang == "vi" else self.label_en


@dataclass(frozen=True)
class Satisfaction:
    """The ratings of a range: how many of the served rated, and how."""

    served: int
    rated: int
    #: Ratings per level (every level, best first: RatingLevel values).
    levels: dict[str, int]
    #: Ratings naming each reason (the Vietnamese words), most named first.
    reasons: dict[str, int]
    #: The levels' words ([ratings] labels), best first, in Vietnamese and English.
    labels: tuple[str, ...] = ()
    labels_en: tuple[str, ...] = ()
    #: The reasons' words ([ratings] reasons and reasons_en), in Vietnamese and English.
    reason_words: tuple[tuple[str, str], ...] = ()
    #: The group (a day, field, counter or officer row's key and names; "all": the range).
    key: str = "all"
    label: str = ""
    label_en: str = ""

    def name(self, lang: str) -> str:
        return self.label if lang == "vi" else self.label_en

    def reasons_in(self, lang: str) -> dict[str, int]:
        """Ratings naming each reason, most named first, in `lang` (a rating records the
        Vietnamese words; a reason the config no longer has is shown as recorded)."""
        if lang == "vi":
            return dict(self.reasons)
        words = dict(self.reason_words)
        return {words.get(r, r): n for r, n in self.reasons.items()}

    def counts(self, lang: str) -> list[tuple[str, int]]:
        """(the level's words in `lang`, ratings), best first."""
        words = self.labels if lang == "vi" else self.labels_en
        return [(w, self.levels[lv.value]) for w, lv in zip(words, RatingLevel, strict=True)]

    @property
    def rated_share(self) -> float | None:
        """Share (0-1) of the served citizens who rated the service."""
        return self.rated / self.served if self.served else None

    @property
    def satisfied_share(self) -> float | None:
        """Share (0-1) of the ratings that are "hài lòng" or better."""
        if not self.rated:
            return None
        return sum(self.levels[lv.value] for lv in SATISFIED_LEVELS) / self.rated


@dataclass(frozen=True)
class Report:
    """Everything a manager reads about a range of days."""

    site_name: str
    site_name_en: str
    filter: HistoryFilter
    target_minutes: float
    total: GroupStats
    days: tuple[GroupStats, ...]
    fields: tuple[GroupStats, ...]
    counters: tuple[GroupStats, ...]
    hours: tuple[GroupStats, ...]
    #: Per catalogue procedure (field and key), then the tickets taken without one; empty
    #: when no ticket of the range was taken for a procedure.
    procedures: tuple[GroupStats, ...] = ()
    #: Per officer who served or last called the tickets (kiosk.core.officers), in the
    #: config's order, then officers no longer configured; empty when no ticket names one.
    officers: tuple[GroupStats, ...] = ()
    #: The citizens' ratings of the range (kiosk.core.ratings).
    satisfaction: Satisfaction | None = None
    #: The ratings by "day", "field", "counter" and "officer": one per row of that table
    #: that served someone or was rated, in the table's order (empty when nothing was rated).
    satisfaction_by: Mapping[str, tuple[Satisfaction, ...]] = dataclass_field(default_factory=dict)
    #: The headline figures of the period before, for comparison (None: not compared).
    previous: Previous | None = None

    def headline(self, lang: str = "en") -> str:
        """e.g. "72 citizens, 110 dossiers" (the point's own way of counting a day)."""
        t = self.total
        if lang == "vi":
            return T.HEADLINE.vi.format(
                citizens=figure(t.tickets, lang), dossiers=figure(t.dossiers, lang)
            )
        return T.HEADLINE.en.format(
            citizens=count_en(t.tickets, "citizen"), dossiers=count_en(t.dossiers, "dossier")
        )

    def text(self, lang: str = "en") -> str:
        """A plain-text summary for the terminal."""
        vi = lang == "vi"
        t = self.total
        lines = [
            f"{self.site_name if vi else self.site_name_en} – {self.filter.describe(lang)}",
            f"{self.headline(lang)}: " + _outcomes(t, lang),
            _waits(t, self.target_minutes, lang),
        ]
        if t.busiest_hour is not None:
            lines.append(T.BUSIEST_HOUR.get(lang, hour=hour_label(t.busiest_hour)))
        sat = self.satisfaction
        if sat is not None and sat.rated:
            lines.append(
                T.SATISFACTION.get(
                    lang,
                    rated=figure(sat.rated, lang),
                    served=figure(sat.served, lang),
                    rated_share=share(sat.rated_share or 0, lang),
                    satisfied=share(sat.satisfied_share or 0, lang),
                )
            )
            lines.append("  " + ", ".join(f"{w} {figure(n, lang)}" for w, n in sat.counts(lang)))
        for title, rows in (
            (T.PER_DAY, self.days),
            (T.PER_FIELD, self.fields),
            (T.PER_COUNTER, self.counters),
            (T.PER_OFFICER, self.officers),
            (T.PER_PROCEDURE, self.procedures),
        ):
            if (len(rows) <= 1 and rows is self.days) or not rows:
                continue
            lines.append(title.get(lang) + ":")
            width = max(len(r.name(lang)) for r in rows) if rows else 0
            for r in rows:
                who = T.CITIZENS_UNIT.vi if vi else ("citizen " if r.tickets == 1 else "citizens")
                doss = T.DOSSIERS_UNIT.vi if vi else ("dossier " if r.dossiers == 1 else "dossiers")
                waits = T.ROW_WAITS.get(
                    lang, p50=minutes(r.wait_p50, lang), p90=minutes(r.wait_p90, lang)
                )
                lines.append(
                    f"  {r.name(lang):<{width}}  {figure(r.tickets, lang):>6} {who}, "
                    f"{figure(r.dossiers, lang):>6} {doss}, {waits}"
                )
        lines += satisfaction_lines(self, lang)
        if self.previous is not None:
            lines += self.previous.lines(self, lang)
        return "\n".join(lines)


def satisfaction_lines(report: Report, lang: str) -> list[str]:
    """The terminal's lines of ratings per day (when more than one), field and counter."""
    lines = []
    for group, rows in report.satisfaction_by.items():
        rated = [s for s in rows if s.rated]
        if not rated or (group == "day" and len(rows) <= 1):
            continue
        lines.append(T.SATISFACTION_BY[group].get(lang) + ":")
        width = max(len(s.name(lang)) for s in rated)
        for s in rated:
            shown = T.SATISFACTION_ROW.get(
                lang,
                rated=figure(s.rated, lang),
                served=figure(s.served, lang),
                satisfied=share(s.satisfied_share or 0, lang),
            )
            lines.append(f"  {s.name(lang):<{width}}  {shown}")
    return lines


def satisfaction_header(sat: Satisfaction, lang: str, first: str) -> list[str]:
    """Column titles of `satisfaction_rows` (the levels' words from the config)."""
    shares = (T.SAT_SERVED, T.SAT_RATED, T.SAT_RATED_SHARE, T.SAT_SATISFIED)
    words = sat.labels if lang == "vi" else sat.labels_en
    return [first, *(t.get(lang) for t in shares), *words]


def satisfaction_rows(rows: Iterable[Satisfaction], lang: str) -> list[list[Any]]:
    """Table rows of ratings per group: name, served, ratings, share rated, share satisfied
    or better (fractions, None: nothing to divide), then the ratings of each level."""
    return [
        [
            s.name(lang),
            s.served,
            s.rated,
            s.rated_share,
            s.satisfied_share,
            *(s.levels[lv.value] for lv in RatingLevel),
        ]
        for s in rows
    ]


def minutes(seconds: int | None, lang: str = "en") -> str:
    """Seconds as minutes with one decimal in `lang`'s format, "–" when there is nothing."""
    return minutes_text(seconds, lang)


def hour_label(hour: int) -> str:
    return f"{hour:02d}:00–{(hour + 1) % 24:02d}:00"


def _outcomes(t: GroupStats, lang: str) -> str:
    n = {k: figure(v, lang) for k, v in (("served", t.served), ("no_shows", t.no_shows))}
    text = T.OUTCOMES.get(lang, expired=figure(t.expired, lang), **n)
    if t.open:
        text += T.STILL_OPEN.get(lang, n=figure(t.open, lang))
    return text + T.TRANSFERRED.get(lang, n=figure(t.transferred, lang))


def _waits(t: GroupStats, target: float, lang: str) -> str:
    return T.WAITS.get(
        lang,
        p50=minutes(t.wait_p50, lang),
        p90=minutes(t.wait_p90, lang),
        longest=minutes(t.wait_max, lang),
        share=share(t.over_target_share, lang),
        target=plain(target, lang),
        service=minutes(t.service_p50, lang),
    )


#: `outcome_of` of every state, for a ticket of a day before today (True) or not.
_OUTCOMES = {
    (st.value, past): outcome_of(st.value, "0" if past else "1", "1")
    for st in TicketState
    for past in (False, True)
}

#: Slot of a duration in a histogram list: a missing one (None) goes to the last slot, which
#: is never read; negative clock steps count as 0 (steps under −999 s take a slower path).
_SLOT: dict[int | None, int] = {None: -1, **{-s: 0 for s in range(1, 1000)}}


def _outcome(state: str, past: bool) -> Outcome:
    """`outcome_of` for a ticket of a day before today (past) or not."""
    known = _OUTCOMES.get((state, past))
    return known if known is not None else outcome_of(state, "0" if past else "1", "1")


class _Spread:
    """What a report shows of a histogram: how many values, nearest-rank p50 and p90, the
    largest, and how many exceed the target."""

    __slots__ = ("count", "largest", "over", "p50", "p90")

    def __init__(self, values: Sequence[int], counts: Iterable[int], target: int) -> None:
        """`counts[i]` values equal `values[i]` (ascending)."""
        running = list(accumulate(counts))
        total = self.count = running[-1] if running else 0
        self.p50 = self.p90 = self.largest = None
        self.over = 0
        if total:
            # The value of rank r is the first whose running count reaches r.
            self.p50 = values[bisect_left(running, max(1, (50 * total + 99) // 100))]
            self.p90 = values[bisect_left(running, max(1, (90 * total + 99) // 100))]
            self.largest = values[bisect_left(running, total)]
            at_most = bisect_right(values, target)
            self.over = total - (running[at_most - 1] if at_most else 0)

    @classmethod
    def of_list(cls, hist: list[int], target: int) -> _Spread:
        """Of a histogram list (slot = seconds; the last slot is not read)."""
        return cls(range(len(hist) - 1), islice(hist, len(hist) - 1), target)

    @classmethod
    def of_counter(cls, raw: Counter[Any], target: int) -> _Spread:
        """Of a Counter of raw durations, which it consumes (None: missing, left out;
        negative clock steps count as 0)."""
        raw.pop(None, None)
        if raw and min(raw) < 0:
            for value in [v for v in raw if v < 0]:
                raw[0] += raw.pop(value)
        values = sorted(raw)
        return cls(values, map(raw.__getitem__, values), target)


class _Tally:
    """One group's tickets by outcome, dossiers, transfers and issue hours."""

    __slots__ = ("dossiers", "hours", "outcomes", "tickets", "transferred")

    def __init__(self) -> None:
        self.tickets = 0
        self.outcomes = dict.fromkeys(Outcome, 0)
        self.dossiers = 0
        self.transferred = 0
        self.hours = [0] * 24

    def count(self, outcome: Outcome, dossiers: int, transfers: int, hour: int, n: int) -> None:
        """Add n tickets alike."""
        self.tickets += n
        self.outcomes[outcome] += n
        self.dossiers += dossiers * n
        if transfers > 0:
            self.transferred += n
        self.hours[hour] += n

    def stats(
        self,
        names: tuple[str, str, str],
        durations: tuple[_Spread, _Spread],
        target: int,
        *,
        hours: bool,
    ) -> GroupStats:
        """The row: `names` are key, label and English label; `durations` waits, services."""
        key, label, label_en = names
        waits, services = durations
        over = waits.over
        if target < -1:  # a missing wait counts as −1 (only a negative target reaches it)
            over += self.tickets - waits.count
        busiest = max(range(24), key=self.hours.__getitem__) if hours and self.tickets else None
        return GroupStats(
            key=key,
            label=label,
            label_en=label_en,
            tickets=self.tickets,
            served=self.outcomes[Outcome.SERVED],
            dossiers=self.dossiers,
            no_shows=self.outcomes[Outcome.NO_SHOW],
            expired=self.outcomes[Outcome.EXPIRED],
            open=self.outcomes[Outcome.OPEN],
            transferred=self.transferred,
            called=waits.count,
            wait_p50=waits.p50,
            wait_p90=waits.p90,
            wait_max=waits.largest,
            service_p50=services.p50,
            busiest_hour=busiest,
            over_target=over,
        )


class _Durations:
    """Exact histograms of one duration (waits or service times) of every field, counter and
    hour: lists indexed by whole seconds, as long as the longest duration seen. The last slot
    of each list takes the tickets without that duration, so counting needs no test."""

    def __init__(self, fields: int) -> None:
        self.size = 1024
        self.fields = [[0] * self.size for _ in range(fields)]
        self.counters: list[list[int]] = []
        self.hours = [[0] * self.size for _ in range(24)]
        #: Per procedure group but the first (no procedure: the total less the others).
        self.procedures: list[list[int]] = []
        #: Per officer group but the first (no officer), likewise.
        self.officers: list[list[int]] = []

    def slots(
        self,
        values: Sequence[int | None],
        fields: int,
        counters: int,
        procedures: int,
        officers: int = 0,
    ) -> list[int]:
        """Each value's slot, after making room for it and for new groups."""
        # get(v, v) is never None (None maps to -1, others default to themselves); map() keeps
        # this per-ticket loop in C, which typeshed's get(key, default) overloads cannot follow.
        slots: list[int] = list(map(_SLOT.get, values, values))  # type: ignore[arg-type]
        if min(slots) < -1:
            slots = [-1 if v is None else max(v, 0) for v in values]
        top = max(slots)
        if top >= self.size - 1:
            size = max(top + 2, self.size + self.size // 2)
            for lists in (self.fields, self.counters, self.hours, self.procedures, self.officers):
                for i, old in enumerate(lists):
                    lists[i] = old[:-1] + [0] * (size - len(old) + 1)
            self.size = size
        for lists, wanted in (
            (self.fields, fields),
            (self.counters, counters),
            (self.procedures, procedures),
            (self.officers, officers),
        ):
            while len(lists) < wanted:
                lists.append([0] * self.size)
        return slots


def _by_name(*names: str) -> Any:
    """An itemgetter of TicketLine fields by name: the speed of indexes, the names as source."""
    return itemgetter(*(TicketLine._fields.index(n) for n in names))


_DAY = _by_name("day")
_RATING = _by_name("rating")
_OFFICER = _by_name("officer")
_REASONS = _by_name("rating_reasons")


def _reason_list(reasons: Any) -> list[str]:
    """A rating's reasons as the database hands them out (a list, or SQLite's JSON text;
    JSON's null, which a hand-made row may hold, is none)."""
    decoded = json.loads(reasons) if isinstance(reasons, str) else reasons
    return list(decoded) if decoded else []


_COLUMNS = [
    _by_name(name)
    for name in (
        "field",
        "state",
        "counter",
        "issued",
        "wait",
        "service",
        "dossiers",
        "transfers",
        "procedure",
    )
]


class ReportBuilder:
    """Feed batches of TicketRecords (in day order); `finish()` gives the Report."""

    def __init__(
        self,
        config: Config,
        flt: HistoryFilter,
        *,
        today: date | None = None,
        target_minutes: float | None = None,
        procedures: Mapping[tuple[str, str], Text] | None = None,
    ) -> None:
        """`procedures` names the catalogue's procedures by field and key
        (`kiosk.core.catalogue.procedure_names`), in the order their rows are shown; others
        are shown by what the tickets recorded."""
        self.config = config
        self.today = (today or datetime.now(config.zone).date()).isoformat()
        self.filter = flt
        self.target_minutes = (
            target_minutes if target_minutes is not None else config.reports.wait_target_minutes
        )
        self._target = int(self.target_minutes * 60)
        self._times = LocalTimes(config.zone)
        #: Local hour of each quarter hour seen (None: the offset is no whole quarter hour).
        self._quarter_hours: dict[int, int | None] = {}
        self._odd_quarters = False
        #: Group numbers of fields (the config's first, in its order) and counters (None too).
        self._fields: dict[str, int] = {f.code: i for i, f in enumerate(config.fields)}
        self._counters: dict[int | None, int] = {}
        #: Group numbers of procedures: 0 is none, then the catalogue's, then others seen.
        self._procedure_names = dict(procedures or {})
        self._procedures: dict[tuple[str, str] | None, int] = {None: 0}
        for key in self._procedure_names:
            self._procedures.setdefault(key, len(self._procedures))
        #: Group numbers of officers: 0 is none, then the config's, then others seen.
        self._officers: dict[str | None, int] = {None: 0}
        for o in config.officers:
            self._officers.setdefault(o.id, len(self._officers))
        #: (field number, counter number, hour, state, dossiers, transfers, procedure number,
        #: officer number) → tickets, of today and later [0] and of the days before today [1].
        self._tickets: tuple[Counter[tuple[Any, ...]], ...] = (Counter(), Counter())
        self._waits = _Durations(len(self._fields))
        self._services = _Durations(len(self._fields))
        #: The current day: (hour, state, dossiers, transfers) → tickets; raw durations.
        self._day_tickets: Counter[tuple[Any, ...]] = Counter()
        self._day_waits: Counter[int | None] = Counter()
        self._day_services: Counter[int | None] = Counter()
        self._current: str | None = None
        self._days: list[GroupStats] = []
        self.records = 0
        #: Ratings by (day, field number, counter number, officer number, level), and
        #: reasons named by (day, field number, counter number, officer number, reason).
        self._levels: Counter[tuple[str, int, int, int, str]] = Counter()
        self._reasons: Counter[tuple[str, int, int, int, str]] = Counter()
        #: Their sums per group (`_rolled_up`), made once when the report is finished.
        self._rolls: dict[int, dict[Any, tuple[Counter[str], Counter[str]]]] | None = None

    def add(self, batch: Sequence[Sequence[Any]]) -> None:
        """Add a batch of raw ticket rows (`History.ticket_rows`), days in order."""
        if not batch:
            return
        days = list(map(_DAY, batch))
        runs = self._day_runs(days)
        self.records += len(batch)
        fields, states, counters, issued, waits, services, dossiers, transfers, procs = (
            list(map(column, batch)) for column in _COLUMNS
        )
        hours = self._hours(issued)
        f_no = _numbers(self._fields, fields)
        c_no = _numbers(self._counters, counters)
        officers = list(map(_OFFICER, batch))
        anonymous = officers.count(None) == len(officers)  # the feature is off at most points
        o_no = [0] * len(officers) if anonymous else _numbers(self._officers, officers)
        ratings = list(map(_RATING, batch))
        if ratings.count(None) != len(ratings):
            self._count_ratings(days, f_no, c_no, o_no, ratings, list(map(_REASONS, batch)))
        plain = procs.count(None) == len(procs)  # most tickets are taken with a plain tap
        if plain:
            p_no = [0] * len(procs)
        else:
            keys = [None if p is None else (f, p) for f, p in zip(fields, procs, strict=True)]
            p_no = _numbers(self._procedures, keys)
        groups = (
            len(self._fields),
            len(self._counters),
            len(self._procedures) - 1,
            len(self._officers) - 1,
        )
        w = self._waits.slots(waits, *groups)
        s = self._services.slots(services, *groups)
        fw, cw, hw = self._waits.fields, self._waits.counters, self._waits.hours
        fs, cs, hs = self._services.fields, self._services.counters, self._services.hours
        for f, c, h, a, b in zip(f_no, c_no, hours, w, s, strict=True):
            fw[f][a] += 1
            cw[c][a] += 1
            hw[h][a] += 1
            fs[f][b] += 1
            cs[c][b] += 1
            hs[h][b] += 1
        if not plain:
            _count_groups(p_no, w, s, self._waits.procedures, self._services.procedures)
        if not anonymous:
            _count_groups(o_no, w, s, self._waits.officers, self._services.officers)
        # Per day: the day's own counts, and the rest by the outcome of unfinished tickets.
        columns: tuple[list[Any], ...] = (
            f_no,
            c_no,
            hours,
            states,
            dossiers,
            transfers,
            waits,
            services,
            p_no,
            o_no,
        )
        for day, start, end in runs:
            if day != self._current:
                self._close_day()
                self._current = day
            run = columns if len(runs) == 1 else tuple(col[start:end] for col in columns)
            f_run, c_run, h_run, st_run, do_run, tr_run, w_run, s_run, p_run, o_run = run
            self._day_tickets.update(zip(h_run, st_run, do_run, tr_run, strict=True))
            self._day_waits.update(w_run)
            self._day_services.update(s_run)
            self._tickets[day < self.today].update(
                zip(f_run, c_run, h_run, st_run, do_run, tr_run, p_run, o_run, strict=True)
            )

    def _count_ratings(
        self,
        days: list[str],
        f_no: list[int],
        c_no: list[int],
        o_no: list[int],
        ratings: list[str | None],
        reasons: list[Any],
    ) -> None:
        """Count each rated ticket's level and reasons in its day, field, counter and officer."""
        self._rolls = None
        for day, f, c, o, level, why in zip(days, f_no, c_no, o_no, ratings, reasons, strict=True):
            if level is not None:
                self._levels[day, f, c, o, level] += 1
                for reason in _reason_list(why):
                    self._reasons[day, f, c, o, reason] += 1

    def _satisfaction(
        self, served: int, which: int, key: Any, names: tuple[str, str, str]
    ) -> Satisfaction:
        """The ratings of the group whose `which` part (0 day, 1 field, 2 counter, 3 officer;
        -1 all) of the rating keys is `key`."""
        levels, reasons = self._rolled_up()[which].get(key, (Counter(), Counter()))
        cfg = self.config.ratings
        return Satisfaction(
            served=served,
            rated=sum(levels.values()),
            levels={lv.value: levels[lv.value] for lv in RatingLevel},
            reasons=dict(sorted(reasons.items(), key=lambda kv: -kv[1])),
            labels=tuple(cfg.labels),
            labels_en=tuple(cfg.labels_en),
            reason_words=tuple(zip(cfg.reasons, cfg.reasons_en, strict=True)),
            key=names[0],
            label=names[1],
            label_en=names[2],
        )

    def _rolled_up(self) -> dict[int, dict[Any, tuple[Counter[str], Counter[str]]]]:
        """The ratings and reasons added up per day, field, counter and officer (and all),
        in one pass over the rating keys (a year has some 10^5 of them: one pass per group
        would be 10^7 steps)."""
        if self._rolls is None:
            rolls: dict[int, dict[Any, tuple[Counter[str], Counter[str]]]] = {
                which: {} for which in (-1, 0, 1, 2, 3)
            }
            for part, table in ((0, self._levels), (1, self._reasons)):
                for k, n in table.items():
                    for which in (-1, 0, 1, 2, 3):
                        group = None if which < 0 else k[which]
                        pair = rolls[which].get(group)
                        if pair is None:
                            pair = rolls[which][group] = (Counter(), Counter())
                        pair[part][k[4]] += n
            self._rolls = rolls
        return self._rolls

    def _satisfaction_by(
        self,
        days: list[GroupStats],
        fields: list[GroupStats],
        counters: list[GroupStats],
        officers: list[GroupStats],
    ) -> dict[str, tuple[Satisfaction, ...]]:
        """The ratings of each row of the day, field, counter and officer tables that served
        someone or was rated; none at all when nothing was rated."""
        if not self._levels:
            return {}
        counter_no = {str(k): i for k, i in self._counters.items() if k is not None}
        groups = (
            ("day", 0, days, lambda r: r.key),
            ("field", 1, fields, lambda r: self._fields[r.key]),
            ("counter", 2, counters, lambda r: counter_no[r.key]),
            ("officer", 3, officers, lambda r: self._officers[r.key]),
        )
        out: dict[str, tuple[Satisfaction, ...]] = {}
        for name, which, rows, number in groups:
            sats = (
                self._satisfaction(r.served, which, number(r), (r.key, r.label, r.label_en))
                for r in rows
            )
            out[name] = tuple(s for s in sats if s.served or s.rated)
        return out

    def _day_runs(self, days: list[str]) -> list[tuple[str, int, int]]:
        """(day, start, end) of each day of a batch; ValueError unless days are in order."""
        first, n = days[0], len(days)
        if (self._current is None or first >= self._current) and days.count(first) == n:
            return [(first, 0, n)]
        runs: list[tuple[str, int, int]] = []
        start = 0
        last = self._current
        while start < n:
            day = days[start]
            end = bisect_right(days, day, start)
            # Runs of one day each, in increasing order, one after the other: sorted.
            if (last is not None and (day < last or (runs and day == last))) or days[
                start:end
            ].count(day) != end - start:
                raise ValueError("records must arrive in business-day order")
            runs.append((day, start, end))
            last = day
            start = end
        return runs

    def _hours(self, issued: list[int]) -> list[int]:
        """Local hour of issue of each ticket (offsets looked up once per quarter hour)."""
        known = self._quarter_hours
        try:
            hours = list(map(known.__getitem__, map(floordiv, issued, repeat(900))))
        except KeyError:
            for q in set(map(floordiv, issued, repeat(900))).difference(known):
                offset = self._times.offset(q * 900)
                if offset % 900:  # an old local mean time: the hour depends on the second
                    known[q] = None
                    self._odd_quarters = True
                else:
                    # Offsets move by whole quarter hours: all of a quarter is in one hour.
                    known[q] = (q * 900 + offset) % 86400 // 3600
            hours = list(map(known.__getitem__, map(floordiv, issued, repeat(900))))
        if self._odd_quarters and None in hours:
            return [self._times.hour(t) for t in issued]
        return hours  # type: ignore[return-value]  # a None hour returned above

    def _close_day(self) -> None:
        if self._current is None:
            return
        d = self._current
        past = d < self.today
        tally = _Tally()
        for (hour, state, dossiers, transfers), n in self._day_tickets.items():
            tally.count(_outcome(state, past), dossiers, transfers, hour, n)
        durations = (
            _Spread.of_counter(self._day_waits, self._target),
            _Spread.of_counter(self._day_services, self._target),
        )
        shown = f"{d[8:10]}/{d[5:7]}/{d[0:4]}"
        self._days.append(tally.stats((d, shown, shown), durations, self._target, hours=True))
        self._day_tickets.clear()
        self._day_waits.clear()
        self._day_services.clear()

    def finish(self) -> Report:
        self._close_day()
        self._current = None
        cfg = self.config
        target = self._target
        fields = [_Tally() for _ in self._fields]
        counters = [_Tally() for _ in self._counters]
        hours = [_Tally() for _ in range(24)]
        procedures = [_Tally() for _ in self._procedures]
        officers = [_Tally() for _ in self._officers]
        total = _Tally()
        for past, tickets in enumerate(self._tickets):
            for key, n in tickets.items():
                field, counter, hour, state, dossiers, transfers, proc, officer = key
                outcome = _outcome(state, bool(past))
                for t in (
                    fields[field],
                    counters[counter],
                    hours[hour],
                    procedures[proc],
                    officers[officer],
                    total,
                ):
                    t.count(outcome, dossiers, transfers, hour, n)
        w, s = self._waits, self._services

        def durations(waits: list[int], services: list[int]) -> tuple[_Spread, _Spread]:
            return _Spread.of_list(waits, target), _Spread.of_list(services, target)

        field_rows = []
        for code, i in self._fields.items():
            if fields[i].tickets:
                f = cfg.field(code)
                names = (code, f.name if f else code, f.name_en if f else code)
                spreads = durations(w.fields[i], s.fields[i])
                field_rows.append(fields[i].stats(names, spreads, target, hours=True))
        counter_rows = []
        for number, i in sorted((k, i) for k, i in self._counters.items() if k is not None):
            c = cfg.counter(number)
            names = (
                str(number),
                c.label_vi if c else T.COUNTER_N.get("vi", n=number),
                c.label_en if c else T.COUNTER_N.get("en", n=number),
            )
            spreads = durations(w.counters[i], s.counters[i])
            counter_rows.append(counters[i].stats(names, spreads, target, hours=True))
        officer_rows = []
        for officer, i in self._officers.items():
            if officer is not None and officers[i].tickets:
                o = cfg.officer(officer)
                names = (officer, o.name if o else officer, o.name if o else officer)
                spreads = durations(w.officers[i - 1], s.officers[i - 1])
                officer_rows.append(officers[i].stats(names, spreads, target, hours=True))
        hour_rows = [
            t.stats(
                (f"{h:02d}", hour_label(h), hour_label(h)),
                durations(w.hours[h], s.hours[h]),
                target,
                hours=False,
            )
            for h, t in enumerate(hours)
            if t.tickets
        ]
        # Every ticket has an hour: the total's histograms are the hours' added up.
        all_waits = list(map(sum, zip(*w.hours, strict=True)))
        all_services = list(map(sum, zip(*s.hours, strict=True)))
        everyone = durations(all_waits, all_services)
        return Report(
            site_name=cfg.site.name,
            site_name_en=cfg.site.name_en,
            filter=self.filter,
            target_minutes=self.target_minutes,
            total=total.stats(("all", *T.TOTAL), everyone, target, hours=True),
            days=tuple(self._days),
            fields=tuple(field_rows),
            counters=tuple(counter_rows),
            hours=tuple(hour_rows),
            officers=tuple(officer_rows),
            procedures=self._procedure_rows(
                procedures,
                durations(_less(all_waits, w.procedures), _less(all_services, s.procedures)),
            ),
            satisfaction=self._satisfaction(
                total.outcomes[Outcome.SERVED], -1, None, ("all", *T.TOTAL)
            ),
            satisfaction_by=self._satisfaction_by(
                self._days, field_rows, counter_rows, officer_rows
            ),
        )

    def _procedure_rows(
        self, tallies: list[_Tally], plain: tuple[_Spread, _Spread]
    ) -> tuple[GroupStats, ...]:
        """Rows per procedure, then the tickets without one (`plain`: their waits and
        services); none at all when no ticket of the range was taken for a procedure."""
        if tallies[0].tickets == sum(t.tickets for t in tallies):
            return ()
        target = self._target
        w, s = self._waits, self._services
        rows: list[tuple[str, GroupStats]] = []
        for key, i in self._procedures.items():
            if key is None or not tallies[i].tickets:
                continue
            field, proc = key
            name = self._procedure_names.get(key, Text(proc, proc))
            spreads = (
                _Spread.of_list(w.procedures[i - 1], target),
                _Spread.of_list(s.procedures[i - 1], target),
            )
            names = (f"{field}/{proc}", *name)
            rows.append((field, tallies[i].stats(names, spreads, target, hours=True)))
        # Two fields can hold procedures of one name: those rows also name their field.
        seen = Counter(r.label for _, r in rows)
        out = []
        for field, r in rows:
            if seen[r.label] > 1:
                f = self.config.field(field)
                vi, en = (f.name, f.name_en) if f else (field, field)
                r = replace(r, label=f"{r.label} ({vi})", label_en=f"{r.label_en} ({en})")
            out.append(r)
        if tallies[0].tickets:
            out.append(tallies[0].stats(("", *T.NO_PROCEDURE), plain, target, hours=True))
        return tuple(out)


def _count_groups(
    groups: list[int],
    wait_slots: list[int],
    service_slots: list[int],
    waits: list[list[int]],
    services: list[list[int]],
) -> None:
    """Count each ticket's wait and service in the histograms of its group (a procedure or
    an officer); group 0 (none) has none of its own: it is the total less the others."""
    for g, a, b in zip(groups, wait_slots, service_slots, strict=True):
        if g:
            waits[g - 1][a] += 1
            services[g - 1][b] += 1


def _less(whole: list[int], parts: list[list[int]]) -> list[int]:
    """A histogram less the sum of others (as long as it)."""
    if not parts:
        return whole
    return [a - b for a, b in zip(whole, map(sum, zip(*parts, strict=True)), strict=True)]


def _numbers(numbers: dict[Any, int], keys: list[Any]) -> list[int]:
    """The group number of each key; new keys get the next numbers (in order of appearance)."""
    try:
        return list(map(numbers.__getitem__, keys))
    except KeyError:
        for key in dict.fromkeys(keys):
            numbers.setdefault(key, len(numbers))
        return list(map(numbers.__getitem__, keys))


def build_report(
    store: Store,
    config: Config,
    flt: HistoryFilter,
    *,
    today: date | None = None,
    target_minutes: float | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    procedures: Mapping[tuple[str, str], Text] | None = None,
    compare: bool = False,
) -> Report:
    """Compute the report of a range from the database in one streaming pass (`procedures`:
    the catalogue's names, see ReportBuilder); `compare` adds the period before."""
    flt.check(config)
    history = History(store, config, today=today)
    total = history.count_tickets(flt)
    if total == 0:
        raise empty_range(flt)
    builder = ReportBuilder(
        config, flt, today=history.today, target_minutes=target_minutes, procedures=procedures
    )
    for batch in history.report_rows(flt, cancel=cancel):
        builder.add(batch)
        if progress:
            progress(builder.records, total)
    report = builder.finish()
    if compare:
        report = with_previous(store, config, report, today=history.today, cancel=cancel)
    return report


def with_previous(
    store: Store,
    config: Config,
    report: Report,
    *,
    today: date,
    cancel: threading.Event | None = None,
) -> Report:
    """The report with its headline figures beside those of the period before
    (kiosk.reports.comparison.previous_range), computed by the same builder."""
    flt = previous_range(report.filter, config)
    try:
        before: Report | None = build_report(
            store, config, flt, today=today, target_minutes=report.target_minutes, cancel=cancel
        )
    except EmptyRange:
        before = None
    return replace(report, previous=Previous.of(flt, report, before))


def empty_range(flt: HistoryFilter) -> EmptyRange:
    return EmptyRange(
        f"Không có phiếu nào trong {flt.describe('vi')}",
        f"No tickets in {flt.describe('en')}; choose another range or filter",
    )


def stats_rows(rows: Iterable[GroupStats]) -> list[list[Any]]:
    """Table rows for a sheet or a PDF: numbers in minutes, share as a fraction."""
    out = []
    for r in rows:
        out.append(
            [
                r.label,
                r.tickets,
                r.served,
                r.dossiers,
                r.no_shows,
                r.expired,
                r.transferred,
                rounded_minutes(r.wait_p50),
                rounded_minutes(r.wait_p90),
                rounded_minutes(r.wait_max),
                rounded_minutes(r.service_p50),
                hour_label(r.busiest_hour) if r.busiest_hour is not None else None,
                r.over_target_share,
            ]
        )
    return out


def rounded_minutes(seconds: int | None) -> float | None:
    """Seconds as minutes to 0.1, as every table shows a wait (None: nothing measured)."""
    return None if seconds is None else round(seconds / 60, 1)


#: Column titles of `stats_rows` (Vietnamese, English).
STATS_COLUMNS = (
    ("", ""),  # the group's own heading (Field, Day, Counter, Hour) goes here
    T.CITIZENS,
    T.SERVED,
    T.DOSSIERS,
    T.NO_SHOWS,
    T.EXPIRED,
    T.TRANSFERRED_COLUMN,
    T.WAIT_P50_MIN,
    T.WAIT_P90_MIN,
    T.LONGEST_WAIT_MIN,
    T.MEDIAN_SERVICE_MIN,
    T.BUSIEST_HOUR_COLUMN,
    T.OVER_TARGET,
)


#: The same titles broken over two lines, for narrow table columns (PDF, window).
STATS_HEADINGS = (
    ("", ""),  # the group's own heading (Field, Day, Counter, Hour) goes here
    Text("Lượt\ncông dân", "Citizens"),
    T.SAT_SERVED,
    T.DOSSIERS,
    Text("Vắng\nmặt", "No-\nshows"),
    Text("Hết\nhạn", "Expired"),
    Text("Được\nchuyển", "Trans-\nferred"),
    Text("Chờ trung\nvị (phút)", "Median\nwait (min)"),
    Text("90% chờ\ndưới (phút)", "90% waited\nunder (min)"),
    Text("Chờ lâu\nnhất (phút)", "Longest\nwait (min)"),
    Text("Phục vụ trung\nvị (phút)", "Median\nservice (min)"),
    Text("Giờ\nđông nhất", "Busiest\nhour"),
    Text("Chờ quá\nmục tiêu", "Over\ntarget"),
)


assert len(STATS_HEADINGS) == len(STATS_COLUMNS)


def generated_at(config: Config) -> str:
    return datetime.now(config.zone).strftime("%d/%m/%Y %H:%M")
