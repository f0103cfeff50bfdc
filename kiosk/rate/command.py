"""`kiosk rate N`: the citizen's rating screen at counter N (a small touchscreen)."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.gui.options import add_counter_screen_options


def cmd_rate(ctx: Any, a: argparse.Namespace) -> int:
    from kiosk.gui.waiting import run_counter_command

    def rate_screen(app: Any, service: Any, snapshot: Any) -> Any:
        from kiosk.rate.window import RateScreen

        shown = app.screens()[min(a.screen or 0, len(app.screens()) - 1)]
        dpi = shown.logicalDotsPerInch()
        return RateScreen(service, a.number, logical_dpi=dpi, snapshot_path=snapshot)

    return run_counter_command(ctx, a, rate_screen, "kiosk-rate")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `kiosk rate N` to the CLI."""
    help_text = "the citizens' rating screen at counter N (faces after each completed service)"
    p = sub.add_parser("rate", parents=[common], help=help_text, description=help_text)
    add_counter_screen_options(p, "the screen")
    p.set_defaults(handler=cmd_rate)
