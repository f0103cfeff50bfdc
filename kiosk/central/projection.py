"""Every point's tickets and counters at the centre, folded from its shipped events.

The centre keeps only what the points shipped: their event logs. `central_tickets` and
`central_counters` are rebuilt from them with the points' own replay (kiosk.core.replay, the
same fold that audits a point's `tickets` table), so a ticket at the centre is what it is at
its point. Folding is incremental and exactly once, like shipping: per site, one transaction
locks the site's `projection_marks` row (FOR UPDATE), folds the shipped events above the mark
(continuing from the tickets folded before), writes the changed tickets and counters and
moves the mark, then commits. Two refreshers of a site queue on that row; a refresher killed
mid-batch leaves the mark and the rows as they were.

A point's events reach the centre in id order and a batch of them commits at once (the
high-water mark, kiosk.sync.ship), so "the events above the mark" never skips a late one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from kiosk.central.centre import ADMIN_SETTING, centre_not_ready, connect
from kiosk.core.errors import DatabaseError
from kiosk.core.model import Event, EventKind, TicketState
from kiosk.core.replay import DATA_KINDS, ReplayedTicket, replay

log = logging.getLogger(__name__)

#: Events folded per transaction.
BATCH_EVENTS = 20_000

#: The shipped events above a mark; `data` only where the fold reads it, as text (decoding
#: every event's JSON was a third of the fold's time).
_EVENTS = """
SELECT event_id, at, business_day, kind, ticket_id, ticket_code, counter, field, actor,
       CASE WHEN kind = ANY(%s) THEN data::text END, officer
FROM central_events WHERE site = %s AND event_id > %s ORDER BY event_id LIMIT %s
"""
_DATA_KINDS = sorted(k.value for k in DATA_KINDS)

#: The columns of `central_tickets` after (site, ticket_id), in `_ticket_row` order.
_TICKET_COLUMNS = (
    "business_day", "code", "field", "queue_field", "priority", "state", "counter", "officer",
    "issued_at", "called_at", "serving_at", "completed_at", "recalls", "transfers", "dossiers",
    "procedure", "rating", "rating_reasons", "rated_at", "last_called_at",
)  # fmt: skip
_TICKETS_TEMP = """
CREATE TEMP TABLE kiosk_folded (LIKE central_tickets INCLUDING DEFAULTS) ON COMMIT DROP
"""
_UPSERT_TICKETS = f"""
INSERT INTO central_tickets SELECT * FROM kiosk_folded
ON CONFLICT (site, ticket_id) DO UPDATE SET
{", ".join(f"{c} = EXCLUDED.{c}" for c in _TICKET_COLUMNS)}
"""
_SEED = f"""
SELECT ticket_id, {", ".join(_TICKET_COLUMNS)} FROM central_tickets
WHERE site = %s AND ticket_id = ANY(%s)
"""

#: What each counter event makes of a counter's state (None: the state stays).
_COUNTER_STATES: dict[EventKind, str | None] = {
    EventKind.COUNTER_OPENED: "open",
    EventKind.COUNTER_PAUSED: "paused",
    EventKind.COUNTER_CLOSED: "closed",
    EventKind.SIGNED_IN: None,
    EventKind.SIGNED_OUT: None,
}


@dataclass(frozen=True)
class CounterNow:
    """A counter at the centre: its last state, who is signed in, since when."""

    state: str
    officer: str | None
    since: datetime
    business_day: date


@dataclass(frozen=True)
class Folded:
    """What one refresh of one site did."""

    site: str
    before: int  # the projection's mark when it started
    after: int  # the mark now
    events: int
    tickets: int  # ticket rows written (a ticket changed by two batches counts twice)


def refresh(
    url: str,
    sites: Sequence[str] | None = None,
    *,
    rebuild: bool = False,
    batch: int = BATCH_EVENTS,
    on_batch: Callable[[str, int, int], None] | None = None,
) -> list[Folded]:
    """Fold every site's (or `sites`') shipped events into the projection (`rebuild`: from
    their first event again); returns what each refresh did. `on_batch(site, events, mark)`
    after each committed batch."""
    with connect(url, setting=ADMIN_SETTING) as conn:
        require_projection(conn, url)
        wanted = known_sites(conn, sites)
        if rebuild:
            _forget(conn, wanted)
        # A site whose shipped mark is not above its folded mark has nothing to fold (the
        # mark moves in the transaction that ships the events): one statement for all of
        # them, so the /city loop's refresh every few seconds costs one round trip, not three
        # per site.
        marks = {
            str(r[0]): (int(r[1]), int(r[2]))
            for r in conn.execute(
                "SELECT s.id, coalesce(h.last_event_id, 0), coalesce(p.last_event_id, 0) "
                "FROM sites s LEFT JOIN high_water h ON h.site = s.id "
                "LEFT JOIN projection_marks p ON p.site = s.id"
            )
        }
        done = []
        for site in wanted:
            shipped, folded = marks.get(site, (1, 0))
            if shipped <= folded:
                done.append(Folded(site, folded, folded, 0, 0))
            else:
                done.append(refresh_site(conn, site, batch=batch, on_batch=on_batch))
        return done


def known_sites(conn: psycopg.Connection[Any], sites: Sequence[str] | None) -> list[str]:
    """Every site of the centre, or `sites` after checking the centre knows each."""
    known = [str(r[0]) for r in conn.execute("SELECT id FROM sites ORDER BY id")]
    if sites is None:
        return known
    wanted = list(dict.fromkeys(sites))
    unknown = [s for s in wanted if s not in known]
    if unknown:
        listed = ", ".join(known[:20]) + (", …" if len(known) > 20 else "") or "none yet"
        raise DatabaseError(
            f"Trung tâm không có điểm {', '.join(unknown)}",
            f"The centre has no site {', '.join(unknown)} (its sites: {listed}); "
            "add one with `kiosk central add-site ID URL`.",
        )
    return wanted


def _forget(conn: psycopg.Connection[Any], sites: Sequence[str]) -> None:
    """Drop the sites' projection, to fold it again from their first event."""
    for site in sites:
        with conn.transaction():
            conn.execute("SELECT 1 FROM projection_marks WHERE site = %s FOR UPDATE", (site,))
            conn.execute("DELETE FROM central_tickets WHERE site = %s", (site,))
            conn.execute("DELETE FROM central_counters WHERE site = %s", (site,))
            conn.execute(
                "UPDATE projection_marks SET last_event_id = 0, updated_at = now() WHERE site = %s",
                (site,),
            )


