"""Exports of the ticket history (one row per ticket) or the raw event log: CSV, JSONL, XLSX.

Everything streams: rows are read in batches and written straight out, so memory stays flat
however many years are exported. The file appears only when complete: it is written to a
temporary file in the same folder and renamed at the end (a failure or a cancel leaves
nothing behind). `progress(done, total)` is called after every batch and `cancel` (a
threading.Event) is checked between batches — the CLI draws a progress bar with the first,
the manager window drives its progress bar and cancel button with both.

XLSX uses XlsxWriter in constant-memory mode: data sheets of at most 1,048,575 rows each
(Excel's limit below a header row), a summary sheet (the report of the same rows), and
native Excel charts of waits by hour and by field. Data rows are appended to the sheet's
constant-memory stream as ready XML (`_StreamSheet`), which is ten times faster than
XlsxWriter's per-cell calls; a test checks both give the same cells.
"""

from __future__ import annotations

import csv
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from kiosk.core.config import Config
from kiosk.core.files import OutputError, StagedFile, check_target
from kiosk.core.ratings import FACE_COLOURS, RatingLevel
from kiosk.core.store import Store
from kiosk.core.texts import Text
from kiosk.core.wording import count_en, number, plain
from kiosk.reports import texts as T
from kiosk.reports.comparison import Figure, Previous, Unit
from kiosk.reports.history import (
    BATCH,
    EXPORT_COLUMNS,
    OUTCOME_EN,
    OUTCOME_VI,
    Cancelled,
    EmptyRange,
    EventRecord,
    History,
    HistoryFilter,
    LocalTimes,
    Outcome,
    Progress,
    TicketLine,
    join_reasons,
    outcome_of,
)
from kiosk.reports.report import (
    STATS_COLUMNS,
    GroupStats,
    Report,
    ReportBuilder,
    Satisfaction,
    empty_range,
    hour_label,
    satisfaction_header,
    satisfaction_rows,
    stats_rows,
    with_previous,
)

log = logging.getLogger(__name__)

#: Data rows per sheet: Excel's 1,048,576 rows less the header.
EXCEL_DATA_ROWS = 1_048_575


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"
    XLSX = "xlsx"


#: Kept for callers: an export that cannot be written.
ExportError = OutputError


#: Ticket columns: (key in CSV/JSONL, Vietnamese heading, English heading).
TICKET_COLUMNS = EXPORT_COLUMNS
#: Event columns: (key, Vietnamese heading, English heading).
EVENT_COLUMNS = (
    ("id", *Text("Mã sự kiện", "Event id")),
    ("at", *Text("Thời điểm", "At")),
    ("business_day", *T.DAY),
    ("kind", *T.KIND),
    ("ticket_code", *T.TICKET),
    ("counter", *T.COUNTER),
    ("field", *T.FIELD),
    ("actor", *Text("Người/thiết bị", "Actor")),
    ("officer", *T.OFFICER),
    ("site", *Text("Điểm", "Site")),
    ("data", *T.DATA),
)


@dataclass(frozen=True)
class ExportRequest:
    """What to export, where, and how."""

    filter: HistoryFilter
    format: ExportFormat
    path: Path
    events: bool = False
    #: Language of XLSX headings and labels ("vi" or "en"); CSV/JSONL keys are always English.
    lang: str = "vi"
    #: CSV separator: "," (default) or ";" for Excel set to Vietnamese regional settings.
    delimiter: str = ","
    #: Data rows per XLSX sheet (tests lower it to see the split).
    rows_per_sheet: int = EXCEL_DATA_ROWS
    #: The XLSX summary compares the headline figures with the period before.
    compare: bool = True


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    seconds: float
    #: Every sheet of an XLSX file, the summary first (CSV, JSONL: none).
    sheets: tuple[str, ...] = ()
    report: Report | None = field(default=None, compare=False)

    @property
    def data_sheets(self) -> tuple[str, ...]:
        """The sheets holding the rows (all but the summary)."""
        return self.sheets[1:]

    def text(self, lang: str = "en") -> str:
        """ "Wrote 1,020 rows to out.xlsx (2 sheets) in 3.1 s", or in Vietnamese."""
        n = len(self.sheets)
        where = T.SHEETS.get(lang, sheets=number(n, lang) if lang == "vi" else count_en(n, "sheet"))
        return T.WROTE_ROWS.get(
            lang,
            rows=number(self.rows, lang),
            path=self.path,
            where=where if self.sheets else "",
            seconds=number(self.seconds, lang, 1),
        )


