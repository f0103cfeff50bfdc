"""Ship a database that holds several points' logs (a simulated city's staging database).

Every row carries its site and `kiosk sync` reads only its site's events above the centre's
mark, in id order; so one database can stand for many points: each site is shipped by its
own `SyncLink`, exactly as `kiosk sync --once` at that point would ship it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kiosk.core.config import Config
from kiosk.core.store import Store
from kiosk.sync.service import SyncLink
from kiosk.sync.ship import Shipped


def ship_sites(
    store: Store,
    db_url: str,
    configs: Sequence[Config],
    *,
    batch: int | None = None,
    on_site: Callable[[Shipped], None] | None = None,
) -> list[Shipped]:
    """Ship each site of `configs` (each with its own `[sync] central_url`) from the one
    database `store` at `db_url`, site after site; `on_site` after each."""
    shipped = []
    for config in configs:
        done = SyncLink(store, config, db_url).run_once(batch=batch)
        shipped.append(done)
        if on_site:
            on_site(done)
    return shipped