def refresh_site(
    conn: psycopg.Connection[Any],
    site: str,
    *,
    batch: int = BATCH_EVENTS,
    on_batch: Callable[[str, int, int], None] | None = None,
) -> Folded:
    """Fold one site's events above its projection mark, batch after batch, until caught up."""
    conn.execute(
        "INSERT INTO projection_marks (site) SELECT id FROM sites WHERE id = %s "
        "ON CONFLICT (site) DO NOTHING",
        (site,),
    )
    before = mark = _mark(conn, site, lock=False)
    events_total = tickets_total = 0
    while True:
        with conn.transaction():
            mark = _mark(conn, site, lock=True)
            rows = conn.execute(_EVENTS, (_DATA_KINDS, site, mark, batch)).fetchall()
            if not rows:
                break
            events = [_event(site, r) for r in rows]
            tickets_total += _fold_tickets(conn, site, events)
            _fold_counters(conn, site, events)
            mark = int(rows[-1][0])
            conn.execute(
                "UPDATE projection_marks SET last_event_id = %s, updated_at = now() "
                "WHERE site = %s",
                (mark, site),
            )
        events_total += len(rows)
        if on_batch:
            on_batch(site, len(rows), mark)
    return Folded(site, before, mark, events_total, tickets_total)


def _mark(conn: psycopg.Connection[Any], site: str, *, lock: bool) -> int:
    row = conn.execute(
        "SELECT last_event_id FROM projection_marks WHERE site = %s" + (" FOR UPDATE" * lock),
        (site,),
    ).fetchone()
    if row is None:
        raise LookupError(site)
    return int(row[0])


def _event(site: str, r: Sequence[Any]) -> Event:
    return Event(
        id=int(r[0]),
        at=r[1],
        business_day=r[2],
        kind=EventKind(r[3]),
        ticket_id=r[4],
        ticket_code=r[5],
        counter=r[6],
        field=r[7],
        actor=r[8],
        site=site,
        data=json.loads(r[9]) if r[9] else {},
        officer=r[10],
    )


