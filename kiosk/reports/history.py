"""Streaming reads of the ticket history and the event log, for exports and reports.

Rows come from the database in batches inside one read transaction, so a long export sees
one consistent state and memory stays flat however long the history: nothing holds more than
a batch. On SQLite the statements (built with SQLAlchemy) run on the transaction's own
sqlite3 cursor, which steps through the result lazily without SQLAlchemy's per-row work; on
PostgreSQL `yield_per` gives a server-side cursor.

The database does the per-row arithmetic: times come out as whole epoch seconds and
durations as whole seconds (rounded half away from zero). For CSV and JSONL on SQLite, when
the site's zone keeps one UTC offset over the range (Vietnam has no daylight saving), the
database even writes the ISO times, field names and final states, so Python only passes
rows on; otherwise the same columns are finished in Python.

Definitions (docs/manager.md):
- wait = first call − issue; service = completion − service start;
- counter = the counter that served the ticket, or the last one that called it;
- final state: served (completed), no_show (skipped and not served), expired (never
  finished: still waiting, called or being served when its day ended), open (today, still
  in progress). A transferred ticket keeps its issuing field in `field`; where it ended is
  `final_field`, and `transfers` counts the transfers.
"""

from __future__ import annotations

import difflib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.sql.elements import ColumnElement

from kiosk.core import texts as words
from kiosk.core.config import Config
from kiosk.core.errors import KioskError
from kiosk.core.model import HELD_STATES, EventKind, TicketState
from kiosk.core.schema import EventRow, TicketRow
from kiosk.core.store import Store
from kiosk.core.texts import DID_YOU_MEAN, Text
from kiosk.reports import texts as T

#: Rows per batch read from the database (also the unit of progress and cancellation).
BATCH = 5000

Progress = Callable[[int, int], None]


class Outcome(StrEnum):
    SERVED = "served"
    NO_SHOW = "no_show"
    EXPIRED = "expired"
    OPEN = "open"


#: What became of a ticket, in words (exports, the report, the manager window).
OUTCOME_TEXT = {
    Outcome.SERVED: T.SERVED,
    Outcome.NO_SHOW: T.NO_SHOW,
    Outcome.EXPIRED: T.EXPIRED,
    Outcome.OPEN: T.IN_PROGRESS,
}
OUTCOME_VI = {k: t.vi for k, t in OUTCOME_TEXT.items()}
OUTCOME_EN = {k: t.en for k, t in OUTCOME_TEXT.items()}


FIELD_CODE = Text("lĩnh vực {code}", "field {code}")
COUNTER_NUMBER = Text("quầy {n}", "counter {n}")


class HistoryInputError(KioskError):
    """A date range or filter a person typed is not usable (one clear line, exit 2)."""

    exit_code = 2


class EmptyRange(HistoryInputError):
    """Nothing to export or report in the chosen range and filters."""


class Cancelled(KioskError):
    """The person cancelled a long export; nothing was written."""

    exit_code = 130


@dataclass(frozen=True)
class HistoryFilter:
    """Business days `start`..`end` (inclusive), optionally one field and/or one counter."""

    start: date
    end: date
    field: str | None = None
    counter: int | None = None

    def check(self, config: Config) -> HistoryFilter:
        """Raise HistoryInputError naming the mistake (reversed dates, unknown field…)."""
        if self.end < self.start:
            raise HistoryInputError(
                f"Ngày kết thúc {self.end:%d/%m/%Y} trước ngày bắt đầu {self.start:%d/%m/%Y}",
                f"--to {self.end.isoformat()} is before --from {self.start.isoformat()}; swap them",
            )
        if self.field is not None and config.field(self.field) is None:
            codes = [f.code for f in config.fields]
            close = difflib.get_close_matches(self.field, codes, n=1, cutoff=0.5)
            hint = DID_YOU_MEAN.fill(name=close[0]) if close else Text("", "")
            raise HistoryInputError(
                f'Không có lĩnh vực "{self.field}".{hint.vi} Các lĩnh vực: {", ".join(codes)}',
                f'No field "{self.field}".{hint.en} Fields: {", ".join(codes)}',
            )
        if self.counter is not None and config.counter(self.counter) is None:
            known = ", ".join(str(c.number) for c in config.counters)
            raise HistoryInputError(
                f"Không có quầy số {self.counter}. Các quầy: {known}",
                f"No counter {self.counter}. Counters: {known}",
            )
        return self

    def describe(self, lang: str = "en") -> str:
        """The range and filters in words, e.g. "23/11/2026–30/11/2026, field hotich"."""
        span = (
            f"{self.start:%d/%m/%Y}"
            if self.start == self.end
            else f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"
        )
        parts = [span]
        if self.field:
            parts.append(FIELD_CODE.get(lang, code=self.field))
        if self.counter is not None:
            parts.append(COUNTER_NUMBER.get(lang, n=self.counter))
        return ", ".join(parts)


