"""A simulated city: Hà Nội's network of service points, generated reproducibly (issue #15).

Hà Nội's centre links 126 commune and ward points and 30 branches. `city_points(n, seed)`
makes `n` points in that proportion (the first communes `xa001`…, then branches `cn01`…), each
with its own site id, names, size (citizens a day, counters, two officers a counter) and the
shipped default fields, hours and ratings. Each point's config is written as kiosk.toml text
and parsed by `parse_config`, so it passes exactly the checks a real point's file does.
"""

from __future__ import annotations

import multiprocessing
import random
import re
import tempfile
import time
import tomllib
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Table

from kiosk.core.config import Config, default_config_text, parse_config
from kiosk.core.database import parse_db_url
from kiosk.core.files import write_atomic
from kiosk.core.schema import metadata
from kiosk.core.store import Store
from kiosk.core.texts import Text, vietnamese_only
from kiosk.core.wording import count_en
from kiosk.reports.arrivals import DEFAULT_SHARES, Profile, SimulationError
from kiosk.reports.simulate import SimulationResult, check_fresh, officer_name, simulate_bulk

#: Hà Nội's network: commune and ward points, then the centre's branches.
COMMUNES, BRANCHES = 126, 30
#: The most points one simulated city may have.
MAX_SITES = 1000
#: Officers per counter: they take turns, a shift each period (kiosk.reports.shifts).
OFFICERS_PER_COUNTER = 2

#: Hà Nội's wards and communes (since 1 July 2025): the points' place names.
_WARDS = vietnamese_only(
    "Hoàn Kiếm, Cửa Nam, Ba Đình, Ngọc Hà, Giảng Võ, Hai Bà Trưng, Vĩnh Tuy, Bạch Mai, "
    "Đống Đa, Kim Liên, Văn Miếu - Quốc Tử Giám, Láng, Ô Chợ Dừa, Hồng Hà, Lĩnh Nam, "
    "Hoàng Mai, Vĩnh Hưng, Tương Mai, Định Công, Hoàng Liệt, Yên Sở, Thanh Xuân, Khương Đình, "
    "Phương Liệt, Cầu Giấy, Nghĩa Đô, Yên Hòa, Tây Hồ, Phú Thượng, Tây Tựu, Phú Diễn, "
    "Xuân Đỉnh, Đông Ngạc, Thượng Cát, Từ Liêm, Xuân Phương, Tây Mỗ, Đại Mỗ, Long Biên, Bồ Đề, "
    "Việt Hưng, Phúc Lợi, Hà Đông, Dương Nội, Yên Nghĩa, Phú Lương, Kiến Hưng, Thanh Liệt, "
    "Chương Mỹ, Sơn Tây, Tùng Thiện"
).split(", ")
_COMMUNES = vietnamese_only(
    "Thanh Trì, Đại Thanh, Nam Phù, Ngọc Hồi, Thượng Phúc, Thường Tín, Chương Dương, Hồng Vân, "
    "Phú Xuyên, Phượng Dực, Chuyên Mỹ, Đại Xuyên, Thanh Oai, Bình Minh, Tam Hưng, Dân Hòa, "
    "Vân Đình, Ứng Thiên, Hòa Xá, Ứng Hòa, Mỹ Đức, Hồng Sơn, Phúc Sơn, Hương Sơn, Phú Nghĩa, "
    "Xuân Mai, Trần Phú, Hòa Phú, Quảng Bị, Minh Châu, Quảng Oai, Vật Lại, Cổ Đô, Bất Bạt, "
    "Suối Hai, Ba Vì, Yên Bài, Đoài Phương, Phúc Thọ, Phúc Lộc, Hát Môn, Thạch Thất, Hạ Bằng, "
    "Tây Phương, Hòa Lạc, Yên Xuân, Quốc Oai, Hưng Đạo, Kiều Phú, Phú Cát, Hoài Đức, Dương Hòa, "
    "Sơn Đồng, An Khánh, Đan Phượng, Ô Diên, Liên Minh, Gia Lâm, Thuận An, Bát Tràng, Phù Đổng, "
    "Thư Lâm, Đông Anh, Phúc Thịnh, Thiên Lộc, Vĩnh Thanh, Mê Linh, Yên Lãng, Tiến Thắng, "
    "Quang Minh, Sóc Sơn, Đa Phúc, Nội Bài, Trung Giã, Kim Anh"
).split(", ")
_WARD_POINT = Text(
    "Điểm phục vụ hành chính công phường {name}",
    "{name} Ward Public Administration Service Point",
)
_COMMUNE_POINT = Text(
    "Điểm phục vụ hành chính công xã {name}",
    "{name} Commune Public Administration Service Point",
)
_WARD_ADDRESS = Text("Phường {name}, Hà Nội", "{name} Ward, Hanoi")
_COMMUNE_ADDRESS = Text("Xã {name}, Hà Nội", "{name} Commune, Hanoi")
_BRANCH = Text(
    "Trung tâm Phục vụ hành chính công Hà Nội – Chi nhánh số {n}",
    "Hanoi Public Administration Service Centre – Branch No. {n}",
)
_BRANCH_ADDRESS = Text("Hà Nội", "Hanoi")

