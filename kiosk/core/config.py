"""Configuration: one TOML file, validated on load, with every problem reported together.

Each option is declared once here (type, default, description). `load_config` raises
`ConfigInvalid` carrying a list of `ConfigProblem`s that name the key path, the bad value
and how to fix it, with "did you mean …?" for misspelt keys and field codes.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import os
import re
import tomllib
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum, StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, TypeGuard, TypeVar, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import platformdirs

from kiosk.core.errors import ConfigError
from kiosk.core.pin import is_pin_hash
from kiosk.core.ratings import DEFAULT_LABELS, DEFAULT_REASONS
from kiosk.core.texts import COUNTER_N

APP_NAME = "kiosk"
CONFIG_ENV = "KIOSK_CONFIG"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PERIOD_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


M = TypeVar("M", bound="StrictTable")


def option(
    default: Any = dataclasses.MISSING,
    *,
    description: str = "",
    default_factory: Callable[[], Any] | Any = dataclasses.MISSING,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    secret_url: bool = False,
) -> Any:
    """One option: its default, what it means, and the bounds of a number. A `secret_url`
    holds a password: problems show it masked (kiosk.core.database.describe_url)."""
    bounds = {"ge": ge, "le": le, "gt": gt}
    return dataclasses.field(
        default=default,
        default_factory=default_factory,
        metadata={
            "description": description,
            "secret_url": secret_url,
            **{k: v for k, v in bounds.items() if v is not None},
        },
    )


def check(*names: str) -> Callable[[Callable[..., Any]], Any]:
    """Mark a classmethod as the check of options `names`: it gets the value (already of the
    right type) and returns it, maybe normalised, or raises ValueError saying how to fix it."""

    def mark(fn: Callable[..., Any]) -> Any:
        fn.__checks__ = names  # type: ignore[attr-defined]
        return classmethod(fn)

    return mark


@dataclass(frozen=True, kw_only=True)
class StrictTable:
    """A table of the config: unknown keys are errors, and TOML types are never converted.

    `true` is not the number 1, `"3"` is not 3 and `1.0` is not the integer 1. A whole
    number is still accepted for a decimal option (`service_minutes = 6`); enum options take
    their text. `model_validate` builds one from a TOML table and raises `ConfigInvalid`
    listing every problem (`_build` collects them).
    """

    _checks: ClassVar[dict[str, list[Callable[[Any], Any]]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        checks: dict[str, list[Callable[[Any], Any]]] = {}
        for name, member in vars(cls).items():
            for key in getattr(getattr(member, "__func__", None), "__checks__", ()):
                checks.setdefault(key, []).append(getattr(cls, name))
        cls._checks = checks

    @classmethod
    def model_validate(cls: type[M], raw: Any) -> M:
        """A validated instance from a TOML table (ConfigInvalid lists every problem)."""
        problems: list[ConfigProblem] = []
        built = _build(cls, raw, (), problems)
        if problems or built is None:
            raise ConfigInvalid("<config>", problems)
        return built

    def model_copy(self: M, *, update: dict[str, Any]) -> M:
        """A copy with some options replaced (not validated again: for code, not files)."""
        return dataclasses.replace(self, **update)

    def model_dump(self) -> dict[str, Any]:
        """The options as a dict (nested tables as dicts), e.g. to validate a change."""
        return {f.name: _dump(getattr(self, f.name)) for f in dataclasses.fields(self)}


def _dump(value: Any) -> Any:
    if isinstance(value, StrictTable):
        return value.model_dump()
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


@dataclass(frozen=True)
class Period:
    """One opening period of a day, e.g. 07:30-11:30 (start inclusive, end exclusive)."""

    start: time
    end: time  # `time.max` stands for 24:00, so the last second of the day is open too

    def contains(self, moment: time) -> bool:
        return self.start <= moment and (moment < self.end or self.end == time.max)

    def __str__(self) -> str:
        end = "24:00" if self.end == time.max else f"{self.end:%H:%M}"
        return f"{self.start:%H:%M}-{end}"


def _parse_period(value: Any) -> Period:
    if isinstance(value, Period):
        return value
    if not isinstance(value, str):
        raise ValueError('write a period as a string like "07:30-11:30"')
    m = _PERIOD_RE.match(value)
    if not m:
        raise ValueError('write a period as "HH:MM-HH:MM", for example "07:30-11:30"')
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2 != 0):
        raise ValueError("hours go from 00 to 23 and minutes from 00 to 59")
    start = time(h1, m1)
    end = time.max if h2 == 24 else time(h2, m2)
    if end <= start:
        raise ValueError(
            f"the period ends ({h2:02d}:{m2:02d}) before it starts ({h1:02d}:{m1:02d})"
        )
    return Period(start, end)


PeriodValue = Annotated[Period, _parse_period]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _workdays() -> list[Weekday]:
    return ["mon", "tue", "wed", "thu", "fri"]


@dataclass(frozen=True, kw_only=True)
class OpeningHours(StrictTable):
    """When tickets can be taken: weekdays and periods of the day (local time of the site)."""

    days: list[Weekday] = option(
        default_factory=_workdays,
        description="Weekdays open: mon tue wed thu fri sat sun.",
    )
    periods: list[PeriodValue] = option(
        default_factory=lambda: [_parse_period("07:30-11:30"), _parse_period("13:30-17:00")],
        description='Opening periods, e.g. ["07:30-11:30", "13:30-17:00"].',
    )

    @check("periods")
    def _no_overlap(cls, periods: list[Period]) -> list[Period]:
        ordered = sorted(periods, key=lambda p: p.start)
        for a, b in itertools.pairwise(ordered):
            if b.start < a.end:
                raise ValueError(f"periods {a} and {b} overlap; make them follow each other")
        return ordered

    def is_open(self, moment: datetime) -> bool:
        """True when `moment` (local time) falls in an opening period of an open day."""
        if WEEKDAYS[moment.weekday()] not in self.days:
            return False
        t = moment.time()
        return any(p.contains(t) for p in self.periods)

    def next_opening(self, moment: datetime) -> datetime | None:
        """The next local datetime at which it opens after `moment` (within two weeks)."""
        for offset in range(15):
            day = (moment + timedelta(days=offset)).date()
            if WEEKDAYS[day.weekday()] not in self.days:
                continue
            for p in self.periods:
                start = datetime.combine(day, p.start, tzinfo=moment.tzinfo)
                if start > moment:
                    return start
        return None


#: A site's or an officer's id: short, lower-case ASCII (stored on rows and events).
SHORT_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def _short_id(v: str, example: str) -> str:
    if not SHORT_ID.fullmatch(v):
        raise ValueError(
            "use 1-40 lower-case letters, digits, '-' or '_' (no spaces or accents), "
            f'e.g. "{example}"'
        )
    return v


@dataclass(frozen=True, kw_only=True)
class SiteConfig(StrictTable):
    id: str = option("tranphu", description="Short id of the point, stored on every row.")
    name: str = option("Điểm phục vụ hành chính công xã Trần Phú", description="Name (VI).")
    name_en: str = option("Tran Phu Commune Public Administration Service Point", description="EN.")
    address: str = option("", description="Address printed on tickets and shown on screens.")
    timezone: str = option("Asia/Ho_Chi_Minh", description="IANA time zone of the point.")
    hotlines: list[str] = option(
        default_factory=lambda: ["024.1022", "1900 1009", "Zalo/Viber 0768.221.221"],
        description="Help lines shown in footers and on tickets.",
    )

    @check("id")
    def _id_shape(cls, v: str) -> str:
        return _short_id(v, "tranphu")

    @check("timezone")
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            # OSError: a folder of the zone database ("Asia") or an over-long name.
            close = difflib.get_close_matches(v, sorted(available_timezones()), n=1)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            raise ValueError(f'unknown time zone{hint} (Vietnam is "Asia/Ho_Chi_Minh")') from None
        return v


@dataclass(frozen=True, kw_only=True)
class CounterConfig(StrictTable):
    number: int = option(description="Counter number shown to citizens, 1-99.")
    name: str = option("", description='Name (VI); default "Quầy N".')
    name_en: str = option("", description='Name (EN); default "Counter N".')

    @check("number")
    def _range(cls, v: int) -> int:
        if not 1 <= v <= 99:
            raise ValueError("counter numbers go from 1 to 99")
        return v

    @property
    def label_vi(self) -> str:
        return self.name or COUNTER_N.vi.format(n=self.number)

    @property
    def label_en(self) -> str:
        return self.name_en or COUNTER_N.en.format(n=self.number)


@dataclass(frozen=True, kw_only=True)
class OfficerConfig(StrictTable):
    """An officer (cán bộ) who signs in at a counter (kiosk.core.officers)."""

    id: str = option(description='Short id stored on events and tickets, e.g. "lan".')
    name: str = option(description="Name shown at the counter and on the display.")
    pin_hash: str = option("", description="Set with `kiosk config set-officer-pin ID`.")
    counters: list[int] = option(
        default_factory=list, description="Counters the officer may sign in at; empty: any."
    )

    @check("id")
    def _officer_id(cls, v: str) -> str:
        return _short_id(v, "nguyen-lan")

    @check("name")
    def _officer_name(cls, v: str) -> str:
        name = " ".join(v.split())
        if not 1 <= len(name) <= 80:
            raise ValueError('write the officer\'s name (1-80 characters), e.g. "Nguyễn Thị Lan"')
        return name

    @check("pin_hash")
    def _officer_pin(cls, v: str) -> str:
        if v.strip() and not is_pin_hash(v.strip()):
            raise ValueError(
                "not a PIN hash; set the PIN with: kiosk config set-officer-pin ID "
                "(or remove the line for no PIN)"
            )
        return v.strip()

    def may_sign_in_at(self, counter: int) -> bool:
        return not self.counters or counter in self.counters


@dataclass(frozen=True, kw_only=True)
class FieldConfig(StrictTable):
    code: str = option(description="Short id of the field used by the CLI and in exports.")
    name: str = option(description="Vietnamese name shown to citizens.")
    name_en: str = option(description="English name.")
    prefix: str = option(description="Ticket prefix letter(s), e.g. A gives A001.")
    counters: list[int] = option(description="Numbers of the counters that serve this field.")
    hours: OpeningHours | None = option(None, description="Overrides the site's opening hours.")
    daily_cap: int | None = option(None, description="Maximum tickets per day; none = no cap.")
    service_minutes: float = option(
        6.0, description="Typical minutes per citizen, used for estimates before history exists."
    )

    @check("code")
    def _code_shape(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,29}", v):
            raise ValueError('use lower-case letters, digits and "_" starting with a letter')
        return v

    @check("prefix")
    def _prefix_shape(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Z]{1,2}", v):
            raise ValueError('use one or two capital letters without accents, e.g. "A"')
        return v

    @check("daily_cap")
    def _cap(cls, v: int | None) -> int | None:
        if v is not None and not 1 <= v <= 9999:
            raise ValueError("a daily cap goes from 1 to 9999; remove the key for no cap")
        return v

    @check("service_minutes")
    def _service(cls, v: float) -> float:
        if not 0.5 <= v <= 240:
            raise ValueError("give typical minutes per citizen between 0.5 and 240")
        return v


class PriorityPolicy(StrEnum):
    STRICT = "strict"
    INTERLEAVED = "interleaved"


@dataclass(frozen=True, kw_only=True)
class QueueConfig(StrictTable):
    priority_policy: PriorityPolicy = option(
        PriorityPolicy.INTERLEAVED,
        description="strict: every priority ticket first; interleaved: after `priority_burst` "
        "priority calls in a row a counter takes the oldest normal ticket.",
    )
    priority_burst: int = option(3, ge=1, le=20, description="Priority calls in a row.")
    max_recalls: int = option(
        2, ge=0, le=10, description="Recalls allowed before a no-show skip is expected."
    )
    complete_on_next: bool = option(
        True, description="Calling next while holding a ticket completes it first."
    )
    call_guard_seconds: float = option(
        2.0,
        ge=0,
        le=30,
        description="After call next, a counter console refuses another call next for this "
        "long while the counter still holds the ticket it just called (a bounced or held key "
        "never calls two citizens); 0 turns the guard off.",
    )
    number_digits: int = option(3, ge=2, le=4, description="Zero padding: 3 gives A001.")
    estimate_window: int = option(
        20, ge=3, le=500, description="Recent completed services used for the median."
    )


class PrinterTarget(StrEnum):
    NONE = "none"
    DUMMY = "dummy"
    FILE = "file"
    USB = "usb"
    NETWORK = "network"
    SERIAL = "serial"
    CUPS = "cups"
    WIN32RAW = "win32raw"


@dataclass(frozen=True, kw_only=True)
class PrinterConfig(StrictTable):
    target: PrinterTarget = option(
        PrinterTarget.FILE,
        description="none, dummy, file, usb, network, serial, cups or win32raw.",
    )
    # An int checked below, not Literal[58, 80]: a literal would take 80.0 for 80.
    paper_mm: int = option(80, description="Paper width: 80 (576 dots) or 58 (384).")
    profile: str = option("TM-T20II", description="python-escpos printer profile (width, cut).")
    usb_vendor_id: int = option(0x0416, description="USB vendor id (write as 0x0416).")
    usb_product_id: int = option(0x5011, description="USB product id.")
    host: str = option("", description="Network printer address.")
    port: int = option(9100, ge=1, le=65535, description="Network printer port.")
    serial_device: str = option("/dev/ttyUSB0", description="Serial device.")
    baudrate: int = option(19200, description="Serial speed.")
    printer_name: str = option("", description="CUPS or Windows printer name.")
    file_path: str = option(
        "", description="Where the file target appends ESC/POS bytes; default in the data dir."
    )
    timeout_seconds: float = option(8.0, gt=0, le=120, description="Give up printing after this.")
    qr_content: str = option(
        "{site}|{day}|{code}", description="QR text; {site} {day} {code} {field} are replaced."
    )
    footer: str = option("Xin cảm ơn ông/bà!", description="Last line of the ticket.")

    @check("paper_mm")
    def _paper(cls, v: int) -> int:
        if v not in (58, 80):
            raise ValueError("paper width in mm: use one of 58 or 80")
        return v

    @property
    def dots(self) -> int:
        return 576 if self.paper_mm == 80 else 384


@dataclass(frozen=True, kw_only=True)
class DisplayConfig(StrictTable):
    screen: int = option(1, ge=0, le=8, description="Screen index for the wall display.")
    fullscreen: bool = option(True, description="Full screen without a frame.")
    ticker: str = option(
        "Tổng đài hỗ trợ: 024.1022 – 1900 1009 – Zalo/Viber 0768.221.221",
        description="Scrolling text at the bottom.",
    )
    recent_calls: int = option(6, ge=0, le=20, description="How many recent calls to list.")
    blink_seconds: float = option(6.0, ge=0, le=60, description="Highlight time of a new call.")
    show_officer: bool = option(
        False, description="Each counter's tile names the officer signed in there."
    )


class NumberStyle(StrEnum):
    WORDS = "words"
    DIGITS = "digits"


@dataclass(frozen=True, kw_only=True)
class SoundConfig(StrictTable):
    enabled: bool = option(True, description="Announce calls with chime and voice.")
    volume: float = option(0.9, ge=0.0, le=1.0, description="0.0 (silent) to 1.0.")
    number_style: NumberStyle = option(
        NumberStyle.WORDS,
        description='words: "một trăm linh năm"; digits: "A, một, không, năm".',
    )
    english: bool = option(False, description="Repeat the call in English after Vietnamese.")
    repeat: int = option(
        2, ge=1, le=3, description="Times the Vietnamese call is said after one chime."
    )
    clips_dir: str = option("", description="Folder of replacement clips (recorded voice).")


@dataclass(frozen=True, kw_only=True)
class KioskConfig(StrictTable):
    screen: int = option(0, ge=0, le=8, description="Screen index for the kiosk.")
    fullscreen: bool = option(True, description="Frameless full screen (lockdown).")
    result_seconds: float = option(10.0, ge=2, le=120, description="Result screen time.")
    idle_seconds: float = option(45.0, ge=5, le=600, description="Any screen returns home.")
    tap_guard_ms: int = option(1500, ge=200, le=10000, description="Ignore repeat taps.")
    admin_pin_hash: str = option("", description="Set with `kiosk config set-pin`.")
    field_order: list[str] = option(
        default_factory=list, description="Field codes in button order; default: as listed."
    )
    catalogue: str = option(
        "",
        description="The procedures and documents file (kiosk catalogue init writes one); "
        "relative to this file's folder; empty: none.",
    )


def _four_labels(v: list[str]) -> list[str]:
    labels = [x.strip() for x in v]
    if len(labels) != 4 or not all(labels):
        raise ValueError("write the four levels, best first, none empty")
    return labels


@dataclass(frozen=True, kw_only=True)
class RatingsConfig(StrictTable):
    """Citizen satisfaction ratings (kiosk.core.ratings)."""

    window_minutes: int = option(
        30, ge=1, le=1440, description="A service can be rated this long after it is completed."
    )
    labels: list[str] = option(
        default_factory=lambda: [t.vi for t in DEFAULT_LABELS],
        description="The four levels in Vietnamese, best first.",
    )
    labels_en: list[str] = option(
        default_factory=lambda: [t.en for t in DEFAULT_LABELS],
        description="The four levels in English, best first.",
    )
    reasons: list[str] = option(
        default_factory=lambda: [t.vi for t in DEFAULT_REASONS],
        description="Reasons offered after the two lowest levels (Vietnamese); 1 to 8.",
    )
    reasons_en: list[str] = option(
        default_factory=lambda: [t.en for t in DEFAULT_REASONS],
        description="The same reasons in English, in the same order.",
    )

    @check("labels", "labels_en")
    def _levels(cls, v: list[str]) -> list[str]:
        return _four_labels(v)

    @check("reasons", "reasons_en")
    def _reasons(cls, v: list[str]) -> list[str]:
        reasons = [x.strip() for x in v]
        if not 1 <= len(reasons) <= 8 or not all(reasons):
            raise ValueError("write 1 to 8 reasons, none empty")
        if len(set(reasons)) != len(reasons):
            raise ValueError("a reason is written twice")
        return reasons


@dataclass(frozen=True, kw_only=True)
class ReportsConfig(StrictTable):
    """`kiosk report`: the wait target, and the PDF as the official document a point sends
    upward (national heading, the body above the point, place and date, signatures)."""

    wait_target_minutes: float = option(15.0, gt=0, le=600, description="Waits over this count.")
    national_heading: bool = option(
        True, description="The PDF opens like an administrative document; false: a plain report."
    )
    authority: str = option(
        "", description='The body above the point, e.g. "UBND XÃ AN KHÁNH"; empty: none.'
    )
    place: str = option("", description='Place of the date line, e.g. "An Khánh"; empty: none.')
    prepared_by: str = option("", description="Name of the person who makes the report.")
    head_title: str = option(
        "THỦ TRƯỞNG ĐƠN VỊ", description='Who signs for the point, e.g. "CHỦ TỊCH" or "GIÁM ĐỐC".'
    )
    head_title_en: str = option("HEAD OF UNIT", description="The same title in English.")
    head_name: str = option("", description="Name of the head who signs; empty: left to write.")

    @check("authority", "place", "prepared_by", "head_title", "head_title_en", "head_name")
    def _one_line(cls, v: str) -> str:
        if "\n" in v or "\t" in v:
            raise ValueError("write it on one line (no line breaks or tabs)")
        v = " ".join(v.split())
        if len(v) > 80:
            raise ValueError(f"at most 80 characters fit the page; this has {len(v)}")
        return v

    @check("head_title", "head_title_en")
    def _not_empty(cls, v: str) -> str:
        if not v:
            raise ValueError('give the title that signs, e.g. "THỦ TRƯỞNG ĐƠN VỊ" or "CHỦ TỊCH"')
        return v


_BIND_RE = re.compile(
    r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9.-]+)):(?P<port>\d{1,5})$"
)


@dataclass(frozen=True, kw_only=True)
class WebConfig(StrictTable):
    """`kiosk web`: the citizens' ticket pages, the board page and the manager's dashboard."""

    bind: str = option(
        "127.0.0.1:8080",
        description='Address and port to listen on; "0.0.0.0:8080" on the point\'s Wi-Fi.',
    )
    public_url: str = option(
        "",
        description="Address the ticket's QR code points at, e.g. http://192.168.1.10:8080; "
        "empty: tickets keep the plain QR text of printer.qr_content.",
    )
    manager_password_hash: str = option(
        "", description="Set with `kiosk config set-web-password`; empty: /manage is off."
    )
    requests_per_minute: int = option(
        300, ge=10, le=1_000_000, description="Requests one client address may make per minute."
    )
    streams_per_address: int = option(
        50, ge=1, le=100_000, description="Live pages one client address may keep open at once."
    )
    trusted_proxies: list[str] = option(
        default_factory=list,
        description="Addresses of reverse proxies whose X-Forwarded-For is believed.",
    )
    paused_alert_minutes: float = option(
        20.0, gt=0, le=600, description="The dashboard warns about a counter paused this long."
    )

    @check("bind")
    def _bind_shape(cls, v: str) -> str:
        m = _BIND_RE.match(v.strip())
        if m is None or not 1 <= int(m["port"]) <= 65535:
            raise ValueError('write HOST:PORT, e.g. "127.0.0.1:8080" or "0.0.0.0:8080"')
        return v.strip()

    @check("public_url")
    def _url_shape(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        if v and not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+(?:/[A-Za-z0-9._~\-/]*)?", v):
            raise ValueError(
                'write the address citizens\' phones open, e.g. "http://192.168.1.10:8080" '
                'or "https://xephang.example.gov.vn" (no query, no spaces)'
            )
        return v

    @property
    def host(self) -> str:
        m = _BIND_RE.match(self.bind)
        assert m is not None
        return m["v6"] or m["host"]

    @property
    def port(self) -> int:
        m = _BIND_RE.match(self.bind)
        assert m is not None
        return int(m["port"])

    @property
    def base_url(self) -> str:
        """`public_url`, or else the server's own address on this PC (from `bind`)."""
        if self.public_url:
            return self.public_url
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}"

    def page_url(self, token: str | None) -> str | None:
        """The address of a ticket's page, `{base_url}/t/{token}` (None without a token)."""
        return f"{self.base_url}/t/{token}" if token else None

    def qr_page_url(self, token: str | None) -> str | None:
        """What the printed QR encodes: the page's address once `public_url` is set."""
        return self.page_url(token) if self.public_url else None