def _json_text(data: Any) -> str | None:
    """Event data as JSON text (SQLite hands out text, PostgreSQL decoded objects)."""
    return data if isinstance(data, str) or data is None else json.dumps(data)


def _event_values(e: EventRecord, times: LocalTimes) -> list[Any]:
    data = _json_text(e.data)
    return [
        e.id,
        times.iso(e.at),
        e.day,
        e.kind,
        e.code,
        e.counter,
        e.field,
        e.actor,
        e.officer,
        e.site,
        data,
    ]


# ------------------------------------------------------------------------------ CSV / JSONL


def _open_text(path: Path, bom: bool) -> TextIO:
    return open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="")


def _write_csv(
    out: TextIO,
    header: Sequence[str],
    batches: Iterator[Sequence[Sequence[Any]]],
    delimiter: str,
    tick: Callable[[int], None],
) -> int:
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    n = 0
    for rows in batches:
        writer.writerows(rows)
        n += len(rows)
        tick(n)
    return n


def _write_lines(
    out: TextIO,
    header: Sequence[str],
    batches: Iterator[list[str]],
    delimiter: str,
    tick: Callable[[int], None],
) -> int:
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerow(header)
    n = 0
    for lines in batches:
        if lines:
            out.write("\r\n".join(lines))
            out.write("\r\n")
        n += len(lines)
        tick(n)
    return n


def _write_jsonl(
    out: TextIO,
    keys: Sequence[str],
    batches: Iterator[list[list[Any]]],
    tick: Callable[[int], None],
    *,
    bool_column: int | None = None,
    raw_json_column: int | None = None,
) -> int:
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    n = 0
    for rows in batches:
        lines = []
        for values in rows:
            if bool_column is not None:
                values[bool_column] = bool(values[bool_column])
            if raw_json_column is not None:
                raw = values[raw_json_column]
                obj = dict(zip(keys[:raw_json_column], values[:raw_json_column], strict=True))
                text = dumps(obj)
                lines.append(f'{text[:-1]}, "{keys[raw_json_column]}": {raw or "null"}}}\n')
            else:
                lines.append(dumps(dict(zip(keys, values, strict=True))) + "\n")
        out.write("".join(lines))
        n += len(rows)
        tick(n)
    return n


# ------------------------------------------------------------------------------ XLSX

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(value: str) -> str:
    """Inline-string XML for a cell (escaped; control characters as Excel's _xHHHH_)."""
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    if text != text.strip():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


_STR, _NUM, _STYLED = range(3)


class _StreamSheet(Worksheet):  # type: ignore[misc]  # XlsxWriter ships no type hints
    """A constant-memory worksheet that can append whole rows of ready-made XML.

    XlsxWriter's constant-memory mode writes each finished row to a temporary file; this
    appends many rows at once to that same file and keeps the sheet's dimensions right, so
    everything else (headers, widths, filters, the final assembly) stays XlsxWriter's.
    """

    def append_rows(self, first_row: int, rows_xml: str, count: int, last_col: int) -> None:
        if not self.constant_memory:
            raise RuntimeError("append_rows needs constant_memory mode")
        if count == 0:
            return
        previous: int = self.previous_row  # type: ignore[has-type]  # untyped XlsxWriter attribute
        if first_row < previous or (first_row == previous and self.table):
            raise ValueError("rows must be appended after the rows already written")
        self._write_single_row(first_row)  # flush a pending row (the header)
        self.fh.write(rows_xml)
        last_row = first_row + count - 1
        self._check_dimensions(first_row, 0)
        self._check_dimensions(last_row, last_col)
        self.previous_row = last_row


class _XlsxRows:
    """Builds row XML for a fixed column layout (strings, numbers, styled numbers)."""

    def __init__(self, kinds: Sequence[tuple[int, int]]) -> None:
        from xlsxwriter.utility import xl_col_to_name

        self.spec = [(xl_col_to_name(i), kind, str(style)) for i, (kind, style) in enumerate(kinds)]
        self.last_col = len(kinds) - 1

    def xml(self, first_row: int, rows: Sequence[Sequence[Any]]) -> str:
        out: list[str] = []
        add = out.extend
        spec = self.spec
        for n, values in enumerate(rows, first_row + 1):
            rs = str(n)
            add(('<row r="', rs, '">'))
            for (letter, kind, style), v in zip(spec, values, strict=True):
                if v is None:
                    continue
                if kind == _STR:
                    add(('<c r="', letter, rs, '" t="inlineStr">', v, "</c>"))
                elif kind == _NUM:
                    add(('<c r="', letter, rs, '"><v>', repr(v), "</v></c>"))
                else:
                    add(('<c r="', letter, rs, '" s="', style, '"><v>', repr(v), "</v></c>"))
            out.append("</row>")
        return "".join(out)


