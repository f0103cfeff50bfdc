"""Engines for SQLite (one PC) and PostgreSQL (several PCs), and schema migrations.

SQLite follows the documented pysqlite recipe: the driver's own transaction handling is
switched off and every write transaction starts with BEGIN IMMEDIATE, so two processes can
never read the same "next ticket" and both write it. Reads use a plain deferred BEGIN.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from kiosk.core.config import APP_NAME
from kiosk.core.errors import DatabaseError, DatabaseUnavailable

log = logging.getLogger(__name__)

DB_ENV = "KIOSK_DB"
READ_OPTION = "kiosk_read_only"
SQLITE_BUSY_MS = 15000


def default_db_url() -> str:
    data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return f"sqlite:///{data / 'kiosk.db'}"


def resolve_db_url(explicit: str | None = None) -> str:
    """`--db`, then KIOSK_DB, then the SQLite file in the user data dir."""
    return explicit or os.environ.get(DB_ENV) or default_db_url()


def describe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _sqlite_on_connect(dbapi_conn: Any, _record: ConnectionPoolEntry) -> None:
    dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _sqlite_on_begin(conn: Connection) -> None:
    read_only = conn.get_execution_options().get(READ_OPTION, False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def create_db_engine(url: str) -> Engine:
    """An engine for `url` with our concurrency settings; a bad URL raises DatabaseError."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"Địa chỉ cơ sở dữ liệu không hợp lệ: {url}",
            f"Not a database URL: {url!r}. Use sqlite:///PATH/kiosk.db or "
            "postgresql+psycopg://USER:PASSWORD@HOST/DB",
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = parsed.database
        if not path or path == ":memory:":
            raise DatabaseError(
                "Cần một tệp SQLite (mọi tiến trình dùng chung một tệp)",
                "An in-memory SQLite database cannot be shared between the kiosk, display and "
                "counters; give a file path: sqlite:///PATH/kiosk.db",
            )
        folder = Path(path).expanduser().resolve().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                f"Không tạo được thư mục {folder} cho cơ sở dữ liệu: {exc.strerror}",
                f"Cannot create the database folder {folder}: {exc.strerror}. "
                "Choose another path with --db or KIOSK_DB.",
            ) from None
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() not in ("psycopg", ""):
            raise DatabaseError(
                "Chỉ hỗ trợ trình điều khiển psycopg 3",
                f"Unsupported PostgreSQL driver {parsed.get_driver_name()!r}; "
                "write the URL as postgresql+psycopg://USER:PASSWORD@HOST/DB",
            )
        if parsed.get_driver_name() == "":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(
            parsed,
            pool_pre_ping=True,
            pool_size=4,
            max_overflow=4,
            connect_args={"connect_timeout": 5, "application_name": "kiosk"},
        )
    raise DatabaseError(
        f"Không hỗ trợ cơ sở dữ liệu {backend}",
        f"Unsupported database {backend!r}: use sqlite:///PATH or postgresql+psycopg://…",
    )


def read_engine(engine: Engine) -> Engine:
    """The same pool, but transactions start deferred (no write lock on SQLite)."""
    return engine.execution_options(**{READ_OPTION: True})


def explain_db_error(exc: BaseException, url: str) -> DatabaseError:
    """Turn a driver error into a message that names what to check."""
    text = str(getattr(exc, "orig", exc) or exc).strip().splitlines()[0] if str(exc) else ""
    where = describe_url(url)
    low = text.lower()
    if "password authentication failed" in low:
        return DatabaseError(
            "Sai mật khẩu cơ sở dữ liệu",
            f"PostgreSQL rejected the password for {where}: check the user and password in "
            "--db / KIOSK_DB.",
        )
    if "does not exist" in low and "database" in low:
        return DatabaseError(
            "Cơ sở dữ liệu chưa được tạo",
            f"The database in {where} does not exist: create it (createdb) or fix the name.",
        )
    if "role" in low and "does not exist" in low:
        return DatabaseError(
            "Người dùng cơ sở dữ liệu không tồn tại",
            f"The user in {where} does not exist on the server: create the role or fix the URL.",
        )
    if "unable to open database file" in low or "readonly database" in low:
        return DatabaseError(
            "Không mở được tệp cơ sở dữ liệu",
            f"Cannot open {where}: check the path exists and is writable by this user.",
        )
    if "file is not a database" in low or "malformed" in low:
        return DatabaseError(
            "Tệp cơ sở dữ liệu bị hỏng hoặc không phải SQLite",
            f"{where} is not a kiosk SQLite database (or is damaged): restore it from a backup "
            "or point --db at the right file.",
        )
    if "database is locked" in low:
        return DatabaseUnavailable(
            "Cơ sở dữ liệu đang bận, vui lòng thử lại",
            f"{where} stayed locked for {SQLITE_BUSY_MS // 1000} s by another process; try again.",
        )
    return DatabaseUnavailable(
        "Hệ thống tạm thời gián đoạn, vui lòng chờ trong giây lát",
        f"Cannot reach the database {where}: {text}. Check the server is running and reachable.",
    )


# ------------------------------------------------------------------------------ migrations

MIGRATIONS = Path(__file__).with_name("migrations")


def _alembic_config() -> Any:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with read_engine(engine).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to the newest revision; returns (before, after). Safe to race."""
    from alembic import command

    before = current_revision(engine)
    head = head_revision()
    if before == head:
        return before, head
    cfg = _alembic_config()
    with engine.begin() as conn:  # BEGIN IMMEDIATE on SQLite: one migrator at a time
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    log.info("database upgraded from %s to %s", before, head)
    return before, head


@contextmanager
def translated_errors(url: str) -> Iterator[None]:
    """Raise our DatabaseError for driver failures, naming the database."""
    try:
        yield
    except (OperationalError, DBAPIError) as exc:
        raise explain_db_error(exc, url) from exc


def open_engine(url: str, *, migrate: bool = True) -> Engine:
    """Create the engine, check it answers, and upgrade the schema (on start, as designed)."""
    engine = create_db_engine(url)
    with translated_errors(url):
        if migrate:
            upgrade(engine)
        elif "queue_events" not in inspect(engine).get_table_names():
            raise DatabaseError(
                "Cơ sở dữ liệu chưa được khởi tạo",
                f"{describe_url(url)} has no kiosk tables yet: run `kiosk db upgrade`.",
            )
    return engine
