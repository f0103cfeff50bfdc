"""The points as the centre knows them: each one's config as it last shipped it.

`kiosk sync` stores a point's site, opening hours, fields, counters and wait target in
`sites.metadata` (kiosk.sync.ship.site_metadata). Here it becomes a `Config` again, through the
same config classes a kiosk.toml goes through, so the centre's pages and reports ask the
point's own rules (its time zone and business day, `OpeningHours.is_open`, field and counter
names) instead of copies of them.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from kiosk.core.config import Config, ConfigInvalid, SiteConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CentralSite:
    """One point at the centre."""

    id: str
    #: Its config as last shipped (defaults, with its id, before the first shipment).
    config: Config
    #: The centre's version of its metadata (0: never shipped).
    version: int
    #: Up to which event it shipped, and when it last shipped something (None: never).
    last_event_id: int
    last_shipment: datetime | None
    #: When its `kiosk sync` last reached the centre, shipping or not (its heartbeat;
    #: None: never, or a kiosk from before the heartbeat, whose shipments stand for it).
    last_seen: datetime | None = None
    #: Why its metadata could not be read (written by a newer kiosk?); "" when it was.
    problem: str = ""

    def name(self, lang: str) -> str:
        site = self.config.site
        return site.name if lang == "vi" else site.name_en


def site_config(site_id: str, metadata: dict[str, Any]) -> tuple[Config, str]:
    """The point's Config from its shipped metadata, and the problem if it had to fall back
    to defaults (keeping the id and names it could read)."""
    raw: dict[str, Any] = {
        key: metadata[key] for key in ("site", "hours", "fields", "counters") if key in metadata
    }
    if "wait_target_minutes" in metadata:
        raw["reports"] = {"wait_target_minutes": metadata["wait_target_minutes"]}
    if not raw:
        return _fallback(site_id, {}), ""
    try:
        return Config.model_validate(raw), ""
    except ConfigInvalid as exc:
        problem = "; ".join(str(p) for p in exc.problems[:3])
        log.warning("site %s: its shipped config cannot be read (%s)", site_id, problem)
        return _fallback(site_id, metadata.get("site") or {}), problem


def _fallback(site_id: str, site: dict[str, Any]) -> Config:
    known = {f.name for f in dataclasses.fields(SiteConfig)}
    names = {k: v for k, v in site.items() if k in known and k != "id" and isinstance(v, str)}
    try:
        parsed = SiteConfig.model_validate({**names, "id": site_id})
    except ConfigInvalid:
        parsed = SiteConfig.model_validate({"id": site_id, "name": site_id, "name_en": site_id})
    return Config(site=parsed)


#: Configs read back, by site and a digest of the metadata they were read from.
_CONFIGS: dict[tuple[str, str], tuple[Config, str]] = {}


def _config(conn: psycopg.Connection[Any], site_id: str, digest: str) -> tuple[Config, str]:
    """The site's config read back once per metadata it shipped (/city asks every few
    seconds; reading 156 configs back took 40 ms)."""
    known = _CONFIGS.get((site_id, digest))
    if known is None:
        row = conn.execute("SELECT metadata FROM sites WHERE id = %s", (site_id,)).fetchone()
        known = site_config(site_id, (row[0] if row else None) or {})
        if len(_CONFIGS) > 10_000:
            _CONFIGS.clear()
        _CONFIGS[(site_id, digest)] = known
    return known


def central_sites(
    conn: psycopg.Connection[Any], sites: Sequence[str] | None = None
) -> list[CentralSite]:
    """Every point of the centre (or `sites`), in id order."""
    rows = conn.execute(
        "SELECT s.id, md5(s.metadata::text), s.version, coalesce(h.last_event_id, 0), "
        "h.updated_at, h.seen_at "
        "FROM sites s LEFT JOIN high_water h ON h.site = s.id "
        + ("WHERE s.id = ANY(%s) " if sites is not None else "")
        + "ORDER BY s.id",
        (list(sites),) if sites is not None else (),
    ).fetchall()
    out = []
    for site_id, digest, version, last, updated, seen in rows:
        config, problem = _config(conn, site_id, digest)
        shipped = updated if last else None
        contact = max((t for t in (shipped, seen) if t is not None), default=None)
        out.append(
            CentralSite(
                site_id,
                config,
                int(version),
                int(last),
                shipped,
                last_seen=contact,
                problem=problem,
            )
        )
    return out