class XlsxBook:
    """The workbook, its formats and the rolling data sheets."""

    def __init__(self, path: Path, lang: str, rows_per_sheet: int) -> None:
        self.lang = lang
        self.rows_per_sheet = rows_per_sheet
        self.book = xlsxwriter.Workbook(
            str(path),
            {"constant_memory": True, "tmpdir": str(path.parent), "strings_to_numbers": False},
        )
        b = self.book
        self.f_title = b.add_format({"bold": True, "font_size": 16, "font_color": "#0B2545"})
        self.f_sub = b.add_format({"font_color": "#3A4A5E"})
        self.f_head = b.add_format(
            {
                "bold": True,
                "font_color": "#FFFFFF",
                "bg_color": "#0B2545",
                "text_wrap": True,
                "valign": "vcenter",
                "border": 1,
            }
        )
        self.f_section = b.add_format({"bold": True, "font_size": 12, "font_color": "#0B2545"})
        self.f_day = b.add_format({"num_format": "dd/mm/yyyy"})
        self.f_time = b.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
        self.f_min = b.add_format({"num_format": "0.0"})
        self.f_pct = b.add_format({"num_format": "0%"})
        self.f_bold = b.add_format({"bold": True})
        self.summary = b.add_worksheet(T.SUMMARY.get(self.lang))
        #: Every sheet's name, the summary first.
        self.sheets: list[str] = [self.summary.get_name()]
        self._data_sheet: _StreamSheet | None = None
        self._row = 0

    def new_data_sheet(self, base: str, headers: Sequence[str], widths: Sequence[float]) -> None:
        index = sum(1 for s in self.sheets if s.startswith(base)) + 1
        name = base if index == 1 else f"{base} ({index})"
        sheet = self.book.add_worksheet(name, worksheet_class=_StreamSheet)
        assert isinstance(sheet, _StreamSheet)
        for i, w in enumerate(widths):
            sheet.set_column(i, i, w)
        sheet.set_row(0, 32)
        sheet.write_row(0, 0, headers, self.f_head)
        sheet.freeze_panes(1, 0)
        self.sheets.append(name)
        self._finish_data_sheet()
        self._data_sheet = sheet
        self._row = 1

    def _finish_data_sheet(self) -> None:
        sheet = self._data_sheet
        if sheet is not None and self._row > 1:
            sheet.autofilter(0, 0, self._row - 1, sheet.dim_colmax or 0)

    def append(
        self,
        rows: Sequence[Any],
        builder: _XlsxRows | _TicketCells,
        base: str,
        headers: Sequence[str],
        widths: Sequence[float],
    ) -> None:
        start = 0
        while start < len(rows):
            if self._data_sheet is None or self._row > self.rows_per_sheet:
                self.new_data_sheet(base, headers, widths)
            assert self._data_sheet is not None
            room = self.rows_per_sheet - self._row + 1
            chunk = rows[start : start + room]
            self._data_sheet.append_rows(
                self._row, builder.xml(self._row, chunk), len(chunk), builder.last_col
            )
            self._row += len(chunk)
            start += len(chunk)

    def close(self) -> None:
        self._finish_data_sheet()
        self.summary.activate()
        self.book.close()
        self._remove_temporary_files()

    def discard(self) -> None:
        """Give up: close and delete XlsxWriter's row files without assembling anything."""
        for sheet in self.book.worksheets():
            fh = getattr(sheet, "row_data_fh", None)
            if fh is not None and not fh.closed:
                fh.close()
        self._remove_temporary_files()
        self.book.fileclosed = True

    def _remove_temporary_files(self) -> None:
        # XlsxWriter leaves the row file of a sheet without data; never leave litter behind.
        for sheet in self.book.worksheets():
            name = getattr(sheet, "row_data_filename", None)
            if name:
                Path(name).unlink(missing_ok=True)


_TICKET_WIDTHS: tuple[int, ...] = (11, 9, 12, 30, 8, 19, 19, 7, 19, 19, 10, 10, 9, 9, 9, 12, 13)
_TICKET_WIDTHS += (16, 40, 16, 30, 12, 24)  # procedure, rating, officer: ids and words
_EVENT_WIDTHS = (10, 19, 11, 13, 9, 7, 12, 14, 12, 10, 50)


