"""Copy a point's whole database to another one: SQLite → PostgreSQL when a point grows to
several PCs, and back. Ids are kept, rows go in id order and in batches (one transaction
each), so an interrupted copy continues where it stopped when run again and never copies a
row twice. At the end the two databases are compared row by row (counts and contents), and
the copied log is replayed against the copied tickets.

Stop every kiosk program of the point before copying: rows changed during a copy are caught
by the comparison, not carried over.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, func, select, text
from sqlalchemy.dialects import postgresql, sqlite

from kiosk.core.database import (
    KIOSK_TABLES,
    check_revision,
    create_db_engine,
    describe_url,
    open_engine,
    parse_db_url,
    peek_sqlite,
    read_engine,
    stored_revision,
    translated_errors,
)
from kiosk.core.errors import CopyVerificationFailed, DatabaseError
from kiosk.core.reader import event_value, ticket_value
from kiosk.core.replay import mismatches, replay
from kiosk.core.schema import Base, EventRow, TicketRow

log = logging.getLogger(__name__)

#: Tables with an id that only grows: copied in id order, resumed after the target's max id.
LOG_TABLES = ("tickets", "queue_events")
#: Small tables keyed by (site, …): copied whole, overwriting, every run.
KEYED_TABLES = ("ticket_sequences", "counters", "field_days", "pin_lockouts")
DEFAULT_BATCH = 1000

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class TableCopy:
    name: str
    source_rows: int
    target_rows: int
    copied_now: int


@dataclass(frozen=True)
class CopyReport:
    source: str
    target: str
    tables: tuple[TableCopy, ...]
    resumed: bool
    events_replayed: int

    def summary(self) -> str:
        lines = [f"Copied {self.source} → {self.target}" + (" (resumed)" if self.resumed else "")]
        lines += [
            f"  {t.name:<17} {t.target_rows:>9} rows ({t.copied_now} copied now)"
            for t in self.tables
        ]
        lines.append(
            f"Verified: row counts and contents equal; replaying {self.events_replayed} events "
            "gives the copied tickets."
        )
        return "\n".join(lines)


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _count(engine: Engine, table: Table) -> int:
    with read_engine(engine).connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def _max_id(engine: Engine, table: Table) -> int:
    with read_engine(engine).connect() as conn:
        return int(conn.scalar(select(func.max(table.c.id))) or 0)


def _rows(engine: Engine, table: Table, *, batch: int = DEFAULT_BATCH) -> Iterator[tuple[Any, ...]]:
    """Every row in key order, read in pages of `batch` (each a short read transaction)."""
    keys = list(table.primary_key.columns)
    last: tuple[Any, ...] | None = None
    reader = read_engine(engine)
    while True:
        stmt = select(table).order_by(*keys).limit(batch)
        if last is not None:
            stmt = stmt.where(_after(keys, last))
        with reader.connect() as conn:
            page = [tuple(r) for r in conn.execute(stmt)]
        yield from page
        if len(page) < batch:
            return
        names = [c.name for c in table.columns]
        last = tuple(page[-1][names.index(k.name)] for k in keys)


def _after(keys: list[Any], last: tuple[Any, ...]) -> Any:
    """(k1, k2, …) > last, spelled out so that both backends accept it."""
    from sqlalchemy import and_, or_

    clauses = []
    for i, key in enumerate(keys):
        equal = [keys[j] == last[j] for j in range(i)]
        clauses.append(and_(*equal, key > last[i]))
    return or_(*clauses)


def _check_prefix(source: Engine, target: Engine, table: Table) -> int:
    """The target's rows must be the first rows of the source (an earlier, partial copy)."""
    target_max = _max_id(target, table)
    if target_max == 0:
        return 0
    target_count = _count(target, table)
    with read_engine(source).connect() as conn:
        source_count = int(
            conn.scalar(select(func.count()).select_from(table).where(table.c.id <= target_max))
            or 0
        )
        source_last = conn.execute(select(table).where(table.c.id == target_max)).first()
    with read_engine(target).connect() as conn:
        target_last = conn.execute(select(table).where(table.c.id == target_max)).first()
    if (
        source_count != target_count
        or source_last is None
        or tuple(source_last) != tuple(target_last or ())
    ):
        raise DatabaseError(
            "Cơ sở dữ liệu đích đã có dữ liệu khác, không thể chép vào",
            f"The target already holds other data in {table.name} (rows up to id {target_max} "
            "differ from the source): copy into an empty database, or into the one an "
            "interrupted copy of this same source was filling.",
        )
    return target_max


