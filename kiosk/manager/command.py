"""`kiosk manager`: the manager window (reports, charts and exports behind the admin PIN)."""

from __future__ import annotations

import argparse
from typing import Any


def cmd_manager(ctx: Any, a: argparse.Namespace) -> int:
    from kiosk.manager.window import run_manager

    return run_manager(ctx, a)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `manager` to the CLI (the window's Qt imports stay inside the handler)."""
    help_text = "the manager window: reports, charts and exports (admin PIN)"
    p: argparse.ArgumentParser = sub.add_parser(
        "manager", parents=[common], help=help_text, description=help_text
    )
    p.set_defaults(handler=cmd_manager)
    p.add_argument("--windowed", action="store_true", help="(the window is never full screen)")
    p.add_argument("--geometry", metavar="WxH+X+Y", help="window size and place")