def parse_day(text: str, option: str = "date") -> date:
    """A day typed as 2026-11-23 or 23/11/2026; HistoryInputError otherwise."""
    value = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise HistoryInputError(
        f"{option} {text!r}: ngày phải có dạng 2026-11-23 hoặc 23/11/2026",
        f"{option} {text!r} is not a date; write 2026-11-23 or 23/11/2026",
    )


class TicketLine(NamedTuple):
    """One ticket as `History.ticket_rows` streams it: times in epoch seconds (UTC), durations
    in whole seconds, None where a time is not there. `History.report_rows` streams the same
    layout as plain tuples (no object per row) with None in the columns reports never read."""

    day: str  # ISO business day
    code: str
    field: str
    final_field: str
    priority: int  # 0/1
    state: str
    counter: int | None
    issued: int
    called: int | None
    serving: int | None
    completed: int | None
    wait: int | None
    service: int | None
    dossiers: int
    recalls: int | None
    transfers: int
    #: Excel serial dates of the site's wall clock (`ticket_rows(excel=True)`), else None.
    x_day: int | None
    x_issued: float | None
    x_called: float | None
    x_serving: float | None
    x_completed: float | None
    #: The catalogue procedure it was taken for (its code, else its name), or None.
    procedure: str | None
    #: The citizen's rating (a kiosk.core.ratings.RatingLevel value) and its reasons joined
    #: by "; " (None: not rated; reports read the rating only).
    rating: str | None
    rating_reasons: str | None
    #: The officer who served it (their id, kiosk.core.officers), or None.
    officer: str | None = None


#: A plain database row as a TicketLine, at C speed (no per-row Python call, no length check:
#: the query always selects every field).
_line = partial(tuple.__new__, TicketLine)
#: Day 0 of Excel's 1900 date system (as Excel counts, with its 1900 leap-year quirk).
_EXCEL_EPOCH = date(1899, 12, 30)
#: Columns of a ticket export (CSV/JSONL key, Vietnamese heading, English heading).
EXPORT_COLUMNS = (
    ("day", *T.DAY),
    ("code", *T.TICKET),
    ("field", *Text("Mã lĩnh vực", "Field code")),
    ("field_name", *T.FIELD),
    ("priority", *words.PRIORITY),
    ("issued_at", *Text("Giờ lấy số", "Issued")),
    ("called_at", *Text("Giờ gọi lần đầu", "First called")),
    ("counter", *T.COUNTER),
    ("serving_at", *Text("Bắt đầu phục vụ", "Service start")),
    ("completed_at", *Text("Hoàn thành", "Completed")),
    ("wait_seconds", *Text("Chờ (giây)", "Wait (s)")),
    ("service_seconds", *Text("Phục vụ (giây)", "Service (s)")),
    ("dossiers", *words.DOSSIER_COUNT),
    ("recalls", *Text("Số lần gọi lại", "Recalls")),
    ("transfers", *Text("Số lần chuyển", "Transfers")),
    ("final_field", *Text("Lĩnh vực cuối", "Final field")),
    ("final_state", *Text("Kết quả", "Final state")),
    ("procedure", *Text("Thủ tục đã chọn", "Procedure chosen")),
    ("procedure_name", *Text("Tên thủ tục", "Procedure name")),
    ("rating", *Text("Đánh giá", "Rating")),
    ("rating_reasons", *Text("Lý do đánh giá", "Rating reasons")),
    ("officer", *Text("Mã cán bộ", "Officer")),
    ("officer_name", *Text("Cán bộ", "Officer name")),
)
_EXPORT_KEYS = [key for key, _, _ in EXPORT_COLUMNS]
#: Position of the rating's reasons in an export row (a list the database hands out).
_EXPORT_REASONS = _EXPORT_KEYS.index("rating_reasons")
#: Positions of the free texts, which SQLite's own CSV quotes as the csv module would.
_EXPORT_FREE_TEXTS = tuple(
    _EXPORT_KEYS.index(k) for k in ("procedure", "procedure_name", "rating_reasons", "officer_name")
)
#: How a rating's reasons are written in one cell.
REASONS_SEPARATOR = "; "
#: Positions of the four times in an export row.
_EXPORT_TIMES = (5, 6, 8, 9)