@dataclass(frozen=True, kw_only=True)
class SyncConfig(StrictTable):
    """`kiosk sync`: ship the point's event log to the city centre (docs/city.md)."""

    central_url: str = option(
        "",
        secret_url=True,
        description="The centre's URL for this point, printed once by `kiosk central "
        'add-site`; "" = not linked to a centre.',
    )
    interval_seconds: float = option(
        30.0, ge=1, le=86_400, description="How often `kiosk sync` ships new events."
    )
    batch_events: int = option(
        5000, ge=1, le=100_000, description="Events per central transaction."
    )

    @check("central_url")
    def _central_shape(cls, v: str) -> str:
        v = v.strip()
        if v and not re.match(r"postgres(?:ql)?(?:\+psycopg)?://.", v):
            raise ValueError(
                "write the centre's PostgreSQL URL that `kiosk central add-site` printed, "
                'e.g. "postgresql://site_tranphu:PASSWORD@centre.example:5432/city"'
            )
        return v


@dataclass(frozen=True, kw_only=True)
class Config(StrictTable):
    site: SiteConfig = option(default_factory=lambda: SiteConfig())
    hours: OpeningHours = option(default_factory=lambda: OpeningHours())
    queue: QueueConfig = option(default_factory=lambda: QueueConfig())
    counters: list[CounterConfig] = option(default_factory=list)
    fields: list[FieldConfig] = option(default_factory=list)
    #: None configured: the officer feature is off (no sign-in, nothing recorded).
    officers: list[OfficerConfig] = option(default_factory=list)
    printer: PrinterConfig = option(default_factory=lambda: PrinterConfig())
    display: DisplayConfig = option(default_factory=lambda: DisplayConfig())
    sound: SoundConfig = option(default_factory=lambda: SoundConfig())
    kiosk: KioskConfig = option(default_factory=lambda: KioskConfig())
    reports: ReportsConfig = option(default_factory=lambda: ReportsConfig())
    ratings: RatingsConfig = option(default_factory=lambda: RatingsConfig())
    web: WebConfig = option(default_factory=lambda: WebConfig())
    sync: SyncConfig = option(default_factory=lambda: SyncConfig())

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.site.timezone)

    def field(self, code: str) -> FieldConfig | None:
        return next((f for f in self.fields if f.code == code), None)

    def counter(self, number: int) -> CounterConfig | None:
        return next((c for c in self.counters if c.number == number), None)

    def officer(self, officer_id: str) -> OfficerConfig | None:
        return next((o for o in self.officers if o.id == officer_id), None)

    def officers_at(self, counter: int) -> list[OfficerConfig]:
        """The officers who may sign in at `counter`, as listed."""
        return [o for o in self.officers if o.may_sign_in_at(counter)]

    def fields_of_counter(self, number: int) -> list[str]:
        return [f.code for f in self.fields if number in f.counters]

    def hours_of(self, field: FieldConfig) -> OpeningHours:
        return field.hours or self.hours

    def ordered_fields(self) -> list[FieldConfig]:
        """Fields in kiosk button order (`kiosk.field_order` first, then the rest as listed)."""
        order = {code: i for i, code in enumerate(self.kiosk.field_order)}
        return sorted(self.fields, key=lambda f: order.get(f.code, len(order)))

    def local_today(self, now_utc: datetime) -> date:
        return now_utc.astimezone(self.zone).date()