class _TicketCells:
    """Ticket rows (with Excel serials) as row XML of the data sheet."""

    def __init__(
        self,
        config: Config,
        today: date,
        lang: str,
        book: XlsxBook,
        procedures: Mapping[str, str] | None = None,
    ) -> None:
        self.today = today.isoformat()
        #: Procedure names by key (what a ticket records); others are shown as recorded.
        self.procedures = dict(procedures or {})
        #: A rating's level in the file's language (the config's words).
        words = config.ratings.labels if lang == "vi" else config.ratings.labels_en
        self.levels = {lv.value: _xml_text(w) for lv, w in zip(RatingLevel, words, strict=True)}
        self.text: dict[str, str] = {}
        self.names = {f.code: f.name if lang == "vi" else f.name_en for f in config.fields}
        self.officers = officer_names(config)
        labels = OUTCOME_VI if lang == "vi" else OUTCOME_EN
        self.outcomes = {o: _xml_text(labels[o]) for o in Outcome}
        yes, no = T.YES.get(lang), T.NO.get(lang)
        self.priority = (_xml_text(no), _xml_text(yes))
        self.day_style = str(book.f_day._get_xf_index())
        self.time_style = str(book.f_time._get_xf_index())
        self.last_col = len(TICKET_COLUMNS) - 1

    def _s(self, value: str) -> str:
        out = self.text.get(value)
        if out is None:
            out = self.text[value] = _xml_text(value)
        return out

    def xml(self, first_row: int, rows: Sequence[TicketLine]) -> str:
        """XML of `rows` starting at sheet row `first_row` (0-based); columns as TICKET_COLUMNS.

        Written out by hand for speed; a test compares it with XlsxWriter's own cells.
        """
        s, names, outcomes, today = self._s, self.names, self.outcomes, self.today
        ds, ts = self.day_style, self.time_style
        out: list[str] = []
        add = out.append
        for n, r in enumerate(rows, first_row + 1):
            k = str(n)
            fld = r.field
            add(
                f'<row r="{k}"><c r="A{k}" s="{ds}"><v>{r.x_day}</v></c>'
                f'<c r="B{k}" t="inlineStr">{s(r.code)}</c>'
                f'<c r="C{k}" t="inlineStr">{s(fld)}</c>'
                f'<c r="D{k}" t="inlineStr">{s(names.get(fld, fld))}</c>'
                f'<c r="E{k}" t="inlineStr">{self.priority[1 if r.priority else 0]}</c>'
                f'<c r="F{k}" s="{ts}"><v>{r.x_issued!r}</v></c>'
            )
            v = r.x_called
            if v is not None:
                add(f'<c r="G{k}" s="{ts}"><v>{v!r}</v></c>')
            v = r.counter
            if v is not None:
                add(f'<c r="H{k}"><v>{v}</v></c>')
            v = r.x_serving
            if v is not None:
                add(f'<c r="I{k}" s="{ts}"><v>{v!r}</v></c>')
            v = r.x_completed
            if v is not None:
                add(f'<c r="J{k}" s="{ts}"><v>{v!r}</v></c>')
            v = r.wait
            if v is not None:
                add(f'<c r="K{k}"><v>{v}</v></c>')
            v = r.service
            if v is not None:
                add(f'<c r="L{k}"><v>{v}</v></c>')
            add(
                f'<c r="M{k}"><v>{r.dossiers}</v></c>'
                f'<c r="N{k}"><v>{r.recalls}</v></c>'
                f'<c r="O{k}"><v>{r.transfers}</v></c>'
                f'<c r="P{k}" t="inlineStr">{s(r.final_field)}</c>'
                f'<c r="Q{k}" t="inlineStr">'
                f"{outcomes[outcome_of(r.state, r.day, today)]}</c>"
            )
            proc = r.procedure
            if proc is not None:
                add(
                    f'<c r="R{k}" t="inlineStr">{s(proc)}</c>'
                    f'<c r="S{k}" t="inlineStr">{s(self.procedures.get(proc, proc))}</c>'
                )
            level = r.rating
            if level is not None:
                add(f'<c r="T{k}" t="inlineStr">{self.levels.get(level) or s(level)}</c>')
                why = join_reasons(r.rating_reasons)
                if why:
                    add(f'<c r="U{k}" t="inlineStr">{s(why)}</c>')
            officer = r.officer
            if officer is not None:
                add(
                    f'<c r="V{k}" t="inlineStr">{s(officer)}</c>'
                    f'<c r="W{k}" t="inlineStr">{s(self.officers.get(officer, officer))}</c>'
                )
            add("</row>")
        return "".join(out)


