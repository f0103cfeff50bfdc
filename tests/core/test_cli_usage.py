"""Argument mistakes are one `kiosk: …` line naming the command, the argument and the fix.

argparse printed its usage block and `kiosk complete: error: …`. The cases below run real
`kiosk` processes; the walk then visits every parser of the CLI (subcommands of subcommands
and the commands the role packages register included) through `kiosk.cli.main`, so a new
command cannot fall back to argparse's output.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import build_parser, main
from tests.core.test_cli import clean_env
from tests.support import run_kiosk_all

#: (arguments, words the one line must hold), run as real processes.
MISTAKES = [
    (["complete"], "kiosk: complete: counter is missing; write: kiosk complete counter"),
    (["complete", "1", "--dossiers", "x"], "kiosk: complete: --dossiers: 'x' is not a whole"),
    (["db", "copy", "--from", "sqlite:///a.db"], "kiosk: db copy: --to is missing; write: "
     "kiosk db copy --from URL --to URL"),
    (["db", "copy", "--from", "x", "--to"], "kiosk: db copy: --to needs a value: --to URL"),
    (["db"], "kiosk: db: say which task: upgrade, copy, e.g. kiosk db upgrade"),
    (["db", "upgrad"], "kiosk: db: unknown db command 'upgrad' (did you mean upgrade?)"),
    (["config", "check", "a.toml", "b.toml"], "kiosk: config check: unknown argument b.toml"),
    (["stauts"], "kiosk: unknown command 'stauts' (did you mean status?); commands: issue,"),
    (["--lang", "fr", "status"], "kiosk: --lang: 'fr' is not allowed; use vi or en"),
    (["transfer", "1"], "kiosk: transfer: give --to-field or --to-counter; write: "
     "kiosk transfer counter (--to-field FIELD | --to-counter N)"),
    (["transfer", "1", "--to-field", "a", "--to-counter", "2"], "kiosk: transfer: give "
     "--to-counter or --to-field, not both"),
    (["status", "--json=1"], "kiosk: status: --json takes no value"),
    (["run", "--screen", "one"], "kiosk: run: --screen must be a whole number, not 'one'"),
    (["display", "--snapshto", "s.json"], "kiosk: display: unknown arguments --snapshto s.json "
     "(did you mean --snapshot?)"),
    (["counter"], "kiosk: counter: N is missing; write: kiosk counter N"),
    (["counter", "x"], "kiosk: counter: N must be a whole number, not 'x'"),
    (["export", "--from", "2026-11-02"], "kiosk: export: -o/--output is missing; write: "
     "kiosk export -o FILE"),
    (["report", "--target", "abc"], "kiosk: report: --target must be a number, not 'abc'"),
    (["simulate", "--days", "many"], "kiosk: simulate: --days must be a whole number"),
    (["manager", "--windowd"], "kiosk: manager: unknown argument --windowd (did you mean "
     "--windowed?)"),
    (["demo", "--smoek"], "kiosk: demo: unknown argument --smoek (did you mean --smoke?)"),
    (["--lang", "vi", "complete"], "kiosk: complete: thiếu counter; cách viết: "
     "kiosk complete counter (xem kiosk complete --help)"),
]  # fmt: skip


def test_argument_mistakes_are_one_line_with_the_fix_and_exit_2(tmp_path: Path) -> None:
    results = run_kiosk_all(tmp_path, clean_env(tmp_path), *(args for args, _ in MISTAKES))

    for (args, words), result in zip(MISTAKES, results, strict=True):
        assert result.returncode == 2, (args, result.returncode, result.stderr)
        assert result.stdout == "", (args, result.stdout)
        lines = result.stderr.splitlines()
        assert len(lines) == 1, (args, result.stderr)
        assert lines[0].startswith(words), (args, lines[0])
        assert "usage:" not in result.stderr and "error:" not in result.stderr


def test_help_still_shows_the_usage(tmp_path: Path) -> None:
    top, copy, display = run_kiosk_all(
        tmp_path,
        clean_env(tmp_path),
        ["--help"],
        ["db", "copy", "--help"],
        ["display", "-h"],
    )

    for result in (top, copy, display):
        assert result.returncode == 0 and result.stderr == "", result.stderr
    assert top.stdout.startswith("usage: kiosk ")
    assert copy.stdout.startswith("usage: kiosk db copy ") and "--from URL --to URL" in copy.stdout
    assert display.stdout.startswith("usage: kiosk display ") and "--announce-dir" in display.stdout


# ------------------------------------------------------------------ every parser


def parsers(parser: argparse.ArgumentParser | None = None) -> Iterator[argparse.ArgumentParser]:
    """The CLI's parsers: `kiosk`, each command, each subcommand."""
    parser = parser or build_parser()
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield from parsers(child)


ALL = {p.prog: p for p in parsers()}


def one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert (code, out) == (2, ""), (argv, code, out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kiosk: "), (argv, err)
    return lines[0]


def test_the_walk_reaches_nested_and_role_commands() -> None:
    for prog in ("kiosk db copy", "kiosk config check", "kiosk run", "kiosk display"):
        assert prog in ALL
    for prog in ("kiosk counter", "kiosk export", "kiosk manager", "kiosk demo"):
        assert prog in ALL


def _required(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.required]


def enough(parser: argparse.ArgumentParser) -> list[str]:
    """Values for what `parser` requires (so a later mistake is the one reported)."""
    words = []
    for action in _required(parser):
        if isinstance(action, argparse._SubParsersAction):
            continue  # a group of tasks: the missing task is reported first, and that is fine
        words += [action.option_strings[0], "1"] if action.option_strings else ["1"]
    for group in parser._mutually_exclusive_groups:
        if group.required:
            words += [group._group_actions[0].option_strings[0], "1"]
    return words


@pytest.mark.parametrize("prog", list(ALL))
def test_an_unknown_option_names_the_command_and_its_help(
    prog: str, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = ALL[prog]
    words = prog.split()[1:]
    line = one_line([*words, *enough(parser), "--no-such-option"], capsys)

    where = f"kiosk: {' '.join(words)}: " if words else "kiosk: "
    assert line.startswith(where), line
    assert line.endswith(f"(see {prog} --help)"), line
    assert "unknown argument --no-such-option" in line or "say which task" in line, line


@pytest.mark.parametrize("prog", [p for p, parser in ALL.items() if _required(parser)])
def test_a_missing_argument_is_named_with_how_to_write_the_command(
    prog: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = one_line(prog.split()[1:], capsys)

    assert re.search(r" (is|are) missing; write: kiosk ", line) or "say which task: " in line
    assert line.endswith(f"(see {prog} --help)"), line


TYPED = [
    (prog, action)
    for prog, parser in ALL.items()
    for action in parser._actions
    if action.type in (int, float)
]


@pytest.mark.parametrize(("prog", "action"), TYPED, ids=[f"{p} {a.dest}" for p, a in TYPED])
def test_a_value_that_is_not_a_number_is_named(
    prog: str, action: argparse.Action, capsys: pytest.CaptureFixture[str]
) -> None:
    given = [action.option_strings[0], "x"] if action.option_strings else ["x"]
    line = one_line([*prog.split()[1:], *given], capsys)

    kind = "a whole number" if action.type is int else "a number"
    name = "/".join(action.option_strings) or action.metavar or action.dest
    assert f": {name} must be {kind}, not 'x'" in line, line
