"""Configuration: one TOML file, validated on load, with every problem reported together.

Each option is declared once here (type, default, description). `load_config` raises
`ConfigInvalid` carrying a list of `ConfigProblem`s that name the key path, the bad value
and how to fix it, with "did you mean …?" for misspelt keys and field codes.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
import tomllib
import types
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import platformdirs
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from kiosk.core.errors import ConfigError

APP_NAME = "kiosk"
CONFIG_ENV = "KIOSK_CONFIG"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PERIOD_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class _Strict(BaseModel):
    """Unknown keys are errors, and TOML types are never converted into each other.

    Strict mode: `true` is not the number 1, `"3"` is not 3 and `1.0` is not the integer 1
    (pydantic would quietly convert them). A whole number is still accepted for a
    decimal option (`service_minutes = 6`). Enum options take their text (`strict=False`
    on those fields: a strict enum wants a Python enum member).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


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


PeriodValue = Annotated[Period, BeforeValidator(_parse_period)]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _workdays() -> list[Weekday]:
    return ["mon", "tue", "wed", "thu", "fri"]


class OpeningHours(_Strict):
    """When tickets can be taken: weekdays and periods of the day (local time of the site)."""

    days: list[Weekday] = Field(
        default_factory=_workdays,
        description="Weekdays open: mon tue wed thu fri sat sun.",
    )
    periods: list[PeriodValue] = Field(
        default_factory=lambda: [_parse_period("07:30-11:30"), _parse_period("13:30-17:00")],
        description='Opening periods, e.g. ["07:30-11:30", "13:30-17:00"].',
    )

    @field_validator("periods")
    @classmethod
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


class SiteConfig(_Strict):
    id: str = Field("tranphu", description="Short id of the point, stored on every row.")
    name: str = Field("Điểm phục vụ hành chính công xã Trần Phú", description="Name (VI).")
    name_en: str = Field("Tran Phu Commune Public Administration Service Point", description="EN.")
    address: str = Field("", description="Address printed on tickets and shown on screens.")
    timezone: str = Field("Asia/Ho_Chi_Minh", description="IANA time zone of the point.")
    hotlines: list[str] = Field(
        default_factory=lambda: ["024.1022", "1900 1009", "Zalo/Viber 0768.221.221"],
        description="Help lines shown in footers and on tickets.",
    )

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", v):
            raise ValueError(
                "use 1-40 lower-case letters, digits, '-' or '_' (no spaces or accents), "
                'e.g. "tranphu"'
            )
        return v

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            # OSError: a folder of the zone database ("Asia") or an over-long name.
            close = difflib.get_close_matches(v, sorted(available_timezones()), n=1)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            raise ValueError(f'unknown time zone{hint} (Vietnam is "Asia/Ho_Chi_Minh")') from None
        return v


class CounterConfig(_Strict):
    number: int = Field(description="Counter number shown to citizens, 1-99.")
    name: str = Field("", description='Name (VI); default "Quầy N".')
    name_en: str = Field("", description='Name (EN); default "Counter N".')

    @field_validator("number")
    @classmethod
    def _range(cls, v: int) -> int:
        if not 1 <= v <= 99:
            raise ValueError("counter numbers go from 1 to 99")
        return v

    @property
    def label_vi(self) -> str:
        return self.name or f"Quầy {self.number}"

    @property
    def label_en(self) -> str:
        return self.name_en or f"Counter {self.number}"


