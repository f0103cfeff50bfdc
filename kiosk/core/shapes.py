"""The stable JSON shapes of tickets, the snapshot and events (documented in docs/cli.md).

One home: `kiosk … --json` prints them and the web's /api/status serves the same snapshot.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


def iso_time(moment: datetime | None, zone: Any) -> str | None:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None


def ticket_json(t: Any, zone: Any, *, officers: bool = True) -> dict[str, Any]:
    """Stable JSON form of a ticket (documented in docs/cli.md); `officers=False` leaves out
    who served it (a public page of a point that does not show its officers)."""
    return {
        "id": t.id,
        "code": t.code,
        "field": t.field,
        "queue_field": t.queue_field,
        "number": t.number,
        "priority": t.priority,
        "state": t.state.value,
        "counter": t.counter,
        "target_counter": t.target_counter,
        "business_day": t.business_day.isoformat(),
        "issued_at": iso_time(t.issued_at, zone),
        "called_at": iso_time(t.called_at, zone),
        "serving_at": iso_time(t.serving_at, zone),
        "completed_at": iso_time(t.completed_at, zone),
        "recalls": t.recalls,
        "transfers": t.transfers,
        "dossiers": t.dossiers,
        "procedure": t.procedure,
        "officer": t.officer if officers else None,
    }


def snapshot_json(snap: Any, zone: Any, *, officers: bool = True) -> dict[str, Any]:
    """Stable JSON form of the snapshot; `officers=False`: as `ticket_json`."""
    return {
        "business_day": snap.business_day.isoformat(),
        "at": iso_time(snap.at, zone),
        "last_event_id": snap.last_event_id,
        "fields": [
            {
                "code": f.code,
                "name": f.name,
                "name_en": f.name_en,
                "prefix": f.prefix,
                "waiting": f.waiting,
                "priority_waiting": f.priority_waiting,
                "issued_today": f.issued_today,
                "estimated_wait_minutes": f.estimated_wait_minutes,
                "counters_open": f.counters_open,
                "open_now": f.open_now,
                "closed_reason": f.closed_reason_en,
                "closed_reason_vi": f.closed_reason_vi,
                "opens_at": iso_time(f.opens_at, zone),
            }
            for f in snap.fields
        ],
        "counters": [
            {
                "number": c.number,
                "name": c.name,
                "state": c.state.value,
                "reason": c.reason,
                "fields": list(c.fields),
                "ticket": ticket_json(c.ticket, zone, officers=officers) if c.ticket else None,
                "served_today": c.served_today,
                "avg_service_seconds": (
                    round(c.avg_service_seconds, 1) if c.avg_service_seconds is not None else None
                ),
                "officer": c.officer if officers else None,
                "officer_name": c.officer_name if officers else "",
            }
            for c in snap.counters
        ],
        "recent_calls": [
            {
                "event_id": r.event_id,
                "at": iso_time(r.at, zone),
                "code": r.code,
                "counter": r.counter,
                "field": r.field,
                "recall": r.recall,
            }
            for r in snap.recent_calls
        ],
    }


def event_json(e: Any, zone: Any) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": iso_time(e.at, zone),
        "business_day": e.business_day.isoformat(),
        "kind": e.kind.value,
        "ticket_id": e.ticket_id,
        "ticket_code": e.ticket_code,
        "counter": e.counter,
        "field": e.field,
        "actor": e.actor,
        "site": e.site,
        "data": e.data,
        "officer": e.officer,
    }
