"""PostgreSQL: NOTIFY on new events (the change feed), and a constraint error for log edits.

Every committed INSERT into queue_events notifies channel `kiosk_events` with the row's site
as payload; PostgreSQL folds identical notifications of one transaction into one, so a call
that writes three events wakes each listener once. The append-only guard now raises
SQLSTATE 23001 (restrict_violation), an integrity error like SQLite's RAISE(ABORT), and also
refuses TRUNCATE. SQLite needs nothing here: its feed polls PRAGMA data_version.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NOTIFY_CHANNEL = "kiosk_events"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION queue_events_notify() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN PERFORM pg_notify('{NOTIFY_CHANNEL}', NEW.site); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER queue_events_notify AFTER INSERT ON queue_events "
        "FOR EACH ROW EXECUTE FUNCTION queue_events_notify()"
    )
    op.execute(
        "CREATE OR REPLACE FUNCTION queue_events_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'queue_events is append-only' "
        "USING ERRCODE = 'restrict_violation'; END $$"
    )
    op.execute(
        "CREATE TRIGGER queue_events_no_truncate BEFORE TRUNCATE ON queue_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION queue_events_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS queue_events_no_truncate ON queue_events")
    op.execute("DROP TRIGGER IF EXISTS queue_events_notify ON queue_events")
    op.execute("DROP FUNCTION IF EXISTS queue_events_notify()")
    op.execute(
        "CREATE OR REPLACE FUNCTION queue_events_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'queue_events is append-only'; END $$"
    )
