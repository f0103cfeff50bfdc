"""The centre's database: create its schema, give a point its role, connect to it.

Only PostgreSQL: row-level security, month partitions and the points' roles need it. Every
failure becomes one DatabaseError naming what to check (kiosk.core.database explains the
driver's errors); passwords never appear in a message.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError

from kiosk.core.config import SHORT_ID
from kiosk.core.database import (
    create_db_engine,
    describe_url,
    explain_db_error,
    parse_db_url,
    pg_dbapi_params,
)
from kiosk.core.errors import DatabaseError

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
#: The group role of every point's role (created by the first migration).
SITES_ROLE = "kiosk_sites"
#: The newest revision of the centre's schema (a test proves it equals alembic's head).
CENTRAL_HEAD = "c004"


class CentralRefused(DatabaseError):
    """The centre refused what a point's role asked (row-level security, privileges)."""

    exit_code = 2


def central_url_parts(url: str) -> URL:
    """The parsed URL of a centre, or one clear line when it is not PostgreSQL."""
    parsed = parse_db_url(url)
    if not parsed.drivername.startswith("postgresql"):
        shown = describe_url(url)
        raise DatabaseError(
            f"Trung tâm cần một cơ sở dữ liệu PostgreSQL, không phải {shown}",
            f"The centre must be a PostgreSQL database, not {shown}: give "
            "postgresql://USER:PASSWORD@HOST:5432/DB",
        )
    if not parsed.database:
        raise DatabaseError(
            f"Thiếu tên cơ sở dữ liệu trong {describe_url(url)}",
            f"No database name after the host in {describe_url(url)}: "
            "write postgresql://USER:PASSWORD@HOST:5432/DB",
        )
    return parsed


#: Where a point's centre URL is written, for messages.
SYNC_SETTING = "[sync] central_url"
#: Where the admin gives the centre's URL.
ADMIN_SETTING = "the URL given"


@contextmanager
def connect(url: str, *, setting: str = SYNC_SETTING) -> Iterator[psycopg.Connection[Any]]:
    """An autocommit psycopg connection to the centre (our libpq time limits; a transaction
    only inside `conn.transaction()`), errors explained naming `setting`."""
    params = pg_dbapi_params(central_url_parts(url))
    try:
        conn = psycopg.connect(**params, autocommit=True)
    except psycopg.Error as exc:
        raise explain_db_error(exc, url, opening=True, setting=setting) from None
    try:
        with conn:
            yield conn
    except psycopg.Error as exc:
        raise explain_central_error(exc, url, setting) from exc


def explain_central_error(exc: BaseException, url: str, setting: str) -> DatabaseError:
    """A refusal of row-level security or of a privilege names the point's role; anything
    else is explained as every database error is."""
    sqlstate = getattr(exc, "sqlstate", None)
    if sqlstate == "42501":
        user = central_url_parts(url).username or "?"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "permission denied"
        return CentralRefused(
            f"Trung tâm từ chối người dùng {user}: {first}",
            f"The centre refused user {user!r} ({first}): a point's role may write only its "
            "own site's events; check [sync] central_url is the one `kiosk central add-site` "
            "printed for this point.",
        )
    if sqlstate in _OLDER_SCHEMA:
        return DatabaseError(
            "Cơ sở dữ liệu của trung tâm cũ hơn phiên bản kiosk này; hãy nâng cấp trung tâm",
            f"The centre's schema is older than this kiosk ({str(exc).strip().splitlines()[0]}): "
            "upgrade the centre first with `kiosk central init URL` (its owner's URL), then "
            "run this again.",
        )
    return explain_db_error(exc, url, setting=setting)


#: A table, column or function missing: the centre's schema is from an older kiosk.
_OLDER_SCHEMA = frozenset({"42P01", "42703", "42883"})


# ------------------------------------------------------------------------------ schema


@contextmanager
def _explained(url: str) -> Iterator[None]:
    try:
        yield
    except (OperationalError, DBAPIError) as exc:
        raise explain_db_error(exc, url, opening=True, setting=ADMIN_SETTING) from exc


