"""The queue's read side: the snapshot, waiting lists in call order, a ticket as its holder
is told it (people ahead, estimated wait), tickets and the event log. No writes here.

`QueueService` (kiosk.core.queue) extends this with the operations that change the queue; the
display and the web pages need only this.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Executable, Row, bindparam, extract, func, select

from kiosk.core.clock import Clock, SystemClock
from kiosk.core.config import Config, FieldConfig
from kiosk.core.errors import (
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
from kiosk.core.officers import officer_now
from kiosk.core.order import (
    CounterTurn,
    Lines,
    Outlook,
    Place,
    Policy,
    call_order,
    counters_able,
    line_order,
    newcomer_outlooks,
    outlook,
    outlooks,
)
from kiosk.core.rules import (
    estimate_wait_minutes,
    field_open_state,
    median_service_seconds,
)
from kiosk.core.schema import CounterRow, EventRow, FieldDayRow, TicketRow
from kiosk.core.store import Store, Tx
from kiosk.core.waiting import (
    REBUILD_SECONDS,
    Mark,
    Waiting,
    WaitingCache,
    WaitingNow,
    waiting_of,
)

_HELD = frozenset(s.value for s in HELD_STATES)
S = TypeVar("S", bound=Executable)
#: An event's ticket code beside the event's own columns (a Core row is flat).
_TICKET_CODE = TicketRow.code.label("ticket_code")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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
        procedure=row.procedure,
        rating=row.rating,
        rating_reasons=tuple(row.rating_reasons or ()),
        rating_channel=row.rating_channel,
        rated_at=row.rated_at,
        officer=row.officer,
    )


def placed(moment: datetime) -> int:
    """A place in line as the call order compares it: whole microseconds since 1970."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


#: The columns of a waiting ticket that the call order and the snapshot's counts read. Reading
#: these few instead of whole rows keeps issue and the snapshot cheap with a long queue.
_PLACE_COLUMNS = (
    TicketRow.id,
    TicketRow.priority,
    TicketRow.sort_at,
    TicketRow.queue_field,
    TicketRow.target_counter,
    TicketRow.issued_at,
)


def place_of(row: TicketRow) -> Place:
    """A waiting ticket as the call order sees it."""
    return Place(
        row.id, bool(row.priority), placed(row.sort_at), row.queue_field, row.target_counter
    )


def event_value(row: EventRow | Row[*tuple[Any, ...]], code: str | None) -> Event:
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
        officer=row.officer,
    )


def check_counter(config: Config, number: int) -> None:
    """UnknownCounter (naming the counters that exist) unless counter `number` is configured
    (the service, the console and the rating screen's command all ask here)."""
    if config.counter(number) is None:
        known = ", ".join(str(c.number) for c in config.counters)
        raise UnknownCounter(
            f"Không có quầy số {number}. Các quầy: {known}",
            f"No counter {number}. Counters: {known}",
        )


