"""A point's heartbeat: when its `kiosk sync` last reached the centre, shipping or not.

Revision ID: c004
Revises: c003
Create Date: 2026-12-05

`high_water.updated_at` moves only when events arrive, so a point open but without citizens
for a while looked silent on /city. Every run of `kiosk sync` now stamps `seen_at` on its own
mark (the point's role may update that column of its own row only, as with the mark).
"""

from __future__ import annotations

from alembic import op

revision = "c004"
down_revision = "c003"
branch_labels = None
depends_on = None

SITES_ROLE = "kiosk_sites"


def upgrade() -> None:
    op.execute(
        f"""
        ALTER TABLE high_water ADD COLUMN seen_at timestamptz;
        GRANT UPDATE (seen_at) ON high_water TO {SITES_ROLE};
        """
    )


def downgrade() -> None:
    op.execute("ALTER TABLE high_water DROP COLUMN IF EXISTS seen_at")
