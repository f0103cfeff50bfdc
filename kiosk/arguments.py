"""Command-line mistakes as one `kiosk: …` line naming the command, the argument and the fix.

argparse prints its usage block and `kiosk complete: error: …` on a mistake; every parser of
the CLI (the subcommands, their subcommands and the role commands, which argparse builds with
the parent's class) is a `CommandParser`, whose `error` raises `UsageError` instead, so
`kiosk.cli.main` prints one line and exits 2 like every other mistake. `--help` is untouched.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
from collections.abc import Callable, Sequence
from typing import NoReturn

from kiosk.core.errors import KioskError

#: Where the innermost parser that ran leaves itself on the namespace (for unknown arguments).
_PARSER_ATTR = "_kiosk_parser"


class UsageError(KioskError):
    """A mistake in the command line (exit 2)."""

    exit_code = 2


class CommandParser(argparse.ArgumentParser):
    """An ArgumentParser whose mistakes raise UsageError (one line) instead of printing usage."""

    def error(self, message: str) -> NoReturn:
        raise usage_error(self, message)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        ns, extras = super().parse_known_args(args, namespace)
        # The innermost subcommand finishes first, so the first parser to set it is the one
        # whose options an unknown argument was meant for.
        if not hasattr(ns, _PARSER_ATTR):
            setattr(ns, _PARSER_ATTR, self)
        return ns, extras

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        ns, extras = self.parse_known_args(args, namespace)
        parser: CommandParser = getattr(ns, _PARSER_ATTR, self)
        delattr(ns, _PARSER_ATTR)
        if extras:
            raise _unknown_arguments(parser, extras)
        return ns


def usage_language(argv: Sequence[str] | None) -> str:
    """The language asked for by `--lang` in `argv` or KIOSK_LANG (before parsing succeeded)."""
    words = list(argv or ())
    for i, word in enumerate(words):
        if word == "--lang" and i + 1 < len(words):
            return "vi" if words[i + 1] == "vi" else "en"
        if word.startswith("--lang="):
            return "vi" if word == "--lang=vi" else "en"
    return "vi" if os.environ.get("KIOSK_LANG") == "vi" else "en"


# ------------------------------------------------------------------------------ messages


def _command(parser: argparse.ArgumentParser) -> str:
    """ "complete", "db copy", or "" for `kiosk` itself."""
    return parser.prog.partition(" ")[2]


def _name(action: argparse.Action) -> str:
    if action.option_strings:
        return "/".join(action.option_strings)
    return str(action.metavar or action.dest)


def _value_name(action: argparse.Action) -> str:
    return str(action.metavar or action.dest.upper())


def _action(parser: argparse.ArgumentParser, name: str) -> argparse.Action | None:
    return next((a for a in parser._actions if _name(a) == name), None)


def synopsis(parser: argparse.ArgumentParser) -> str:
    """The command with what it cannot do without, e.g. `kiosk db copy --from URL --to URL`."""
    parts = [parser.prog]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            parts.append("|".join(action.choices) + " …")
        elif not action.option_strings:
            shown = str(action.metavar or action.dest)
            parts.append(f"[{shown}]" if action.nargs == "?" else shown)
        elif action.required:
            parts.append(f"{action.option_strings[0]} {_value_name(action)}")
    for group in parser._mutually_exclusive_groups:
        if group.required:
            choices = [f"{a.option_strings[0]} {_value_name(a)}" for a in group._group_actions]
            parts.append("(" + " | ".join(choices) + ")")
    return " ".join(parts)


def _hint(given: str, known: Sequence[str]) -> tuple[str, str]:
    """The " (did you mean X?)" texts when one of `known` is close (dashes aside)."""
    bare = {k.lstrip("-"): k for k in known}
    close = difflib.get_close_matches(given.lstrip("-"), list(bare), n=1, cutoff=0.6)
    if not close:
        return "", ""
    return f" (có phải {bare[close[0]]}?)", f" (did you mean {bare[close[0]]}?)"


def _error(parser: argparse.ArgumentParser, vi: str, en: str) -> UsageError:
    """`CMD: what; fix` (the `kiosk: ` is added by main), help named as the way on."""
    command = _command(parser)
    where = f"{command}: " if command else ""
    return UsageError(
        f"{where}{vi} (xem {parser.prog} --help)", f"{where}{en} (see {parser.prog} --help)"
    )


_REQUIRED = re.compile(r"^the following arguments are required: (?P<names>.+)$")
_ONE_OF = re.compile(r"^one of the arguments (?P<names>.+) is required$")
_ARGUMENT = re.compile(r"^argument (?P<name>[^:]+): (?P<detail>.+)$")
_CHOICE = re.compile(r"^invalid choice: '?(?P<value>.*?)'? \(choose from (?P<choices>.+)\)$")
_TYPE = re.compile(r"^invalid (?P<type>\w+) value: '?(?P<value>.*?)'?$")
_NOT_WITH = re.compile(r"^not allowed with argument (?P<other>.+)$")


def usage_error(parser: argparse.ArgumentParser, message: str) -> UsageError:
    """argparse's `message` about `parser` as one line with the fix."""
    if m := _REQUIRED.match(message):
        return _missing(parser, m["names"].split(", "))
    if m := _ONE_OF.match(message):
        names = m["names"].split(" ")
        return _error(
            parser,
            f"cần {' hoặc '.join(names)}; cách viết: {synopsis(parser)}",
            f"give {' or '.join(names)}; write: {synopsis(parser)}",
        )
    if m := _ARGUMENT.match(message):
        return _about_argument(parser, m["name"], m["detail"])
    return _error(parser, message, message)


