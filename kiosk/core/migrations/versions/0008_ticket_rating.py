"""Tickets record the citizen's rating of the service (kiosk.core.ratings), if any.

The `rated` event's data holds the same (level, reasons, channel), so the log alone
rebuilds it. Tickets served before this revision have none.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("rating", sa.String(20), nullable=True))
    op.add_column("tickets", sa.Column("rating_reasons", sa.JSON(), nullable=True))
    op.add_column("tickets", sa.Column("rating_channel", sa.String(20), nullable=True))
    op.add_column("tickets", sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        for name in ("rated_at", "rating_channel", "rating_reasons", "rating"):
            batch.drop_column(name)
