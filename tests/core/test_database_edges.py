"""Database edges: a newer kiosk's database, another program's file, a lost revision row, a full
disk, a mistyped copy source, bad --since/--limit, and passwords that never leak."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from kiosk.core.config import Config
from kiosk.core.database import HEAD_REVISION, describe_url, head_revision, known_revisions
from kiosk.core.errors import DatabaseError, DatabaseTooNew
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from tests.support import ALWAYS_OPEN, config_text, make_config, stamp_revision

KIOSK = [sys.executable, "-m", "kiosk.cli"]


def _kiosk(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KIOSK, *args], capture_output=True, text=True, timeout=120, cwd=cwd, check=False
    )


def _one_line(done: subprocess.CompletedProcess[str], code: int, *fragments: str) -> None:
    assert done.returncode == code, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


def test_the_fast_start_knows_the_same_head_as_alembic() -> None:
    assert head_revision() == HEAD_REVISION
    assert max(known_revisions()) == HEAD_REVISION and "0001" in known_revisions()


# ------------------------------------------------------------------------------ newer kiosk


def test_a_database_from_a_newer_kiosk_is_refused_in_one_line(
    db_url: str, store: Store, tmp_path: Path
) -> None:
    store.close()
    stamp_revision(db_url, "0099")
    for args in (["status"], ["issue", "hotich"], ["db", "upgrade"]):
        done = _kiosk("--db", db_url, *args, cwd=tmp_path)
        _one_line(done, 2, "upgraded by a newer kiosk (revision 0099", "update kiosk on this PC")
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:  # nothing was touched: still the newer revision
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0099"
    engine.dispose()


# ------------------------------------------------------------------------------ not ours


def _foreign_sqlite(path: Path) -> bytes:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO customers (name) VALUES ('Nguyễn Văn A')")
    conn.close()
    return path.read_bytes()


def test_another_programs_sqlite_file_is_named_and_left_alone(tmp_path: Path) -> None:
    other = tmp_path / "accounts.db"
    before = _foreign_sqlite(other)
    done = _kiosk("--db", f"sqlite:///{other}", "status", cwd=tmp_path)
    _one_line(done, 2, "belongs to another program (tables: customers)", "--db")
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts.db"]  # no WAL, no -shm


def test_a_lost_revision_row_is_named_not_called_an_outage(
    db_url: str, store: Store, tmp_path: Path
) -> None:
    store.close()
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM alembic_version"))
    engine.dispose()
    done = _kiosk("--db", db_url, "status", cwd=tmp_path)
    _one_line(done, 2, "no schema revision (its alembic_version row is missing)", "backup")
    assert "reconnects by itself" not in done.stderr


# ------------------------------------------------------------------------------ disk full


def test_a_full_disk_says_so_and_where(tmp_path: Path, config: Config) -> None:
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    store = Store.open(url)
    with store.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    store.engine.dispose()

    @event.listens_for(store.engine, "connect")
    def _small_disk(dbapi_conn: object, _record: object) -> None:
        # SQLite's own limit: writes past it fail with SQLITE_FULL, as on a full disk.
        dbapi_conn.execute(f"PRAGMA max_page_count = {int(pages) + 2}")  # type: ignore[attr-defined]

    service = QueueService(store, make_config(**ALWAYS_OPEN))
    with pytest.raises(DatabaseError) as full:
        for _ in range(10_000):
            service.issue("hotich")
    assert not isinstance(full.value, DatabaseTooNew)
    assert full.value.message_en.startswith(f"The disk holding {url} is full")
    assert "free some space" in full.value.message_en and full.value.exit_code == 2
    store.close()


# ------------------------------------------------------------------------------ db copy


def test_copy_from_a_mistyped_path_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "kiosk.db"
    target = f"sqlite:///{tmp_path / 'target.db'}"
    done = _kiosk("db", "copy", "--from", f"sqlite:///{missing}", "--to", target, cwd=tmp_path)
    _one_line(done, 2, f"The source {missing} does not exist", "--from")
    assert list(tmp_path.iterdir()) == []  # not the source, its folder, nor the target


def test_copy_from_another_programs_file_or_an_empty_one_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "accounts.db"
    before = _foreign_sqlite(other)
    empty = tmp_path / "empty.db"
    empty.touch()
    target = f"sqlite:///{tmp_path / 'target.db'}"
    foreign = _kiosk("db", "copy", "--from", f"sqlite:///{other}", "--to", target, cwd=tmp_path)
    _one_line(foreign, 2, "belongs to another program")
    blank = _kiosk("db", "copy", "--from", f"sqlite:///{empty}", "--to", target, cwd=tmp_path)
    _one_line(blank, 2, "is empty")
    assert other.read_bytes() == before and empty.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts.db", "empty.db"]


# ------------------------------------------------------------------------------ events


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--since", str(2**64)], "out of range; give 0 to 9223372036854775807"),
        (["--since", "-1"], "out of range"),
        (["--limit", "-5"], "out of range; give 1 to 1000000"),
        (["--limit", "0"], "out of range"),
        (["--limit", "lots"], "'lots' is not a whole number"),
    ],
)
def test_events_arguments_are_bounded(args: list[str], fragment: str, tmp_path: Path) -> None:
    done = _kiosk("--db", f"sqlite:///{tmp_path / 'k.db'}", "events", *args, cwd=tmp_path)
    _one_line(done, 2, fragment)


# ------------------------------------------------------------------------------ passwords


@pytest.mark.parametrize("password", ["p@ss:w0rd@x", "a/b#c?d", "100%sure", "two words", "@"])
@pytest.mark.parametrize("encoded", [False, True])
def test_no_part_of_a_password_is_ever_shown(password: str, encoded: bool) -> None:
    secret = quote(password, safe="") if encoded else password
    url = f"postgresql+psycopg://kiosk:{secret}@db.xa.local:5432/kiosk"
    shown = describe_url(url)
    assert shown == "postgresql+psycopg://kiosk:***@db.xa.local:5432/kiosk"
    for piece in {password, secret, *password.split("@"), *secret.split("%")} - {""}:
        if len(piece) > 2:
            assert piece not in shown.replace("db.xa.local:5432/kiosk", ""), piece


def test_urls_without_a_password_are_shown_whole() -> None:
    assert describe_url("sqlite:////home/a@b/kiosk.db") == "sqlite:////home/a@b/kiosk.db"
    assert describe_url("postgresql+psycopg://kiosk@db/k") == "postgresql+psycopg://kiosk@db/k"


def test_a_wrong_password_message_never_shows_it(tmp_path: Path) -> None:
    done = _kiosk(
        "--db", "postgresql+psycopg://kiosk:s3cr@t pass@127.0.0.1:1/k", "status", cwd=tmp_path
    )
    assert "s3cr" not in done.stderr and "t pass" not in done.stderr
    assert done.returncode == 1  # nothing listens on port 1: unreachable, try again later


def test_a_password_in_the_query_string_is_masked_too() -> None:
    url = "postgresql+psycopg://kiosk@db/k?sslmode=require&password=Alpha%40Bravo&port=5432"
    assert (
        describe_url(url)
        == "postgresql+psycopg://kiosk@db/k?sslmode=require&password=***&port=5432"
    )


# ------------------------------------------------------------------------------ more edges

FULL_DISK_SCRIPT = """
set -e
mount -t tmpfs -o size=400k tmpfs "$DISK"
run() { "$PY" -m kiosk.cli --db "sqlite:///$DISK/kiosk.db" --config "$CFG" "$@"; }
run db upgrade > /dev/null
run issue hotich > /dev/null
dd if=/dev/zero of="$DISK/filler" bs=4k 2> /dev/null || true
set +e
run issue hotich 2> "$OUT/full.err"; echo $? > "$OUT/full.rc"
rm "$DISK/filler"
run issue hotich > /dev/null 2> "$OUT/after.err"; echo $? > "$OUT/after.rc"
"""


def test_a_really_full_file_system_is_a_full_disk_not_an_outage(tmp_path: Path) -> None:
    """A real 400 KB tmpfs (a private mount namespace: no root needed) filled up. SQLite then
    fails to grow its -shm file and says "disk I/O error", not "database or disk is full"."""
    disk, out = tmp_path / "disk", tmp_path / "out"
    disk.mkdir()
    out.mkdir()
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(config_text(**ALWAYS_OPEN), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env |= {"DISK": str(disk), "OUT": str(out), "CFG": str(cfg), "PY": sys.executable}
    done = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", FULL_DISK_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    full = subprocess.CompletedProcess(
        [], int((out / "full.rc").read_text()), "", (out / "full.err").read_text()
    )
    _one_line(full, 2, f"The disk holding sqlite:///{disk}/kiosk.db is full", "free some space")
    assert "reconnects" not in full.stderr
    assert (out / "after.rc").read_text().strip() == "0", (out / "after.err").read_text()


def test_kiosk_tables_changed_by_another_program_are_named_not_an_outage(
    db_url: str, tmp_path: Path
) -> None:
    Store.open(db_url).close()
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE queue_events RENAME COLUMN actor TO someone"))
    engine.dispose()
    done = _kiosk("events", "--db", db_url, cwd=tmp_path)
    _one_line(done, 2, "are not those this kiosk expects", "actor", "from a backup")
    assert "reconnects" not in done.stderr


def test_the_migrations_build_every_index_the_tables_name(db_url: str) -> None:
    """A new database is built by the migrations (alembic), not from kiosk/core/schema.py:
    each index the tables name there must come from a migration too (0007 adds two)."""
    from kiosk.core.schema import Base

    store = Store.open(db_url)
    try:
        inspector = sa.inspect(store.engine)
        for table in Base.metadata.sorted_tables:
            built = {ix["name"] for ix in inspector.get_indexes(table.name)}
            named = {ix.name for ix in table.indexes}
            assert named <= built, table.name
        assert {"ix_events_site_id", "ix_tickets_next"} <= {
            ix["name"] for t in ("queue_events", "tickets") for ix in inspector.get_indexes(t)
        }
    finally:
        store.close()
