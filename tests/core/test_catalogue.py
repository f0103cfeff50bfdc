"""The procedures catalogue: the shipped sample, every kind of mistake at once, and the CLI
(check, init, import from a real CSV and a real XLSX file)."""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path

import pytest
from openpyxl import Workbook

from kiosk.core.catalogue import (
    Catalogue,
    CatalogueInvalid,
    DocumentKind,
    parse_catalogue,
    sample_text,
)
from kiosk.core.config import Config, parse_config
from kiosk.core.errors import InvalidTicketState
from kiosk.core.queue import QueueService
from kiosk.core.replay import mismatches, replay
from tests.core.test_cli import clean_env
from tests.support import ALWAYS_OPEN, config_text, run_kiosk_all


@pytest.fixture
def default() -> Config:
    return parse_config(config_text())


def problems_of(text: str, config: Config) -> list[str]:
    with pytest.raises(CatalogueInvalid) as info:
        parse_catalogue(text, config, "c.toml")
    return [str(p) for p in info.value.problems]


def test_the_shipped_sample_is_marked_as_one_and_loads_for_the_default_fields(
    default: Config,
) -> None:
    text = sample_text()
    assert "MẪU" in text.splitlines()[0] and "SAMPLE" in text.splitlines()[0]
    catalogue = parse_catalogue(text, default)
    names = {p.name for p in catalogue.of_field("hotich")}
    assert {"Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử"} <= names
    assert {p.name for p in catalogue.of_field("chungthuc")} == {
        "Chứng thực bản sao từ bản chính",
        "Chứng thực chữ ký",
    }
    birth = catalogue.find("hotich", "Đăng ký khai sinh")
    assert birth is not None and birth.fee("vi") == "Miễn phí" and birth.fee("en") == "Free"
    assert [d.kind for d in birth.documents][-1] is DocumentKind.SHOW
    form = birth.documents[0].label("vi")
    assert form == "Tờ khai đăng ký khai sinh (theo mẫu) — bản\u00a0chính\u00a0×\u00a01"
    signature = catalogue.find("chungthuc", "Chứng thực chữ ký")
    assert signature is not None
    assert (signature.fee("vi"), signature.fee("en")) == ("10.000 đồng", "10,000 VND")


_BAD = """
[[procedures]]
field = "hotch"
name = "Đăng ký khai sinh"
code = "1.001193"
fee_vnd = -5
processing = "Trong ngày"
documents = []

[[procedures]]
field = "hotich"
name = "Đăng ký kết hôn"
code = "1.001193"
fee_vnd = true
processing = "Trong ngày"
colour = "blue"

[[procedures.documents]]
name = "Tờ khai"
kind = "photocopy"
count = 0

[[procedures]]
field = "chungthuc"
name = "Chứng thực chữ ký"
documents = [{ name = "Giấy tờ" }]
"""


def test_a_bad_catalogue_names_every_problem_at_once(default: Config) -> None:
    found = problems_of(_BAD, default)
    expected = [
        "procedures[0].fee_vnd = -5: should be greater than or equal to 0",
        "procedures[1].colour: unknown key",
        "procedures[1].fee_vnd = true: must be a whole number",
        'procedures[1].documents[0].kind = "photocopy": not allowed; use one of',
        "procedures[1].documents[0].count = 0: should be greater than or equal to 1",
        "procedures[2].processing: required key is missing",
        'procedures[0].field = "hotch": no such field; did you mean "hotich"?',
        "procedures[0].documents = []: no documents",
        'procedures[1].code = "1.001193": already the code of procedures[0]',
        "procedures[2].fee_vnd: no fee; write fee_vnd = 0 when it is free, or fee_note",
    ]
    for want in expected:
        assert any(line.startswith(want) for line in found), (want, found)
    assert len(found) == len(expected), found


def test_the_same_procedure_twice_in_a_field_and_a_toml_mistake_are_named(
    default: Config,
) -> None:
    one = 'field = "hotich"\nname = "A"\nfee_vnd = 0\nprocessing = "x"\n'
    one += 'documents = [{ name = "Tờ khai" }]\n'
    twice = f"[[procedures]]\n{one}\n[[procedures]]\n{one}"
    assert problems_of(twice, default) == [
        'procedures[1].name = "A": procedures[0] of the same field has this name; merge or '
        "rename them"
    ]
    broken = problems_of('[[procedures]]\nname = "Đăng ký\n', default)
    assert len(broken) == 1 and broken[0].startswith("(syntax): not valid TOML")


