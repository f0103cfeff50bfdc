"""The city report (`kiosk report --central`, issue #15): every point's row is that point's
own report, aggregated inside PostgreSQL; ranking, the period before, PDF, XLSX and the CLI.

Points are SQLite files filled by the simulator, shipped and folded at the real centre.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kiosk.central.centre import add_site
from kiosk.city.report import CityReport, Figures, PointRow, city_report, rank
from kiosk.core.config import Config, parse_config
from kiosk.core.errors import DatabaseError
from kiosk.core.store import Store
from kiosk.core.wording import minutes, number, plain, share
from kiosk.reports.history import HistoryFilter
from kiosk.reports.report import build_report
from kiosk.sync.ship import ship
from tests.city.support import config_text_for, fill, new_centre, new_site
from tests.core.test_cli import clean_env
from tests.pg_cluster import PgCluster
from tests.support import config_text, only_backend, run_kiosk_all

pytestmark = only_backend("postgresql")

#: The simulated days: Monday 2 November 2026 on (the reports look at them in December).
FIRST = date(2026, 11, 2)
#: A moment after every simulated day, in every point's zone (no ticket is "open").
LATER = datetime(2026, 12, 20, 5, 0, tzinfo=UTC)


class Point:
    """A SQLite point of its own site, linked to the centre, filled by the simulator."""

    def __init__(self, centre: str, tmp_path: Path, *, target: int, name: str) -> None:
        self.site = new_site()
        self.central = add_site(centre, self.site).central_url
        text = config_text_for(self.site, self.central).replace(
            "wait_target_minutes = 15", f"wait_target_minutes = {target}"
        )
        text = text.replace('name = "Điểm phục vụ hành chính công xã Trần Phú"', f'name = "{name}"')
        self.config: Config = parse_config(text)
        self.store = Store.open(f"sqlite:///{tmp_path / f'{self.site}.db'}")

    def fill(self, days: int, citizens: int, seed: int, start: date = FIRST) -> list[date]:
        return fill(self.store, self.config, days=days, citizens=citizens, seed=seed, start=start)

    def ship(self) -> None:
        ship(self.store, self.config, self.central)

    def own(self, start: date, end: date) -> Any:
        """The point's own `kiosk report` of the range, seen from the same day."""
        today = self.config.local_today(LATER)
        return build_report(self.store, self.config, HistoryFilter(start, end), today=today)


@pytest.fixture(scope="module")
def city(
    pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Point, Point]]:
    """Two points with different targets and traffic, a fortnight each, shipped (one centre
    for the module: the tests only read it)."""
    tmp_path = tmp_path_factory.mktemp("city")
    with new_centre(pg_cluster) as centre:
        a = Point(centre, tmp_path, target=10, name="Xã Đông Anh")
        b = Point(centre, tmp_path, target=20, name="Phường Ba Đình")
        a.fill(days=12, citizens=70, seed=11)
        b.fill(days=12, citizens=45, seed=12)
        a.ship()
        b.ship()
        yield centre, a, b


def _own_figures(report: Any) -> dict[str, Any]:
    t, sat = report.total, report.satisfaction
    return {
        "tickets": t.tickets,
        "served": t.served,
        "dossiers": t.dossiers,
        "no_shows": t.no_shows,
        "expired": t.expired,
        "called": t.called,
        "over_target": t.over_target,
        "wait_p50": t.wait_p50,
        "wait_p90": t.wait_p90,
        "rated_share": sat.rated_share if sat else None,
        "satisfied_share": sat.satisfied_share if sat else None,
    }


def _city_figures(f: Figures) -> dict[str, Any]:
    return {
        "tickets": f.tickets,
        "served": f.served,
        "dossiers": f.dossiers,
        "no_shows": f.no_shows,
        "expired": f.expired,
        "called": f.called,
        "over_target": f.over_target,
        "wait_p50": f.wait_p50,
        "wait_p90": f.wait_p90,
        "rated_share": f.rated_share if f.rated else None,
        "satisfied_share": f.satisfied_share,
    }


def _row(report: CityReport, site: str) -> PointRow:
    (row,) = [p for p in report.points if p.site == site]
    return row


