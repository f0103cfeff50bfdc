"""`kiosk export`, `kiosk report` and `kiosk simulate`: the manager tools of the command line.

User mistakes (bad or reversed dates, unknown field or counter, unwritable path, empty range)
end with one line on stderr and exit code 2; nothing half-written is left behind.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from kiosk.core.errors import KioskError
from kiosk.reports import texts as T


class CommandError(KioskError):
    """A bad option value (one line, exit 2)."""

    exit_code = 2


# ------------------------------------------------------------------------------ helpers


class TerminalProgress:
    """A progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.label = label
        self._last = -1.0
        self._drawn = False

    def __call__(self, done: int, total: int, note: str = "") -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        share = min(1.0, done / total)
        width = 30
        filled = round(share * width)
        bar = "█" * filled + "·" * (width - filled)
        after = f" {note}" if note else ""
        self.stream.write(f"\r{self.label} [{bar}] {share * 100:3.0f}%{after}\033[K")
        self.stream.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


def _lang_of_files(a: argparse.Namespace) -> str:
    """Files (XLSX, PDF, charts) are Vietnamese unless `--lang en` was given."""
    return "en" if getattr(a, "lang", None) == "en" else "vi"


def _range(ctx: Any, a: argparse.Namespace) -> Any:
    from kiosk.cli import today_local
    from kiosk.reports.history import HistoryFilter, parse_day

    start = parse_day(a.start, "--from") if a.start else today_local(ctx)
    end = parse_day(a.end, "--to") if a.end else start
    return HistoryFilter(start, end, a.field, a.counter).check(ctx.config)


def _add_range(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--from", dest="start", metavar="DAY", help="first day, 2026-11-23 or 23/11/2026 (today)"
    )
    p.add_argument("--to", dest="end", metavar="DAY", help="last day (default: --from)")
    p.add_argument("--field", metavar="CODE", help="only tickets issued in this field")
    p.add_argument(
        "--counter", metavar="N", type=int, help="only tickets served or last called by counter N"
    )


def _add_compare(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--no-compare",
        dest="compare",
        action="store_false",
        help="leave out the comparison with the period before (see docs/manager.md)",
    )


# ------------------------------------------------------------------------------ export


def _procedures(ctx: Any) -> Any:
    """The names of the catalogue in use (`[kiosk] catalogue`), for reports and exports."""
    from kiosk.core.catalogue import names_for_reports

    def warn(line: str) -> None:
        print(f"kiosk: {line}", file=sys.stderr)

    return names_for_reports(ctx.config, ctx.config_path, lang=ctx.lang, warn=warn)


def cmd_export(ctx: Any, a: argparse.Namespace) -> int:
    from kiosk.reports.export import ExportFormat, ExportRequest, export

    flt = _range(ctx, a)
    path = Path(a.output)
    fmt = a.format or path.suffix.lstrip(".").lower()
    try:
        chosen = ExportFormat(fmt)
    except ValueError:
        raise CommandError(
            "Chọn định dạng: --format csv, xlsx hoặc jsonl",
            f"Unknown format {fmt!r}: give --format csv, xlsx or jsonl",
        ) from None
    delimiter = {"comma": ",", "semicolon": ";", "tab": "\t"}[a.delimiter]
    request = ExportRequest(
        flt,
        chosen,
        path,
        events=a.events,
        lang=_lang_of_files(a),
        delimiter=delimiter,
        compare=a.compare,
    )
    bar = TerminalProgress(f"{chosen.value.upper()} {path.name}")
    try:
        result = export(
            ctx.service.store, ctx.config, request, progress=bar, procedures=_procedures(ctx)
        )
    finally:
        bar.finish()
    data = {
        "path": str(result.path),
        "rows": result.rows,
        "sheets": list(result.sheets),
        "seconds": round(result.seconds, 2),
    }
    ctx.out(data, result.text(ctx.lang))
    return 0


# ------------------------------------------------------------------------------ report