def test_the_cli_checks_writes_the_sample_once_and_refuses_to_overwrite(tmp_path: Path) -> None:
    env = clean_env(tmp_path, KIOSK_CONFIG=str(tmp_path / "kiosk.toml"))
    (tmp_path / "kiosk.toml").write_text(config_text(), "utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(_BAD, "utf-8")
    unset, first, again, checked, wrong = run_kiosk_all(
        tmp_path,
        env,
        ["catalogue", "check"],
        ["catalogue", "init"],
        ["catalogue", "check", str(bad)],
        ["catalogue", "check", str(tmp_path / "missing.toml")],
        ["catalogue", "import", str(bad)],
    )
    assert unset.returncode == 2 and "No catalogue is set" in unset.stderr
    target = tmp_path / "catalogue.toml"
    assert first.returncode == 0, first.stderr
    assert target.read_text("utf-8") == sample_text()
    assert again.returncode == 2 and "has 10 problems" in again.stderr
    assert "Traceback" not in again.stderr + checked.stderr + wrong.stderr
    assert checked.returncode == 2 and "kiosk catalogue init" in checked.stderr
    assert wrong.returncode == 2 and "reads .xlsx or .csv" in wrong.stderr
    (second,) = run_kiosk_all(tmp_path, env, ["catalogue", "init"])
    assert second.returncode == 2 and "add --force" in second.stderr
    assert target.read_text("utf-8") == sample_text()  # untouched


_HEADER = ["field", "procedure", "procedure_en", "fee_vnd", "processing", "document", "kind"]
_HEADER += ["count"]
_ROWS = [
    [
        "hotich",
        "Đăng ký khai sinh",
        "Birth registration",
        "0",
        "Trong ngày",
        "Tờ khai",
        "bản chính",
        "1",
    ],
    ["hotich", "Đăng ký khai sinh", "", "", "", "Giấy chứng sinh", "original", "1"],
    ["chungthuc", "Chứng thực chữ ký", "", "10.000", "Trong ngày", "Căn cước", "Xuất trình", "1"],
]


def _imported(tmp_path: Path, sheet: Path) -> tuple[list[object], Catalogue]:
    env = clean_env(tmp_path, KIOSK_CONFIG=str(tmp_path / "kiosk.toml"))
    (tmp_path / "kiosk.toml").write_text(config_text(), "utf-8")
    out = tmp_path / "from-sheet.toml"
    (made, checked) = run_kiosk_all(
        tmp_path, env, ["catalogue", "import", str(sheet), "--out", str(out)]
    ) + run_kiosk_all(tmp_path, env, ["catalogue", "check", str(out)])
    assert made.returncode == 0, made.stderr
    assert checked.returncode == 0, checked.stderr
    assert "2 procedures" in made.stdout
    raw = tomllib.loads(out.read_text("utf-8"))
    return raw["procedures"], parse_catalogue(out.read_text("utf-8"), parse_config(config_text()))


def _expect_imported(catalogue: Catalogue) -> None:
    birth = catalogue.find("hotich", "Đăng ký khai sinh")
    assert birth is not None and birth.name_en == "Birth registration"
    assert [(d.name, d.kind) for d in birth.documents] == [
        ("Tờ khai", DocumentKind.ORIGINAL),
        ("Giấy chứng sinh", DocumentKind.ORIGINAL),
    ]
    signature = catalogue.find("chungthuc", "Chứng thực chữ ký")
    assert signature is not None and signature.fee_vnd == 10000
    assert signature.documents[0].kind is DocumentKind.SHOW


def test_import_reads_a_csv_as_excel_saves_it(tmp_path: Path) -> None:
    sheet = tmp_path / "thu-tuc.csv"
    lines = [";".join(_HEADER)] + [";".join(r) for r in _ROWS]  # a Vietnamese Excel: ";"
    sheet.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))
    _, catalogue = _imported(tmp_path, sheet)
    _expect_imported(catalogue)


def test_import_reads_an_xlsx_with_numbers_as_numbers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(_HEADER)
    for row in _ROWS:
        sheet.append([int(v) if v.isdigit() else v for v in row])
    path = tmp_path / "thu-tuc.xlsx"
    book.save(path)
    procedures, catalogue = _imported(tmp_path, path)
    _expect_imported(catalogue)
    assert len(procedures) == 2


