"""The procedures catalogue: per field, its procedures (thủ tục) with the documents to bring,
the fee and the processing time, so a citizen does not come back for a missing paper.

One TOML file the point edits (`kiosk catalogue init` writes the shipped sample), or a
spreadsheet turned into one (`kiosk catalogue import`, see `kiosk.core.catalogue_import`).
It is read with the config's strict rules (no TOML type converted, unknown keys named) and
checked against the config (`catalogue_problems`): every problem is listed at once.
"""

from __future__ import annotations

import difflib
import logging
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from kiosk.core.config import (
    Config,
    ConfigInvalid,
    ConfigProblem,
    StrictTable,
    check,
    option,
    read_settings,
    read_table,
    resolve_config_path,
)
from kiosk.core.errors import ConfigError
from kiosk.core.texts import Text

log = logging.getLogger(__name__)

SAMPLE = "sample_catalogue.toml"
#: The header of a catalogue made by `kiosk catalogue import`.
SAMPLE_HEADER = (
    "# Danh mục thủ tục, nhập từ {source} bằng `kiosk catalogue import`.\n"
    "# Procedures catalogue, imported from {source} with `kiosk catalogue import`.\n\n"
)


class DocumentKind(StrEnum):
    ORIGINAL = "original"
    COPY = "copy"
    CERTIFIED_COPY = "certified_copy"
    SHOW = "show"


#: How each kind of document is said (the ticket, the kiosk, the phone page, the import).
KIND_TEXT = {
    DocumentKind.ORIGINAL: Text("bản chính", "original"),
    DocumentKind.COPY: Text("bản sao", "copy"),
    DocumentKind.CERTIFIED_COPY: Text("bản sao có chứng thực", "certified copy"),
    DocumentKind.SHOW: Text("xuất trình", "to show"),
}
FREE = Text("Miễn phí", "Free")


