"""The `kiosk` command run as a real process: exit codes, one-line errors and JSON shapes.

Every test uses its own SQLite file and a config written by `kiosk config init` whose hours
are widened to the whole week, so the tests pass at any time of day.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiosk import __version__
from kiosk.core.config import default_config_text, parse_config
from kiosk.core.pin import hash_pin, set_pin_in_toml, verify_pin
from tests.support import OFFICER_PIN, officers_toml

SHIPPED_HOURS = (
    'days = ["mon", "tue", "wed", "thu", "fri", "sat"]\nperiods = ["07:30-11:30", "13:30-17:00"]'
)
ALL_WEEK = 'days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]\nperiods = ["00:00-24:00"]'
TICKET_KEYS = {
    "id",
    "code",
    "field",
    "queue_field",
    "number",
    "priority",
    "state",
    "counter",
    "target_counter",
    "business_day",
    "issued_at",
    "called_at",
    "serving_at",
    "completed_at",
    "recalls",
    "transfers",
    "dossiers",
    "procedure",
    "officer",
}

Result = subprocess.CompletedProcess[str]


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment without the caller's KIOSK_* and with private platform dirs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(
        XDG_CONFIG_HOME=str(home / "xdg-config"),
        XDG_DATA_HOME=str(home / "xdg-data"),
        PYTHONUTF8="1",
        PYTHONIOENCODING="utf-8",
    )
    env.update(extra)
    return env


def start(args: Sequence[str], *, cwd: Path, env: dict[str, str], stdin: str | None = None) -> Any:
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def finish(proc: Any, stdin: str | None = None) -> Result:
    out, err = proc.communicate(stdin, timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def assert_one_line_error(result: Result, code: int, *fragments: str) -> str:
    """Exit `code`, nothing on stdout, exactly one `kiosk: …` line on stderr, no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == code, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kiosk: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert result.stdout == ""
    return lines[0]