def test_import_names_the_rows_of_its_problems_and_writes_nothing(tmp_path: Path) -> None:
    sheet = tmp_path / "bad.csv"
    rows = [",".join([*_HEADER, "colour"])]
    rows.append("hotich,Đăng ký khai sinh,,0,Trong ngày,Tờ khai,photocopy,1,")
    rows.append("hotch,Khai tử,,0,Trong ngày,Tờ khai,original,1,")
    sheet.write_text("\n".join(rows), "utf-8")
    env = clean_env(tmp_path, KIOSK_CONFIG=str(tmp_path / "kiosk.toml"))
    (tmp_path / "kiosk.toml").write_text(config_text(), "utf-8")
    (result,) = run_kiosk_all(tmp_path, env, ["catalogue", "import", str(sheet)])
    assert result.returncode == 2
    assert 'row 1, column 9 = "colour": unknown column' in result.stderr
    rows[0] = ",".join(_HEADER)
    sheet.write_text("\n".join(r.removesuffix(",") for r in rows), "utf-8")
    (result,) = run_kiosk_all(tmp_path, env, ["catalogue", "import", str(sheet)])
    assert result.returncode == 2, result.stdout
    assert 'row 2, kind = "photocopy": use one of' in result.stderr
    assert 'row 3: procedures[1].field = "hotch": no such field' in result.stderr
    assert not (tmp_path / "catalogue.toml").exists()


def test_a_ticket_records_its_procedure_in_the_row_and_the_log(
    service: QueueService,
) -> None:
    plain = service.issue("hotich").ticket
    taken = service.issue("hotich", procedure="Đăng ký kết hôn").ticket
    assert plain.procedure is None
    assert taken.procedure == "Đăng ký kết hôn"
    assert [t.procedure for t in service.tickets()] == [None, "Đăng ký kết hôn"]
    issued = [e for e in service.events_after(0) if e.ticket_id == taken.id]
    assert issued[0].data == {"priority": False, "procedure": "Đăng ký kết hôn"}
    assert mismatches(service.tickets(), replay(service.events_after(0))) == []
    for bad in ("", "   ", "x" * 121):
        with pytest.raises(InvalidTicketState):
            service.issue("hotich", procedure=bad)
    assert len(service.tickets()) == 2  # refused before any number was taken


def test_the_cli_issues_for_a_procedure_of_the_catalogue_in_use(tmp_path: Path) -> None:
    env = clean_env(
        tmp_path,
        KIOSK_CONFIG=str(tmp_path / "kiosk.toml"),
        KIOSK_DB=f"sqlite:///{tmp_path / 'k.db'}",
    )
    text = config_text(**ALWAYS_OPEN).replace('catalogue = ""', 'catalogue = "c.toml"', 1)
    assert 'catalogue = "c.toml"' in text
    (tmp_path / "kiosk.toml").write_text(text, "utf-8")
    (tmp_path / "c.toml").write_text(sample_text(), "utf-8")
    (taken,) = run_kiosk_all(
        tmp_path, env, ["issue", "hotich", "--procedure", "Đăng ký khai tử", "--json"]
    )
    assert taken.returncode == 0, taken.stderr
    assert json.loads(taken.stdout)["ticket"]["procedure"] == "Đăng ký khai tử"
    wrong, elsewhere = run_kiosk_all(
        tmp_path,
        env,
        ["issue", "hotich", "--procedure", "Khai sinh"],
        ["issue", "chungthuc", "--procedure", "Đăng ký khai tử"],
    )
    for refused in (wrong, elsewhere):
        assert refused.returncode == 2
        assert refused.stderr.count("\n") == 1 and "has no procedure" in refused.stderr
    assert "Đăng ký khai sinh" in wrong.stderr  # it lists what there is
    # Today's report and export count and name it.
    report, export = run_kiosk_all(
        tmp_path, env, ["report", "--json"], ["export", "-o", "t.csv", "--lang", "en"]
    )
    assert report.returncode == 0 and export.returncode == 0, report.stderr + export.stderr
    rows = json.loads(report.stdout)["report"]["procedures"]
    assert [(r["label"], r["tickets"]) for r in rows] == [("Đăng ký khai tử", 1)]
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as f:
        (line,) = csv.DictReader(f)
    assert (line["procedure"], line["procedure_name"]) == ("Đăng ký khai tử", "Đăng ký khai tử")
    # A catalogue gone wrong does not stop a report: one line says how procedures are shown.
    (tmp_path / "c.toml").write_text("[[procedures]]\nfield = 'nope'\n", "utf-8")
    (report,) = run_kiosk_all(tmp_path, env, ["report"])
    assert report.returncode == 0 and "Theo thủ tục" not in report.stdout
    assert "Per procedure:" in report.stdout and "Đăng ký khai tử" in report.stdout
    assert report.stderr.count("\n") == 1 and report.stderr.startswith("kiosk: ")
    assert "c.toml has" in report.stderr and "as the tickets recorded them" in report.stderr
