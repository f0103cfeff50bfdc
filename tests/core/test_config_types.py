"""No option of the config changes meaning silently: TOML types are never converted.

`daily_cap = true` used to load as a cap of 1, `counters = [true]` as counter 1 and
`service_minutes = true` as 1.0, and `config check` said OK. The walk below visits every
option of the config's tables (so a new option is covered without touching this file), writes
a real config file with a value of each wrong TOML type at that key, and requires a problem
naming the key. Each option's own type must still load, including a whole number for a
decimal option (`service_minutes = 6`).
"""

from __future__ import annotations

import copy
import dataclasses
import re
import tomllib
import types
import typing
from collections.abc import Iterator
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
import tomli_w

from kiosk.core.config import (
    Config,
    ConfigInvalid,
    Period,
    StrictTable,
    default_config_text,
    load_config,
)
from kiosk.core.pin import hash_pin
from tests.core.test_cli import clean_env
from tests.support import run_kiosk_all

#: One value of each TOML type, close to what a person might write by mistake.
KINDS = ("bool", "int", "float", "str", "list", "table", "date")


def _strip(annotation: Any) -> Any:
    """The type behind Optional[...] and Annotated[...]."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            rest = [a for a in get_args(annotation) if a is not type(None)]
            assert len(rest) == 1, f"teach this test the union {annotation}"
            annotation = rest[0]
        else:
            return annotation


def accepted(annotation: Any) -> set[str]:
    """The TOML types an option of this annotation must accept."""
    ann = _strip(annotation)
    if ann is bool:
        return {"bool"}
    if ann is int:
        return {"int"}
    if ann is float:
        return {"int", "float"}
    if ann is str or ann is Period or (isinstance(ann, type) and issubclass(ann, Enum)):
        return {"str"}
    if get_origin(ann) is Literal:
        return {type(v).__name__ for v in get_args(ann)}
    if get_origin(ann) is list:
        return {"list"}
    if isinstance(ann, type) and issubclass(ann, StrictTable):
        return {"table"}
    raise AssertionError(f"teach this test the TOML type of {annotation}")


def options(model: type[StrictTable], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(key path, annotation) of every option, nested tables and list items included."""
    hints = typing.get_type_hints(model, include_extras=True)
    for f in dataclasses.fields(model):
        key = f"{prefix}.{f.name}" if prefix else f.name
        yield from _option(key, hints[f.name])


def _option(key: str, annotation: Any) -> Iterator[tuple[str, Any]]:
    yield key, annotation
    ann = _strip(annotation)
    if isinstance(ann, type) and issubclass(ann, StrictTable):
        yield from options(ann, key)
    elif get_origin(ann) is list:
        yield from _option(f"{key}[0]", get_args(ann)[0])


_STEP = re.compile(r"([a-z_]+)|\[(\d+)\]")


def _steps(key: str) -> list[str | int]:
    return [name or int(index) for name, index in _STEP.findall(key)]


def base_config() -> dict[str, Any]:
    """The shipped config, with the optional keys present (fields[0].hours, a field order)."""
    raw = tomllib.loads(default_config_text())
    raw.setdefault("kiosk", {})["field_order"] = ["hotich"]
    raw["fields"][0]["hours"] = {"days": ["mon", "tue"], "periods": ["07:30-11:30"]}
    raw["fields"][0]["daily_cap"] = 120
    raw["web"]["trusted_proxies"] = ["127.0.0.1"]
    pin = hash_pin("123456", iterations=1)
    raw["officers"] = [{"id": "lan", "name": "Nguyễn Thị Lan", "pin_hash": pin, "counters": [1]}]
    return raw


def _model_default(key: str) -> Any:
    """The model's default for `key`, as TOML would write it."""
    assert not key.endswith("]"), f"put an item of {key} in base_config()"
    model: Any = Config
    *parents, last = [s for s in _steps(key) if isinstance(s, str)]
    for name in parents:
        model = _strip(typing.get_type_hints(model, include_extras=True)[name])
        if get_origin(model) is list:
            model = _strip(get_args(model)[0])
    f = next(f for f in dataclasses.fields(model) if f.name == last)
    default = f.default_factory() if f.default is dataclasses.MISSING else f.default
    return _toml(default)


def _toml(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Period):
        return str(value)
    if isinstance(value, list):
        return [_toml(v) for v in value]
    if isinstance(value, StrictTable):
        return {k: _toml(v) for k, v in value.model_dump().items() if v is not None}
    return value


def valid_value(raw: dict[str, Any], key: str) -> Any:
    """The value at `key` in the base config, else the model's default."""
    node: Any = raw
    for step in _steps(key):
        try:
            node = node[step]
        except (KeyError, IndexError):
            return _model_default(key)
    return node