def cmd_report(ctx: Any, a: argparse.Namespace) -> int:
    from kiosk.reports.report import build_report

    if a.target is not None and not 0 < a.target <= 600:
        raise CommandError(
            "Mục tiêu chờ phải từ 0 đến 600 phút", "--target must be between 0 and 600 minutes"
        )
    if a.central is not None:
        return _city_report(ctx, a)
    if a.site is not None or not a.refresh:
        raise CommandError(
            "--site và --no-refresh chỉ dùng cùng --central",
            "--site and --no-refresh belong to the city report: give --central URL too",
        )
    flt = _range(ctx, a)
    folder = None
    if a.output:
        from kiosk.core.files import check_folder

        folder = check_folder(a.output, create=True)
    bar = TerminalProgress(T.REPORT.get(ctx.lang))
    try:
        report = build_report(
            ctx.service.store,
            ctx.config,
            flt,
            target_minutes=a.target,
            progress=bar,
            procedures=_procedures(ctx),
            compare=a.compare,
        )
    finally:
        bar.finish()
    written: list[Path] = []
    if folder is not None:
        written = write_report_files(report, folder, _lang_of_files(a), letterhead_of(ctx))
    if ctx.json:
        data = dataclasses.asdict(report)
        data["filter"] = {
            "start": flt.start.isoformat(),
            "end": flt.end.isoformat(),
            "field": flt.field,
            "counter": flt.counter,
        }
        data["previous"] = report.previous.as_json() if report.previous else None
        ctx.out({"report": data, "files": [str(p) for p in written]}, "")
        return 0
    print(report.text(ctx.lang))
    for path in written:
        print(path)
    return 0


def _city_report(ctx: Any, a: argparse.Namespace) -> int:
    """`kiosk report --central URL`: every point of the centre (docs/city.md)."""
    from kiosk.central.command import site_list
    from kiosk.city.report import city_report
    from kiosk.cli import today_local
    from kiosk.reports.history import parse_day

    if a.field is not None or a.counter is not None:
        raise CommandError(
            "--field và --counter chỉ dùng cho báo cáo của một điểm, không dùng cùng --central",
            "--field and --counter filter one point's report; the city report (--central) "
            "has every field and counter of each point",
        )
    start = parse_day(a.start, "--from") if a.start else today_local(ctx)
    end = parse_day(a.end, "--to") if a.end else start
    folder = None
    if a.output:
        from kiosk.core.files import check_folder

        folder = check_folder(a.output, create=True)
    report = city_report(
        a.central,
        start,
        end,
        site_list(a.site),
        target=a.target,
        refresh_first=a.refresh,
        compare_before=a.compare,
        config=ctx.config,
    )
    written: list[Path] = []
    if folder is not None:
        from kiosk.reports.report import generated_at

        written = write_city_files(
            report, folder, _lang_of_files(a), _city_letterhead(ctx), generated_at(ctx.config)
        )
    if ctx.json:
        ctx.out({"report": report.as_json(), "files": [str(p) for p in written]}, "")
        return 0
    print(report.text(ctx.lang))
    for path in written:
        print(path)
    return 0


def _city_letterhead(ctx: Any) -> Any:
    """The official heading from the `[reports]` of the config in use (the centre's own
    kiosk.toml); without a config file, the plain report."""
    from kiosk.core.config import resolve_config_path

    return letterhead_of(ctx) if resolve_config_path(ctx.config_path) is not None else None


def write_city_files(
    report: Any, folder: Path, lang: str = "vi", letterhead: Any = None, made_at: str = ""
) -> list[Path]:
    """The city report's PDF, trend chart (PNG) and workbook (XLSX) in `folder`, named after
    the range; every name is checked before the first file is written."""
    from kiosk.city import pdf, xlsx
    from kiosk.core.files import check_target

    flt = report.filter
    stem = f"city-{flt.start.isoformat()}"
    if flt.end != flt.start:
        stem += f"_{flt.end.isoformat()}"
    paths = [folder / f"{stem}.pdf", folder / f"{stem}-trend.png", folder / f"{stem}.xlsx"]
    for path in paths:
        check_target(path)
    pdf.write_pdf(report, paths[0], lang, letterhead)
    pdf.write_trend_png(report, paths[1], lang)
    xlsx.write_xlsx(report, paths[2], lang, made_at)
    return paths


def letterhead_of(ctx: Any) -> Any:
    """The official document's heading and signatures from `[reports]` (None: plain)."""
    from kiosk.cli import today_local
    from kiosk.reports.official import Letterhead

    return Letterhead.of(ctx.config, today_local(ctx))


