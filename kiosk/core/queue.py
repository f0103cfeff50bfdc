"""The queue service: every operation of kiosk, counters and admin, one transaction each.

Each operation appends its events to `queue_events` and updates the `tickets` projection in
the same transaction, so the log and the current state can never disagree.
"""

from __future__ import annotations

import difflib
import logging
import math
import secrets
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, extract, func, or_, select
from sqlalchemy.orm import Session

from kiosk.core.clock import Clock, SystemClock
from kiosk.core.config import Config, FieldConfig
from kiosk.core.errors import (
    CallTooSoon,
    CounterBusy,
    CounterNotServingField,
    DailyCapReached,
    FieldClosed,
    InvalidTicketState,
    NoOneWaiting,
    NoTicketAtCounter,
    UnknownCounter,
    UnknownField,
    UnknownTicket,
)
from kiosk.core.model import (
    CALL_KINDS,
    HELD_STATES,
    CallRecord,
    CounterState,
    CounterStatus,
    Event,
    EventKind,
    FieldStatus,
    IssuedTicket,
    Snapshot,
    Ticket,
    TicketState,
    TicketView,
)
from kiosk.core.order import (
    CounterTurn,
    Lines,
    Outlook,
    Place,
    Policy,
    call_order,
    choose,
    counters_able,
    line_order,
    newcomer_outlooks,
    outlook,
    outlooks,
)
from kiosk.core.rules import (
    call_guard_remaining,
    estimate_wait_minutes,
    median_service_seconds,
    next_streak,
)
from kiosk.core.schema import CounterRow, EventRow, FieldDayRow, TicketRow
from kiosk.core.store import Store

log = logging.getLogger(__name__)
_HELD = frozenset(s.value for s in HELD_STATES)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_STATE_VI = {
    TicketState.WAITING: "đang chờ",
    TicketState.CALLED: "đã được gọi",
    TicketState.SERVING: "đang được phục vụ",
    TicketState.SKIPPED: "đã bị bỏ qua",
    TicketState.COMPLETED: "đã hoàn thành",
    TicketState.NO_SHOW: "vắng mặt",
    TicketState.EXPIRED: "đã hết hạn",
}


def ticket_value(row: TicketRow) -> Ticket:
    return Ticket(
        id=row.id,
        site=row.site,
        business_day=row.business_day,
        field=row.field,
        number=row.number,
        code=row.code,
        priority=row.priority,
        state=TicketState(row.state),
        queue_field=row.queue_field,
        target_counter=row.target_counter,
        counter=row.counter,
        issued_at=row.issued_at,
        called_at=row.called_at,
        serving_at=row.serving_at,
        completed_at=row.completed_at,
        recalls=row.recalls,
        transfers=row.transfers,
        dossiers=row.dossiers,
        last_called_at=row.last_called_at,
        page_token=row.page_token,
    )


def new_page_token() -> str:
    """128 random bits, URL-safe: the address of a ticket's page, unguessable from its number."""
    return secrets.token_urlsafe(16)