def test_each_point_row_equals_the_points_own_report(city: tuple[str, Point, Point]) -> None:
    centre, a, b = city
    for start, end in ((FIRST, FIRST + timedelta(days=20)), (date(2026, 11, 5), date(2026, 11, 9))):
        report = city_report(centre, start, end, now=LATER)
        for point in (a, b):
            own = point.own(start, end)
            row = _row(report, point.site)
            assert row.target_minutes == point.config.reports.wait_target_minutes
            assert _city_figures(row.now) == _own_figures(own), (point.site, start, end)
        assert own.total.over_target  # the targets matter: some waited longer
        assert own.satisfaction and own.satisfaction.rated  # and citizens rated
        assert report.total.tickets == sum(p.now.tickets for p in report.points)
        assert report.total.over_target == sum(p.now.over_target for p in report.points)


def test_only_the_sites_asked_for_and_unknown_ones_refused(
    city: tuple[str, Point, Point],
) -> None:
    centre, a, b = city
    report = city_report(centre, FIRST, FIRST + timedelta(days=20), [b.site], now=LATER)
    assert [p.site for p in report.points] == [b.site]
    assert report.total.tickets == b.own(FIRST, FIRST + timedelta(days=20)).total.tickets
    with pytest.raises(DatabaseError, match="no site nowhere"):
        city_report(centre, FIRST, FIRST, [a.site, "nowhere"], now=LATER)


def _row_of(
    site: str, over: int, called: int, p50: int, rated: int = 0, satisfied: int = 0
) -> PointRow:
    now = Figures(tickets=called, served=called, called=called, over_target=over, wait_p50=p50)
    now = replace(now, rated=rated, satisfied=satisfied)
    return PointRow(site, site.upper(), site.upper(), 15, now)


def test_points_are_ranked_by_the_share_over_target_then_the_median_and_by_satisfaction() -> None:
    rows = [
        _row_of("c", over=30, called=100, p50=400, rated=50, satisfied=45),  # 30%, 90%
        _row_of("a", over=10, called=100, p50=600, rated=10, satisfied=5),  # 10%, 50%
        _row_of("b", over=10, called=100, p50=300),  # 10% but a shorter median; not rated
        _row_of("quiet", over=0, called=0, p50=0),  # nobody called: not ranked
    ]
    ranked = rank(rows)
    assert [(r.site, r.wait_rank, r.satisfaction_rank) for r in ranked] == [
        ("b", 1, None),
        ("a", 2, 2),
        ("c", 3, 1),
        ("quiet", None, None),
    ]
    report = CityReport(HistoryFilter(FIRST, FIRST), tuple(ranked), Figures(), "day", ())
    best, worst, most, least = report.extremes("vi")
    assert best.startswith("Chờ tốt nhất: B (10%") and worst.startswith("Chờ kém nhất: C (30%")
    assert most == "Hài lòng cao nhất: C (90% hài lòng trở lên)"
    assert least == "Hài lòng thấp nhất: A (50% hài lòng trở lên)"


def test_the_period_before_is_the_points_rule_and_its_figures_are_the_same_query(
    city: tuple[str, Point, Point],
) -> None:
    centre, a, b = city
    now = city_report(centre, date(2026, 11, 9), date(2026, 11, 14), now=LATER)
    before = city_report(centre, date(2026, 11, 3), date(2026, 11, 8), now=LATER)
    assert now.previous is not None and now.previous.has_data
    assert (now.previous.start, now.previous.end) == (date(2026, 11, 3), date(2026, 11, 8))
    figures = {f.key: f for f in now.previous.figures}
    assert figures["citizens"].before == before.total.tickets
    assert figures["wait_p50"].before == before.total.wait_p50
    assert figures["over_target"].before == before.total.over_target_share
    for site in (a.site, b.site):
        assert _row(now, site).before == _row(before, site).now
        change = _row(now, site).changes()["wait_p50"]
        assert change.now == _row(now, site).now.wait_p50
        assert _row(now, site).change_text("wait_p50", "vi")[0] in "▲▼="
    # A whole month is compared with the month before it: nothing shipped for October.
    month = city_report(centre, date(2026, 11, 1), date(2026, 11, 30), now=LATER)
    assert month.previous is not None and not month.previous.has_data
    assert (month.previous.start, month.previous.end) == (date(2026, 10, 1), date(2026, 10, 31))
    assert month.trend_unit == "week" and sum(t.figures.tickets for t in month.trend) == (
        month.total.tickets
    )