class QueueReader:
    """Reads of one site's queue. Thread-safe: every call opens its own read transaction."""

    def __init__(self, store: Store, config: Config, clock: Clock | None = None) -> None:
        self.store = store
        self.config = config
        self.clock = clock or SystemClock()
        self.site = config.site.id
        self._waiting_cache = WaitingCache()
        self._lines_memo: tuple[int, Lines] | None = None
        #: The kiosk buttons' promise for the same waiting tickets and counters.
        self._newcomers_memo: tuple[Hashable, dict[str, Outlook]] | None = None
        #: What the last snapshot read, kept until an event says it changed (`_parts`).
        self._parts_memo: _Parts | None = None
        self._statements: dict[tuple[Hashable, date | None], Any] = {}
        self._statements_day: date | None = None

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
        check_counter(self.config, number)

    def _field_label(self, code: str) -> tuple[str, str]:
        f = self.config.field(code)
        return (f.name, f.name_en) if f else (code, code)

    def _field_open_state(
        self,
        session: Tx,
        f: FieldConfig,
        now: datetime,
        day: date,
        overrides: Mapping[str, bool] | None = None,
    ) -> tuple[bool, str, str, datetime | None]:
        """(open, reason_vi, reason_en, opens_at) for issuing a ticket in field `f` now;
        `overrides`: the day's admin decisions (`_field_days`) when already read."""
        if overrides is None:
            row = session.get(FieldDayRow, self.site, day, f.code)
            override = row.is_open if row is not None else None
        else:
            override = overrides.get(f.code)
        return field_open_state(
            f, self.config.hours_of(f), now.astimezone(self.config.zone), override
        )

    def _field_days(self, session: Tx, day: date) -> dict[str, bool]:
        """The admin's decisions for day `day`: field code -> forced open (True) or closed."""
        stmt = self._statement(
            "field days",
            day,
            lambda: select(FieldDayRow.field, FieldDayRow.is_open).where(
                FieldDayRow.site == self.site, FieldDayRow.business_day == day
            ),
        )
        return {code: bool(is_open) for code, is_open in session.execute(stmt)}

    def _statement(self, key: Hashable, day: date | None, build: Callable[[], S]) -> S:
        """`build()`, built once per `key` (and per `day`, for a statement holding the day):
        building a statement costs more than SQLite takes to run it."""
        if day is not None and day != self._statements_day:
            self._statements = {}  # yesterday's statements are never used again
            self._statements_day = day
        stmt = self._statements.get((key, day))
        if stmt is None:
            stmt = self._statements[(key, day)] = build()
        return cast(S, stmt)

    def _issued_counts(self, session: Tx, day: date) -> dict[str, int]:
        """Tickets issued on day `day`, by field (a field with none is missing)."""
        from kiosk.core.schema import SequenceRow

        stmt = self._statement(
            "issued",
            day,
            lambda: select(SequenceRow.field, SequenceRow.last_number).where(
                SequenceRow.site == self.site, SequenceRow.business_day == day
            ),
        )
        return {code: int(n) for code, n in session.execute(stmt)}

    def _median_service(self, session: Tx, f: FieldConfig) -> float:
        stmt = self._statement(
            ("median", f.code),
            None,
            lambda: (
                select(TicketRow.serving_at, TicketRow.completed_at)
                .where(
                    TicketRow.site == self.site,
                    TicketRow.queue_field == f.code,
                    TicketRow.completed_at.is_not(None),
                )
                .order_by(TicketRow.completed_at.desc())
                .limit(self.config.queue.estimate_window)
            ),
        )
        rows = session.execute(stmt).all()
        durations = [(c - s).total_seconds() for s, c in rows if s is not None and c is not None]
        return median_service_seconds(durations, f.service_minutes)

    def _waiting_today(self, session: Tx, day: date) -> list[TicketRow]:
        """Every ticket waiting in today's queue."""
        return session.rows(
            TicketRow,
            select(TicketRow).where(
                TicketRow.site == self.site,
                TicketRow.state == TicketState.WAITING.value,
                self._todays_queue(day),
            ),
        )

    def _waiting_places(self, session: Tx, day: date, mark: Mark | None = None) -> WaitingNow:
        """Every ticket waiting in today's queue: from the process's `WaitingCache`, brought
        up to the log's last event (`mark`, when the caller has read it already)."""
        base = self._statement(
            "waiting",
            day,
            lambda: select(*_PLACE_COLUMNS).where(
                TicketRow.site == self.site,
                TicketRow.state == TicketState.WAITING.value,
                self._todays_queue(day),
            ),
        )
        some = self._statement(
            "waiting some",
            day,
            lambda: base.where(TicketRow.id.in_(bindparam("ids", expanding=True))),
        )

        def read_all() -> list[Waiting]:
            return [waiting_of(r, placed) for r in session.execute(base)]

        if session.writing:
            # Changes not yet committed have no events yet: never let them into the cache.
            return WaitingNow({w.ticket_id: w for w in read_all()}, -1)

        def mark_of(event_id: int) -> Mark:
            return self._log_mark(session, event_id)

        def changed_since(after: int, upto: int) -> Sequence[int]:
            stmt = self._statement(
                "changed",
                None,
                lambda: select(EventRow.ticket_id).where(
                    EventRow.site == self.site,
                    EventRow.id > bindparam("after"),
                    EventRow.id <= bindparam("upto"),
                    EventRow.ticket_id.is_not(None),
                ),
            )
            return session.scalars(stmt, {"after": after, "upto": upto}).all()

        def read_some(ids: Sequence[int]) -> list[Waiting]:
            return [
                waiting_of(r, placed)
                for i in range(0, len(ids), 500)
                for r in session.execute(some, {"ids": list(ids[i : i + 500])})
            ]

        if mark is None:
            mark = self._log_mark(session)
        return self._waiting_cache.waiting(day, mark, read_all, mark_of, changed_since, read_some)

    def _log_mark(self, session: Tx, event_id: int | None = None) -> Mark:
        """The log's last event (or event `event_id`) as (id, at, kind, ticket id)."""
        columns = (EventRow.id, EventRow.at, EventRow.kind, EventRow.ticket_id)
        if event_id is None:
            stmt = self._statement(
                "last event",
                None,
                lambda: (
                    select(*columns)
                    .where(EventRow.site == self.site)
                    .order_by(EventRow.id.desc())
                    .limit(1)
                ),
            )
        else:
            stmt = self._statement(
                "event",
                None,
                lambda: select(*columns).where(
                    EventRow.site == self.site, EventRow.id == bindparam("event_id")
                ),
            )
        row = session.execute(
            stmt, {"event_id": event_id} if event_id is not None else None
        ).first()
        return (row.id, row.at, row.kind, row.ticket_id) if row is not None else None

    def _last_event_id(self, session: Tx) -> int:
        return int(
            session.scalar(select(func.max(EventRow.id)).where(EventRow.site == self.site)) or 0
        )

    def _policy(self) -> Policy:
        q = self.config.queue
        return Policy(q.priority_policy, q.priority_burst)

    def _lines(self, waiting: WaitingNow) -> Lines:
        """The waiting tickets in their lines; the same object while they are unchanged (the
        call order's functions copy the lines before they take from them)."""
        memo = self._lines_memo
        if memo is not None and memo[0] == waiting.version >= 0:
            return memo[1]
        if memo is not None and waiting.before is not None and memo[0] == waiting.since >= 0:
            # The tickets of the last version with a few re-read: change a copy of its lines
            # (a copy: a walk elsewhere may be copying the memo's lines now).
            lines = memo[1].copy()
            before, now = waiting.before, waiting.tickets
            for ticket_id in waiting.changed:
                old, new = before.get(ticket_id), now.get(ticket_id)
                if old is not None:
                    lines.remove(old.place)
                if new is not None:
                    lines.add(new.place)
        else:
            cfg = self.config
            layout = {c.number: cfg.fields_of_counter(c.number) for c in cfg.counters}
            lines = Lines.of((w.place for w in waiting), layout, self._policy())
        self._lines_memo = (waiting.version, lines)
        return lines

    def _counter_rows(self, session: Tx) -> dict[int, CounterRow]:
        """The counters' rows (a counter never used has none), by number."""
        stmt = self._statement(
            "counters", None, lambda: select(CounterRow).where(CounterRow.site == self.site)
        )
        return {c.number: c for c in session.rows(CounterRow, stmt)}

    def _turns(
        self, session: Tx | None, rows: dict[int, CounterRow] | None = None
    ) -> list[CounterTurn]:
        """Every configured counter: open or not, and its priority streak (`rows`: the
        counters' rows when already read)."""
        if rows is None:
            assert session is not None, "the counters' rows or a transaction to read them"
            rows = self._counter_rows(session)
        turns = []
        for cc in self.config.counters:
            row = rows.get(cc.number)
            is_open = row is not None and row.state == CounterState.OPEN.value
            turns.append(CounterTurn(cc.number, is_open, row.priority_streak if row else 0))
        return turns

    def _wait(
        self, session: Tx | None, field: str, told: Outlook, medians: dict[str, float]
    ) -> int | None:
        """The estimated wait of a ticket of `field` told `told` (None: no counter open);
        `medians` keeps each field's recent median for the rest of the read."""
        if field not in medians:
            assert session is not None, "the median read already or a transaction to read it"
            f = self.config.field(field)
            medians[field] = self._median_service(session, f) if f else 0.0
        return estimate_wait_minutes(told.people_ahead, medians[field], told.counters_open)

    def _issued(
        self, session: Tx | None, t: TicketRow, waiting: WaitingNow, parts: _Parts
    ) -> IssuedTicket | None:
        """`t` with what its holder is told: people ahead and estimate while it waits today.
        The counters and service times come from `parts` (read into it when missing; with
        no `session` to read them, None)."""
        if parts.counter_rows is None:
            if session is None:
                return None
            parts.counter_rows = self._counter_rows(session)
        lines, turns = self._lines(waiting), self._turns(session, parts.counter_rows)
        if t.id not in waiting:  # called, served or gone: nobody ahead now
            able = set(counters_able(place_of(t), lines.fields_of))
            counters_open = sum(1 for c in turns if c.is_open and c.number in able)
            return IssuedTicket(ticket_value(t), 0, 0, counters_open)
        told = outlook(place_of(t), lines, turns)
        if session is None and t.queue_field not in parts.medians:
            return None
        wait = self._wait(session, t.queue_field, told, parts.medians)
        return IssuedTicket(ticket_value(t), told.people_ahead, wait, told.counters_open)

    def ticket_view(self, ticket_id: int) -> IssuedTicket:
        """A ticket as it stands now: people ahead and estimated wait while it waits today."""
        with self.store.read() as s:
            t = s.get(TicketRow, ticket_id)
            if t is None:
                raise UnknownTicket(f"Không có phiếu {ticket_id}", f"No ticket with id {ticket_id}")
            day = self.business_day()
            mark = self._log_mark(s)
            parts = self._parts(s, day, mark)
            told = self._issued(s, t, self._waiting_places(s, day, mark), parts)
            assert told is not None  # read with a session: never missing
            return told

    def _find(
        self,
        s: Tx,
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
        t = s.record(TicketRow, self.store.lock_rows(stmt) if lock else stmt)
        if t is None:
            raise UnknownTicket(
                f"Không có số {code} trong ngày {day:%d/%m/%Y}",
                f"No ticket {code} today ({day:%d/%m/%Y})",
            )
        return t

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
                    s.rows(
                        TicketRow,
                        select(TicketRow).where(
                            TicketRow.site == self.site,
                            TicketRow.page_token.in_(wanted[i : i + 500]),
                        ),
                    )
                )
            waiting = self._waiting_places(s, day)
            mine = {r.id for r in rows}
            seen = outlooks(
                (w.place for w in waiting if w.ticket_id in mine),
                self._lines(waiting),
                self._turns(s),
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
            return [ticket_value(r) for r in s.rows(TicketRow, stmt.order_by(TicketRow.id))]

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
            return [ticket_value(r) for r in s.rows(TicketRow, stmt.order_by(TicketRow.id.desc()))]

    def events_after(self, after_id: int = 0, limit: int = 1000) -> list[Event]:
        """The log after event id `after_id`, oldest first (the change feed reads this)."""
        with self.store.read() as s:
            rows = s.execute(
                select(EventRow, _TICKET_CODE)
                .outerjoin(TicketRow, TicketRow.id == EventRow.ticket_id)
                .where(EventRow.site == self.site, EventRow.id > after_id)
                .order_by(EventRow.id)
                .limit(limit)
            ).all()
            return [event_value(e, e.ticket_code) for e in rows]

    def last_event_id(self) -> int:
        with self.store.read() as s:
            return self._last_event_id(s)

    def _parts(self, session: Tx, day: date, mark: Mark) -> _Parts:
        """What the last snapshot read, less what the events since then changed: a display
        reads the snapshot after every event, and most events change one or two parts (a
        print nothing, a call the counters and the recent calls, a completion the counters
        and the service times). The events are read by kind (`_CHANGES`). Everything is read
        again on a new day, from a log it did not follow, and every REBUILD_SECONDS (a table
        edited without events), as the waiting cache does."""
        old = self._parts_memo
        now = monotonic()
        kinds: set[str] | None = None
        if (
            old is not None
            and old.fresh(day, now)
            and old.mark is not None
            and mark is not None
            and mark[0] >= old.mark[0]
        ):
            if mark == old.mark:
                kinds = set()
            elif self._log_mark(session, old.mark[0]) == old.mark:
                stmt = self._statement(
                    "kinds",
                    None,
                    lambda: (
                        select(EventRow.kind)
                        .where(
                            EventRow.site == self.site,
                            EventRow.id > bindparam("after"),
                            EventRow.id <= bindparam("upto"),
                        )
                        .distinct()
                    ),
                )
                kinds = set(session.scalars(stmt, {"after": old.mark[0], "upto": mark[0]}))
        parts = _Parts(day, mark, now) if old is None or kinds is None else old.after(mark, kinds)
        self._parts_memo = parts  # a new object: another thread keeps the one it has
        return parts

    def _advance_parts(
        self, day: date, expected: Mark, mark: Mark, kinds: Collection[str]
    ) -> _Parts | None:
        """`_parts` after a write of this process whose events (of `kinds`) end the log at
        `mark`, when the memo stood at `expected` (see WaitingCache.advance); else None."""
        old = self._parts_memo
        if old is None or old.mark is None or old.mark != expected or not old.fresh(day):
            return None
        parts = self._parts_memo = old.after(mark, kinds)
        return parts

    def _told_after_own_write(
        self, day: date, expected: Mark, mark: Mark, t: TicketRow, kinds: Collection[str]
    ) -> IssuedTicket | None:
        """What the holder of `t` is told right after this process wrote `t` (waiting now)
        and the log's events up to `mark`, without reading the database: when the waiting
        cache and the snapshot's parts stood at `expected` (the log's last event the write
        read under its write lock) and hold what the answer needs. None otherwise."""
        w = Waiting(place_of(t), t.issued_at.astimezone(UTC))
        waiting = self._waiting_cache.advance(day, expected, mark, {t.id: w})
        if waiting is None:
            return None
        parts = self._advance_parts(day, expected, mark, kinds)
        return None if parts is None else self._issued(None, t, waiting, parts)

    def snapshot(self, recent: int = 10) -> Snapshot:
        """Waiting per field, each counter's ticket and stats, the recent calls."""
        now = self.clock.now()
        day = self.business_day(now)
        with self.store.read() as s:
            mark = self._log_mark(s)
            last_id = mark[0] if mark is not None else 0
            rows = self._waiting_places(s, day, mark)
            parts = self._parts(s, day, mark)
            counts: dict[tuple[str, bool], int] = {}
            oldest: dict[str, datetime] = {}
            for w in rows:
                key = (w.place.field, w.place.priority)
                counts[key] = counts.get(key, 0) + 1
                f_code = w.place.field
                oldest[f_code] = min(oldest.get(f_code, w.issued_at), w.issued_at)
            # What a normal ticket taken now would be told: the kiosk button's promise.
            codes = [f.code for f in self.config.fields]
            if parts.counter_rows is None:
                parts.counter_rows = self._counter_rows(s)
            counter_rows = parts.counter_rows
            turns = self._turns(s, counter_rows)
            memo_key = (rows.version, tuple(turns))
            memo = self._newcomers_memo
            if memo is not None and memo[0] == memo_key and rows.version >= 0:
                newcomers = memo[1]
            else:
                newcomers = newcomer_outlooks(self._lines(rows), turns, codes)
                self._newcomers_memo = (memo_key, newcomers)
            medians = parts.medians
            if parts.field_days is None:
                parts.field_days = self._field_days(s, day)
            overrides = parts.field_days
            if parts.issued is None:
                parts.issued = self._issued_counts(s, day)
            issued_counts = parts.issued
            fields = []
            for f in self.config.ordered_fields():
                waiting = counts.get((f.code, False), 0) + counts.get((f.code, True), 0)
                seen = newcomers[f.code]
                wait = self._wait(s, f.code, seen, medians)
                is_open, why_vi, why_en, opens = self._field_open_state(s, f, now, day, overrides)
                issued = issued_counts.get(f.code, 0)
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
            stats_stmt = self._statement(
                "served",
                day,
                lambda: (
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
                ),
            )
            if parts.served is None:
                parts.served = {n: (int(cnt), avg) for n, cnt, avg in s.execute(stats_stmt).all()}
            stats = parts.served
            held_ids = [r.ticket_id for r in counter_rows.values() if r.ticket_id is not None]
            held_stmt = self._statement(
                "held",
                None,
                lambda: select(TicketRow).where(TicketRow.id.in_(bindparam("ids", expanding=True))),
            )
            if parts.held is None:
                parts.held = (
                    {t.id: t for t in s.rows(TicketRow, held_stmt.params(ids=held_ids))}
                    if held_ids
                    else {}
                )
            held_by_id = parts.held
            counters = []
            for cc in self.config.counters:
                row = counter_rows.get(cc.number)
                held = held_by_id.get(row.ticket_id) if row and row.ticket_id else None
                served, avg = stats.get(cc.number, (0, None))
                officer = (
                    officer_now(self.config, row.officer, row.updated_at, day, self.business_day)
                    if row
                    else None
                )
                signed_in = self.config.officer(officer) if officer else None
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
                        officer=officer,
                        officer_name=signed_in.name if signed_in else "",
                    )
                )
            calls_stmt = self._statement(
                ("calls", recent),
                day,
                lambda: (
                    select(EventRow, _TICKET_CODE)
                    .join(TicketRow, TicketRow.id == EventRow.ticket_id)
                    .where(
                        EventRow.site == self.site,
                        EventRow.business_day == day,
                        EventRow.kind.in_([k.value for k in CALL_KINDS]),
                    )
                    .order_by(EventRow.id.desc())
                    .limit(recent)
                ),
            )
            if parts.calls is None or parts.calls[0] != recent:
                parts.calls = (recent, tuple(s.execute(calls_stmt).all()))
            calls = parts.calls[1]
            recent_calls = tuple(
                CallRecord(
                    event_id=e.id,
                    at=e.at,
                    code=e.ticket_code,
                    counter=int(e.counter or 0),
                    field=e.field or "",
                    recall=e.kind == EventKind.RECALLED.value,
                )
                for e in calls
            )
            return Snapshot(
                business_day=day,
                at=now,
                last_event_id=last_id,
                fields=tuple(fields),
                counters=tuple(counters),
                recent_calls=recent_calls,
            )


