"""Trim the ICU data library that Qt Core links (libicudata.so.NN, 31 MB) to what kiosk needs.

Qt Core uses ICU for collation (QCollator, e.g. sorting in a file dialog), legacy text
codecs, time-zone names and locale-aware case mapping; kiosk itself only uses UTF-8 and
Vietnamese/English. The full data set carries every locale of CLDR, 200 legacy code pages,
transliterators and Thai/CJK/Khmer/Lao/Burmese dictionaries. This keeps what ICU's own data
filter (`ICU_DATA_FILTER_FILE`, "localeFilter": include vi and en) would keep:

- every non-locale item (properties, normalization, break rules, time zones, plural rules,
  likely subtags, converter aliases, the collation root table `coll/ucadata.icu`),
- locale resources of `root`, `en*` and `vi*` in every tree (`coll/`, `curr/`, `lang/`, ...),

and drops legacy code-page tables (`*.cnv`; UTF-8/16/32, ASCII and Latin-1 are built into
ICU's code), word-break dictionaries (`*.dict`), transliterators (`translit/`), confusables
(`*.cfu`) and StringPrep profiles (`*.spp`).

The data is ICU's "common data" package (format "CmnD": a header, a table of contents of
name/data offsets, the names, then 16-byte aligned items) exported by the library as the
symbol `icudtNN_dat`. The trimmed package is assembled back into a shared library with the
same SONAME and symbol by binutils (`as`, `ld`, `nm`), which are present wherever
PyInstaller's Linux build runs. Without them the full data is kept and a warning printed.

Usage: python packaging/icu_data.py PATH/libicudata.so.73 [--locales vi,en]
"""

from __future__ import annotations

import argparse
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_LOCALES = ("vi", "en")
#: Names that look like locales but are the package's own tables.
ALWAYS_KEEP = {"root", "res_index", "pool"}
DROP_SUFFIXES = (".cnv", ".dict", ".cfu", ".spp")
DROP_TREES = ("translit",)
_LOCALE_RES = re.compile(r"^(?P<lang>[a-z]{2,3})(_[A-Za-z0-9_]*)?\.res$")
_MAGIC = b"\xda\x27"
_FORMAT = b"CmnD"
#: What ICU's pkgdata pads with (a rebuilt full package is then byte-identical).
PAD_BYTE = b"\xaa"


class IcuDataError(RuntimeError):
    """The library does not hold an ICU common data package we understand."""


@dataclass(frozen=True)
class Package:
    header: bytes  # MappedData + UDataInfo (+ copyright), `headerSize` bytes
    items: list[tuple[str, bytes]]  # sorted by name, as ICU binary-searches them


def wanted(name: str, locales: Sequence[str] = DEFAULT_LOCALES) -> bool:
    """Whether an item ("icudt73l/coll/vi.res") stays in the trimmed package."""
    parts = name.split("/")[1:]  # without the "icudt73l" prefix
    if not parts:
        return True
    if parts[0] in DROP_TREES or name.endswith(DROP_SUFFIXES):
        return False
    leaf = parts[-1]
    match = _LOCALE_RES.match(leaf)
    if match is None or leaf[:-4] in ALWAYS_KEEP:
        return True
    return match.group("lang") in locales


def parse_package(blob: bytes) -> Package:
    """Split a common data package into its header and (name, bytes) items."""
    if len(blob) < 32 or blob[2:4] != _MAGIC or blob[12:16] != _FORMAT:
        raise IcuDataError("not an ICU common data package (CmnD)")
    if blob[8] != 0:
        raise IcuDataError("big-endian ICU data is not supported")
    header_size = struct.unpack_from("<H", blob, 0)[0]
    toc = header_size
    (count,) = struct.unpack_from("<I", blob, toc)
    entries = [struct.unpack_from("<II", blob, toc + 4 + 8 * k) for k in range(count)]
    items = []
    for k, (name_offset, data_offset) in enumerate(entries):
        end_name = blob.index(b"\0", toc + name_offset)
        name = blob[toc + name_offset : end_name].decode("ascii")
        end = toc + entries[k + 1][1] if k + 1 < count else len(blob)
        items.append((name, blob[toc + data_offset : end]))
    return Package(blob[:header_size], items)


def _pad(n: int, to: int = 16) -> int:
    return (to - n % to) % to


def build_package(header: bytes, items: Sequence[tuple[str, bytes]]) -> bytes:
    """A common data package of these items (names must be sorted, as ICU expects)."""
    names = [n for n, _ in items]
    if names != sorted(names, key=lambda n: n.encode("ascii")):
        raise IcuDataError("item names must be sorted")
    toc_size = 4 + 8 * len(items)
    name_blob = bytearray()
    name_offsets = []
    for name in names:
        name_offsets.append(toc_size + len(name_blob))
        name_blob += name.encode("ascii") + b"\0"
    body = bytearray(name_blob)
    body += PAD_BYTE * _pad(len(header) + toc_size + len(body))
    data_offsets = []
    for _, data in items:
        data_offsets.append(toc_size + len(body))
        body += data
        body += PAD_BYTE * _pad(len(header) + toc_size + len(body))
    toc = bytearray(struct.pack("<I", len(items)))
    for name_offset, data_offset in zip(name_offsets, data_offsets, strict=True):
        toc += struct.pack("<II", name_offset, data_offset)
    return bytes(header) + bytes(toc) + bytes(body)


