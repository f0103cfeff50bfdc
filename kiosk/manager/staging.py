"""Output files that appear only when complete: written beside the target, then renamed."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from types import TracebackType

from kiosk.core.errors import KioskError


class OutputError(KioskError):
    """An output file cannot be written (folder missing, no permission, disk full)."""

    exit_code = 2


def check_target(path: Path) -> Path:
    """The output path, or OutputError naming why it cannot be written."""
    target = path.expanduser()
    folder = target.parent
    if target.is_dir():
        raise OutputError(
            f"{target} là một thư mục; hãy ghi tên tệp", f"{target} is a folder; give a file name"
        )
    if not folder.is_dir():
        raise OutputError(
            f"Thư mục {folder} không tồn tại", f"Folder {folder} does not exist; create it first"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(
            f"Không có quyền ghi vào thư mục {folder}",
            f"Cannot write to folder {folder}: permission denied",
        )
    if target.exists() and not os.access(target, os.W_OK):
        raise OutputError(
            f"Không ghi đè được {target} (chỉ đọc)", f"Cannot overwrite {target}: it is read-only"
        )
    return target


def write_error(target: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    return OutputError(f"Không ghi được {target}: {reason}", f"Cannot write {target}: {reason}")


class StagedFile:
    """A hidden temporary file next to `target`; `commit()` renames it into place.

    Used as a context manager, it is discarded unless committed, so an error or a cancel
    never leaves half a file behind. The file is created with the usual permissions
    (0666 less the umask), like any file the user saves.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        for _ in range(100):
            candidate = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
            try:
                fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                continue
            except OSError as exc:
                raise write_error(target, exc) from None
            os.close(fd)
            self.path = candidate
            return
        raise OutputError(f"Không tạo được tệp tạm cho {target}", f"Cannot stage {target}")

    def commit(self) -> None:
        try:
            os.replace(self.path, self.target)
        except OSError as exc:
            self.discard()
            raise write_error(self.target, exc) from None

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
        if isinstance(value, OSError) and not isinstance(value, KioskError):
            raise write_error(self.target, value) from None
