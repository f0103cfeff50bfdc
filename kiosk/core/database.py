"""Engines for SQLite (one PC) and PostgreSQL (several PCs), and schema migrations.

SQLite follows the documented pysqlite recipe: the driver's own transaction handling is
switched off and every write transaction starts with BEGIN IMMEDIATE, so two processes can
never read the same "next ticket" and both write it. Reads use a plain deferred BEGIN.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from kiosk.core.config import APP_NAME
from kiosk.core.errors import (
    UNAVAILABLE_EN,
    UNAVAILABLE_VI,
    DatabaseError,
    DatabaseTooNew,
    DatabaseUnavailable,
    DatabaseUnreachable,
)

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
    """The URL without its password, for messages and logs.

    The whole user information before the host is masked, whatever it holds: a password with
    an unencoded `@`, `:`, `/`, `#`, `?`, `%` or a space is never partly shown. The host is
    what follows the last `@` (a host name cannot contain one); SQLite paths have no user.
    A `password=` in the query string (libpq takes one there too) is masked as well.
    """
    url = re.sub(r"([?&]password=)[^&]*", r"\1***", url, flags=re.IGNORECASE)
    scheme, sep, rest = url.partition("://")
    if not sep or rest.startswith("/") or "@" not in rest:
        return url
    userinfo, _, host = rest.rpartition("@")
    user, colon, _password = userinfo.partition(":")
    if "/" in user or "?" in user or "#" in user:  # not a user name: mask it all
        return f"{scheme}://***@{host}"
    return f"{scheme}://{user}{':***' if colon else ''}@{host}"


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


#: libpq settings of every PostgreSQL connection, unless the URL sets them itself. They bound
#: how long a call can hang when the server or the network goes away: connecting, an idle
#: connection whose peer vanished (keepalives), unacknowledged writes (tcp_user_timeout), a
#: row lock held by a stuck client (lock_timeout) and a transaction left open by a client that
#: died (idle_in_transaction_session_timeout). Timeouts in seconds unless a unit is given.
PG_CONNECT_DEFAULTS: dict[str, Any] = {
    "connect_timeout": 5,
    "application_name": "kiosk",
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 2,
    "tcp_user_timeout": 9000,  # milliseconds
}
PG_SESSION_SETTINGS = {
    "lock_timeout": "5s",
    "statement_timeout": "30s",
    "idle_in_transaction_session_timeout": "60s",
}

_URL_EXAMPLES = "sqlite:///PATH/kiosk.db or postgresql+psycopg://USER:PASSWORD@HOST:5432/DB"


def _bad_url(url: str, why: str) -> DatabaseError:
    shown = describe_url(url)
    return DatabaseError(
        f"Địa chỉ cơ sở dữ liệu không hợp lệ: {shown} ({why})",
        f"Not a usable database URL: {shown!r} ({why}). Use {_URL_EXAMPLES}",
    )


def _encode_userinfo(url: str) -> str:
    """The URL with its user and password percent-encoded, so a password holding `@`, `:`,
    `/`, `#`, `?` or a space (typed as is) cannot spill into the host; already encoded ones
    stay as they are. The host is what follows the last `@`."""
    scheme, sep, rest = url.partition("://")
    if not sep or rest.startswith("/") or "@" not in rest:
        return url
    userinfo, _, host = rest.rpartition("@")
    user, colon, password = userinfo.partition(":")
    user = quote(unquote(user), safe="")
    return f"{scheme}://{user}{':' + quote(unquote(password), safe='') if colon else ''}@{host}"


def parse_db_url(url: str) -> URL:
    """Parse and normalise a URL: `postgres://` and `postgresql://` mean psycopg 3."""
    try:
        parsed = make_url(_encode_userinfo(url))
    except ArgumentError:
        raise _bad_url(url, "not a URL") from None
    except ValueError as exc:
        why = "the port must be a number" if "int()" in str(exc) else str(exc)
        raise _bad_url(url, why) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgres", "postgresql"):
        if driver not in ("psycopg", ""):
            raise DatabaseError(
                "Chỉ hỗ trợ trình điều khiển psycopg 3",
                f"Unsupported PostgreSQL driver {driver!r}; "
                "write the URL as postgresql+psycopg://USER:PASSWORD@HOST/DB",
            )
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def pg_connect_args(parsed: URL) -> dict[str, Any]:
    """Our libpq defaults, leaving alone whatever the URL's query string sets."""
    args = {k: v for k, v in PG_CONNECT_DEFAULTS.items() if k not in parsed.query}
    if "options" not in parsed.query:
        args["options"] = " ".join(f"-c {k}={v}" for k, v in PG_SESSION_SETTINGS.items())
    return args