def _pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_cli_writes_the_pdf_chart_and_workbook_and_says_what_is_wrong(
    city: tuple[str, Point, Point], tmp_path: Path, pg_cluster: PgCluster
) -> None:
    """Through the real `kiosk` program: the files read back (pdftotext, openpyxl), --json,
    and one clear line for each mistake."""
    centre, a, b = city
    env = clean_env(tmp_path)
    official = tmp_path / "centre.toml"
    official.write_text(
        config_text(
            **{
                'name = "Điểm phục vụ hành chính công xã Trần Phú"': (
                    'name = "Trung tâm Phục vụ hành chính công thành phố Hà Nội"'
                ),
                'authority = ""': 'authority = "UBND THÀNH PHỐ HÀ NỘI"',
            }
        ),
        encoding="utf-8",
    )
    span = ["--from", "2026-11-02", "--to", "2026-11-22"]
    out = tmp_path / "out"
    report, as_json, unknown, not_centre, sqlite, reversed_, field = run_kiosk_all(
        tmp_path,
        env,
        ["report", "--central", centre, *span, "-o", str(out), "--config", str(official)],
        ["report", "--central", centre, *span, "--site", b.site, "--json", "--no-refresh"],
        ["report", "--central", centre, *span, "--site", f"{a.site},nowhere"],
        ["report", "--central", pg_cluster.url("postgres"), *span],
        ["report", "--central", f"sqlite:///{tmp_path / 'k.db'}", *span],
        ["report", "--central", centre, "--from", "2026-11-22", "--to", "2026-11-02"],
        ["report", "--central", centre, *span, "--field", "hotich"],
    )
    assert report.returncode == 0, report.stderr
    assert "Whole city:" in report.stdout and "Best waits:" in report.stdout
    stem = out / "city-2026-11-02_2026-11-22"
    assert report.stdout.splitlines()[-3:] == [
        f"{stem}{s}" for s in (".pdf", "-trend.png", ".xlsx")
    ]
    expected = city_report(centre, date(2026, 11, 2), date(2026, 11, 22), now=LATER)

    text = _pdftotext(stem.with_suffix(".pdf"))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "UBND THÀNH PHỐ HÀ NỘI" in text
    assert "BÁO CÁO TỔNG HỢP HOẠT ĐỘNG CÁC ĐIỂM PHỤC VỤ HÀNH CHÍNH CÔNG" in text
    assert "Từ ngày 02/11/2026 đến ngày 22/11/2026" in text and "NGƯỜI LẬP" in text
    for p in expected.points:
        # Its row of the points' table (the rankings name it too, with fewer figures).
        lines = [x for x in text.splitlines() if x.strip().startswith(p.name_vi + " ")]
        cells = max(lines, key=len).split()
        f = p.now
        assert number(f.tickets, "vi") in cells and number(f.dossiers, "vi") in cells
        assert minutes(f.wait_p50, "vi") in cells and share(f.over_target_share, "vi") in cells
        assert plain(p.target_minutes, "vi") in cells

    book = openpyxl.load_workbook(stem.with_suffix(".xlsx"))
    assert book.sheetnames == [
        "Tổng hợp",
        "Các điểm",
        "Xếp hạng chờ",
        "Xếp hạng hài lòng",
        "Xu hướng",
    ]
    sheet = book["Các điểm"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    for p in expected.points:
        cells = rows[p.name_vi]
        assert [c.value for c in cells[1:4]] == [p.wait_rank, p.now.tickets, p.now.dossiers]
        assert cells[6].value == round(p.now.wait_p50 / 60, 1) and cells[6].number_format == "0.0"
        assert cells[9].value == pytest.approx(p.now.over_target_share)
        assert cells[9].number_format == "0%"
    trend = list(book["Xu hướng"].iter_rows(min_row=2, values_only=True))
    assert sum(r[1] for r in trend) == expected.total.tickets
    assert isinstance(trend[0][0], datetime)  # a real date

    data = json.loads(as_json.stdout)["report"]
    assert [p["site"] for p in data["points"]] == [b.site]
    assert data["points"][0]["wait_p50"] == _row(expected, b.site).now.wait_p50

    for bad, words in (
        (unknown, "The centre has no site nowhere"),
        (not_centre, "has no centre schema"),
        (sqlite, "The centre must be a PostgreSQL database"),
        (reversed_, "--to 2026-11-02 is before --from 2026-11-22"),
        (field, "--field and --counter filter one point's report"),
    ):
        assert bad.returncode != 0 and bad.stdout == ""
        assert bad.stderr.startswith("kiosk: ") and words in bad.stderr, bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1, bad.stderr