class FieldConfig(_Strict):
    code: str = Field(description="Short id of the field used by the CLI and in exports.")
    name: str = Field(description="Vietnamese name shown to citizens.")
    name_en: str = Field(description="English name.")
    prefix: str = Field(description="Ticket prefix letter(s), e.g. A gives A001.")
    counters: list[int] = Field(description="Numbers of the counters that serve this field.")
    hours: OpeningHours | None = Field(None, description="Overrides the site's opening hours.")
    daily_cap: int | None = Field(None, description="Maximum tickets per day; none = no cap.")
    service_minutes: float = Field(
        6.0, description="Typical minutes per citizen, used for estimates before history exists."
    )

    @field_validator("code")
    @classmethod
    def _code_shape(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,29}", v):
            raise ValueError('use lower-case letters, digits and "_" starting with a letter')
        return v

    @field_validator("prefix")
    @classmethod
    def _prefix_shape(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Z]{1,2}", v):
            raise ValueError('use one or two capital letters without accents, e.g. "A"')
        return v

    @field_validator("daily_cap")
    @classmethod
    def _cap(cls, v: int | None) -> int | None:
        if v is not None and not 1 <= v <= 9999:
            raise ValueError("a daily cap goes from 1 to 9999; remove the key for no cap")
        return v

    @field_validator("service_minutes")
    @classmethod
    def _service(cls, v: float) -> float:
        if not 0.5 <= v <= 240:
            raise ValueError("give typical minutes per citizen between 0.5 and 240")
        return v


class PriorityPolicy(StrEnum):
    STRICT = "strict"
    INTERLEAVED = "interleaved"


class QueueConfig(_Strict):
    priority_policy: PriorityPolicy = Field(
        PriorityPolicy.INTERLEAVED,
        strict=False,
        description="strict: every priority ticket first; interleaved: after `priority_burst` "
        "priority calls in a row a counter takes the oldest normal ticket.",
    )
    priority_burst: int = Field(3, ge=1, le=20, description="Priority calls in a row.")
    max_recalls: int = Field(
        2, ge=0, le=10, description="Recalls allowed before a no-show skip is expected."
    )
    complete_on_next: bool = Field(
        True, description="Calling next while holding a ticket completes it first."
    )
    call_guard_seconds: float = Field(
        2.0,
        ge=0,
        le=30,
        description="After call next, a counter console refuses another call next for this "
        "long while the counter still holds the ticket it just called (a bounced or held key "
        "never calls two citizens); 0 turns the guard off.",
    )
    number_digits: int = Field(3, ge=2, le=4, description="Zero padding: 3 gives A001.")
    estimate_window: int = Field(
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


class PrinterConfig(_Strict):
    target: PrinterTarget = Field(
        PrinterTarget.FILE,
        strict=False,
        description="none, dummy, file, usb, network, serial, cups or win32raw.",
    )
    # An int checked below, not Literal[58, 80]: a literal would take 80.0 for 80.
    paper_mm: int = Field(80, description="Paper width: 80 (576 dots) or 58 (384).")
    profile: str = Field("TM-T20II", description="python-escpos printer profile (width, cut).")
    usb_vendor_id: int = Field(0x0416, description="USB vendor id (write as 0x0416).")
    usb_product_id: int = Field(0x5011, description="USB product id.")
    host: str = Field("", description="Network printer address.")
    port: int = Field(9100, ge=1, le=65535, description="Network printer port.")
    serial_device: str = Field("/dev/ttyUSB0", description="Serial device.")
    baudrate: int = Field(19200, description="Serial speed.")
    printer_name: str = Field("", description="CUPS or Windows printer name.")
    file_path: str = Field(
        "", description="Where the file target appends ESC/POS bytes; default in the data dir."
    )
    timeout_seconds: float = Field(8.0, gt=0, le=120, description="Give up printing after this.")
    qr_content: str = Field(
        "{site}|{day}|{code}", description="QR text; {site} {day} {code} {field} are replaced."
    )
    footer: str = Field("Xin cảm ơn ông/bà!", description="Last line of the ticket.")

    @field_validator("paper_mm")
    @classmethod
    def _paper(cls, v: int) -> int:
        if v not in (58, 80):
            raise ValueError("paper width in mm: use one of 58 or 80")
        return v

    @property
    def dots(self) -> int:
        return 576 if self.paper_mm == 80 else 384


class DisplayConfig(_Strict):
    screen: int = Field(1, ge=0, le=8, description="Screen index for the wall display.")
    fullscreen: bool = Field(True, description="Full screen without a frame.")
    ticker: str = Field(
        "Tổng đài hỗ trợ: 024.1022 – 1900 1009 – Zalo/Viber 0768.221.221",
        description="Scrolling text at the bottom.",
    )
    recent_calls: int = Field(6, ge=0, le=20, description="How many recent calls to list.")
    blink_seconds: float = Field(6.0, ge=0, le=60, description="Highlight time of a new call.")


class NumberStyle(StrEnum):
    WORDS = "words"
    DIGITS = "digits"


class SoundConfig(_Strict):
    enabled: bool = Field(True, description="Announce calls with chime and voice.")
    volume: float = Field(0.9, ge=0.0, le=1.0, description="0.0 (silent) to 1.0.")
    number_style: NumberStyle = Field(
        NumberStyle.WORDS,
        strict=False,
        description='words: "một trăm linh năm"; digits: "A, một, không, năm".',
    )
    english: bool = Field(False, description="Repeat the call in English after Vietnamese.")
    repeat: int = Field(
        2, ge=1, le=3, description="Times the Vietnamese call is said after one chime."
    )
    clips_dir: str = Field("", description="Folder of replacement clips (recorded voice).")


class KioskConfig(_Strict):
    screen: int = Field(0, ge=0, le=8, description="Screen index for the kiosk.")
    fullscreen: bool = Field(True, description="Frameless full screen (lockdown).")
    result_seconds: float = Field(10.0, ge=2, le=120, description="Result screen time.")
    idle_seconds: float = Field(45.0, ge=5, le=600, description="Any screen returns home.")
    tap_guard_ms: int = Field(1500, ge=200, le=10000, description="Ignore repeat taps.")
    admin_pin_hash: str = Field("", description="Set with `kiosk config set-pin`.")
    field_order: list[str] = Field(
        default_factory=list, description="Field codes in button order; default: as listed."
    )


class ReportsConfig(_Strict):
    wait_target_minutes: float = Field(15.0, gt=0, le=600, description="Waits over this count.")


_BIND_RE = re.compile(
    r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9.-]+)):(?P<port>\d{1,5})$"
)


