"""The configuration file: the shipped default, every kind of mistake, and opening hours."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

import pytest

from kiosk.core import config as config_module
from kiosk.core.config import (
    Config,
    ConfigInvalid,
    ConfigProblem,
    OpeningHours,
    SoundConfig,
    default_config_text,
    load_config,
    parse_config,
)
from kiosk.core.errors import ConfigError
from tests.support import config_text, local, make_config

ALL_COUNTERS = "".join(f"[[counters]]\nnumber = {n}\n" for n in range(1, 7))


def problems_of(text: str) -> list[ConfigProblem]:
    with pytest.raises(ConfigInvalid) as info:
        parse_config(text, "test.toml")
    return info.value.problems


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of `text` containing `needle`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# ------------------------------------------------------------------ the shipped default


def test_shipped_default_describes_a_commune_point_with_seven_fields_and_six_counters() -> None:
    cfg = parse_config(default_config_text(), "default")

    assert [f.code for f in cfg.fields] == [
        "hotich",
        "chungthuc",
        "datdai",
        "xahoi",
        "tuphap",
        "kinhte",
        "ketqua",
    ]
    assert "Nhận kết quả" in [f.name for f in cfg.fields]
    assert [c.number for c in cfg.counters] == [1, 2, 3, 4, 5, 6]
    assert "024.1022" in cfg.site.hotlines
    assert "1900 1009" in cfg.site.hotlines
    assert cfg.site.timezone == "Asia/Ho_Chi_Minh"
    assert str(cfg.zone) == "Asia/Ho_Chi_Minh"


def test_a_call_is_said_twice_by_default_and_up_to_three_times() -> None:
    assert make_config().sound.repeat == 2
    assert SoundConfig().repeat == 2
    for n in (1, 3):
        assert make_config(**{"repeat = 2 ": f"repeat = {n} "}).sound.repeat == n


def test_call_guard_is_2_seconds_unless_set_and_0_turns_it_off() -> None:
    line = "call_guard_seconds = 2.0"
    assert parse_config(config_text(**{line: ""})).queue.call_guard_seconds == 2.0
    assert (
        parse_config(config_text(**{line: "call_guard_seconds = 0"})).queue.call_guard_seconds == 0
    )
    assert (
        parse_config(config_text(**{line: "call_guard_seconds = 4"})).queue.call_guard_seconds == 4
    )


def test_shipped_default_gives_every_counter_a_field_and_every_field_its_own_prefix() -> None:
    cfg = parse_config(default_config_text())

    assert all(cfg.fields_of_counter(c.number) for c in cfg.counters)
    prefixes = [f.prefix for f in cfg.fields]
    assert len(set(prefixes)) == len(prefixes)
    assert cfg.field("ketqua") is not None
    assert cfg.field("ketqua").counters == [6]  # type: ignore[union-attr]
    assert cfg.printer.dots == 576
    assert cfg.kiosk.admin_pin_hash == ""


def test_counter_labels_default_to_quay_n_and_counter_n() -> None:
    cfg = parse_config(default_config_text())

    assert cfg.counter(3).label_vi == "Quầy 3"  # type: ignore[union-attr]
    assert cfg.counter(3).label_en == "Counter 3"  # type: ignore[union-attr]
    assert cfg.counter(7) is None


def test_field_order_puts_listed_fields_first_then_the_rest_as_written() -> None:
    cfg = parse_config(
        config_text(
            **{"tap_guard_ms = 1500": 'tap_guard_ms = 1500\nfield_order = ["ketqua", "datdai"]'}
        )
    )

    codes = [f.code for f in cfg.ordered_fields()]
    assert codes[:3] == ["ketqua", "datdai", "hotich"]
    assert sorted(codes) == sorted(f.code for f in cfg.fields)


def test_utf8_file_with_byte_order_mark_loads(tmp_path: Path) -> None:
    # Windows Notepad may add a BOM when saving as UTF-8.
    path = tmp_path / "kiosk.toml"
    path.write_bytes(b"\xef\xbb\xbf" + default_config_text().encode("utf-8"))

    assert load_config(str(path)).site.id == "tranphu"


# ------------------------------------------------------------------ bad configs

_SYNTAX_TEXT = config_text(**{'address = "Xã Trần Phú, Hà Nội"': 'address = "Xã Trần Phú'})
_NO_COUNTERS = config_text(**{ALL_COUNTERS: "", "[site]\n": "counters = 5\n\n[site]\n"})

BAD_CONFIGS = [
    pytest.param(
        _SYNTAX_TEXT,
        "(syntax)",
        f"line {line_of(_SYNTAX_TEXT, 'address =')}",
        id="malformed-toml-names-the-line",
    ),
    pytest.param(
        config_text("\n[sounds]\nenabled = false\n"),
        "sounds",
        'unknown key; did you mean "sound"?',
        id="unknown-top-level-key",
    ),
    pytest.param(
        config_text(**{'timezone = "Asia/Ho_Chi_Minh"': 'time_zone = "Asia/Ho_Chi_Minh"'}),
        "site.time_zone",
        'did you mean "timezone"?',
        id="misspelt-site-key",
    ),
    pytest.param(
        config_text(**{"timeout_seconds = 8": "timeout_second = 8"}),
        "printer.timeout_second",
        'did you mean "timeout_seconds"?',
        id="misspelt-printer-key",
    ),
    pytest.param(
        config_text(
            **{"counters = [1, 2]\nservice_minutes = 8": "counters = [1, 2]\nservice_minute = 8"}
        ),
        "fields[0].service_minute",
        'did you mean "service_minutes"?',
        id="misspelt-field-key",
    ),
    pytest.param(
        config_text(
            **{"service_minutes = 3\n": 'service_minutes = 3\n\n[fields.hours]\ndayz = ["mon"]\n'}
        ),
        "fields[6].hours.dayz",
        'did you mean "days"?',
        id="misspelt-key-in-field-hours",
    ),
    pytest.param(
        config_text(**{'timezone = "Asia/Ho_Chi_Minh"': 'timezone = "Asia/Ho_Chi_Min"'}),
        "site.timezone",
        'did you mean "Asia/Ho_Chi_Minh"?',
        id="misspelt-time-zone",
    ),
    pytest.param(
        config_text(**{'timezone = "Asia/Ho_Chi_Minh"': 'timezone = "Asia"'}),
        "site.timezone",
        "unknown time zone",
        id="time-zone-that-is-a-region-folder",
    ),
    pytest.param(
        config_text(**{'prefix = "B"': 'prefix = "A"'}),
        "fields[1].prefix",
        "already used by fields[0] (hotich)",
        id="duplicate-prefix",
    ),
    pytest.param(
        config_text(**{'code = "chungthuc"': 'code = "hotich"'}),
        "fields[1].code",
        "already used by fields[0]",
        id="duplicate-field-code",
    ),
    pytest.param(
        config_text(**{"number = 2\n": "number = 1\n"}),
        "counters[1].number",
        "counter 1 is already defined at counters[0]",
        id="duplicate-counter-number",
    ),
    pytest.param(
        config_text(**{"counters = [6]": "counters = []"}),
        "fields[6].counters",
        "served by no counter",
        id="field-served-by-no-counter",
    ),
    pytest.param(
        config_text(**{"counters = [4]": "counters = [4, 7]"}),
        "fields[2].counters[1]",
        "no counter 7 is defined",
        id="field-names-a-missing-counter",
    ),
    pytest.param(
        config_text(**{"number = 6\n": "number = 0\n"}),
        "counters[5].number",
        "from 1 to 99",
        id="counter-number-0",
    ),
    pytest.param(
        config_text(**{"number = 6\n": "number = 100\n"}),
        "counters[5].number",
        "from 1 to 99",
        id="counter-number-100",
    ),
    pytest.param(
        config_text(**{"[[counters]]\nnumber = 1\n": "[[counters]]\nnumber = true\n"}),
        "counters[0].number",
        "must be a whole number without quotes, e.g. 3, not true/false",
        id="counter-number-boolean",
    ),
    pytest.param(
        config_text(**{'"13:30-17:00"': '"13h30-17h00"'}),
        "hours.periods[1]",
        '"HH:MM-HH:MM"',
        id="period-format",
    ),
    pytest.param(
        config_text(**{'"13:30-17:00"': '"13:30-25:00"'}),
        "hours.periods[1]",
        "hours go from 00 to 23",
        id="period-hour-25",
    ),
    pytest.param(
        config_text(**{'"13:30-17:00"': '"17:00-13:30"'}),
        "hours.periods[1]",
        "ends (13:30) before it starts (17:00)",
        id="period-ends-before-it-starts",
    ),
    pytest.param(
        config_text(**{'"13:30-17:00"': '"11:00-17:00"'}),
        "hours.periods",
        "periods 07:30-11:30 and 11:00-17:00 overlap",
        id="overlapping-periods",
    ),
    pytest.param(
        config_text(**{'"fri", "sat"]': '"fri", "sat", "sunday"]'}),
        "hours.days[6]",
        'did you mean "sun"?',
        id="unknown-weekday",
    ),
    pytest.param(
        config_text(**{'prefix = "A"': 'prefix = "a"'}),
        "fields[0].prefix",
        "capital letters",
        id="prefix-lower-case",
    ),
    pytest.param(
        config_text(**{'prefix = "A"': 'prefix = "Â"'}),
        "fields[0].prefix",
        "without accents",
        id="prefix-accented",
    ),
    pytest.param(
        config_text(**{'prefix = "A"': 'prefix = "ABC"'}),
        "fields[0].prefix",
        "one or two capital letters",
        id="prefix-too-long",
    ),
    pytest.param(
        config_text(**{'code = "hotich"': 'code = "Hộ tịch"'}),
        "fields[0].code",
        "lower-case letters",
        id="field-code-with-accents-and-space",
    ),
    pytest.param(
        config_text(**{'name_en = "Civil status"\n': ""}),
        "fields[0].name_en",
        "required key is missing",
        id="missing-name-en",
    ),
    pytest.param(
        config_text(**{"counters = [1, 2]": 'counters = "1,2"'}),
        "fields[0].counters",
        "must be a list in square brackets, e.g. [1, 2], not text",
        id="counters-as-a-string",
    ),
    pytest.param(
        _NO_COUNTERS,
        "counters",
        "must be a list in square brackets, e.g. [1, 2], not a whole number",
        id="top-level-counters-not-a-list",
    ),
    pytest.param(
        config_text(**{"counters = [6]\n": "counters = [6]\ndaily_cap = 0\n"}),
        "fields[6].daily_cap",
        "from 1 to 9999",
        id="daily-cap-0",
    ),
    pytest.param(
        config_text(**{"volume = 0.9": "volume = -0.5"}),
        "sound.volume",
        "greater than or equal to 0",
        id="negative-volume",
    ),
    pytest.param(
        config_text(**{"repeat = 2 ": "repeat = 0 "}),
        "sound.repeat",
        "greater than or equal to 1",
        id="sound-repeat-0",
    ),
    pytest.param(
        config_text(**{"repeat = 2 ": "repeat = 4 "}),
        "sound.repeat",
        "less than or equal to 3",
        id="sound-repeat-4",
    ),
    pytest.param(
        config_text(**{'priority_policy = "interleaved"': 'priority_policy = "strickt"'}),
        "queue.priority_policy",
        'did you mean "strict"?',
        id="priority-policy-misspelt",
    ),
    pytest.param(
        config_text(**{"paper_mm = 80": "paper_mm = 70"}),
        "printer.paper_mm",
        "use one of 58 or 80",
        id="paper-70-mm",
    ),
    pytest.param(
        config_text(**{'target = "file"': 'target = "netwrok"'}),
        "printer.target",
        'did you mean "network"?',
        id="printer-target-misspelt",
    ),
    pytest.param(
        config_text(**{'target = "file"': 'target = "network"'}),
        "printer.host",
        "needs a host",
        id="network-printer-without-host",
    ),
    pytest.param(
        config_text(**{'target = "file"': 'target = "cups"'}),
        "printer.printer_name",
        "name the printer",
        id="cups-printer-without-name",
    ),
    pytest.param(
        config_text(
            **{"tap_guard_ms = 1500": 'tap_guard_ms = 1500\nfield_order = ["hotich", "ketqa"]'}
        ),
        "kiosk.field_order[1]",
        'unknown field; did you mean "ketqua"?',
        id="field-order-unknown-field",
    ),
    pytest.param(
        config_text(**{"call_guard_seconds = 2.0": "call_guard_seconds = 31"}),
        "queue.call_guard_seconds",
        "less than or equal to 30",
        id="call-guard-too-long",
    ),
    pytest.param(
        config_text(**{"call_guard_seconds = 2.0": "call_guard_seconds = -1"}),
        "queue.call_guard_seconds",
        "greater than or equal to 0",
        id="call-guard-negative",
    ),
    pytest.param(
        config_text(**{'id = "tranphu"': 'id = "tran phu"'}),
        "site.id",
        "no spaces",
        id="site-id-with-space",
    ),
    pytest.param(
        config_text(**{'authority = ""': 'authority = "UBND\\nXÃ AN KHÁNH"'}),
        "reports.authority",
        "on one line",
        id="report-authority-on-two-lines",
    ),
    pytest.param(
        config_text(**{'head_title = "THỦ TRƯỞNG ĐƠN VỊ"': 'head_title = "  "'}),
        "reports.head_title",
        'e.g. "THỦ TRƯỞNG ĐƠN VỊ" or "CHỦ TỊCH"',
        id="report-head-title-empty",
    ),
    pytest.param(
        config_text(**{'prepared_by = ""': f'prepared_by = "{"Nguyễn Văn An " * 7}"'}),
        "reports.prepared_by",
        "at most 80 characters",
        id="report-signer-too-long",
    ),
    pytest.param(
        config_text(**{"national_heading = true": 'national_heading = "yes"'}),
        "reports.national_heading",
        "true or false",
        id="report-heading-not-a-boolean",
    ),
]


@pytest.mark.parametrize(("text", "key", "fragment"), BAD_CONFIGS)
def test_bad_config_is_reported_at_its_key_with_a_fix(text: str, key: str, fragment: str) -> None:
    problems = problems_of(text)

    at_key = [p for p in problems if p.key == key]
    assert at_key, f"no problem at {key!r}; got {[str(p) for p in problems]}"
    assert any(fragment in p.message for p in at_key), [str(p) for p in at_key]


def test_duplicate_prefix_is_reported_with_both_fields() -> None:
    (problem,) = problems_of(config_text(**{'prefix = "G"': 'prefix = "D"'}))

    assert problem.key == "fields[5].prefix"
    assert problem.value == '"D"'
    assert "fields[3] (xahoi)" in problem.message


def test_problem_shows_the_bad_value_as_written_in_toml() -> None:
    (site_id,) = problems_of(config_text(**{'id = "tranphu"': 'id = "tran phu"'}))
    flag = problems_of(
        config_text(**{"[[counters]]\nnumber = 1\n": "[[counters]]\nnumber = false\n"})
    )

    assert str(site_id).startswith('site.id = "tran phu": use 1-40 lower-case letters')
    assert str(flag[0]).startswith("counters[0].number = false: ")


def test_several_problems_in_one_file_are_all_reported_together() -> None:
    text = config_text(
        **{
            'id = "tranphu"': 'id = "Trần Phú"',
            "volume = 0.9": "volume = 2",
            "paper_mm = 80": "paper_mm = 70",
            'prefix = "B"': 'prefix = "A"',
            "recent_calls = 6": "recent_calls = 6\nrecent_call = 3",
        }
    )

    problems = problems_of(text)

    assert sorted(p.key for p in problems) == [
        "display.recent_call",
        "fields[1].prefix",
        "printer.paper_mm",
        "site.id",
        "sound.volume",
    ]


def test_empty_file_asks_for_counters_and_fields() -> None:
    problems = problems_of("")

    assert [(p.key, p.message.split(";")[0]) for p in problems] == [
        ("counters", "no counters"),
        ("fields", "no fields"),
    ]


def test_config_invalid_message_names_the_file_and_counts_the_problems(tmp_path: Path) -> None:
    path = tmp_path / "điểm" / "kiosk.toml"
    path.parent.mkdir()
    path.write_text(
        config_text(**{'id = "tranphu"': 'id = "tran phu"', "volume = 0.9": "volume = 2"}),
        encoding="utf-8",
    )

    with pytest.raises(ConfigInvalid) as info:
        load_config(str(path))

    err = info.value
    assert err.path == str(path)
    assert err.exit_code == 2
    assert err.message("en").startswith(f"{path} has 2 problems:\n")
    assert '  - site.id = "tran phu": ' in err.message("en")
    assert str(path) in err.message("vi")
    assert "2 lỗi" in err.message("vi")


def test_missing_config_file_says_how_to_create_it(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"

    with pytest.raises(ConfigError) as info:
        load_config(str(path))

    assert not isinstance(info.value, ConfigInvalid)
    assert f"kiosk config init {path}" in info.value.message("en")


def test_config_file_that_is_not_utf8_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_bytes(default_config_text().encode("cp1258", errors="replace"))

    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(str(path))


def test_directory_given_as_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read config file"):
        load_config(str(tmp_path))


def test_kiosk_config_env_is_used_when_no_path_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / "env.toml"
    env_file.write_text(config_text(**{'id = "tranphu"': 'id = "from-env"'}), encoding="utf-8")
    explicit = tmp_path / "explicit.toml"
    explicit.write_text(config_text(**{'id = "tranphu"': 'id = "explicit"'}), encoding="utf-8")
    monkeypatch.setenv("KIOSK_CONFIG", str(env_file))

    assert load_config().site.id == "from-env"
    assert load_config(str(explicit)).site.id == "explicit"


def test_built_in_default_is_used_when_no_file_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.setattr(config_module, "default_config_path", lambda: tmp_path / "none.toml")

    cfg = load_config()

    assert isinstance(cfg, Config)
    assert len(cfg.fields) == 7


# ------------------------------------------------------------------ opening hours

# Defaults of the shipped file: Monday to Saturday, 07:30-11:30 and 13:30-17:00.
# 23/11/2026 is a Monday, 28/11 a Saturday, 29/11 a Sunday.


@pytest.fixture
def hours() -> OpeningHours:
    return parse_config(default_config_text()).hours


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        pytest.param(local(2026, 11, 23, 7, 29), False, id="before-opening"),
        pytest.param(local(2026, 11, 23, 7, 30), True, id="opening-minute-is-open"),
        pytest.param(local(2026, 11, 23, 11, 29, 59), True, id="last-second-of-morning"),
        pytest.param(local(2026, 11, 23, 11, 30), False, id="lunch-starts-at-period-end"),
        pytest.param(local(2026, 11, 23, 12, 45), False, id="lunch-break"),
        pytest.param(local(2026, 11, 23, 13, 30), True, id="afternoon-opens"),
        pytest.param(local(2026, 11, 23, 17, 0), False, id="end-of-day"),
        pytest.param(local(2026, 11, 28, 9, 0), True, id="saturday-morning"),
        pytest.param(local(2026, 11, 29, 9, 0), False, id="sunday"),
    ],
)
def test_is_open_follows_days_and_periods(
    hours: OpeningHours, moment: datetime, is_open: bool
) -> None:
    assert hours.is_open(moment) is is_open


@pytest.mark.parametrize(
    ("moment", "opens"),
    [
        pytest.param(local(2026, 11, 23, 12, 0), local(2026, 11, 23, 13, 30), id="after-lunch"),
        pytest.param(local(2026, 11, 23, 9, 0), local(2026, 11, 23, 13, 30), id="while-open"),
        pytest.param(local(2026, 11, 23, 17, 0), local(2026, 11, 24, 7, 30), id="end-of-day"),
        pytest.param(local(2026, 11, 23, 6, 0), local(2026, 11, 23, 7, 30), id="early-morning"),
        pytest.param(local(2026, 11, 28, 17, 30), local(2026, 11, 30, 7, 30), id="weekend"),
        pytest.param(local(2026, 11, 29, 10, 0), local(2026, 11, 30, 7, 30), id="sunday"),
    ],
)
def test_next_opening_skips_lunch_evenings_and_closed_days(
    hours: OpeningHours, moment: datetime, opens: datetime
) -> None:
    found = hours.next_opening(moment)

    assert found == opens
    assert found is not None and found.tzinfo == moment.tzinfo


def test_next_opening_is_none_when_no_day_is_open() -> None:
    never = OpeningHours.model_validate({"days": [], "periods": ["07:30-11:30"]})

    assert never.next_opening(local(2026, 11, 23, 8, 0)) is None
    assert not never.is_open(local(2026, 11, 23, 8, 0))


def test_periods_are_sorted_so_next_opening_finds_the_earliest() -> None:
    hours = OpeningHours.model_validate(
        {"days": ["mon"], "periods": ["13:30-17:00", "07:30-11:30"]}
    )

    assert [str(p) for p in hours.periods] == ["07:30-11:30", "13:30-17:00"]
    assert hours.next_opening(local(2026, 11, 23, 6, 0)) == local(2026, 11, 23, 7, 30)


def test_period_until_24_00_stays_open_to_the_last_instant_of_the_day() -> None:
    all_day = OpeningHours.model_validate(
        {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "periods": ["00:00-24:00"]}
    )

    assert str(all_day.periods[0]) == "00:00-24:00"
    assert all_day.is_open(local(2026, 11, 23, 0, 0))
    assert all_day.is_open(local(2026, 11, 23, 23, 59, 59).replace(microsecond=999_000))
    assert all_day.periods[0].contains(time(23, 59, 59, 999_999))
    assert all_day.next_opening(local(2026, 11, 23, 23, 0)) == local(2026, 11, 24, 0, 0)


def test_field_hours_override_the_site_hours() -> None:
    cfg = parse_config(
        config_text(
            **{
                "service_minutes = 3\n": 'service_minutes = 3\n\n[fields.hours]\ndays = ["sat"]\n'
                'periods = ["08:00-10:00"]\n'
            }
        )
    )
    ketqua = cfg.field("ketqua")
    hotich = cfg.field("hotich")
    assert ketqua is not None and hotich is not None

    monday = local(2026, 11, 23, 9, 0)
    assert cfg.hours_of(hotich).is_open(monday)
    assert not cfg.hours_of(ketqua).is_open(monday)
    assert cfg.hours_of(ketqua).next_opening(monday) == local(2026, 11, 28, 8, 0)


def test_sync_section_defaults_to_no_centre_every_30_seconds() -> None:
    sync = make_config().sync
    assert (sync.central_url, sync.interval_seconds, sync.batch_events) == ("", 30.0, 5000)


def test_a_bad_central_url_is_reported_with_its_password_masked() -> None:
    text = config_text(
        **{
            'central_url = ""': 'central_url = "mysql://site_a:pa@ss-word@centre:3306/city"',
            "interval_seconds = 30": "interval_seconds = 0",
        }
    )
    problems = {p.key: p for p in problems_of(text)}
    assert set(problems) == {"sync.central_url", "sync.interval_seconds"}
    url = problems["sync.central_url"]
    assert url.value == '"mysql://site_a:***@centre:3306/city"'
    assert "kiosk central add-site" in url.message and "pa@ss" not in str(url)