def write_report_files(
    report: Any, folder: Path, lang: str = "vi", letterhead: Any = None
) -> list[Path]:
    """The PDF and the PNG charts of a report in `folder` (names start with the range);
    `letterhead` makes the PDF an official document (kiosk.reports.official).

    Every name is checked before the first file is written, so a refusal (a link or a pipe
    under one of the names) leaves the folder as it was.
    """
    from kiosk.core.files import check_target
    from kiosk.reports import charts, report_pdf

    flt = report.filter
    stem = f"report-{flt.start.isoformat()}"
    if flt.end != flt.start:
        stem += f"_{flt.end.isoformat()}"
    pdf = folder / f"{stem}.pdf"
    for path in [pdf, *charts.chart_paths(report, folder, f"{stem}-")]:
        check_target(path)
    report_pdf.write_pdf(report, pdf, lang, letterhead)
    written = [pdf]
    written += charts.write_charts(report, folder, lang, prefix=f"{stem}-")
    return written


# ------------------------------------------------------------------------------ simulate


def _profile(ctx: Any, a: argparse.Namespace) -> Any:
    from kiosk.reports.arrivals import DEFAULT_SHARES, Profile

    if a.citizens is None:
        a.citizens = DEFAULT_CITIZENS
    if not 0 < a.citizens <= 100_000:
        raise CommandError(
            "Số công dân mỗi ngày phải từ 1 đến 100000",
            "--citizens must be between 1 and 100000 a day",
        )
    shares: dict[str, float] = dict(DEFAULT_SHARES)
    if a.mix:
        shares = _parse_mix(ctx.config, a.mix)
    return Profile(citizens_per_day=a.citizens, shares=shares)


def _parse_mix(config: Any, text: str) -> dict[str, float]:
    codes = [f.code for f in config.fields]
    shares: dict[str, float] = dict.fromkeys(codes, 0.0)
    for part in text.split(","):
        code, _, weight = part.partition("=")
        code = code.strip()
        if code not in shares:
            close = difflib.get_close_matches(code, codes, n=1, cutoff=0.5)
            hint = f' Did you mean "{close[0]}"?' if close else ""
            raise CommandError(
                f'--mix: không có lĩnh vực "{code}"',
                f'--mix: no field "{code}".{hint} Fields: {", ".join(codes)}',
            )
        try:
            value = float(weight)
        except ValueError:
            raise CommandError(
                f"--mix: tỉ lệ của {code} phải là số",
                f"--mix: the weight of {code} is not a number",
            ) from None
        if value < 0:
            raise CommandError("--mix: tỉ lệ không được âm", "--mix: weights cannot be negative")
        shares[code] = value
    return shares


#: Bounds of `kiosk simulate`'s numbers (docs/manager.md): ten years of days, the counter
#: numbers a configuration allows, and days whose dates every platform can compute.
MAX_DAYS = 3660
DEFAULT_CITIZENS = 72
MAX_COUNTERS = 99
FIRST_YEAR, LAST_YEAR = 2000, 2999


def _check_simulate_numbers(a: argparse.Namespace) -> None:
    """Refuse numbers the simulator cannot play (one line, exit 2) before anything runs."""
    if not 1 <= a.days <= MAX_DAYS:
        raise CommandError(
            f"Số ngày (--days) phải từ 1 đến {MAX_DAYS}",
            f"--days must be between 1 and {MAX_DAYS} (ten years of days), not {a.days}",
        )
    if a.counters is not None and not 1 <= a.counters <= MAX_COUNTERS:
        raise CommandError(
            f"Số quầy (--counters) phải từ 1 đến {MAX_COUNTERS}",
            f"--counters must be between 1 and {MAX_COUNTERS}, not {a.counters}",
        )


def _check_first_day(day: Any) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CommandError(
            f"Ngày bắt đầu (--from) phải trong các năm {FIRST_YEAR}–{LAST_YEAR}",
            f"--from must be a day of the years {FIRST_YEAR}–{LAST_YEAR}, not {day.isoformat()}",
        )