#: Citizens a day (low, high, most likely) and counters (fewest, most) of each kind.
_COMMUNE_SIZE = ((30, 150, 60), (3, 6))
_BRANCH_SIZE = ((150, 400, 250), (6, 12))


@dataclass(frozen=True)
class CityPoint:
    """One simulated point: its kiosk.toml text, that text's config, and its citizens."""

    site: str
    branch: bool
    text: str
    config: Config
    profile: Profile


def _ascii(name: str) -> str:
    """A place name without tone marks, as Vietnamese names are written in English."""
    name = name.translate({0x110: "D", 0x111: "d"})  # Đ, đ: a letter of its own, not a mark
    return "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))


def city_counts(n: int) -> tuple[int, int]:
    """(communes, branches) among `n` points: Hà Nội's 126 to 30."""
    if not 1 <= n <= MAX_SITES:
        raise SimulationError(
            f"Số điểm (--sites) phải từ 1 đến {MAX_SITES}",
            f"--sites must be between 1 and {MAX_SITES} points, not {n}",
        )
    communes = round(n * COMMUNES / (COMMUNES + BRANCHES))
    return communes, n - communes


def _default_fields() -> list[dict[str, object]]:
    fields: list[dict[str, object]] = tomllib.loads(default_config_text())["fields"]
    return fields


def _layout(fields: Sequence[Mapping[str, object]], counters: int) -> list[list[int]]:
    """The counters serving each field: with fewer counters than fields, a counter serves
    several; with more, the fields with the most work (share × minutes) get the extra ones."""
    if counters < len(fields):
        return [[i % counters + 1] for i in range(len(fields))]
    work = [
        DEFAULT_SHARES.get(str(f["code"]), 10.0) * float(str(f["service_minutes"])) for f in fields
    ]
    count = [1] * len(fields)
    for _ in range(counters - len(fields)):
        best = max(range(len(fields)), key=lambda i: (work[i] / count[i], -i))
        count[best] += 1
    layout, first = [], 1
    for c in count:
        layout.append(list(range(first, first + c)))
        first += c
    return layout


def _point_text(site: str, names: tuple[Text, Text], counters: int, central_url: str) -> str:
    """The point's kiosk.toml: the shipped default with its site, counters, officers."""
    (name, address) = names
    text = default_config_text()
    for key, value in (
        ("id", site),
        ("name", name.vi),
        ("name_en", name.en),
        ("address", address.vi),
        ("central_url", central_url),
    ):
        text, found = re.subn(rf'^{key} = "[^"]*"', f'{key} = "{value}"', text, count=1, flags=re.M)
        assert found, key
    blocks = [f"[[counters]]\nnumber = {n}" for n in range(1, counters + 1)]
    fields = _default_fields()
    for f, served in zip(fields, _layout(fields, counters), strict=True):
        blocks.append(
            f'[[fields]]\ncode = "{f["code"]}"\nname = "{f["name"]}"\n'
            f'name_en = "{f["name_en"]}"\nprefix = "{f["prefix"]}"\ncounters = {served}\n'
            f"service_minutes = {f['service_minutes']}"
        )
    text, found = re.subn(
        r"^\[\[counters\]\].*?(?=^\[printer\])",
        "\n\n".join(blocks) + "\n\n",
        text,
        count=1,
        flags=re.M | re.S,
    )
    assert found, "[[counters]] … [printer]"
    for n in range(1, counters + 1):
        for k in range(OFFICERS_PER_COUNTER):
            i = (n - 1) * OFFICERS_PER_COUNTER + k
            text += (
                f'\n[[officers]]\nid = "cb{i + 1:03d}"\nname = "{officer_name(i)}"\n'
                f"counters = [{n}]\n"
            )
    return text