def _write_summary(book: XlsxBook, report: Report, config: Config) -> None:
    """The summary sheet: key figures, the tables by field, hour, counter and day, charts."""
    ws = book.summary
    lang = book.lang
    ws.set_column(0, 0, 34)
    ws.set_column(1, 12, 11)
    site = report.site_name if lang == "vi" else report.site_name_en
    ws.write_string(0, 0, T.REPORT_TITLE.get(book.lang), book.f_title)
    ws.write_string(1, 0, f"{site} · {report.filter.describe(lang)}", book.f_sub)
    from kiosk.reports.report import generated_at

    ws.write_string(
        2,
        0,
        T.MADE_AT.get(
            book.lang, at=generated_at(config), target=plain(report.target_minutes, lang)
        ),
        book.f_sub,
    )
    total = report.total
    sat = report.satisfaction
    rated: list[tuple[str, Any, Any]] = []
    if sat is not None and sat.rated:
        rated = [
            (T.RATINGS.get(lang), sat.rated, None),
            (T.RATED_SHARE.get(lang), sat.rated_share, book.f_pct),
            (T.SATISFIED_SHARE.get(lang), sat.satisfied_share, book.f_pct),
            *((label, n, None) for label, n in sat.counts(lang)),
            *((T.REASON.get(lang, reason=r), n, None) for r, n in sat.reasons_in(lang).items()),
        ]
    figures: list[tuple[str, Any, Any]] = [
        (T.CITIZENS.get(book.lang), total.tickets, None),
        (T.DOSSIERS.get(book.lang), total.dossiers, None),
        (T.SERVED.get(book.lang), total.served, None),
        (T.NO_SHOWS.get(book.lang), total.no_shows, None),
        (T.EXPIRED.get(book.lang), total.expired, None),
        (T.TRANSFERRED_COLUMN.get(book.lang), total.transferred, None),
        (
            T.MEDIAN_WAIT_MIN.get(book.lang),
            _minutes(total.wait_p50),
            book.f_min,
        ),
        (
            T.WAIT_P90_MIN.get(book.lang),
            _minutes(total.wait_p90),
            book.f_min,
        ),
        (
            T.LONGEST_WAIT_MIN.get(book.lang),
            _minutes(total.wait_max),
            book.f_min,
        ),
        (
            T.MEDIAN_SERVICE_MIN.get(book.lang),
            _minutes(total.service_p50),
            book.f_min,
        ),
        (
            T.BUSIEST_HOUR_COLUMN.get(book.lang),
            hour_label(total.busiest_hour) if total.busiest_hour is not None else None,
            None,
        ),
        (
            T.WAITED_OVER.get(book.lang, minutes=plain(report.target_minutes, lang)),
            total.over_target_share,
            book.f_pct,
        ),
        *rated,
    ]
    row = write_figures(ws, 4, figures)
    if report.previous is not None:
        row = _write_previous(book, ws, row + 1, report)
    row += 1
    headers = [t.get(lang) for t in STATS_COLUMNS[1:]]
    anchors: dict[str, tuple[int, int]] = {}
    for key, title, first, rows in (
        (
            "field",
            T.PER_FIELD.get(book.lang),
            T.FIELD.get(book.lang),
            report.fields,
        ),
        (
            "hour",
            T.PER_HOUR_OF_ISSUE.get(book.lang),
            T.HOUR.get(book.lang),
            report.hours,
        ),
        (
            "counter",
            T.PER_COUNTER.get(book.lang),
            T.COUNTER.get(book.lang),
            report.counters,
        ),
        (
            "day",
            T.PER_DAY.get(book.lang),
            T.DAY.get(book.lang),
            report.days,
        ),
        (
            "officer",
            T.PER_OFFICER.get(book.lang),
            T.OFFICER.get(book.lang),
            report.officers,
        ),
        (
            "procedure",
            T.PER_PROCEDURE.get(book.lang),
            T.PROCEDURE.get(book.lang),
            report.procedures,
        ),
    ):
        if key in ("officer", "procedure") and not rows:
            continue
        ws.write_string(row, 0, title, book.f_section)
        row += 1
        ws.set_row(row, 32)
        ws.write_row(row, 0, [first, *headers], book.f_head)
        row += 1
        anchors[key] = (row, row + len(rows) - 1)
        _write_stats(book, ws, row, rows, lang, dates=key == "day")
        row += len(rows) + 1
    _charts(book, ws, anchors)
    if sat is not None and sat.rated:
        _write_satisfaction(book, ws, row, report, sat)


def write_figures(ws: Worksheet, row: int, figures: Sequence[tuple[str, Any, Any]]) -> int:
    """Key figures from `row`: (label, value or None, format) a row each; the row below."""
    for label, value, fmt in figures:
        ws.write_string(row, 0, label)
        if value is not None:
            ws.write(row, 1, value, fmt)
        row += 1
    return row


