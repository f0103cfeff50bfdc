"""`kiosk rate N`: the citizen's rating screen at counter N (a small touchscreen)."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.gui.options import add_window_options, output_file, parse_geometry


def cmd_rate(ctx: Any, a: argparse.Namespace) -> int:
    geometry = parse_geometry(a.geometry) if a.geometry else None
    snapshot = output_file(a.snapshot)
    from kiosk.counter.state import check_counter
    from kiosk.gui.waiting import open_or_unreachable

    check_counter(ctx.config, a.number)  # a wrong number is a one-line error, not a window
    first = open_or_unreachable(lambda: ctx.service)  # an unreachable server is waited for

    from kiosk.gui.waiting import run_counter_screen
    from kiosk.rate.window import RateScreen

    def rate_screen(app: Any, service: Any) -> Any:
        shown = app.screens()[min(a.screen or 0, len(app.screens()) - 1)]
        dpi = shown.logicalDotsPerInch()
        return RateScreen(service, a.number, logical_dpi=dpi, snapshot_path=snapshot)

    return run_counter_screen(
        ctx,
        first,
        rate_screen,
        screen=a.screen or 0,
        fullscreen=not a.windowed and geometry is None,
        geometry=geometry,
        name=f"kiosk-rate-{a.number}",
    )


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `kiosk rate N` to the CLI."""
    help_text = "the citizens' rating screen at counter N (faces after each completed service)"
    p = sub.add_parser("rate", parents=[common], help=help_text, description=help_text)
    p.add_argument("number", type=int, metavar="N", help="counter number")
    add_window_options(p)
    p.add_argument(
        "--snapshot", metavar="PATH", help="write what the screen shows as JSON after changes"
    )
    p.set_defaults(handler=cmd_rate)
