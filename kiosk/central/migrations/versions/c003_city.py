"""The city page's index: the tickets waiting now, per site and day.

Revision ID: c003
Revises: c002
Create Date: 2026-12-05

`/city` (kiosk web --central) counts every point's waiting tickets every few seconds. Among a
year of tickets only a few hundred wait at any moment (earlier days' leftovers expire at the
point's next write, and the centre folds that too), so a partial index on them keeps the
count a small index scan per site whatever the history.
"""

from __future__ import annotations

from alembic import op

revision = "c003"
down_revision = "c002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX ix_central_tickets_waiting ON central_tickets (site, business_day) "
        "WHERE state = 'waiting'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_central_tickets_waiting")