def placed(moment: datetime) -> int:
    """A place in line as the call order compares it: whole microseconds since 1970."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def place_of(row: TicketRow) -> Place:
    """A waiting ticket as the call order sees it."""
    return Place(
        row.id, bool(row.priority), placed(row.sort_at), row.queue_field, row.target_counter
    )


def event_value(row: EventRow, code: str | None) -> Event:
    return Event(
        id=row.id,
        at=row.at,
        business_day=row.business_day,
        kind=EventKind(row.kind),
        ticket_id=row.ticket_id,
        ticket_code=code,
        counter=row.counter,
        field=row.field,
        actor=row.actor,
        site=row.site,
        data=dict(row.data or {}),
    )


class QueueService:
    """Queue operations for one site. Thread-safe: every call opens its own transaction."""

    def __init__(self, store: Store, config: Config, clock: Clock | None = None) -> None:
        self.store = store
        self.config = config
        self.clock = clock or SystemClock()
        self.site = config.site.id

    # ------------------------------------------------------------------ helpers

    def business_day(self, now: datetime | None = None) -> date:
        return self.config.local_today(now or self.clock.now())

    def day_start(self, day: date) -> datetime:
        """The moment business day `day` begins: local midnight, in UTC."""
        return datetime.combine(day, time(0), tzinfo=self.config.zone).astimezone(UTC)

    def _todays_queue(self, day: date) -> ColumnElement[bool]:
        """Tickets that stand in business day `day`'s queue (with the state that says so).

        A ticket's place (`sort_at`) says which day's queue it stands in: its issue time, or
        the start of a later day once it left a counter after midnight (`_join_today`).
        """
        return (TicketRow.business_day <= day) & (TicketRow.sort_at >= self.day_start(day))

    def _join_today(self, t: TicketRow, day: date) -> None:
        """A ticket of an earlier day leaving its counter unfinished after midnight (transfer,
        skip) joins today's queue at its front: its citizen has waited longer than anyone."""
        start = self.day_start(day)
        if t.sort_at < start:
            t.sort_at = start

    def _field(self, code: str) -> FieldConfig:
        f = self.config.field(code)
        if f is None:
            codes = [x.code for x in self.config.fields]
            close = difflib.get_close_matches(code, codes, n=1, cutoff=0.5)
            hint_vi = f' Có phải "{close[0]}"?' if close else ""
            hint_en = f' Did you mean "{close[0]}"?' if close else ""
            raise UnknownField(
                f'Không có lĩnh vực "{code}".{hint_vi} Các lĩnh vực: {", ".join(codes)}',
                f'No field "{code}".{hint_en} Fields: {", ".join(codes)}',
            )
        return f

    def _check_counter(self, number: int) -> None:
        if self.config.counter(number) is None:
            known = ", ".join(str(c.number) for c in self.config.counters)
            raise UnknownCounter(
                f"Không có quầy số {number}. Các quầy: {known}",
                f"No counter {number}. Counters: {known}",
            )

    def _field_label(self, code: str) -> tuple[str, str]:
        f = self.config.field(code)
        return (f.name, f.name_en) if f else (code, code)

    def _log(
        self,
        session: Session,
        now: datetime,
        kind: EventKind,
        *,
        actor: str,
        ticket: TicketRow | None = None,
        counter: int | None = None,
        field: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> EventRow:
        row = EventRow(
            at=now,
            business_day=self.business_day(now),
            kind=kind.value,
            ticket_id=ticket.id if ticket else None,
            counter=counter,
            field=field if field is not None else (ticket.queue_field if ticket else None),
            actor=actor,
            site=self.site,
            data=data or {},
        )
        self.store.add_event(session, row)
        return row

    def _begin(self, session: Session) -> tuple[datetime, date]:
        """Start of every write: the time, the business day, and the day rollover."""
        now = self.clock.now()
        day = self.business_day(now)
        self._expire_previous_days(session, now, day)
        return now, day

    def _expire_previous_days(self, session: Session, now: datetime, day: date) -> None:
        """Close the tickets left in earlier days' queues with an `expired` event.

        Only waiting and skipped tickets expire (skipped ones as no-shows). A ticket a counter
        holds (called or being served) at midnight stays with it until finished, completed,
        skipped or transferred, and is counted on the day it was issued; see `_join_today`.
        """
        stale = session.scalars(
            self.store.lock_rows(
                select(TicketRow)
                .where(
                    TicketRow.site == self.site,
                    TicketRow.state.in_([TicketState.WAITING.value, TicketState.SKIPPED.value]),
                    TicketRow.business_day < day,
                    TicketRow.sort_at < self.day_start(day),
                )
                # One lock order for every process, so two racing at rollover cannot deadlock.
                .order_by(TicketRow.id),
                skip_locked=False,
            )
        ).all()
        if not stale:
            return
        for t in stale:
            before = TicketState(t.state)
            t.state = (
                TicketState.NO_SHOW.value
                if before is TicketState.SKIPPED
                else TicketState.EXPIRED.value
            )
            t.counter = None
            ev = EventRow(
                at=now,
                business_day=t.business_day,
                kind=EventKind.EXPIRED.value,
                ticket_id=t.id,
                counter=None,
                field=t.queue_field,
                actor="system",
                site=self.site,
                data={"from": before.value, "code": t.code},
            )
            self.store.add_event(session, ev)
        log.info("expired %d unfinished tickets of earlier days", len(stale))

    def _counter_row(self, session: Session, number: int, now: datetime) -> CounterRow:
        self._check_counter(number)
        self.store.insert_ignore(
            session,
            CounterRow,
            site=self.site,
            number=number,
            state=CounterState.CLOSED.value,
            reason="",
            ticket_id=None,
            priority_streak=0,
            updated_at=now,
        )
        row = session.scalars(
            self.store.lock_rows(
                select(CounterRow).where(CounterRow.site == self.site, CounterRow.number == number)
            )
        ).one()
        return row

    def _held_ticket(self, session: Session, counter: CounterRow) -> TicketRow | None:
        if counter.ticket_id is None:
            return None
        return session.get(TicketRow, counter.ticket_id)

    def _require_held(self, session: Session, counter: CounterRow) -> TicketRow:
        t = self._held_ticket(session, counter)
        if t is None:
            raise NoTicketAtCounter(
                f"Quầy số {counter.number} chưa gọi số nào",
                f"Counter {counter.number} holds no ticket; call next first",
            )
        return t

    def _open_if_needed(
        self, session: Session, counter: CounterRow, now: datetime, actor: str
    ) -> None:
        if counter.state != CounterState.OPEN.value:
            counter.state = CounterState.OPEN.value
            counter.reason = ""
            counter.updated_at = now
            self._log(session, now, EventKind.COUNTER_OPENED, actor=actor, counter=counter.number)

    def _field_open_state(
        self, session: Session, f: FieldConfig, now: datetime, day: date
    ) -> tuple[bool, str, str, datetime | None]:
        """(open, reason_vi, reason_en, opens_at) for issuing a ticket in field `f` now."""
        override = session.get(FieldDayRow, (self.site, day, f.code))
        if override is not None and not override.is_open:
            return (
                False,
                f"Lĩnh vực {f.name} tạm ngừng tiếp nhận hôm nay",
                f"{f.name_en} is closed today",
                None,
            )
        if override is not None and override.is_open:
            return True, "", "", None
        hours = self.config.hours_of(f)
        local = now.astimezone(self.config.zone)
        if hours.is_open(local):
            return True, "", "", None
        opens = hours.next_opening(local)
        if opens is None:
            return False, f"Lĩnh vực {f.name} không tiếp nhận", f"{f.name_en} is closed", None
        when_vi = f"{opens:%H:%M}" if opens.date() == local.date() else f"{opens:%H:%M %d/%m/%Y}"
        return (
            False,
            f"Lĩnh vực đã hết giờ tiếp nhận, mở lại lúc {when_vi}",
            f"Closed now, opens at {when_vi}",
            opens,
        )

    def _issued_count(self, session: Session, field: str, day: date) -> int:
        from kiosk.core.schema import SequenceRow

        n = session.scalar(
            select(SequenceRow.last_number).where(
                SequenceRow.site == self.site,
                SequenceRow.business_day == day,
                SequenceRow.field == field,
            )
        )
        return int(n or 0)

    def _median_service(self, session: Session, f: FieldConfig) -> float:
        rows = session.execute(
            select(TicketRow.serving_at, TicketRow.completed_at)
            .where(
                TicketRow.site == self.site,
                TicketRow.queue_field == f.code,
                TicketRow.completed_at.is_not(None),
            )
            .order_by(TicketRow.completed_at.desc())
            .limit(self.config.queue.estimate_window)
        ).all()
        durations = [(c - s).total_seconds() for s, c in rows if s is not None and c is not None]
        return median_service_seconds(durations, f.service_minutes)

    def _waiting_today(self, session: Session, day: date) -> list[TicketRow]:
        """Every ticket waiting in today's queue."""
        return list(
            session.scalars(
                select(TicketRow).where(
                    TicketRow.site == self.site,
                    TicketRow.state == TicketState.WAITING.value,
                    self._todays_queue(day),
                )
            ).all()
        )

    def _policy(self) -> Policy:
        q = self.config.queue
        return Policy(q.priority_policy, q.priority_burst)

    def _lines(self, rows: Sequence[TicketRow]) -> Lines:
        cfg = self.config
        layout = {c.number: cfg.fields_of_counter(c.number) for c in cfg.counters}
        lines = Lines(layout, self._policy())
        for r in rows:
            lines.add(place_of(r))
        return lines

    def _turns(self, session: Session) -> list[CounterTurn]:
        """Every configured counter: open or not, and its priority streak."""
        rows = {
            c.number: c
            for c in session.scalars(select(CounterRow).where(CounterRow.site == self.site)).all()
        }
        turns = []
        for cc in self.config.counters:
            row = rows.get(cc.number)
            is_open = row is not None and row.state == CounterState.OPEN.value
            turns.append(CounterTurn(cc.number, is_open, row.priority_streak if row else 0))
        return turns

    def _wait(
        self, session: Session, field: str, told: Outlook, medians: dict[str, float]
    ) -> int | None:
        """The estimated wait of a ticket of `field` told `told` (None: no counter open);
        `medians` keeps each field's recent median for the rest of the read."""
        if field not in medians:
            f = self.config.field(field)
            medians[field] = self._median_service(session, f) if f else 0.0
        return estimate_wait_minutes(told.people_ahead, medians[field], told.counters_open)

    def _issued(self, session: Session, t: TicketRow, waiting: Sequence[TicketRow]) -> IssuedTicket:
        """`t` with what its holder is told: people ahead and estimate while it waits today."""
        lines, turns = self._lines(waiting), self._turns(session)
        if all(r.id != t.id for r in waiting):  # called, served or gone: nobody ahead now
            able = set(counters_able(place_of(t), lines.fields_of))
            counters_open = sum(1 for c in turns if c.is_open and c.number in able)
            return IssuedTicket(ticket_value(t), 0, 0, counters_open)
        told = outlook(place_of(t), lines, turns)
        wait = self._wait(session, t.queue_field, told, {})
        return IssuedTicket(ticket_value(t), told.people_ahead, wait, told.counters_open)

    # ------------------------------------------------------------------ kiosk

    def issue(self, field: str, *, priority: bool = False, actor: str = "kiosk") -> IssuedTicket:
        """Give a citizen the next number of `field` (refused when closed or capped)."""
        f = self._field(field)
        with self.store.write() as s:
            now, day = self._begin(s)
            is_open, why_vi, why_en, _ = self._field_open_state(s, f, now, day)
            if not is_open:
                raise FieldClosed(why_vi, why_en)
            # Checked after taking the number (the row lock orders concurrent kiosks); raising
            # rolls the increment back, so the cap is exact and leaves no gap.
            number = self.store.next_number(s, self.site, day, f.code)
            if f.daily_cap is not None and number > f.daily_cap:
                raise DailyCapReached(
                    f"Lĩnh vực {f.name}: đã hết số thứ tự trong ngày",
                    f"{f.name_en}: no more numbers today (daily limit {f.daily_cap})",
                )
            code = f"{f.prefix}{number:0{self.config.queue.number_digits}d}"
            t = TicketRow(
                site=self.site,
                business_day=day,
                field=f.code,
                number=number,
                code=code,
                priority=priority,
                state=TicketState.WAITING.value,
                queue_field=f.code,
                issued_at=now,
                sort_at=now,
                recalls=0,
                transfers=0,
                dossiers=0,
                page_token=new_page_token(),
            )
            s.add(t)
            s.flush()
            self._log(s, now, EventKind.ISSUED, actor=actor, ticket=t, data={"priority": priority})
            return self._issued(s, t, self._waiting_today(s, day))

    def ticket_outlook(self, ticket_id: int) -> IssuedTicket:
        """A ticket as it stands now: people ahead and estimated wait while it waits today."""
        with self.store.read() as s:
            t = s.get(TicketRow, ticket_id)
            if t is None:
                raise UnknownTicket(f"Không có phiếu {ticket_id}", f"No ticket with id {ticket_id}")
            return self._issued(s, t, self._waiting_today(s, self.business_day()))

    def record_print(
        self, ticket_id: int, *, ok: bool, message: str = "", actor: str = "kiosk"
    ) -> None:
        """Log `printed` or `print_failed` for a ticket (the ticket itself stays valid)."""
        with self.store.write() as s:
            now, _ = self._begin(s)
            t = s.get(TicketRow, ticket_id)
            if t is None:
                raise UnknownTicket(f"Không có phiếu {ticket_id}", f"No ticket with id {ticket_id}")
            kind = EventKind.PRINTED if ok else EventKind.PRINT_FAILED
            self._log(
                s, now, kind, actor=actor, ticket=t, data={"message": message} if message else {}
            )

    # ------------------------------------------------------------------ counters

    def call_next(
        self, counter: int, *, actor: str | None = None, dossiers: int = 1, guard: bool = False
    ) -> Ticket:
        """Call the next ticket for `counter`, by the call order (`kiosk.core.order.choose`).

        A ticket the counter holds is completed first with `dossiers` (`queue.complete_on_next`).
        With `guard` (the counter consoles), a call within `queue.call_guard_seconds` of the
        counter's call of the ticket it still holds is refused (CallTooSoon), so a bounced or
        held key never completes a citizen it has just called and calls the next one.
        """
        _check_dossiers(dossiers)
        actor = actor or f"counter:{counter}"
        fields = self.config.fields_of_counter(counter)
        with self.store.write() as s:
            now, day = self._begin(s)
            c = self._counter_row(s, counter, now)
            self._finish_held_before_call(s, c, now, actor, dossiers=dossiers, guard=guard)
            base = select(TicketRow).where(
                TicketRow.site == self.site,
                TicketRow.state == TicketState.WAITING.value,
                self._todays_queue(day),
                or_(
                    TicketRow.target_counter == counter,
                    (TicketRow.target_counter.is_(None)) & TicketRow.queue_field.in_(fields),
                ),
            )

            def head(priority: bool) -> TicketRow | None:
                first = (
                    base.where(TicketRow.priority.is_(priority))
                    .order_by(TicketRow.sort_at, TicketRow.id)
                    .limit(1)
                )
                return s.scalars(self.store.lock_rows(first, skip_locked=True)).first()

            chosen = choose(head, self._policy(), c.priority_streak)
            if chosen is None:
                names = ", ".join(self._field_label(x)[0] for x in fields)
                names_en = ", ".join(self._field_label(x)[1] for x in fields)
                raise NoOneWaiting(
                    f"Không còn ai chờ lĩnh vực {names}", f"No one is waiting for {names_en}"
                )
            self._open_if_needed(s, c, now, actor)
            self._call(s, c, chosen, now, actor, out_of_turn=False)
            c.priority_streak = next_streak(c.priority_streak, chosen.priority)
            return ticket_value(chosen)

    def call_ticket(
        self,
        counter: int,
        code: str,
        *,
        actor: str | None = None,
        dossiers: int = 1,
        guard: bool = False,
    ) -> Ticket:
        """Call a chosen waiting ticket out of turn (logged as such); held ticket as call_next."""
        _check_dossiers(dossiers)
        actor = actor or f"counter:{counter}"
        with self.store.write() as s:
            now, day = self._begin(s)
            c = self._counter_row(s, counter, now)
            t = self._find(s, code, day, lock=True, prefer=TicketState.WAITING)
            if t.state != TicketState.WAITING.value:
                raise self._bad_state(t, "gọi", "call", "waiting")
            fields = self.config.fields_of_counter(counter)
            if t.queue_field not in fields and t.target_counter != counter:
                name_vi, name_en = self._field_label(t.queue_field)
                raise CounterNotServingField(
                    f"Quầy số {counter} không phục vụ lĩnh vực {name_vi}",
                    f"Counter {counter} does not serve {name_en}",
                )
            self._finish_held_before_call(s, c, now, actor, dossiers=dossiers, guard=guard)
            self._open_if_needed(s, c, now, actor)
            self._call(s, c, t, now, actor, out_of_turn=True)
            return ticket_value(t)

    def _finish_held_before_call(
        self, s: Session, c: CounterRow, now: datetime, actor: str, *, dossiers: int, guard: bool
    ) -> None:
        """Before a call: refuse a too-soon repeat (`guard`), then complete the ticket in hand."""
        held = self._held_ticket(s, c)
        if held is None:
            return
        if guard:
            self._check_call_guard(s, c, held, now)
        if not self.config.queue.complete_on_next:
            raise CounterBusy(
                f"Quầy số {c.number} đang phục vụ số {held.code}: hoàn thành trước",
                f"Counter {c.number} still holds {held.code}: complete it first",
            )
        self._complete(s, c, held, now, actor, dossiers=dossiers)

    def _check_call_guard(self, s: Session, c: CounterRow, held: TicketRow, now: datetime) -> None:
        """CallTooSoon while `c` holds the ticket it called less than the guard time ago."""
        seconds = self.config.queue.call_guard_seconds
        if seconds <= 0:
            return
        called_at = s.scalar(
            select(EventRow.at)
            .where(
                EventRow.ticket_id == held.id,
                EventRow.kind == EventKind.CALLED.value,
                EventRow.counter == c.number,
            )
            .order_by(EventRow.id.desc())
            .limit(1)
        )
        left = call_guard_remaining(called_at, now, seconds)
        if left > 0:
            wait = math.ceil(left)
            raise CallTooSoon(
                f"Vừa gọi số {held.code} — chờ {wait} giây trước khi gọi tiếp",
                f"Just called {held.code} — wait {wait} s before calling next",
            )

    def _call(
        self,
        s: Session,
        c: CounterRow,
        t: TicketRow,
        now: datetime,
        actor: str,
        *,
        out_of_turn: bool,
    ) -> None:
        t.state = TicketState.CALLED.value
        t.counter = c.number
        t.target_counter = None
        if t.called_at is None:
            t.called_at = now
        t.last_called_at = now
        c.ticket_id = t.id
        c.updated_at = now
        data: dict[str, Any] = {"code": t.code}
        if out_of_turn:
            data["out_of_turn"] = True
        if t.transfers:
            data["transfers"] = t.transfers
        self._log(s, now, EventKind.CALLED, actor=actor, ticket=t, counter=c.number, data=data)

    def recall(self, counter: int, *, actor: str | None = None) -> Ticket:
        """Announce the ticket in hand again."""
        actor = actor or f"counter:{counter}"
        with self.store.write() as s:
            now, _ = self._begin(s)
            c = self._counter_row(s, counter, now)
            t = self._require_held(s, c)
            t.recalls += 1
            t.last_called_at = now
            self._log(
                s,
                now,
                EventKind.RECALLED,
                actor=actor,
                ticket=t,
                counter=counter,
                data={"code": t.code, "recalls": t.recalls},
            )
            return ticket_value(t)

    def skip(self, counter: int, *, actor: str | None = None) -> Ticket:
        """The citizen did not come: set the ticket aside (it can be returned later)."""
        actor = actor or f"counter:{counter}"
        with self.store.write() as s:
            now, day = self._begin(s)
            c = self._counter_row(s, counter, now)
            t = self._require_held(s, c)
            t.state = TicketState.SKIPPED.value
            t.counter = None
            self._join_today(t, day)
            c.ticket_id = None
            c.updated_at = now
            self._log(
                s,
                now,
                EventKind.SKIPPED,
                actor=actor,
                ticket=t,
                counter=counter,
                data={"code": t.code, "recalls": t.recalls},
            )
            return ticket_value(t)

    def return_skipped(self, code: str, *, actor: str = "counter") -> Ticket:
        """Put a skipped ticket back in the queue at its original place."""
        with self.store.write() as s:
            now, day = self._begin(s)
            t = self._find(s, code, day, lock=True, prefer=TicketState.SKIPPED)
            if t.state != TicketState.SKIPPED.value:
                raise self._bad_state(t, "đưa lại hàng chờ", "return", "skipped")
            t.state = TicketState.WAITING.value
            self._log(s, now, EventKind.RETURNED, actor=actor, ticket=t, data={"code": t.code})
            return ticket_value(t)

    def start_service(self, counter: int, *, actor: str | None = None) -> Ticket:
        """The citizen arrived at the counter: service time starts now."""
        actor = actor or f"counter:{counter}"
        with self.store.write() as s:
            now, _ = self._begin(s)
            c = self._counter_row(s, counter, now)
            t = self._require_held(s, c)
            if t.state == TicketState.SERVING.value:
                return ticket_value(t)
            t.state = TicketState.SERVING.value
            t.serving_at = now
            self._log(
                s,
                now,
                EventKind.SERVING,
                actor=actor,
                ticket=t,
                counter=counter,
                data={"code": t.code},
            )
            return ticket_value(t)

    def complete(self, counter: int, *, dossiers: int = 1, actor: str | None = None) -> Ticket:
        """Finish the ticket in hand, recording how many dossiers were handled."""
        _check_dossiers(dossiers)
        actor = actor or f"counter:{counter}"
        with self.store.write() as s:
            now, _ = self._begin(s)
            c = self._counter_row(s, counter, now)
            t = self._require_held(s, c)
            self._complete(s, c, t, now, actor, dossiers=dossiers)
            return ticket_value(t)

    def _complete(
        self, s: Session, c: CounterRow, t: TicketRow, now: datetime, actor: str, *, dossiers: int
    ) -> None:
        implicit_start = t.serving_at is None
        if implicit_start:
            # Service began when the citizen was called if the clerk never pressed "start".
            t.serving_at = t.last_called_at or now
        t.state = TicketState.COMPLETED.value
        t.completed_at = now
        t.dossiers = dossiers
        c.ticket_id = None
        c.updated_at = now
        data: dict[str, Any] = {"code": t.code, "dossiers": dossiers}
        if implicit_start:
            data["serving_from_call"] = True
        self._log(s, now, EventKind.COMPLETED, actor=actor, ticket=t, counter=c.number, data=data)

    def transfer(
        self,
        counter: int,
        *,
        to_field: str | None = None,
        to_counter: int | None = None,
        actor: str | None = None,
    ) -> Ticket:
        """Send the ticket in hand to another field or counter, keeping its place in line."""
        if (to_field is None) == (to_counter is None):
            raise InvalidTicketState(
                "Chọn lĩnh vực hoặc quầy để chuyển đến",
                "Choose either a field or a counter to transfer to",
            )
        actor = actor or f"counter:{counter}"
        if to_field is not None:
            self._field(to_field)
        if to_counter is not None:
            self._check_counter(to_counter)
            if to_counter == counter:
                raise InvalidTicketState(
                    "Không thể chuyển đến chính quầy này", "Cannot transfer to the same counter"
                )
        with self.store.write() as s:
            now, day = self._begin(s)
            c = self._counter_row(s, counter, now)
            t = self._require_held(s, c)
            from_field = t.queue_field
            self._join_today(t, day)
            if to_field is not None:
                t.queue_field = to_field
                t.target_counter = None
            else:
                t.target_counter = to_counter
            t.state = TicketState.WAITING.value
            t.counter = None
            t.serving_at = None  # service time counts at the counter that completes it
            t.transfers += 1
            c.ticket_id = None
            c.updated_at = now
            self._log(
                s,
                now,
                EventKind.TRANSFERRED,
                actor=actor,
                ticket=t,
                counter=counter,
                field=t.queue_field,
                data={
                    "code": t.code,
                    "from_field": from_field,
                    "to_field": to_field,
                    "to_counter": to_counter,
                },
            )
            return ticket_value(t)

    def open_counter(self, counter: int, *, actor: str | None = None) -> None:
        actor = actor or f"counter:{counter}"
        with self.store.write() as s:
            now, _ = self._begin(s)
            c = self._counter_row(s, counter, now)
            self._open_if_needed(s, c, now, actor)

    def pause_counter(self, counter: int, reason: str = "", *, actor: str | None = None) -> None:
        """Pause (lunch, meeting…): the counter keeps any ticket it holds."""
        actor = actor or f"counter:{counter}"
        with self.store.write() as s:
            now, _ = self._begin(s)
            c = self._counter_row(s, counter, now)
            c.state = CounterState.PAUSED.value
            c.reason = reason.strip()[:200]
            c.updated_at = now
            self._log(
                s,
                now,
                EventKind.COUNTER_PAUSED,
                actor=actor,
                counter=counter,
                data={"reason": c.reason},
            )

    def close_counter(self, counter: int, *, actor: str | None = None) -> None:
        actor = actor or f"counter:{counter}"
        with self.store.write() as s:
            now, _ = self._begin(s)
            c = self._counter_row(s, counter, now)
            held = self._held_ticket(s, c)
            if held is not None:
                raise CounterBusy(
                    f"Quầy số {counter} đang giữ số {held.code}: hoàn thành hoặc chuyển trước",
                    f"Counter {counter} still holds {held.code}: complete or transfer it first",
                )
            c.state = CounterState.CLOSED.value
            c.reason = ""
            c.updated_at = now
            self._log(s, now, EventKind.COUNTER_CLOSED, actor=actor, counter=counter)

    # ------------------------------------------------------------------ admin

    def set_field_today(
        self, field: str, is_open: bool, *, reason: str = "", actor: str = "admin"
    ) -> None:
        """Close a field for today (or open it outside its hours) from the admin panel."""
        f = self._field(field)
        with self.store.write() as s:
            now, day = self._begin(s)
            row = s.get(FieldDayRow, (self.site, day, f.code))
            if row is None:
                s.add(
                    FieldDayRow(
                        site=self.site,
                        business_day=day,
                        field=f.code,
                        is_open=is_open,
                        reason=reason,
                    )
                )
            else:
                row.is_open = is_open
                row.reason = reason
            kind = EventKind.FIELD_OPENED if is_open else EventKind.FIELD_CLOSED
            self._log(s, now, kind, actor=actor, field=f.code, data={"reason": reason})

    # ------------------------------------------------------------------ reading

    def _find(
        self,
        s: Session,
        code: str,
        day: date,
        *,
        lock: bool = False,
        prefer: TicketState | None = None,
    ) -> TicketRow:
        """The ticket `code` of today: today's own, or one of an earlier day that joined
        today's queue after midnight (same code: one in state `prefer` first, then today's)."""
        code = code.strip().upper()
        stmt = (
            select(TicketRow)
            .where(
                TicketRow.site == self.site,
                TicketRow.code == code,
                (TicketRow.business_day == day) | self._todays_queue(day),
            )
            .order_by(
                TicketRow.state != (prefer or TicketState.WAITING).value,
                TicketRow.business_day.desc(),
            )
            .limit(1)
        )
        t = s.scalars(self.store.lock_rows(stmt) if lock else stmt).first()
        if t is None:
            raise UnknownTicket(
                f"Không có số {code} trong ngày {day:%d/%m/%Y}",
                f"No ticket {code} today ({day:%d/%m/%Y})",
            )
        return t

    def _bad_state(
        self, t: TicketRow, verb_vi: str, verb_en: str, needed: str
    ) -> InvalidTicketState:
        state = TicketState(t.state)
        return InvalidTicketState(
            f"Không thể {verb_vi} số {t.code}: phiếu {_STATE_VI[state]}",
            f"Cannot {verb_en} {t.code}: it is {state.value}, not {needed}",
        )

    def find_ticket(self, code: str, day: date | None = None) -> Ticket:
        with self.store.read() as s:
            return ticket_value(self._find(s, code, day or self.business_day()))

    def ticket(self, ticket_id: int) -> Ticket:
        with self.store.read() as s:
            t = s.get(TicketRow, ticket_id)
            if t is None:
                raise UnknownTicket(f"Không có phiếu {ticket_id}", f"No ticket with id {ticket_id}")
            return ticket_value(t)

    def ticket_views(self, tokens: Collection[str]) -> dict[str, TicketView]:
        """Tickets by page token as their web pages show them, in one read (unknown: absent).

        People ahead and the estimate are the kiosk's (`kiosk.core.order.outlooks`, the same
        as `issue`), for every page in one round of calls.
        """
        wanted = [t for t in dict.fromkeys(tokens) if t]
        if not wanted:
            return {}
        day = self.business_day()
        views: dict[str, TicketView] = {}
        with self.store.read() as s:
            rows: list[TicketRow] = []
            for i in range(0, len(wanted), 500):
                rows.extend(
                    s.scalars(
                        select(TicketRow).where(
                            TicketRow.site == self.site,
                            TicketRow.page_token.in_(wanted[i : i + 500]),
                        )
                    ).all()
                )
            waiting = self._waiting_today(s, day)
            mine = {r.id for r in rows}
            seen = outlooks(
                (place_of(r) for r in waiting if r.id in mine), self._lines(waiting), self._turns(s)
            )
            medians: dict[str, float] = {}
            start = self.day_start(day)
            for r in rows:
                ahead = wait = counters_open = None
                if r.id in seen:
                    told = seen[r.id]
                    ahead, counters_open = told.people_ahead, told.counters_open
                    wait = self._wait(s, r.queue_field, told, medians)
                # Today's, or still with a counter, or in today's queue after midnight.
                live = r.business_day == day or r.state in _HELD or r.sort_at >= start
                assert r.page_token is not None
                views[r.page_token] = TicketView(ticket_value(r), live, ahead, wait, counters_open)
        return views

    def tickets(self, day: date | None = None) -> list[Ticket]:
        """Every ticket of a business day (all days when None), in issue order."""
        with self.store.read() as s:
            stmt = select(TicketRow).where(TicketRow.site == self.site)
            if day is not None:
                stmt = stmt.where(TicketRow.business_day == day)
            return [ticket_value(r) for r in s.scalars(stmt.order_by(TicketRow.id)).all()]

    def waiting(
        self, fields: Sequence[str] | None = None, *, counter: int | None = None
    ) -> list[Ticket]:
        """Today's waiting tickets: those `counter` may call, in the order it will call them
        (`kiosk.core.order.call_order`); or those of some fields, priority first then place."""
        day = self.business_day()
        with self.store.read() as s:
            rows = self._waiting_today(s, day)
            by_id = {r.id: r for r in rows}
            if counter is not None:
                self._check_counter(counter)
                streak = next(c.streak for c in self._turns(s) if c.number == counter)
                own = set(self.config.fields_of_counter(counter))
                mine = [
                    place_of(r)
                    for r in rows
                    if r.target_counter == counter
                    or (r.target_counter is None and r.queue_field in own)
                ]
                ordered = call_order(mine, self._policy(), streak, counter)
            else:
                wanted = set(fields) if fields is not None else None
                ordered = line_order(
                    place_of(r) for r in rows if wanted is None or r.queue_field in wanted
                )
            return [ticket_value(by_id[p.ticket_id]) for p in ordered]

    def skipped(self, counter: int | None = None) -> list[Ticket]:
        """Today's skipped tickets (of a counter's fields), newest first."""
        day = self.business_day()
        with self.store.read() as s:
            stmt = select(TicketRow).where(
                TicketRow.site == self.site,
                TicketRow.state == TicketState.SKIPPED.value,
                self._todays_queue(day),
            )
            if counter is not None:
                stmt = stmt.where(TicketRow.queue_field.in_(self.config.fields_of_counter(counter)))
            return [ticket_value(r) for r in s.scalars(stmt.order_by(TicketRow.id.desc())).all()]

    def events_after(self, after_id: int = 0, limit: int = 1000) -> list[Event]:
        """The log after event id `after_id`, oldest first (the change feed reads this)."""
        with self.store.read() as s:
            rows = s.execute(
                select(EventRow, TicketRow.code)
                .outerjoin(TicketRow, TicketRow.id == EventRow.ticket_id)
                .where(EventRow.site == self.site, EventRow.id > after_id)
                .order_by(EventRow.id)
                .limit(limit)
            ).all()
            return [event_value(e, code) for e, code in rows]

    def last_event_id(self) -> int:
        with self.store.read() as s:
            return int(
                s.scalar(select(func.max(EventRow.id)).where(EventRow.site == self.site)) or 0
            )

    def snapshot(self, recent: int = 10) -> Snapshot:
        """Waiting per field, each counter's ticket and stats, the recent calls."""
        now = self.clock.now()
        day = self.business_day(now)
        with self.store.read() as s:
            last_id = int(
                s.scalar(select(func.max(EventRow.id)).where(EventRow.site == self.site)) or 0
            )
            rows = self._waiting_today(s, day)
            counts: dict[tuple[str, bool], int] = {}
            oldest: dict[str, datetime] = {}
            for r in rows:
                key = (r.queue_field, bool(r.priority))
                counts[key] = counts.get(key, 0) + 1
                oldest[r.queue_field] = min(oldest.get(r.queue_field, r.issued_at), r.issued_at)
            # What a normal ticket taken now would be told: the kiosk button's promise.
            codes = [f.code for f in self.config.fields]
            newcomers = newcomer_outlooks(self._lines(rows), self._turns(s), codes)
            medians: dict[str, float] = {}
            fields = []
            for f in self.config.ordered_fields():
                waiting = counts.get((f.code, False), 0) + counts.get((f.code, True), 0)
                seen = newcomers[f.code]
                wait = self._wait(s, f.code, seen, medians)
                is_open, why_vi, why_en, opens = self._field_open_state(s, f, now, day)
                issued = self._issued_count(s, f.code, day)
                if is_open and f.daily_cap is not None and issued >= f.daily_cap:
                    is_open = False
                    why_vi, why_en = "Đã hết số thứ tự trong ngày", "No more numbers today"
                fields.append(
                    FieldStatus(
                        code=f.code,
                        name=f.name,
                        name_en=f.name_en,
                        prefix=f.prefix,
                        waiting=waiting,
                        priority_waiting=counts.get((f.code, True), 0),
                        issued_today=issued,
                        estimated_wait_minutes=wait,
                        counters_open=seen.counters_open,
                        open_now=is_open,
                        closed_reason_vi=why_vi,
                        closed_reason_en=why_en,
                        opens_at=opens,
                        oldest_waiting_at=oldest.get(f.code),
                    )
                )
            counter_rows = {
                c.number: c
                for c in s.scalars(select(CounterRow).where(CounterRow.site == self.site)).all()
            }
            stats = {
                n: (int(cnt), avg)
                for n, cnt, avg in s.execute(
                    select(
                        TicketRow.counter,
                        func.count(),
                        func.avg(_seconds_between(s, TicketRow.serving_at, TicketRow.completed_at)),
                    )
                    .where(
                        TicketRow.site == self.site,
                        TicketRow.business_day == day,
                        TicketRow.state == TicketState.COMPLETED.value,
                    )
                    .group_by(TicketRow.counter)
                ).all()
            }
            counters = []
            for cc in self.config.counters:
                row = counter_rows.get(cc.number)
                held = s.get(TicketRow, row.ticket_id) if row and row.ticket_id else None
                served, avg = stats.get(cc.number, (0, None))
                counters.append(
                    CounterStatus(
                        number=cc.number,
                        name=cc.label_vi,
                        name_en=cc.label_en,
                        state=CounterState(row.state) if row else CounterState.CLOSED,
                        reason=row.reason if row else "",
                        fields=tuple(self.config.fields_of_counter(cc.number)),
                        ticket=ticket_value(held) if held else None,
                        served_today=served,
                        avg_service_seconds=float(avg) if avg is not None else None,
                        since=row.updated_at if row else None,
                    )
                )
            calls = s.execute(
                select(EventRow, TicketRow.code)
                .join(TicketRow, TicketRow.id == EventRow.ticket_id)
                .where(
                    EventRow.site == self.site,
                    EventRow.business_day == day,
                    EventRow.kind.in_([k.value for k in CALL_KINDS]),
                )
                .order_by(EventRow.id.desc())
                .limit(recent)
            ).all()
            recent_calls = tuple(
                CallRecord(
                    event_id=e.id,
                    at=e.at,
                    code=code,
                    counter=int(e.counter or 0),
                    field=e.field or "",
                    recall=e.kind == EventKind.RECALLED.value,
                )
                for e, code in calls
            )
            return Snapshot(
                business_day=day,
                at=now,
                last_event_id=last_id,
                fields=tuple(fields),
                counters=tuple(counters),
                recent_calls=recent_calls,
            )


def _check_dossiers(dossiers: int) -> None:
    """InvalidTicketState unless a completion records 0 to 99 dossiers."""
    if not 0 <= dossiers <= 99:
        raise InvalidTicketState(
            "Số hồ sơ phải từ 0 đến 99", "The number of dossiers must be between 0 and 99"
        )


def _seconds_between(s: Session, start: Any, end: Any) -> Any:
    """SQL expression for (end - start) in seconds on the session's backend."""
    if s.get_bind().dialect.name == "postgresql":
        return extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0