def _write_satisfaction(
    book: XlsxBook, ws: Worksheet, row: int, report: Report, sat: Satisfaction
) -> None:
    """The ratings of the range and of each field, counter (and officer), then of each day,
    from `row`; a chart of the first table's levels (bars of 100 %) beside it."""
    lang = book.lang
    by = report.satisfaction_by
    groups = [sat, *by.get("field", ()), *by.get("counter", ()), *by.get("officer", ())]
    days = by.get("day", ())
    first_table = row + 2
    for rows, first in ((groups, T.GROUP), (days if len(days) > 1 else [], T.DAY)):
        if not rows:
            continue
        ws.write_string(row, 0, T.SATISFACTION_TITLE.get(lang), book.f_section)
        row += 1
        ws.set_row(row, 32)
        ws.write_row(row, 0, satisfaction_header(sat, lang, first.get(lang)), book.f_head)
        row += 1
        for values in satisfaction_rows(rows, lang):
            for col, v in enumerate(values):
                if v is not None:
                    ws.write(row, col, v, book.f_pct if col in (3, 4) else None)
            row += 1
        row += 1
    last = first_table + len(groups) - 1
    name = ws.get_name()
    chart = book.book.add_chart({"type": "bar", "subtype": "percent_stacked"})
    words = sat.labels if lang == "vi" else sat.labels_en
    for i, (word, colour) in enumerate(zip(words, FACE_COLOURS, strict=True)):
        chart.add_series(
            {
                "name": word,
                "categories": [name, first_table, 0, last, 0],
                "values": [name, first_table, 5 + i, last, 5 + i],
                "fill": {"color": colour},
                "gap": 60,
            }
        )
    chart.set_title({"name": T.SATISFACTION_CHART.get(lang)})
    chart.set_x_axis({"name": T.RATINGS_SHARE_AXIS.get(lang)})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 60 + 28 * len(groups) + 100})
    ws.insert_chart(first_table - 2, 14, chart)


def _write_previous(book: XlsxBook, ws: Worksheet, row: int, report: Report) -> int:
    """The headline figures beside the period before's (numbers, ▲/▼); the row below."""
    assert report.previous is not None
    return write_previous(
        book, ws, row, report.previous, lambda f: f.label(report.target_minutes, book.lang)
    )


def write_previous(
    book: XlsxBook, ws: Worksheet, row: int, previous: Previous, label: Callable[[Figure], str]
) -> int:
    """Headline figures beside the period before's from `row` (waits in minutes, shares in
    percent, ▲/▼), each named by `label`; the row below. The city report's sheet too."""
    lang = book.lang
    ws.write_string(row, 0, previous.heading(lang), book.f_section)
    row += 1
    if not previous.has_data:
        ws.write_string(row, 0, T.NO_PREVIOUS_DATA.get(lang))
        return row + 1
    heads = (T.FIGURE, T.THIS_PERIOD, T.PREVIOUS_PERIOD, T.CHANGE)
    ws.write_row(row, 0, [t.get(lang) for t in heads], book.f_head)
    row += 1
    for f in previous.figures:
        fmt = {Unit.SECONDS: book.f_min, Unit.SHARE: book.f_pct}.get(f.unit)
        ws.write_string(row, 0, label(f))
        for col, value in ((1, f.now), (2, f.before)):
            if value is not None:
                ws.write(row, col, round(value / 60, 1) if f.unit is Unit.SECONDS else value, fmt)
        ws.write_string(row, 3, f.change_text(lang))
        row += 1
    return row


