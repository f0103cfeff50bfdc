"""Tickets get a random page token: the address of the ticket's web page (`kiosk web`).

The token is 128 random bits (`secrets.token_urlsafe(16)`), unique, and kept out of the event
log (it is an access key, not a fact about the queue, and the log travels to the city
centre). Tickets issued before this revision keep no token: they belong to earlier business
days, whose pages count as expired anyway.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("page_token", sa.String(32), nullable=True))
    op.create_index("ix_tickets_page_token", "tickets", ["page_token"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_tickets_page_token", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("page_token")
