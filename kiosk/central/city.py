"""Every point of the city as it is now, read from the centre's projection (`/city`).

One read gives, per point: people waiting now, the longest wait now, counters open, tickets
issued today and when its last events arrived; and whether it is open by its own opening
hours, closed, or open but gone quiet (nothing received for longer than a threshold).

"Waiting now" is what the point's own queue counts (kiosk.core.reader `_todays_queue`):
tickets waiting in today's queue, i.e. issued today, or issued on an earlier day and put back
in today's queue after midnight (skipped or transferred by a counter that held them over
midnight). The projection has no place in line, so such a ticket is recognised by an event of
it on today's business day: an earlier day's ticket still waiting without one is a leftover
the point has not expired yet (it expires at the point's first write of the day, which the
centre then folds), and the point does not count it either.

Each point's day, opening hours, names, counters and wait target are its own config as it
shipped it (kiosk.central.sites). The tickets and counters of every point are read in one
statement, served by the partial index of waiting tickets (migration c003) and
`ix_central_tickets_day`; the sites in another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from enum import StrEnum
from typing import Any

import psycopg

from kiosk.central.centre import ADMIN_SETTING, centre_not_ready, connect
from kiosk.central.projection import refresh, require_projection
from kiosk.central.sites import CentralSite, central_sites
from kiosk.core.shapes import iso_time

#: Default: a point open by its hours is quiet after this long without new events.
QUIET_MINUTES = 15.0


class PointStatus(StrEnum):
    """How a point looks from the centre, in the order the page lists them."""

    QUIET = "quiet"  # open by its hours, no contact for longer than the threshold
    NEVER = "never"  # never reached the centre (added there, not shipping yet)
    OPEN = "open"
    CLOSED = "closed"  # outside its opening hours


_ORDER = {s: i for i, s in enumerate(PointStatus)}


@dataclass(frozen=True)
class CityPoint:
    """One point now."""

    site: str
    name: str
    name_en: str
    status: PointStatus
    #: Its business day now and whether its opening hours say it is open.
    business_day: date
    open_now: bool
    waiting: int
    #: Whole minutes the longest-waiting ticket has waited (None: nobody waits).
    longest_wait_minutes: int | None
    counters_open: int
    counters: int
    issued_today: int
    #: When its last shipment arrived (the centre's clock; None: never) and how long ago.
    last_received: datetime | None
    received_seconds_ago: float | None
    #: How long ago its `kiosk sync` last reached the centre, shipping or not (None: never).
    seen_seconds_ago: float | None
    last_event_id: int
    wait_target_minutes: float
    #: Why its shipped config could not be read ("" when it could).
    problem: str = ""

    def name_in(self, lang: str) -> str:
        return self.name if lang == "vi" else self.name_en

    @property
    def over_target(self) -> bool:
        """Someone has waited longer than the point's own wait target."""
        return (
            self.longest_wait_minutes is not None
            and self.longest_wait_minutes > self.wait_target_minutes
        )


@dataclass(frozen=True)
class CityTotals:
    points: int
    open: int  # open by their hours (quiet ones included)
    quiet: int
    never: int
    closed: int
    waiting: int
    counters_open: int
    counters: int
    issued_today: int
    longest_wait_minutes: int | None


@dataclass(frozen=True)
class City:
    """Every point at one moment: quiet ones first, then never shipped, open, closed."""

    at: datetime
    quiet_minutes: float
    points: tuple[CityPoint, ...]
    totals: CityTotals


#: One statement for every point: its waiting tickets (today's queue), today's tickets and
#: its open counters. `d` holds each site's business day now.
_PER_SITE = """
SELECT d.site, w.waiting, w.oldest,
       (SELECT count(*) FROM central_tickets t
        WHERE t.business_day = d.day AND t.site = d.site) AS issued,
       (SELECT coalesce(array_agg(c.counter), '{}') FROM central_counters c
        WHERE c.site = d.site AND c.state = 'open') AS open_counters,
       now() AS centre_now
FROM unnest(%(sites)s::varchar[], %(days)s::date[]) AS d(site, day)
CROSS JOIN LATERAL (
    SELECT count(*) AS waiting, min(t.issued_at) AS oldest
    FROM central_tickets t
    WHERE t.state = 'waiting' AND t.site = d.site AND t.business_day <= d.day
      AND (t.business_day = d.day OR EXISTS (
          SELECT 1 FROM central_events e
          WHERE e.site = d.site AND e.business_day = d.day AND e.ticket_id = t.ticket_id
            AND e.at >= %(since)s))
) w
"""


def read_city(
    conn: psycopg.Connection[Any], now: datetime, *, quiet_minutes: float = QUIET_MINUTES
) -> City:
    """Every point of the centre at `now` (the time its hours and waits are read at; how long
    ago a point shipped is measured by the centre's own clock, which stamped its shipments)."""
    sites = central_sites(conn)
    days = [s.config.local_today(now) for s in sites]
    # Today's events of any site are no older than the earliest midnight among the sites
    # (a constant bound, so only the partitions of these days are searched).
    midnights = [
        datetime.combine(d, time(0), tzinfo=s.config.zone) for s, d in zip(sites, days, strict=True)
    ]
    since = min(midnights, default=now).astimezone(UTC)
    rows = {
        r[0]: r
        for r in conn.execute(
            _PER_SITE, {"sites": [s.id for s in sites], "days": days, "since": since}
        )
    }
    points = [
        _point(site, day, rows.get(site.id), now, quiet_minutes)
        for site, day in zip(sites, days, strict=True)
    ]
    points.sort(key=listing_order)
    return City(now, quiet_minutes, tuple(points), city_totals(points))