def trimmed(package: Package, locales: Sequence[str] = DEFAULT_LOCALES) -> Package:
    return Package(package.header, [(n, d) for n, d in package.items if wanted(n, locales)])


def _data_symbol(lib: Path) -> tuple[str, int, int]:
    """(name, file offset, size) of the exported icudtNN_dat symbol."""
    if not lib.is_file():
        raise IcuDataError(f"{lib} does not exist")
    done = subprocess.run(
        ["nm", "-D", "--defined-only", "-S", str(lib)], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise IcuDataError(f"{lib.name} is not a shared library ({done.stderr.strip()})")
    out = done.stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 4 and re.fullmatch(r"icudt\d+_dat", fields[3]):
            address, size = int(fields[0], 16), int(fields[1], 16)
            return fields[3], _file_offset(lib, address), size
    raise IcuDataError(f"{lib.name} exports no icudtNN_dat symbol")


def _file_offset(lib: Path, address: int) -> int:
    """Translate a virtual address to a file offset through the LOAD program headers."""
    out = subprocess.run(
        ["readelf", "-lW", str(lib)], capture_output=True, text=True, check=True
    ).stdout
    for line in out.splitlines():
        fields = line.split()
        if fields[:1] == ["LOAD"]:
            offset, vaddr, filesz = int(fields[1], 16), int(fields[2], 16), int(fields[4], 16)
            if vaddr <= address < vaddr + filesz:
                return offset + address - vaddr
    raise IcuDataError(f"address {address:#x} is in no LOAD segment of {lib.name}")


def _soname(lib: Path) -> str:
    out = subprocess.run(
        ["readelf", "-dW", str(lib)], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"\(SONAME\)\s+Library soname: \[(.+?)\]", out)
    return found.group(1) if found else lib.name


def read_library(lib: Path) -> tuple[str, Package]:
    symbol, offset, size = _data_symbol(lib)
    with lib.open("rb") as f:
        f.seek(offset)
        blob = f.read(size)
    return symbol, parse_package(blob)


def write_library(blob: bytes, symbol: str, soname: str, out: Path) -> None:
    """Assemble `blob` as the read-only, exported data object `symbol` of a shared library."""
    with tempfile.TemporaryDirectory(prefix="icudata-") as tmp:
        folder = Path(tmp)
        (folder / "data.bin").write_bytes(blob)
        (folder / "data.s").write_text(
            "\t.section .rodata\n"
            "\t.balign 16\n"
            f"\t.globl {symbol}\n"
            f"\t.type {symbol}, @object\n"
            f"\t.size {symbol}, {len(blob)}\n"
            f"{symbol}:\n"
            '\t.incbin "data.bin"\n'
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        subprocess.run(["as", "data.s", "-o", "data.o"], cwd=folder, check=True)
        subprocess.run(
            ["ld", "-shared", "-soname", soname, "-o", "out.so", "data.o"], cwd=folder, check=True
        )
        shutil.copyfile(folder / "out.so", out)


def tools_missing() -> list[str]:
    return [t for t in ("as", "ld", "nm", "readelf") if shutil.which(t) is None]


def trim_library(lib: Path, locales: Sequence[str] = DEFAULT_LOCALES) -> tuple[int, int]:
    """Replace `lib` by its trimmed version; (size before, size after) in bytes."""
    before = lib.stat().st_size
    symbol, package = read_library(lib)
    small = trimmed(package, locales)
    tmp = lib.with_name(lib.name + ".trimmed")
    write_library(build_package(small.header, small.items), symbol, _soname(lib), tmp)
    tmp.chmod(lib.stat().st_mode)
    tmp.replace(lib)
    return before, lib.stat().st_size


def trim_bundle(libs: Iterable[Path], locales: Sequence[str] = DEFAULT_LOCALES) -> None:
    """The spec's hook: trim every libicudata found, or say why not (the bundle still works)."""
    libs = list(libs)
    if not libs:
        return
    missing = tools_missing()
    if missing:
        print(f"icu_data: {', '.join(missing)} not found (binutils); ICU data kept whole")
        return
    for lib in libs:
        before, after = trim_library(lib, locales)
        print(f"icu_data: {lib.name} {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("--locales", default=",".join(DEFAULT_LOCALES))
    args = parser.parse_args(argv)
    locales = tuple(x.strip() for x in args.locales.split(",") if x.strip())
    missing = tools_missing()
    if missing:
        print(f"needs binutils: {', '.join(missing)} not found", file=sys.stderr)
        return 2
    try:
        before, after = trim_library(args.library, locales)
    except (OSError, IcuDataError, subprocess.CalledProcessError) as err:
        print(f"{args.library}: cannot trim: {err}", file=sys.stderr)
        return 2
    print(f"{args.library}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
