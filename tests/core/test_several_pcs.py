"""Operating the several-PC setup against the real cluster: the messages an admin sees, the
roles and grants of docs/several-pcs.md (run from the document itself), and a tested restore.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from kiosk.core.clock import ManualClock
from kiosk.core.copy import replay_problems
from kiosk.core.errors import DatabaseError
from kiosk.core.feed import PostgresFeed
from kiosk.core.lockout import ADMIN_SCOPE, Lockout
from kiosk.core.queue import QueueService
from kiosk.core.schema import Base
from kiosk.core.store import Store
from tests.conftest import PG_OWNER, PG_OWNER_PASSWORD, PG_TEMPLATE
from tests.core.test_copy import build_history
from tests.pg_cluster import PgCluster, PgUnavailable, find_bindir
from tests.support import ALWAYS_OPEN, local, make_config, only_backend

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "several-pcs.md"
KIOSK = str(Path(sys.executable).with_name("kiosk"))


def doc_block(name: str) -> str:
    """The fenced block that follows `<!-- tested: NAME … -->` in docs/several-pcs.md."""
    found = re.search(
        rf"<!-- tested: {name}\b[^>]*-->\s*```[a-z]*\n(.*?)```", DOC.read_text(), re.S
    )
    assert found, f"no tested block {name!r} in {DOC}"
    return found[1]


def test_missing_postgresql_binaries_fail_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KIOSK_PG_BINDIR", str(tmp_path))
    with pytest.raises(PgUnavailable) as err:
        find_bindir()
    message = str(err.value)
    assert str(tmp_path) in message and "initdb" in message
    assert "make system-deps" in message and "postgresql" in message


def test_the_install_script_installs_the_postgresql_server() -> None:
    script = (REPO / "scripts" / "install-system-deps.sh").read_text()
    packages = re.search(r"^packages=\((.*?)\)", script, re.S | re.M)
    assert packages and "postgresql" in packages[1].split()
    assert (find_bindir() / "initdb").is_file()  # on this machine the Makefile did its job


# ------------------------------------------------------------------------------ messages


def _kiosk(args: list[str], home: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env |= {"XDG_CONFIG_HOME": str(home / "cfg"), "XDG_DATA_HOME": str(home / "data")}
    return subprocess.Popen(
        [KIOSK, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def _one_line(proc: subprocess.Popen[str], *fragments: str, code: int = 2) -> str:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert out == ""
    assert "Traceback" not in err and err.count("\n") == 1, err
    for fragment in fragments:
        assert fragment in err, err
    return err


@only_backend("postgresql")
def test_each_wrong_setting_gets_one_clear_line(
    pg_cluster: PgCluster, db_url: str, tmp_path: Path
) -> None:
    port = pg_cluster.port
    hba = pg_cluster.data / "pg_hba.conf"
    original = hba.read_text()
    hba.write_text(f"host {PG_TEMPLATE}_lan all 127.0.0.1/32 reject\n" + original)
    pg_cluster.execute("SELECT pg_reload_conf()")
    try:
        owner = f"{PG_OWNER}:{PG_OWNER_PASSWORD}"
        cases = {
            "driver": f"postgresql+psycopg2://{owner}@127.0.0.1:{port}/x",
            "port": f"postgresql+psycopg://{owner}@127.0.0.1:port/x",
            "scheme": f"mysql://{owner}@127.0.0.1/x",
            "password": f"postgresql+psycopg://{PG_OWNER}:wrong@127.0.0.1:{port}/x",
            "database": f"postgresql+psycopg://{owner}@127.0.0.1:{port}/kisok",
            "role": f"postgresql+psycopg://nobody@/x?host={pg_cluster.root}&port={port}",
            "refused": f"postgresql+psycopg://{owner}@127.0.0.1:{_closed_port()}/x",
            "unknown host": f"postgresql+psycopg://{owner}@no-such-host.invalid/x",
            "pg_hba": f"postgresql+psycopg://{owner}@127.0.0.1:{port}/{PG_TEMPLATE}_lan",
        }
        procs = {k: _kiosk(["--db", url, "status"], tmp_path) for k, url in cases.items()}
        _one_line(procs["driver"], "Unsupported PostgreSQL driver 'psycopg2'", "+psycopg://")
        _one_line(procs["port"], "Not a usable database URL", "postgresql+psycopg://USER")
        _one_line(procs["scheme"], "Unsupported database 'mysql'", "sqlite:///")
        _one_line(procs["password"], f"rejected user '{PG_OWNER}'", "password in --db")
        _one_line(procs["database"], 'database "kisok" does not exist', "create it")
        _one_line(procs["role"], 'user "nobody" does not exist', "create the role")
        # Unreachable is an outage, exit 1 (scripts retry on 1); the rest are mistakes, exit 2.
        _one_line(
            procs["refused"], "Cannot connect to the database server 127.0.0.1:", "running", code=1
        )
        _one_line(procs["unknown host"], "no-such-host.invalid:5432", "host and port", code=1)
        _one_line(procs["pg_hba"], "refuses this PC", "pg_hba.conf")
    finally:
        hba.write_text(original)
        pg_cluster.execute("SELECT pg_reload_conf()")


def _closed_port() -> int:
    from tests.pg_cluster import free_port

    return free_port()


# ------------------------------------------------------------------------------ roles


def _connect(cluster: PgCluster, user: str, password: str, dbname: str) -> psycopg.Connection:
    return psycopg.connect(
        host="127.0.0.1",
        port=cluster.port,
        user=user,
        password=password,
        dbname=dbname,
        autocommit=True,
    )


@only_backend("postgresql")
def test_roles_from_the_docs_let_the_app_insert_events_but_never_change_them(
    pg_cluster: PgCluster, backend: str, tmp_path: Path
) -> None:
    for statement in doc_block("roles").split(";\n"):
        if statement.strip():
            pg_cluster.execute(statement)
    owner = pg_cluster.url("kiosk", user="kiosk_owner", password="OWNER-PASSWORD")
    app = pg_cluster.url("kiosk", user="kiosk_app", password="APP-PASSWORD")
    report = pg_cluster.url("kiosk", user="kiosk_report", password="REPORT-PASSWORD")
    try:
        # Before the owner migrated, the app role is told what to run.
        upgrade = _kiosk(["--db", app, "db", "upgrade"], tmp_path)
        _one_line(upgrade, "lacks a privilege", "kiosk db upgrade")
        Store.open(owner).close()
        with _connect(pg_cluster, "kiosk_owner", "OWNER-PASSWORD", "kiosk") as conn:
            conn.execute(doc_block("grants").encode())

        clock = ManualClock(local(2026, 11, 23, 9, 0))
        store = Store.open(app)
        svc = QueueService(store, make_config(**ALWAYS_OPEN), clock)
        feed = PostgresFeed(store, svc.site, fallback_interval=60)
        svc.issue("hotich")
        svc.call_next(1)
        svc.complete(1, dossiers=2)
        assert feed.wait(2.0) is True
        feed.close()
        assert len(svc.events_after(0)) == 4
        # A wrong admin PIN at a kiosk on this role is counted in the database (the grant).
        lockout = Lockout(store, svc.site, svc.business_day, clock)
        lockout.failed(ADMIN_SCOPE, actor="kiosk")
        with _connect(pg_cluster, "kiosk_app", "APP-PASSWORD", "kiosk") as conn:
            assert conn.execute(b"SELECT failures FROM pin_lockouts").fetchall() == [(1,)]
        with _connect(pg_cluster, "kiosk_app", "APP-PASSWORD", "kiosk") as conn:
            for sql in (
                "UPDATE queue_events SET kind = 'issued'",
                "DELETE FROM queue_events",
                "TRUNCATE queue_events",
                "DROP TRIGGER queue_events_append_only ON queue_events",
                "ALTER TABLE queue_events DISABLE TRIGGER ALL",
                "CREATE TABLE mine (x int)",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(sql.encode())
        store.close()

        # The read-only role reads and is refused any change, with a clear message.
        reader = QueueService(Store.open(report), make_config(**ALWAYS_OPEN), clock)
        assert reader.snapshot().field_status("hotich").issued_today == 1
        with pytest.raises(DatabaseError, match="lacks a privilege"):
            reader.issue("hotich")
        reader.store.close()

        # Even the owner cannot rewrite the log: the trigger refuses.
        owner_store = Store.open(owner)
        for sql in ("UPDATE queue_events SET kind = 'x'", "TRUNCATE queue_events"):
            with (
                pytest.raises(IntegrityError, match="append-only"),
                owner_store.engine.begin() as conn,
            ):
                conn.execute(text(sql))
        owner_store.close()
    finally:
        pg_cluster.execute("DROP DATABASE IF EXISTS kiosk WITH (FORCE)")
        for role in ("kiosk_owner", "kiosk_app", "kiosk_report"):
            pg_cluster.execute(f"DROP ROLE IF EXISTS {role}")


@only_backend("postgresql")
def test_the_pg_hba_lines_of_the_docs_parse(pg_cluster: PgCluster, backend: str) -> None:
    hba = pg_cluster.data / "pg_hba.conf"
    original = hba.read_text()
    hba.write_text(doc_block("pg_hba") + original)  # the view reads the file on disk
    try:
        rows = pg_cluster.execute(
            "SELECT line_number, type, database, user_name, address, auth_method, error "
            "FROM pg_hba_file_rules ORDER BY line_number LIMIT 2"
        )
    finally:
        hba.write_text(original)
    assert [r[-1] for r in rows] == [None, None]
    assert rows[0][1:6] == (
        "host",
        ["kiosk"],
        ["kiosk_app", "kiosk_report"],
        "192.168.1.0",
        "scram-sha-256",
    )


# ------------------------------------------------------------------------------ backups


@only_backend("postgresql")
def test_a_pg_dump_restores_into_a_new_database_that_works(
    pg_cluster: PgCluster, db_url: str, tmp_path: Path
) -> None:
    build_history(db_url)
    dbname = db_url.rsplit("/", 1)[1]
    dump = tmp_path / "kiosk.dump"
    owner_env = {"PGPASSWORD": PG_OWNER_PASSWORD}
    host = ["-h", "127.0.0.1", "-p", str(pg_cluster.port), "-U", PG_OWNER]
    pg_cluster.tool("pg_dump", *host, "-d", dbname, "-Fc", "-f", str(dump), env=owner_env)
    restored = f"{dbname}_restored"
    pg_cluster.execute(f"CREATE DATABASE {restored} OWNER {PG_OWNER} TEMPLATE template0")
    try:
        pg_cluster.tool(
            "pg_restore", *host, "-d", restored, "--no-owner", "--exit-on-error", str(dump),
            env=owner_env,
        )  # fmt: skip
        source = Store.open(db_url)
        copy = Store.open(db_url.replace(f"/{dbname}", f"/{restored}"))
        for name, table in Base.metadata.tables.items():
            with source.engine.connect() as a, copy.engine.connect() as b:
                count = select(func.count()).select_from(table)
                assert a.scalar(count) == b.scalar(count), name
        replayed, problems = replay_problems(copy.engine)
        assert problems == [] and replayed > 300
        with copy.engine.connect() as conn:
            triggers = conn.scalars(
                text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname")
            ).all()
        assert triggers == [
            "queue_events_append_only",
            "queue_events_no_truncate",
            "queue_events_notify",
        ]
        svc = QueueService(copy, make_config(), ManualClock(local(2026, 11, 25, 16, 0)))
        before = svc.last_event_id()
        svc.issue("hotich")
        assert svc.last_event_id() == before + 1  # sequences came back too
        source.close()
        copy.close()
    finally:
        pg_cluster.execute(f"DROP DATABASE IF EXISTS {restored} WITH (FORCE)")


def test_docs_mention_every_role_in_the_connection_strings() -> None:
    doc = DOC.read_text()
    for role in ("kiosk_owner", "kiosk_app", "kiosk_report"):
        assert f"postgresql+psycopg://{role}:" in doc


def test_postgres_urls_without_a_driver_use_psycopg_3_with_our_timeouts() -> None:
    from kiosk.core.database import create_db_engine, parse_db_url, pg_connect_args

    for url in ("postgres://app@server/kiosk", "postgresql://app@server:5433/kiosk"):
        engine = create_db_engine(url)
        assert engine.dialect.driver == "psycopg"
        engine.dispose()
    with pytest.raises(DatabaseError, match="no database name"):
        create_db_engine("postgresql+psycopg://app@server")
    ours = pg_connect_args(parse_db_url("postgres://app@server/kiosk"))
    assert ours["connect_timeout"] == 5 and "lock_timeout=5s" in ours["options"]
    theirs = pg_connect_args(parse_db_url("postgres://app@server/kiosk?connect_timeout=2"))
    assert "connect_timeout" not in theirs  # the URL's own setting wins