class WebConfig(_Strict):
    """`kiosk web`: the citizens' ticket pages, the board page and the manager's dashboard."""

    bind: str = Field(
        "127.0.0.1:8080",
        description='Address and port to listen on; "0.0.0.0:8080" on the point\'s Wi-Fi.',
    )
    public_url: str = Field(
        "",
        description="Address the ticket's QR code points at, e.g. http://192.168.1.10:8080; "
        "empty: tickets keep the plain QR text of printer.qr_content.",
    )
    manager_password_hash: str = Field(
        "", description="Set with `kiosk config set-web-password`; empty: /manage is off."
    )
    requests_per_minute: int = Field(
        300, ge=10, le=1_000_000, description="Requests one client address may make per minute."
    )
    streams_per_address: int = Field(
        50, ge=1, le=100_000, description="Live pages one client address may keep open at once."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses of reverse proxies whose X-Forwarded-For is believed.",
    )
    paused_alert_minutes: float = Field(
        20.0, gt=0, le=600, description="The dashboard warns about a counter paused this long."
    )

    @field_validator("bind")
    @classmethod
    def _bind_shape(cls, v: str) -> str:
        m = _BIND_RE.match(v.strip())
        if m is None or not 1 <= int(m["port"]) <= 65535:
            raise ValueError('write HOST:PORT, e.g. "127.0.0.1:8080" or "0.0.0.0:8080"')
        return v.strip()

    @field_validator("public_url")
    @classmethod
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


