"""What the wall display shows, computed from a core Snapshot (Qt-free, so tests read it too).

The display never keeps its own idea of the queue: every render starts from a fresh
snapshot, so a restarted display shows exactly what the log says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from display import texts as T
from kiosk.core.config import Config
from kiosk.core.model import CounterState, Snapshot
from kiosk.core.texts import WEEKDAYS, Language, weekday_date

#: Between the names of the fields a counter serves, on a tile without a ticket.
FIELD_SEPARATOR = " · "


class TileState(StrEnum):
    SERVING = "serving"  # holds a ticket (called or being served)
    IDLE = "idle"  # open, between citizens
    PAUSED = "paused"
    CLOSED = "closed"


@dataclass(frozen=True)
class TileView:
    counter: int
    label_vi: str
    label_en: str
    state: TileState
    code: str
    field_vi: str
    note_vi: str  # "Tạm dừng: Nghỉ trưa", "Chưa mở"
    note_en: str
    status_vi: str = ""  # the note without its reason, where the whole note does not fit
    #: The officer signed in ("": nobody); None: `[display] show_officer` is off (no line).
    officer: str | None = None


@dataclass(frozen=True)
class CallView:
    event_id: int
    code: str
    counter: int
    counter_label_vi: str
    field_vi: str
    at: datetime
    time: str
    recall: bool


@dataclass(frozen=True)
class WaitingView:
    field: str
    name_vi: str
    name_en: str
    prefix: str
    waiting: int
    open_now: bool


@dataclass(frozen=True)
class Board:
    business_day: date
    last_event_id: int
    tiles: tuple[TileView, ...]
    newest: CallView | None  # the call on the card (see card_call)
    recent: tuple[CallView, ...]
    waiting: tuple[WaitingView, ...]


def counter_label(config: Config, number: int) -> tuple[str, str]:
    """("QUẦY 3", "COUNTER 3"), or the configured names in capitals."""
    c = config.counter(number)
    vi = c.label_vi if c else T.COUNTER.vi.format(n=number)
    en = c.label_en if c else T.COUNTER.en.format(n=number)
    return vi.upper(), en.upper()


def date_line(moment: datetime, zone: ZoneInfo) -> tuple[str, str]:
    """("Thứ Hai, 23/11/2026", "Monday") in the site's zone."""
    local = moment.astimezone(zone)
    return weekday_date(local, Language.VI), WEEKDAYS[local.weekday()].en


def card_call(calls: Sequence[CallView], snapshot: Snapshot) -> CallView | None:
    """The call the big card announces: the newest one whose counter still holds that ticket.

    A ticket skipped, transferred or completed is no longer announced; the card falls back to
    the newest call still in hand at its counter, or to nothing.
    """
    held = {c.number: c.ticket.code for c in snapshot.counters if c.ticket is not None}
    return next((call for call in calls if held.get(call.counter) == call.code), None)


def build_board(snapshot: Snapshot, config: Config, recent_calls: int) -> Board:
    """The display's content: one tile per counter, the call on the card, recent calls, waiting."""
    zone = config.zone
    names = {f.code: f.name for f in config.fields}

    tiles = []
    for c in snapshot.counters:
        label_vi, label_en = counter_label(config, c.number)
        served = FIELD_SEPARATOR.join(names.get(code, code) for code in c.fields)
        if c.ticket is not None:
            state = TileState.SERVING
            code = c.ticket.code
            field_vi = names.get(c.ticket.queue_field, c.ticket.queue_field)
            status_vi, note_en = "", ""
        elif c.state is CounterState.PAUSED:
            state, code, field_vi = TileState.PAUSED, "", served
            status_vi, note_en = T.PAUSED
        elif c.state is CounterState.CLOSED:
            state, code, field_vi = TileState.CLOSED, "", served
            status_vi, note_en = T.NOT_OPEN
        else:
            state, code, field_vi = TileState.IDLE, "", served
            status_vi, note_en = "", ""
        paused_why = state is TileState.PAUSED and c.reason
        note_vi = f"{status_vi}: {c.reason}" if paused_why else status_vi
        officer = c.officer_name if config.display.show_officer else None
        tiles.append(
            TileView(
                c.number,
                label_vi,
                label_en,
                state,
                code,
                field_vi,
                note_vi,
                note_en,
                status_vi,
                officer,
            )
        )

    calls = []
    for r in snapshot.recent_calls:
        label_vi, _ = counter_label(config, r.counter)
        calls.append(
            CallView(
                event_id=r.event_id,
                code=r.code,
                counter=r.counter,
                counter_label_vi=label_vi,
                field_vi=names.get(r.field, r.field),
                at=r.at,
                time=f"{r.at.astimezone(zone):%H:%M}",
                recall=r.recall,
            )
        )
    newest = card_call(calls, snapshot)
    # The list beside the card: the other calls, each ticket once (a recall is not news).
    seen = {(newest.code, newest.counter)} if newest else set()
    earlier = []
    for call in calls:
        if (call.code, call.counter) in seen:
            continue
        seen.add((call.code, call.counter))
        earlier.append(call)
    waiting = tuple(
        WaitingView(f.code, f.name, f.name_en, f.prefix, f.waiting, f.open_now)
        for f in snapshot.fields
    )
    return Board(
        business_day=snapshot.business_day,
        last_event_id=snapshot.last_event_id,
        tiles=tuple(tiles),
        newest=newest,
        recent=tuple(earlier[:recent_calls]),
        waiting=waiting,
    )