def _fold_tickets(conn: psycopg.Connection[Any], site: str, events: Sequence[Event]) -> int:
    """Fold the batch's ticket events into `central_tickets`; returns the rows written."""
    mentioned = {e.ticket_id for e in events if e.ticket_id is not None}
    issued_here = {e.ticket_id for e in events if e.kind is EventKind.ISSUED}
    earlier = sorted(t for t in mentioned - issued_here if t is not None)
    start = (
        {int(r[0]): _replayed(r) for r in conn.execute(_SEED, (site, earlier))} if earlier else {}
    )
    folded = replay(events, start)
    changed = [t for tid, t in folded.items() if tid in mentioned]
    if not changed:
        return 0
    conn.execute(_TICKETS_TEMP)
    with conn.cursor().copy(
        f"COPY kiosk_folded (site, ticket_id, {', '.join(_TICKET_COLUMNS)}) FROM STDIN"
    ) as copy:
        for t in changed:
            copy.write_row((site, t.id, *_ticket_row(t)))
    conn.execute(_UPSERT_TICKETS)
    return len(changed)


def _ticket_row(t: ReplayedTicket) -> tuple[Any, ...]:
    """The `_TICKET_COLUMNS` of a folded ticket (named as the replay's fields)."""
    row = [getattr(t, c) for c in _TICKET_COLUMNS]
    row[_STATE] = t.state.value
    row[_REASONS] = Jsonb(list(t.rating_reasons)) if t.rating_reasons else None
    return tuple(row)


def _replayed(r: Sequence[Any]) -> ReplayedTicket:
    """A `central_tickets` row (ticket_id, then `_TICKET_COLUMNS`) as the replay holds it."""
    values = dict(zip(_TICKET_COLUMNS, r[1:], strict=True))
    values["state"] = TicketState(values["state"])
    values["rating_reasons"] = tuple(values["rating_reasons"] or ())
    return ReplayedTicket(id=int(r[0]), **values)


_STATE = _TICKET_COLUMNS.index("state")
_REASONS = _TICKET_COLUMNS.index("rating_reasons")


def fold_counters(
    events: Iterable[Event], start: dict[int, CounterNow] | None = None
) -> dict[int, CounterNow]:
    """Each counter's state after `events` (oldest first), from `start`."""
    out = dict(start or {})
    for e in events:
        if e.counter is None or e.kind not in _COUNTER_STATES:
            continue
        was = out.get(e.counter)
        state = _COUNTER_STATES[e.kind] or (was.state if was else "closed")
        if e.kind is EventKind.SIGNED_IN:
            officer = e.officer
        elif e.kind in (EventKind.SIGNED_OUT, EventKind.COUNTER_CLOSED):
            officer = None
        else:
            officer = was.officer if was else None
        if was is not None and was.state == state:
            out[e.counter] = replace(was, officer=officer, business_day=e.business_day)
        else:
            out[e.counter] = CounterNow(state, officer, e.at, e.business_day)
    return out


def _fold_counters(conn: psycopg.Connection[Any], site: str, events: Sequence[Event]) -> None:
    touched = {e.counter for e in events if e.counter is not None and e.kind in _COUNTER_STATES}
    if not touched:
        return
    start = {
        int(r[0]): CounterNow(r[1], r[2], r[3], r[4])
        for r in conn.execute(
            "SELECT counter, state, officer, since, business_day FROM central_counters "
            "WHERE site = %s AND counter = ANY(%s)",
            (site, sorted(touched)),
        )
    }
    now = fold_counters(events, start)
    conn.cursor().executemany(
        "INSERT INTO central_counters (site, counter, state, officer, since, business_day) "
        "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (site, counter) DO UPDATE SET "
        "state = EXCLUDED.state, officer = EXCLUDED.officer, since = EXCLUDED.since, "
        "business_day = EXCLUDED.business_day",
        [(site, n, c.state, c.officer, c.since, c.business_day) for n, c in now.items()],
    )


def require_projection(conn: psycopg.Connection[Any], url: str) -> None:
    """One clear line when the centre's schema is missing or older than the projection."""
    found = conn.execute("SELECT to_regclass('projection_marks') IS NOT NULL").fetchone()
    if not found or not found[0]:
        raise centre_not_ready(url)