# ---------------------------------------------------------------- problems and loading


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong in a config file: where, what value, and how to fix it."""

    key: str
    value: str
    message: str

    def __str__(self) -> str:
        shown = f" = {self.value}" if self.value else ""
        return f"{self.key}{shown}: {self.message}"


class ConfigInvalid(ConfigError):
    """The configuration has problems; `problems` lists all of them."""

    #: What the file is called in the Vietnamese message ("Tệp cấu hình PATH có 2 lỗi").
    FILE_VI = "Tệp cấu hình"

    def __init__(self, path: str, problems: list[ConfigProblem]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        n = len(problems)
        super().__init__(
            f"{self.FILE_VI} {path} có {n} lỗi:\n{lines}",
            f"{path} has {n} problem{'s' if n != 1 else ''}:\n{lines}",
        )


def _key_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _show(value: Any) -> str:
    if isinstance(value, bool):  # as written in TOML, not Python's True/False
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "{…}"
    return repr(value) if value is not None else ""


def _show_secret(value: Any) -> str:
    """A URL option's value with its password masked, as every URL is shown."""
    if not isinstance(value, str):
        return _show(value)
    from kiosk.core.database import describe_url  # the one masking rule (it imports us)

    return _show(describe_url(value))


#: What a TOML value of each type must look like.
_EXPECTED = {
    int: "a whole number without quotes, e.g. 3",
    float: "a number without quotes, e.g. 6 or 6.5",
    bool: "true or false, without quotes",
    str: 'text in quotes, e.g. "…"',
    list: "a list in square brackets, e.g. [1, 2]",
    dict: "a table ([section] or { key = value })",
}