def _point(
    site: CentralSite, day: date, row: Sequence[Any] | None, now: datetime, quiet_minutes: float
) -> CityPoint:
    config = site.config
    _, waiting, oldest, issued, open_counters, centre_now = row or ("", 0, None, 0, [], now)
    configured = {c.number for c in config.counters}
    open_now = config.hours.is_open(now.astimezone(config.zone))
    ago = (
        max(0.0, (centre_now - site.last_shipment).total_seconds())
        if site.last_shipment is not None
        else None
    )
    # Quiet is about contact, not events: an open point without citizens still reaches the
    # centre at every run of its `kiosk sync` (its heartbeat).
    silent = (
        max(0.0, (centre_now - site.last_seen).total_seconds())
        if site.last_seen is not None
        else None
    )
    if silent is None:
        status = PointStatus.NEVER
    elif not open_now:
        status = PointStatus.CLOSED
    elif silent > quiet_minutes * 60:
        status = PointStatus.QUIET
    else:
        status = PointStatus.OPEN
    return CityPoint(
        site=site.id,
        name=config.site.name,
        name_en=config.site.name_en,
        status=status,
        business_day=day,
        open_now=open_now,
        waiting=int(waiting),
        # Whole minutes, as the point's own dashboard and alerts count them.
        longest_wait_minutes=(
            None if oldest is None else int(max(0.0, (now - oldest).total_seconds()) // 60)
        ),
        counters_open=len(configured.intersection(open_counters)),
        counters=len(configured),
        issued_today=int(issued),
        last_received=site.last_shipment,
        received_seconds_ago=ago,
        seen_seconds_ago=silent,
        last_event_id=site.last_event_id,
        wait_target_minutes=config.reports.wait_target_minutes,
        problem=site.problem,
    )


def listing_order(p: CityPoint) -> tuple[Any, ...]:
    """The page's order (a sort key): quiet points first, the longest silent first; then by
    status, and by name within each."""
    silent = -(p.seen_seconds_ago or 0.0) if p.status is PointStatus.QUIET else 0.0
    return (_ORDER[p.status], silent, sort_key(p.name), p.site)


def sort_key(name: str) -> str:
    """A Vietnamese name as an alphabetical list orders it (tones and hooks do not come
    first or last: "Đông" sorts with "D", "Ấp" with "A")."""
    import unicodedata

    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()


def city_totals(points: Sequence[CityPoint]) -> CityTotals:
    waits = [p.longest_wait_minutes for p in points if p.longest_wait_minutes is not None]
    return CityTotals(
        points=len(points),
        open=sum(1 for p in points if p.open_now and p.status is not PointStatus.NEVER),
        quiet=sum(1 for p in points if p.status is PointStatus.QUIET),
        never=sum(1 for p in points if p.status is PointStatus.NEVER),
        closed=sum(1 for p in points if p.status is PointStatus.CLOSED),
        waiting=sum(p.waiting for p in points),
        counters_open=sum(p.counters_open for p in points),
        counters=sum(p.counters for p in points),
        issued_today=sum(p.issued_today for p in points),
        longest_wait_minutes=max(waits, default=None),
    )


def check_centre(url: str) -> None:
    """One clear error now if `url` is not a reachable centre with the city page's schema."""
    with connect(url, setting=ADMIN_SETTING) as conn:
        require_projection(conn, url)
        found = conn.execute("SELECT to_regclass('ix_central_tickets_waiting')").fetchone()
        if not found or found[0] is None:
            raise centre_not_ready(url)


def refresh_and_read(url: str, now: datetime, *, quiet_minutes: float = QUIET_MINUTES) -> City:
    """Fold what the points shipped since the last call (kiosk.central.projection), then read
    the city: what `kiosk web --central` does every few seconds."""
    refresh(url)
    with connect(url, setting=ADMIN_SETTING) as conn:
        return read_city(conn, now, quiet_minutes=quiet_minutes)


def city_json(city: City, zone: tzinfo) -> dict[str, Any]:
    """The shape of `/api/v1/city` (docs/web.md); times ISO 8601 in `zone`."""
    t = city.totals
    return {
        "at": iso_time(city.at, zone),
        "quiet_minutes": city.quiet_minutes,
        "totals": {
            "points": t.points,
            "open": t.open,
            "quiet": t.quiet,
            "never": t.never,
            "closed": t.closed,
            "waiting": t.waiting,
            "longest_wait_minutes": t.longest_wait_minutes,
            "counters_open": t.counters_open,
            "counters": t.counters,
            "issued_today": t.issued_today,
        },
        "points": [
            {
                "site": p.site,
                "name": p.name,
                "name_en": p.name_en,
                "status": p.status.value,
                "open_now": p.open_now,
                "business_day": p.business_day.isoformat(),
                "waiting": p.waiting,
                "longest_wait_minutes": p.longest_wait_minutes,
                "wait_target_minutes": p.wait_target_minutes,
                "counters_open": p.counters_open,
                "counters": p.counters,
                "issued_today": p.issued_today,
                "last_received": iso_time(p.last_received, zone),
                "received_seconds_ago": (
                    None if p.received_seconds_ago is None else round(p.received_seconds_ago)
                ),
                "seen_seconds_ago": (
                    None if p.seen_seconds_ago is None else round(p.seen_seconds_ago)
                ),
                "last_event_id": p.last_event_id,
                "problem": p.problem,
            }
            for p in city.points
        ],
    }
