"""A throwaway PostgreSQL 15 cluster (initdb + pg_ctl) for tests and benchmarks.

The server binaries refuse to run as root, so as root every server command runs through
`runuser -u postgres --` and the cluster lives in a fresh directory under /tmp owned by
`postgres`. The cluster listens on 127.0.0.1 (password auth, as on a LAN) and on a Unix
socket in the same directory (trust, for the fast admin connection used by fixtures).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psycopg

PG_VERSION = 15
DEFAULT_BINDIR = Path(f"/usr/lib/postgresql/{PG_VERSION}/bin")
BINDIR_ENV = "KIOSK_PG_BINDIR"
SUPERUSER = "postgres"
OS_USER = "postgres"  # the system account that runs the server when we are root
SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres", "pg_dump", "pg_restore")


class PgUnavailable(RuntimeError):
    """The PostgreSQL server binaries are missing or the cluster could not start."""


def find_bindir() -> Path:
    """Where initdb and pg_ctl live: KIOSK_PG_BINDIR, else Debian's PostgreSQL 15, else the
    newest other version installed the Debian way (e.g. 16 on Ubuntu 24.04)."""
    explicit = os.environ.get(BINDIR_ENV)
    if explicit:
        candidates = [Path(explicit)]
    else:
        others = sorted(
            (p for p in DEFAULT_BINDIR.parent.parent.glob("*/bin") if p.parent.name.isdigit()),
            key=lambda p: -int(p.parent.name),
        )
        candidates = [DEFAULT_BINDIR, *(p for p in others if p != DEFAULT_BINDIR)]
    for bindir in candidates:
        if all((bindir / b).is_file() for b in SERVER_PROGRAMS):
            return bindir
    raise PgUnavailable(
        f"PostgreSQL {PG_VERSION} server binaries not found in {candidates[0]} "
        f"(need {', '.join(SERVER_PROGRAMS)}). Install them with `make system-deps` "
        "(scripts/install-system-deps.sh installs the Debian package `postgresql`), "
        f"or point {BINDIR_ENV} at the folder holding initdb and pg_ctl."
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    """One initdb'ed data directory and its server, started and stopped with pg_ctl."""

    def __init__(self, *, durable: bool = False, bindir: Path | None = None) -> None:
        self.bindir = bindir or find_bindir()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            try:
                import pwd

                entry = pwd.getpwnam(OS_USER)
            except KeyError:
                raise PgUnavailable(
                    f"Running as root but there is no '{OS_USER}' user to run the server: "
                    "install the Debian package `postgresql` (make system-deps)."
                ) from None
            self._uid, self._gid = entry.pw_uid, entry.pw_gid
        self.durable = durable
        self.password = secrets.token_hex(12)
        # /tmp, not $TMPDIR: the postgres user must be able to reach the folder.
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-pg-", dir="/tmp" if self.as_root else None))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self.running = False
        self._initdb()

    # -------------------------------------------------------------------- processes

    def _cmd(self, args: Sequence[str]) -> list[str]:
        return (["runuser", "-u", OS_USER, "--"] if self.as_root else []) + list(args)

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            self._cmd(args), capture_output=True, text=True, timeout=timeout, check=False
        )
        if proc.returncode != 0:
            log_tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PgUnavailable(
                f"{Path(args[0]).name} failed (exit {proc.returncode}): "
                f"{(proc.stderr or proc.stdout).strip()}\n{log_tail}"
            )
        return proc

    def _give(self, path: Path) -> None:
        if self.as_root:
            os.chown(path, self._uid, self._gid)

    def _initdb(self) -> None:
        self._give(self.root)
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        self._give(pwfile)
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--pwfile",
            str(pwfile),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        pwfile.unlink()
        settings = {
            "port": str(self.port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.root}'",
            "max_connections": "300",
            "logging_collector": "off",
        }
        if not self.durable:  # tests: nothing here must survive a power cut
            settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        conf = self.data / "postgresql.conf"
        with conf.open("a") as f:
            f.write("\n# kiosk test cluster\n")
            f.writelines(f"{k} = {v}\n" for k, v in settings.items())

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        if self.running:
            return
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-w", "-t", "60", "start",
        )  # fmt: skip
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (the data stays; `start` brings it back)."""
        if not self.running:
            return
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")
        self.running = False

    def destroy(self) -> None:
        """Stop the server and delete every file of the cluster."""
        with contextlib.suppress(PgUnavailable, subprocess.TimeoutExpired):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    @classmethod
    def start_new(cls, *, durable: bool = False) -> PgCluster:
        """initdb + start; the cluster is also destroyed when this Python process exits."""
        cluster = cls(durable=durable)
        atexit.register(cluster.destroy)
        try:
            cluster.start()
        except PgUnavailable:
            cluster.destroy()
            raise
        return cluster

    # -------------------------------------------------------------------- connecting

    def url(
        self, dbname: str, *, user: str = SUPERUSER, password: str | None = None, host: str = ""
    ) -> str:
        """A SQLAlchemy URL over TCP (password auth, like a LAN client)."""
        pw = self.password if password is None and user == SUPERUSER else password
        auth = f"{user}:{pw}" if pw else user
        return f"postgresql+psycopg://{auth}@{host or '127.0.0.1'}:{self.port}/{dbname}"

    def socket_url(self, dbname: str, *, user: str = SUPERUSER) -> str:
        """A SQLAlchemy URL over the Unix socket (trust auth)."""
        return f"postgresql+psycopg://{user}@/{dbname}?host={self.root}&port={self.port}"

    def connect(self, dbname: str = "postgres", **kwargs: Any) -> psycopg.Connection[Any]:
        """An autocommit superuser connection over the socket, for admin statements."""
        return psycopg.connect(
            host=str(self.root),
            port=self.port,
            user=SUPERUSER,
            dbname=dbname,
            autocommit=True,
            **kwargs,
        )

    def execute(self, sql: str, dbname: str = "postgres") -> list[tuple[Any, ...]]:
        with self.connect(dbname) as conn:
            cur = conn.execute(sql.encode())
            return cur.fetchall() if cur.description else []

    def tool(
        self, name: str, *args: str, env: dict[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """Run a client program of this PostgreSQL version (pg_dump, pg_restore, psql…)."""
        env = {**os.environ, "PGPASSWORD": self.password, **(env or {})}
        proc = subprocess.run(
            [str(self.bindir / name), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            raise PgUnavailable(f"{name} failed (exit {proc.returncode}): {proc.stderr.strip()}")
        return proc

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
