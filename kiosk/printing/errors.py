"""Errors of the printing layer, each naming what an admin should check."""

from __future__ import annotations

from kiosk.core.errors import KioskError


class PrinterError(KioskError):
    """The printer could not be opened, written to or queried; the message names the target."""


class AssetMissing(KioskError):
    """A file shipped in `assets/` (font, clip) is missing from the installation."""

    exit_code = 2
