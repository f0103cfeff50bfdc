"""Who comes when: a point's day of citizens (morning peak, field mix, priority share, dossiers)
planned from a `Profile` and a seed, and the point's open days and periods."""

from __future__ import annotations

import itertools
import logging
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from kiosk.core.config import WEEKDAYS, Config
from kiosk.core.errors import (
    KioskError,
)
from kiosk.core.ratings import LOW_LEVELS, RatingLevel

log = logging.getLogger(__name__)

#: Share of citizens per field at a commune point (fields not listed weigh 10).
DEFAULT_SHARES: Mapping[str, float] = {
    "hotich": 22,
    "chungthuc": 30,
    "datdai": 10,
    "xahoi": 9,
    "tuphap": 6,
    "kinhte": 8,
    "ketqua": 15,
}
#: Mean dossiers per citizen per field ("72 citizens, 110 dossiers" overall is about 1.5).
DEFAULT_DOSSIERS: Mapping[str, float] = {
    "hotich": 1.4,
    "chungthuc": 2.0,
    "datdai": 1.3,
    "xahoi": 1.3,
    "tuphap": 1.2,
    "kinhte": 1.4,
    "ketqua": 1.5,
}
#: Relative load Monday … Sunday (Mondays are busiest; Saturday mornings are quieter).
WEEKDAY_LOAD = (1.15, 1.0, 1.0, 1.0, 0.95, 0.6, 0.3)


class SimulationError(KioskError):
    """The simulation cannot run as asked (bad option, database already has later data)."""

    exit_code = 2


@dataclass(frozen=True)
class Profile:
    """How citizens behave: everything the simulator draws from."""

    citizens_per_day: float = 72.0
    shares: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SHARES))
    dossiers: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_DOSSIERS))
    priority_share: float = 0.08
    no_show_share: float = 0.04
    #: Share of no-shows who come back later and are served.
    return_share: float = 0.3
    #: Share of citizens who took a ticket in the wrong field and are transferred.
    transfer_share: float = 0.02
    #: Spread of service times: lognormal sigma around the field's typical minutes.
    service_sigma: float = 0.5
    recall_seconds: int = 60
    #: Counters keep calling this long after a period ends (citizens already inside).
    grace_minutes: float = 30.0
    #: Share of served citizens who rate the service, and of those, who rate on the phone
    #: (the others at the counter's rating screen).
    rating_share: float = 0.6
    phone_share: float = 0.3


@dataclass(frozen=True, slots=True)
class Citizen:
    """One planned visit; times are epoch seconds (UTC)."""

    arrival: int
    field: str
    priority: bool
    walk_up: int
    service: int
    dossiers: int
    #: Seconds an idle clerk takes to notice a new ticket and press "call next".
    notice: int
    #: Seconds a clerk spends after this citizen before calling the next one.
    wrap_up: int
    no_show: bool
    returns_after: int | None
    transfer_to: str | None
    #: A uniform draw that picks the level of the citizen's rating (`simulated_rating`), or
    #: None: this citizen does not rate. Then the seconds after the service it comes, where
    #: (on the phone or at the counter's screen), and a draw per configured reason.
    rating: float | None = None
    rating_delay: int = 0
    rating_phone: bool = False
    reason_draws: tuple[float, ...] = ()


# ------------------------------------------------------------------------------ planning


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def open_periods(config: Config, codes: Iterable[str], day: date) -> list[tuple[int, int]]:
    """Opening periods (epoch start, end) on `day` of the given fields, merged."""
    zone = config.zone
    spans: list[tuple[int, int]] = []
    for code in codes:
        f = config.field(code)
        if f is None:
            continue
        hours = config.hours_of(f)
        if WEEKDAYS[day.weekday()] not in hours.days:
            continue
        for p in hours.periods:
            start = datetime.combine(day, p.start, tzinfo=zone)
            end = (
                datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
                if p.end == time.max
                else datetime.combine(day, p.end, tzinfo=zone)
            )
            spans.append((epoch(start), epoch(end)))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _walk_open_days(config: Config, first: date, count: int, step: int) -> list[date]:
    """Up to `count` days on which a field takes tickets, from `first` in steps of `step`."""
    days: list[date] = []
    day = first
    codes = [f.code for f in config.fields]
    for _ in range(count * 7 + 14):
        if len(days) == count:
            break
        if open_periods(config, codes, day):
            days.append(day)
        day += timedelta(days=step)
    return sorted(days)


def open_days(config: Config, start: date, count: int) -> list[date]:
    """The first `count` days from `start` on which at least one field takes tickets."""
    return _walk_open_days(config, start, count, 1)


def last_open_days(config: Config, until: date, count: int) -> list[date]:
    """The last `count` open days up to and including `until`."""
    return _walk_open_days(config, until, count, -1)


