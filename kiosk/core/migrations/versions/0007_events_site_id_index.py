"""The log is read by its last events: an index on (site, id).

Every reader asks for the site's last event and the events after an id (the waiting cache,
the change feed, the snapshot). With only (site, business_day) to go by, SQLite read every
event of the site and sorted them: 0.9 ms at 3,000 events, growing with the whole history.
With (site, id) both are a short range scan.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_site_id", "queue_events", ["site", "id"])


def downgrade() -> None:
    op.drop_index("ix_events_site_id", table_name="queue_events")