def cmd_simulate(ctx: Any, a: argparse.Namespace) -> int:
    from kiosk.reports.capacity import plan_capacity

    _check_simulate_numbers(a)
    if a.sites is not None or a.sites_config_dir:
        return _simulate_city(ctx, a)
    profile = _profile(ctx, a)
    if not a.write:
        if a.bulk or a.start:
            raise CommandError(
                "--bulk và --from chỉ dùng cùng --write",
                "--bulk and --from only apply with --write (writing into the database)",
            )
        plan = plan_capacity(ctx.config, profile, a.days, seed=a.seed, counters=a.counters)
        if ctx.json:
            ctx.out(dataclasses.asdict(plan), "")
        else:
            print(plan.text(ctx.lang))
        return 0
    return _simulate_into_database(ctx, a, profile)


def _simulate_into_database(ctx: Any, a: argparse.Namespace, profile: Any) -> int:
    from datetime import UTC, datetime

    from kiosk.cli import today_local
    from kiosk.core.clock import ManualClock
    from kiosk.core.queue import QueueService
    from kiosk.reports.history import parse_day
    from kiosk.reports.simulate import default_days, simulate_bulk, simulate_into_service

    if a.counters is not None:
        raise CommandError(
            "--counters chỉ dùng cho dự báo năng lực (không có --write)",
            "--counters is for capacity planning; written days use the counters of the config",
        )
    start = parse_day(a.start, "--from") if a.start else None
    if start is not None:
        _check_first_day(start)
    days = default_days(ctx.config, today_local(ctx), a.days, start)
    bar = TerminalProgress(T.SIMULATING.get(ctx.lang))
    store = ctx.service.store
    try:
        if a.bulk:
            result = simulate_bulk(store, ctx.config, profile, days, seed=a.seed, progress=bar)
        else:
            clock = ManualClock(datetime(days[0].year, days[0].month, days[0].day, tzinfo=UTC))
            service = QueueService(store, ctx.config, clock)
            result = simulate_into_service(service, clock, profile, days, seed=a.seed, progress=bar)
    finally:
        bar.finish()
    data = dataclasses.asdict(result)
    data["days"] = [d.isoformat() for d in result.days]
    ctx.out(data, result.text())
    return 0


def _simulate_city(ctx: Any, a: argparse.Namespace) -> int:
    """`kiosk simulate --write --bulk --sites N`: a city year into one staging database."""
    from kiosk.cli import today_local
    from kiosk.core.store import Store
    from kiosk.core.wording import number
    from kiosk.reports.city import city_counts, city_points, simulate_city, write_city_configs
    from kiosk.reports.history import parse_day
    from kiosk.reports.simulate import default_days

    if a.sites is not None:
        city_counts(a.sites)  # 1 to MAX_SITES points, said first
    if a.sites is None:
        raise CommandError(
            "--sites-config-dir chỉ dùng cùng --sites",
            "--sites-config-dir only applies with --sites N (the points whose configs to write)",
        )
    if not (a.write and a.bulk):
        raise CommandError(
            "--sites chỉ dùng cùng --write --bulk",
            "--sites needs --write --bulk: a city is written into one staging database (--db)",
        )
    wrong = [
        name
        for name, value in (
            ("--citizens", a.citizens),
            ("--mix", a.mix),
            ("--counters", a.counters),
        )
        if value is not None
    ]
    if wrong:
        raise CommandError(
            f"{wrong[0]} không dùng cùng --sites",
            f"{wrong[0]} does not apply with --sites: each point of the city has its own size",
        )
    points = city_points(a.sites, a.seed)
    start = parse_day(a.start, "--from") if a.start else None
    if start is not None:
        _check_first_day(start)
    today = today_local(ctx)
    if a.sites_config_dir:
        written = write_city_configs(points, Path(a.sites_config_dir))
        if not ctx.json:
            print(f"Wrote {len(written)} points' kiosk.toml into {a.sites_config_dir}")
    bar = TerminalProgress(T.SIMULATING.get(ctx.lang))

    def progress(done: int, total: int, tickets: int, seconds: float) -> None:
        rate = number(tickets / max(seconds, 1e-9), ctx.lang)
        bar(done, total, T.CITY_PROGRESS.get(ctx.lang, done=done, total=total, rate=rate))

    store = Store.open(ctx.url)
    try:
        result = simulate_city(
            store,
            ctx.url,
            points,
            lambda config: default_days(config, today, a.days, start),
            seed=a.seed,
            workers=a.workers or os.cpu_count() or 1,
            progress=progress,
        )
    finally:
        bar.finish()
        store.close()
    data = dataclasses.asdict(result)
    data["first_day"], data["last_day"] = result.first_day.isoformat(), result.last_day.isoformat()
    ctx.out(data, result.text())
    return 0