#: TOML's types in the words of the type messages, bool before int (a bool is an int).
_TOML_KINDS: tuple[tuple[type | types.UnionType, str], ...] = (
    (bool, "true/false"),
    (int, "a whole number"),
    (float, "a decimal number"),
    (str, "text"),
    (list, "a list"),
    (dict, "a table"),
    (date | time, "a date or time"),  # a datetime is a date
)


def _toml_kind(value: Any) -> str:
    """What a TOML value is, in the words of the type messages."""
    return next((kind for t, kind in _TOML_KINDS if isinstance(value, t)), type(value).__name__)


class _Bad(Exception):
    """A value that cannot be used: the message says how to fix it (`_value` raises it)."""


def _wrong_type(expected: type, value: Any) -> _Bad:
    return _Bad(f"must be {_EXPECTED[expected]}, not {_toml_kind(value)}")


def _one_of(allowed: list[str], given: Any) -> _Bad:
    listed = ", ".join(repr(a) for a in allowed[:-1]) + f" or {allowed[-1]!r}"
    close = (
        difflib.get_close_matches(given, allowed, n=1, cutoff=0.6) if isinstance(given, str) else []
    )
    hint = f'; did you mean "{close[0]}"?' if close else ""
    return _Bad(f"not allowed; use one of {listed}{hint}")


