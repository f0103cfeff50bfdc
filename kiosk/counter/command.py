"""`kiosk counter N`: the console of counter N (a clerk's keyboard, mouse or numeric keypad)."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.gui.options import add_window_options, output_file, parse_geometry


def cmd_counter(ctx: Any, a: argparse.Namespace) -> int:
    geometry = parse_geometry(a.geometry) if a.geometry else None
    snapshot = output_file(a.snapshot)
    from kiosk.core.catalogue import catalogue_in_use
    from kiosk.counter.state import check_counter
    from kiosk.gui.waiting import open_or_unreachable

    check_counter(ctx.config, a.number)  # a wrong number is a one-line error, not a window
    catalogue = catalogue_in_use(ctx.config, ctx.config_path)  # one with problems: its list
    first = open_or_unreachable(lambda: ctx.service)  # an unreachable server is waited for

    from kiosk.counter.window import CounterConsole
    from kiosk.gui.waiting import run_counter_screen

    def console(app: Any, service: Any) -> Any:
        window = CounterConsole(service, a.number, snapshot_path=snapshot, catalogue=catalogue)
        window.install_key_filter()
        return window

    return run_counter_screen(
        ctx,
        first,
        console,
        screen=a.screen or 0,
        fullscreen=not a.windowed and geometry is None,
        geometry=geometry,
        name=f"kiosk-counter-{a.number}",
    )


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `kiosk counter N` to the CLI."""
    help_text = "the console of counter N: call next, recall, skip, complete, transfer, pause"
    p = sub.add_parser("counter", parents=[common], help=help_text, description=help_text)
    p.add_argument("number", type=int, metavar="N", help="counter number")
    add_window_options(p)
    p.add_argument(
        "--snapshot", metavar="PATH", help="write what the console shows as JSON after changes"
    )
    p.set_defaults(handler=cmd_counter)
