"""`kiosk web` and `kiosk config set-web-password` as real processes."""

from __future__ import annotations

import socket
import tomllib
from pathlib import Path

from kiosk.core.pin import verify_pin
from tests.core.test_cli import assert_one_line_error, clean_env, finish, start


def kiosk(home: Path, *args: str, stdin: str | None = None) -> object:
    return finish(start(args, cwd=home, env=clean_env(home), stdin=stdin), stdin)


def test_set_web_password_stores_only_a_hash_and_keeps_the_file(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    assert kiosk(tmp_path, "config", "init", str(path)).returncode == 0  # type: ignore[attr-defined]
    before = path.read_text(encoding="utf-8")
    done = kiosk(
        tmp_path,
        "config",
        "set-web-password",
        str(path),
        "--password-stdin",
        stdin="đúng-mật-khẩu\n",
    )
    assert done.returncode == 0, done.stderr  # type: ignore[attr-defined]
    text = path.read_text(encoding="utf-8")
    stored = tomllib.loads(text)["web"]["manager_password_hash"]
    assert verify_pin("đúng-mật-khẩu", stored) and "đúng-mật-khẩu" not in text
    assert stored.startswith("pw10-pbkdf2_sha256$")
    # Only that line changed; comments stay.
    changed = [a for a, b in zip(before.splitlines(), text.splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and changed[0].startswith("manager_password_hash")
    assert "# set with: kiosk config set-web-password" in text


def test_a_short_web_password_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    kiosk(tmp_path, "config", "init", str(path))
    before = path.read_bytes()
    done = kiosk(
        tmp_path, "config", "set-web-password", str(path), "--password-stdin", stdin="1234\n"
    )
    assert_one_line_error(done, 2, "10 to 200 characters")  # type: ignore[arg-type]
    assert path.read_bytes() == before


def test_kiosk_web_on_a_busy_port_says_so_in_one_line(tmp_path: Path) -> None:
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    try:
        done = kiosk(
            tmp_path, "web", "--bind", f"127.0.0.1:{port}", "--db", f"sqlite:///{tmp_path}/k.db"
        )
    finally:
        busy.close()
    assert_one_line_error(done, 2, f"Cannot listen on 127.0.0.1:{port}")  # type: ignore[arg-type]


def test_kiosk_web_rejects_a_malformed_bind(tmp_path: Path) -> None:
    done = kiosk(tmp_path, "web", "--bind", "everywhere", "--db", f"sqlite:///{tmp_path}/k.db")
    assert_one_line_error(done, 2, "--bind everywhere")  # type: ignore[arg-type]
