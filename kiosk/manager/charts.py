"""Report charts and the PDF (matplotlib, object API only: safe in a worker thread).

Labels are Vietnamese by default (English on request) and drawn with the shipped Noto Sans,
falling back to DejaVu Sans (matplotlib's own font, which also covers Vietnamese).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from kiosk.core.assets import assets_dir
from kiosk.manager.report import STATS_HEADINGS, GroupStats, Report, hour_label, stats_rows
from kiosk.manager.staging import StagedFile

log = logging.getLogger(__name__)

FONT_FILES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")
FALLBACK_FAMILY = "DejaVu Sans"


@dataclass(frozen=True)
class Palette:
    """Colours for paper: the navy of the screens, readable in grey-scale print."""

    bars: str = "#13315C"
    bars_light: str = "#9DB4D3"
    p50: str = "#2E9E5B"
    p90: str = "#F28C28"
    target: str = "#C62828"
    no_show: str = "#F2C14E"
    expired: str = "#C62828"
    grid: str = "#D5DCE6"
    text: str = "#1B1B1B"
    header: str = "#0B2545"


PALETTE = Palette()
A4_LANDSCAPE = (11.69, 8.27)
_family: str | None = None


def font_family() -> str:
    """Register the shipped Noto Sans once; its family name (or DejaVu Sans without it)."""
    global _family
    if _family is None:
        family = FALLBACK_FAMILY
        found = [assets_dir() / "fonts" / name for name in FONT_FILES]
        if all(p.is_file() for p in found):
            for p in found:
                font_manager.fontManager.addfont(str(p))
            family = font_manager.FontProperties(fname=str(found[0])).get_name()
        else:
            log.warning("Noto Sans not found in %s; charts use %s", found[0].parent, family)
        _family = family
    return _family


@contextmanager
def _style() -> Iterator[None]:
    with matplotlib.rc_context(
        {
            "font.family": font_family(),
            "font.size": 10,
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            "axes.edgecolor": "#8A97A8",
            "axes.grid": True,
            "grid.color": PALETTE.grid,
            "axes.axisbelow": True,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "pdf.fonttype": 42,  # embed TrueType: diacritics stay selectable text
        }
    ):
        yield


def _t(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


def _minutes(values: Sequence[int | None]) -> list[float]:
    return [float("nan") if v is None else v / 60 for v in values]


def _subtitle(report: Report, lang: str) -> str:
    site = report.site_name if lang == "vi" else report.site_name_en
    return f"{site} · {report.filter.describe(lang)}"


def _frame(fig: Figure, report: Report, lang: str) -> None:
    fig.text(0.01, 0.01, _subtitle(report, lang), fontsize=8, color="#5B6B80")


# ------------------------------------------------------------------------------ charts


def chart_hours(report: Report, lang: str = "vi") -> Figure:
    """Citizens issued per hour (bars) and wait p50/p90 (lines) against the target."""
    fig = Figure(figsize=(10, 5.2), layout="constrained")
    _draw_hours(fig.add_subplot(), report, lang)
    return fig


def _draw_hours(ax: Any, report: Report, lang: str, *, compact: bool = False) -> None:
    hours = report.hours
    x = [int(h.key) for h in hours]
    ax.bar(x, [h.tickets for h in hours], color=PALETTE.bars_light, width=0.7, label=None)
    if not compact:
        ax.set_xlabel(_t(lang, "Giờ lấy số", "Hour of issue"))
    ax.set_ylabel(_t(lang, "Lượt công dân", "Citizens"))
    ax.set_xticks(x, [f"{h:02d}h" for h in x])
    ax2 = ax.twinx()
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    ax2.plot(x, _minutes([h.wait_p50 for h in hours]), "o-", color=PALETTE.p50, label="p50")
    ax2.plot(x, _minutes([h.wait_p90 for h in hours]), "s-", color=PALETTE.p90, label="p90")
    ax2.axhline(report.target_minutes, color=PALETTE.target, linestyle="--", linewidth=1.2)
    ax2.set_ylabel(_t(lang, "Thời gian chờ (phút)", "Wait (minutes)"))
    ax2.set_ylim(bottom=0)
    handles = [
        matplotlib.patches.Patch(color=PALETTE.bars_light, label=_t(lang, "Lượt", "Citizens")),
        *ax2.get_lines()[:2],
        matplotlib.lines.Line2D(
            [],
            [],
            color=PALETTE.target,
            linestyle="--",
            label=_t(
                lang,
                f"Mục tiêu {report.target_minutes:g} phút",
                f"Target {report.target_minutes:g} min",
            ),
        ),
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16 if compact else -0.13),
        ncols=4,
        frameon=False,
        fontsize=8 if compact else None,
    )
    ax.set_title(
        _t(lang, "Lượt lấy số và thời gian chờ theo giờ", "Citizens and waits by hour of day")
    )


def chart_fields(report: Report, lang: str = "vi") -> Figure:
    """Wait p50 and p90 per field (horizontal bars) against the target."""
    rows = list(reversed(report.fields))
    fig = Figure(figsize=(10, max(3.5, 1.2 + 0.55 * len(rows))), layout="constrained")
    ax = fig.add_subplot()
    y = list(range(len(rows)))
    ax.barh(
        [v + 0.2 for v in y],
        _minutes([r.wait_p50 for r in rows]),
        height=0.38,
        color=PALETTE.p50,
        label=_t(lang, "Trung vị (p50)", "Median (p50)"),
    )
    ax.barh(
        [v - 0.2 for v in y],
        _minutes([r.wait_p90 for r in rows]),
        height=0.38,
        color=PALETTE.p90,
        label="p90",
    )
    ax.axvline(report.target_minutes, color=PALETTE.target, linestyle="--", linewidth=1.2)
    ax.set_yticks(y, [r.name(lang) for r in rows])
    ax.set_xlabel(_t(lang, "Thời gian chờ (phút)", "Wait (minutes)"))
    ax.legend(loc="lower right", frameon=False)
    ax.set_title(_t(lang, "Thời gian chờ theo lĩnh vực", "Waits by field"))
    return fig


def chart_days(report: Report, lang: str = "vi") -> Figure:
    """Citizens and dossiers per day, with the day's wait p90."""
    days = report.days
    fig = Figure(figsize=(10, 5.2), layout="constrained")
    ax = fig.add_subplot()
    x = list(range(len(days)))
    citizens = [d.tickets for d in days]
    dossiers = [d.dossiers for d in days]
    if len(days) <= 40:
        ax.bar([v - 0.2 for v in x], citizens, width=0.4, color=PALETTE.bars, label=None)
        ax.bar([v + 0.2 for v in x], dossiers, width=0.4, color=PALETTE.bars_light, label=None)
    else:
        ax.plot(x, citizens, color=PALETTE.bars, linewidth=1)
        ax.plot(x, dossiers, color=PALETTE.bars_light, linewidth=1)
    step = max(1, len(days) // 12)
    ax.set_xticks(x[::step], [d.label[:5] if len(days) > 1 else d.label for d in days][::step])
    ax.set_ylabel(_t(lang, "Số lượng", "Count"))
    ax2 = ax.twinx()
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    ax2.plot(x, _minutes([d.wait_p90 for d in days]), ".-", color=PALETTE.p90)
    ax2.set_ylabel(_t(lang, "Chờ p90 (phút)", "Wait p90 (minutes)"))
    ax2.set_ylim(bottom=0)
    handles = [
        matplotlib.patches.Patch(color=PALETTE.bars, label=_t(lang, "Lượt công dân", "Citizens")),
        matplotlib.patches.Patch(color=PALETTE.bars_light, label=_t(lang, "Hồ sơ", "Dossiers")),
        matplotlib.lines.Line2D([], [], color=PALETTE.p90, marker=".", label="p90"),
    ]
    ax.legend(handles=handles, loc="upper left", frameon=False, ncols=3)
    ax.set_title(_t(lang, "Lượt công dân và hồ sơ theo ngày", "Citizens and dossiers per day"))
    return fig


def chart_counters(report: Report, lang: str = "vi") -> Figure:
    """Citizens served per counter and their median service time."""
    rows = report.counters
    fig = Figure(figsize=(10, 5.2), layout="constrained")
    ax = fig.add_subplot()
    x = list(range(len(rows)))
    ax.bar(x, [r.served for r in rows], color=PALETTE.bars, width=0.6)
    ax.set_xticks(x, [r.key for r in rows])
    ax.set_xlabel(_t(lang, "Quầy", "Counter"))
    ax.set_ylabel(_t(lang, "Đã phục vụ", "Served"))
    ax2 = ax.twinx()
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    ax2.plot(x, _minutes([r.service_p50 for r in rows]), "D", color=PALETTE.p90)
    ax2.set_ylabel(_t(lang, "Phục vụ p50 (phút)", "Service p50 (minutes)"))
    ax2.set_ylim(bottom=0)
    handles = [
        matplotlib.patches.Patch(color=PALETTE.bars, label=_t(lang, "Đã phục vụ", "Served")),
        matplotlib.lines.Line2D(
            [],
            [],
            color=PALETTE.p90,
            marker="D",
            linestyle="",
            label=_t(lang, "Phục vụ p50", "Service p50"),
        ),
    ]
    ax.legend(handles=handles, loc="upper right", frameon=False)
    ax.set_title(_t(lang, "Công dân được phục vụ theo quầy", "Citizens served per counter"))
    return fig


def chart_outcomes(report: Report, lang: str = "vi") -> Figure:
    """Served, no-shows and expired tickets per field (stacked)."""
    rows = list(reversed(report.fields))
    fig = Figure(figsize=(10, max(3.5, 1.2 + 0.5 * len(rows))), layout="constrained")
    ax = fig.add_subplot()
    y = list(range(len(rows)))
    served = [r.served for r in rows]
    no_show = [r.no_shows for r in rows]
    expired = [r.expired + r.open for r in rows]
    ax.barh(y, served, color=PALETTE.bars, label=_t(lang, "Đã phục vụ", "Served"))
    ax.barh(y, no_show, left=served, color=PALETTE.no_show, label=_t(lang, "Vắng mặt", "No-show"))
    ax.barh(
        y,
        expired,
        left=[a + b for a, b in zip(served, no_show, strict=True)],
        color=PALETTE.expired,
        label=_t(lang, "Hết hạn / chưa xong", "Expired / open"),
    )
    ax.set_yticks(y, [r.name(lang) for r in rows])
    ax.set_xlabel(_t(lang, "Lượt công dân", "Citizens"))
    ax.legend(loc="lower right", frameon=False)
    ax.set_title(_t(lang, "Kết quả theo lĩnh vực", "Outcome by field"))
    return fig


#: PNG file name → chart function.
CHARTS: dict[str, Callable[[Report, str], Figure]] = {
    "waits-by-hour.png": chart_hours,
    "waits-by-field.png": chart_fields,
    "days.png": chart_days,
    "counters.png": chart_counters,
    "outcomes-by-field.png": chart_outcomes,
}


# ------------------------------------------------------------------------------ PDF pages


def _big_number(fig: Figure, x: float, y: float, value: str, caption: str) -> None:
    fig.text(x, y, value, fontsize=26, fontweight="bold", color=PALETTE.header)
    fig.text(x, y - 0.04, caption, fontsize=10, color="#5B6B80")


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _table_rows(rows: Sequence[GroupStats], lang: str) -> list[list[str]]:
    out = []
    for r, values in zip(rows, stats_rows(rows), strict=True):
        values[0] = r.name(lang)
        share = values.pop()
        out.append([_cell(v) for v in values] + [_share(share)])
    return out


def _table(
    ax: Any,
    header: list[str],
    body: list[list[str]],
    first_width: float,
    *,
    bold_last: bool = False,
) -> None:
    ax.axis("off")
    n = len(header)
    rest = (1 - first_width) / (n - 1)
    table = ax.table(
        cellText=body,
        colLabels=header,
        colWidths=[first_width] + [rest] * (n - 1),
        loc="upper center",
        cellLoc="right",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.scale(1, 1.35)
    for (row, col), cell in table.get_celld().items():
        cell.set_edgecolor(PALETTE.grid)
        if row == 0:
            cell.set_facecolor(PALETTE.header)
            cell.get_text().set_color("white")
            cell.get_text().set_fontweight("bold")
            cell.get_text().set_horizontalalignment("center")
            cell.set_height(cell.get_height() * 1.9)
        elif row == len(body) and bold_last:
            cell.get_text().set_fontweight("bold")
        elif row % 2 == 0:
            cell.set_facecolor("#F1F4F8")
        if col == 0:
            cell.get_text().set_horizontalalignment("left")


def _header(lang: str, first: str) -> list[str]:
    titles = [vi if lang == "vi" else en for vi, en in STATS_HEADINGS]
    titles[0] = first
    return titles


def summary_page(report: Report, lang: str = "vi") -> Figure:
    """Page 1: the headline numbers and the table per field."""
    fig = Figure(figsize=A4_LANDSCAPE)
    t = report.total
    fig.text(
        0.04,
        0.93,
        _t(lang, "Báo cáo thời gian chờ", "Waiting time report"),
        fontsize=20,
        fontweight="bold",
        color=PALETTE.header,
    )
    fig.text(0.04, 0.895, _subtitle(report, lang), fontsize=11, color="#3A4A5E")
    figures = [
        (str(t.tickets), _t(lang, "lượt công dân", "citizens")),
        (str(t.dossiers), _t(lang, "hồ sơ", "dossiers")),
        (str(t.served), _t(lang, "đã phục vụ", "served")),
        (f"{t.no_shows} / {t.expired}", _t(lang, "vắng mặt / hết hạn", "no-shows / expired")),
        (
            _cell(None if t.wait_p50 is None else round(t.wait_p50 / 60, 1)),
            _t(lang, "phút chờ (trung vị)", "min wait (median)"),
        ),
        (
            _cell(None if t.wait_p90 is None else round(t.wait_p90 / 60, 1)),
            _t(lang, "phút chờ (p90)", "min wait (p90)"),
        ),
        (
            _share(t.over_target_share),
            _t(
                lang,
                f"chờ quá {report.target_minutes:g} phút",
                f"waited over {report.target_minutes:g} min",
            ),
        ),
    ]
    for i, (value, caption) in enumerate(figures):
        _big_number(fig, 0.04 + i * 0.135, 0.79, value, caption)
    if t.busiest_hour is not None:
        fig.text(
            0.04,
            0.70,
            _t(lang, "Giờ đông nhất: ", "Busiest hour: ") + hour_label(t.busiest_hour),
            fontsize=11,
        )
    fig.text(
        0.04,
        0.64,
        _t(lang, "Theo lĩnh vực", "Per field"),
        fontsize=13,
        fontweight="bold",
        color=PALETTE.header,
    )
    rows = [*report.fields, t]
    # The table takes what its rows need; the hourly chart fills the rest when it fits.
    height = min(0.56, 0.075 + 0.029 * len(rows))
    ax = fig.add_axes((0.04, 0.62 - height, 0.92, height))
    _table(
        ax,
        _header(lang, _t(lang, "Lĩnh vực", "Field")),
        _table_rows(rows, lang),
        0.22,
        bold_last=True,
    )
    top = 0.62 - height - 0.05  # below the table, leaving room for the chart's title
    if top - 0.09 >= 0.14 and report.hours:
        chart = fig.add_axes((0.09, 0.09, 0.8, top - 0.09))
        _draw_hours(chart, report, lang, compact=True)
    return fig


def table_pages(
    report: Report, rows: Sequence[GroupStats], title: str, first: str, lang: str
) -> Iterator[Figure]:
    """Pages of one table (day, counter or hour), 26 rows a page."""
    per_page = 26
    chunks = [rows[i : i + per_page] for i in range(0, len(rows), per_page)] or [[]]
    for n, chunk in enumerate(chunks, 1):
        fig = Figure(figsize=A4_LANDSCAPE)
        suffix = f" ({n}/{len(chunks)})" if len(chunks) > 1 else ""
        fig.text(0.04, 0.93, title + suffix, fontsize=16, fontweight="bold", color=PALETTE.header)
        ax = fig.add_axes((0.04, 0.06, 0.92, 0.84))
        _table(ax, _header(lang, first), _table_rows(chunk, lang), 0.16)
        _frame(fig, report, lang)
        yield fig


def report_pages(report: Report, lang: str = "vi") -> Iterator[Figure]:
    """Every page of the PDF, in order."""
    yield summary_page(report, lang)
    for make in (chart_hours, chart_fields, chart_days, chart_counters, chart_outcomes):
        chart = make(report, lang)
        chart.set_size_inches(*A4_LANDSCAPE)
        chart.get_layout_engine().set(rect=(0.03, 0.04, 0.94, 0.92))  # type: ignore[union-attr, call-arg]
        _frame(chart, report, lang)
        yield chart
    yield from table_pages(
        report, report.days, _t(lang, "Theo ngày", "Per day"), _t(lang, "Ngày", "Day"), lang
    )
    yield from table_pages(
        report,
        report.counters,
        _t(lang, "Theo quầy", "Per counter"),
        _t(lang, "Quầy", "Counter"),
        lang,
    )
    yield from table_pages(
        report, report.hours, _t(lang, "Theo giờ lấy số", "Per hour"), _t(lang, "Giờ", "Hour"), lang
    )


# ------------------------------------------------------------------------------ files


def _replace_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, then rename (never half a file)."""
    with StagedFile(target) as staged:
        write(staged.path)
        staged.commit()


def save_png(fig: Figure, path: Path, dpi: int = 110) -> None:
    FigureCanvasAgg(fig)
    _replace_atomically(path, lambda p: fig.savefig(p, format="png", dpi=dpi))


def write_pdf(report: Report, path: Path, lang: str = "vi") -> int:
    """The whole report as one PDF; returns the number of pages."""
    pages = 0

    def write(tmp: Path) -> None:
        nonlocal pages
        with PdfPages(tmp) as pdf:
            info = pdf.infodict()
            info["Title"] = _t(lang, "Báo cáo thời gian chờ", "Waiting time report")
            info["Subject"] = _subtitle(report, lang)
            info["Creator"] = "kiosk"
            for fig in report_pages(report, lang):
                FigureCanvasAgg(fig)
                pdf.savefig(fig)
                pages += 1

    with _style():
        _replace_atomically(path, write)
    return pages


def write_charts(report: Report, folder: Path, lang: str = "vi", *, prefix: str = "") -> list[Path]:
    """Every chart as a PNG in `folder` (file names after `prefix`); returns the paths."""
    written = []
    with _style():
        for name, make in CHARTS.items():
            path = folder / f"{prefix}{name}"
            save_png(make(report, lang), path)
            written.append(path)
    return written


def render_summary_png(report: Report, path: Path, lang: str = "vi") -> None:
    """The first PDF page as a PNG (for review and screenshots)."""
    with _style():
        save_png(summary_page(report, lang), path, dpi=100)


def chart_png_bytes(report: Report, name: str, lang: str = "vi", dpi: int = 90) -> bytes:
    """One chart as PNG bytes (the manager window shows these)."""
    import io

    buf = io.BytesIO()
    with _style():
        fig = CHARTS[name](report, lang)
        FigureCanvasAgg(fig)
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
