"""Tickets record the procedure they were taken for (kiosk.core.catalogue), if any.

The procedure's key (its national code, else its name) is also in the `issued` event's data,
so the log alone rebuilds it. Tickets issued before this revision have none (plain tickets).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("procedure", sa.String(120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("procedure")
