"""ESC/POS bytes of a ticket image (via python-escpos), and the decoder that reads them back.

Building the bytes is pure: no device is touched, so tests and the preview tool use the very
bytes a printer receives.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from escpos.capabilities import CAPABILITIES
from escpos.printer import Dummy
from PIL import Image

from kiosk.core.config import PrinterConfig
from kiosk.core.texts import Text
from kiosk.printing import texts as T
from kiosk.printing.errors import PrinterError

#: Rows per GS v 0 block: 72 x 256 = 18 KB at 80 mm, small enough for cheap printers' buffers.
FRAGMENT_ROWS = 256

ESC, GS, DLE = 0x1B, 0x1D, 0x10


def _profile_data(profile: str) -> dict[str, Any]:
    profiles: dict[str, Any] = CAPABILITIES["profiles"]
    if profile not in profiles:
        close = difflib.get_close_matches(profile, list(profiles), n=3, cutoff=0.5)
        hint = T.PROFILE_HINT.fill(names=", ".join(close)) if close else Text("", "")
        hint_vi, hint_en = hint
        raise PrinterError(
            f'Không có cấu hình máy in "{profile}" (printer.profile) trong python-escpos.{hint_vi}',
            f'python-escpos has no printer profile "{profile}" (printer.profile).{hint_en}',
        )
    return dict(profiles[profile])


def profile_width(profile: str) -> int | None:
    """Printable width in dots the profile declares, or None when it does not say."""
    media = _profile_data(profile).get("media", {})
    pixels = media.get("width", {}).get("pixels") if isinstance(media, dict) else None
    return pixels if isinstance(pixels, int) and pixels > 0 else None


def ticket_dots(config: PrinterConfig) -> int:
    """Width to render tickets at: the paper's dots, narrowed to what the profile can print.

    A TM-T88V prints 512 dots on 80 mm paper; sending it 576 would be refused by python-escpos.
    """
    width = profile_width(config.profile)
    return min(config.dots, width) if width else config.dots


def encode_ticket(image: Image.Image, profile: str, fragment_rows: int = FRAGMENT_ROWS) -> bytes:
    """ESC/POS job for one ticket: initialise, raster image (GS v 0), feed and cut.

    The image must already be 1-bit (see `ticket_image.to_one_bit`); no text is ever sent as
    ESC/POS characters, because no code page of these printers holds Vietnamese.
    """
    data = _profile_data(profile)
    printer = Dummy(profile=profile)
    declared = profile_width(profile)
    if declared is None:
        # Unknown width: python-escpos would print a warning on stdout for every fragment. The
        # override lives on this instance only (the class attribute is shared by all printers).
        media = dict(data.get("media", {}))
        media["width"] = {**media.get("width", {}), "pixels": image.width}
        printer.profile.profile_data = {**data, "media": media}
    elif image.width > declared:
        raise PrinterError(
            f"Ảnh vé rộng {image.width} điểm nhưng máy in {profile} chỉ in được {declared} "
            "điểm: sửa printer.paper_mm hoặc printer.profile.",
            f"The ticket is {image.width} dots wide but profile {profile} prints only "
            f"{declared} dots: fix printer.paper_mm or printer.profile.",
        )
    printer.hw("INIT")
    printer.image(image, impl="bitImageRaster", center=False, fragment_height=fragment_rows)
    # cut() feeds six lines first (the cutter sits above the print head) and, on profiles
    # without a cutter, only feeds so the ticket can be torn off.
    printer.cut()
    return bytes(printer.output)


# ---------------------------------------------------------------- decoding


@dataclass(frozen=True)
class Command:
    """One ESC/POS command found in a byte stream; `raster` is set for GS v 0 blocks."""

    offset: int
    data: bytes
    raster: Image.Image | None = None


def _raster_block(data: bytes, i: int) -> Command:
    if i + 8 > len(data):
        raise ValueError(f"truncated GS v 0 header at byte {i}")
    width_bytes = data[i + 4] | data[i + 5] << 8
    height = data[i + 6] | data[i + 7] << 8
    end = i + 8 + width_bytes * height
    if end > len(data):
        raise ValueError(f"truncated GS v 0 raster at byte {i}: {width_bytes}x{height} bytes")
    # Raster bits are ink (1 = black); a mode "1" image stores 1 = white, hence the inversion.
    inverted = bytes(b ^ 0xFF for b in data[i + 8 : end])
    image = Image.frombytes("1", (width_bytes * 8, height), inverted)
    return Command(i, data[i:end], image)


def iter_commands(data: bytes) -> Iterator[Command]:
    """Walk the commands this package emits (and common others), one byte at a time otherwise."""
    i = 0
    while i < len(data):
        b = data[i]
        nxt = data[i + 1] if i + 1 < len(data) else -1
        length = 1
        if b == GS and nxt == ord("v") and i + 2 < len(data) and data[i + 2] in (0x00, 0x30):
            block = _raster_block(data, i)
            yield block
            i += len(block.data)
            continue
        if b == ESC and nxt == ord("@"):
            length = 2
        elif b == ESC and nxt in (ord("d"), ord("J"), ord("a"), ord("E"), ord("t"), ord("!")):
            length = 3
        elif b == GS and nxt == ord("V"):
            mode = data[i + 2] if i + 2 < len(data) else 0
            length = 4 if mode in (65, 66, 97, 98, 99, 100, 101, 102, 103) else 3
        elif b == DLE and nxt == 0x04:
            length = 3
        yield Command(i, data[i : i + length])
        i += length


def _stack(images: list[Image.Image]) -> Image.Image:
    width = max(im.width for im in images)
    out = Image.new("1", (width, sum(im.height for im in images)), 1)
    y = 0
    for im in images:
        out.paste(im, (0, y))
        y += im.height
    return out


def decode_raster(data: bytes) -> Image.Image:
    """Every GS v 0 raster block in `data`, stacked into one mode "1" image (white = 1)."""
    images = [c.raster for c in iter_commands(data) if c.raster is not None]
    if not images:
        raise ValueError("no GS v 0 raster image in the data")
    return _stack(images)


def decode_jobs(data: bytes) -> list[Image.Image]:
    """One image per print job in `data` (a file target holds many, each starting with ESC @)."""
    jobs: list[list[Image.Image]] = []
    for command in iter_commands(data):
        if command.data == b"\x1b@" or not jobs:
            jobs.append([])
        if command.raster is not None:
            jobs[-1].append(command.raster)
    return [_stack(images) for images in jobs if images]
