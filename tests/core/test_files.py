"""Files written for people: whole or not at all, and never over a link, pipe, device or folder.

The helper (kiosk.core.files) is checked on real files of each kind; then every command that
writes a file is run as a real `kiosk` process against the same kinds of target, including
the real /dev/null and /dev/stdout (the tests run as root, where a rename would replace them).
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from kiosk.core.files import OutputError, check_folder, write_atomic, write_atomic_with
from tests.core.test_cli import Result, assert_one_line_error, clean_env
from tests.support import run_kiosk_all

Fingerprint = tuple[int, int, int, int, str | None, bytes | None]


def fingerprint(path: Path) -> Fingerprint:
    """What a path is without following it: kind and mode, inode, device, link text, bytes."""
    st = os.lstat(path)
    link = os.readlink(path) if stat.S_ISLNK(st.st_mode) else None
    data = path.read_bytes() if stat.S_ISREG(st.st_mode) else None
    return st.st_mode, st.st_ino, st.st_rdev, st.st_nlink, link, data


def leftovers(folder: Path) -> list[str]:
    """Temporary files a write left behind (hidden `.name.xxxx.part` files)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def make_device(path: Path) -> None:
    """A copy of /dev/null's device node (same major/minor) in a test folder."""
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))


#: Targets that are not regular files: name -> (how to make it in a folder, words refused with).
STRANGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "link to a file": (
        lambda p: (p.with_name("real.csv").write_text("mine\n"), p.symlink_to("real.csv")),
        "is a symbolic link to",
    ),
    "dangling link": (lambda p: p.symlink_to("nowhere.csv"), "is a symbolic link to"),
    "named pipe": (lambda p: os.mkfifo(p), "is a named pipe (FIFO), not a file"),
    "device": (make_device, "is a device, not a file"),
    "folder": (lambda p: p.mkdir(), "is a folder"),
}


# ------------------------------------------------------------------ the helper


