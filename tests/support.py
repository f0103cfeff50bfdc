"""Helpers shared by tests (importable as tests.support)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.core.config import Config, default_config_text, parse_config

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args: int) -> datetime:
    """A local (Vietnam) wall-clock time as an aware datetime."""
    return datetime(*args, tzinfo=VN)  # type: ignore[misc]


def config_text(extra: str = "", **replace: str) -> str:
    """The shipped default config text, with replacements (old=new) and TOML appended."""
    text = default_config_text()
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text + extra


def make_config(extra: str = "", **replace: str) -> Config:
    return parse_config(config_text(extra, **replace))