@dataclass
class Kiosk:
    """Runs `kiosk` for one test: `run` adds this test's --db and --config after the command."""

    home: Path
    config: Path
    db: Path

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db}"

    def env(self, **extra: str) -> dict[str, str]:
        return clean_env(self.home, **extra)

    def raw(
        self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        proc = start(args, cwd=self.home, env=env or self.env(), stdin=stdin)
        return finish(proc, stdin)

    def run(self, *args: str, stdin: str | None = None) -> Result:
        return self.raw(*args, "--db", self.db_url, "--config", str(self.config), stdin=stdin)

    def ok(self, *args: str) -> Result:
        result = self.run(*args)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json").stdout)

    def parallel(self, *commands: Sequence[str]) -> list[Result]:
        """Independent commands at once (each process takes most of a second to start)."""
        procs = [start(c, cwd=self.home, env=self.env()) for c in commands]
        return [finish(p) for p in procs]


@pytest.fixture(scope="module")
def all_week_config_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    home = tmp_path_factory.mktemp("init")
    path = home / "kiosk.toml"
    result = finish(start(["config", "init", str(path)], cwd=home, env=clean_env(home)))
    assert result.returncode == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert SHIPPED_HOURS in text
    return text.replace(SHIPPED_HOURS, ALL_WEEK)


@pytest.fixture
def kiosk(tmp_path: Path, all_week_config_text: str) -> Kiosk:
    config = tmp_path / "kiosk.toml"
    config.write_text(all_week_config_text, encoding="utf-8")
    return Kiosk(home=tmp_path, config=config, db=tmp_path / "data" / "kiosk.db")


# ------------------------------------------------------------------ basics and config


def test_version_prints_the_package_version(kiosk: Kiosk) -> None:
    result = kiosk.raw("--version")

    assert result.returncode == 0
    assert result.stdout.strip() == f"kiosk {__version__}"


def test_no_command_prints_help_and_exits_2(kiosk: Kiosk) -> None:
    result = kiosk.raw()

    assert result.returncode == 2
    assert "usage: kiosk" in result.stdout


def test_config_init_writes_a_file_that_checks_and_is_not_overwritten_without_force(
    kiosk: Kiosk,
) -> None:
    path = kiosk.home / "new" / "kiosk.toml"

    init = kiosk.raw("config", "init", str(path))
    assert init.returncode == 0, init.stderr
    assert path.read_text(encoding="utf-8") == default_config_text()

    check = kiosk.raw("config", "check", str(path))
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith(f"{path}: OK – 7 fields, 6 counters")

    path.write_text("# my edits\n" + default_config_text(), encoding="utf-8")
    again = kiosk.raw("config", "init", str(path))
    assert_one_line_error(again, 2, "already exists", "--force")
    assert path.read_text(encoding="utf-8").startswith("# my edits\n")

    forced = kiosk.raw("config", "init", str(path), "--force")
    assert forced.returncode == 0, forced.stderr
    assert path.read_text(encoding="utf-8") == default_config_text()


def test_config_init_and_check_use_kiosk_config_when_no_path_is_given(kiosk: Kiosk) -> None:
    path = kiosk.home / "from-env.toml"
    env = kiosk.env(KIOSK_CONFIG=str(path))

    init = kiosk.raw("config", "init", env=env)
    assert init.returncode == 0, init.stderr
    assert path.exists()
    assert not (kiosk.home / "xdg-config").exists()

    check = kiosk.raw("config", "check", env=env)
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith(f"{path}: OK")


def test_config_check_of_a_bad_file_lists_every_problem_without_traceback(kiosk: Kiosk) -> None:
    bad = kiosk.home / "bad.toml"
    bad.write_text(
        default_config_text()
        .replace('id = "tranphu"', 'id = "tran phu"')
        .replace('prefix = "B"', 'prefix = "A"')
        .replace('target = "file"', 'target = "netwrok"'),
        encoding="utf-8",
    )
    broken = kiosk.home / "broken.toml"
    broken.write_text('[site]\nid = "x"\nname = \n', encoding="utf-8")

    listed, syntax, missing = kiosk.parallel(
        ["config", "check", str(bad)],
        ["config", "check", str(broken)],
        ["config", "check", str(kiosk.home / "missing.toml")],
    )

    assert listed.returncode == 2
    assert "Traceback" not in listed.stderr
    lines = listed.stderr.splitlines()
    assert lines[0] == f"kiosk: {bad} has 3 problems:"
    assert [line.split(" = ")[0] for line in lines[1:]] == [
        "  - site.id",
        "  - printer.target",
        "  - fields[1].prefix",
    ]
    assert 'did you mean "network"?' in listed.stderr
    assert syntax.returncode == 2
    assert "Traceback" not in syntax.stderr
    assert "(syntax): not valid TOML" in syntax.stderr
    assert "line 3" in syntax.stderr
    assert_one_line_error(missing, 2, "does not exist", "kiosk config init")


# ------------------------------------------------------------------ queue commands


def test_issue_call_pause_open_close_and_status_print_stable_json(kiosk: Kiosk) -> None:
    first = kiosk.json("issue", "hotich")
    assert set(first) == {
        "ticket",
        "people_ahead",
        "estimated_wait_minutes",
        "counters_open",
        "page_url",
    }
    assert set(first["ticket"]) == TICKET_KEYS
    assert first["ticket"]["code"] == "A001"
    assert first["ticket"]["state"] == "waiting"
    assert first["ticket"]["issued_at"].endswith("+07:00")
    assert first["people_ahead"] == 0
    # No counter of the field is open yet: no time is promised.
    assert (first["estimated_wait_minutes"], first["counters_open"]) == (None, 0)
    elder = kiosk.json("issue", "hotich", "--priority")
    assert (elder["ticket"]["code"], elder["ticket"]["priority"]) == ("A002", True)
    assert elder["people_ahead"] == 0

    called = kiosk.json("call", "1")
    assert set(called) == TICKET_KEYS
    assert (called["code"], called["state"], called["counter"]) == ("A002", "called", 1)
    assert called["called_at"] is not None

    options = ["--db", kiosk.db_url, "--config", str(kiosk.config)]
    paused, opened = kiosk.parallel(
        ["pause", "5", "--reason", "họp giao ban", "--json", *options], ["open", "6", *options]
    )
    assert json.loads(paused.stdout) == {"counter": 5, "state": "paused", "reason": "họp giao ban"}
    assert opened.stdout == "Counter 6 open\n"

    status = kiosk.json("status")
    assert set(status) == {
        "business_day",
        "at",
        "last_event_id",
        "fields",
        "counters",
        "recent_calls",
    }
    assert [f["code"] for f in status["fields"]][-1] == "ketqua"
    hotich = status["fields"][0]
    assert set(hotich) == {
        "code",
        "name",
        "name_en",
        "prefix",
        "waiting",
        "priority_waiting",
        "issued_today",
        "estimated_wait_minutes",
        "counters_open",
        "open_now",
        "closed_reason",
        "closed_reason_vi",
        "opens_at",
    }
    assert (hotich["code"], hotich["name"], hotich["waiting"], hotich["issued_today"]) == (
        "hotich",
        "Hộ tịch",
        1,
        2,
    )
    assert (hotich["open_now"], hotich["closed_reason"], hotich["opens_at"]) == (True, "", None)
    # Counter 1 opened with its call: a new ticket would come after A001 (8 typical minutes).
    assert (hotich["counters_open"], hotich["estimated_wait_minutes"]) == (1, 8)
    land = next(f for f in status["fields"] if f["code"] == "datdai")
    assert (land["counters_open"], land["estimated_wait_minutes"]) == (0, None)
    counters = {c["number"]: c for c in status["counters"]}
    assert sorted(counters) == [1, 2, 3, 4, 5, 6]
    assert set(counters[1]) == {
        "number",
        "name",
        "state",
        "reason",
        "fields",
        "ticket",
        "served_today",
        "avg_service_seconds",
        "officer",
        "officer_name",
    }
    assert counters[1]["state"] == "open"
    assert counters[1]["ticket"]["code"] == "A002"
    assert set(counters[1]["ticket"]) == TICKET_KEYS
    assert (counters[5]["state"], counters[5]["reason"]) == ("paused", "họp giao ban")
    assert (counters[6]["state"], counters[6]["fields"], counters[6]["ticket"]) == (
        "open",
        ["ketqua"],
        None,
    )
    assert counters[2]["state"] == "closed"
    (recent,) = status["recent_calls"]
    assert (recent["code"], recent["counter"], recent["recall"]) == ("A002", 1, False)
    assert status["last_event_id"] >= recent["event_id"]

    assert kiosk.json("close", "6") == {"counter": 6, "state": "closed"}
    assert kiosk.ok("issue", "datdai").stdout.endswith(": 0 ahead, no counter open yet\n")


def test_refusals_exit_1_and_unknown_names_exit_2_with_one_line(kiosk: Kiosk) -> None:
    # Separate databases: each process creates its own schema.
    db = kiosk.home / "db"
    common = ["--config", str(kiosk.config)]
    nobody, empty, field, counter, target = kiosk.parallel(
        ["call", "4", "--db", f"sqlite:///{db / 'a.db'}", *common],
        ["recall", "2", "--db", f"sqlite:///{db / 'e.db'}", *common],
        ["issue", "hotch", "--db", f"sqlite:///{db / 'b.db'}", *common],
        ["call", "9", "--db", f"sqlite:///{db / 'c.db'}", *common],
        ["transfer", "1", "--to-field", "tuphpa", "--db", f"sqlite:///{db / 'd.db'}", *common],
    )

    assert_one_line_error(nobody, 1, "No one is waiting for Land and construction")
    assert_one_line_error(empty, 1, "Counter 2 holds no ticket")
    assert_one_line_error(field, 2, 'No field "hotch"', 'Did you mean "hotich"?')
    assert_one_line_error(counter, 2, "No counter 9", "Counters: 1, 2, 3, 4, 5, 6")
    assert_one_line_error(target, 2, 'Did you mean "tuphap"?')


def test_a_ticket_is_recalled_skipped_returned_transferred_and_completed(kiosk: Kiosk) -> None:
    kiosk.ok("issue", "hotich")
    assert kiosk.ok("call", "1").stdout == "Counter 1 called A001\n"

    recalled = kiosk.json("recall", "1")
    assert (recalled["code"], recalled["recalls"]) == ("A001", 1)
    skipped = kiosk.json("skip", "1")
    assert (skipped["state"], skipped["counter"]) == ("skipped", None)
    returned = kiosk.json("return", "a001")
    assert (returned["code"], returned["state"]) == ("A001", "waiting")
    kiosk.ok("call", "1")
    serving = kiosk.json("start", "1")
    assert (serving["state"], serving["counter"]) == ("serving", 1)
    assert serving["serving_at"] is not None

    to_field = kiosk.json("transfer", "1", "--to-field", "tuphap")
    assert (to_field["field"], to_field["queue_field"]) == ("hotich", "tuphap")
    assert (to_field["state"], to_field["counter"], to_field["transfers"]) == ("waiting", None, 1)
    assert kiosk.json("call", "3")["code"] == "A001"
    to_counter = kiosk.json("transfer", "3", "--to-counter", "4")
    assert (to_counter["target_counter"], to_counter["transfers"]) == (4, 2)
    at_four = kiosk.json("call", "4")
    assert (at_four["code"], at_four["counter"], at_four["target_counter"]) == ("A001", 4, None)

    done = kiosk.json("complete", "4", "--dossiers", "3")
    assert (done["state"], done["dossiers"], done["counter"]) == ("completed", 3, 4)
    assert done["completed_at"] is not None

    full, later = kiosk.parallel(
        ["events", "--json", "--db", kiosk.db_url, "--config", str(kiosk.config)],
        ["events", "--since", "5", "--json", "--db", kiosk.db_url, "--config", str(kiosk.config)],
    )
    everything = json.loads(full.stdout)
    ids = [e["id"] for e in everything]
    assert ids == sorted(ids)
    assert [e["kind"] for e in everything if e["ticket_code"] == "A001"] == [
        "issued",
        "called",
        "recalled",
        "skipped",
        "returned",
        "called",
        "serving",
        "transferred",
        "called",
        "transferred",
        "called",
        "completed",
    ]
    assert set(everything[0]) == {
        "id",
        "at",
        "business_day",
        "kind",
        "ticket_id",
        "ticket_code",
        "counter",
        "field",
        "actor",
        "site",
        "data",
        "officer",
    }
    assert everything[-1]["data"]["dossiers"] == 3
    assert [e["id"] for e in json.loads(later.stdout)] == [i for i in ids if i > 5]
    assert json.loads(later.stdout) == [e for e in everything if e["id"] > 5]


def test_complete_says_1_dossier_and_3_dossiers(kiosk: Kiosk) -> None:
    kiosk.ok("issue", "hotich")
    kiosk.ok("issue", "hotich")
    kiosk.ok("call", "1")
    assert kiosk.ok("complete", "1").stdout == "Counter 1 completed (1 dossier) A001\n"
    kiosk.ok("call", "1")
    done = kiosk.ok("complete", "1", "--dossiers", "3")
    assert done.stdout == "Counter 1 completed (3 dossiers) A002\n"


# ------------------------------------------------------------------ database and options


def test_db_upgrade_creates_the_schema_then_says_up_to_date(kiosk: Kiosk) -> None:
    first = kiosk.ok("db", "upgrade")
    assert "upgraded from empty to" in first.stdout
    assert kiosk.db.exists()

    second = kiosk.ok("db", "upgrade")
    assert "is up to date" in second.stdout


def test_unusable_database_urls_exit_2_with_one_clear_line(kiosk: Kiosk) -> None:
    folder = kiosk.home / "a-folder"
    folder.mkdir()
    common = ["--config", str(kiosk.config)]

    scheme, unwritable, directory = kiosk.parallel(
        ["status", "--db", "foo://x", *common],
        ["status", "--db", "sqlite:////proc/nope/kiosk.db", *common],
        ["issue", "hotich", "--db", f"sqlite:///{folder}", *common],
    )

    assert_one_line_error(scheme, 2, "Unsupported database 'foo'", "sqlite:///")
    assert_one_line_error(unwritable, 2, "/proc/nope", "--db or KIOSK_DB")
    assert_one_line_error(directory, 2, f"Cannot open sqlite:///{folder}", "writable")


def test_env_vars_are_honoured_and_options_work_before_and_after_the_command(
    kiosk: Kiosk,
) -> None:
    kiosk.config.write_text(
        kiosk.config.read_text(encoding="utf-8").replace('prefix = "A"', 'prefix = "H"'),
        encoding="utf-8",
    )
    env = kiosk.env(KIOSK_DB=kiosk.db_url, KIOSK_CONFIG=str(kiosk.config))

    issued = kiosk.raw("issue", "hotich", "--json", env=env)

    assert issued.returncode == 0, issued.stderr
    assert json.loads(issued.stdout)["ticket"]["code"] == "H001"
    assert kiosk.db.exists()
    assert not (kiosk.home / "xdg-data").exists()

    db, config = ["--db", kiosk.db_url], ["--config", str(kiosk.config)]
    before, after = kiosk.parallel(
        [*db, *config, "--json", "status"], ["status", *db, *config, "--json"]
    )
    views = []
    for result in (before, after):
        assert result.returncode == 0, result.stderr
        views.append(
            [(f["prefix"], f["issued_today"]) for f in json.loads(result.stdout)["fields"]]
        )
    assert views[0] == views[1]
    assert views[0][0] == ("H", 1)


# ------------------------------------------------------------------ admin PIN


def test_set_pin_stores_a_verifiable_hash_and_keeps_the_rest_of_the_file(kiosk: Kiosk) -> None:
    before = kiosk.config.read_text(encoding="utf-8")

    stored = kiosk.raw("config", "set-pin", str(kiosk.config), "--pin-stdin", stdin="246810\n")

    assert stored.returncode == 0, stored.stderr
    assert stored.stdout == f"Admin PIN stored (hashed) in {kiosk.config}\n"
    after = kiosk.config.read_text(encoding="utf-8")
    pin_hash = parse_config(after).kiosk.admin_pin_hash
    assert pin_hash.startswith("pin6-pbkdf2_sha256$")
    assert verify_pin("246810", pin_hash)
    assert not verify_pin("246811", pin_hash)
    assert '"246810"' not in after

    def others(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith("admin_pin_hash")]

    assert others(after) == others(before)
    assert "# set with: kiosk config set-pin" in after

    letters, nowhere, folder = kiosk.parallel(
        ["config", "set-pin", str(kiosk.config), "--pin-stdin"],
        ["config", "set-pin", str(kiosk.home / "none.toml"), "--pin-stdin"],
        ["config", "set-pin", str(kiosk.home), "--pin-stdin"],
    )
    # parallel() gives no stdin: an empty PIN, refused like "12ab" below.
    assert_one_line_error(letters, 2, "The PIN must be 6 to 12 digits")
    assert_one_line_error(nowhere, 2, "none.toml", "kiosk config init")
    assert_one_line_error(folder, 2, "is not a file")

    for short in ("12ab", "1234", "12345"):
        refused = kiosk.raw("config", "set-pin", str(kiosk.config), "--pin-stdin", stdin=short)
        assert_one_line_error(refused, 2, "The PIN must be 6 to 12 digits; nothing changed")
    assert kiosk.config.read_text(encoding="utf-8") == after


def test_set_officer_pin_writes_that_officers_hash_and_clear_removes_it(kiosk: Kiosk) -> None:
    kiosk.config.write_text(
        kiosk.config.read_text(encoding="utf-8") + officers_toml(), encoding="utf-8"
    )
    before = kiosk.config.read_text(encoding="utf-8")
    stored = kiosk.raw(
        "config", "set-officer-pin", "lan", str(kiosk.config), "--pin-stdin", stdin="135790\n"
    )
    assert stored.returncode == 0, stored.stderr
    assert (
        stored.stdout == f"PIN of officer lan (Nguyễn Thị Lan) stored (hashed) in {kiosk.config}\n"
    )
    after = kiosk.config.read_text(encoding="utf-8")
    officers = {o.id: o for o in parse_config(after).officers}
    assert verify_pin("135790", officers["lan"].pin_hash)
    assert verify_pin(OFFICER_PIN, officers["minh"].pin_hash)  # the others untouched
    assert [x for x in after.splitlines() if "135790" in x or "pin_hash" not in x] == [
        x for x in before.splitlines() if "pin_hash" not in x
    ]

    unknown = kiosk.raw("config", "set-officer-pin", "lna", str(kiosk.config), "--pin-stdin")
    assert_one_line_error(unknown, 2, "No officer 'lna'", 'Did you mean "lan"?')
    short = kiosk.raw(
        "config", "set-officer-pin", "lan", str(kiosk.config), "--pin-stdin", stdin="1234\n"
    )
    assert_one_line_error(short, 2, "The PIN must be 6 to 12 digits; nothing changed")
    assert kiosk.config.read_text(encoding="utf-8") == after

    assert stat.S_IMODE(kiosk.config.stat().st_mode) == 0o600  # it holds a PIN hash now
    kiosk.config.chmod(0o644)
    warned = kiosk.raw("config", "check", str(kiosk.config))
    assert "holds a PIN or password hash and is readable by others" in warned.stderr
    cleared = kiosk.raw("config", "set-officer-pin", "minh", str(kiosk.config), "--clear")
    assert cleared.returncode == 0, cleared.stderr
    assert "PIN of officer minh (Trần Văn Minh) removed" in cleared.stdout
    assert {o.id: o.pin_hash for o in parse_config(kiosk.config.read_text("utf-8")).officers} == {
        "lan": officers["lan"].pin_hash,
        "minh": "",
        "hoa": "",
    }


def test_set_pin_without_a_terminal_says_to_pipe_it_in(kiosk: Kiosk) -> None:
    before = kiosk.config.read_text(encoding="utf-8")

    result = kiosk.raw("config", "set-pin", str(kiosk.config))  # stdin: not a terminal

    assert_one_line_error(result, 2, "No terminal to type the PIN on", "--pin-stdin")
    assert "GetPassWarning" not in result.stderr
    assert kiosk.config.read_text(encoding="utf-8") == before


def test_config_files_holding_secrets_are_private_and_check_warns_otherwise(
    kiosk: Kiosk,
) -> None:
    fresh = kiosk.home / "fresh.toml"
    made = kiosk.raw("config", "init", str(fresh))
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600  # it will hold the PIN hash

    kiosk.config.chmod(0o644)  # an older version wrote it readable by everyone
    stored = kiosk.raw("config", "set-pin", str(kiosk.config), "--pin-stdin", stdin="246810\n")
    assert stored.returncode == 0, stored.stderr
    assert stat.S_IMODE(kiosk.config.stat().st_mode) == 0o600  # tightened by the write
    checked = kiosk.raw("config", "check", str(kiosk.config))
    assert checked.returncode == 0 and checked.stderr == ""

    kiosk.config.chmod(0o644)  # copied around by hand, say
    warned = kiosk.raw("config", "check", str(kiosk.config))
    assert warned.returncode == 0, warned.stderr
    assert warned.stderr == (
        f"kiosk: warning: {kiosk.config} holds a PIN or password hash and is readable by "
        f"others (mode 644); run: chmod 600 {kiosk.config}\n"
    )


def test_config_check_asks_for_a_new_pin_when_an_old_version_set_a_short_one(
    kiosk: Kiosk,
) -> None:
    old = hash_pin("1234", iterations=1000, tag="pbkdf2_sha256")
    text = kiosk.config.read_text(encoding="utf-8")
    kiosk.config.write_text(set_pin_in_toml(text, old), encoding="utf-8")
    kiosk.config.chmod(0o600)

    warned = kiosk.raw("config", "check", str(kiosk.config))

    assert warned.returncode == 0, warned.stderr
    assert warned.stderr == (
        "kiosk: warning: the admin PIN was set by an older version that allowed 4 digits; "
        "set a new one of 6 to 12 digits with: kiosk config set-pin\n"
    )
