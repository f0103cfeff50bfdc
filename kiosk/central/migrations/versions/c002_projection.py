"""The centre's projection: every point's tickets and counters rebuilt from its events.

Revision ID: c002
Revises: c001
Create Date: 2026-12-05

`central_events` gains `ticket_code` (the ticket's number as the point showed it; NULL for
events shipped before this revision). `central_tickets` and `central_counters` are what the
points' own `tickets` and `counters` tables hold, folded from the shipped events by the
existing replay (kiosk.central.projection); `projection_marks` is how far each site is
folded. Only the centre's owner writes them; the points' roles have no grant at all.
"""

from __future__ import annotations

from alembic import op

revision = "c002"
down_revision = "c001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE central_events ADD COLUMN ticket_code varchar(16);

        CREATE TABLE central_tickets (
            site varchar(40) NOT NULL,
            ticket_id bigint NOT NULL,
            business_day date NOT NULL,
            code varchar(16) NOT NULL,
            field varchar(30) NOT NULL,
            queue_field varchar(30) NOT NULL,
            priority boolean NOT NULL,
            state varchar(16) NOT NULL,
            counter integer,
            officer varchar(40),
            issued_at timestamptz NOT NULL,
            called_at timestamptz,
            serving_at timestamptz,
            completed_at timestamptz,
            recalls integer NOT NULL,
            transfers integer NOT NULL,
            dossiers integer NOT NULL,
            procedure text,
            rating varchar(24),
            rating_reasons jsonb,
            rated_at timestamptz,
            last_called_at timestamptz,
            PRIMARY KEY (site, ticket_id)
        );
        -- City reports read a range of days of every site; /city reads today's.
        CREATE INDEX ix_central_tickets_day ON central_tickets (business_day, site);

        CREATE TABLE central_counters (
            site varchar(40) NOT NULL,
            counter integer NOT NULL,
            state varchar(16) NOT NULL,
            officer varchar(40),
            since timestamptz NOT NULL,
            business_day date NOT NULL,
            PRIMARY KEY (site, counter)
        );

        CREATE TABLE projection_marks (
            site varchar(40) PRIMARY KEY REFERENCES sites (id),
            last_event_id bigint NOT NULL DEFAULT 0,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE IF EXISTS projection_marks;
        DROP TABLE IF EXISTS central_counters;
        DROP TABLE IF EXISTS central_tickets;
        ALTER TABLE central_events DROP COLUMN IF EXISTS ticket_code;
        """
    )