def _names(index: int, communes: int) -> tuple[str, tuple[Text, Text], bool]:
    """The site id and (name, address) of the city's point number `index` (from 0)."""
    if index < communes:
        places = [(p, True) for p in _WARDS] + [(p, False) for p in _COMMUNES]
        place, ward = places[index % len(places)]
        if index >= len(places):
            place = f"{place} {index // len(places) + 1}"
        point, address = (
            (_WARD_POINT, _WARD_ADDRESS) if ward else (_COMMUNE_POINT, _COMMUNE_ADDRESS)
        )
        english = _ascii(place)
        return (
            f"xa{index + 1:03d}",
            (
                Text(point.vi.format(name=place), point.en.format(name=english)),
                Text(address.vi.format(name=place), address.en.format(name=english)),
            ),
            False,
        )
    n = f"{index - communes + 1:02d}"
    name = Text(_BRANCH.vi.format(n=n), _BRANCH.en.format(n=n))
    return f"cn{n}", (name, _BRANCH_ADDRESS), True


def city_points(
    n: int, seed: int | str = 1, *, central_urls: Mapping[str, str] | None = None
) -> list[CityPoint]:
    """The city's first `n` points (communes, then branches), the same for the same seed.
    `central_urls` gives points their `[sync] central_url` (by site id)."""
    communes, _branches = city_counts(n)
    points = []
    for index in range(n):
        site, names, branch = _names(index, communes)
        rng = random.Random(f"city:{seed}:{site}")
        (low, high, mode), (fewest, most) = _BRANCH_SIZE if branch else _COMMUNE_SIZE
        citizens = round(rng.triangular(low, high, mode))
        counters = min(most, max(fewest, round(citizens * most / high)))
        text = _point_text(site, names, counters, (central_urls or {}).get(site, ""))
        points.append(
            CityPoint(
                site=site,
                branch=branch,
                text=text,
                config=parse_config(text),
                profile=Profile(citizens_per_day=citizens),
            )
        )
    return points


def city_sites(n: int, seed: int | str = 1) -> list[Config]:
    """The configs of the city's first `n` points."""
    return [p.config for p in city_points(n, seed)]


def write_city_configs(points: Sequence[CityPoint], folder: Path) -> list[Path]:
    """Each point's kiosk.toml as FOLDER/SITE.toml (written whole or not at all)."""
    return [write_atomic(folder / f"{p.site}.toml", p.text, folders=True) for p in points]


# ------------------------------------------------------------------------------ a city year


@dataclass(frozen=True)
class CityResult:
    """Totals of a city simulated into one staging database."""

    sites: int
    first_day: date
    last_day: date
    days: int  # open days of each point
    tickets: int
    events: int
    seconds: float
    workers: int
    #: Per site id, (tickets, events) written.
    per_site: dict[str, tuple[int, int]]

    def text(self) -> str:
        return (
            f"Simulated {count_en(self.sites, 'point')} × {count_en(self.days, 'day')} "
            f"{self.first_day:%d/%m/%Y}–{self.last_day:%d/%m/%Y} (bulk, "
            f"{count_en(self.workers, 'process', 'processes')}): "
            f"{count_en(self.tickets, 'ticket')} and {count_en(self.events, 'event')} written "
            f"in {self.seconds:.1f} s ({self.tickets / max(self.seconds, 1e-9):,.0f} tickets/s)"
        )


#: progress(points done, points, tickets written, seconds since the start)
CityProgress = Callable[[int, int, int, float], None]


def site_seed(seed: int | str, site: str) -> str:
    """Each point draws its own citizens (the same seed would give every point the same day)."""
    return f"{seed}:{site}"