_FINAL = {
    TicketState.COMPLETED.value: Outcome.SERVED,
    TicketState.NO_SHOW.value: Outcome.NO_SHOW,
    TicketState.SKIPPED.value: Outcome.NO_SHOW,
    TicketState.EXPIRED.value: Outcome.EXPIRED,
}


#: States in which a counter holds the ticket: open whatever its day (a ticket held at
#: midnight stays with its counter until finished, see QueueService._expire_previous_days).
_HELD = frozenset(s.value for s in HELD_STATES)


def outcome_of(state: str, day: str, today: str) -> Outcome:
    """The final state of a ticket of business day `day` (ISO) as seen on `today` (ISO)."""
    done = _FINAL.get(state)
    if done is not None:
        return done
    return Outcome.EXPIRED if day < today and state not in _HELD else Outcome.OPEN


class TicketRecord(NamedTuple):
    """One ticket as exported; times are epoch seconds (UTC), durations whole seconds."""

    day: date
    code: str
    field: str
    final_field: str
    priority: bool
    issued: int
    called: int | None
    counter: int | None
    serving: int | None
    completed: int | None
    wait: int | None
    service: int | None
    dossiers: int
    recalls: int
    transfers: int
    outcome: Outcome
    procedure: str | None = None


def to_record(row: TicketLine, today: str) -> TicketRecord:
    """A ticket row as a TicketRecord (final state worked out)."""
    return TicketRecord(
        day=date.fromisoformat(row.day),
        code=row.code,
        field=row.field,
        final_field=row.final_field,
        priority=bool(row.priority),
        issued=row.issued,
        called=row.called,
        counter=row.counter,
        serving=row.serving,
        completed=row.completed,
        wait=row.wait,
        service=row.service,
        dossiers=row.dossiers,
        recalls=row.recalls or 0,
        transfers=row.transfers,
        outcome=outcome_of(row.state, row.day, today),
        procedure=row.procedure,
    )


class EventRecord(NamedTuple):
    """One event of the log; `data` is JSON text (or a decoded object on PostgreSQL)."""

    id: int
    at: int
    day: str
    kind: str
    code: str | None
    counter: int | None
    field: str | None
    actor: str
    officer: str | None
    site: str
    data: Any


