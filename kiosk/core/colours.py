"""The palette of every screen, Qt-free so the web pages (kiosk/web) use the same colours.

Contrast: white (#FFFFFF) and amber (#FFC20E) text on the navy background (#0B2545) give
15.6:1 and 10.2:1, above the 7:1 needed to read a number across a hall. Every text/background
pair a screen uses reaches 7:1 (the tests measure them on the painted pixels).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Colours:
    background: str = "#0B2545"
    surface: str = "#13315C"
    surface_alt: str = "#1D4272"
    text: str = "#FFFFFF"
    muted: str = "#C9D6EA"
    accent: str = "#FFC20E"  # called numbers
    priority: str = "#FFB066"  # on surface 7.2:1; navy text on it 8.5:1
    ok: str = "#176038"  # button under white text (7.6:1), edged with ok_text
    danger: str = "#A81D1D"  # under white text (7.3:1)
    disabled: str = "#5B6B80"
    highlight: str = "#FFE082"
    alert: str = "#7F1D1D"  # banner background under white text (10:1)
    alert_text: str = "#FFB4AB"  # refusals on the dark background (9:1)
    ok_text: str = "#9BE7B0"  # confirmations on the dark background (10.6:1)


COLOURS = Colours()
