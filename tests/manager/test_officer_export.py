"""Exports carry the officer who served each ticket (issue #18): the id and the configured
name (the id when the officer is no longer configured), in CSV (SQLite's own lines and the
csv module's), JSONL and XLSX."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from kiosk.core.clock import ManualClock
from kiosk.core.config import Config
from kiosk.core.queue import QueueService
from kiosk.core.store import Store
from kiosk.reports.export import TICKET_COLUMNS, ExportFormat, ExportRequest, export
from kiosk.reports.history import History, HistoryFilter
from tests.manager.conftest import AFTER, DAY1
from tests.support import OFFICER_PIN, local, officers_config

KEYS = [k for k, _, _ in TICKET_COLUMNS]
#: (code, officer, officer_name) in export order, "lan" no longer configured when exported.
EXPECTED = [("A001", "minh", "Trần Văn Minh"), ("A002", "lan", "lan"), ("A003", None, None)]


@pytest.fixture
def exported_config(store: Store, clock: ManualClock) -> Config:
    """A001 called by Lan, completed by Minh after a shift change; A002 called by Lan at
    counter 2 and skipped; A003 never called. Lan has left the config since."""
    staffed = QueueService(store, officers_config(), clock)
    clock.set(local(2026, 11, 23, 8, 0))
    for _ in range(3):
        staffed.issue("hotich")
    staffed.sign_in(1, "lan")
    staffed.call_next(1)
    clock.set(local(2026, 11, 23, 8, 10))
    staffed.sign_in(1, "minh", pin=OFFICER_PIN)
    staffed.complete(1)
    staffed.sign_in(2, "lan")
    staffed.call_next(2)
    staffed.skip(2)
    cfg = officers_config()
    return cfg.model_copy(update={"officers": [o for o in cfg.officers if o.id != "lan"]})


def _export(store: Store, config: Config, path: Path, fmt: ExportFormat) -> Path:
    export(store, config, ExportRequest(HistoryFilter(DAY1, DAY1), fmt, path), today=AFTER)
    return path


@pytest.mark.parametrize("in_sql", [True, False], ids=["sqlite-formats", "python-formats"])
def test_csv_names_the_officer_who_served_each_ticket(
    store: Store,
    exported_config: Config,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    in_sql: bool,
) -> None:
    monkeypatch.setattr(History, "format_in_sql", in_sql)
    path = _export(store, exported_config, tmp_path / "day.csv", ExportFormat.CSV)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][-4:] == ["rating", "rating_reasons", "officer", "officer_name"]
    assert [(r[1], r[-2], r[-1]) for r in rows[1:]] == [
        (code, who or "", name or "") for code, who, name in EXPECTED
    ]


def test_jsonl_and_xlsx_name_the_officer_too(
    store: Store, exported_config: Config, tmp_path: Path
) -> None:
    path = _export(store, exported_config, tmp_path / "day.jsonl", ExportFormat.JSONL)
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert [(x["code"], x["officer"], x["officer_name"]) for x in lines] == EXPECTED
    assert list(lines[0]) == KEYS
    path = _export(store, exported_config, tmp_path / "day.xlsx", ExportFormat.XLSX)
    rows = list(openpyxl.load_workbook(path)["Dữ liệu"].iter_rows(values_only=True))
    assert rows[0][-2:] == ("Mã cán bộ", "Cán bộ")
    assert [(r[1], r[-2], r[-1]) for r in rows[1:]] == EXPECTED


def test_a_long_name_map_gives_every_name_on_sqlite(tmp_path: Path) -> None:
    """The fast CSV path splits a long map of names by `<` before its CASE (a busy centre has
    120 officers): every key, keys it does not hold, NULL and keys between others still get
    exactly what a dictionary lookup gives."""
    from sqlalchemy import create_engine, literal, null, select

    from kiosk.reports.history import _lookup

    names = {f"cb{i:03d}": f"Cán bộ số {i}" for i in range(0, 240, 2)}
    names["a"] = "Đầu"
    names["z-9"] = "Cuối"
    probes = [*names, "cb001", "cb239", "cb999", "", "b", "zz", "nghihuu"]
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        for key in probes:
            got = conn.execute(select(_lookup(literal(key), names, ordered=True))).scalar()
            assert got == names.get(key, key), key
        assert conn.execute(select(_lookup(null(), names, ordered=True))).scalar() is None