def _arrival_weight(local_minutes: float) -> float:
    """Relative arrival rate over the day: a morning peak around 08:45, a smaller one at 14:15."""
    morning = 2.2 * math.exp(-(((local_minutes - 525) / 55) ** 2) / 2)
    afternoon = 0.8 * math.exp(-(((local_minutes - 855) / 50) ** 2) / 2)
    return 1.0 + morning + afternoon


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def plan_day(config: Config, profile: Profile, day: date, seed: int | str) -> list[Citizen]:
    """The citizens of one day, drawn reproducibly from (seed, day), in arrival order."""
    rng = random.Random(f"{seed}:{day.isoformat()}")
    codes = [f.code for f in config.fields]
    weights = [max(0.0, float(profile.shares.get(c, 10.0))) for c in codes]
    if not any(weights):
        raise SimulationError(
            "Tỉ lệ lĩnh vực đều bằng 0", "Every field share is zero; give at least one a weight"
        )
    windows = {c: open_periods(config, [c], day) for c in codes}
    usable = [c for c, w in zip(codes, weights, strict=True) if windows[c] and w > 0]
    if not usable:
        return []
    cum = list(itertools.accumulate(weights[codes.index(c)] for c in usable))
    service_minutes = {f.code: f.service_minutes for f in config.fields}
    totals = {c: sum(e - s for s, e in windows[c]) for c in usable}
    midnight = epoch(datetime.combine(day, time(0), tzinfo=config.zone))
    count = _poisson(rng, profile.citizens_per_day * WEEKDAY_LOAD[day.weekday()])
    sigma = profile.service_sigma
    citizens: list[Citizen] = []
    for _ in range(count):
        code = rng.choices(usable, cum_weights=cum)[0]
        spans = windows[code]
        while True:  # rejection sampling of the arrival profile
            x = rng.randrange(totals[code])
            for s, e in spans:
                if x < e - s:
                    at = s + x
                    break
                x -= e - s
            if rng.random() * 4.2 <= _arrival_weight((at - midnight) / 60):
                break
        minutes = service_minutes[code] * math.exp(rng.gauss(0, sigma))
        no_show = rng.random() < profile.no_show_share
        returns = (
            rng.randrange(300, 1800) if no_show and rng.random() < profile.return_share else None
        )
        transfer = None
        if not no_show and len(usable) > 1 and rng.random() < profile.transfer_share:
            transfer = rng.choice([c for c in usable if c != code])
        citizens.append(
            Citizen(
                arrival=at,
                field=code,
                priority=rng.random() < profile.priority_share,
                walk_up=rng.randrange(15, 90),
                service=max(30, round(minutes * 60)),
                dossiers=1 + _poisson(rng, max(0.0, profile.dossiers.get(code, 1.3) - 1)),
                notice=rng.randrange(10, 90),
                wrap_up=rng.randrange(10, 60),
                no_show=no_show,
                returns_after=returns,
                transfer_to=transfer,
            )
        )
    _plan_ratings(config, profile, day, seed, citizens)
    citizens.sort(key=lambda c: c.arrival)
    return citizens


def _plan_ratings(
    config: Config, profile: Profile, day: date, seed: int | str, citizens: list[Citizen]
) -> None:
    """Give each citizen the draws of a rating, from a stream of its own (the other draws of
    a day, and so the histories simulated before ratings existed, stay as they were)."""
    rng = random.Random(f"{seed}:{day.isoformat()}:rating")
    reasons = len(config.ratings.reasons)
    # Never after the time to rate has passed (`ratings.window_minutes`).
    latest = max(1, config.ratings.window_minutes * 60 - 60)
    for i, c in enumerate(citizens):
        rates = rng.random() < profile.rating_share
        phone = rng.random() < profile.phone_share
        draw = rng.random()
        delay = rng.randrange(60, 900) if phone else rng.randrange(5, 40)
        reason_draws = tuple(rng.random() for _ in range(reasons))
        if rates:
            citizens[i] = replace(
                c,
                rating=draw,
                rating_delay=min(delay, latest),
                rating_phone=phone,
                reason_draws=reason_draws,
            )


def simulated_rating(
    citizen: Citizen, waited: int, target_seconds: int, reasons: Sequence[str]
) -> tuple[RatingLevel, tuple[str, ...]]:
    """The level a simulated citizen gives, and the reasons after a low one.

    Satisfaction falls as the wait runs over the target: within it, 3 % are dissatisfied and
    10 % neutral; at twice the target and beyond, 28 % and 25 %. The rest are very satisfied
    or satisfied (55:45). After a low level a reason is named with probability 0.8 when the
    wait ran over the target and 0.15 otherwise for the first configured reason (by default
    "Chờ lâu", the long wait), and 0.2 for each other one.
    """
    assert citizen.rating is not None
    over = min(1.0, max(0.0, (waited - target_seconds) / max(1, target_seconds)))
    dissatisfied = 0.03 + 0.25 * over
    neutral = 0.10 + 0.15 * over
    u = citizen.rating
    if u < dissatisfied:
        level = RatingLevel.DISSATISFIED
    elif u < dissatisfied + neutral:
        level = RatingLevel.NEUTRAL
    elif u < dissatisfied + neutral + (1 - dissatisfied - neutral) * 0.45:
        level = RatingLevel.SATISFIED
    else:
        level = RatingLevel.VERY_SATISFIED
    if level not in LOW_LEVELS:
        return level, ()
    odds = [(0.8 if over > 0 else 0.15) if i == 0 else 0.2 for i in range(len(reasons))]
    named = tuple(r for r, p, d in zip(reasons, odds, citizen.reason_draws, strict=False) if d < p)
    return level, named