def _seconds_between(s: Tx, start: Any, end: Any) -> Any:
    """SQL expression for (end - start) in seconds on the transaction's backend."""
    if s.dialect == "postgresql":
        return extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


@dataclass
class _Parts:
    """What `QueueReader.snapshot` read at log mark `mark`; None: to read again."""

    day: date
    mark: Mark
    built_at: float
    counter_rows: dict[int, CounterRow] | None = None
    #: Each field's recent median service time (read as needed).
    medians: dict[str, float] = dataclasses.field(default_factory=dict)
    field_days: dict[str, bool] | None = None
    issued: dict[str, int] | None = None
    #: Served today and average service time, by counter.
    served: dict[int | None, tuple[int, Any]] | None = None
    held: dict[int, TicketRow] | None = None
    #: (how many, the recent call events).
    calls: tuple[int, tuple[Any, ...]] | None = None

    def fresh(self, day: date, now: float | None = None) -> bool:
        """Read on `day` less than REBUILD_SECONDS ago (monotonic `now`)."""
        now = monotonic() if now is None else now
        return self.day == day and now - self.built_at < REBUILD_SECONDS

    def after(self, mark: Mark, kinds: Collection[str]) -> _Parts:
        """A copy at log mark `mark`, without the parts events of `kinds` may change."""
        parts = replace(self, mark=mark, medians=dict(self.medians))
        for kind in kinds:
            for name in _CHANGES.get(kind, _EVERYTHING):
                if name == "medians":
                    parts.medians = {}
                else:
                    setattr(parts, name, None)
        return parts


