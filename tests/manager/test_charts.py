"""Charts and the PDF drawn with QtGui: valid files, real text, drawn pixels, any report size.

Reports come from the simulator (five days of the Trần Phú point) or are built from it: an
empty range, a long range. The last tests run the charts in fresh processes without a display,
as `kiosk manager report` does.
"""

from __future__ import annotations

import ast
import dataclasses
import math
import os
import pickle
import re
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from kiosk.core.config import Config
from kiosk.core.files import OutputError
from kiosk.core.queue import QueueService
from kiosk.core.ratings import FACE_COLOURS
from kiosk.core.store import Store
from kiosk.reports import charts, painting, report_pdf
from kiosk.reports.history import HistoryFilter
from kiosk.reports.report import Report, ReportBuilder, build_report
from tests.manager.conftest import AFTER, DAY1, DAY2

Simulated = tuple[Store, Config, list[date]]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def report(simulated: Simulated) -> Report:
    store, config, days = simulated
    return build_report(store, config, HistoryFilter(days[0], days[-1]), today=days[-1])


@pytest.fixture
def empty(config: Config) -> Report:
    """A range without a single ticket."""
    day = date(2026, 11, 2)
    return ReportBuilder(config, HistoryFilter(day, day), today=day).finish()


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def _colours(image: QImage) -> set[int]:
    """The distinct colours of every 3rd pixel in both directions."""
    return {
        image.pixel(x, y) for y in range(0, image.height(), 3) for x in range(0, image.width(), 3)
    }


def _has(image: QImage, colour: str) -> bool:
    return QColor(colour).rgb() in _colours(image)


# ------------------------------------------------------------------------------ scales


def test_axis_steps_are_1_2_5_and_two_axes_share_their_gridlines() -> None:
    assert [painting.nice_step(v) for v in (0.3, 0.7, 1, 1.2, 3, 7, 12, 49, 51, 1999)] == [
        0.5,
        1,
        1,
        2,
        5,
        10,
        20,
        50,
        100,
        2000,
    ]
    for left, right in ((145, 24.2), (3, 0.4), (45201, 263.8), (0, 0), (1, 90)):
        a, b = painting.shared_scales([(left, 1), (right, 0.5)], 270)
        assert a.intervals == b.intervals >= 2
        assert a.top >= left and b.top >= right
        for scale in (a, b):
            mantissa = scale.step / 10 ** math.floor(math.log10(scale.step))
            assert round(mantissa, 6) in (1, 2, 5)
    counts, _ = painting.shared_scales([(3, 1), (0.4, 0.5)], 270)
    assert counts.step >= 1  # never half a citizen


# ------------------------------------------------------------------------------ PDF


def test_the_pdf_is_a4_landscape_with_embedded_noto_sans_and_real_text(
    report: Report, tmp_path: Path
) -> None:
    path = tmp_path / "r.pdf"
    pages = report_pdf.write_pdf(report, path)
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    # Summary, five charts and the satisfaction chart (the simulated citizens rate), one page
    # each for days, counters and hours, then satisfaction (the groups, then days and reasons).
    assert pages == _pdf_pages(pdf) == 12 == len(report_pdf.report_pages(report))
    assert pdf.count(b"/MediaBox [0 0 842") == pages  # A4 landscape: 842 × 595 pt
    assert b"/FontFile2" in pdf
    assert b"/BaseFont /NotoSans-Regular" in pdf and b"/BaseFont /NotoSans-Bold" in pdf
    assert b"/Title (\xfe\xff" + "Báo cáo thời gian chờ".encode("utf-16-be") + b")" in pdf
    # The fonts' Unicode maps: "ờ" (U+1EDD), "ộ" (U+1ED9), "ư" (U+01B0) are text, not outlines.
    for char in "ờộư":
        assert f"<{ord(char):04X}>".encode() in pdf
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging file