def with_value(raw: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """A copy of `raw` with `value` at `key` (a list gets the value as its first item)."""
    out = copy.deepcopy(raw)
    node: Any = out
    steps = _steps(key)
    for i, step in enumerate(steps[:-1]):
        if isinstance(node, dict) and step not in node:
            node[step] = [] if isinstance(steps[i + 1], int) else {}
        node = node[step]
    last = steps[-1]
    if isinstance(last, int) and len(node) <= last:
        node.append(value)
    else:
        node[last] = value
    return out


def wrong_value(kind: str, valid: Any) -> Any:
    """A value of TOML type `kind` that a converting loader would turn into `valid`'s type."""
    number = isinstance(valid, int | float) and not isinstance(valid, bool)
    return {
        "bool": True,
        "int": int(valid) if number else 1,
        "float": float(valid) if number else 1.0,
        "str": ("true" if valid is True else str(valid)) if number or valid is True else "1",
        "list": [valid] if not isinstance(valid, list) else valid[0] if valid else 1,
        "table": {"value": valid if not isinstance(valid, dict | list) else 1},
        "date": date(2026, 11, 23),
    }[kind]


def problems_at(tmp_path: Path, raw: dict[str, Any]) -> list[str]:
    """The problems `kiosk` reports for this config, loaded from a real file."""
    path = tmp_path / "kiosk.toml"
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")
    try:
        load_config(str(path))
    except ConfigInvalid as exc:
        return [str(p) for p in exc.problems]
    return []


ALL_OPTIONS = dict(options(Config))


def test_the_walk_reaches_the_options_that_were_converted() -> None:
    for key in ("fields[0].daily_cap", "fields[0].counters[0]", "fields[0].service_minutes"):
        assert key in ALL_OPTIONS
    assert "fields[0].hours.periods[0]" in ALL_OPTIONS and "printer.paper_mm" in ALL_OPTIONS
    assert len(ALL_OPTIONS) > 60


@pytest.mark.parametrize("key", list(ALL_OPTIONS))
def test_a_value_of_a_wrong_toml_type_is_refused_naming_the_key(key: str, tmp_path: Path) -> None:
    raw = base_config()
    valid = valid_value(raw, key)
    kinds = [k for k in KINDS if k not in accepted(ALL_OPTIONS[key])]
    silent = {}
    for kind in kinds:
        wrong = wrong_value(kind, valid)
        problems = problems_at(tmp_path, with_value(raw, key, wrong))
        if not any(p.startswith(f"{key} ") or p.startswith(f"{key}:") for p in problems):
            silent[kind] = (wrong, problems)
    assert not silent, f"{key} takes values of another TOML type: {silent}"


@pytest.mark.parametrize("key", list(ALL_OPTIONS))
def test_a_value_of_the_options_own_type_loads(key: str, tmp_path: Path) -> None:
    raw = base_config()
    valid = valid_value(raw, key)
    assert problems_at(tmp_path, with_value(raw, key, valid)) == []
    if accepted(ALL_OPTIONS[key]) == {"int", "float"}:  # `service_minutes = 6` means 6.0
        whole = round(valid) or 1
        assert problems_at(tmp_path, with_value(raw, key, whole)) == []


def test_config_check_lists_each_converted_value_at_once(tmp_path: Path) -> None:
    raw = base_config()
    raw = with_value(raw, "fields[1].daily_cap", True)
    raw = with_value(raw, "fields[2].counters", [True])
    raw = with_value(raw, "fields[3].service_minutes", True)
    raw = with_value(raw, "kiosk.fullscreen", "false")
    path = tmp_path / "kiosk.toml"
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")

    (result,) = run_kiosk_all(tmp_path, clean_env(tmp_path), ["config", "check", str(path)])

    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    first, *problems = result.stderr.splitlines()
    assert first == f"kiosk: {path} has 4 problems:"
    assert sorted(problems) == [
        "  - fields[1].daily_cap = true: must be a whole number without quotes, e.g. 3, "
        "not true/false",
        "  - fields[2].counters[0] = true: must be a whole number without quotes, e.g. 3, "
        "not true/false",
        "  - fields[3].service_minutes = true: must be a number without quotes, e.g. 6 or 6.5, "
        "not true/false",
        '  - kiosk.fullscreen = "false": must be true or false, without quotes, not text',
    ]


def test_config_check_still_takes_whole_numbers_and_enum_text(tmp_path: Path) -> None:
    raw = with_value(base_config(), "fields[0].service_minutes", 6)
    raw = with_value(raw, "printer.target", "dummy")
    path = tmp_path / "kiosk.toml"
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")

    (result,) = run_kiosk_all(tmp_path, clean_env(tmp_path), ["config", "check", str(path)])

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{path}: OK – 7 fields, 6 counters, printer dummy")
    assert load_config(str(path)).fields[0].service_minutes == 6.0


def test_a_bad_config_refuses_every_command_with_the_list(tmp_path: Path) -> None:
    raw = with_value(base_config(), "fields[0].daily_cap", True)
    path = tmp_path / "kiosk.toml"
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")

    env = clean_env(tmp_path, KIOSK_DB=f"sqlite:///{tmp_path / 'kiosk.db'}")
    (result,) = run_kiosk_all(tmp_path, env, ["--config", str(path), "issue", "hotich"])

    assert result.returncode == 2 and result.stdout == "", result.stderr
    assert "fields[0].daily_cap = true: must be a whole number" in result.stderr