def pg_dbapi_params(parsed: URL) -> dict[str, Any]:
    """Keyword arguments for `psycopg.connect` equal to what the engine uses (feed, tools)."""
    params: dict[str, Any] = {
        k: ",".join(v) if isinstance(v, tuple) else v for k, v in parsed.query.items()
    }
    for key, value in (
        ("host", parsed.host),
        ("port", parsed.port),
        ("user", parsed.username),
        ("password", parsed.password),
        ("dbname", parsed.database),
    ):
        if value is not None:
            params[key] = value
    return {**params, **pg_connect_args(parsed)}


def create_db_engine(url: str) -> Engine:
    """An engine for `url` with our concurrency settings; a bad URL raises DatabaseError."""
    parsed = parse_db_url(url)
    try:
        backend = parsed.get_backend_name()
    except ArgumentError:
        backend = parsed.drivername.partition("+")[0]
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
        try:
            engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
        except ArgumentError as exc:
            raise _bad_url(url, str(exc)) from None
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if backend == "postgresql":
        if not parsed.database:
            raise _bad_url(url, "no database name after the host")
        return create_engine(
            parsed,
            pool_pre_ping=True,  # a connection that died in an outage is replaced, not used
            pool_size=4,
            max_overflow=4,
            pool_timeout=10,
            connect_args=pg_connect_args(parsed),
        )
    raise DatabaseError(
        f"Không hỗ trợ cơ sở dữ liệu {backend}",
        f"Unsupported database {backend!r}: use {_URL_EXAMPLES}",
    )


def read_engine(engine: Engine) -> Engine:
    """The same pool, but transactions start deferred (no write lock on SQLite)."""
    return engine.execution_options(**{READ_OPTION: True})


def _server_of(url: str) -> str:
    """ "host:port" (or the socket folder) of a PostgreSQL URL, for messages."""
    try:
        parsed = make_url(_encode_userinfo(url))
    except (ArgumentError, ValueError):
        return "?"
    host = parsed.host or str(parsed.query.get("host") or "localhost")
    port = parsed.port or parsed.query.get("port") or 5432
    return f"{host}:{port}"


_UNREACHABLE = (
    "connection refused",
    "could not connect",
    "could not translate host name",
    "failed to resolve host",
    "name or service not known",
    "no route to host",
    "network is unreachable",
    "timeout expired",
    "timed out",
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "connection already closed",
    "the connection is lost",
    "consuming input failed",
    "ssl syscall",
    "the database system is",  # … starting up / shutting down / in recovery mode
    "connection to server",
    "no such file or directory",  # Unix socket missing: server not running
    "broken pipe",
    "connection reset",
)
_BUSY_STATES = {"55P03", "40P01", "40001", "57014", "25P03"}


#: Below this many free bytes a SQLite "disk I/O error" is the disk being full: SQLite reports
#: a -shm or -wal file that cannot grow on a full file system as an I/O error, not SQLITE_FULL.
NEARLY_FULL_BYTES = 1 << 20


