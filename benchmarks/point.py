"""The point the benchmarks measure: the shipped config, open around the clock."""

from __future__ import annotations

from kiosk.core.config import default_config_text


def always_open_config_text() -> str:
    """The shipped default config with every field open all day, every day."""
    return (
        default_config_text()
        .replace('periods = ["07:30-11:30", "13:30-17:00"]', 'periods = ["00:00-24:00"]')
        .replace(
            'days = ["mon", "tue", "wed", "thu", "fri", "sat"]',
            'days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]',
        )
    )