def _minutes(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _write_stats(
    book: XlsxBook,
    ws: Worksheet,
    first_row: int,
    rows: Sequence[GroupStats],
    lang: str,
    *,
    dates: bool = False,
) -> None:
    """Table rows from `first_row`; `dates`: the first column is the day, as an Excel date."""
    for i, (stats, values) in enumerate(zip(rows, stats_rows(rows), strict=True)):
        values[0] = stats.name(lang)
        if dates:
            ws.write_datetime(first_row + i, 0, date.fromisoformat(stats.key), book.f_day)
            values[0] = None
        for col, v in enumerate(values):
            if v is None:
                continue
            fmt = book.f_pct if col == 12 else book.f_min if 7 <= col <= 10 else None
            ws.write(first_row + i, col, v, fmt)


def _add_wait_series(chart: Any, lang: str, sheet: str, first: int, last: int) -> None:
    """The p50 and p90 wait columns (7 and 8) of a summary block as two chart series."""
    for col, series, colour in ((7, T.WAIT_P50_MIN, "#2E9E5B"), (8, T.WAIT_P90_MIN, "#F28C28")):
        chart.add_series(
            {
                "name": series.get(lang),
                "categories": [sheet, first, 0, last, 0],
                "values": [sheet, first, col, last, col],
                "fill": {"color": colour},
            }
        )


def _charts(book: XlsxBook, ws: Worksheet, anchors: dict[str, tuple[int, int]]) -> None:
    name = ws.get_name()
    first, last = anchors["hour"]
    if last >= first:
        chart = book.book.add_chart({"type": "column"})
        _add_wait_series(chart, book.lang, name, first, last)
        chart.set_title({"name": T.WAITS_BY_HOUR_OF_ISSUE.get(book.lang)})
        chart.set_y_axis({"name": T.MINUTES.get(book.lang)})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 720, "height": 340})
        ws.insert_chart(4, 14, chart)
    first, last = anchors["field"]
    if last >= first:
        chart = book.book.add_chart({"type": "bar"})
        _add_wait_series(chart, book.lang, name, first, last)
        chart.set_title({"name": T.WAITS_BY_FIELD.get(book.lang)})
        chart.set_x_axis({"name": T.MINUTES.get(book.lang)})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 720, "height": 60 + 28 * (last - first + 1) + 80})
        ws.insert_chart(23, 14, chart)


def _write_event_summary(book: XlsxBook, kinds: dict[str, int], flt: HistoryFilter) -> None:
    ws = book.summary
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 12)
    ws.write_string(0, 0, T.EVENT_LOG.get(book.lang), book.f_title)
    ws.write_string(1, 0, flt.describe(book.lang), book.f_sub)
    ws.write_row(
        3,
        0,
        [T.KIND.get(book.lang), T.EVENT_COUNT.get(book.lang)],
        book.f_head,
    )
    for i, (kind, n) in enumerate(sorted(kinds.items())):
        ws.write_string(4 + i, 0, kind)
        ws.write_number(4 + i, 1, n)


# ------------------------------------------------------------------------------ entry point