def _alembic_config() -> Any:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def init_centre(url: str) -> tuple[str | None, str]:
    """Create or upgrade the centre's schema; returns (revision before, after). Idempotent."""
    central_url_parts(url)
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    engine = create_db_engine(url)
    try:
        with _explained(url), engine.begin() as conn:
            before = MigrationContext.configure(
                conn, opts={"version_table": "central_alembic_version"}
            ).get_current_revision()
            if before != CENTRAL_HEAD:
                cfg = _alembic_config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
    finally:
        engine.dispose()
    log.info("centre %s at revision %s (was %s)", describe_url(url), CENTRAL_HEAD, before)
    return before, CENTRAL_HEAD


# ------------------------------------------------------------------------------ sites


@dataclass(frozen=True)
class NewSite:
    """A point's access to the centre, as `kiosk central add-site` prints it once."""

    site: str
    role: str
    central_url: str
    new: bool  # False: the site existed and its password was replaced


def role_of(site: str) -> str:
    """The login role of a point at the centre."""
    return f"site_{site}"


def check_site_id(site: str) -> str:
    if not SHORT_ID.fullmatch(site):
        raise DatabaseError(
            f'Mã điểm "{site}" không hợp lệ: dùng chữ thường, số, "-" hoặc "_"',
            f'"{site}" is not a site id: use the point\'s [site] id (1-40 lower-case letters, '
            "digits, '-' or '_'), e.g. tranphu",
        )
    return site


def point_url(admin_url: str, role: str, password: str, host: str | None = None) -> str:
    """The centre's URL for a point: the admin URL's server and database, the point's role."""
    parsed = central_url_parts(admin_url)
    where = host or (f"{parsed.host}:{parsed.port}" if parsed.port else (parsed.host or ""))
    query = "&".join(
        f"{k}={quote(str(v), safe='/')}"
        for k, v in parsed.query.items()
        if k not in ("user", "password")
    )
    auth = f"{quote(role, safe='')}:{quote(password, safe='')}"
    return f"postgresql://{auth}@{where}/{parsed.database}" + (f"?{query}" if query else "")


def add_site(url: str, site: str, *, host: str | None = None) -> NewSite:
    """Create the point's login role (a new random password) and its rows; run again, it
    replaces the password. Needs the centre's owner with the right to create roles."""
    check_site_id(site)
    role = role_of(site)
    password = secrets.token_urlsafe(18)
    with connect(url, setting=ADMIN_SETTING) as conn:
        _require_schema(conn, url)
        with conn.transaction():  # the role and its rows, or nothing
            exists = conn.execute("SELECT 1 FROM sites WHERE id = %s", (site,)).fetchone()
            role_exists = conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)
            ).fetchone()
            if role_exists and not exists:
                raise DatabaseError(
                    f"Người dùng {role} đã có trên máy chủ nhưng không thuộc trung tâm này",
                    f"The role {role} already exists on this server but not as a site of this "
                    f"centre (another centre database?): drop it (DROP ROLE {role}) or use "
                    "another site id.",
                )
            verb = "ALTER" if role_exists else "CREATE"
            conn.execute(
                sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(password)
                )
            )
            conn.execute(
                sql.SQL("GRANT {} TO {}").format(sql.Identifier(SITES_ROLE), sql.Identifier(role))
            )
            conn.execute(
                "INSERT INTO sites (id, role) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING",
                (site, role),
            )
            conn.execute(
                "INSERT INTO high_water (site) VALUES (%s) ON CONFLICT (site) DO NOTHING", (site,)
            )
    return NewSite(site, role, point_url(url, role, password, host), new=not exists)


def _require_schema(conn: psycopg.Connection[Any], url: str) -> None:
    found = conn.execute("SELECT to_regclass('central_events') IS NOT NULL").fetchone()
    if not found or not found[0]:
        raise centre_not_ready(url)


def centre_not_ready(url: str) -> DatabaseError:
    """The error of a database without the centre's schema, or with an older one."""
    return DatabaseError(
        "Trung tâm chưa được khởi tạo hoặc cần nâng cấp",
        f"{describe_url(url)} has no centre schema, or an older one: run "
        "`kiosk central init URL` (it creates or upgrades it).",
    )
