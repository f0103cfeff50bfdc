"""The ticket fonts: Noto Sans (OFL, full Vietnamese coverage) shipped in `assets/fonts/`."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from PIL import ImageFont

from kiosk.core.assets import ASSETS_ENV, assets_dir
from kiosk.printing.errors import AssetMissing

__all__ = ["ASSETS_ENV", "BOLD_FONT", "REGULAR_FONT", "FontSet", "assets_dir", "font_path"]

REGULAR_FONT = "NotoSans-Regular.ttf"
BOLD_FONT = "NotoSans-Bold.ttf"


def font_path(name: str) -> Path:
    """Path of a shipped font file; AssetMissing names the file if it is not there."""
    path = assets_dir() / "fonts" / name
    if not path.is_file():
        raise AssetMissing(
            f"Thiếu tệp phông chữ {path}. Cài lại chương trình hoặc đặt biến {ASSETS_ENV} "
            "trỏ tới thư mục assets.",
            f"Font file {path} is missing. Reinstall the program or point {ASSETS_ENV} "
            "at the assets folder.",
        )
    return path


@cache
def _font_bytes(path: Path) -> bytes:
    return path.read_bytes()


class FontSet:
    """Regular and bold faces at any pixel size, made for one render (one thread)."""

    # FreeType faces are not safe to share between threads, so each render makes its own set;
    # only the file bytes are shared.

    def __init__(self) -> None:
        self._regular = _font_bytes(font_path(REGULAR_FONT))
        self._bold = _font_bytes(font_path(BOLD_FONT))
        self._faces: dict[tuple[bool, int], ImageFont.FreeTypeFont] = {}

    def get(self, size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
        """The face at `size` pixels (at least 1)."""
        key = (bold, max(1, int(size)))
        face = self._faces.get(key)
        if face is None:
            data = self._bold if bold else self._regular
            face = ImageFont.truetype(io.BytesIO(data), key[1])
            self._faces[key] = face
        return face
