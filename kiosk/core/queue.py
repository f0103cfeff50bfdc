"""The queue's write side: every operation of kiosk, counters and admin, one transaction each.

Each operation appends its events to `queue_events` and updates the `tickets` projection in
the same transaction, so the log and the current state can never disagree. Reads (snapshot,
waiting lists, ticket views) live in `kiosk.core.reader.QueueReader`, which this extends.
"""

from __future__ import annotations

import logging
import math
import secrets
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, Table, or_, select, union_all

from kiosk.core.clock import Clock
from kiosk.core.config import Config
from kiosk.core.errors import (
    CallTooSoon,
    CounterBusy,
    CounterNotServingField,
    DailyCapReached,
    FieldClosed,
    InvalidTicketState,
    NoOneWaiting,
    NoTicketAtCounter,
    UnknownTicket,
)
from kiosk.core.lockout import Lockout
from kiosk.core.model import CounterState, EventKind, IssuedTicket, Ticket, TicketState
from kiosk.core.officers import (
    find_officer,
    lockout_scope,
    officer_now,
    pin_refusal,
    require_officer,
)
from kiosk.core.order import choose, next_streak
from kiosk.core.ratings import RatingChannel, RatingResult, check_rating
from kiosk.core.reader import QueueReader, ticket_value
from kiosk.core.rules import call_guard_remaining
from kiosk.core.schema import CounterRow, EventRow, FieldDayRow, TicketRow
from kiosk.core.store import Store, Tx

log = logging.getLogger(__name__)
#: The longest procedure key a ticket records (the tickets.procedure column).
PROCEDURE_MAX = 120
#: Prefix of the held ticket's columns read with its counter's row (`_counter_row`).
_HELD = "held_"
_STATE_VI = {
    TicketState.WAITING: "đang chờ",
    TicketState.CALLED: "đã được gọi",
    TicketState.SERVING: "đang được phục vụ",
    TicketState.SKIPPED: "đã bị bỏ qua",
    TicketState.COMPLETED: "đã hoàn thành",
    TicketState.NO_SHOW: "vắng mặt",
    TicketState.EXPIRED: "đã hết hạn",
}


def new_page_token() -> str:
    """128 random bits, URL-safe: the address of a ticket's page, unguessable from its number."""
    return secrets.token_urlsafe(16)