class Config(_Strict):
    site: SiteConfig = Field(default_factory=lambda: SiteConfig())
    hours: OpeningHours = Field(default_factory=lambda: OpeningHours())
    queue: QueueConfig = Field(default_factory=lambda: QueueConfig())
    counters: list[CounterConfig] = Field(default_factory=list)
    fields: list[FieldConfig] = Field(default_factory=list)
    printer: PrinterConfig = Field(default_factory=lambda: PrinterConfig())
    display: DisplayConfig = Field(default_factory=lambda: DisplayConfig())
    sound: SoundConfig = Field(default_factory=lambda: SoundConfig())
    kiosk: KioskConfig = Field(default_factory=lambda: KioskConfig())
    reports: ReportsConfig = Field(default_factory=lambda: ReportsConfig())
    web: WebConfig = Field(default_factory=lambda: WebConfig())

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.site.timezone)

    def field(self, code: str) -> FieldConfig | None:
        return next((f for f in self.fields if f.code == code), None)

    def counter(self, number: int) -> CounterConfig | None:
        return next((c for c in self.counters if c.number == number), None)

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

    def __init__(self, path: str, problems: list[ConfigProblem]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        n = len(problems)
        super().__init__(
            f"Tệp cấu hình {path} có {n} lỗi:\n{lines}",
            f"{path} has {n} problem{'s' if n != 1 else ''}:\n{lines}",
        )


def _known_keys(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the key at `loc` (for suggesting known keys)."""
    model: type[BaseModel] = Config
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None
        ann = info.annotation
        args = getattr(ann, "__args__", ())
        candidates = [ann, *args]
        nxt = None
        for c in candidates:
            if isinstance(c, type) and issubclass(c, BaseModel):
                nxt = c
            for inner in getattr(c, "__args__", ()):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    nxt = inner
        if nxt is None:
            return None
        model = nxt
    return model


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


#: What a TOML value of each type must look like, by pydantic's error type.
_EXPECTED = {
    "int_type": "a whole number without quotes, e.g. 3",
    "float_type": "a number without quotes, e.g. 6 or 6.5",
    "bool_type": "true or false, without quotes",
    "string_type": 'text in quotes, e.g. "…"',
    "list_type": "a list in square brackets, e.g. [1, 2]",
    "model_type": "a table ([section] or { key = value })",
    "dict_type": "a table ([section] or { key = value })",
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


def _problems_from_validation(exc: ValidationError) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        kind = err["type"]
        key = _key_path(loc)
        value = _show(err.get("input"))
        if kind == "extra_forbidden":
            model = _model_at(loc)
            known = _known_keys(model) if model else []
            close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
            hint = f'did you mean "{close[0]}"?' if close else "remove it"
            if known and not close:
                hint += f" (known keys here: {', '.join(known)})"
            problems.append(ConfigProblem(key, "", f"unknown key; {hint}"))
        elif kind == "missing":
            problems.append(ConfigProblem(key, "", "required key is missing; add it"))
        elif kind == "literal_error" or kind == "enum":
            expected = err.get("ctx", {}).get("expected", "")
            allowed = re.findall(r"'([^']*)'", expected)
            given = err.get("input")
            close = (
                difflib.get_close_matches(given, allowed, n=1, cutoff=0.6)
                if isinstance(given, str)
                else []
            )
            hint = f'; did you mean "{close[0]}"?' if close else ""
            problems.append(ConfigProblem(key, value, f"not allowed; use one of {expected}{hint}"))
        elif kind in _EXPECTED:
            given = _toml_kind(err.get("input"))
            problems.append(ConfigProblem(key, value, f"must be {_EXPECTED[kind]}, not {given}"))
        elif kind == "value_error":
            msg = str(err.get("ctx", {}).get("error", err["msg"]))
            problems.append(ConfigProblem(key, value, msg))
        else:
            problems.append(ConfigProblem(key, value, err["msg"].lower().replace("input ", "")))
    return problems


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
            if code in codes:
                problems.append(
                    ConfigProblem(
                        f"fields[{i}].code",
                        f'"{code}"',
                        f"already used by fields[{codes[code]}]; give each field its own code",
                    )
                )
            codes.setdefault(code, i)
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
    cfg: Config | None = None
    try:
        cfg = Config.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_problems_from_validation(exc))
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


def load_config(explicit: str | None = None) -> Config:
    """Load the configuration chosen by `--config`/KIOSK_CONFIG, or the shipped default."""
    path = resolve_config_path(explicit)
    if path is None:
        return parse_config(default_config_text(), "(built-in default)")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"Không tìm thấy tệp cấu hình {path}. Tạo bằng: kiosk config init {path}",
            f"Config file {path} does not exist. Create it with: kiosk config init {path}",
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"Tệp cấu hình {path} không phải UTF-8; lưu lại với mã UTF-8",
            f"Config file {path} is not UTF-8 text; save it again as UTF-8",
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"Không đọc được tệp cấu hình {path}: {exc.strerror}",
            f"Cannot read config file {path}: {exc.strerror}",
        ) from None
    return parse_config(text, str(path))