def _sqlite_disk_nearly_full(url: str) -> bool:
    """Whether the folder of a SQLite URL's file has (almost) no free space left."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return False
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return False
    try:
        free = shutil.disk_usage(Path(parsed.database).expanduser().resolve().parent).free
    except OSError:
        return False
    return free < NEARLY_FULL_BYTES


def explain_db_error(
    exc: BaseException, url: str, *, opening: bool = False, setting: str = "--db / KIOSK_DB"
) -> DatabaseError:
    """Turn a driver error into a message that names what to check.

    `setting` names where the URL was given (`[sync] central_url` for the centre).

    Outages (server stopped, network down) become DatabaseUnavailable, which callers retry;
    with `opening` (the first connection of a command) they become DatabaseUnreachable, whose
    message names the host and port to check. Mistakes in the URL or the server's setup
    (password, role, database, pg_hba.conf, privileges) are plain DatabaseError.
    """
    orig = getattr(exc, "orig", None) or exc
    full = str(orig).strip()
    text = full.splitlines()[0].strip() if full else type(orig).__name__
    # libpq prefixes: "connection failed: connection to server at …, port … failed: FATAL:  …"
    reason = re.split(r"(?:FATAL|ERROR):\s+|failed:\s+", text)[-1].strip()
    low = full.lower()
    sqlstate = getattr(orig, "sqlstate", None)
    where = describe_url(url)
    user = _user_of(url)
    if sqlstate == "28P01" or "password authentication failed" in low:
        return DatabaseError(
            f"Sai tên người dùng hoặc mật khẩu cơ sở dữ liệu ({user})",
            f"PostgreSQL rejected user {user!r} with this password at {_server_of(url)}: check "
            f"the user name and password in {setting} (and that the role exists on the "
            "server).",
        )
    if m := re.search(r'role "([^"]*)" does not exist', full):
        return DatabaseError(
            f'Người dùng cơ sở dữ liệu "{m[1]}" không tồn tại',
            f'The database user "{m[1]}" does not exist on {_server_of(url)}: create the role '
            "(CREATE ROLE … LOGIN PASSWORD …, see docs/several-pcs.md) or fix the user in the URL.",
        )
    if m := re.search(r'database "([^"]*)" does not exist', full):
        return DatabaseError(
            f'Cơ sở dữ liệu "{m[1]}" chưa được tạo',
            f'The database "{m[1]}" does not exist on {_server_of(url)}: create it '
            "(CREATE DATABASE … OWNER …, see docs/several-pcs.md) or fix the name in the URL.",
        )
    if "pg_hba.conf" in low or sqlstate == "28000":
        return DatabaseError(
            "Máy chủ cơ sở dữ liệu từ chối kết nối từ máy này",
            f"The server {_server_of(url)} refuses this PC ({reason}): allow it in the "
            "server's pg_hba.conf (docs/several-pcs.md), then reload PostgreSQL.",
        )
    if sqlstate == "42501" or "permission denied" in low or "must be owner" in low:
        return DatabaseError(
            f"Người dùng {user} không đủ quyền trên cơ sở dữ liệu",
            f"User {user!r} lacks a privilege on {where} ({reason}): run `kiosk db upgrade` "
            "with the owner role and grant the app role its rights (docs/several-pcs.md).",
        )
    if (
        "database or disk is full" in low
        or sqlstate == "53100"
        or "no space left" in low
        or ("disk i/o error" in low and _sqlite_disk_nearly_full(url))
    ):
        return DatabaseError(
            "Ổ đĩa chứa cơ sở dữ liệu đã đầy",
            f"The disk holding {where} is full ({reason}): free some space there (or move the "
            "database to a larger disk); nothing of this action was saved.",
        )
    if sqlstate in ("42703", "42P01") or re.search(r"no such (column|table)|has no column", low):
        return DatabaseError(
            "Các bảng của cơ sở dữ liệu không đúng như kiosk cần; hãy khôi phục từ bản sao lưu",
            f"The tables of {where} are not those this kiosk expects ({reason}): another program "
            "changed them or a restore was partial; restore the database from a backup.",
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
    if sqlstate in _BUSY_STATES:
        return DatabaseUnavailable(
            "Cơ sở dữ liệu đang bận, vui lòng thử lại",
            f"The database {where} is busy ({reason}); try again.",
        )
    if (
        opening
        and url.startswith("postgres")
        and (sqlstate is None or any(s in low for s in _UNREACHABLE))
    ):
        return DatabaseUnreachable(
            f"Không kết nối được máy chủ cơ sở dữ liệu {_server_of(url)}",
            f"Cannot connect to the database server {_server_of(url)} ({reason}): check the "
            f"server is running, the host and port in {setting}, the firewall, and "
            "listen_addresses in postgresql.conf.",
        )
    return DatabaseUnavailable(
        UNAVAILABLE_VI,
        f"{UNAVAILABLE_EN}: cannot reach the database {where} ({reason}); it reconnects by itself.",
    )


def _user_of(url: str) -> str:
    try:
        return make_url(_encode_userinfo(url)).username or "?"
    except (ArgumentError, ValueError):
        return "?"


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


#: The newest revision this version writes (a test proves it equals alembic's head), so a
#: start against an up-to-date database needs one plain query and no alembic at all.
HEAD_REVISION = "0009"
#: Tables of the kiosk schema: a database holding other tables but none of these belongs to
#: another program.
KIOSK_TABLES = ("tickets", "queue_events")


def known_revisions() -> set[str]:
    """Revision ids this version knows: its migration files are named after them."""
    return {p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py")}


def stored_revision(engine: Engine) -> tuple[str | None, list[str]]:
    """(the revision in `alembic_version` or None, the database's tables), in one read."""
    with read_engine(engine).connect() as conn:
        tables = inspect(conn).get_table_names()
        if "alembic_version" not in tables:
            return None, tables
        rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        return (str(rows[0][0]) if rows else None), tables


def check_revision(url: str, revision: str | None, tables: list[str]) -> None:
    """Refuse a database this version must not touch, saying why and what to do.

    A revision this version does not know was written by a newer kiosk (DatabaseTooNew: the
    screens wait for this PC to be updated); without our tables it is another program's
    database; our tables without a revision lost their `alembic_version` row.
    """
    where = describe_url(url)
    ours = all(t in tables for t in KIOSK_TABLES)
    if revision is not None and revision not in known_revisions():
        if not ours:
            raise _foreign(where, tables)
        raise DatabaseTooNew(
            f"Cơ sở dữ liệu đã được nâng cấp bởi phiên bản kiosk mới hơn (bản {revision}); "
            "hãy cập nhật kiosk trên máy này",
            f"{where} was upgraded by a newer kiosk (revision {revision}; this version knows up "
            f"to {HEAD_REVISION}): update kiosk on this PC.",
        )
    if revision is None and ours:
        raise DatabaseError(
            "Cơ sở dữ liệu mất thông tin phiên bản (bảng alembic_version)",
            f"{where} has the kiosk tables but no schema revision (its alembic_version row is "
            "missing): restore it from a backup, or if it is known to be at the newest schema, "
            "run `kiosk db upgrade` with a version that can stamp it.",
        )
    if revision is None and [t for t in tables if t != "alembic_version"]:
        raise _foreign(where, tables)


def _foreign(where: str, tables: list[str]) -> DatabaseError:
    shown = ", ".join(sorted(tables)[:5]) + (" …" if len(tables) > 5 else "")
    return DatabaseError(
        "Đây không phải cơ sở dữ liệu của kiosk",
        f"{where} belongs to another program (tables: {shown}); nothing was changed. Point "
        "--db / KIOSK_DB at the kiosk's database, or at a new empty one.",
    )


def upgrade(engine: Engine, url: str | None = None) -> tuple[str | None, str]:
    """Bring the schema to the newest revision; returns (before, after). Safe to race.

    Refuses a newer, foreign or damaged database (`check_revision`) without changing it.
    """
    before, tables = stored_revision(engine)
    if before == HEAD_REVISION:
        return before, before
    check_revision(url or engine.url.render_as_string(hide_password=False), before, tables)
    from alembic import command

    head = HEAD_REVISION
    cfg = _alembic_config()
    with engine.begin() as conn:  # BEGIN IMMEDIATE on SQLite: one migrator at a time
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    log.info("database upgraded from %s to %s", before, head)
    return before, head


@contextmanager
def translated_errors(url: str, *, opening: bool = False) -> Iterator[None]:
    """Raise our DatabaseError for driver failures, naming the database."""
    try:
        yield
    except (OperationalError, DBAPIError) as exc:
        raise explain_db_error(exc, url, opening=opening) from exc


def peek_sqlite(path: Path) -> tuple[str | None, list[str]]:
    """(revision, tables) of an existing SQLite file, read-only: nothing is written, not
    even the WAL switch our engine makes, so another program's file is left exactly as it was."""
    with contextlib.closing(
        sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    ) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        row = (
            conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if "alembic_version" in tables
            else None
        )
    return (str(row[0]) if row else None), tables


def _check_sqlite_file(url: str) -> None:
    """Before our engine opens an existing SQLite file: refuse one that is not ours."""
    parsed = parse_db_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return
    path = Path(parsed.database).expanduser()
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        revision, tables = peek_sqlite(path)
    except sqlite3.DatabaseError:
        return  # not SQLite at all: the engine's own error names it
    if revision != HEAD_REVISION:
        check_revision(url, revision, tables)


def open_engine(url: str, *, migrate: bool = True) -> Engine:
    """Create the engine, check it answers, and upgrade the schema (on start, as designed)."""
    _check_sqlite_file(url)
    engine = create_db_engine(url)
    with translated_errors(url, opening=True):
        if migrate:
            upgrade(engine, url)
        elif "queue_events" not in inspect(engine).get_table_names():
            raise DatabaseError(
                "Cơ sở dữ liệu chưa được khởi tạo",
                f"{describe_url(url)} has no kiosk tables yet: run `kiosk db upgrade`.",
            )
    return engine
