"""What `kiosk sync` last knew, kept in a small file (the point's database is only read).

Beside a SQLite database (`kiosk.db` → `kiosk.db.sync-SITE.json`: a staging database holds
several sites), else in the user data folder.
Written whole or not at all (kiosk.core.files); a missing or damaged file is "nothing known
yet", never an error: the centre's mark is the truth, this file only answers `--status`
while the centre is away.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import platformdirs

from kiosk.core.config import APP_NAME
from kiosk.core.database import parse_db_url
from kiosk.core.files import write_atomic

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncState:
    site: str = ""
    shipped_id: int | None = None  # the centre's mark when last seen
    shipped_at: datetime | None = None  # when it was last seen
    last_error: str = ""  # "" after a run that succeeded
    last_error_at: datetime | None = None

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, datetime) else value
        return out


def state_path(db_url: str, site: str) -> Path:
    """Where the state of `site`'s sync from `db_url` lives."""
    parsed = parse_db_url(db_url)
    if parsed.drivername.startswith("sqlite") and parsed.database:
        db = Path(parsed.database).expanduser()
        return db.with_name(f"{db.name}.sync-{site}.json")
    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    host = f"{parsed.host or 'local'}_{parsed.port or 5432}_{parsed.database}"
    return folder / f"sync-{site}-{host}.json"


def load_state(path: Path) -> SyncState:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        times = {
            k: datetime.fromisoformat(raw[k]) if raw.get(k) else None
            for k in ("shipped_at", "last_error_at")
        }
        return SyncState(
            site=str(raw.get("site", "")),
            shipped_id=None if raw.get("shipped_id") is None else int(raw["shipped_id"]),
            last_error=str(raw.get("last_error", "")),
            **times,
        )
    except FileNotFoundError:
        return SyncState()
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        log.warning("ignoring the unreadable sync state %s: %s", path, exc)
        return SyncState()


def save_state(path: Path, state: SyncState) -> None:
    write_atomic(path, json.dumps(state.to_json(), indent=2) + "\n", folders=True)
