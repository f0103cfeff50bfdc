"""Store a simulated year fast: the in-memory model's tickets and events written with executemany
inside the store's own transactions, the log and the `tickets` projection agreeing exactly."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, null, select, text, update

from kiosk.core.config import Config
from kiosk.core.schema import EventRow, SequenceRow, TicketRow
from kiosk.core.store import EVENT_LOCK_KEY, Store
from kiosk.reports.arrivals import SimulationError
from kiosk.reports.queue_model import ModelBackend, moment_of

log = logging.getLogger(__name__)


def _table(row_class: type[Any]) -> Table:
    table = row_class.__table__
    assert isinstance(table, Table)
    return table


_TICKETS, _EVENTS, _SEQUENCES = _table(TicketRow), _table(EventRow), _table(SequenceRow)
_TICKET_COLUMNS = (
    "id",
    "site",
    "business_day",
    "field",
    "number",
    "code",
    "priority",
    "state",
    "queue_field",
    "target_counter",
    "counter",
    "issued_at",
    "sort_at",
    "called_at",
    "last_called_at",
    "serving_at",
    "completed_at",
    "recalls",
    "transfers",
    "dossiers",
    "rating",
    "rating_reasons",
    "rating_channel",
    "rated_at",
    "officer",
)
_EVENT_COLUMNS = (
    "id",
    "at",
    "business_day",
    "kind",
    "ticket_id",
    "counter",
    "field",
    "actor",
    "site",
    "data",
    "officer",
)
#: Columns of a stored ticket that may still change (it was open when stored).
_MUTABLE_COLUMNS = tuple(
    c for c in _TICKET_COLUMNS[_TICKET_COLUMNS.index("state") :] if c != "issued_at"
)
_MUTABLE_AT = [(_TICKET_COLUMNS.index(c), c) for c in _MUTABLE_COLUMNS]
_TIME_COLUMNS = frozenset(
    (
        "issued_at",
        "sort_at",
        "called_at",
        "last_called_at",
        "serving_at",
        "completed_at",
        "rated_at",
        "at",
    )
)
#: JSON columns that may hold no value at all (SQL NULL, as the service leaves them).
_JSON_OR_NULL = frozenset(("rating_reasons",))


def _json_or_null(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


class _SqliteValues:
    """Values in the form SQLAlchemy stores them on SQLite (so reads see no difference).

    UTCDateTime keeps naive UTC text "YYYY-MM-DD HH:MM:SS.ffffff", dates are ISO text,
    booleans 0/1 and JSON is text. Converting here lets executemany skip per-value
    processing; a test checks the rows read back equal those the service writes.
    """

    def __init__(self) -> None:
        self._days: dict[int, str] = {}
        self._seconds = [
            f"{h:02d}:{m:02d}:{sec:02d}.000000"
            for h in range(24)
            for m in range(60)
            for sec in range(60)
        ]

    def time(self, at: int | None) -> str | None:
        if at is None:
            return None
        d, rest = divmod(at, 86400)
        prefix = self._days.get(d)
        if prefix is None:
            prefix = datetime.fromtimestamp(d * 86400, UTC).strftime("%Y-%m-%d ")
            self._days[d] = prefix
        return prefix + self._seconds[rest]


class BulkWriter:
    """Stores the model's tickets and events with executemany, a chunk of days at a time."""

    def __init__(self, store: Store, config: Config, last_ticket: int, last_event: int) -> None:
        self.store = store
        self.site = config.site.id
        self.last_ticket = last_ticket
        self.last_event = last_event
        self.written: set[int] = set()
        self.tickets = 0
        self.events = 0
        self.sqlite = store.dialect == "sqlite"
        self._values = _SqliteValues()
        dialect = store.engine.dialect
        self._sql = {
            name: str(
                insert(table).values({c: bindparam(c) for c in cols}).compile(dialect=dialect)
            )
            for name, table, cols in (
                ("tickets", _TICKETS, _TICKET_COLUMNS),
                ("events", _EVENTS, _EVENT_COLUMNS),
            )
        }

    def _check_alone(self, s: Any) -> None:
        """Ids are given here, so nobody else may have written since the last chunk."""
        tickets = int(s.scalar(select(func.max(TicketRow.id))) or 0)
        events = int(s.scalar(select(func.max(EventRow.id))) or 0)
        if (tickets, events) != (self.last_ticket, self.last_event):
            raise SimulationError(
                "Có chương trình khác đang ghi vào cơ sở dữ liệu; mô phỏng nhanh cần một cơ sở "
                "dữ liệu riêng",
                "Another program wrote to the database during the bulk simulation; bulk mode "
                "needs a database of its own",
            )

    def _insert(self, s: Any, name: str, cols: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.sqlite:
            tm = self._values.time
            conv = [
                (i, tm)
                if c in _TIME_COLUMNS
                else (i, date.isoformat)
                if c == "business_day"
                else (i, json.dumps)
                if c == "data"
                else (i, _json_or_null)
                if c in _JSON_OR_NULL
                else (i, int)
                if c == "priority"
                else None
                for i, c in enumerate(cols)
            ]
            todo = [x for x in conv if x is not None]
            out = []
            for r in rows:
                v = list(r)
                for i, fn in todo:
                    v[i] = fn(v[i])
                out.append(tuple(v))
            s.connection().exec_driver_sql(self._sql[name], out)
            return
        table = _TICKETS if name == "tickets" else _EVENTS
        dicts = []
        for r in rows:
            d = dict(zip(cols, r, strict=True))
            for c in _TIME_COLUMNS.intersection(d):
                d[c] = moment_of(d[c]) if d[c] is not None else None
            for c in _JSON_OR_NULL.intersection(d):
                if d[c] is None:
                    d[c] = null()  # not JSON's null: no value, as the service leaves it
            dicts.append(d)
        s.execute(insert(table), dicts)

    def flush(self, model: ModelBackend, sequences_done: Iterable[tuple[date, str]]) -> None:
        site = self.site
        new_rows: list[tuple[Any, ...]] = []
        changed: list[dict[str, Any]] = []
        for t in model.tickets.values():
            row = (
                t.id,
                site,
                t.day,
                t.field,
                t.number,
                t.code,
                t.priority,
                t.state,
                t.queue_field,
                t.target,
                t.counter,
                t.issued,
                t.placed,
                t.called,
                t.last_called,
                t.serving,
                t.completed,
                t.recalls,
                t.transfers,
                t.dossiers,
                t.rating,
                t.rating_reasons,
                t.rating_channel,
                t.rated,
                t.officer,
            )
            if t.id in self.written:
                changed.append({"tid": t.id, **{c: row[i] for i, c in _MUTABLE_AT}})
            else:
                new_rows.append(row)
        first = self.last_event + 1
        events = [
            (first + i, at, day, kind, tid, counter, fld, actor, site, data, officer)
            for i, (at, day, kind, tid, counter, fld, actor, data, officer) in enumerate(
                model.events
            )
        ]
        done = set(sequences_done)
        sequences = [
            {"site": site, "business_day": d, "field": f, "last_number": n}
            for (d, f), n in model.sequences.items()
            if (d, f) in done
        ]
        with self.store.write() as s:
            if not self.sqlite:
                # The store's rule for event ids on PostgreSQL: insert under its lock.
                s.execute(select(func.pg_advisory_xact_lock(EVENT_LOCK_KEY)))
            self._check_alone(s)
            self._insert(s, "tickets", _TICKET_COLUMNS, new_rows)
            if changed:
                # A ticket stored while open: expired since, or finished after midnight.
                values: dict[str, Any] = {c: bindparam(f"new_{c}") for c in _MUTABLE_COLUMNS}
                s.execute(
                    update(_TICKETS).where(_TICKETS.c.id == bindparam("tid")).values(values),
                    [self._bind(row) for row in changed],
                )
            self._insert(s, "events", _EVENT_COLUMNS, events)
            if sequences:
                s.execute(insert(_SEQUENCES), sequences)
            if not self.sqlite:
                # Explicit ids leave PostgreSQL's id sequences behind: move them past ours.
                for table in ("tickets", "queue_events"):
                    s.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
                        )
                    )
        self.tickets += len(new_rows)
        self.events += len(events)
        self.last_event += len(events)
        if new_rows:
            self.last_ticket = max(self.last_ticket, max(r[0] for r in new_rows))
        self.written.update(r[0] for r in new_rows)
        model.events.clear()
        for key in done:
            model.sequences.pop(key, None)
        # Tickets still open may expire on the next day, tickets just served may still be
        # rated: keep those, drop the rest.
        model.forget_settled()
        self.written &= set(model.tickets)

    def _bind(self, row: dict[str, Any]) -> dict[str, Any]:
        """Times as the ORM binds them (the update goes through SQLAlchemy's own types)."""
        return {
            (k if k == "tid" else f"new_{k}"): (
                moment_of(v) if k in _TIME_COLUMNS and v is not None else v
            )
            for k, v in row.items()
        }
