"""A catalogue from a spreadsheet (XLSX or CSV): one row per document, as docs/catalogue.md says.

Columns (the first row names them, in any order; extra columns are refused by name):
field, procedure, procedure_en, code, fee_vnd, fee_note, fee_note_en, processing,
processing_en, notes, notes_en, document, document_en, kind, count. Rows with the same field
and procedure belong to one procedure; its own columns may be left empty after its first row.
`kind` takes original, copy, certified_copy or show, or their Vietnamese words (bản chính, bản
sao, bản sao có chứng thực, xuất trình). The result is checked like a catalogue file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kiosk.core.catalogue import KIND_TEXT, Catalogue, CatalogueInvalid, catalogue_problems
from kiosk.core.config import Config, ConfigProblem
from kiosk.core.errors import ConfigError

PROCEDURE_COLUMNS = {
    "procedure": "name",
    "procedure_en": "name_en",
    "code": "code",
    "fee_vnd": "fee_vnd",
    "fee_note": "fee_note",
    "fee_note_en": "fee_note_en",
    "processing": "processing",
    "processing_en": "processing_en",
    "notes": "notes",
    "notes_en": "notes_en",
}
DOCUMENT_COLUMNS = {"document": "name", "document_en": "name_en", "kind": "kind", "count": "count"}
COLUMNS = ("field", *PROCEDURE_COLUMNS, *DOCUMENT_COLUMNS)
REQUIRED = ("field", "procedure", "document")
#: Kinds as a clerk may type them: the TOML word or the Vietnamese one, any case.
_KINDS = {word: kind.value for kind, text in KIND_TEXT.items() for word in (kind.value, text.vi)}


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number as the spreadsheet shows it, {column: value}) for each non-empty row."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path)
    else:
        raise ConfigError(
            f"{path}: chỉ nhập được tệp .xlsx hoặc .csv",
            f"{path}: import reads .xlsx or .csv files; save the sheet as one of those",
        )


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        # utf-8-sig: Excel writes "CSV UTF-8" with a byte order mark.
        with path.open(encoding="utf-8-sig", newline="") as f:
            sample = f.read(4096)
            f.seek(0)
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
            rows = list(csv.reader(f, dialect))
    except UnicodeDecodeError:
        raise ConfigError(
            f"{path} không phải UTF-8; trong Excel chọn Lưu thành “CSV UTF-8”",
            f"{path} is not UTF-8; in Excel choose Save as “CSV UTF-8”",
        ) from None
    except csv.Error:
        rows = list(csv.reader(path.read_text("utf-8-sig").splitlines()))
    except OSError as exc:
        raise _unreadable(path, exc) from None
    yield from _table(path, rows)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook  # only the import needs it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    except Exception as exc:  # openpyxl's own errors for a file that is not a workbook
        raise ConfigError(
            f"{path} không phải tệp Excel (.xlsx) đọc được: {exc}",
            f"{path} is not a readable Excel (.xlsx) file: {exc}",
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    yield from _table(path, rows)


def _unreadable(path: Path, exc: OSError) -> ConfigError:
    return ConfigError(
        f"Không đọc được {path}: {exc.strerror}", f"Cannot read {path}: {exc.strerror}"
    )


def _table(path: Path, rows: list[list[Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
    if not rows:
        raise CatalogueInvalid(str(path), [ConfigProblem("row 1", "", "the sheet is empty")])
    header = [str(h or "").strip().lower() for h in rows[0]]
    problems = [
        ConfigProblem(
            f"row 1, column {i + 1}", f'"{h}"', f"unknown column; use {', '.join(COLUMNS)}"
        )
        for i, h in enumerate(header)
        if h and h not in COLUMNS
    ]
    problems += [
        ConfigProblem("row 1", "", f"no column {name!r}; add it")
        for name in REQUIRED
        if name not in header
    ]
    if problems:
        raise CatalogueInvalid(str(path), problems)
    for number, row in enumerate(rows[1:], start=2):
        values = {h: _cell(v) for h, v in zip(header, row, strict=False) if h}
        if any(v != "" for v in values.values()):
            yield number, values


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)  # a spreadsheet's 2 is 2.0
    return value


def _number(text: Any) -> Any:
    """A count or a fee as typed: 10000, "10000", "10.000" (Vietnamese thousands)."""
    if isinstance(text, int):
        return text
    digits = str(text).replace(".", "").replace(",", "").replace(" ", "")
    return int(digits) if digits.isdigit() else text


def catalogue_from_rows(
    rows: Iterator[tuple[int, dict[str, Any]]], config: Config, path: str
) -> tuple[Catalogue, dict[str, Any]]:
    """(the checked catalogue, its TOML table) from spreadsheet rows; CatalogueInvalid names
    the rows of every problem."""
    procedures: dict[tuple[str, str], dict[str, Any]] = {}
    first_row: dict[int, int] = {}
    problems: list[ConfigProblem] = []
    for number, values in rows:
        field, name = values.get("field", ""), values.get("procedure", "")
        if not field or not name:
            problems.append(
                ConfigProblem(f"row {number}", "", "every row needs its field and procedure")
            )
            continue
        key = (str(field), str(name))
        if key not in procedures:
            first_row[len(procedures)] = number
            procedures[key] = {"field": str(field), "documents": []}
        entry = procedures[key]
        for column, toml_key in PROCEDURE_COLUMNS.items():
            value = values.get(column, "")
            if value != "" and toml_key not in entry:
                entry[toml_key] = _number(value) if toml_key == "fee_vnd" else str(value)
        if values.get("document", "") == "":
            continue
        document: dict[str, Any] = {}
        for column, toml_key in DOCUMENT_COLUMNS.items():
            value = values.get(column, "")
            if value == "":
                continue
            if toml_key == "kind":
                kind = _KINDS.get(str(value).strip().lower())
                if kind is None:
                    allowed = ", ".join(_KINDS)
                    problems.append(
                        ConfigProblem(f"row {number}, kind", f'"{value}"', f"use one of {allowed}")
                    )
                    continue
                value = kind
            elif toml_key == "count":
                value = _number(value)
            else:
                value = str(value)
            document[toml_key] = value
        entry["documents"].append(document)
    raw = {"procedures": list(procedures.values())}
    catalogue, found = catalogue_problems(raw, config)
    for p in found:  # say which row a procedure started on, as the sheet numbers it
        index = p.key.split("]")[0].removeprefix("procedures[")
        row = first_row.get(int(index)) if index.isdigit() else None
        where = f"row {row}: " if row else ""
        problems.append(ConfigProblem(f"{where}{p.key}", p.value, p.message))
    if problems or catalogue is None:
        raise CatalogueInvalid(path, problems)
    return catalogue, raw