def _copy_log_table(
    source: Engine, target: Engine, table: Table, batch: int, progress: Progress | None
) -> tuple[int, bool]:
    """Copy the rows after the target's max id; returns (rows copied now, was resumed)."""
    last = started_after = _check_prefix(source, target, table)
    total = _count(source, table)
    done = _count(target, table)
    copied = 0
    reader = read_engine(source)
    while True:
        with reader.connect() as conn:
            page = [
                dict(r._mapping)
                for r in conn.execute(
                    select(table).where(table.c.id > last).order_by(table.c.id).limit(batch)
                )
            ]
        if not page:
            return copied, started_after > 0
        with target.begin() as conn:  # one batch, one transaction: all of it or none
            conn.execute(table.insert(), page)
        last = page[-1]["id"]
        copied += len(page)
        done += len(page)
        if progress is not None:
            progress(table.name, done, total)


def _copy_keyed_table(source: Engine, target: Engine, table: Table, batch: int) -> int:
    names = [c.name for c in table.columns]
    rows = [dict(zip(names, r, strict=True)) for r in _rows(source, table)]
    if not rows:
        return 0
    insert = postgresql.insert if target.dialect.name == "postgresql" else sqlite.insert
    keys = [c.name for c in table.primary_key.columns]
    with target.begin() as conn:
        for start in range(0, len(rows), batch):
            stmt = insert(table)
            stmt = stmt.on_conflict_do_update(
                index_elements=keys,
                set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys},
            )
            conn.execute(stmt, rows[start : start + batch])
    return len(rows)


def _reset_sequences(target: Engine) -> None:
    """PostgreSQL: the next id after the copied ones (explicit ids leave sequences behind)."""
    if target.dialect.name != "postgresql":
        return
    with target.begin() as conn:
        for name in LOG_TABLES:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {name}), 0) + 1, false)"
                )
            )


def _compare(source: Engine, target: Engine, table: Table, batch: int) -> tuple[int, int]:
    """Row counts of both sides; raises at the first row that differs."""
    n_source = n_target = 0
    for ours, theirs in zip_longest(
        _rows(source, table, batch=batch), _rows(target, table, batch=batch)
    ):
        n_source += ours is not None
        n_target += theirs is not None
        if ours != theirs:
            raise CopyVerificationFailed(
                f"Bản sao khác bản gốc ở bảng {table.name}",
                f"The copy differs from the source in {table.name}: source row {ours} vs "
                f"copied row {theirs}. Stop every kiosk program and run the copy again.",
            )
    return n_source, n_target


def replay_problems(engine: Engine, batch: int = DEFAULT_BATCH) -> tuple[int, list[str]]:
    """(events replayed, differences between the replayed log and the tickets table)."""
    with read_engine(engine).connect() as conn, conn.begin():
        events = (
            event_value(e, e.ticket_code)
            for e in conn.execute(
                select(EventRow, TicketRow.code.label("ticket_code"))
                .outerjoin(TicketRow, TicketRow.id == EventRow.ticket_id)
                .order_by(EventRow.id)
                .execution_options(yield_per=batch)
            )
        )
        counted = _Counted(events)
        replayed = replay(counted)
        tickets = (
            ticket_value(t)  # type: ignore[arg-type]  # a row of the tickets table
            for t in conn.execute(
                select(TicketRow).order_by(TicketRow.id).execution_options(yield_per=batch)
            )
        )
        return counted.n, mismatches(tickets, replayed)