class LocalTimes:
    """Epoch seconds to the site's wall clock, fast: offsets cached per quarter hour."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._offsets: dict[int, int] = {}
        self._suffix: dict[int, str] = {}
        self._days: dict[int, str] = {}
        self._clock: dict[int, str] = {}

    def offset(self, at: int) -> int:
        """UTC offset in seconds at `at` (zones change offset on quarter hours)."""
        bucket = at // 900
        off = self._offsets.get(bucket)
        if off is None:
            moment = datetime.fromtimestamp(bucket * 900, UTC).astimezone(self.zone)
            off = int((moment.utcoffset() or timedelta()).total_seconds())
            self._offsets[bucket] = off
        return off

    def hour(self, at: int) -> int:
        """Local hour of the day."""
        return (at + self.offset(at)) % 86400 // 3600

    def iso(self, at: int | None) -> str | None:
        """ISO 8601 with the offset, e.g. 2026-11-23T08:00:00+07:00."""
        if at is None:
            return None
        off = self.offset(at)
        day, sec = divmod(at + off, 86400)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = (date(1970, 1, 1) + timedelta(days=day)).isoformat() + "T"
            self._days[day] = prefix
        clock = self._clock.get(sec)
        if clock is None:
            clock = f"{sec // 3600:02d}:{sec % 3600 // 60:02d}:{sec % 60:02d}"
            self._clock[sec] = clock
        return prefix + clock + self.suffix(off)

    def suffix(self, off: int) -> str:
        """An offset in seconds as "+07:00"."""
        text = self._suffix.get(off)
        if text is None:
            sign = "+" if off >= 0 else "-"
            h, m = divmod(abs(off) // 60, 60)
            text = self._suffix[off] = f"{sign}{h:02d}:{m:02d}"
        return text

    def excel(self, at: int | None) -> float | None:
        """Excel serial date of the local wall clock (1900 date system)."""
        if at is None:
            return None
        return (at + self.offset(at)) / 86400 + 25569

    def fixed_offset(self, start: date, end: date) -> int | None:
        """The zone's offset if it is the same through `start`..`end`, else None."""
        offsets = set()
        day = start - timedelta(days=1)
        while day <= end + timedelta(days=1):
            for hour in (0, 12):
                moment = datetime(day.year, day.month, day.day, hour, tzinfo=self.zone)
                offsets.add(moment.utcoffset())
                if len(offsets) > 1:
                    return None
            day += timedelta(days=1)
        (only,) = offsets
        return int((only or timedelta()).total_seconds())


# ------------------------------------------------------------------------------ SQL


def _seconds(store: Store, column: Any) -> ColumnElement[Any]:
    """A stored UTC time as whole epoch seconds (floor)."""
    if store.dialect == "postgresql":
        return cast(func.extract("epoch", func.date_trunc("second", column)), BigInteger)
    return cast(func.strftime("%s", column), Integer)


def _between(store: Store, start: Any, end: Any) -> ColumnElement[Any]:
    """Whole seconds from `start` to `end` (rounded half away from zero)."""
    return seconds_between(store.dialect, start, end)


def seconds_between(dialect: str, start: Any, end: Any) -> ColumnElement[Any]:
    """SQL of the whole seconds from `start` to `end` (rounded half away from zero), as every
    report measures a wait or a service (the city report's too, on the centre's tables)."""
    if dialect == "postgresql":
        return cast(func.round(func.extract("epoch", end - start)), Integer)
    return cast(func.round((func.julianday(end) - func.julianday(start)) * 86400.0), Integer)


def _iso(column: Any, offset: int, suffix: str) -> ColumnElement[Any]:
    """SQLite: a stored UTC time as local ISO 8601 text in a zone with a fixed offset."""
    # NULL stays NULL: strftime(NULL) is NULL and so is NULL || text.
    return func.strftime("%Y-%m-%dT%H:%M:%S", column, f"{offset:+d} seconds").op("||")(
        literal(suffix)
    )


