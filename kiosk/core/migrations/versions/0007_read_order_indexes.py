"""Indexes in the order the queue reads: the log by id, the waiting tickets by place.

- queue_events (site, id): every reader asks for the site's last event and the events after
  an id (the waiting cache, the change feed, the snapshot). With only (site, business_day) to
  go by, SQLite read every event of the site and sorted them: 0.9 ms at 3,000 events, growing
  with the whole history. Now a short range scan.
- tickets (site, state, priority, sort_at, id): call-next asks for a counter's first waiting
  ticket of a class in place order. SQLite read every waiting ticket and sorted them (0.2 ms
  at 1,000 waiting); in place order it stops at the counter's first (0.01 ms).

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
    op.create_index("ix_tickets_next", "tickets", ["site", "state", "priority", "sort_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_tickets_next", table_name="tickets")
    op.drop_index("ix_events_site_id", table_name="queue_events")