def _missing(parser: argparse.ArgumentParser, names: list[str]) -> UsageError:
    actions = [_action(parser, n) for n in names]
    tasks = [a for a in actions if isinstance(a, argparse._SubParsersAction)]
    if tasks:
        choices = list(tasks[0].choices)
        listed = ", ".join(choices)
        return _error(
            parser,
            f"chọn một việc: {listed}, ví dụ {parser.prog} {choices[0]}",
            f"say which task: {listed}, e.g. {parser.prog} {choices[0]}",
        )
    shown = " and ".join(names)
    return _error(
        parser,
        f"thiếu {' và '.join(names)}; cách viết: {synopsis(parser)}",
        f"{shown} {'is' if len(names) == 1 else 'are'} missing; write: {synopsis(parser)}",
    )


def _about_argument(parser: argparse.ArgumentParser, name: str, detail: str) -> UsageError:
    action = _action(parser, name)
    if m := _CHOICE.match(detail):
        value = m["value"]
        choices = [c.strip().strip("'") for c in m["choices"].split(",")]
        hint_vi, hint_en = _hint(value, choices)
        if isinstance(action, argparse._SubParsersAction):
            what = f"{_command(parser)} command".strip()
            return _error(
                parser,
                f"không có lệnh '{value}'{hint_vi}; các lệnh: {', '.join(choices)}",
                f"unknown {what} '{value}'{hint_en}; commands: {', '.join(choices)}",
            )
        return _error(
            parser,
            f"{name}: không có '{value}'{hint_vi}; chọn {' hoặc '.join(choices)}",
            f"{name}: '{value}' is not allowed{hint_en}; use {' or '.join(choices)}",
        )
    if m := _TYPE.match(detail):
        kind_vi, kind_en = (
            ("một số nguyên", "a whole number") if m["type"] == "int" else ("một số", "a number")
        )
        return _error(
            parser,
            f"{name} phải là {kind_vi}, không phải '{m['value']}'",
            f"{name} must be {kind_en}, not '{m['value']}'",
        )
    if detail.startswith("expected") and action is not None:
        example = f"{action.option_strings[0] if action.option_strings else name}"
        example += f" {_value_name(action)}"
        return _error(
            parser, f"{name} cần một giá trị: {example}", f"{name} needs a value: {example}"
        )
    if m := _NOT_WITH.match(detail):
        return _error(
            parser,
            f"chỉ dùng một trong {name} và {m['other']}",
            f"give {name} or {m['other']}, not both",
        )
    if detail.startswith("ignored explicit argument"):
        return _error(parser, f"{name} không nhận giá trị", f"{name} takes no value")
    return _error(parser, f"{name}: {detail}", f"{name}: {detail}")


def _unknown_arguments(parser: argparse.ArgumentParser, extras: list[str]) -> UsageError:
    shown = " ".join(extras)
    options = [o.partition("=")[0] for o in extras if o.startswith("-")]
    hint_vi, hint_en = (
        _hint(options[0], list(parser._option_string_actions)) if options else ("", "")
    )
    plural = "s" if len(extras) > 1 else ""
    return _error(
        parser,
        f"không hiểu {shown}{hint_vi}",
        f"unknown argument{plural} {shown}{hint_en}",
    )


def whole_number(low: int, high: int, unit: str = "") -> Callable[[str], int]:
    """An argparse `type=`: a whole number from `low` to `high`, else one clear line."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            what = f" {unit}" if unit else ""
            raise argparse.ArgumentTypeError(f"{value} is out of range; give {low} to {high}{what}")
        return value

    return parse
