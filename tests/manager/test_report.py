"""Reports: streamed aggregates equal a brute-force count; PDF and charts in Vietnamese."""

from __future__ import annotations

import contextlib
import re
import threading
import zlib
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from kiosk.core.config import Config
from kiosk.core.store import Store
from kiosk.reports import charts, painting, report_pdf
from kiosk.reports.history import Cancelled, History, HistoryFilter, LocalTimes, TicketRecord
from kiosk.reports.report import ReportBuilder, build_report, nearest_rank

Simulated = tuple[Store, Config, list[date]]


def _brute(records: list[TicketRecord], keep: object = None) -> tuple:
    chosen = [r for r in records if keep is None or keep(r)]  # type: ignore[operator]
    waits = sorted(r.wait for r in chosen if r.wait is not None)
    services = sorted(r.service for r in chosen if r.service is not None)
    return (
        len(chosen),
        sum(r.outcome == "served" for r in chosen),
        sum(r.dossiers for r in chosen),
        sum(r.outcome == "no_show" for r in chosen),
        nearest_rank(waits, 50),
        nearest_rank(waits, 90),
        waits[-1] if waits else None,
        nearest_rank(services, 50),
        sum(w > 15 * 60 for w in waits),
    )


def _mine(g: object) -> tuple:
    return (
        g.tickets,  # type: ignore[attr-defined]
        g.served,  # type: ignore[attr-defined]
        g.dossiers,  # type: ignore[attr-defined]
        g.no_shows,  # type: ignore[attr-defined]
        g.wait_p50,  # type: ignore[attr-defined]
        g.wait_p90,  # type: ignore[attr-defined]
        g.wait_max,  # type: ignore[attr-defined]
        g.service_p50,  # type: ignore[attr-defined]
        g.over_target,  # type: ignore[attr-defined]
    )


def test_every_group_equals_a_brute_force_count(simulated: Simulated) -> None:
    store, config, days = simulated
    flt = HistoryFilter(days[0], days[-1])
    report = build_report(store, config, flt, today=days[-1])
    records = [r for b in History(store, config, today=days[-1]).tickets(flt) for r in b]
    times = LocalTimes(config.zone)
    assert _mine(report.total) == _brute(records)
    for g in report.days:
        assert _mine(g) == _brute(records, lambda r, k=g.key: r.day.isoformat() == k)
    for g in report.fields:
        assert _mine(g) == _brute(records, lambda r, k=g.key: r.field == k)
    for g in report.counters:
        assert _mine(g) == _brute(records, lambda r, k=g.key: str(r.counter) == k)
    for g in report.hours:
        assert _mine(g) == _brute(records, lambda r, k=g.key: times.hour(r.issued) == int(k))
    assert len(report.days) == len(days)


def test_batches_of_any_size_give_the_same_report(simulated: Simulated) -> None:
    store, config, days = simulated
    flt = HistoryFilter(days[0], days[-1])
    reports = []
    for size in (7, 5000):
        builder = ReportBuilder(config, flt, today=days[-1])
        for batch in History(store, config, batch_size=size, today=days[-1]).ticket_rows(flt):
            builder.add(batch)
        reports.append(builder.finish())
    assert reports[0] == reports[1]


def test_the_simulated_morning_peak_is_the_busiest_hour(simulated: Simulated) -> None:
    store, config, days = simulated
    report = build_report(store, config, HistoryFilter(days[0], days[-1]), today=days[-1])
    assert report.total.busiest_hour == 8
    assert report.total.dossiers > report.total.tickets  # citizens bring several dossiers


def test_text_summary_reads_like_the_points_own_report(simulated: Simulated) -> None:
    store, config, days = simulated
    report = build_report(store, config, HistoryFilter(days[0], days[0]), today=days[-1])
    t = report.total
    assert report.text().splitlines()[1].startswith(f"{t.tickets} citizens, {t.dossiers} dossiers")
    vi = report.text("vi")
    assert f"{t.tickets} lượt công dân, {t.dossiers} hồ sơ" in vi
    assert "Lao động – Người có công – Xã hội" in vi and "Thời gian chờ: trung vị" in vi


def test_pdf_and_charts_are_written_in_vietnamese(simulated: Simulated, tmp_path: Path) -> None:
    store, config, days = simulated
    report = build_report(store, config, HistoryFilter(days[0], days[-1]), today=days[-1])
    assert painting.font_family() == "Noto Sans"
    pages = report_pdf.write_pdf(report, tmp_path / "r.pdf")
    assert pages >= 9  # summary, five charts, tables per day, counter and hour
    pdf = (tmp_path / "r.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"NotoSans" in pdf
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == pages
    title = "Báo cáo thời gian chờ".encode("utf-16-be")
    assert b"/Title (\xfe\xff" + title + b")" in pdf
    # Text is real text in the embedded font: its Unicode map has "ờ" (U+1EDD), "ộ" (U+1ED9)
    # (Qt writes the map uncompressed, other writers compress it).
    maps = pdf.lower() + _inflated(pdf)
    assert b"<1edd>" in maps and b"<1ed9>" in maps
    written = charts.write_charts(report, tmp_path, prefix="r-")
    assert [p.name for p in written] == [f"r-{name}" for name in charts.report_charts(report)]
    assert written[-1].name == "r-satisfaction.png"  # the simulated citizens rate
    for path in written:
        with Image.open(path) as img:
            assert img.format == "PNG" and img.width >= 1000 and img.height >= 380
            assert len(img.convert("RGB").getcolors(1 << 24) or ()) > 50  # drawn, not blank
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def _inflated(pdf: bytes) -> bytes:
    """Every compressed stream of the PDF, inflated, lower case."""
    out = []
    start = 0
    while (i := pdf.find(b"stream\n", start)) != -1:
        end = pdf.find(b"endstream", i)
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompressobj().decompress(pdf[i + 7 : end]))
        start = end + len(b"endstream")
    return b"".join(out).lower()


def test_report_can_be_cancelled(simulated: Simulated) -> None:
    store, config, days = simulated
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        build_report(store, config, HistoryFilter(days[0], days[-1]), cancel=cancel)


def test_one_of_anything_reads_in_the_singular() -> None:
    from kiosk.reports.simulate import SimulationResult

    one = SimulationResult(
        mode="bulk",
        days=(date(2026, 11, 2),),
        issued=1,
        turned_away=0,
        served=1,
        dossiers=1,
        no_shows=1,
        left_waiting=0,
        transfers=1,
        tickets_written=1,
        events_written=2,
        seconds=0.5,
        rated=1,
    )
    assert one.text() == (
        "Simulated 1 day 02/11/2026–02/11/2026 (bulk): 1 citizen, 1 dossier, 1 served, "
        "1 no-show, 0 left waiting at closing, 1 transfer, 1 rating; 1 ticket and 2 events "
        "written in 0.5 s"
    )
