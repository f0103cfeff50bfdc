"""Capacity planning: expected waits per field now, with one counter more and one less.

Runs the simulator's discrete-event model (the same queue rules as the service, in memory,
no database) over the same simulated citizens for every counter layout, so differences
come from the counters alone. One counter more: a new counter for the field where it helps
most. One counter less: the counter whose absence hurts least (every field keeps a counter).
"Helps" means fewer citizens left unserved at closing, then a lower 90th-percentile wait.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from kiosk.core.config import Config
from kiosk.core.wording import number as figure
from kiosk.core.wording import plain
from kiosk.reports import texts as T
from kiosk.reports.arrivals import Citizen, Profile, SimulationError, open_days, plan_day
from kiosk.reports.queue_model import ModelBackend
from kiosk.reports.report import minutes, nearest_rank
from kiosk.reports.simulate import Engine

#: Simulated days start on this Monday, so a plan never depends on today's date.
REFERENCE_MONDAY = date(2026, 1, 5)

Layout = dict[int, list[str]]


@dataclass(frozen=True)
class FieldWaits:
    """Waits of one field (or all) in a scenario; seconds, nearest-rank percentiles."""

    code: str
    name: str
    name_en: str
    citizens: int
    p50: int | None
    p90: int | None
    unserved: int


@dataclass(frozen=True)
class Scenario:
    """One counter layout and how the simulated days went."""

    layout: Mapping[int, Sequence[str]]
    change_vi: str
    change_en: str
    fields: tuple[FieldWaits, ...]
    total: FieldWaits
    busy: Mapping[int, float]

    @property
    def counters(self) -> int:
        return len(self.layout)

    def score(self) -> tuple[int, int, int]:
        return (self.total.unserved, self.total.p90 or 0, self.total.p50 or 0)


@dataclass(frozen=True)
class CapacityPlan:
    citizens_per_day: float
    days: int
    seed: int | str
    now: Scenario
    more: Scenario | None
    fewer: Scenario | None

    def text(self, lang: str = "en") -> str:
        """The plan as a table for the terminal."""
        vi = lang == "vi"
        scenarios = [s for s in (self.now, self.more, self.fewer) if s is not None]
        unit = T.COUNTERS_UNIT.get(lang)
        lines = [
            T.CAPACITY_TITLE.get(
                lang, citizens=plain(self.citizens_per_day, lang), days=self.days, seed=self.seed
            ),
            T.CAPACITY_WAITS.get(lang),
            "",
        ]
        width = max(24, *(len(f.name if vi else f.name_en) + 2 for f in self.now.fields))
        col = 18
        titles = [f"{s.counters} {unit}" + ("*" if s is self.now else "") for s in scenarios]
        lines.append(" " * width + "".join(f"{t:>{col}}" for t in titles))
        rows = [*zip(*(s.fields for s in scenarios), strict=True)]
        for group in [*rows, tuple(s.total for s in scenarios)]:
            name = group[0].name if vi else group[0].name_en
            cells = "".join(
                f"{minutes(w.p50, lang) + ' / ' + minutes(w.p90, lang):>{col}}" for w in group
            )
            lines.append(f"{name:<{width}}{cells}")
        label = T.NOT_SERVED_A_DAY.get(lang)
        cells = "".join(
            f"{figure(s.total.unserved / self.days, lang, 1):>{col}}" for s in scenarios
        )
        lines.append(f"{label:<{width}}{cells}")
        lines.append("")
        lines.append(T.NOW_MARK.get(lang) + self._busiest(self.now, lang))
        for s in scenarios[1:]:
            change = s.change_vi if vi else s.change_en
            lines.append(f"{s.counters} {unit}: {change}" + self._busiest(s, lang))
        return "\n".join(lines)

    @staticmethod
    def _busiest(s: Scenario, lang: str) -> str:
        if not s.busy:
            return ""
        number, share = max(s.busy.items(), key=lambda kv: kv[1])
        return T.BUSIEST_COUNTER.get(lang, number=number, share=figure(share * 100, lang))


def _run(
    config: Config,
    profile: Profile,
    days: Sequence[date],
    seed: int | str,
    layout: Layout,
    change: tuple[str, str],
) -> Scenario:
    # Capacity counts counters, not who staffs them: every counter is taken as staffed.
    config = config.model_copy(update={"officers": []})
    model = ModelBackend(config, record=False)
    model.set_layout(layout)
    engine = Engine(config, profile, model, layout=layout)
    waits: dict[str, list[int]] = {}
    issued: dict[str, int] = {}
    unserved: dict[str, int] = {}
    busy: dict[int, int] = {}
    opened: dict[int, int] = {}

    def citizens_of(day: date) -> list[Citizen]:
        citizens = plan_day(config, profile, day, seed)
        for c in citizens:
            issued[c.field] = issued.get(c.field, 0) + 1
        return citizens

    outcomes = []
    for out in engine.run(days, citizens_of):
        outcomes.append(out)  # complete only at the end: work may go on past midnight
        model.forget_settled()
    for out in outcomes:
        for code, values in out.waits.items():
            waits.setdefault(code, []).extend(values)
        for code, n in out.unserved.items():
            unserved[code] = unserved.get(code, 0) + n
        for n, s in out.busy_seconds.items():
            busy[n] = busy.get(n, 0) + s
        for n, s in out.open_seconds.items():
            opened[n] = opened.get(n, 0) + s
    fields = []
    every: list[int] = []
    for f in config.fields:
        values = sorted(waits.get(f.code, []))
        every.extend(values)
        fields.append(
            FieldWaits(
                f.code,
                f.name,
                f.name_en,
                issued.get(f.code, 0),
                nearest_rank(values, 50),
                nearest_rank(values, 90),
                unserved.get(f.code, 0),
            )
        )
    every.sort()
    total = FieldWaits(
        "all",
        *T.ALL_FIELDS,
        sum(issued.values()),
        nearest_rank(every, 50),
        nearest_rank(every, 90),
        sum(unserved.values()),
    )
    return Scenario(
        layout={n: tuple(fs) for n, fs in layout.items()},
        change_vi=change[0],
        change_en=change[1],
        fields=tuple(fields),
        total=total,
        busy={n: busy.get(n, 0) / s for n, s in opened.items() if s},
    )


def _with_counter(layout: Layout, code: str) -> Layout:
    grown = {n: list(fs) for n, fs in layout.items()}
    grown[max(grown, default=0) + 1] = [code]
    return grown


def _without_counter(layout: Layout, number: int) -> Layout | None:
    rest = {n: list(fs) for n, fs in layout.items() if n != number}
    served = {code for fs in rest.values() for code in fs}
    if not set(layout[number]) <= served:
        return None  # a field would have no counter left
    return rest


def plan_capacity(
    config: Config,
    profile: Profile,
    days: int = 20,
    *,
    seed: int | str = 1,
    counters: int | None = None,
) -> CapacityPlan:
    """Simulate the layout (adjusted to `counters` if given) and its ±1 counter variants."""
    if days < 1:
        raise SimulationError("Số ngày phải từ 1 trở lên", "--days must be at least 1")
    if counters is not None and counters < 1:
        raise SimulationError("Số quầy phải từ 1 trở lên", "--counters must be at least 1")
    dates = open_days(config, REFERENCE_MONDAY, days)
    if not dates:
        raise SimulationError(
            "Không có ngày nào mở cửa theo cấu hình", "The configuration opens on no day"
        )
    layout: Layout = {c.number: config.fields_of_counter(c.number) for c in config.counters}
    layout = {n: fs for n, fs in layout.items() if fs}
    names = {f.code: (f.name, f.name_en) for f in config.fields}

    def run(lay: Layout, change: tuple[str, str] = ("", "")) -> Scenario:
        return _run(config, profile, dates, seed, lay, change)

    def best_addition(lay: Layout) -> tuple[Layout, str] | None:
        options = [(run(_with_counter(lay, f.code)), f.code) for f in config.fields]
        if not options:
            return None
        scenario, code = min(options, key=lambda o: o[0].score())
        return {n: list(fs) for n, fs in scenario.layout.items()}, code

    def best_removal(lay: Layout) -> tuple[Layout, int] | None:
        options = []
        for n in sorted(lay):
            smaller = _without_counter(lay, n)
            if smaller is not None:
                options.append((run(smaller), n))
        if not options:
            return None
        scenario, n = min(options, key=lambda o: o[0].score())
        return {n: list(fs) for n, fs in scenario.layout.items()}, n

    if counters is not None:
        while len(layout) < counters:
            found = best_addition(layout)
            assert found is not None
            layout = {n: list(fs) for n, fs in found[0].items()}
        while len(layout) > counters:
            removed = best_removal(layout)
            if removed is None:
                raise SimulationError(
                    f"Không thể giảm xuống {counters} quầy: mỗi lĩnh vực cần ít nhất một quầy",
                    f"Cannot go down to {counters} counters: every field needs a counter "
                    f"({len(layout)} is the fewest with this configuration)",
                )
            layout = {n: list(fs) for n, fs in removed[0].items()}
    now = run(layout)
    more = None
    found = best_addition(layout)
    if found is not None:
        grown, code = found
        vi, en = names[code]
        more = run(
            {n: list(fs) for n, fs in grown.items()},
            (T.ONE_MORE_FOR.get("vi", field=vi), T.ONE_MORE_FOR.get("en", field=en)),
        )
    fewer = None
    removed = best_removal(layout)
    if removed is not None:
        smaller, number = removed
        fewer = run(
            {n: list(fs) for n, fs in smaller.items()},
            T.ONE_FEWER.fill(number=number),
        )
    return CapacityPlan(profile.citizens_per_day, len(dates), seed, now, more, fewer)