class _Counted:
    def __init__(self, items: Iterator[Any]) -> None:
        self._items = items
        self.n = 0

    def __iter__(self) -> Iterator[Any]:
        for item in self._items:
            self.n += 1
            yield item


def check_source(url: str) -> None:
    """Refuse a source that is not a kiosk database, without creating or changing anything.

    A mistyped SQLite path must not become a new empty database (nor its folder, nor WAL
    files): the file is looked at read-only, before any engine touches it.
    """
    parsed = parse_db_url(url)
    if parsed.drivername.startswith("sqlite"):
        path = Path(parsed.database or "").expanduser()
        if not path.is_file():
            what = "is a folder" if path.is_dir() else "does not exist"
            raise DatabaseError(
                f"Không có cơ sở dữ liệu nguồn {path}",
                f"The source {path} {what}: check the path given to --from (nothing was created).",
            )
        try:
            revision, tables = peek_sqlite(path)
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(
                f"{path} không phải cơ sở dữ liệu SQLite",
                f"The source {path} is not a SQLite database ({exc}): check --from.",
            ) from None
    else:
        engine = create_db_engine(url)
        try:
            with translated_errors(url, opening=True):
                revision, tables = stored_revision(engine)
        finally:
            engine.dispose()
    if not all(t in tables for t in KIOSK_TABLES) and not [
        t for t in tables if t != "alembic_version"
    ]:
        raise DatabaseError(
            "Cơ sở dữ liệu nguồn trống",
            f"The source {describe_url(url)} is empty: it holds no kiosk data to copy (check "
            "--from).",
        )
    check_revision(url, revision, tables)
    if not all(t in tables for t in KIOSK_TABLES):
        raise DatabaseError(
            "Đây không phải cơ sở dữ liệu của kiosk",
            f"The source {describe_url(url)} has no kiosk tables: check --from.",
        )


def copy_database(
    source_url: str,
    target_url: str,
    *,
    batch: int = DEFAULT_BATCH,
    progress: Progress | None = None,
) -> CopyReport:
    """Copy everything from `source_url` into `target_url` (both migrated first), then verify."""
    if batch < 1:
        raise DatabaseError("Kích thước lô phải lớn hơn 0", "The batch size must be at least 1")
    src_name, dst_name = describe_url(source_url), describe_url(target_url)
    if src_name == dst_name:
        raise DatabaseError(
            "Nguồn và đích là cùng một cơ sở dữ liệu",
            f"The source and the target are the same database ({src_name}).",
        )
    check_source(source_url)
    source = open_engine(source_url)
    target = open_engine(target_url)
    try:
        tables: list[TableCopy] = []
        resumed = False
        with translated_errors(target_url):  # after opening both, the target is the likely one
            for name in LOG_TABLES:
                copied, was_resumed = _copy_log_table(source, target, _table(name), batch, progress)
                resumed |= was_resumed
                tables.append(TableCopy(name, 0, 0, copied))
            for name in KEYED_TABLES:
                tables.append(
                    TableCopy(name, 0, 0, _copy_keyed_table(source, target, _table(name), batch))
                )
            _reset_sequences(target)
            verified = []
            for t in tables:
                n_source, n_target = _compare(source, target, _table(t.name), batch)
                verified.append(TableCopy(t.name, n_source, n_target, t.copied_now))
            replayed, problems = replay_problems(target, batch)
        if problems:
            raise CopyVerificationFailed(
                "Bản sao không khớp khi phát lại nhật ký",
                f"Replaying the copied log disagrees with the copied tickets "
                f"({len(problems)} tickets), e.g. {problems[0]}",
            )
        report = CopyReport(src_name, dst_name, tuple(verified), resumed, replayed)
        log.info("copied %s to %s", src_name, dst_name)
        return report
    finally:
        source.dispose()
        target.dispose()