@dataclass(frozen=True, kw_only=True)
class Document(StrictTable):
    """One paper to bring."""

    name: str = option(description="What to bring, in Vietnamese.")
    name_en: str = option("", description="In English; empty: the Vietnamese name.")
    kind: DocumentKind = option(
        DocumentKind.ORIGINAL,
        description="original, copy, certified_copy, or show (shown, not handed in).",
    )
    count: int = option(1, ge=1, le=20, description="How many.")

    @check("name")
    def _named(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("name the document")
        return v.strip()

    def label(self, lang: str) -> str:
        """ "Giấy chứng sinh — bản chính × 1" or in English ("bản chính × 1" never breaks
        over two lines: its spaces are no-break spaces)."""
        name = self.name_en if lang == "en" and self.name_en else self.name
        how = f"{KIND_TEXT[self.kind].get(lang)} × {self.count}".replace(" ", "\u00a0")
        return f"{name} — {how}"


@dataclass(frozen=True, kw_only=True)
class Procedure(StrictTable):
    """One procedure of a field, with its checklist."""

    field: str = option(description="Code of the field in the config, e.g. hotich.")
    name: str = option(description="Name in Vietnamese, e.g. Đăng ký khai sinh.")
    name_en: str = option("", description="Name in English; empty: the Vietnamese name.")
    code: str = option("", description="National procedure code (mã thủ tục); optional.")
    documents: list[Document] = option(description="The papers to bring ([[…documents]]).")
    fee_vnd: int | None = option(
        None, ge=0, le=100_000_000, description="Fee in đồng (0: free); or write fee_note."
    )
    fee_note: str = option("", description="The fee in words when it is not one number.")
    fee_note_en: str = option("", description="fee_note in English.")
    processing: str = option(description="Processing time in Vietnamese, e.g. Trong ngày.")
    processing_en: str = option("", description="Processing time in English.")
    notes: str = option("", description="Anything else the citizen should know.")
    notes_en: str = option("", description="notes in English.")

    @check("name", "processing")
    def _said(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("write it in Vietnamese; it is shown to citizens")
        return v.strip()

    @property
    def key(self) -> str:
        """What a ticket records of its procedure: the national code, else the name."""
        return self.code or self.name

    def title(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name

    def fee(self, lang: str) -> str:
        """ "Miễn phí", "10.000 đồng", or the fee note."""
        if self.fee_note:
            return self.fee_note_en if lang == "en" and self.fee_note_en else self.fee_note
        if not self.fee_vnd:
            return FREE.get(lang)
        if lang == "en":
            return f"{self.fee_vnd:,} VND"
        return f"{self.fee_vnd:,}".replace(",", ".") + " đồng"

    def time(self, lang: str) -> str:
        return self.processing_en if lang == "en" and self.processing_en else self.processing


@dataclass(frozen=True, kw_only=True)
class Catalogue(StrictTable):
    """Every procedure of the point, in the file's order."""

    procedures: list[Procedure] = option(default_factory=list, description="[[procedures]]")

    def of_field(self, code: str) -> list[Procedure]:
        return [p for p in self.procedures if p.field == code]

    def find(self, field: str, key: str) -> Procedure | None:
        """The procedure of `field` whose code (or, without one, name) is `key`."""
        return next((p for p in self.of_field(field) if p.key == key), None)


class CatalogueInvalid(ConfigInvalid):
    """The catalogue has problems; `problems` lists all of them."""

    FILE_VI = "Danh mục thủ tục"


def catalogue_problems(
    raw: dict[str, Any], config: Config
) -> tuple[Catalogue | None, list[ConfigProblem]]:
    """(the catalogue or None, every problem): types and keys, then the rules across entries
    (a field the config does not have, a code used twice, a procedure without documents or
    without a fee)."""
    problems: list[ConfigProblem] = []
    catalogue = read_table(Catalogue, raw, problems)
    codes = [f.code for f in config.fields]
    seen_codes: dict[str, int] = {}
    seen_names: dict[tuple[str, str], int] = {}
    items = raw.get("procedures", [])
    for i, p in enumerate(items if isinstance(items, list) else []):
        if not isinstance(p, dict):
            continue
        at = f"procedures[{i}]"
        field, name, code = p.get("field"), p.get("name"), p.get("code")
        if isinstance(field, str) and field not in codes:
            close = difflib.get_close_matches(field, codes, n=1, cutoff=0.5)
            hint = f'did you mean "{close[0]}"?' if close else f"fields: {', '.join(codes)}"
            problems.append(ConfigProblem(f"{at}.field", f'"{field}"', f"no such field; {hint}"))
        if isinstance(code, str) and code.strip():
            if code in seen_codes:
                problems.append(
                    ConfigProblem(
                        f"{at}.code",
                        f'"{code}"',
                        f"already the code of procedures[{seen_codes[code]}]; each procedure "
                        "has its own code",
                    )
                )
            seen_codes.setdefault(code, i)
        if isinstance(field, str) and isinstance(name, str):
            if (field, name.strip()) in seen_names:
                j = seen_names[(field, name.strip())]
                problems.append(
                    ConfigProblem(
                        f"{at}.name",
                        f'"{name}"',
                        f"procedures[{j}] of the same field has this name; merge or rename them",
                    )
                )
            seen_names.setdefault((field, name.strip()), i)
        documents = p.get("documents")
        if isinstance(documents, list) and not documents:
            problems.append(
                ConfigProblem(
                    f"{at}.documents",
                    "[]",
                    "no documents; list what to bring ([[procedures.documents]] with a name)",
                )
            )
        if "fee_vnd" not in p and not str(p.get("fee_note", "")).strip():
            problems.append(
                ConfigProblem(
                    f"{at}.fee_vnd", "", "no fee; write fee_vnd = 0 when it is free, or fee_note"
                )
            )
    return (None if problems else catalogue), problems


def parse_catalogue(text: str, config: Config, path: str = "<catalogue>") -> Catalogue:
    """The catalogue of TOML `text`; CatalogueInvalid lists every problem."""
    try:
        raw = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        problem = ConfigProblem("(syntax)", "", f"not valid TOML: {exc}; check quotes and brackets")
        raise CatalogueInvalid(path, [problem]) from None
    catalogue, problems = catalogue_problems(raw, config)
    if problems or catalogue is None:
        raise CatalogueInvalid(path, problems)
    return catalogue


def load_catalogue(path: Path, config: Config) -> Catalogue:
    """Read and check the catalogue file at `path` (one clear line when it cannot be read)."""
    text = read_settings(path, "danh mục thủ tục", "catalogue", "kiosk catalogue init")
    return parse_catalogue(text, config, str(path))


def catalogue_path(config: Config, explicit_config: str | None = None) -> Path | None:
    """The file `[kiosk] catalogue` names (relative to the config file's folder), or None."""
    named = config.kiosk.catalogue.strip()
    if not named:
        return None
    path = Path(named).expanduser()
    if not path.is_absolute():
        config_file = resolve_config_path(explicit_config)
        path = (config_file.parent if config_file else Path.cwd()) / path
    return path


def catalogue_in_use(config: Config, explicit_config: str | None = None) -> Catalogue | None:
    """The catalogue `[kiosk] catalogue` names, checked (None when none is set). A catalogue
    with problems raises CatalogueInvalid: no screen shows what the point has not got right."""
    path = catalogue_path(config, explicit_config)
    return load_catalogue(path, config) if path is not None else None


#: A procedure's name by (field, key): what reports and exports show for `tickets.procedure`.
ProcedureNames = dict[tuple[str, str], Text]


def procedure_names(catalogue: Catalogue | None) -> ProcedureNames:
    """The name of each procedure of `catalogue` by its field and key, in the file's order."""
    if catalogue is None:
        return {}
    return {(p.field, p.key): Text(p.name, p.title("en")) for p in catalogue.procedures}


#: What a report says when it cannot read the catalogue in use.
SHOWN_AS_RECORDED = Text(
    "báo cáo ghi thủ tục theo mã (hoặc tên) lưu trên phiếu",
    "the report shows procedures as the tickets recorded them (code or name)",
)


def names_for_reports(
    config: Config,
    explicit_config: str | None = None,
    *,
    lang: str = "en",
    warn: Callable[[str], None] | None = None,
) -> ProcedureNames:
    """The names of the catalogue in use, for reports and exports. Unlike the kiosk, a report
    does not stop for a catalogue with problems (or gone): its procedures are then shown by
    what the tickets recorded, and `warn` (default: the log) gets one line saying why."""
    try:
        return procedure_names(catalogue_in_use(config, explicit_config))
    except ConfigError as e:
        first = e.message(lang).splitlines()[0].rstrip(":")
        (warn or log.warning)(f"{first}; {SHOWN_AS_RECORDED.get(lang)}")
        return {}


def sample_text() -> str:
    """The shipped sample catalogue (marked as a sample in its header)."""
    return resources.files("kiosk.core").joinpath(SAMPLE).read_text("utf-8")
