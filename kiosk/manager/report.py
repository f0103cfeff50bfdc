"""Wait-time reports per day, field, counter and hour, computed in one streaming pass.

Every group keeps exact counts and exact histograms of waits and service times in whole
seconds, so percentiles are exact (nearest rank: the smallest value with at least q% of the
values at or below it) while memory depends only on the longest wait, never on how many
tickets the history holds. Days arrive in order and each day is closed as soon as the next
one starts. Batches are aggregated with numpy, which keeps a year of a busy centre to a few
seconds.

Definitions (docs/manager.md): tickets are counted once, in the field they were issued in and
the hour (local) they were issued; a counter's tickets are those it served or last called.
"Over target" is the share of called citizens whose wait exceeded `reports.wait_target_minutes`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from kiosk.core.config import Config
from kiosk.core.store import Store
from kiosk.manager.history import (
    T_COUNTER,
    T_DAY,
    T_DOSSIERS,
    T_FIELD,
    T_ISSUED,
    T_SERVICE,
    T_STATE,
    T_TRANSFERS,
    T_WAIT,
    EmptyRange,
    History,
    HistoryFilter,
    LocalTimes,
    Outcome,
    Progress,
    TicketTuple,
    outcome_of,
)

# Columns of the per-group count matrix.
_TICKETS, _SERVED, _NO_SHOW, _EXPIRED, _OPEN, _DOSSIERS, _TRANSFERRED, _CALLED, _OVER = range(9)
_OUTCOME_COLUMN = {
    Outcome.SERVED: _SERVED,
    Outcome.NO_SHOW: _NO_SHOW,
    Outcome.EXPIRED: _EXPIRED,
    Outcome.OPEN: _OPEN,
}


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

    def headline(self, lang: str = "en") -> str:
        """e.g. "72 citizens, 110 dossiers" (the point's own way of counting a day)."""
        t = self.total
        if lang == "vi":
            return f"{t.tickets} lượt công dân, {t.dossiers} hồ sơ"
        return f"{t.tickets} citizens, {t.dossiers} dossiers"

    def text(self, lang: str = "en") -> str:
        """A plain-text summary for the terminal."""
        vi = lang == "vi"
        t = self.total
        lines = [
            f"{self.site_name if vi else self.site_name_en} – {self.filter.describe(lang)}",
            f"{self.headline(lang)}: " + _outcomes(t, vi),
            _waits(t, self.target_minutes, vi),
        ]
        if t.busiest_hour is not None:
            lines.append(
                ("Giờ đông nhất: " if vi else "Busiest hour: ") + hour_label(t.busiest_hour)
            )
        for title_vi, title_en, rows in (
            ("Theo ngày", "Per day", self.days),
            ("Theo lĩnh vực", "Per field", self.fields),
            ("Theo quầy", "Per counter", self.counters),
        ):
            if len(rows) <= 1 and rows is self.days:
                continue
            lines.append(title_vi + ":" if vi else title_en + ":")
            width = max(len(r.name(lang)) for r in rows) if rows else 0
            for r in rows:
                who = "lượt" if vi else "citizens"
                doss = "hồ sơ" if vi else "dossiers"
                lines.append(
                    f"  {r.name(lang):<{width}}  {r.tickets:>5} {who}, {r.dossiers:>5} {doss}, "
                    + (
                        f"chờ p50 {minutes(r.wait_p50)} / p90 {minutes(r.wait_p90)} phút"
                        if vi
                        else f"wait p50 {minutes(r.wait_p50)} / p90 {minutes(r.wait_p90)} min"
                    )
                )
        return "\n".join(lines)


def minutes(seconds: int | None) -> str:
    """Seconds as minutes with one decimal, "–" when there is nothing to show."""
    return "–" if seconds is None else f"{seconds / 60:.1f}"


def hour_label(hour: int) -> str:
    return f"{hour:02d}:00–{(hour + 1) % 24:02d}:00"


def _outcomes(t: GroupStats, vi: bool) -> str:
    if vi:
        text = f"{t.served} đã phục vụ, {t.no_shows} vắng mặt, {t.expired} hết hạn"
        if t.open:
            text += f", {t.open} chưa xong"
        return text + f" ({t.transferred} lượt được chuyển)"
    text = f"{t.served} served, {t.no_shows} no-shows, {t.expired} expired"
    if t.open:
        text += f", {t.open} in progress"
    return text + f" ({t.transferred} transferred)"


def _waits(t: GroupStats, target: float, vi: bool) -> str:
    share = t.over_target_share
    pct = "–" if share is None else f"{share * 100:.0f}%"
    if vi:
        return (
            f"Thời gian chờ: trung vị {minutes(t.wait_p50)} phút, 90% trong vòng "
            f"{minutes(t.wait_p90)} phút, lâu nhất {minutes(t.wait_max)} phút; "
            f"{pct} chờ quá {target:g} phút. Phục vụ: trung vị {minutes(t.service_p50)} phút"
        )
    return (
        f"Wait: median {minutes(t.wait_p50)} min, 90% within {minutes(t.wait_p90)} min, "
        f"longest {minutes(t.wait_max)} min; {pct} waited over {target:g} min. "
        f"Service: median {minutes(t.service_p50)} min"
    )


class _Groups:
    """Counts, issue hours and exact second-resolution histograms for a set of groups."""

    def __init__(self) -> None:
        self.keys: dict[Any, int] = {}
        self.counts = np.zeros((0, 9), dtype=np.int64)
        self.hours = np.zeros((0, 24), dtype=np.int64)
        self.waits = np.zeros((0, 1), dtype=np.int32)
        self.services = np.zeros((0, 1), dtype=np.int32)

    def index(self, key: Any) -> int:
        i = self.keys.get(key)
        if i is None:
            i = self.keys[key] = len(self.keys)
            self.counts = np.vstack([self.counts, np.zeros((1, 9), dtype=np.int64)])
            self.hours = np.vstack([self.hours, np.zeros((1, 24), dtype=np.int64)])
            width = self.waits.shape[1]
            self.waits = np.vstack([self.waits, np.zeros((1, width), dtype=np.int32)])
            self.services = np.vstack([self.services, np.zeros((1, width), dtype=np.int32)])
        return i

    def indices(self, keys: Sequence[Any]) -> np.ndarray:
        """Group index of each key (new keys get a group)."""
        get = self.keys.get
        found = [get(k, -1) for k in keys]
        if -1 in found:
            found = [self.index(k) for k in keys]
        return np.array(found, dtype=np.int64)

    def _fit(self, largest: int) -> None:
        width = self.waits.shape[1]
        if largest < width:
            return
        grown = max(largest + 1, width * 2)
        for name in ("waits", "services"):
            old = getattr(self, name)
            new = np.zeros((old.shape[0], grown), dtype=np.int32)
            new[:, :width] = old
            setattr(self, name, new)

    def add(self, g: np.ndarray, cols: _Columns, rows: slice | None = None) -> None:
        """Add the records `rows` of a batch, record i going to group g[i]."""
        sel = rows or slice(None)
        outcome = cols.outcome[sel]
        n = len(self.keys)
        counts = self.counts
        counts[:, _TICKETS] += np.bincount(g, minlength=n)
        for value, column in enumerate(cols.outcome_columns):
            counts[:, column] += np.bincount(g, weights=outcome == value, minlength=n).astype(
                np.int64
            )
        counts[:, _DOSSIERS] += np.bincount(g, weights=cols.dossiers[sel], minlength=n).astype(
            np.int64
        )
        counts[:, _TRANSFERRED] += np.bincount(
            g, weights=cols.transferred[sel], minlength=n
        ).astype(np.int64)
        wait = cols.wait[sel]
        called = wait >= 0
        counts[:, _CALLED] += np.bincount(g, weights=called, minlength=n).astype(np.int64)
        counts[:, _OVER] += np.bincount(g, weights=wait > cols.target, minlength=n).astype(np.int64)
        self.hours += np.bincount(g * 24 + cols.hour[sel], minlength=n * 24).reshape(n, 24)
        service = cols.service[sel]
        self._fit(max(int(wait.max(initial=0)), int(service.max(initial=0))))
        _count_into(self.waits, g[called], wait[called])
        done = service >= 0
        _count_into(self.services, g[done], service[done])

    def stats(self, i: int, key: str, label: str, label_en: str, *, hours: bool) -> GroupStats:
        c = self.counts[i]
        waits = self.waits[i]
        services = self.services[i]
        busiest = int(self.hours[i].argmax()) if hours and c[_TICKETS] else None
        return GroupStats(
            key=key,
            label=label,
            label_en=label_en,
            tickets=int(c[_TICKETS]),
            served=int(c[_SERVED]),
            dossiers=int(c[_DOSSIERS]),
            no_shows=int(c[_NO_SHOW]),
            expired=int(c[_EXPIRED]),
            open=int(c[_OPEN]),
            transferred=int(c[_TRANSFERRED]),
            called=int(c[_CALLED]),
            wait_p50=_hist_rank(waits, 50),
            wait_p90=_hist_rank(waits, 90),
            wait_max=_hist_max(waits),
            service_p50=_hist_rank(services, 50),
            busiest_hour=busiest,
            over_target=int(c[_OVER]),
        )

    def reset(self) -> None:
        self.counts[:] = 0
        self.hours[:] = 0
        self.waits[:] = 0
        self.services[:] = 0


def _count_into(hist: np.ndarray, rows: np.ndarray, values: np.ndarray) -> None:
    """hist[rows[i], values[i]] += 1 for every i (faster than np.add.at)."""
    if not len(rows):
        return
    flat, counts = np.unique(rows * hist.shape[1] + values, return_counts=True)
    hist.flat[flat] += counts.astype(hist.dtype)


def _hist_rank(hist: np.ndarray, q: int) -> int | None:
    total = int(hist.sum())
    if not total:
        return None
    rank = max(1, (q * total + 99) // 100)
    return int(np.searchsorted(np.cumsum(hist), rank))


def _hist_max(hist: np.ndarray) -> int | None:
    nonzero = np.flatnonzero(hist)
    return int(nonzero[-1]) if len(nonzero) else None


class _Columns:
    """One batch of ticket rows as numpy columns."""

    outcome_columns = tuple(_OUTCOME_COLUMN[o] for o in Outcome)

    def __init__(
        self, batch: Sequence[TicketTuple], times: LocalTimes, target: int, today: str
    ) -> None:
        cols = list(zip(*batch, strict=True))
        self.target = target
        order = {o: i for i, o in enumerate(Outcome)}
        expired, open_ = order[Outcome.EXPIRED], order[Outcome.OPEN]
        final = {st: order[o] for st, o in _FINAL_OUTCOMES.items()}
        self.days: Sequence[str] = cols[T_DAY]
        self.outcome = np.array(
            [
                final.get(st, expired if d < today else open_)
                for st, d in zip(cols[T_STATE], self.days, strict=True)
            ],
            dtype=np.int8,
        )
        self.dossiers = np.array(cols[T_DOSSIERS], dtype=np.int64)
        self.transferred = np.array(cols[T_TRANSFERS], dtype=np.int64) > 0
        self.wait = _seconds(cols[T_WAIT])
        self.service = _seconds(cols[T_SERVICE])
        issued = np.array(cols[T_ISSUED], dtype=np.int64)
        buckets, inverse = np.unique(issued // 900, return_inverse=True)
        offsets = np.array([times.offset(int(b) * 900) for b in buckets], dtype=np.int64)
        self.hour = (issued + offsets[inverse]) % 86400 // 3600
        self.fields: Sequence[str] = cols[T_FIELD]
        self.counters: Sequence[int | None] = cols[T_COUNTER]


#: States final whatever the day, and their outcome (the rest depend on the day: outcome_of).
_FINAL_OUTCOMES = {
    st: outcome_of(st, "", "") for st in ("completed", "no_show", "skipped", "expired")
}


def _seconds(values: Sequence[int | None]) -> np.ndarray:
    """Durations as an int array, −1 where missing (negative clock steps count as 0)."""
    arr = np.array(values, dtype=np.float64)  # None becomes NaN
    return np.where(np.isnan(arr), -1, np.maximum(arr, 0)).astype(np.int64)


class ReportBuilder:
    """Feed batches of TicketRecords (in day order); `finish()` gives the Report."""

    def __init__(
        self,
        config: Config,
        flt: HistoryFilter,
        *,
        today: date | None = None,
        target_minutes: float | None = None,
    ) -> None:
        self.config = config
        self.today = (today or datetime.now(config.zone).date()).isoformat()
        self.filter = flt
        self.target_minutes = (
            target_minutes if target_minutes is not None else config.reports.wait_target_minutes
        )
        self._target = int(self.target_minutes * 60)
        self._times = LocalTimes(config.zone)
        self._total = _Groups()
        self._total.index("all")
        self._day = _Groups()
        self._day.index("day")
        self._fields = _Groups()
        for f in config.fields:
            self._fields.index(f.code)
        self._counters = _Groups()
        self._hours = _Groups()
        for h in range(24):
            self._hours.index(h)
        self._current: str | None = None
        self._days: list[GroupStats] = []
        self.records = 0

    def add(self, batch: Sequence[TicketTuple]) -> None:
        """Add a batch of raw ticket rows (`History.ticket_rows`), days in order."""
        if not batch:
            return
        cols = _Columns(batch, self._times, self._target, self.today)
        n = len(batch)
        self.records += n
        self._total.add(np.zeros(n, dtype=np.int64), cols)
        self._fields.add(self._fields.indices(cols.fields), cols)
        self._hours.add(cols.hour, cols)
        with_counter = [i for i, c in enumerate(cols.counters) if c is not None]
        if with_counter:
            idx = np.array(with_counter, dtype=np.int64)
            sub = _Subset(cols, idx)
            self._counters.add(
                self._counters.indices([cols.counters[i] for i in with_counter]), sub
            )
        # Days arrive in order: split the batch where the day changes.
        days = cols.days
        start = 0
        for i in range(1, n + 1):
            if i == n or days[i] != days[start]:
                day = days[start]
                if day != self._current:
                    if self._current is not None and day < self._current:
                        raise ValueError("records must arrive in business-day order")
                    self._close_day()
                    self._current = day
                self._day.add(np.zeros(i - start, dtype=np.int64), cols, slice(start, i))
                start = i

    def _close_day(self) -> None:
        if self._current is None:
            return
        d = self._current
        shown = f"{d[8:10]}/{d[5:7]}/{d[0:4]}"
        self._days.append(self._day.stats(0, d, shown, shown, hours=True))
        self._day.reset()

    def finish(self) -> Report:
        self._close_day()
        self._current = None
        cfg = self.config
        fields = []
        for code, i in self._fields.keys.items():
            if not self._fields.counts[i, _TICKETS]:
                continue
            f = cfg.field(code)
            fields.append(
                self._fields.stats(
                    i, code, f.name if f else code, f.name_en if f else code, hours=True
                )
            )
        counters = []
        for number, i in sorted(self._counters.keys.items()):
            c = cfg.counter(number)
            counters.append(
                self._counters.stats(
                    i,
                    str(number),
                    c.label_vi if c else f"Quầy {number}",
                    c.label_en if c else f"Counter {number}",
                    hours=True,
                )
            )
        hours = [
            self._hours.stats(i, f"{h:02d}", hour_label(h), hour_label(h), hours=False)
            for h, i in self._hours.keys.items()
            if self._hours.counts[i, _TICKETS]
        ]
        return Report(
            site_name=cfg.site.name,
            site_name_en=cfg.site.name_en,
            filter=self.filter,
            target_minutes=self.target_minutes,
            total=self._total.stats(0, "all", "Tổng cộng", "Total", hours=True),
            days=tuple(self._days),
            fields=tuple(fields),
            counters=tuple(counters),
            hours=tuple(hours),
        )


class _Subset(_Columns):
    """Some records of a batch (those with a counter), sharing the batch's arrays."""

    def __init__(self, cols: _Columns, idx: np.ndarray) -> None:
        self.target = cols.target
        self.outcome = cols.outcome[idx]
        self.dossiers = cols.dossiers[idx]
        self.transferred = cols.transferred[idx]
        self.wait = cols.wait[idx]
        self.service = cols.service[idx]
        self.hour = cols.hour[idx]


def build_report(
    store: Store,
    config: Config,
    flt: HistoryFilter,
    *,
    today: date | None = None,
    target_minutes: float | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Report:
    """Compute the report of a range from the database in one streaming pass."""
    flt.check(config)
    history = History(store, config, today=today)
    total = history.count_tickets(flt)
    if total == 0:
        raise empty_range(flt)
    builder = ReportBuilder(config, flt, today=history.today, target_minutes=target_minutes)
    for batch in history.ticket_rows(flt, cancel=cancel, lean=True):
        builder.add(batch)
        if progress:
            progress(builder.records, total)
    return builder.finish()


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
                _min(r.wait_p50),
                _min(r.wait_p90),
                _min(r.wait_max),
                _min(r.service_p50),
                hour_label(r.busiest_hour) if r.busiest_hour is not None else None,
                r.over_target_share,
            ]
        )
    return out


def _min(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


#: Column titles of `stats_rows` (Vietnamese, English).
STATS_COLUMNS = (
    ("", ""),
    ("Lượt công dân", "Citizens"),
    ("Đã phục vụ", "Served"),
    ("Hồ sơ", "Dossiers"),
    ("Vắng mặt", "No-shows"),
    ("Hết hạn", "Expired"),
    ("Được chuyển", "Transferred"),
    ("Chờ p50 (phút)", "Wait p50 (min)"),
    ("Chờ p90 (phút)", "Wait p90 (min)"),
    ("Chờ lâu nhất (phút)", "Longest wait (min)"),
    ("Phục vụ p50 (phút)", "Service p50 (min)"),
    ("Giờ đông nhất", "Busiest hour"),
    ("Chờ quá mục tiêu", "Over target"),
)


#: The same titles broken over two lines, for narrow table columns (PDF, window).
STATS_HEADINGS = (
    ("", ""),
    ("Lượt\ncông dân", "Citizens"),
    ("Đã\nphục vụ", "Served"),
    ("Hồ sơ", "Dossiers"),
    ("Vắng\nmặt", "No-\nshows"),
    ("Hết\nhạn", "Expired"),
    ("Được\nchuyển", "Trans-\nferred"),
    ("Chờ p50\n(phút)", "Wait p50\n(min)"),
    ("Chờ p90\n(phút)", "Wait p90\n(min)"),
    ("Chờ lâu\nnhất (phút)", "Longest\nwait (min)"),
    ("Phục vụ\np50 (phút)", "Service\np50 (min)"),
    ("Giờ\nđông nhất", "Busiest\nhour"),
    ("Chờ quá\nmục tiêu", "Over\ntarget"),
)


assert len(STATS_HEADINGS) == len(STATS_COLUMNS)


def generated_at(config: Config) -> str:
    return datetime.now(config.zone).strftime("%d/%m/%Y %H:%M")
