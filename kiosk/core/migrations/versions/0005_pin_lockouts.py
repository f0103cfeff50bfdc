"""PIN lockouts kept in the database, so a restart does not reset them.

One row per (site, scope): "admin" for the kiosk pad and the manager window (they share the
admin PIN), "web:manage" for the web manager's password. Wrong tries also write a
`pin_failed` event (no digits in it).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pin_lockouts",
        sa.Column("site", sa.String(40), primary_key=True),
        sa.Column("scope", sa.String(40), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("pin_lockouts")