def test_an_english_pdf_has_english_labels(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    assert report_pdf.write_pdf(report, path, lang="en") == 12
    pdf = path.read_bytes()
    assert b"/Title (\xfe\xff" + "Waiting time report".encode("utf-16-be") + b")" in pdf
    # Site, fields, titles, axes are all English: no Vietnamese letter was drawn.
    assert b"<1EDD>" not in pdf and b"<01B0>" not in pdf
    assert [p.title for p in report_pdf.report_pages(report, "en")][-5:] == [
        "Per day",
        "Per counter",
        "Per hour",
        "Citizen satisfaction (1/2)",
        "Citizen satisfaction (2/2)",
    ]


def test_an_empty_range_still_gives_every_page_and_chart(empty: Report, tmp_path: Path) -> None:
    assert report_pdf.write_pdf(empty, tmp_path / "r.pdf") == 9
    assert _pdf_pages((tmp_path / "r.pdf").read_bytes()) == 9
    written = charts.write_charts(empty, tmp_path, prefix="e-")
    assert len(written) == len(charts.CHARTS)
    counters = QImage(str(tmp_path / "e-counters.png"))
    assert not counters.isNull() and not _has(counters, painting.PALETTE.bars)  # no bar drawn
    summary = tmp_path / "summary.png"
    report_pdf.render_summary_png(empty, summary)
    assert not QImage(str(summary)).isNull()


def test_long_tables_continue_over_numbered_pages(report: Report, tmp_path: Path) -> None:
    day = report.days[0]
    start = date(2026, 1, 5)
    days = tuple(
        dataclasses.replace(day, key=(start + timedelta(i)).isoformat(), label=f"{i:03d}")
        for i in range(90)
    )
    long = dataclasses.replace(report, days=days)
    titles = [p.title for p in report_pdf.report_pages(long)]
    day_pages = [t for t in titles if t.startswith("Theo ngày")]
    n = len(day_pages)
    assert n >= 3
    assert day_pages == [f"Theo ngày ({k}/{n})" for k in range(1, n + 1)]
    assert report_pdf.write_pdf(long, tmp_path / "r.pdf") == len(titles)
    assert _pdf_pages((tmp_path / "r.pdf").read_bytes()) == len(titles)
    image = charts.render_chart(long, "days.png")
    assert _has(image, painting.PALETTE.bars) and _has(image, painting.PALETTE.bars_light)


def test_a_pdf_that_cannot_be_written_is_an_output_error(report: Report, tmp_path: Path) -> None:
    with pytest.raises(OutputError):
        report_pdf.write_pdf(report, tmp_path / "missing" / "r.pdf")


# ------------------------------------------------------------------------------ PNG


def test_charts_are_pngs_of_the_expected_size_with_their_data_drawn(
    report: Report, tmp_path: Path
) -> None:
    written = charts.write_charts(report, tmp_path, prefix="r-")
    assert [p.name for p in written] == [
        *(f"r-{name}" for name in charts.CHARTS),
        "r-satisfaction.png",  # the simulated citizens rate
    ]
    colour = {
        "satisfaction.png": FACE_COLOURS[0],
        "waits-by-hour.png": painting.PALETTE.bars_light,
        "waits-by-field.png": painting.PALETTE.p90,
        "days.png": painting.PALETTE.bars,
        "counters.png": painting.PALETTE.bars,
        "outcomes-by-field.png": painting.PALETTE.bars,
    }
    for name, path in zip(charts.report_charts(report), written, strict=True):
        image = QImage(str(path))
        size = charts.chart_size(name, report)
        assert (image.width(), image.height()) == (
            math.ceil(size.width() * painting.CHART_DPI / 72),
            math.ceil(size.height() * painting.CHART_DPI / 72),
        )
        assert len(_colours(image)) > 50, name  # text and shapes, not a blank canvas
        assert _has(image, colour[name]), name
    summary = tmp_path / "summary.png"
    report_pdf.render_summary_png(report, summary)
    page = QImage(str(summary))
    assert (page.width(), page.height()) == (1170, 827)  # A4 landscape at 100 dpi
    assert _has(page, painting.PALETTE.header)


def test_chart_png_bytes_can_be_drawn_in_a_worker_thread(report: Report) -> None:
    painting.font_family()  # the application exists, as in the manager window
    results: list[bytes] = []
    worker = threading.Thread(
        target=lambda: results.extend(
            charts.chart_png_bytes(report, name, "vi") for name in charts.report_charts(report)
        )
    )
    worker.start()
    worker.join(60)
    assert len(results) == len(charts.CHARTS) + 1
    for data in results:
        image = QImage.fromData(data, "PNG")
        assert data.startswith(b"\x89PNG") and image.width() == math.ceil(720 * 90 / 72)


# ------------------------------------------------------------------------------ processes


def _run(code: str, tmp_path: Path, report: Report, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh Python without a display; `report` is unpickled as `report`."""
    with (tmp_path / "report.pickle").open("wb") as f:
        pickle.dump(report, f)
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM") and not k.startswith("KIOSK_")
    }
    prelude = (
        "import logging, pickle, sys\n"
        "from pathlib import Path\n"
        "logging.basicConfig(level=logging.WARNING)\n"
        "report = pickle.loads(Path(sys.argv[1]).read_bytes())\n"
        "out = Path(sys.argv[2])\n"
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + code, str(tmp_path / "report.pickle"), str(tmp_path)],
        cwd=ROOT,
        env={**clean, **env, "PYTHONUTF8": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_cli_writes_the_pdf_without_a_display_or_a_qt_application(
    report: Report, tmp_path: Path
) -> None:
    code = (
        "from PySide6.QtGui import QGuiApplication\n"
        "from kiosk.reports import charts, painting, report_pdf\n"
        "assert QGuiApplication.instance() is None\n"
        "pages = report_pdf.write_pdf(report, out / 'r.pdf')\n"
        "charts.write_charts(report, out)\n"
        "app = QGuiApplication.instance()\n"
        "print(pages, painting.font_family(), app.platformName(), type(app).__name__)\n"
        "print('matplotlib' in sys.modules, 'PySide6.QtWidgets' in sys.modules)\n"
    )
    result = _run(code, tmp_path, report)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no Qt warning either
    assert result.stdout.splitlines() == [
        "12 Noto Sans offscreen QGuiApplication",
        "False False",
    ]
    assert _pdf_pages((tmp_path / "r.pdf").read_bytes()) == 12
    for name in charts.report_charts(report):
        assert not QImage(str(tmp_path / name)).isNull()


def test_without_the_shipped_fonts_a_warning_is_logged_and_the_pdf_still_written(
    report: Report, tmp_path: Path
) -> None:
    assets = tmp_path / "assets"
    (assets / "fonts").mkdir(parents=True)
    code = (
        "from kiosk.reports import charts, painting, report_pdf\n"
        "pages = report_pdf.write_pdf(report, out / 'r.pdf')\n"
        "laid_out = len(report_pdf.report_pages(report))\n"
        "print(pages, laid_out, painting.font_family() != 'Noto Sans')\n"
    )
    result = _run(code, tmp_path, report, KIOSK_ASSETS=str(assets))
    assert result.returncode == 0, result.stderr
    # Another font measures otherwise: the long tables may take a page less or more.
    pages, laid_out, other_font = result.stdout.split()
    assert pages == laid_out and int(pages) >= 11 and other_font == "True"
    assert "WARNING:kiosk.reports.painting:Noto Sans not found" in result.stderr
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")


def test_charts_use_neither_matplotlib_nor_numpy_nor_the_excluded_qt_modules() -> None:
    imported = set()
    for module in (charts, painting, report_pdf):
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        imported |= _imports_of(tree)
    banned = ("matplotlib", "numpy", "PySide6.QtCharts", "PySide6.QtPdf", "PySide6.QtPrintSupport")
    assert not [m for m in imported if m.startswith(banned)]
    assert "PySide6.QtGui" in imported


def _imports_of(tree: ast.AST) -> set[str]:
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    return imported


def test_a_report_with_procedures_gets_a_page_per_procedure(
    scripted: QueueService, tmp_path: Path
) -> None:
    report = build_report(scripted.store, scripted.config, HistoryFilter(DAY1, DAY2), today=AFTER)
    assert len(report.procedures) == 3
    path = tmp_path / "r.pdf"
    # The five charts and the satisfaction chart (A001 was rated), the summary, the tables
    # per day, counter, hour and procedure, then satisfaction.
    assert report_pdf.write_pdf(report, path) == 12
    assert report_pdf.report_pages(report)[-2].title == "Theo thủ tục"
    assert [p.title for p in report_pdf.report_pages(report, "en")][-2:] == [
        "Per procedure",
        "Citizen satisfaction",
    ]
    assert _pdf_pages(path.read_bytes()) == 12