def simulate_city(
    store: Store,
    db_url: str,
    points: Sequence[CityPoint],
    days_of: Callable[[Config], Sequence[date]],
    *,
    seed: int | str = 1,
    workers: int = 1,
    progress: CityProgress | None = None,
) -> CityResult:
    """Write every point's days into the one staging database `store` (at `db_url`).

    Each point's rows carry its site and take the database's next ids, point after point, so
    a point's events are in id order as `kiosk sync` ships them. With `workers` > 1 and a
    SQLite staging database, worker processes simulate the points into files of their own
    and this process merges each file in turn (in the points' order, so the result is the
    same row for row, ids included, as with one process).
    """
    t0 = time.perf_counter()
    plans = [(p, list(days_of(p.config))) for p in points]
    for p, days in plans:  # before anything is written: one refusal, nothing half done
        check_fresh(store, p.config, days)
    parsed = parse_db_url(db_url)
    sqlite_file = parsed.drivername.startswith("sqlite") and parsed.database not in (
        None,
        "",
        ":memory:",
    )
    workers = max(1, min(workers, len(plans))) if sqlite_file else 1
    per_site: dict[str, tuple[int, int]] = {}
    tickets = 0
    for i, (site, result) in enumerate(_simulated(store, db_url, plans, seed, workers)):
        per_site[site] = (result.tickets_written, result.events_written)
        tickets += result.tickets_written
        if progress:
            progress(i + 1, len(plans), tickets, time.perf_counter() - t0)
    all_days = [d for _, days in plans for d in days]
    return CityResult(
        sites=len(plans),
        first_day=min(all_days),
        last_day=max(all_days),
        days=max(len(days) for _, days in plans),
        tickets=tickets,
        events=sum(e for _, e in per_site.values()),
        seconds=time.perf_counter() - t0,
        workers=workers,
        per_site=per_site,
    )


_Plan = tuple[CityPoint, list[date]]


def _simulated(
    store: Store, db_url: str, plans: Sequence[_Plan], seed: int | str, workers: int
) -> Iterator[tuple[str, SimulationResult]]:
    """Each point's result, in the points' order, once its rows are in the staging database."""
    if workers == 1:
        for p, days in plans:
            yield (
                p.site,
                simulate_bulk(store, p.config, p.profile, days, seed=site_seed(seed, p.site)),
            )
        return
    folder = Path(str(parse_db_url(db_url).database)).expanduser().resolve().parent
    with tempfile.TemporaryDirectory(prefix="kiosk-city-", dir=folder) as tmp:
        jobs = [
            (p.text, p.profile, days, site_seed(seed, p.site), str(Path(tmp) / f"{p.site}.db"))
            for p, days in plans
        ]
        # spawn: a worker starts clean, without this process's open connections.
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            for (p, _days), (part, result) in zip(
                plans, pool.imap(_simulate_part, jobs), strict=True
            ):
                merge_part(store, Path(part))
                Path(part).unlink()
                yield p.site, result


def _simulate_part(job: tuple[str, Profile, list[date], str, str]) -> tuple[str, SimulationResult]:
    """In a worker process: one point's days into a SQLite file of its own."""
    text, profile, days, seed, path = job
    store = Store.open(f"sqlite:///{path}")
    try:
        return path, simulate_bulk(store, parse_config(text), profile, days, seed=seed)
    finally:
        store.close()


def _site_tables() -> list[Table]:
    """The tables holding a point's rows, parents first (tickets before their events)."""
    return [t for t in metadata.sorted_tables if "site" in t.c]


def merge_part(store: Store, part: Path) -> None:
    """Copy every row of the SQLite file `part` into the SQLite staging database, in one
    transaction: row ids (and the ticket ids that events and counters hold) move up past
    those already in the staging database, as if the rows had been written there."""
    tables = _site_tables()
    raw: Any = store.engine.raw_connection()  # autocommit at the driver: our own BEGIN
    try:
        cur = raw.cursor()
        cur.execute("ATTACH DATABASE ? AS part", (str(part),))
        try:
            cur.execute("BEGIN IMMEDIATE")
            try:
                offset = {
                    t.name: int(
                        cur.execute(f"SELECT coalesce(max(id), 0) FROM main.{t.name}").fetchone()[0]
                    )
                    for t in tables
                    if "id" in t.c
                }
                for t in tables:
                    names = [c.name for c in t.columns]
                    values = []
                    for c in t.columns:
                        parents = [fk.column.table.name for fk in c.foreign_keys]
                        if c.name == "id" and t.name in offset:
                            values.append(f"id + {offset[t.name]}")
                        elif parents:
                            values.append(f"{c.name} + {offset[parents[0]]}")
                        else:
                            values.append(c.name)
                    order = " ORDER BY id" if "id" in t.c else ""
                    cur.execute(
                        f"INSERT INTO main.{t.name} ({', '.join(names)}) "
                        f"SELECT {', '.join(values)} FROM part.{t.name}{order}"
                    )
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        finally:
            cur.execute("DETACH DATABASE part")
    finally:
        raw.close()
