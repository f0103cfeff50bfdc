"""Rebuild ticket states from the event log alone: to audit the `tickets` projection, and
at the city centre to build each point's tickets from its shipped events
(kiosk.central.projection), which continues from states folded before (`start`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import NamedTuple

from kiosk.core.model import Event, EventKind, Ticket, TicketState


class ReplayedTicket(NamedTuple):
    """A ticket as the log says it is (a named tuple: folding a year replaces one per event,
    and `_replace` is several times faster than `dataclasses.replace`)."""

    id: int
    code: str
    state: TicketState
    queue_field: str
    counter: int | None
    called_at: datetime | None
    completed_at: datetime | None
    recalls: int
    transfers: int
    dossiers: int
    procedure: str | None = None
    rating: str | None = None
    rating_reasons: tuple[str, ...] = ()
    rated_at: datetime | None = None
    officer: str | None = None
    #: What the issue said: business day, field issued in, priority, time; and when service
    #: started (None until it does; a transfer starts it again) and the latest call.
    business_day: date | None = None
    field: str = ""
    priority: bool = False
    issued_at: datetime | None = None
    serving_at: datetime | None = None
    last_called_at: datetime | None = None


#: The events whose `data` the fold reads (the others are folded from their columns alone).
DATA_KINDS = frozenset(
    {
        EventKind.ISSUED,
        EventKind.COMPLETED,
        EventKind.TRANSFERRED,
        EventKind.RATED,
        EventKind.EXPIRED,
    }
)


def replay(
    events: Iterable[Event], start: Mapping[int, ReplayedTicket] | None = None
) -> dict[int, ReplayedTicket]:
    """Fold the log, oldest first, into the state of every ticket it mentions; `start`
    holds tickets folded from earlier events (events of other tickets are ignored, as are
    those of tickets never issued)."""
    out: dict[int, ReplayedTicket] = dict(start or {})
    for e in events:
        tid = e.ticket_id
        if tid is None:
            continue
        if e.kind is EventKind.ISSUED:
            out[tid] = ReplayedTicket(
                tid,
                e.ticket_code or "",
                TicketState.WAITING,
                e.field or "",
                None,
                None,
                None,
                0,
                0,
                0,
                procedure=e.data.get("procedure"),
                business_day=e.business_day,
                field=e.field or "",
                priority=bool(e.data.get("priority", False)),
                issued_at=e.at,
            )
            continue
        t = out.get(tid)
        if t is None:
            continue
        if e.kind is EventKind.CALLED:
            t = t._replace(
                state=TicketState.CALLED,
                counter=e.counter,
                called_at=t.called_at or e.at,
                last_called_at=e.at,
                officer=e.officer,
            )
        elif e.kind is EventKind.RECALLED:
            t = t._replace(recalls=t.recalls + 1, last_called_at=e.at)
        elif e.kind is EventKind.SERVING:
            t = t._replace(state=TicketState.SERVING, serving_at=e.at)
        elif e.kind is EventKind.SKIPPED:
            t = t._replace(state=TicketState.SKIPPED, counter=None)
        elif e.kind is EventKind.RETURNED:
            t = t._replace(state=TicketState.WAITING)
        elif e.kind is EventKind.COMPLETED:
            t = t._replace(
                state=TicketState.COMPLETED,
                completed_at=e.at,
                # Service began when the citizen was called if the clerk never pressed start.
                serving_at=t.serving_at or t.last_called_at or e.at,
                dossiers=int(e.data.get("dossiers", 1)),
                # The officer who completed it served it; nobody signed in: its caller did.
                officer=e.officer if e.officer is not None else t.officer,
            )
        elif e.kind is EventKind.TRANSFERRED:
            t = t._replace(
                state=TicketState.WAITING,
                counter=None,
                serving_at=None,
                transfers=t.transfers + 1,
                queue_field=e.data.get("to_field") or t.queue_field,
            )
        elif e.kind is EventKind.RATED:
            t = t._replace(
                rating=e.data.get("level"),
                rating_reasons=tuple(e.data.get("reasons") or ()),
                rated_at=e.at,
            )
        elif e.kind is EventKind.EXPIRED:
            was_skipped = e.data.get("from") == TicketState.SKIPPED.value
            t = t._replace(
                state=TicketState.NO_SHOW if was_skipped else TicketState.EXPIRED,
                counter=None,
            )
        out[tid] = t
    return out


def mismatches(projection: Iterable[Ticket], replayed: dict[int, ReplayedTicket]) -> list[str]:
    """Differences between the `tickets` table and the replayed log (empty when they agree)."""
    problems: list[str] = []
    seen: set[int] = set()
    for t in projection:
        seen.add(t.id)
        r = replayed.get(t.id)
        if r is None:
            problems.append(f"{t.code}: in tickets but never issued in the log")
            continue
        ours = (
            t.state,
            t.queue_field,
            t.counter,
            t.called_at,
            t.completed_at,
            t.recalls,
            t.transfers,
            t.dossiers,
            t.procedure,
            t.rating,
            t.rating_reasons,
            t.rated_at,
            t.officer,
            t.business_day,
            t.field,
            t.priority,
            t.issued_at,
            t.serving_at,
        )
        theirs = (
            r.state,
            r.queue_field,
            r.counter,
            r.called_at,
            r.completed_at,
            r.recalls,
            r.transfers,
            r.dossiers,
            r.procedure,
            r.rating,
            r.rating_reasons,
            r.rated_at,
            r.officer,
            r.business_day,
            r.field,
            r.priority,
            r.issued_at,
            r.serving_at,
        )
        if ours != theirs:
            problems.append(f"{t.code}: tickets say {ours}, the log says {theirs}")
    problems.extend(
        f"{r.code}: in the log but not in tickets" for i, r in replayed.items() if i not in seen
    )
    return problems