def _bounds(value: float, meta: typing.Mapping[str, Any]) -> None:
    """The number bounds of an option (`option(ge=…, le=…, gt=…)`)."""
    if "gt" in meta and not value > meta["gt"]:
        raise _Bad(f"should be greater than {meta['gt']}")
    if "ge" in meta and not value >= meta["ge"]:
        raise _Bad(f"should be greater than or equal to {meta['ge']}")
    if "le" in meta and not value <= meta["le"]:
        raise _Bad(f"should be less than or equal to {meta['le']}")


def _value(ann: Any, value: Any, loc: tuple[Any, ...], problems: list[ConfigProblem]) -> Any:
    """`value` as an option of type `ann` wants it; a problem (and `_INVALID`) otherwise.

    Problems inside a list or a table are added at their own keys; a problem of the value
    itself is raised as `_Bad` for the caller to add at `loc`.
    """
    origin = typing.get_origin(ann)
    if origin is Annotated:
        _base, *extras = typing.get_args(ann)
        parse = next(e for e in extras if callable(e))
        try:
            return parse(value)
        except ValueError as exc:
            raise _Bad(str(exc)) from None
    if origin in (Union, types.UnionType):
        options = [a for a in typing.get_args(ann) if a is not type(None)]
        if value is None:
            return None
        return _value(options[0], value, loc, problems)
    if origin is Literal:
        allowed = list(typing.get_args(ann))
        if value not in allowed or isinstance(value, bool):
            raise _one_of(allowed, value)
        return value
    if origin is list:
        if not isinstance(value, list):
            raise _wrong_type(list, value)
        (item,) = typing.get_args(ann)
        out = []
        for i, v in enumerate(value):
            try:
                out.append(_value(item, v, (*loc, i), problems))
            except _Bad as exc:
                problems.append(ConfigProblem(_key_path((*loc, i)), _show(v), str(exc)))
                out.append(_INVALID)
        return _INVALID if _INVALID in out else out
    if isinstance(ann, type) and issubclass(ann, StrictTable):
        if isinstance(value, ann):
            return value
        built = _build(ann, value, loc, problems)
        return _INVALID if built is None else built
    if isinstance(ann, type) and issubclass(ann, Enum):
        if isinstance(value, ann):
            return value
        allowed = [m.value for m in ann]
        if value not in allowed or not isinstance(value, str):
            raise _one_of(allowed, value)
        return ann(value)
    if ann is bool:
        if not isinstance(value, bool):
            raise _wrong_type(bool, value)
        return value
    if ann is int:
        if not _whole(value):
            raise _wrong_type(int, value)
        return value
    if ann is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _wrong_type(float, value)
        return float(value)
    if ann is str:
        if not isinstance(value, str):
            raise _wrong_type(str, value)
        return value
    raise TypeError(f"config option of unknown type {ann!r}")  # a programming error