#: Every part a snapshot reads (an event of an unknown kind changes them all).
_EVERYTHING = ("counter_rows", "medians", "field_days", "issued", "served", "held", "calls")
_AT_COUNTERS = ("counter_rows", "held")
#: The parts each kind of event may change.
_CHANGES: dict[str, tuple[str, ...]] = {
    EventKind.ISSUED.value: ("issued",),
    EventKind.CALLED.value: (*_AT_COUNTERS, "calls"),
    EventKind.RECALLED.value: (*_AT_COUNTERS, "calls"),
    EventKind.SKIPPED.value: _AT_COUNTERS,
    EventKind.RETURNED.value: _AT_COUNTERS,
    EventKind.SERVING.value: _AT_COUNTERS,
    EventKind.COMPLETED.value: (*_AT_COUNTERS, "medians", "served"),
    EventKind.TRANSFERRED.value: _AT_COUNTERS,
    EventKind.EXPIRED.value: _AT_COUNTERS,
    EventKind.COUNTER_OPENED.value: _AT_COUNTERS,
    EventKind.COUNTER_PAUSED.value: _AT_COUNTERS,
    EventKind.COUNTER_CLOSED.value: _AT_COUNTERS,
    EventKind.FIELD_OPENED.value: ("field_days",),
    EventKind.FIELD_CLOSED.value: ("field_days",),
    EventKind.PRINTED.value: (),
    EventKind.PRINT_FAILED.value: (),
    EventKind.PIN_FAILED.value: (),
    EventKind.RATED.value: (),
    EventKind.SIGNED_IN.value: ("counter_rows",),
    EventKind.SIGNED_OUT.value: ("counter_rows",),
}