class QueueService(QueueReader):
    """Queue operations for one site. Thread-safe: every call opens its own transaction."""

    def __init__(self, store: Store, config: Config, clock: Clock | None = None) -> None:
        super().__init__(store, config, clock)
        #: The business day whose earlier days' queues this process has closed (committed).
        self._expired_before: date | None = None
        self._heads: dict[tuple[int, bool | None], tuple[date, Select[Any]]] = {}
        self._counter_stmts: dict[int, Select[Any]] = {}

    def _join_today(self, t: TicketRow, day: date) -> None:
        """A ticket of an earlier day leaving its counter unfinished after midnight (transfer,
        skip) joins today's queue at its front: its citizen has waited longer than anyone."""
        start = self.day_start(day)
        if t.sort_at < start:
            t.sort_at = start

    def _log(
        self,
        tx: Tx,
        now: datetime,
        kind: EventKind,
        *,
        actor: str,
        ticket: TicketRow | None = None,
        counter: int | None = None,
        field: str | None = None,
        data: dict[str, Any] | None = None,
        day: date | None = None,
        officer: str | None = None,
    ) -> None:
        tx.add_event(
            at=now,
            business_day=day or self.business_day(now),
            kind=kind.value,
            ticket_id=ticket.id if ticket else None,
            counter=counter,
            field=field if field is not None else (ticket.queue_field if ticket else None),
            actor=actor,
            site=self.site,
            data=data or {},
            officer=officer,
        )

    def _close_earlier_days(self, tx: Tx) -> tuple[datetime, date]:
        """Start of every write: the time and business day, after closing earlier days' queues."""
        now = self.clock.now()
        day = self.business_day(now)
        if self._expired_before != day:
            self._expire_previous_days(tx, now, day)
            # Once committed, no ticket of an earlier day can wait in an earlier queue again
            # (`_join_today` moves a late one into today's), so later writes skip the query.
            tx.after_commit.append(lambda: setattr(self, "_expired_before", day))
        return now, day

    def _expire_previous_days(self, tx: Tx, now: datetime, day: date) -> None:
        """Close the tickets left in earlier days' queues with an `expired` event.

        Only waiting and skipped tickets expire (skipped ones as no-shows). A ticket a counter
        holds (called or being served) at midnight stays with it until finished, completed,
        skipped or transferred, and is counted on the day it was issued; see `_join_today`.
        """
        stale = tx.records(
            TicketRow,
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
            ),
        )
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
            self._log(
                tx,
                now,
                EventKind.EXPIRED,
                actor="system",
                ticket=t,
                data={"from": before.value, "code": t.code},
                day=t.business_day,
            )
        log.info("expired %d unfinished tickets of earlier days", len(stale))

    def _head_statement(self, counter: int, priority: bool, day: date) -> Select[Any]:
        """The first waiting ticket of a class that `counter` may call (its fields' lines and
        its own), locked and skipped by other callers on PostgreSQL. Built once per day and
        counter: building a statement costs more than SQLite takes to run it."""
        key = (counter, priority)
        built = self._heads.get(key)
        if built is not None and built[0] == day:
            return built[1]
        fields = self.config.fields_of_counter(counter)
        stmt = (
            select(TicketRow)
            .where(
                TicketRow.site == self.site,
                TicketRow.state == TicketState.WAITING.value,
                self._todays_queue(day),
                or_(
                    TicketRow.target_counter == counter,
                    (TicketRow.target_counter.is_(None)) & TicketRow.queue_field.in_(fields),
                ),
                TicketRow.priority.is_(priority),
            )
            .order_by(TicketRow.sort_at, TicketRow.id)
            .limit(1)
        )
        stmt = self.store.lock_rows(stmt, skip_locked=True)
        self._heads[key] = (day, stmt)
        return stmt

    def _both_heads(self, tx: Tx, counter: int, day: date) -> dict[bool, TicketRow] | None:
        """SQLite: the first waiting ticket of each class `counter` may call, by class, in one
        statement (`choose` still decides between them). None on PostgreSQL, where each head
        is read with its own SKIP LOCKED row lock, which a UNION cannot take."""
        if self.store.dialect != "sqlite":
            return None
        key = (counter, None)
        built = self._heads.get(key)
        if built is None or built[0] != day:
            both = union_all(
                *(
                    select(self._head_statement(counter, priority, day).subquery())
                    for priority in (True, False)
                )
            )
            built = self._heads[key] = (day, select(both.subquery()))
        rows = tx.records(TicketRow, built[1], flush=False)
        return {bool(r.priority): r for r in rows}

    def _counter_row(self, tx: Tx, number: int, now: datetime) -> CounterRow:
        self._check_counter(number)
        stmt = self._counter_stmts.get(number)
        if stmt is None:
            # The ticket it holds comes with it (`_held_ticket` then reads nothing).
            counters: Table = CounterRow.__table__
            tickets: Table = TicketRow.__table__
            stmt = self.store.lock_rows(
                select(counters, *(c.label(_HELD + c.name) for c in tickets.columns))
                .select_from(counters.outerjoin(tickets, tickets.c.id == counters.c.ticket_id))
                .where(counters.c.site == self.site, counters.c.number == number),
                of=counters,
            )
            self._counter_stmts[number] = stmt
        row = tx.record_with(CounterRow, TicketRow, stmt, _HELD)
        if row is not None:
            if row.officer is not None:
                self._check_sign_in(tx, row, now)
            return row
        # The counter's first write ever: create its row (another process may race us to it).
        self.store.insert_ignore(
            tx,
            CounterRow,
            site=self.site,
            number=number,
            state=CounterState.CLOSED.value,
            reason="",
            ticket_id=None,
            priority_streak=0,
            updated_at=now,
            officer=None,
        )
        created = tx.record_with(CounterRow, TicketRow, stmt, _HELD)
        assert created is not None  # inserted above, or by the process that raced us
        return created

    def _at_counter(
        self,
        tx: Tx,
        c: CounterRow,
        now: datetime,
        kind: EventKind,
        *,
        actor: str,
        ticket: TicketRow | None = None,
        field: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Log an event of counter `c`, with the officer signed in there."""
        self._log(
            tx,
            now,
            kind,
            actor=actor,
            ticket=ticket,
            counter=c.number,
            field=field,
            data=data,
            officer=c.officer,
        )

    def _check_sign_in(self, tx: Tx, c: CounterRow, now: datetime) -> None:
        """Sign out a counter's officer whose sign-in no longer holds (`officer_now`): of an
        earlier business day (the `signed_out` is of that day), or no longer configured."""
        day = self.business_day(now)
        if officer_now(self.config, c.officer, c.updated_at, day, self.business_day) is None:
            stale = c.updated_at is not None and self.business_day(c.updated_at) < day
            reason = "day_end" if stale else "not_configured"
            self._sign_out_row(tx, c, now, f"counter:{c.number}", reason)

    def _sign_out_row(
        self, tx: Tx, c: CounterRow, now: datetime, actor: str, reason: str, **data: Any
    ) -> None:
        """Write `signed_out` for the officer of `c` (on the day of their sign-in) and clear it."""
        officer = c.officer
        if officer is None:
            return
        since = c.updated_at
        day = min(self.business_day(now), self.business_day(since)) if since else None
        c.officer = None
        c.updated_at = now
        self._log(
            tx,
            now,
            EventKind.SIGNED_OUT,
            actor=actor,
            counter=c.number,
            data={"reason": reason, **data},
            day=day,
            officer=officer,
        )

    def _held_ticket(self, tx: Tx, counter: CounterRow) -> TicketRow | None:
        if counter.ticket_id is None:
            return None
        return tx.get(TicketRow, counter.ticket_id)

    def _require_held(self, tx: Tx, counter: CounterRow) -> TicketRow:
        t = self._held_ticket(tx, counter)
        if t is None:
            raise NoTicketAtCounter(
                f"Quầy số {counter.number} chưa gọi số nào",
                f"Counter {counter.number} holds no ticket; call next first",
            )
        return t

    def _open_if_needed(self, tx: Tx, counter: CounterRow, now: datetime, actor: str) -> None:
        if counter.state != CounterState.OPEN.value:
            counter.state = CounterState.OPEN.value
            counter.reason = ""
            counter.updated_at = now
            self._at_counter(tx, counter, now, EventKind.COUNTER_OPENED, actor=actor)

    # ------------------------------------------------------------------ kiosk

    def issue(
        self,
        field: str,
        *,
        priority: bool = False,
        procedure: str | None = None,
        actor: str = "kiosk",
    ) -> IssuedTicket:
        """Give a citizen the next number of `field` (refused when closed or capped); with
        `procedure`, the catalogue procedure it is for (its key: `Procedure.key`)."""
        f = self._field(field)
        if procedure is not None and not 0 < len(procedure.strip()) <= PROCEDURE_MAX:
            raise InvalidTicketState(
                f"Tên thủ tục phải dài 1-{PROCEDURE_MAX} ký tự",
                f"A procedure is named in 1 to {PROCEDURE_MAX} characters",
            )
        sqlite = self.store.dialect == "sqlite"
        with self.store.write() as s:
            now, day = self._close_earlier_days(s)
            # SQLite: the log's last event before this write, read under its write lock.
            before = self._log_mark(s) if sqlite else None
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
            t = s.insert(
                TicketRow,
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
                procedure=procedure,
            )
            data: dict[str, Any] = {"priority": priority}
            if procedure is not None:
                data["procedure"] = procedure
            self._log(s, now, EventKind.ISSUED, actor=actor, ticket=t, data=data)
        # Who is ahead is worked out after the commit, not under the write lock: the kiosk's
        # other writers (counters calling) never wait for the call order's walk. When this
        # write's one event directly follows what this process last read of the log, its
        # caches know the queue as committed and nothing needs reading again.
        if before is not None and len(s.event_ids) == 1:
            mark = (s.event_ids[0], now.astimezone(UTC), EventKind.ISSUED.value, t.id)
            told = self._told_after_own_write(day, before, mark, t, [EventKind.ISSUED.value])
            if told is not None:
                return told
        return self.ticket_view(t.id)

    def rate(
        self,
        ticket_id: int,
        level: str,
        *,
        channel: str,
        reasons: tuple[str, ...] = (),
        counter: int | None = None,
        actor: str | None = None,
    ) -> RatingResult:
        """A citizen's rating of the completed service of ticket `ticket_id` (the rules:
        `kiosk.core.ratings.check_rating`; `counter`: the counter's rating screen). A ticket
        rated already keeps its first rating and nothing is written (a double tap)."""
        window = self.config.ratings.window_minutes
        with self.store.write() as s:
            now, _ = self._close_earlier_days(s)
            stmt = self.store.lock_rows(select(TicketRow).where(TicketRow.id == ticket_id))
            t = s.record(TicketRow, stmt)
            if t is None:
                raise UnknownTicket(f"Không có phiếu {ticket_id}", f"No ticket with id {ticket_id}")
            if t.rating is not None:
                return RatingResult(ticket_value(t), recorded=False)
            lvl, chan, chosen = check_rating(
                level=level,
                reasons=tuple(reasons),
                channel=channel,
                counter=counter,
                state_completed=t.state == TicketState.COMPLETED.value,
                completed_at=t.completed_at,
                served_at_counter=t.counter,
                now=now,
                window_minutes=window,
                known_reasons=tuple(self.config.ratings.reasons),
            )
            t.rating = lvl.value
            t.rating_reasons = list(chosen)
            t.rating_channel = chan.value
            t.rated_at = now
            data = {"code": t.code, "level": lvl.value, "reasons": list(chosen)}
            data["channel"] = chan.value
            where = f"rate:{counter}" if chan is RatingChannel.COUNTER_SCREEN else "phone"
            self._log(
                s,
                now,
                EventKind.RATED,
                actor=actor or where,
                ticket=t,
                counter=t.counter,
                data=data,
                officer=t.officer,
            )
            return RatingResult(ticket_value(t), recorded=True)

    def record_print(
        self, ticket_id: int, *, ok: bool, message: str = "", actor: str = "kiosk"
    ) -> None:
        """Log `printed` or `print_failed` for a ticket (the ticket itself stays valid)."""
        with self.store.write() as s:
            now, _ = self._close_earlier_days(s)
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
            now, day = self._close_earlier_days(s)
            c = self._counter_row(s, counter, now)
            require_officer(self.config, c.officer, counter)
            self._finish_held_before_call(s, c, now, actor, dossiers=dossiers, guard=guard)

            heads = self._both_heads(s, counter, day)

            def head(priority: bool) -> TicketRow | None:
                if heads is not None:
                    return heads.get(priority)
                # The ticket just completed and the counter's row are not waiting tickets:
                # their changes are written with the call's, in one UPDATE each.
                stmt = self._head_statement(counter, priority, day)
                return s.record(TicketRow, stmt, flush=False)

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
            now, day = self._close_earlier_days(s)
            c = self._counter_row(s, counter, now)
            require_officer(self.config, c.officer, counter)
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
        self, s: Tx, c: CounterRow, now: datetime, actor: str, *, dossiers: int, guard: bool
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

    def _check_call_guard(self, s: Tx, c: CounterRow, held: TicketRow, now: datetime) -> None:
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
        s: Tx,
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
        if t.officer != c.officer:
            t.officer = c.officer
        c.ticket_id = t.id
        c.updated_at = now
        data: dict[str, Any] = {"code": t.code}
        if out_of_turn:
            data["out_of_turn"] = True
        if t.transfers:
            data["transfers"] = t.transfers
        self._at_counter(s, c, now, EventKind.CALLED, actor=actor, ticket=t, data=data)

    def recall(self, counter: int, *, actor: str | None = None) -> Ticket:
        """Announce the ticket in hand again."""
        actor = actor or f"counter:{counter}"
        with self.store.write() as s:
            now, _ = self._close_earlier_days(s)
            c = self._counter_row(s, counter, now)
            t = self._require_held(s, c)
            t.recalls += 1
            t.last_called_at = now
            self._at_counter(
                s,
                c,
                now,
                EventKind.RECALLED,
                actor=actor,
                ticket=t,
                data={"code": t.code, "recalls": t.recalls},
            )
            return ticket_value(t)

    def skip(self, counter: int, *, actor: str | None = None) -> Ticket:
        """The citizen did not come: set the ticket aside (it can be returned later)."""
        actor = actor or f"counter:{counter}"
        with self.store.write() as s:
            now, day = self._close_earlier_days(s)
            c = self._counter_row(s, counter, now)
            t = self._require_held(s, c)
            t.state = TicketState.SKIPPED.value
            t.counter = None
            self._join_today(t, day)
            c.ticket_id = None
            c.updated_at = now
            self._at_counter(
                s,
                c,
                now,
                EventKind.SKIPPED,
                actor=actor,
                ticket=t,
                data={"code": t.code, "recalls": t.recalls},
            )
            return ticket_value(t)

    def return_skipped(self, code: str, *, actor: str = "counter") -> Ticket:
        """Put a skipped ticket back in the queue at its original place."""
        with self.store.write() as s:
            now, day = self._close_earlier_days(s)
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
            now, _ = self._close_earlier_days(s)
            c = self._counter_row(s, counter, now)
            t = self._require_held(s, c)
            if t.state == TicketState.SERVING.value:
                return ticket_value(t)
            t.state = TicketState.SERVING.value
            t.serving_at = now
            self._at_counter(
                s, c, now, EventKind.SERVING, actor=actor, ticket=t, data={"code": t.code}
            )
            return ticket_value(t)

    def complete(self, counter: int, *, dossiers: int = 1, actor: str | None = None) -> Ticket:
        """Finish the ticket in hand, recording how many dossiers were handled."""
        _check_dossiers(dossiers)
        actor = actor or f"counter:{counter}"
        with self.store.write() as s:
            now, _ = self._close_earlier_days(s)
            c = self._counter_row(s, counter, now)
            t = self._require_held(s, c)
            self._complete(s, c, t, now, actor, dossiers=dossiers)
            return ticket_value(t)

    def _complete(
        self, s: Tx, c: CounterRow, t: TicketRow, now: datetime, actor: str, *, dossiers: int
    ) -> None:
        implicit_start = t.serving_at is None
        if implicit_start:
            # Service began when the citizen was called if the clerk never pressed "start".
            t.serving_at = t.last_called_at or now
        t.state = TicketState.COMPLETED.value
        t.completed_at = now
        t.dossiers = dossiers
        if c.officer is not None:  # whoever completes it served it (a shift change mid-service)
            t.officer = c.officer
        c.ticket_id = None
        c.updated_at = now
        data: dict[str, Any] = {"code": t.code, "dossiers": dossiers}
        if implicit_start:
            data["serving_from_call"] = True
        self._at_counter(s, c, now, EventKind.COMPLETED, actor=actor, ticket=t, data=data)

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
            now, day = self._close_earlier_days(s)
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
            self._at_counter(
                s,
                c,
                now,
                EventKind.TRANSFERRED,
                actor=actor,
                ticket=t,
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
            now, _ = self._close_earlier_days(s)
            c = self._counter_row(s, counter, now)
            self._open_if_needed(s, c, now, actor)

    def pause_counter(self, counter: int, reason: str = "", *, actor: str | None = None) -> None:
        """Pause (lunch, meeting…): the counter keeps any ticket it holds."""
        actor = actor or f"counter:{counter}"
        with self.store.write() as s:
            now, _ = self._close_earlier_days(s)
            c = self._counter_row(s, counter, now)
            c.state = CounterState.PAUSED.value
            c.reason = reason.strip()[:200]
            c.updated_at = now
            self._at_counter(
                s, c, now, EventKind.COUNTER_PAUSED, actor=actor, data={"reason": c.reason}
            )

    def close_counter(self, counter: int, *, actor: str | None = None) -> None:
        actor = actor or f"counter:{counter}"
        with self.store.write() as s:
            now, _ = self._close_earlier_days(s)
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
            self._at_counter(s, c, now, EventKind.COUNTER_CLOSED, actor=actor)
            # Closing ends the officer's work at the counter: the next one signs in afresh.
            self._sign_out_row(s, c, now, actor, "counter_closed")

    # ------------------------------------------------------------------ officers

    def sign_in(
        self,
        counter: int,
        officer_id: str,
        *,
        pin: str | None = None,
        actor: str | None = None,
        verified: bool = False,
    ) -> bool:
        """Sign officer `officer_id` in at `counter` (kiosk.core.officers). Their PIN, when
        one is set, is checked first through the lockout (OfficerPinRefused). The officer
        signed in there before is signed out (a shift change; a held ticket stays with the
        counter), and so is this officer at any other counter. False when they were signed
        in there already (nothing is written).

        `verified`: the caller itself plays the officer, so there is nobody to ask for a PIN
        (the simulator writing simulated days). No screen passes it: a console or page always
        has the PIN checked here."""
        actor = actor or f"counter:{counter}"
        self._check_counter(counter)
        officer = find_officer(self.config, officer_id, counter)
        if officer.pin_hash and not verified:
            lockout = Lockout(self.store, self.site, self.business_day, self.clock)
            attempt = lockout.attempt(
                lockout_scope(officer.id), pin or "", officer.pin_hash, actor=actor
            )
            if not attempt.ok:
                raise pin_refusal(attempt)
        with self.store.write() as s:
            now, _ = self._close_earlier_days(s)
            # Every counter row of the site, locked in number order (so two sign-ins cannot
            # deadlock): the officer may be signed in at another counter.
            rows = s.records(
                CounterRow,
                self.store.lock_rows(
                    select(CounterRow)
                    .where(CounterRow.site == self.site)
                    .order_by(CounterRow.number)
                ),
            )
            c = self._counter_row(s, counter, now)
            if c.officer == officer.id:
                return False
            for other in rows:
                if other.number != counter and other.officer == officer.id:
                    self._sign_out_row(s, other, now, actor, "moved", to_counter=counter)
            self._sign_out_row(s, c, now, actor, "shift_change", by=officer.id)
            c.officer = officer.id
            c.updated_at = now
            self._log(s, now, EventKind.SIGNED_IN, actor=actor, counter=counter, officer=officer.id)
            return True

    def sign_out(self, counter: int, *, actor: str | None = None) -> bool:
        """Sign the officer at `counter` out (a held ticket stays: the next officer completes
        it). False when nobody was signed in (nothing is written)."""
        actor = actor or f"counter:{counter}"
        with self.store.write() as s:
            now, _ = self._close_earlier_days(s)
            c = self._counter_row(s, counter, now)
            if c.officer is None:
                return False
            self._sign_out_row(s, c, now, actor, "sign_out")
            return True

    # ------------------------------------------------------------------ admin

    def set_field_today(
        self, field: str, is_open: bool, *, reason: str = "", actor: str = "admin"
    ) -> None:
        """Close a field for today (or open it outside its hours) from the admin panel."""
        f = self._field(field)
        with self.store.write() as s:
            now, day = self._close_earlier_days(s)
            row = s.get(FieldDayRow, self.site, day, f.code)
            if row is None:
                s.insert(
                    FieldDayRow,
                    site=self.site,
                    business_day=day,
                    field=f.code,
                    is_open=is_open,
                    reason=reason,
                )
            else:
                row.is_open = is_open
                row.reason = reason
            kind = EventKind.FIELD_OPENED if is_open else EventKind.FIELD_CLOSED
            self._log(s, now, kind, actor=actor, field=f.code, data={"reason": reason})

    def _bad_state(
        self, t: TicketRow, verb_vi: str, verb_en: str, needed: str
    ) -> InvalidTicketState:
        state = TicketState(t.state)
        return InvalidTicketState(
            f"Không thể {verb_vi} số {t.code}: phiếu {_STATE_VI[state]}",
            f"Cannot {verb_en} {t.code}: it is {state.value}, not {needed}",
        )


def _check_dossiers(dossiers: int) -> None:
    """InvalidTicketState unless a completion records 0 to 99 dossiers."""
    if not 0 <= dossiers <= 99:
        raise InvalidTicketState(
            "Số hồ sơ phải từ 0 đến 99", "The number of dossiers must be between 0 and 99"
        )
