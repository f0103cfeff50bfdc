"""Reports against a slow, obvious reference, on random histories.

The reference takes the ticket rows one by one with plain loops, sorts each group's waits and
service times into lists and picks percentiles by nearest rank; the report must equal it in
every field of every group (total, days, fields, counters, hours), whatever the batch size.

Histories are random: tickets written straight to the database (so the SQL columns are real),
with fields and counters the config does not know, tickets never called, called tickets whose
counter comes from the log, transfers, negative clock steps, ties on the wait target, a day
without tickets, a day nobody was called and today's open tickets. A second set feeds the
builder rows of zones whose offset changes (daylight saving) or is no whole quarter hour.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from kiosk.core.config import Config
from kiosk.core.model import EventKind, TicketState
from kiosk.core.ratings import RatingLevel
from kiosk.core.schema import EventRow, TicketRow
from kiosk.core.store import Store
from kiosk.core.texts import Text
from kiosk.reports.history import (
    History,
    HistoryFilter,
    LocalTimes,
    Outcome,
    TicketLine,
    outcome_of,
)
from kiosk.reports.report import (
    GroupStats,
    Report,
    ReportBuilder,
    Satisfaction,
    build_report,
    hour_label,
)
from tests.support import make_config, officers_config

STATES = [s.value for s in TicketState]
#: A field and a counter that are in the history but no longer in the config.
OLD_FIELD, OLD_COUNTER = "cu", 9
#: An officer the config no longer lists (shown by the id the tickets recorded).
OLD_OFFICER = "nghihuu"
OFFICERS = [None, None, "lan", "minh", "hoa", OLD_OFFICER]


# ------------------------------------------------------------------------------ reference


def _rank(values: list[int], q: int) -> int | None:
    """Nearest rank: the smallest value with at least q% of the values at or below it."""
    if not values:
        return None
    for v in values:
        if 100 * sum(x <= v for x in values) >= q * len(values):
            return v
    raise AssertionError("unreachable")


def _stats(
    rows: list[TicketLine],
    key: str,
    label: str,
    label_en: str,
    *,
    today: str,
    target: int,
    times: LocalTimes,
    busiest: bool = True,
) -> GroupStats:
    waits = sorted(max(r.wait, 0) for r in rows if r.wait is not None)
    services = sorted(max(r.service, 0) for r in rows if r.service is not None)
    outcomes = [outcome_of(r.state, r.day, today) for r in rows]
    per_hour = [0] * 24
    for r in rows:
        per_hour[times.hour(r.issued)] += 1
    top = max(per_hour)
    return GroupStats(
        key=key,
        label=label,
        label_en=label_en,
        tickets=len(rows),
        served=outcomes.count(Outcome.SERVED),
        dossiers=sum(r.dossiers for r in rows),
        no_shows=outcomes.count(Outcome.NO_SHOW),
        expired=outcomes.count(Outcome.EXPIRED),
        open=outcomes.count(Outcome.OPEN),
        transferred=sum(1 for r in rows if r.transfers > 0),
        called=len(waits),
        wait_p50=_rank(waits, 50),
        wait_p90=_rank(waits, 90),
        wait_max=waits[-1] if waits else None,
        service_p50=_rank(services, 50),
        busiest_hour=per_hour.index(top) if busiest and rows else None,
        over_target=sum(1 for w in waits if w > target),
    )


def reference_report(
    config: Config,
    flt: HistoryFilter,
    rows: Sequence[TicketLine],
    *,
    today: date,
    target_minutes: float | None = None,
    procedures: dict[tuple[str, str], Text] | None = None,
) -> Report:
    """The report of `rows` (ticket rows in day order) computed the slow, obvious way."""
    names = procedures or {}
    minutes = target_minutes if target_minutes is not None else config.reports.wait_target_minutes
    times = LocalTimes(config.zone)
    common = {"today": today.isoformat(), "target": int(minutes * 60), "times": times}
    rows = list(rows)

    def where(test: object) -> list[TicketLine]:
        return [r for r in rows if test(r)]  # type: ignore[operator]

    days = []
    for d in sorted({r.day for r in rows}):
        shown = f"{d[8:10]}/{d[5:7]}/{d[0:4]}"
        days.append(_stats(where(lambda r, d=d: r.day == d), d, shown, shown, **common))
    codes = [f.code for f in config.fields]
    for r in rows:  # fields the config no longer has: in order of appearance
        if r.field not in codes:
            codes.append(r.field)
    fields = []
    for code in codes:
        mine = where(lambda r, c=code: r.field == c)
        if mine:
            f = config.field(code)
            name, name_en = (f.name, f.name_en) if f else (code, code)
            fields.append(_stats(mine, code, name, name_en, **common))
    counters = []
    for number in sorted({r.counter for r in rows if r.counter is not None}):
        c = config.counter(number)
        vi, en = (c.label_vi, c.label_en) if c else (f"Quầy {number}", f"Counter {number}")
        mine = where(lambda r, n=number: r.counter == n)
        counters.append(_stats(mine, str(number), vi, en, **common))
    hours = []
    for h in range(24):
        mine = where(lambda r, h=h: times.hour(r.issued) == h)
        if mine:
            label = hour_label(h)
            hours.append(_stats(mine, f"{h:02d}", label, label, busiest=False, **common))
    by_procedure = []
    if any(r.procedure is not None for r in rows):
        keys = [k for k in names if any((r.field, r.procedure) == k for r in rows)]
        for r in rows:  # procedures the catalogue does not name: in order of appearance
            key = (r.field, r.procedure)
            if r.procedure is not None and key not in keys:
                keys.append(key)  # type: ignore[arg-type]
        labels = [names.get(k, Text(k[1], k[1])) for k in keys]
        for (field, proc), (vi, en) in zip(keys, labels, strict=True):
            if [label.vi for label in labels].count(vi) > 1:
                f = config.field(field)
                vi, en = f"{vi} ({f.name if f else field})", f"{en} ({f.name_en if f else field})"
            mine = where(lambda r, k=(field, proc): (r.field, r.procedure) == k)
            by_procedure.append(_stats(mine, f"{field}/{proc}", vi, en, **common))
        plain = where(lambda r: r.procedure is None)
        if plain:
            vi, en = "Không chọn thủ tục", "No procedure chosen"
            by_procedure.append(_stats(plain, "", vi, en, **common))
    by_officer = []
    ids = [o.id for o in config.officers]
    for r in rows:  # officers the config no longer lists: in order of appearance
        if r.officer is not None and r.officer not in ids:
            ids.append(r.officer)
    for officer_id in ids:
        mine = where(lambda r, o=officer_id: r.officer == o)
        if mine:
            o = config.officer(officer_id)
            name = o.name if o else officer_id
            by_officer.append(_stats(mine, officer_id, name, name, **common))
    total = _stats(rows, "all", "Tổng cộng", "Total", **common)

    def rated(mine: list[TicketLine], served: int, names: tuple[str, str, str]) -> Satisfaction:
        levels = {lv.value: sum(1 for r in mine if r.rating == lv.value) for lv in RatingLevel}
        reasons: dict[str, int] = {}
        for r in mine:
            if r.rating is not None:
                raw = r.rating_reasons  # SQLite's rows hand out the JSON text
                for reason in (json.loads(raw) if isinstance(raw, str) else raw) or ():
                    reasons[reason] = reasons.get(reason, 0) + 1
        return Satisfaction(
            served=served,
            rated=sum(levels.values()),
            levels=levels,
            reasons=dict(sorted(reasons.items(), key=lambda kv: -kv[1])),
            labels=tuple(config.ratings.labels),
            labels_en=tuple(config.ratings.labels_en),
            reason_words=tuple(zip(config.ratings.reasons, config.ratings.reasons_en, strict=True)),
            key=names[0],
            label=names[1],
            label_en=names[2],
        )

    satisfaction = rated(rows, total.served, ("all", "Tổng cộng", "Total"))
    by: dict[str, tuple[Satisfaction, ...]] = {}
    if satisfaction.rated:
        for name, table, test in (
            ("day", days, lambda r, g: r.day == g.key),
            ("field", fields, lambda r, g: r.field == g.key),
            ("counter", counters, lambda r, g: str(r.counter) == g.key),
            ("officer", by_officer, lambda r, g: r.officer == g.key),
        ):
            sats = [
                rated([r for r in rows if test(r, g)], g.served, (g.key, g.label, g.label_en))
                for g in table
            ]
            by[name] = tuple(s for s in sats if s.served or s.rated)
    return Report(
        satisfaction=satisfaction,
        satisfaction_by=by,
        site_name=config.site.name,
        site_name_en=config.site.name_en,
        filter=flt,
        target_minutes=minutes,
        total=total,
        days=tuple(days),
        fields=tuple(fields),
        counters=tuple(counters),
        hours=tuple(hours),
        procedures=tuple(by_procedure),
        officers=tuple(by_officer),
    )


def assert_same(report: Report, expected: Report) -> None:
    """Group by group first (a readable diff), then the whole report."""
    assert report.total == expected.total
    for name in ("days", "fields", "counters", "hours", "procedures", "officers"):
        got, want = getattr(report, name), getattr(expected, name)
        assert [g.key for g in got] == [g.key for g in want], name
        for g, w in zip(got, want, strict=True):
            assert g == w, (name, g.key)
    assert report == expected


# ------------------------------------------------------------------------------ histories


def _wait(rng: random.Random, target: int) -> int:
    """Seconds from issue to call: spread, with ties, the target itself and clock steps."""
    kind = rng.random()
    if kind < 0.1:
        return rng.choice([target - 1, target, target + 1])
    if kind < 0.15:
        return rng.randint(-40, -1)  # the clock stepped back: counts as 0
    if kind < 0.3:
        return rng.choice([0, 60, 300, 600])
    return rng.randint(0, 5400)


def write_history(store: Store, config: Config, seed: int, first: date) -> list[date]:
    """Random tickets (and call events) over six days from `first`; the days that have tickets.

    Day 3 has no tickets, day 4 has tickets nobody called, the last day is "today".
    """
    rng = random.Random(seed)
    zone = config.zone
    site = config.site.id
    target = int(config.reports.wait_target_minutes * 60)
    codes = [f.code for f in config.fields] + [OLD_FIELD]
    numbers = [c.number for c in config.counters] + [OLD_COUNTER]
    tickets: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    days = []
    for offset in range(6):
        day = first + timedelta(days=offset)
        if offset == 2:
            continue
        days.append(day)
        nobody_called = offset == 3
        fields = rng.sample(codes, rng.randint(2, len(codes)))
        for number_in_field, field in enumerate(
            sorted(rng.choices(fields, k=rng.randint(15, 70))), start=1
        ):
            tid = len(tickets) + 1
            midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
            issued = midnight + timedelta(
                seconds=rng.choice([rng.randint(0, 86399), rng.randint(7 * 3600, 11 * 3600)]),
                microseconds=rng.choice([0, 0, 250_000, 500_000, 999_999]),
            )
            called = serving = completed = None
            state = rng.choice(STATES)
            if not nobody_called and rng.random() < 0.8:
                called = issued + timedelta(seconds=_wait(rng, target))
                if rng.random() < 0.7:
                    serving = called + timedelta(seconds=rng.randint(0, 120))
                    if rng.random() < 0.85:
                        step = rng.choice([-5, 0, 30, 180, 180, rng.randint(0, 3600)])
                        completed = serving + timedelta(seconds=step, microseconds=500_000)
            elif nobody_called:
                state = rng.choice(["waiting", "expired"])
            counter = rng.choice([*numbers, None, None]) if called else None
            if called and counter is None:
                for _ in range(rng.randint(0, 2)):  # the last call decides the counter
                    events.append(
                        {
                            "at": called.astimezone(UTC),
                            "business_day": day,
                            "kind": EventKind.CALLED.value,
                            "ticket_id": tid,
                            "counter": rng.choice(numbers),
                            "field": field,
                            "actor": "test",
                            "site": site,
                            "data": {},
                        }
                    )
            tickets.append(
                {
                    "id": tid,
                    "site": site,
                    "business_day": day,
                    "field": field,
                    "number": number_in_field,
                    "code": f"{field[:1].upper()}{number_in_field:03d}",
                    "priority": rng.random() < 0.1,
                    "state": state,
                    "queue_field": field,
                    "target_counter": None,
                    "counter": counter,
                    "issued_at": issued.astimezone(UTC),
                    "sort_at": issued.astimezone(UTC),
                    "called_at": called.astimezone(UTC) if called else None,
                    "last_called_at": called.astimezone(UTC) if called else None,
                    "serving_at": serving.astimezone(UTC) if serving else None,
                    "completed_at": completed.astimezone(UTC) if completed else None,
                    "recalls": rng.randint(0, 2),
                    "transfers": rng.choice([0, 0, 0, 1, 2]),
                    "dossiers": rng.randint(0, 5),
                    # "Chung" is a name two fields share (its rows then name their field).
                    "procedure": rng.choice([None, None, None, "1.0001", "Chung"]),
                    "officer": rng.choice(OFFICERS) if called else None,
                    **_rating(rng, completed is not None),
                }
            )
    with store.write() as s:
        s.execute(insert(TicketRow), tickets)
        if events:
            s.execute(insert(EventRow), events)
    return days


def _rating(rng: random.Random, completed: bool) -> dict[str, object]:
    """A random rating of a completed service (the table's columns), or none (every key
    present either way: an executemany takes its columns from the first row)."""
    if not completed or rng.random() < 0.4:
        return {"rating": None, "rating_reasons": None, "rating_channel": None}
    return {
        "rating": rng.choice([lv.value for lv in RatingLevel]),
        "rating_reasons": rng.choice([None, [], ["Chờ lâu"], ["Khác", "Chờ lâu"]]),
        "rating_channel": "phone",
    }


def _rows(store: Store, config: Config, flt: HistoryFilter, today: date) -> list[TicketLine]:
    history = History(store, config, today=today)
    return [r for batch in history.ticket_rows(flt) for r in batch]


# ------------------------------------------------------------------------------ tests


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_report_equals_the_reference_on_a_random_history(store: Store, seed: int) -> None:
    config = officers_config()  # three officers; tickets also name one no longer listed
    days = write_history(store, config, seed, date(2026, 3, 2))
    today = days[-1]
    flt = HistoryFilter(days[0], today)
    rows = _rows(store, config, flt, today)
    assert len({r.day for r in rows}) == 5
    assert any(r.wait is None for r in rows) and any(r.transfers for r in rows)
    assert any(r.field == OLD_FIELD for r in rows)
    assert any(r.procedure for r in rows) and any(r.procedure is None for r in rows)
    assert {r.officer for r in rows} == set(OFFICERS) and any(r.rating for r in rows)
    report = build_report(store, config, flt, today=today)
    assert [o.key for o in report.officers] == ["lan", "minh", "hoa", OLD_OFFICER]
    assert [o.label for o in report.officers][::3] == ["Nguyễn Thị Lan", OLD_OFFICER]
    assert [s.key for s in report.satisfaction_by["officer"]] == [o.key for o in report.officers]
    assert_same(report, reference_report(config, flt, rows, today=today))
    # The catalogue names some procedures (and has one no ticket was taken for).
    named = {
        ("hotich", "Chung"): Text("Thủ tục chung", "A shared procedure"),
        ("ketqua", "never"): Text("Không ai chọn", "Nobody chose it"),
        ("chungthuc", "1.0001"): Text("Có mã", "With a code"),
    }
    with_names = build_report(store, config, flt, today=today, procedures=named)
    assert_same(with_names, reference_report(config, flt, rows, today=today, procedures=named))
    assert with_names.procedures[0].label == "Thủ tục chung"
    assert report.total.open > 0  # today's tickets still in progress
    quiet = next(d for d in report.days if d.key == days[2].isoformat())
    assert quiet.called == 0 and quiet.tickets > 0
    assert (quiet.wait_p50, quiet.wait_max, quiet.service_p50) == (None, None, None)
    for size in (1, 7, 64):  # batches of any size, and days split across batches
        builder = ReportBuilder(config, flt, today=today)
        for batch in History(store, config, today=today, batch_size=size).ticket_rows(flt):
            builder.add(batch)
        assert builder.finish() == report


@pytest.mark.parametrize("seed", [5, 6])
def test_filters_targets_and_viewing_days_equal_the_reference(
    store: Store, config: Config, seed: int
) -> None:
    days = write_history(store, config, seed, date(2026, 6, 1))
    for flt, today, target in (
        (HistoryFilter(days[0], days[-1]), days[-1] + timedelta(days=1), None),
        (HistoryFilter(days[0], days[-1], field="hotich"), days[-1], 7.25),
        (HistoryFilter(days[0], days[-1], field=None, counter=2), days[-1], 0.5),
        (HistoryFilter(days[1], days[1]), days[0], 90),
        (HistoryFilter(days[0], days[-1]), days[-1], 1e-3),
    ):
        rows = _rows(store, config, flt, today)
        if not rows:
            continue
        report = build_report(store, config, flt, today=today, target_minutes=target)
        expected = reference_report(config, flt, rows, today=today, target_minutes=target)
        assert_same(report, expected)


def _random_rows(
    rng: random.Random, zone: ZoneInfo, first: datetime, days: int
) -> list[TicketLine]:
    """Lean ticket rows (as `History.ticket_rows` yields them) issued every few minutes."""
    rows = []
    fields = ["hotich", "chungthuc", OLD_FIELD, "xahoi"]
    moment = first
    end = first + timedelta(days=days)
    while moment < end:
        local = moment.astimezone(zone)
        wait = rng.choice([None, None, -1, -3, -5000, 0, 900, 901, rng.randint(0, 4000)])
        service = rng.choice([None, -1, -1000, 0, rng.randint(0, 2000)])
        rows.append(
            TicketLine(
                day=local.date().isoformat(),
                code="",
                field=rng.choice(fields),
                final_field="",
                priority=rng.randint(0, 1),
                state=rng.choice([*STATES, "unheard_of"]),
                counter=rng.choice([1, 2, 6, OLD_COUNTER, None]),
                issued=int(moment.timestamp()),
                called=None,
                serving=None,
                completed=None,
                wait=wait,
                service=service,
                dossiers=rng.randint(0, 4),
                recalls=None,
                transfers=rng.choice([0, 0, 1, 3]),
                x_day=None,
                x_issued=None,
                x_called=None,
                x_serving=None,
                x_completed=None,
                procedure=rng.choice([None, None, None, "1.0001", "Chung"]),
                rating=(level := rng.choice([None, None, *(lv.value for lv in RatingLevel)])),
                rating_reasons=rng.choice([None, [], ["Chờ lâu"], ["Khác", "Chờ lâu"]])
                if level
                else None,
                officer=rng.choice(OFFICERS),
            )
        )
        moment += timedelta(seconds=rng.randint(1, 1500))
    rows.sort(key=lambda r: r.day)
    return rows


@pytest.mark.parametrize(
    ("zone", "first"),
    [
        ("Europe/Berlin", datetime(2026, 3, 28, tzinfo=UTC)),  # summer time starts
        ("Europe/Berlin", datetime(2026, 10, 24, tzinfo=UTC)),  # and ends
        ("Australia/Lord_Howe", datetime(2026, 4, 3, tzinfo=UTC)),  # half-hour DST
        ("Asia/Ho_Chi_Minh", datetime(1905, 6, 1, tzinfo=UTC)),  # local mean time +7:06:30
        ("Asia/Kolkata", datetime(2026, 1, 1, tzinfo=UTC)),  # +5:30
    ],
)
def test_builder_equals_the_reference_across_offset_changes(zone: str, first: datetime) -> None:
    config = officers_config(**{'timezone = "Asia/Ho_Chi_Minh"': f'timezone = "{zone}"'})
    rng = random.Random(zone + first.isoformat())
    rows = _random_rows(rng, config.zone, first, 4)
    today = date.fromisoformat(rows[len(rows) // 2].day)
    flt = HistoryFilter(date.fromisoformat(rows[0].day), date.fromisoformat(rows[-1].day))
    builder = ReportBuilder(config, flt, today=today, target_minutes=15)
    i = 0
    while i < len(rows):
        size = rng.choice([1, 2, 50, 333])
        builder.add(rows[i : i + size])
        i += size
    builder.add([])
    assert builder.records == len(rows)
    report = builder.finish()
    assert_same(report, reference_report(config, flt, rows, today=today, target_minutes=15))
    assert len(report.hours) == 24


def test_days_out_of_order_are_refused() -> None:
    config = make_config()
    flt = HistoryFilter(date(2026, 11, 23), date(2026, 11, 24))
    row = TicketLine(
        "2026-11-24", "", "hotich", "", 0, "completed", 1, 1_795_000_000, None, None, None,
        60, 120, 1, None, 0, None, None, None, None, None, None, None, None, None,
    )  # fmt: skip
    earlier = row._replace(day="2026-11-23")
    builder = ReportBuilder(config, flt, today=date(2026, 11, 25))
    builder.add([row])
    with pytest.raises(ValueError, match="day order"):
        builder.add([earlier])
    builder = ReportBuilder(config, flt, today=date(2026, 11, 25))
    with pytest.raises(ValueError, match="day order"):
        builder.add([row, earlier])