def _counter_expr() -> ColumnElement[Any]:
    """The counter that served the ticket, else the last one that called it (skip, transfer)."""
    last_call = (
        select(EventRow.counter)
        .where(EventRow.ticket_id == TicketRow.id, EventRow.kind == EventKind.CALLED.value)
        .order_by(EventRow.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return case(
        (TicketRow.counter.is_not(None), TicketRow.counter),
        (TicketRow.called_at.is_not(None), last_call),
        else_=None,
    )


#: Tickets in the order of the unique index: day, field, number (no sort needed).
_TICKET_ORDER = (TicketRow.business_day, TicketRow.field, TicketRow.number)


def _csv_quote(value: str, delimiter: str) -> str:
    """A CSV field as the csv module's default dialect writes it (minimal quoting)."""
    if any(c in value for c in (delimiter, '"', "\r", "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv_quote_sql(value: Any, delimiter: str) -> Any:
    """SQL twin of `_csv_quote` for a text that can hold anything (a test compares them)."""
    needs = or_(*(func.instr(value, c) > 0 for c in (delimiter, '"', "\r", "\n")))
    quoted = literal('"') + func.replace(value, '"', '""') + literal('"')
    return case((needs, quoted), else_=value)


def join_reasons(reasons: Any) -> str | None:
    """A rating's reasons in one cell ("Chờ lâu; Khác"); None when not rated or none given.
    (PostgreSQL hands out the list; SQLite's JSON text is decoded by the column type.)"""
    items = json.loads(reasons) if isinstance(reasons, str) else reasons
    return REASONS_SEPARATOR.join(items) if items else None


#: Names a CASE compares one after the other; larger maps are split by a comparison first.
_LOOKUP_LEAF = 8


def _lookup(column: Any, names: Mapping[str, str], *, ordered: bool) -> Any:
    """SQL giving the name of `column`'s key in `names`, else the key itself.

    A CASE tries its keys one after the other: with 120 officers that is some 60 comparisons
    a row, a third of a year's CSV export. Where the database orders text by code point
    (`ordered`: SQLite's BINARY collation, the fast CSV path) the keys are split in halves by
    `<` first, so a row takes about log2(n) comparisons and one small CASE.
    """
    if not names:
        return column
    keys = sorted(names)
    if not ordered or len(keys) <= _LOOKUP_LEAF:
        return case({k: names[k] for k in keys}, value=column, else_=column)
    middle = len(keys) // 2
    low = _lookup(column, {k: names[k] for k in keys[:middle]}, ordered=True)
    high = _lookup(column, {k: names[k] for k in keys[middle:]}, ordered=True)
    return case((column < keys[middle], low), else_=high)


def _joined_reasons() -> Any:
    """SQL twin of `join_reasons` on SQLite (JSON1): the reasons joined, NULL when none."""
    each = func.json_each(TicketRow.rating_reasons).table_valued("value")
    joined = select(func.group_concat(each.c.value, REASONS_SEPARATOR)).scalar_subquery()
    return case((func.json_array_length(TicketRow.rating_reasons) > 0, joined), else_=null())


def _outcome_expr(today: date) -> ColumnElement[Any]:
    """SQL twin of `outcome_of` (a test checks they agree)."""
    return outcome_case(TicketRow.state, TicketRow.business_day, today)


def outcome_case(state: Any, day: Any, today: Any) -> ColumnElement[Any]:
    """SQL twin of `outcome_of` over any table's `state` and business `day` columns, `today`
    a date or an SQL expression (the city's points each have their own today)."""
    return case(
        *((state == s, literal(o.value)) for s, o in _FINAL.items()),
        (state.in_(sorted(_HELD)), literal(Outcome.OPEN.value)),
        (day < today, literal(Outcome.EXPIRED.value)),
        else_=literal(Outcome.OPEN.value),
    )


class History:
    """Read-only access to one site's tickets and events over a range of business days."""

    #: Let SQLite format export rows when it can (tests switch it off to compare both ways).
    format_in_sql = True

    def __init__(
        self,
        store: Store,
        config: Config,
        *,
        today: date | None = None,
        batch_size: int = BATCH,
    ) -> None:
        self.store = store
        self.config = config
        self.site = config.site.id
        self.today = today or datetime.now(config.zone).date()
        self.batch_size = batch_size
        self.times = LocalTimes(config.zone)

    def _stream(
        self,
        stmt: Select[Any],
        cancel: threading.Event | None,
        day_column: int,
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Batches of plain tuples from one read transaction; checks `cancel` between them."""
        with self.store.read() as s:
            if self.store.dialect == "sqlite":
                # Values are rendered inline: they are validated dates, codes and numbers.
                sql = str(
                    stmt.compile(
                        dialect=self.store.engine.dialect,
                        compile_kwargs={"literal_binds": True},
                    )
                )
                dbapi = s.connection().connection.driver_connection
                assert dbapi is not None
                cursor = dbapi.cursor()
                try:
                    cursor.execute(sql)
                    while True:
                        rows = cursor.fetchmany(self.batch_size)
                        if not rows:
                            break
                        if cancel is not None and cancel.is_set():
                            raise _cancelled()
                        yield rows
                finally:
                    cursor.close()
                return
            conn = s.connection().execution_options(yield_per=self.batch_size)
            for part in conn.execute(stmt).partitions():
                if cancel is not None and cancel.is_set():
                    raise _cancelled()
                rows = []
                for r in part:
                    values = list(r)
                    if not isinstance(values[day_column], str):
                        values[day_column] = values[day_column].isoformat()
                    rows.append(tuple(values))
                yield rows

    # ------------------------------------------------------------------ tickets

    def _ticket_where(self, flt: HistoryFilter, counter: Any) -> list[Any]:
        conds: list[Any] = [
            TicketRow.site == self.site,
            TicketRow.business_day >= flt.start,
            TicketRow.business_day <= flt.end,
        ]
        if flt.field is not None:
            conds.append(TicketRow.field == flt.field)
        if flt.counter is not None:
            conds.append(counter == flt.counter)
        return conds

    def count_tickets(self, flt: HistoryFilter) -> int:
        counter = _counter_expr()
        with self.store.read() as s:
            return int(
                s.scalar(
                    select(func.count())
                    .select_from(TicketRow)
                    .where(*self._ticket_where(flt, counter))
                )
                or 0
            )

    def ticket_rows(
        self,
        flt: HistoryFilter,
        *,
        cancel: threading.Event | None = None,
        excel: bool = False,
    ) -> Iterator[list[TicketLine]]:
        """Batches of TicketLines in (business day, field, number) order.

        `cancel` is checked between batches; when set, Cancelled is raised. `excel` fills the
        day and the four times as Excel serial dates of the site's wall clock (`x_day` …).
        """
        stream = self._stream(self._ticket_select(flt, lean=False, excel=excel), cancel, 0)
        if not excel or self._sql_offset(flt) is not None:
            return (list(map(_line, rows)) for rows in stream)
        return self._excel_in_python(stream)

    def report_rows(
        self, flt: HistoryFilter, *, cancel: threading.Event | None = None
    ) -> Iterator[list[tuple[Any, ...]]]:
        """What a report reads, as plain tuples laid out like TicketLine (read them by field
        name through `TicketLine._fields`): no object per row, so a year of a busy centre is
        summed in seconds. Columns a report never reads (code, final field, recalls, the
        times but the issue) hold None."""
        return self._stream(self._ticket_select(flt, lean=True, excel=False), cancel, 0)

    def _ticket_select(self, flt: HistoryFilter, *, lean: bool, excel: bool) -> Select[Any]:
        """The ticket query, its columns in TicketLine's order."""
        counter = _counter_expr()
        st = self.store
        t = TicketRow

        def maybe(expr: Any) -> Any:
            return null() if lean else expr

        stmt = (
            select(
                type_coerce(t.business_day, String),
                maybe(t.code),
                t.field,
                maybe(t.queue_field),
                type_coerce(t.priority, Integer),
                t.state,
                counter,
                _seconds(st, t.issued_at),
                maybe(_seconds(st, t.called_at)),
                maybe(_seconds(st, t.serving_at)),
                maybe(_seconds(st, t.completed_at)),
                _between(st, t.issued_at, t.called_at),
                _between(st, t.serving_at, t.completed_at),
                t.dossiers,
                maybe(t.recalls),
                t.transfers,
                *(self._excel_columns(flt) if excel else [null()] * 5),
                t.procedure,
                t.rating,
                t.rating_reasons,  # reports count the reasons too
                t.officer,
            )
            .where(*self._ticket_where(flt, counter))
            .order_by(*_TICKET_ORDER)
        )
        return stmt

    def _excel_columns(self, flt: HistoryFilter) -> list[Any]:
        """SQLite with a fixed offset computes Excel serials; elsewhere they are filled later."""
        offset = self._sql_offset(flt)
        if offset is None:
            return [null()] * 5
        t = TicketRow

        def serial(column: Any) -> Any:
            return (_seconds(self.store, column) + offset) / 86400.0 + 25569.0

        return [
            cast(func.julianday(t.business_day) - 2415018.5, Integer),
            serial(t.issued_at),
            serial(t.called_at),
            serial(t.serving_at),
            serial(t.completed_at),
        ]

    def _excel_in_python(
        self, batches: Iterator[list[tuple[Any, ...]]]
    ) -> Iterator[list[TicketLine]]:
        excel = self.times.excel
        for rows in batches:
            out = []
            for r in rows:
                t = _line(r)
                out.append(
                    t._replace(
                        x_day=(date.fromisoformat(t.day) - _EXCEL_EPOCH).days,
                        x_issued=excel(t.issued),
                        x_called=excel(t.called),
                        x_serving=excel(t.serving),
                        x_completed=excel(t.completed),
                    )
                )
            yield out

    def tickets(
        self, flt: HistoryFilter, *, cancel: threading.Event | None = None
    ) -> Iterator[list[TicketRecord]]:
        """Batches of TicketRecords (convenient; `ticket_rows` is faster)."""
        today = self.today.isoformat()
        for rows in self.ticket_rows(flt, cancel=cancel):
            yield [to_record(r, today) for r in rows]

    def _sql_offset(self, flt: HistoryFilter) -> int | None:
        """The fixed UTC offset SQLite can apply itself, or None (PostgreSQL, daylight saving)."""
        if not self.format_in_sql or self.store.dialect != "sqlite":
            return None
        return self.times.fixed_offset(flt.start, flt.end)

    def _export_select(
        self,
        flt: HistoryFilter,
        names: Mapping[str, str],
        offset: int | None,
        procedures: Mapping[str, str],
        quote: str | None = None,
        officers: Mapping[str, str] | None = None,
    ) -> tuple[list[Any], list[Any]]:
        """The export columns (EXPORT_COLUMNS) as SQL, and the WHERE conditions."""
        counter = _counter_expr()
        st = self.store
        t = TicketRow

        def when(column: Any) -> Any:
            if offset is not None:
                return _iso(column, offset, self.times.suffix(offset))
            return _seconds(st, column)

        columns = [
            type_coerce(t.business_day, String),
            t.code,
            t.field,
            case(dict(names), value=t.field, else_=t.field) if names else t.field,
            type_coerce(t.priority, Integer),
            when(t.issued_at),
            when(t.called_at),
            counter,
            when(t.serving_at),
            when(t.completed_at),
            _between(st, t.issued_at, t.called_at),
            _between(st, t.serving_at, t.completed_at),
            t.dossiers,
            t.recalls,
            t.transfers,
            t.queue_field,
            _outcome_expr(self.today),
            t.procedure,
            _lookup(t.procedure, procedures, ordered=quote is not None),
            t.rating,
            _joined_reasons() if offset is not None else t.rating_reasons,
            t.officer,
            # An officer no longer configured: the id the ticket recorded.
            _lookup(t.officer, officers or {}, ordered=quote is not None),
        ]
        if quote is not None:  # the free texts, quoted by SQLite as the csv module would
            for i in _EXPORT_FREE_TEXTS:
                columns[i] = _csv_quote_sql(columns[i], quote)
        return columns, self._ticket_where(flt, counter)

    def export_rows(
        self,
        flt: HistoryFilter,
        names: Mapping[str, str],
        *,
        procedures: Mapping[str, str] | None = None,
        officers: Mapping[str, str] | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Batches of finished export rows (EXPORT_COLUMNS): ISO times, names, final state.
        `procedures` names procedure keys (`procedure_names`), `officers` officer ids; others
        are shown as recorded."""
        offset = self._sql_offset(flt)
        columns, where = self._export_select(
            flt, names, offset, procedures or {}, officers=officers
        )
        stmt = select(*columns).where(*where).order_by(*_TICKET_ORDER)
        if offset is not None:
            yield from self._stream(stmt, cancel, 0)
            return
        iso = self.times.iso
        for rows in self._stream(stmt, cancel, 0):
            out = []
            for r in rows:
                values = list(r)
                for i in _EXPORT_TIMES:
                    values[i] = iso(values[i])
                values[_EXPORT_REASONS] = join_reasons(values[_EXPORT_REASONS])
                out.append(tuple(values))
            yield out

    def export_csv_lines(
        self,
        flt: HistoryFilter,
        names: Mapping[str, str],
        delimiter: str,
        *,
        procedures: Mapping[str, str] | None = None,
        officers: Mapping[str, str] | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[list[str]] | None:
        """Batches of finished CSV lines written by SQLite, or None where it cannot.

        The fastest export: one text value per row instead of seventeen objects and the csv
        module. Only field names can need quoting (codes, days, times and numbers cannot);
        they are quoted here the way the csv module does it, and a test compares both paths
        byte for byte.
        """
        offset = self._sql_offset(flt)
        if offset is None:
            return None
        quoted = {code: _csv_quote(name, delimiter) for code, name in names.items()}
        columns, where = self._export_select(
            flt, quoted, offset, procedures or {}, delimiter, officers=officers
        )
        # One printf per row (it prints NULL as nothing) is cheaper than concatenations.
        line = func.printf(delimiter.join(["%s"] * len(columns)), *columns)
        stmt = select(line).where(*where).order_by(*_TICKET_ORDER)
        return ([r[0] for r in rows] for rows in self._stream(stmt, cancel, 0))

    # ------------------------------------------------------------------ events

    def _event_where(self, flt: HistoryFilter) -> list[Any]:
        conds: list[Any] = [
            EventRow.site == self.site,
            EventRow.business_day >= flt.start,
            EventRow.business_day <= flt.end,
        ]
        if flt.field is not None:
            conds.append(
                or_(
                    EventRow.field == flt.field,
                    and_(EventRow.ticket_id.is_not(None), TicketRow.field == flt.field),
                )
            )
        if flt.counter is not None:
            conds.append(EventRow.counter == flt.counter)
        return conds

    def count_events(self, flt: HistoryFilter) -> int:
        with self.store.read() as s:
            return int(
                s.scalar(
                    select(func.count())
                    .select_from(EventRow)
                    .outerjoin(TicketRow, TicketRow.id == EventRow.ticket_id)
                    .where(*self._event_where(flt))
                )
                or 0
            )

    def events(
        self, flt: HistoryFilter, *, cancel: threading.Event | None = None
    ) -> Iterator[list[EventRecord]]:
        """Batches of the raw log (for audit) in (business day, id) order."""
        stmt = (
            select(
                EventRow.id,
                _seconds(self.store, EventRow.at),
                type_coerce(EventRow.business_day, String),
                EventRow.kind,
                TicketRow.code,
                EventRow.counter,
                EventRow.field,
                EventRow.actor,
                EventRow.officer,
                EventRow.site,
                type_coerce(EventRow.data, String),
            )
            .outerjoin(TicketRow, TicketRow.id == EventRow.ticket_id)
            .where(*self._event_where(flt))
            .order_by(EventRow.business_day, EventRow.id)
        )
        for rows in self._stream(stmt, cancel, 2):
            yield [EventRecord(*r) for r in rows]


def _cancelled() -> Cancelled:
    return Cancelled("Đã hủy; không có tệp nào được ghi", "Cancelled; no file was written")