#: Stands for a value that had a problem (already listed), so the table is not built.
_INVALID: Any = object()


def _build(cls: type[M], raw: Any, loc: tuple[Any, ...], problems: list[ConfigProblem]) -> M | None:
    """An instance of `cls` from the TOML table `raw`, or None with its problems added."""
    if not isinstance(raw, dict):
        problems.append(ConfigProblem(_key_path(loc), _show(raw), str(_wrong_type(dict, raw))))
        return None
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    known = list(fields)
    before = len(problems)
    for key in raw:
        if key not in fields:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            hint = f'did you mean "{close[0]}"?' if close else "remove it"
            if not close:
                hint += f" (known keys here: {', '.join(known)})"
            problems.append(ConfigProblem(_key_path((*loc, key)), "", f"unknown key; {hint}"))
    values: dict[str, Any] = {}
    for name, f in fields.items():
        at = (*loc, name)
        if name not in raw:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                problems.append(ConfigProblem(_key_path(at), "", "required key is missing; add it"))
            continue
        given = raw[name]
        try:
            value = _value(hints[name], given, at, problems)
            if value is _INVALID:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                _bounds(value, f.metadata)
            for fix in cls._checks.get(name, ()):
                value = fix(value)
        except (_Bad, ValueError) as exc:  # a type's or a check's message
            shown = _show_secret(given) if f.metadata.get("secret_url") else _show(given)
            problems.append(ConfigProblem(_key_path(at), shown, str(exc)))
            continue
        values[name] = value
    if len(problems) > before:
        return None
    return cls(**values)


