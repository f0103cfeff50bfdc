"""`kiosk export / report / simulate` as real processes: results, and one-line refusals."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from tests.support import run_kiosk_all

Result = subprocess.CompletedProcess[str]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(
        XDG_CONFIG_HOME=str(home / "xdg-config"),
        XDG_DATA_HOME=str(home / "xdg-data"),
        PYTHONUTF8="1",
        KIOSK_DB=f"sqlite:///{home / 'kiosk.db'}",
    )
    return env


def _run_all(home: Path, *commands: Sequence[str]) -> list[Result]:
    return run_kiosk_all(home, _env(home), *commands)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with five simulated days (written by `kiosk simulate --write --bulk`)."""
    folder = tmp_path_factory.mktemp("cli")
    (result,) = _run_all(
        folder,
        ["simulate", "--write", "--bulk", "--from", "2026-11-02", "--days", "5", "--seed", "3"],
    )
    assert result.returncode == 0, result.stderr
    assert "Simulated 5 days 02/11/2026–06/11/2026 (bulk)" in result.stdout
    return folder


def test_export_report_and_capacity_plan(home: Path) -> None:
    out = home / "out"
    export_csv, export_xlsx, report, plan = _run_all(
        home,
        ["export", "--from", "2026-11-02", "--to", "06/11/2026", "-o", "t.csv"],
        ["export", "--from", "2026-11-02", "--to", "2026-11-06", "--format", "xlsx", "-o",
         "t.xlsx", "--field", "hotich"],
        ["report", "--from", "2026-11-02", "--to", "2026-11-06", "-o", str(out)],
        ["simulate", "--citizens", "110", "--counters", "6", "--days", "5"],
    )  # fmt: skip
    for r in (export_csv, export_xlsx, report, plan):
        assert r.returncode == 0 and r.stderr == "", r.stderr
    assert export_csv.stdout.startswith("Wrote ") and "t.csv" in export_csv.stdout
    with (home / "t.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    book = openpyxl.load_workbook(home / "t.xlsx", read_only=True)
    fields = {r[2] for r in book["Dữ liệu"].iter_rows(min_row=2, values_only=True)}
    assert fields == {"hotich"}
    lines = report.stdout.splitlines()
    assert lines[1].startswith(f"{len(rows)} citizens, ")
    assert " dossiers: " in lines[1]
    names = sorted(p.name for p in out.iterdir())
    # The PDF, the five charts and the satisfaction chart (the simulated citizens rate).
    assert "report-2026-11-02_2026-11-06.pdf" in names and len(names) == 7
    assert "Capacity plan: 110 citizens a day over 5 working days" in plan.stdout
    assert "7 counters: +1 for" in plan.stdout and "5 counters: −1: without counter" in plan.stdout


def test_json_output_and_vietnamese_text(home: Path) -> None:
    report, plan = _run_all(
        home,
        ["report", "--from", "2026-11-02", "--json"],
        ["simulate", "--days", "2", "--lang", "vi"],
    )
    data = json.loads(report.stdout)
    assert data["report"]["total"]["tickets"] > 0 and data["files"] == []
    assert "Dự báo năng lực" in plan.stdout and "Hộ tịch" in plan.stdout


@pytest.mark.parametrize(
    "periods",
    [
        pytest.param('["00:00-24:00"]', id="round-the-clock"),
        pytest.param('["00:00-06:00", "22:00-24:00"]', id="night-shift"),
    ],
)
def test_simulate_works_for_opening_hours_across_midnight(tmp_path: Path, periods: str) -> None:
    """A citizen still at a counter at midnight stays with it; every mode runs to the end."""
    from tests.support import ALWAYS_OPEN, config_text

    hours = {**ALWAYS_OPEN, 'periods = ["07:30-11:30", "13:30-17:00"]': f"periods = {periods}"}
    config = tmp_path / "kiosk.toml"
    config.write_text(config_text(**hours), encoding="utf-8")
    common = ["--config", str(config), "--days", "3", "--citizens", "110", "--seed", "1"]
    write = ["simulate", "--write", "--from", "2026-11-02", *common]
    write, bulk, plan = _run_all(
        tmp_path,
        [*write, "--db", "sqlite:///w.db"],
        [*write, "--bulk", "--db", "sqlite:///b.db"],
        ["simulate", *common],
    )
    for r in (write, bulk, plan):
        assert (r.returncode, r.stderr) == (0, ""), r.stderr
    # The same days through the real service and through the bulk model.
    assert (
        write.stdout.split("(service)")[1].split(" in ")[0]
        == (bulk.stdout.split("(bulk)")[1].split(" in ")[0])
    )
    assert "Capacity plan: 110 citizens a day over 3 working days" in plan.stdout


def test_simulate_writes_officer_shifts_that_the_report_counts(tmp_path: Path) -> None:
    """With [[officers]] (Minh with a PIN the simulator cannot know) both modes write the same
    day; the report has a row per officer, and counter 1 had Minh in the morning and Lan
    after lunch."""
    from tests.support import config_text, officers_toml

    config = tmp_path / "kiosk.toml"
    config.write_text(config_text(officers_toml()), encoding="utf-8")
    common = ["--config", str(config), "--from", "2026-11-02", "--to", "2026-11-02"]
    write = ["simulate", "--write", "--config", str(config), "--from", "2026-11-02"]
    written, bulk = _run_all(
        tmp_path,
        [*write, "--days", "1", "--seed", "1"],
        [*write, "--days", "1", "--seed", "1", "--bulk", "--db", "sqlite:///b.db"],
    )
    report, at_one, export = _run_all(
        tmp_path,
        ["report", *common, "--json"],
        ["report", *common, "--counter", "1", "--json"],
        ["export", *common, "--counter", "1", "-o", "one.csv"],
    )
    for r in (written, bulk, report, at_one, export):
        assert (r.returncode, r.stderr) == (0, ""), r.stderr
    assert (
        written.stdout.split("(service)")[1].split(" in ")[0]
        == (bulk.stdout.split("(bulk)")[1].split(" in ")[0])
    )
    officers = json.loads(report.stdout)["report"]["officers"]
    assert [(o["key"], o["label"]) for o in officers] == [
        ("lan", "Nguyễn Thị Lan"),
        ("minh", "Trần Văn Minh"),
        ("hoa", "Lê Thị Hoa"),
    ]
    assert all(o["served"] > 0 for o in officers)
    assert [o["key"] for o in json.loads(at_one.stdout)["report"]["officers"]] == ["lan", "minh"]
    with (tmp_path / "one.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    morning = {r["officer_name"] for r in rows if r["called_at"][11:13] < "12"}
    afternoon = {r["officer_name"] for r in rows if r["called_at"][11:13] >= "13"}
    assert (morning, afternoon) == ({"Trần Văn Minh"}, {"Nguyễn Thị Lan"})


#: Refusals checked in real processes (exit code, one stderr line, no traceback).
IN_PROCESSES = [
    (["export", "--from", "2026-11-06", "--to", "2026-11-02", "-o", "x.csv"], "swap them"),
    (["export", "--from", "2026-13-01", "-o", "x.csv"], "is not a date"),
    (["export", "--from", "2026-11-02", "--field", "hotic", "-o", "x.csv"], "Did you mean"),
    (["export", "--from", "2026-11-02", "-o", "/nonexistent/x.csv"], "does not exist"),
    (["export", "--from", "2020-01-01", "-o", "x.csv"], "No tickets in 01/01/2020"),
    (["simulate", "--days", "99999999999999999999999"], "--days must be between 1 and 3660"),
]
#: More refusals, checked through `kiosk.cli.main` in this process (faster).
IN_THIS_PROCESS = [
    (["export", "--from", "02-11-2026", "-o", "x.csv"], "write 2026-11-23 or 23/11/2026"),
    (["export", "--from", "2026-11-02", "--counter", "12", "-o", "x.csv"], "No counter 12"),
    (["export", "--from", "2026-11-02", "--format", "csv", "-o", "."], "is a folder"),
    (["export", "--from", "2020-01-01", "--events", "-o", "x.csv"], "No events in 01/01/2020"),
    (["export", "--from", "2026-11-02", "-o", "x.txt"], "give --format csv, xlsx or jsonl"),
    (["report", "--from", "2026-11-06", "--to", "2026-11-02"], "swap them"),
    (["report", "--from", "2026-11-02", "-o", "/nonexistent/dir"], "does not exist"),
    (["report", "--from", "2026-11-02", "--target", "0"], "--target must be between"),
    (["simulate", "--counters", "2"], "every field needs a counter"),
    (["simulate", "--mix", "hotic=3"], 'Did you mean "hotich"'),
    (["simulate", "--citizens", "0"], "--citizens must be between"),
    (["simulate", "--citizens", "nan"], "--citizens must be between"),
    (["simulate", "--days", "1000000000"], "--days must be between 1 and 3660"),
    (["simulate", "--days", "0"], "--days must be between 1 and 3660"),
    (["simulate", "--counters", "1000"], "--counters must be between 1 and 99"),
    (["simulate", "--write", "--from", "9999-12-30", "--days", "3"], "--from must be a day"),
    (["simulate", "--write", "--bulk", "--from", "0001-01-01"], "--from must be a day"),
    (["simulate", "--bulk"], "only apply with --write"),
    (["manager", "--geometry", "99999999999999999999x1+0+0"], "width and height go from 1"),
    (["manager", "--geometry", "800x600+0+99999"], "the place from -16384 to 16384"),
    (["simulate", "--write", "--bulk", "--from", "2026-11-02", "--days", "1"], "already has"),
]


def test_mistakes_get_one_line_exit_2_and_leave_no_file(home: Path) -> None:
    before = sorted(p.name for p in home.iterdir())
    results = _run_all(home, *(args for args, _ in IN_PROCESSES))
    for (args, words), result in zip(IN_PROCESSES, results, strict=True):
        assert "Traceback" not in result.stderr, (args, result.stderr)
        assert result.returncode == 2, (args, result.returncode, result.stderr)
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("kiosk: "), (args, result.stderr)
        assert words in lines[0], (args, lines[0])
        assert result.stdout == ""
    assert sorted(p.name for p in home.iterdir()) == before


@pytest.mark.parametrize(("args", "words"), IN_THIS_PROCESS)
def test_more_mistakes_get_one_line_and_exit_2(
    home: Path,
    args: list[str],
    words: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kiosk.cli import main

    monkeypatch.chdir(home)

    def files() -> list[str]:  # the database's -wal/-shm come and go with connections
        return sorted(p.name for p in home.iterdir() if not p.name.startswith("kiosk.db"))

    before = files()
    code = main([*args, "--db", f"sqlite:///{home / 'kiosk.db'}"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kiosk: ") and words in lines[0], err
    assert files() == before


def test_the_cli_counts_every_sheet_and_compares_with_the_period_before(home: Path) -> None:
    """`kiosk export` names the sheets of the file it wrote (the summary and the data: two);
    `kiosk report` adds the period before (a day: the point's previous open day)."""
    xlsx, xlsx_vi, text_csv, day2, day1, week_vi, day1_vi, alone = _run_all(
        home,
        ["export", "--from", "2026-11-02", "--to", "2026-11-06", "-o", "s.xlsx"],
        ["export", "--from", "2026-11-02", "--to", "2026-11-06", "-o", "s-vi.xlsx", "--lang",
         "vi"],
        ["export", "--from", "2026-11-02", "-o", "s.csv"],
        ["report", "--from", "2026-11-03", "--json"],
        ["report", "--from", "2026-11-02", "--json"],
        ["report", "--from", "2026-11-03", "--to", "2026-11-06", "--lang", "vi"],
        ["report", "--from", "2026-11-02", "--lang", "vi"],
        ["report", "--from", "2026-11-03", "--json", "--no-compare"],
    )  # fmt: skip
    for r in (xlsx, xlsx_vi, text_csv, day2, day1, week_vi, day1_vi, alone):
        assert r.returncode == 0 and r.stderr == "", r.stderr
    book = openpyxl.load_workbook(home / "s.xlsx", read_only=True)
    assert book.sheetnames == ["Tổng hợp", "Dữ liệu"]  # two sheets, as the message says
    assert re.fullmatch(r"Wrote \d+ rows to \S*s\.xlsx \(2 sheets\) in \d+\.\d s\n", xlsx.stdout)
    assert re.fullmatch(
        r"Đã ghi \d+ dòng vào \S*s-vi\.xlsx \(2 trang tính\) trong \d+,\d giây\n", xlsx_vi.stdout
    )
    assert "sheet" not in text_csv.stdout
    report, before = json.loads(day2.stdout)["report"], json.loads(day1.stdout)["report"]
    previous = report["previous"]
    assert (previous["start"], previous["end"], previous["data"]) == (
        "2026-11-02", "2026-11-02", True
    )  # fmt: skip
    citizens = previous["figures"]["citizens"]
    assert citizens["now"] == report["total"]["tickets"]
    assert citizens["before"] == before["total"]["tickets"]
    assert citizens["change"] == citizens["now"] - citizens["before"]
    assert previous["figures"]["wait_p50"]["before"] == before["total"]["wait_p50"]
    assert json.loads(alone.stdout)["report"]["previous"] is None
    assert "So với kỳ trước (30/10/2026–02/11/2026):" in week_vi.stdout
    assert "Thời gian chờ: trung vị " in week_vi.stdout and "p50" not in week_vi.stdout
    assert day1_vi.stdout.splitlines()[-1] == (
        "So với kỳ trước (31/10/2026): không có số liệu kỳ trước"
    )
