"""User files written whole or not at all, and never over something that is not a file.

Every file the programs write for a person (exports, reports, charts, snapshots, WAVs, the
config) goes through here: it is written to a hidden temporary file in the same folder,
flushed to disk, then renamed over the target, so a reader sees the old file or the new one,
never half of one, and a failure leaves nothing behind. The target must be a regular file
(overwritten) or a new name: a device (/dev/null), a named pipe, a socket, a folder or a
symbolic link is refused, never replaced.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from kiosk.core.errors import KioskError

__all__ = [
    "OutputError",
    "StagedFile",
    "check_folder",
    "check_target",
    "write_atomic",
    "write_atomic_with",
    "write_error",
]


class OutputError(KioskError):
    """An output file cannot be written (folder missing, no permission, not a file, disk full)."""

    exit_code = 2


def _kind(mode: int) -> tuple[str, str]:
    """What a non-regular file is, in Vietnamese and English."""
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "một thiết bị", "a device"
    if stat.S_ISFIFO(mode):
        return "một đường ống (FIFO)", "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "một socket", "a socket"
    return "không phải tệp thường", "not a regular file"


def _folder_problem(folder: Path) -> OutputError | None:
    """Why files cannot be created in `folder`, or None when they can."""
    if not folder.is_dir():
        if folder.exists():
            return OutputError(
                f"{folder} không phải là thư mục", f"{folder} is not a folder; check the path"
            )
        return OutputError(
            f"Thư mục {folder} không tồn tại", f"Folder {folder} does not exist; create it first"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        read_only = hasattr(os, "statvfs") and os.statvfs(folder).f_flag & os.ST_RDONLY
        why_vi, why_en = (
            ("hệ thống tệp chỉ đọc", "read-only file system")
            if read_only
            else ("không có quyền", "permission denied")
        )
        return OutputError(
            f"Không ghi được vào thư mục {folder}: {why_vi}",
            f"Cannot write to folder {folder}: {why_en}",
        )
    return None


def check_target(path: str | os.PathLike[str]) -> Path:
    """The output path, or OutputError naming why writing there would destroy or fail.

    Allowed: a new name in an existing writable folder, or an existing regular file (it is
    replaced, as people expect when they export again). Refused: a symbolic link (even to a
    regular file: the link would be replaced by a file), a folder, a device, a pipe, a socket.
    """
    target = Path(path).expanduser()
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise write_error(target, exc) from None
    if st is not None and stat.S_ISLNK(st.st_mode):
        dest = os.path.realpath(target)
        raise OutputError(
            f"{target} là liên kết tượng trưng tới {dest}; kiosk không ghi đè liên kết: "
            f"hãy ghi thẳng vào {dest} hoặc chọn tên khác",
            f"{target} is a symbolic link to {dest}; kiosk never replaces a link: "
            f"write to {dest} itself or choose another name",
        )
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError(
            f"{target} là một thư mục; hãy ghi tên tệp", f"{target} is a folder; give a file name"
        )
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind_vi, kind_en = _kind(st.st_mode)
        raise OutputError(
            f"{target} là {kind_vi}, không phải tệp; kiosk không ghi vào đó: hãy chọn tên tệp khác",
            f"{target} is {kind_en}, not a file; kiosk will not write over it: give a file name",
        )
    problem = _folder_problem(target.parent)
    if problem is not None:
        raise problem
    if st is not None and not os.access(target, os.W_OK):
        raise OutputError(
            f"Không ghi đè được {target} (chỉ đọc)", f"Cannot overwrite {target}: it is read-only"
        )
    return target


def check_folder(
    path: str | os.PathLike[str], *, create: bool = False, parents: bool = False
) -> Path:
    """An output folder, or OutputError naming why files cannot be written in it.

    With `create` a missing folder is made, but only its own level unless `parents` (so a
    mistyped `-o /nonexistent/dir` is refused rather than made). A symbolic link to a folder
    is fine: files are written inside it, the link stays.
    """
    folder = Path(path).expanduser()
    if create and not os.path.lexists(folder) and (parents or folder.parent.is_dir()):
        try:
            folder.mkdir(parents=parents)
        except FileExistsError:
            pass
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise OutputError(
                f"Không tạo được thư mục {folder}: {reason}",
                f"Cannot create folder {folder}: {reason}",
            ) from None
    if os.path.lexists(folder) and not folder.is_dir():
        st = os.lstat(folder)
        kind_vi, kind_en = (
            ("một tệp", "a file") if stat.S_ISREG(st.st_mode) else _kind(os.stat(folder).st_mode)
        )
        raise OutputError(
            f"{folder} là {kind_vi}, không phải thư mục; hãy chỉ một thư mục",
            f"{folder} is {kind_en}, not a folder; give a folder",
        )
    problem = _folder_problem(folder)
    if problem is not None:
        raise problem
    return folder


def write_error(target: Path, exc: OSError) -> OutputError:
    """The one-line error for an OSError met while writing `target`."""
    reason = exc.strerror or str(exc)
    return OutputError(f"Không ghi được {target}: {reason}", f"Cannot write {target}: {reason}")


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows cannot open a folder)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class StagedFile:
    """A hidden temporary file next to `target`; `commit()` flushes and renames it into place.

    For writers that need a path (XLSX, PDF, PNG, streamed CSV): write to `.path`, then
    `commit()`. Used as a context manager it is discarded unless committed, so an error or a
    cancel never leaves half a file behind. Permissions: `mode` if given, else those of the
    file being replaced, else the usual 0666 less the umask.
    """

    def __init__(self, target: str | os.PathLike[str], *, mode: int | None = None) -> None:
        self.target = check_target(target)
        if mode is None and self.target.exists():
            mode = stat.S_IMODE(os.stat(self.target).st_mode)
        for _ in range(100):
            candidate = self.target.with_name(f".{self.target.name}.{secrets.token_hex(4)}.part")
            try:
                # Private until given its mode, so a PIN hash is never readable for a moment.
                fd = os.open(
                    candidate,
                    os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                    0o666 if mode is None else 0o600,
                )
            except FileExistsError:
                continue
            except OSError as exc:
                raise write_error(self.target, exc) from None
            try:
                if mode is not None:
                    os.chmod(candidate, mode)
            except OSError as exc:
                os.close(fd)
                candidate.unlink(missing_ok=True)
                raise write_error(self.target, exc) from None
            os.close(fd)
            self.path = candidate
            return
        raise OutputError(
            f"Không tạo được tệp tạm cho {self.target}", f"Cannot stage {self.target}"
        )

    def commit(self) -> None:
        """Flush the temporary file to disk and rename it over the target."""
        try:
            fd = os.open(self.path, os.O_RDWR)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            check_target(self.target)  # something else may have appeared there meanwhile
            os.replace(self.path, self.target)
        except OSError as exc:
            self.discard()
            raise write_error(self.target, exc) from None
        except OutputError:
            self.discard()
            raise
        _sync_folder(self.target.parent)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> StagedFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.path.exists():
            self.discard()
        if isinstance(value, OSError):
            raise write_error(self.target, value) from None


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes | str,
    *,
    mode: int | None = None,
    folders: bool = False,
) -> Path:
    """Write `data` (text as UTF-8) to `path` whole or not at all; see the module docstring.

    `mode` sets the file's permissions; `folders` makes missing folders on the way first.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as out:
            out.write(payload)

    return write_atomic_with(path, write, mode=mode, folders=folders)


def write_atomic_with(
    path: str | os.PathLike[str],
    write: Callable[[Path], None],
    *,
    mode: int | None = None,
    folders: bool = False,
) -> Path:
    """Let `write(tmp)` fill a temporary file (for writers that take a path), then commit it."""
    if folders:
        check_folder(Path(path).expanduser().parent, create=True, parents=True)
    with StagedFile(path, mode=mode) as staged:
        write(staged.path)
        staged.commit()
    return staged.target
