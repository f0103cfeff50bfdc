"""Values handed out by core: tickets, events, counters and the live snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    SKIPPED = "skipped"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    EXPIRED = "expired"


#: States in which a ticket still needs someone's attention today.
#: States in which a counter holds the ticket.
HELD_STATES = (TicketState.CALLED, TicketState.SERVING)


class EventKind(StrEnum):
    ISSUED = "issued"
    CALLED = "called"
    RECALLED = "recalled"
    SKIPPED = "skipped"
    RETURNED = "returned"
    SERVING = "serving"
    COMPLETED = "completed"
    TRANSFERRED = "transferred"
    EXPIRED = "expired"
    PRINTED = "printed"
    PRINT_FAILED = "print_failed"
    COUNTER_OPENED = "counter_opened"
    COUNTER_PAUSED = "counter_paused"
    COUNTER_CLOSED = "counter_closed"
    FIELD_OPENED = "field_opened"
    FIELD_CLOSED = "field_closed"
    #: A wrong admin PIN or manager password (kiosk.core.lockout; never the digits).
    PIN_FAILED = "pin_failed"
    #: A citizen's rating of a completed service (kiosk.core.ratings).
    RATED = "rated"
    #: An officer signed in at, or out of, a counter (kiosk.core.officers).
    SIGNED_IN = "signed_in"
    SIGNED_OUT = "signed_out"


#: Events that make the display announce a number.
CALL_KINDS = (EventKind.CALLED, EventKind.RECALLED)


class CounterState(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


@dataclass(frozen=True)
class Ticket:
    id: int
    site: str
    business_day: date
    field: str
    number: int
    code: str
    priority: bool
    state: TicketState
    queue_field: str
    target_counter: int | None
    counter: int | None
    issued_at: datetime
    called_at: datetime | None
    serving_at: datetime | None
    completed_at: datetime | None
    recalls: int
    transfers: int
    dossiers: int
    #: The latest call or recall (the web page announces each one once).
    last_called_at: datetime | None = None
    #: Random address of the ticket's web page; None for tickets older than migration 0004.
    page_token: str | None = None
    #: The catalogue procedure it was taken for (its code, else its name); None: a plain ticket.
    procedure: str | None = None
    #: The citizen's rating (a kiosk.core.ratings.RatingLevel value), its reasons, where it
    #: was given and when; None while not rated.
    rating: str | None = None
    rating_reasons: tuple[str, ...] = ()
    rating_channel: str | None = None
    rated_at: datetime | None = None
    #: The officer who served it (its caller, then whoever completed it); None: no officer.
    officer: str | None = None


@dataclass(frozen=True)
class IssuedTicket:
    """A new ticket and what the citizen is told about it."""

    ticket: Ticket
    #: Calls before this ticket at the counters that may call it (`kiosk.core.order.outlook`).
    people_ahead: int
    #: None when no counter that may call it is open (nothing can be promised yet).
    estimated_wait_minutes: int | None
    #: Open counters that may call it (0: "no counter open yet").
    counters_open: int


@dataclass(frozen=True)
class TicketView:
    """A ticket as its citizen's web page shows it now (people ahead only while it waits today)."""

    ticket: Ticket
    #: It still matters today: issued today, held by a counter, or in today's queue.
    today: bool
    people_ahead: int | None
    #: None while it does not wait, or no counter that may call it is open.
    estimated_wait_minutes: int | None
    #: While it waits: the open counters that may call it (0: "no counter open yet").
    counters_open: int | None = None

    @property
    def expired(self) -> bool:
        """Pages of earlier business days (and of tickets closed at day end) are over."""
        return not self.today or self.ticket.state in (TicketState.EXPIRED, TicketState.NO_SHOW)


@dataclass(frozen=True)
class Event:
    id: int
    at: datetime
    business_day: date
    kind: EventKind
    ticket_id: int | None
    ticket_code: str | None
    counter: int | None
    field: str | None
    actor: str
    site: str
    data: dict[str, Any]
    #: The officer signed in at the event's counter when it was written (None: nobody).
    officer: str | None = None


@dataclass(frozen=True)
class FieldStatus:
    code: str
    name: str
    name_en: str
    prefix: str
    waiting: int
    priority_waiting: int
    issued_today: int
    #: For a ticket taken now (normal class); None when no counter of the field is open.
    estimated_wait_minutes: int | None
    #: Open counters that serve the field.
    counters_open: int
    open_now: bool
    closed_reason_vi: str = ""
    closed_reason_en: str = ""
    opens_at: datetime | None = None
    #: Issue time of the longest-waiting ticket (None when no one waits).
    oldest_waiting_at: datetime | None = None


@dataclass(frozen=True)
class CounterStatus:
    number: int
    name: str
    name_en: str
    state: CounterState
    reason: str
    fields: tuple[str, ...]
    ticket: Ticket | None
    served_today: int
    avg_service_seconds: float | None
    #: When the counter last changed state (opened, paused, closed) or ticket.
    since: datetime | None = None
    #: The officer signed in at the counter now (their id, and their configured name).
    officer: str | None = None
    officer_name: str = ""


@dataclass(frozen=True)
class CallRecord:
    event_id: int
    at: datetime
    code: str
    counter: int
    field: str
    recall: bool


@dataclass(frozen=True)
class Snapshot:
    """Everything a screen shows, consistent as of `last_event_id`."""

    business_day: date
    at: datetime
    last_event_id: int
    fields: tuple[FieldStatus, ...]
    counters: tuple[CounterStatus, ...]
    recent_calls: tuple[CallRecord, ...] = field(default_factory=tuple)

    def field_status(self, code: str) -> FieldStatus | None:
        return next((f for f in self.fields if f.code == code), None)

    def counter_status(self, number: int) -> CounterStatus | None:
        return next((c for c in self.counters if c.number == number), None)
