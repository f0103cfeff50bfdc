"""Officers sign in at counters (kiosk.core.officers): who is at each counter, who wrote
each counter's events, and who served each ticket.

`counters.officer` is the officer signed in now; `queue_events.officer` the officer signed in
at the event's counter when it was written; `tickets.officer` the officer who called the
ticket, then the one who completed it. Rows written before this revision have none.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TABLES = ("counters", "queue_events", "tickets")


def upgrade() -> None:
    for table in _TABLES:
        op.add_column(table, sa.Column("officer", sa.String(40), nullable=True))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("officer")
