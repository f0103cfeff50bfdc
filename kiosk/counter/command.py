"""`kiosk counter N`: the console of counter N (a clerk's keyboard, mouse or numeric keypad)."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.gui.options import add_counter_screen_options


def cmd_counter(ctx: Any, a: argparse.Namespace) -> int:
    from kiosk.core.catalogue import catalogue_in_use
    from kiosk.gui.waiting import run_counter_command

    catalogue = catalogue_in_use(ctx.config, ctx.config_path)  # one with problems: its list

    def console(app: Any, service: Any, snapshot: Any) -> Any:
        from kiosk.counter.window import CounterConsole

        window = CounterConsole(service, a.number, snapshot_path=snapshot, catalogue=catalogue)
        window.install_key_filter()
        return window

    return run_counter_command(ctx, a, console, "kiosk-counter")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `kiosk counter N` to the CLI."""
    help_text = "the console of counter N: call next, recall, skip, complete, transfer, pause"
    p = sub.add_parser("counter", parents=[common], help=help_text, description=help_text)
    add_counter_screen_options(p, "the console")
    p.set_defaults(handler=cmd_counter)