def read_table(cls: type[M], raw: Any, problems: list[ConfigProblem]) -> M | None:
    """`cls` (a StrictTable) from the TOML table `raw`, or None with every problem added."""
    return _build(cls, raw, (), problems)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The options' types, resolved once per table class."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls, include_extras=True)
    return _HINTS[cls]


def _whole(value: Any) -> TypeGuard[int]:
    """A TOML integer (`true` is a bool to TOML, although Python counts it as an int)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _semantic_problems(raw: dict[str, Any]) -> list[ConfigProblem]:
    """Rules across keys (unique codes/prefixes/numbers, references resolve).

    Works on the raw TOML so these are reported together with type errors elsewhere.
    """
    problems: list[ConfigProblem] = []

    def tables(key: str) -> list[dict[str, Any]]:
        # A wrong type here (`counters = 5`) is reported by the type check; only skip it.
        items = raw.get(key, [])
        return [x for x in items if isinstance(x, dict)] if isinstance(items, list) else []

    counters = tables("counters")
    fields = tables("fields")
    ratings = raw.get("ratings")
    if isinstance(ratings, dict):
        vi, en = ratings.get("reasons"), ratings.get("reasons_en")
        if isinstance(vi, list) and isinstance(en, list) and len(vi) != len(en):
            problems.append(
                ConfigProblem(
                    "ratings.reasons_en",
                    str(len(en)),
                    f"give each of the {len(vi)} reasons its English words, in the same order",
                )
            )
    if not counters:
        problems.append(ConfigProblem("counters", "", "no counters; add [[counters]] entries"))
    if not fields:
        problems.append(ConfigProblem("fields", "", "no fields; add [[fields]] entries"))
    seen_counters: dict[int, int] = {}
    for i, c in enumerate(counters):
        n = c.get("number")
        if not _whole(n):
            continue
        if n in seen_counters:
            problems.append(
                ConfigProblem(
                    f"counters[{i}].number",
                    str(n),
                    f"counter {n} is already defined at counters[{seen_counters[n]}];"
                    " give each counter its own number",
                )
            )
        seen_counters.setdefault(n, i)
    codes: dict[str, int] = {}
    prefixes: dict[str, int] = {}
    numbers = sorted(seen_counters)
    for i, f in enumerate(fields):
        code, prefix, served = f.get("code"), f.get("prefix"), f.get("counters")
        if isinstance(code, str):
            _once(problems, codes, code, ("fields", i, "code"))
        if isinstance(prefix, str):
            if prefix in prefixes:
                j = prefixes[prefix]
                problems.append(
                    ConfigProblem(
                        f"fields[{i}].prefix",
                        f'"{prefix}"',
                        f"already used by fields[{j}] ({fields[j].get('code')}); two fields would "
                        "print the same ticket numbers, give each field its own prefix",
                    )
                )
            prefixes.setdefault(prefix, i)
        if isinstance(served, list):
            if not served:
                problems.append(
                    ConfigProblem(
                        f"fields[{i}].counters",
                        "[]",
                        "this field is served by no counter; list at least one counter number",
                    )
                )
            for k, n in enumerate(served):
                if _whole(n) and 1 <= n <= 99 and n not in seen_counters:
                    problems.append(
                        ConfigProblem(
                            f"fields[{i}].counters[{k}]",
                            str(n),
                            f"no counter {n} is defined (counters: {numbers or 'none'}); "
                            "add it under [[counters]] or fix the number",
                        )
                    )
                elif _whole(n) and not 1 <= n <= 99:
                    problems.append(
                        ConfigProblem(
                            f"fields[{i}].counters[{k}]", str(n), "counter numbers go from 1 to 99"
                        )
                    )
    problems.extend(_officer_problems(tables("officers"), seen_counters))
    kiosk = raw.get("kiosk", {})
    order = kiosk.get("field_order", []) if isinstance(kiosk, dict) else []
    for k, code in enumerate(order if isinstance(order, list) else []):
        if isinstance(code, str) and code not in codes:
            close = difflib.get_close_matches(code, list(codes), n=1, cutoff=0.5)
            hint = f'did you mean "{close[0]}"?' if close else f"known: {', '.join(codes)}"
            problems.append(
                ConfigProblem(f"kiosk.field_order[{k}]", f'"{code}"', f"unknown field; {hint}")
            )
    printer = raw.get("printer", {})
    if isinstance(printer, dict):
        target = printer.get("target")
        if target == PrinterTarget.NETWORK and not printer.get("host"):
            problems.append(
                ConfigProblem(
                    "printer.host", "", 'the network target needs a host, e.g. "192.168.1.50"'
                )
            )
        if target in (PrinterTarget.CUPS, PrinterTarget.WIN32RAW) and not printer.get(
            "printer_name"
        ):
            problems.append(
                ConfigProblem("printer.printer_name", "", "name the printer as the system lists it")
            )
    return problems


def _once(
    problems: list[ConfigProblem], seen: dict[str, int], value: str, at: tuple[str, int, str]
) -> None:
    """A problem at `table[i].key` (`at`) when an earlier item of the table has `value`."""
    table, i, key = at
    if value in seen:
        whose = "field its own code" if table == "fields" else "officer their own id"
        message = f"already used by {table}[{seen[value]}]; give each {whose}"
        problems.append(ConfigProblem(f"{table}[{i}].{key}", f'"{value}"', message))
    seen.setdefault(value, i)


def _officer_problems(
    officers: list[dict[str, Any]], counters: dict[int, int]
) -> list[ConfigProblem]:
    """Each officer's own id, and counters that exist."""
    problems: list[ConfigProblem] = []
    ids: dict[str, int] = {}
    numbers = sorted(counters)
    for i, o in enumerate(officers):
        oid, allowed = o.get("id"), o.get("counters")
        if isinstance(oid, str):
            _once(problems, ids, oid, ("officers", i, "id"))
        for k, n in enumerate(allowed if isinstance(allowed, list) else []):
            if _whole(n) and n not in counters:
                problems.append(
                    ConfigProblem(
                        f"officers[{i}].counters[{k}]",
                        str(n),
                        f"no counter {n} is defined (counters: {numbers or 'none'}); "
                        "fix the number, or remove the list to allow any counter",
                    )
                )
    return problems