# ------------------------------------------------------------------------------ manager


# ------------------------------------------------------------------------------ parser


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `export`, `report` and `simulate` to the CLI."""

    def add(name: str, handler: Any, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub.add_parser(
            name, parents=[common], help=help_text, description=help_text
        )
        p.set_defaults(handler=handler)
        return p

    p = add("export", cmd_export, "export tickets (one row each) or the event log to a file")
    _add_range(p)
    p.add_argument("--events", action="store_true", help="the raw event log instead, for audit")
    p.add_argument(
        "--format", choices=("csv", "xlsx", "jsonl"), help="file format (default: from -o)"
    )
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="file to write")
    _add_compare(p)
    p.add_argument(
        "--delimiter",
        choices=("comma", "semicolon", "tab"),
        default="comma",
        help="CSV separator (semicolon suits Excel with Vietnamese regional settings)",
    )

    p = add(
        "report",
        cmd_report,
        "wait-time report: text summary, and PDF + PNG charts with -o; with --central URL the "
        "city report of every point (PDF, PNG and XLSX with -o)",
    )
    _add_range(p)
    p.add_argument(
        "-o",
        "--output",
        metavar="DIR",
        help="folder for the PDF and PNG charts (with --central also the XLSX)",
    )
    p.add_argument(
        "--target",
        type=float,
        metavar="MIN",
        help="wait target in minutes (default: reports.wait_target_minutes; with --central "
        "each point's own)",
    )
    _add_compare(p)
    p.add_argument(
        "--central",
        metavar="URL",
        help="the city report from the centre's database (its owner's URL, docs/city.md)",
    )
    p.add_argument("--site", metavar="ID,…", help="with --central: only these points")
    p.add_argument(
        "--no-refresh",
        dest="refresh",
        action="store_false",
        help="with --central: report what the centre folded already (no refresh first)",
    )

    p = add(
        "simulate",
        cmd_simulate,
        "capacity planning (expected waits, one counter more or less), or --write simulated "
        "days into the database",
    )
    p.add_argument(
        "--citizens",
        type=float,
        metavar="N",
        help=f"citizens a day, up to 100000 (default {DEFAULT_CITIZENS})",
    )
    p.add_argument(
        "--days", type=int, default=20, metavar="N", help="working days, 1-3660 (default 20)"
    )
    p.add_argument(
        "--counters", type=int, metavar="N", help="plan with N counters, 1-99 (default: config)"
    )
    p.add_argument("--seed", default="1", metavar="S", help="random seed (same seed, same days)")
    p.add_argument(
        "--mix",
        metavar="FIELD=W,…",
        help="share of citizens per field, e.g. hotich=3,chungthuc=5 (others 0)",
    )
    p.add_argument(
        "--write", action="store_true", help="write the simulated days into the database (--db)"
    )
    p.add_argument(
        "--bulk",
        action="store_true",
        help="with --write: fast in-memory model stored with executemany (a database of its own)",
    )
    p.add_argument(
        "--from",
        dest="start",
        metavar="DAY",
        help="with --write: first day (default: the days before today)",
    )
    from kiosk.arguments import whole_number

    p.add_argument(
        "--sites",
        type=int,
        metavar="N",
        help="with --write --bulk: a simulated city of N points (Hanoi: 156, 126 communes and "
        "30 branches) in one staging database (--db), each point its own site",
    )
    p.add_argument(
        "--sites-config-dir",
        metavar="DIR",
        help="with --sites: also write each point's config as DIR/SITE.toml (for kiosk sync)",
    )
    p.add_argument(
        "--workers",
        type=whole_number(1, 64, "processes"),
        metavar="N",
        help="with --sites: processes simulating points at once (default: one per core; a "
        "PostgreSQL staging database takes them one by one)",
    )
