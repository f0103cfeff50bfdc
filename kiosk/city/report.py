"""The city report: every point's figures over a range of days, computed inside PostgreSQL.

It reads the centre's projection `central_tickets` (one row per point's ticket, the same
meaning as a point's `tickets`; kiosk.central.projection), after folding in what the points
shipped since the last refresh. Each point's name, time zone and wait target come from its
own config as it shipped it (kiosk.central.sites). PostgreSQL groups the range's tickets by
point, by period (month, week or day: the trend) and for the whole city (`_aggregate`), so
Python only handles one row per point and per period, whatever the number of tickets.

A point's row equals that point's own `kiosk report` for the same days (a test compares them):
- wait = first call − issue in whole seconds, rounded as kiosk.reports.history measures it
  (`seconds_between`), a negative clock step counted as 0;
- the median and the 90% wait are nearest rank, as the point's report computes them:
  `percentile_disc` is nearest rank (the first value whose running share reaches q);
- outcomes (served, no-show, expired, open) by the one rule `outcome_of`, whose SQL twin
  (`outcome_case`) is generated from its mapping, with each point's own today;
- over the target: called citizens whose wait exceeded the point's `[reports]
  wait_target_minutes` (or one city-wide target), in whole seconds as the point counts;
- ratings: the tickets rated, and those "hài lòng" or better (SATISFIED_LEVELS).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import psycopg
from sqlalchemy import Date, String, column
from sqlalchemy.dialects.postgresql.base import PGDialect

from kiosk.central.centre import ADMIN_SETTING, connect
from kiosk.central.projection import known_sites, refresh, require_projection
from kiosk.central.sites import central_sites
from kiosk.city import texts as C
from kiosk.core.config import Config
from kiosk.core.ratings import SATISFIED_LEVELS
from kiosk.core.wording import count_en, minutes, number, plain, share
from kiosk.reports import texts as T
from kiosk.reports.comparison import Figure, Previous, compare, previous_range
from kiosk.reports.history import (
    EmptyRange,
    HistoryFilter,
    Outcome,
    outcome_case,
    seconds_between,
)
from kiosk.reports.report import STATS_HEADINGS, rounded_minutes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Figures:
    """The figures of one point (or of the city, or of a period) over a range. Waits are
    whole seconds (None: nobody was called)."""

    tickets: int = 0
    dossiers: int = 0
    served: int = 0
    no_shows: int = 0
    expired: int = 0
    open: int = 0
    #: Tickets called at least once (they have a wait), and those over the target.
    called: int = 0
    over_target: int = 0
    wait_p50: int | None = None
    wait_p90: int | None = None
    #: Tickets rated, and rated "hài lòng" or better.
    rated: int = 0
    satisfied: int = 0

    @property
    def over_target_share(self) -> float | None:
        """Share (0-1) of called citizens who waited longer than the target."""
        return self.over_target / self.called if self.called else None

    @property
    def rated_share(self) -> float | None:
        """Share (0-1) of the served citizens who rated (as the point's report divides)."""
        return self.rated / self.served if self.served else None

    @property
    def satisfied_share(self) -> float | None:
        """Share (0-1) of the ratings that are "hài lòng" or better."""
        return self.satisfied / self.rated if self.rated else None

    def headline(self) -> dict[str, float | None]:
        """The headline figures compared with the period before (comparison.HEADLINE)."""
        return {
            "citizens": self.tickets,
            "dossiers": self.dossiers,
            "wait_p50": self.wait_p50,
            "wait_p90": self.wait_p90,
            "over_target": self.over_target_share,
            "no_shows": self.no_shows,
            "satisfied": self.satisfied_share,
        }


@dataclass(frozen=True)
class PointRow:
    """One point of the city report."""

    site: str
    name_vi: str
    name_en: str
    #: The wait target its figures count against (its own, or the city-wide `--target`).
    target_minutes: float
    now: Figures
    #: The same point in the period before (None: not compared).
    before: Figures | None = None
    #: 1 = best; None: not ranked (nobody called / nobody rated).
    wait_rank: int | None = None
    satisfaction_rank: int | None = None

    def name(self, lang: str) -> str:
        return self.name_vi if lang == "vi" else self.name_en

    def changes(self) -> dict[str, Figure]:
        """Its headline figures beside the period before's (empty: not compared)."""
        if self.before is None:
            return {}
        return {f.key: f for f in compare(self.now.headline(), self.before.headline())}

    def change_text(self, key: str, lang: str) -> str:
        """ "▲ 0,4", "▼ 2 điểm %", "="; "–" when either period has no value."""
        figure = self.changes().get(key)
        return figure.change_text(lang) if figure is not None else "–"


@dataclass(frozen=True)
class TrendPeriod:
    """The whole city in one month, week or day of the range."""

    start: date
    figures: Figures

    def label(self, unit: str, lang: str) -> str:
        if unit == "month":
            return f"{self.start:%m/%Y}"
        if unit == "week":
            return C.WEEK_OF.get(lang, day=f"{self.start:%d/%m}")
        return f"{self.start:%d/%m}"


@dataclass(frozen=True)
class CityReport:
    """Every point's figures over a range, ranked, with the period before and the trend."""

    filter: HistoryFilter
    #: Every point asked for, in wait-rank order (then the points nobody was called at).
    points: tuple[PointRow, ...]
    total: Figures
    #: "month", "week" or "day": the unit of `trend`.
    trend_unit: str
    trend: tuple[TrendPeriod, ...]
    #: One city-wide target (`--target`); None: each point's own.
    target_minutes: float | None = None
    #: The whole city beside the period before (None: not compared).
    previous: Previous | None = None
    #: Points whose shipped config could not be read: (site, why).
    problems: tuple[tuple[str, str], ...] = ()

    def by_satisfaction(self) -> list[PointRow]:
        """The points that were rated, best first."""
        rated = [p for p in self.points if p.satisfaction_rank is not None]
        return sorted(rated, key=lambda p: p.satisfaction_rank or 0)

    def ranked(self) -> list[PointRow]:
        return [p for p in self.points if p.wait_rank is not None]

    def span(self, lang: str) -> str:
        return self.filter.describe(lang)

    def subtitle(self, lang: str) -> str:
        return C.SUBTITLE.get(lang, span=self.span(lang), points=number(len(self.points), lang))

    def target_words(self, lang: str) -> str:
        if self.target_minutes is None:
            return C.OWN_TARGETS.get(lang)
        return C.ONE_TARGET.get(lang, minutes=plain(self.target_minutes, lang))

    def text(self, lang: str = "en") -> str:
        """The terminal summary: the city, best and worst, every point, the trend, the
        period before."""
        t = self.total
        lines = [f"{C.TITLE.get(lang)} – {self.subtitle(lang)}"]
        lines.append(C.CITY_LINE.get(lang, headline=headline(t, lang), outcomes=outcomes(t, lang)))
        lines.append(
            C.CITY_WAITS.get(
                lang,
                p50=minutes(t.wait_p50, lang),
                p90=minutes(t.wait_p90, lang),
                share=share(t.over_target_share, lang),
                target=self.target_words(lang),
            )
        )
        if t.rated:
            lines.append(
                T.SATISFACTION.get(
                    lang,
                    rated=number(t.rated, lang),
                    served=number(t.served, lang),
                    rated_share=share(t.rated_share, lang),
                    satisfied=share(t.satisfied_share, lang),
                )
            )
        lines += self.extremes(lang)
        lines.append(C.PER_POINT.get(lang))
        width = max((len(p.name(lang)) for p in self.points), default=0)
        for p in self.points:
            rank = f"{p.wait_rank:>3}." if p.wait_rank is not None else "   –"
            lines.append(f"  {rank} {p.name(lang):<{width}}  {point_line(p, lang)}")
        if len(self.trend) > 1:
            lines.append(C.PERIOD_UNIT[self.trend_unit].get(lang) + ":")
            for period in self.trend:
                f = period.figures
                shown = C.TREND_LINE.get(
                    lang,
                    citizens=number(f.tickets, lang),
                    p50=minutes(f.wait_p50, lang),
                    over=share(f.over_target_share, lang),
                )
                lines.append(f"  {period.label(self.trend_unit, lang):<12} {shown}")
        if self.previous is not None:
            lines += previous_lines(self.previous, lang)
        for site, problem in self.problems:
            lines.append(C.NOT_READ.get(lang, site=site, problem=problem))
        return "\n".join(lines)

    def extremes(self, lang: str) -> list[str]:
        """The best and the worst point by waits, and by satisfaction (when rated)."""
        lines = []
        ranked = self.ranked()
        if ranked:
            for text, p in ((C.BEST_WAIT, ranked[0]), (C.WORST_WAIT, ranked[-1])):
                lines.append(
                    text.get(
                        lang,
                        name=p.name(lang),
                        share=share(p.now.over_target_share, lang),
                        p50=minutes(p.now.wait_p50, lang),
                    )
                )
        rated = self.by_satisfaction()
        if rated:
            for text, p in ((C.BEST_SATISFIED, rated[0]), (C.WORST_SATISFIED, rated[-1])):
                lines.append(
                    text.get(lang, name=p.name(lang), share=share(p.now.satisfied_share, lang))
                )
        return lines

    def as_json(self) -> dict[str, Any]:
        """`kiosk report --central … --json`: waits in seconds, shares 0-1."""

        def figures(f: Figures | None) -> dict[str, Any] | None:
            if f is None:
                return None
            return {
                **asdict(f),
                "over_target_share": f.over_target_share,
                "rated_share": f.rated_share,
                "satisfied_share": f.satisfied_share,
            }

        return {
            "start": self.filter.start.isoformat(),
            "end": self.filter.end.isoformat(),
            "target_minutes": self.target_minutes,
            "total": figures(self.total),
            "points": [
                {
                    "site": p.site,
                    "name": p.name_vi,
                    "name_en": p.name_en,
                    "target_minutes": p.target_minutes,
                    "wait_rank": p.wait_rank,
                    "satisfaction_rank": p.satisfaction_rank,
                    **figures(p.now),  # type: ignore[dict-item]  # never None here
                    "before": figures(p.before),
                    "changes": {
                        k: {"change": f.change, "mark": f.mark} for k, f in p.changes().items()
                    },
                }
                for p in self.points
            ],
            "trend_unit": self.trend_unit,
            "trend": [
                {"start": t.start.isoformat(), **figures(t.figures)}  # type: ignore[dict-item]
                for t in self.trend
            ],
            "previous": self.previous.as_json() if self.previous is not None else None,
            "problems": [{"site": s, "problem": why} for s, why in self.problems],
        }


def headline(f: Figures, lang: str) -> str:
    """ "1.437 lượt công dân, 2.110 hồ sơ" / "1,437 citizens, 2,110 dossiers"."""
    if lang == "vi":
        return T.HEADLINE.vi.format(
            citizens=number(f.tickets, lang), dossiers=number(f.dossiers, lang)
        )
    return T.HEADLINE.en.format(
        citizens=count_en(f.tickets, "citizen"), dossiers=count_en(f.dossiers, "dossier")
    )


def outcomes(f: Figures, lang: str) -> str:
    text = T.OUTCOMES.get(
        lang,
        served=number(f.served, lang),
        no_shows=number(f.no_shows, lang),
        expired=number(f.expired, lang),
    )
    return text + (T.STILL_OPEN.get(lang, n=number(f.open, lang)) if f.open else "")


def point_line(p: PointRow, lang: str) -> str:
    """One point in the terminal: its figures, satisfaction, and the wait's change."""
    f = p.now
    if not f.tickets:
        return C.NO_TICKETS.get(lang)
    text = C.POINT_LINE.get(
        lang,
        citizens=number(f.tickets, lang),
        dossiers=number(f.dossiers, lang),
        p50=minutes(f.wait_p50, lang),
        p90=minutes(f.wait_p90, lang),
        over=share(f.over_target_share, lang),
        target=plain(p.target_minutes, lang),
    )
    if f.rated:
        text += C.POINT_SATISFIED.get(lang, share=share(f.satisfied_share, lang))
    if p.before is not None:
        text += C.POINT_CHANGE.get(lang, change=p.change_text("wait_p50", lang))
    return text


def previous_lines(previous: Previous, lang: str) -> list[str]:
    """The whole city beside the period before, one figure a line."""
    if not previous.has_data:
        return [f"{previous.heading(lang)}: {T.NO_PREVIOUS_DATA.get(lang)}"]
    out = [previous.heading(lang) + ":"]
    labels = [figure_label(f, lang) for f in previous.figures]
    width = max(map(len, labels))
    for label, f in zip(labels, previous.figures, strict=True):
        before = T.BEFORE.get(lang, value=f.value_text(f.before, lang))
        out.append(
            f"  {label:<{width}}  {f.value_text(f.now, lang):>7}  ({before}; {f.change_text(lang)})"
        )
    return out


def figure_label(f: Figure, lang: str) -> str:
    """A headline figure's words; over the target names no minutes (each point has its own)."""
    return T.OVER_TARGET.get(lang) if f.key == "over_target" else f.label(0, lang)


# ------------------------------------------------------------------------------ the query


def trend_unit(start: date, end: date) -> str:
    """The trend's period: a month over more than three months, a week over more than two
    weeks, else a day."""
    days = (end - start).days + 1
    return "month" if days > 92 else "week" if days > 14 else "day"


def _sql(expr: Any) -> str:
    """An SQLAlchemy expression as PostgreSQL text (its values written in: enum words)."""
    dialect = PGDialect()  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it untyped
    return str(expr.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


_STATE, _DAY, _TODAY = column("state", String), column("business_day", Date), column("today", Date)
_OUTCOME = _sql(outcome_case(_STATE, _DAY, _TODAY))
_WAIT = _sql(seconds_between("postgresql", column("issued_at"), column("called_at")))

#: One pass over the range's tickets, grouped per point (and per period and for the whole
#: city). The inner query makes each ticket a narrow row (less to sort), its point compared
#: byte by byte (COLLATE "C": a centre created with a language's collation sorts four million
#: rows by point much more slowly). A negative wait (a clock step) counts as 0, as in the
#: point's report.
_QUERY = """
WITH points (site, today, target) AS (
    SELECT * FROM unnest(%(sites)s::text[], %(todays)s::date[], %(targets)s::int[])
), t AS (
    SELECT t.site COLLATE "C" AS site, {bucket} AS bucket, {outcome} AS outcome, t.dossiers,
           t.rating IS NOT NULL AS rated, t.rating = ANY(%(satisfied)s) AS satisfied,
           greatest({wait}, 0) AS wait, p.target
    FROM central_tickets t JOIN points p ON p.site = t.site
    WHERE t.business_day BETWEEN %(start)s AND %(end)s
)
SELECT {grouping}, {site_out}, {bucket_out},
       count(*), coalesce(sum(dossiers), 0),
       count(*) FILTER (WHERE outcome = %(served)s),
       count(*) FILTER (WHERE outcome = %(no_show)s),
       count(*) FILTER (WHERE outcome = %(expired)s),
       count(*) FILTER (WHERE outcome = %(open)s),
       count(wait), count(*) FILTER (WHERE wait > target),
       percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY wait),
       count(*) FILTER (WHERE rated), count(*) FILTER (WHERE satisfied)
FROM t
GROUP BY GROUPING SETS ({sets})
"""
#: How the query runs: sorts in memory, no compilation of expressions (it cost more than it
#: saved), and the range read through the day index as a bitmap or the whole table, never in
#: primary key order (four million random reads to spare a sort by point).
_SETTINGS = (
    "SET LOCAL work_mem = '512MB'",
    "SET LOCAL jit = off",
    "SET LOCAL enable_indexscan = off",
)
_BUCKETS = {
    "month": "date_trunc('month', t.business_day::timestamp)::date",
    "week": "date_trunc('week', t.business_day::timestamp)::date",
    "day": "t.business_day",
}


@dataclass(frozen=True)
class _Grouped:
    points: dict[str, Figures]
    total: Figures
    periods: list[TrendPeriod]


def _figures(r: Sequence[Any]) -> Figures:
    waits = r[11] or [None, None]
    return Figures(
        tickets=int(r[3]),
        dossiers=int(r[4]),
        served=int(r[5]),
        no_shows=int(r[6]),
        expired=int(r[7]),
        open=int(r[8]),
        called=int(r[9]),
        over_target=int(r[10]),
        wait_p50=waits[0],
        wait_p90=waits[1],
        rated=int(r[12]),
        satisfied=int(r[13]),
    )


def _aggregate(
    conn: psycopg.Connection[Any],
    url: str,
    flt: HistoryFilter,
    today: Mapping[str, date],
    targets: Mapping[str, int],
    unit: str | None,
) -> _Grouped:
    """The figures per point and for the city, and (with a `unit`) per period.

    With a `unit` two queries run at once on two connections that share one snapshot
    (`pg_export_snapshot`): the points on one, the periods and the city on the other. Each
    sorts every ticket of the range once for its percentiles, so on a server with two cores
    the report takes about half as long as one query doing both, and the two agree exactly.
    """
    sites = list(today)
    params = {
        "sites": sites,
        "todays": [today[s] for s in sites],
        "targets": [targets[s] for s in sites],
        "start": flt.start,
        "end": flt.end,
        "served": Outcome.SERVED.value,
        "no_show": Outcome.NO_SHOW.value,
        "expired": Outcome.EXPIRED.value,
        "open": Outcome.OPEN.value,
        "satisfied": sorted(level.value for level in SATISFIED_LEVELS),
    }
    # The first column says what a row is: 1 a point, 2 a period, 3 the city.
    if unit is None:
        queries = [_sql_of("(site), ()", "GROUPING(site) * 2 + 1", "site", "NULL", "day")]
    else:
        queries = [
            _sql_of("(site)", "1", "site", "NULL", unit),
            _sql_of("(bucket), ()", "GROUPING(bucket) + 2", "NULL", "bucket", unit),
        ]
    rows: list[Sequence[Any]] = []
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for setting in _SETTINGS:
            conn.execute(setting)
        if len(queries) == 1:
            rows += conn.execute(queries[0], params).fetchall()
        else:
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()
            assert snapshot is not None
            with ThreadPoolExecutor(1) as pool:
                other = pool.submit(_in_snapshot, url, str(snapshot[0]), queries[1], params)
                rows += conn.execute(queries[0], params).fetchall()
                rows += other.result()
    points: dict[str, Figures] = {}
    total = Figures()
    periods: list[TrendPeriod] = []
    for r in rows:
        what, site, bucket = int(r[0]), r[1], r[2]
        if what == 1:
            points[str(site)] = _figures(r)
        elif what == 2:
            periods.append(TrendPeriod(bucket, _figures(r)))
        else:
            total = _figures(r)
    return _Grouped(points, total, sorted(periods, key=lambda p: p.start))


def _sql_of(sets: str, what: str, site_out: str, bucket_out: str, unit: str) -> str:
    return _QUERY.format(
        site_out=site_out,
        bucket=_BUCKETS[unit],
        outcome=_OUTCOME,
        wait=_WAIT,
        sets=sets,
        grouping=what,
        bucket_out=bucket_out,
    )


def _in_snapshot(
    url: str, snapshot: str, sql: str, params: Mapping[str, Any]
) -> list[Sequence[Any]]:
    """`sql`'s rows, read on a connection of its own in the exported `snapshot`."""
    with connect(url, setting=ADMIN_SETTING) as conn, conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        conn.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        for setting in _SETTINGS:
            conn.execute(setting)
        return list(conn.execute(sql, params).fetchall())


# ------------------------------------------------------------------------------ the report


def target_seconds(minutes_: float) -> int:
    """A wait target in whole seconds, as the point's report counts it."""
    return int(minutes_ * 60)


def city_report(
    url: str,
    start: date,
    end: date,
    sites: Sequence[str] | None = None,
    target: float | None = None,
    *,
    refresh_first: bool = True,
    compare_before: bool = True,
    now: datetime | None = None,
    config: Config | None = None,
) -> CityReport:
    """The city report of `start`..`end` for every point of the centre at `url` (or `sites`).

    `target`: one wait target in minutes for every point (default: each point's own);
    `refresh_first`: fold what the points shipped into the projection first; `now`: the
    moment whose local day is each point's today (default: now); `config`: the config in use,
    whose hours tell the day before a one-day report (comparison.previous_range)."""
    flt = HistoryFilter(start, end).check(config or Config())
    if refresh_first:
        refresh(url, sites)
    moment = now or datetime.now(UTC)
    with connect(url, setting=ADMIN_SETTING) as conn:
        require_projection(conn, url)
        wanted = known_sites(conn, sites)
        points = central_sites(conn, wanted)
        today = {p.id: p.config.local_today(moment) for p in points}
        minutes_of = {
            p.id: target if target is not None else p.config.reports.wait_target_minutes
            for p in points
        }
        targets = {s: target_seconds(m) for s, m in minutes_of.items()}
        unit = trend_unit(flt.start, flt.end)
        now_grouped = _aggregate(conn, url, flt, today, targets, unit)
        if not now_grouped.total.tickets:
            raise EmptyRange(
                f"Không có phiếu nào của các điểm trong {flt.describe('vi')}",
                f"No tickets of any point in {flt.describe('en')} at the centre (have the "
                "points shipped them? `kiosk sync --status` at a point); choose another range",
            )
        before: _Grouped | None = None
        earlier = previous_range(flt, config or Config())
        if compare_before:
            before = _aggregate(conn, url, earlier, today, targets, None)
    rows = [
        PointRow(
            site=p.id,
            name_vi=p.name("vi"),
            name_en=p.name("en"),
            target_minutes=minutes_of[p.id],
            now=now_grouped.points.get(p.id, Figures()),
            before=before.points.get(p.id, Figures()) if before is not None else None,
        )
        for p in points
    ]
    previous = None
    if before is not None:
        figures = compare(now_grouped.total.headline(), before.total.headline())
        previous = Previous(earlier.start, earlier.end, figures if before.total.tickets else ())
    tickets = now_grouped.total.tickets
    log.info("city report %s: %d points, %d tickets", flt.describe(), len(rows), tickets)
    return CityReport(
        filter=flt,
        points=tuple(rank(rows)),
        total=now_grouped.total,
        trend_unit=unit,
        trend=tuple(now_grouped.periods),
        target_minutes=target,
        previous=previous,
        problems=tuple((p.id, p.problem) for p in points if p.problem),
    )


def rank(rows: Sequence[PointRow]) -> list[PointRow]:
    """The points with their ranks, in wait-rank order, then those nobody was called at.

    By waits: the lower share over the target first, then the lower median, then the name;
    by satisfaction: the higher share "hài lòng" or better first, then more ratings.
    """
    called = sorted(
        (r for r in rows if r.now.called),
        key=lambda r: (r.now.over_target_share, r.now.wait_p50, r.name_vi, r.site),
    )
    rated = sorted(
        (r for r in rows if r.now.rated),
        key=lambda r: (-(r.now.satisfied_share or 0), -r.now.rated, r.name_vi, r.site),
    )
    sat_rank = {r.site: n for n, r in enumerate(rated, 1)}
    out = [
        replace(r, wait_rank=n, satisfaction_rank=sat_rank.get(r.site))
        for n, r in enumerate(called, 1)
    ]
    rest = sorted((r for r in rows if not r.now.called), key=lambda r: (r.name_vi, r.site))
    out += [replace(r, satisfaction_rank=sat_rank.get(r.site)) for r in rest]
    return out


# ------------------------------------------------------------------------------ the tables

#: The columns of the points' table (PDF and XLSX), as `point_values` fills them.
POINT_COLUMNS = (
    C.POINT,
    C.WAIT_RANK,
    STATS_HEADINGS[1],  # citizens
    T.DOSSIERS,
    T.SAT_SERVED,
    STATS_HEADINGS[4],  # no-shows
    STATS_HEADINGS[7],  # median wait
    STATS_HEADINGS[8],  # 90% waited under
    C.TARGET_MIN,
    STATS_HEADINGS[12],  # over the target
    C.RATED,
    T.SAT_SATISFIED,
    C.SATISFACTION_RANK,
)
#: Position of the served citizens (the PDF leaves them out: the page has no room).
SERVED_COLUMN = 4
#: Position of the target (shown as short as it reads: 15, 7,5).
TARGET_COLUMN = 8
#: Positions of the minutes and of the shares in `point_values`.
MINUTE_COLUMNS = frozenset({6, 7})
SHARE_COLUMNS = frozenset({9, 10, 11})


def point_values(p: PointRow, lang: str) -> list[Any]:
    """A point's cells as numbers: ranks and counts, minutes to 0.1, shares 0-1; None where
    there is nothing to measure."""
    f = p.now
    return [
        p.name(lang),
        p.wait_rank,
        f.tickets,
        f.dossiers,
        f.served,
        f.no_shows,
        rounded_minutes(f.wait_p50),
        rounded_minutes(f.wait_p90),
        p.target_minutes,
        f.over_target_share,
        f.rated_share if f.rated else None,
        f.satisfied_share,
        p.satisfaction_rank,
    ]