def parse_config(text: str, path: str = "<config>") -> Config:
    """Parse and validate TOML text; raise ConfigInvalid listing every problem."""
    # Windows Notepad may save UTF-8 with a byte order mark, which TOML does not allow.
    text = text.removeprefix("\ufeff")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigInvalid(
            path,
            [ConfigProblem("(syntax)", "", f"not valid TOML: {exc}; check quotes and brackets")],
        ) from None
    problems: list[ConfigProblem] = []
    cfg = _build(Config, raw, (), problems)
    problems.extend(_semantic_problems(raw))
    if problems or cfg is None:
        raise ConfigInvalid(path, problems)
    return cfg


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "kiosk.toml"


def resolve_config_path(explicit: str | None = None) -> Path | None:
    """`--config`, then KIOSK_CONFIG, then the platform default if it exists; else None."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    default = default_config_path()
    return default if default.exists() else None


def default_config_text() -> str:
    """The shipped default: a commune point like Trần Phú with six counters."""
    return resources.files("kiosk.core").joinpath("default_config.toml").read_text("utf-8")


def read_settings(path: Path, what_vi: str, what_en: str, init: str) -> str:
    """The text of a file the point edits (`what_vi`/`what_en`: "tệp cấu hình"/"config
    file"; `init`: the command that creates one), or one clear line saying what is wrong."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"Không tìm thấy {what_vi} {path}. Tạo bằng: {init} {path}",
            f"{what_en.capitalize()} {path} does not exist. Create it with: {init} {path}",
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"{what_vi.capitalize()} {path} không phải UTF-8; lưu lại với mã UTF-8",
            f"{what_en.capitalize()} {path} is not UTF-8 text; save it again as UTF-8",
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"Không đọc được {what_vi} {path}: {exc.strerror}",
            f"Cannot read {what_en} {path}: {exc.strerror}",
        ) from None


def load_config(explicit: str | None = None) -> Config:
    """Load the configuration chosen by `--config`/KIOSK_CONFIG, or the shipped default."""
    path = resolve_config_path(explicit)
    if path is None:
        return parse_config(default_config_text(), "(built-in default)")
    text = read_settings(path, "tệp cấu hình", "config file", "kiosk config init")
    return parse_config(text, str(path))