def test_a_regular_file_is_replaced_whole_and_no_temporary_file_stays(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")

    assert write_atomic(target, "mới\n") == target

    assert target.read_text(encoding="utf-8") == "mới\n"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", list(STRANGE))
def test_what_is_not_a_regular_file_is_refused_and_left_as_it_was(
    tmp_path: Path, kind: str
) -> None:
    make, words = STRANGE[kind]
    target = tmp_path / "out.csv"
    make(target)
    before = {p.name: fingerprint(p) for p in tmp_path.iterdir()}

    with pytest.raises(OutputError, match=r"out\.csv") as info:
        write_atomic(target, "data\n")

    assert words in info.value.message_en
    assert {p.name: fingerprint(p) for p in tmp_path.iterdir()} == before


def test_a_link_is_refused_naming_the_link_and_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("mine\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)

    with pytest.raises(OutputError) as info:
        write_atomic(link, "data\n")

    assert info.value.message_en.startswith(f"{link} is a symbolic link to {real};")
    assert f"write to {real} itself" in info.value.message_en
    assert link.is_symlink() and real.read_text() == "mine\n"


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(OutputError, match="is a socket, not a file"):
            write_atomic(path, b"x")
        assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_a_missing_folder_is_named_and_nothing_is_made(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist; create it first"):
        write_atomic(tmp_path / "missing" / "out.csv", "x")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder this process cannot create files in: mode 0555, or a read-only mount for root."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mount = ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "kiosk-test", str(folder)]
    subprocess.run(mount, check=True, capture_output=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_folder_is_refused_and_stays_empty(read_only_folder: Path) -> None:
    with pytest.raises(OutputError) as info:
        write_atomic(read_only_folder / "out.csv", "x")
    assert info.value.message_en.startswith(f"Cannot write to folder {read_only_folder}: ")
    assert list(read_only_folder.iterdir()) == []


def test_a_failed_write_removes_its_temporary_file_and_keeps_the_old_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old report")

    def half_then_fail(tmp: Path) -> None:
        tmp.write_bytes(b"half a rep")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic_with(target, half_then_fail)

    assert target.read_bytes() == b"old report"
    assert leftovers(tmp_path) == []


def test_mode_is_applied_and_an_existing_files_mode_is_kept(tmp_path: Path) -> None:
    private = tmp_path / "kiosk.toml"
    private.write_text("old")
    private.chmod(0o644)
    write_atomic(private, "pin", mode=0o600)
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o600

    shared = tmp_path / "shared.csv"
    shared.write_text("old")
    shared.chmod(0o640)
    write_atomic(shared, "new")
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o640


def test_a_link_to_a_folder_is_a_usable_output_folder(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "reports").symlink_to("real")

    folder = check_folder(tmp_path / "reports")
    write_atomic(folder / "a.png", b"png")

    assert (tmp_path / "reports").is_symlink()
    assert (tmp_path / "real" / "a.png").read_bytes() == b"png"


# ------------------------------------------------------------------ every command, as a process


def run_all(home: Path, *commands: Sequence[str], timeout: float = 60) -> list[Result]:
    """Run `kiosk` commands at once on the module's database (a PIN on stdin for set-pin)."""
    env = clean_env(home, KIOSK_DB=f"sqlite:///{home / 'kiosk.db'}")
    return run_kiosk_all(home, env, *commands, stdin="1234\n", timeout=timeout)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with one simulated day (2026-11-02), and the default config in a file."""
    folder = tmp_path_factory.mktemp("files")
    (day, init) = run_all(
        folder,
        ["simulate", "--write", "--bulk", "--from", "2026-11-02", "--days", "1"],
        ["config", "init", str(folder / "kiosk.toml")],
    )
    assert day.returncode == 0 and init.returncode == 0, day.stderr + init.stderr
    return folder


def writing_commands(target: Path) -> dict[str, list[str]]:
    """Every command that writes a file at a path the user gives, aimed at `target`."""
    return {
        "export": ["export", "--from", "2026-11-02", "--format", "csv", "-o", str(target)],
        "config init": ["config", "init", str(target), "--force"],
        "display --snapshot": ["display", "--snapshot", str(target)],
        "display --screenshot": ["display", "--screenshot", str(target)],
        "counter --snapshot": ["counter", "1", "--snapshot", str(target)],
    }


@pytest.mark.parametrize("kind", list(STRANGE))
def test_every_writing_command_refuses_it_with_one_line_and_leaves_it_alone(
    home: Path, tmp_path: Path, kind: str
) -> None:
    make, words = STRANGE[kind]
    target = tmp_path / "out.csv"
    make(target)
    before = {p.name: fingerprint(p) for p in tmp_path.iterdir()}
    commands = writing_commands(target)
    if kind == "link to a file":  # set-pin refuses a missing or non-file config on its own
        commands["config set-pin"] = ["config", "set-pin", str(target), "--pin-stdin"]

    results = run_all(home, *commands.values(), timeout=20)

    for name, result in zip(commands, results, strict=True):
        line = assert_one_line_error(result, 2, str(target), words)
        assert "Traceback" not in result.stderr, (name, line)
    assert {p.name: fingerprint(p) for p in tmp_path.iterdir()} == before


def test_dev_null_and_dev_stdout_are_never_replaced(home: Path) -> None:
    null, stdout = Path("/dev/null"), Path("/dev/stdout")
    before = fingerprint(null)[:4], fingerprint(stdout)
    commands = [
        *writing_commands(null).values(),
        *writing_commands(stdout).values(),
        ["report", "--from", "2026-11-02", "-o", str(null)],
        ["display", "--announce-dir", str(null)],
    ]

    results = run_all(home, *commands, timeout=20)

    for args, result in zip(commands, results, strict=True):
        assert result.returncode == 2 and "Traceback" not in result.stderr, (args, result.stderr)
        assert len(result.stderr.splitlines()) == 1, (args, result.stderr)
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert (fingerprint(null)[:4], fingerprint(stdout)) == before


def test_export_replaces_a_regular_file_and_refuses_a_missing_or_read_only_folder(
    home: Path, tmp_path: Path, read_only_folder: Path
) -> None:
    again = tmp_path / "again.csv"
    again.write_text("last week's export\n")
    replaced, missing, read_only = run_all(
        home,
        ["export", "--from", "2026-11-02", "-o", str(again)],
        ["export", "--from", "2026-11-02", "-o", str(tmp_path / "no" / "t.csv")],
        ["export", "--from", "2026-11-02", "-o", str(read_only_folder / "t.csv")],
    )

    assert replaced.returncode == 0, replaced.stderr
    assert again.read_text(encoding="utf-8-sig").startswith("day,")
    assert_one_line_error(missing, 2, f"Folder {tmp_path / 'no'} does not exist")
    assert_one_line_error(read_only, 2, f"Cannot write to folder {read_only_folder}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.csv", "read-only"]


def test_report_takes_a_folder_and_checks_every_file_name_before_writing(
    home: Path, tmp_path: Path
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    os.mkfifo(tmp_path / "a-pipe")
    guarded = tmp_path / "guarded"
    guarded.mkdir()
    (tmp_path / "mine.png").write_bytes(b"my picture")
    # A link where one chart will go: the whole report is refused before any file is written.
    (guarded / "report-2026-11-02-days.png").symlink_to(tmp_path / "mine.png")
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to("real")
    report = ["report", "--from", "2026-11-02", "-o"]

    new, file_, pipe, deep, links, via_link = run_all(
        home,
        [*report, str(tmp_path / "new")],
        [*report, str(a_file)],
        [*report, str(tmp_path / "a-pipe")],
        [*report, str(tmp_path / "no" / "deeper")],
        [*report, str(guarded)],
        [*report, str(tmp_path / "linked")],
    )

    assert new.returncode == 0, new.stderr
    assert "report-2026-11-02.pdf" in {p.name for p in (tmp_path / "new").iterdir()}
    assert_one_line_error(file_, 2, f"{a_file} is a file, not a folder")
    assert_one_line_error(pipe, 2, "is a named pipe (FIFO), not a folder")
    assert_one_line_error(deep, 2, "does not exist")
    assert not (tmp_path / "no").exists()
    assert_one_line_error(links, 2, "report-2026-11-02-days.png is a symbolic link to")
    assert [p.name for p in guarded.iterdir()] == ["report-2026-11-02-days.png"]
    assert (tmp_path / "mine.png").read_bytes() == b"my picture"
    assert via_link.returncode == 0, via_link.stderr
    assert (tmp_path / "linked").is_symlink()
    assert "report-2026-11-02.pdf" in {p.name for p in (tmp_path / "real").iterdir()}


def test_display_announce_dir_and_demo_dir_must_be_folders(home: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("keep me")

    announce, demo = run_all(
        home,
        ["display", "--announce-dir", str(a_file)],
        ["demo", "--smoke", "--dir", str(a_file)],
        timeout=20,
    )

    assert_one_line_error(announce, 2, f"{a_file} is a file, not a folder")
    assert_one_line_error(demo, 2, f"{a_file} is a file, not a folder")
    assert a_file.read_text() == "keep me"