def export(
    store: Store,
    config: Config,
    request: ExportRequest,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    today: date | None = None,
    batch_size: int = BATCH,
    procedures: Mapping[tuple[str, str], Text] | None = None,
) -> ExportResult:
    """Write the export described by `request`; see the module docstring. `procedures`
    names the catalogue's procedures (`kiosk.core.catalogue.procedure_names`); a ticket's
    procedure the catalogue does not name is shown as the ticket recorded it."""
    t0 = time.perf_counter()
    flt = request.filter.check(config)
    target = check_target(request.path)
    if request.delimiter not in (",", ";", "\t"):
        raise ExportError(
            "Dấu phân cách CSV phải là , ; hoặc tab", "The CSV delimiter must be , ; or a tab"
        )
    history = History(store, config, today=today, batch_size=batch_size)
    total = history.count_events(flt) if request.events else history.count_tickets(flt)
    if total == 0:
        if request.events:
            raise EmptyRange(
                f"Không có sự kiện nào trong {flt.describe('vi')}",
                f"No events in {flt.describe('en')}; choose another range or filter",
            )
        raise empty_range(flt)
    # XLSX spends a while assembling and compressing at the end: count it as a fifth more.
    units = total + (total // 4 if request.format is ExportFormat.XLSX else 0)

    def tick(done: int) -> None:
        if progress is not None:
            progress(min(done, total), units)

    sheets: tuple[str, ...] = ()
    report: Report | None = None
    with StagedFile(target) as staged:
        if request.format is ExportFormat.XLSX:
            rows, sheets, report = _export_xlsx(
                history, config, request, staged.path, tick, cancel, flt, procedures or {}
            )
        else:
            rows = _export_text(
                history, config, request, staged.path, tick, cancel, flt, procedures or {}
            )
        if cancel is not None and cancel.is_set():
            raise Cancelled("Đã hủy; không có tệp nào được ghi", "Cancelled; no file was written")
        staged.commit()
    if progress is not None:
        progress(units, units)
    log.info("exported %d rows to %s", rows, target)
    return ExportResult(target, rows, time.perf_counter() - t0, sheets, report)


def officer_names(config: Config) -> dict[str, str]:
    """The configured officers' names by id (an id no longer configured is shown as is)."""
    return {o.id: o.name for o in config.officers}


def _by_key(procedures: Mapping[tuple[str, str], Text], lang: str) -> dict[str, str]:
    """Procedure names by the key a ticket records (a code is the same in every field)."""
    named: dict[str, str] = {}
    for (_, key), name in procedures.items():
        named.setdefault(key, name.get(lang))
    return named


def _export_text(
    history: History,
    config: Config,
    request: ExportRequest,
    path: Path,
    tick: Callable[[int], None],
    cancel: threading.Event | None,
    flt: HistoryFilter,
    procedures: Mapping[tuple[str, str], Text],
) -> int:
    csv_mode = request.format is ExportFormat.CSV
    with _open_text(path, bom=csv_mode) as out:
        if request.events:
            times = LocalTimes(config.zone)
            keys = [k for k, _, _ in EVENT_COLUMNS]
            batches = (
                [_event_values(e, times) for e in batch]
                for batch in history.events(flt, cancel=cancel)
            )
            if csv_mode:
                return _write_csv(out, keys, batches, request.delimiter, tick)
            return _write_jsonl(out, keys, batches, tick, raw_json_column=len(keys) - 1)
        names = {f.code: f.name for f in config.fields}
        keys = [k for k, _, _ in TICKET_COLUMNS]
        named = _by_key(procedures, "vi")
        officers = officer_names(config)
        if csv_mode:
            lines = history.export_csv_lines(
                flt, names, request.delimiter, procedures=named, officers=officers, cancel=cancel
            )
            if lines is not None:
                return _write_lines(out, keys, lines, request.delimiter, tick)
        rows = history.export_rows(flt, names, procedures=named, officers=officers, cancel=cancel)
        if csv_mode:
            return _write_csv(out, keys, rows, request.delimiter, tick)
        return _write_jsonl(out, keys, (list(map(list, b)) for b in rows), tick, bool_column=4)


def _export_xlsx(
    history: History,
    config: Config,
    request: ExportRequest,
    path: Path,
    tick: Callable[[int], None],
    cancel: threading.Event | None,
    flt: HistoryFilter,
    procedures: Mapping[tuple[str, str], Text],
) -> tuple[int, tuple[str, ...], Report | None]:
    lang = "en" if request.lang == "en" else "vi"
    book = XlsxBook(path, lang, request.rows_per_sheet)
    n = 0
    report: Report | None = None
    try:
        if request.events:
            times = LocalTimes(config.zone)
            tm = book.f_time._get_xf_index()
            builder = _XlsxRows(
                [
                    (_NUM, 0),
                    (_STYLED, tm),
                    (_STR, 0),
                    (_STR, 0),
                    (_STR, 0),
                    (_NUM, 0),
                    (_STR, 0),
                    (_STR, 0),
                    (_STR, 0),
                    (_STR, 0),
                    (_STR, 0),
                ]
            )
            headers = [vi if lang == "vi" else en for _, vi, en in EVENT_COLUMNS]
            base = T.EVENTS.get(book.lang)
            kinds: dict[str, int] = {}
            for events in history.events(flt, cancel=cancel):
                rows = []
                for e in events:
                    kinds[e.kind] = kinds.get(e.kind, 0) + 1
                    data = (
                        e.data if isinstance(e.data, str) or e.data is None else json.dumps(e.data)
                    )
                    rows.append(
                        [
                            e.id,
                            times.excel(e.at),
                            _xml_text(e.day),
                            _xml_text(e.kind),
                            _xml_text(e.code) if e.code else None,
                            e.counter,
                            _xml_text(e.field) if e.field else None,
                            _xml_text(e.actor),
                            _xml_text(e.officer) if e.officer else None,
                            _xml_text(e.site),
                            _xml_text(data) if data else None,
                        ]
                    )
                book.append(rows, builder, base, headers, _EVENT_WIDTHS)
                n += len(rows)
                tick(n)
            _write_event_summary(book, kinds, flt)
        else:
            cells = _TicketCells(config, history.today, lang, book, _by_key(procedures, lang))
            headers = [vi if lang == "vi" else en for _, vi, en in TICKET_COLUMNS]
            base = T.DATA.get(book.lang)
            summary = ReportBuilder(config, flt, today=history.today, procedures=procedures)
            for batch in history.ticket_rows(flt, cancel=cancel, excel=True):
                summary.add(batch)
                book.append(batch, cells, base, headers, _TICKET_WIDTHS)
                n += len(batch)
                tick(n)
            report = summary.finish()
            if request.compare:
                report = with_previous(history.store, config, report, today=history.today)
            _write_summary(book, report, config)
        if cancel is not None and cancel.is_set():
            raise Cancelled("Đã hủy; không có tệp nào được ghi", "Cancelled; no file was written")
    except BaseException:
        book.discard()
        raise
    book.close()
    return n, tuple(book.sheets), report
