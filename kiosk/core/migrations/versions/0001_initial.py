"""Initial schema: append-only queue_events, tickets projection, sequences, counters.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("site", sa.String(40), nullable=False),
        sa.Column("business_day", sa.Date, nullable=False),
        sa.Column("field", sa.String(30), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("priority", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("queue_field", sa.String(30), nullable=False),
        sa.Column("target_counter", sa.Integer, nullable=True),
        sa.Column("counter", sa.Integer, nullable=True),
        sa.Column("issued_at", UTC_TIME, nullable=False),
        sa.Column("sort_at", UTC_TIME, nullable=False),
        sa.Column("called_at", UTC_TIME, nullable=True),
        sa.Column("last_called_at", UTC_TIME, nullable=True),
        sa.Column("serving_at", UTC_TIME, nullable=True),
        sa.Column("completed_at", UTC_TIME, nullable=True),
        sa.Column("recalls", sa.Integer, nullable=False),
        sa.Column("transfers", sa.Integer, nullable=False),
        sa.Column("dossiers", sa.Integer, nullable=False),
        sa.UniqueConstraint("site", "business_day", "field", "number", name="uq_ticket_number"),
    )
    op.create_index("ix_tickets_queue", "tickets", ["site", "business_day", "state", "queue_field"])
    op.create_index("ix_tickets_open", "tickets", ["site", "state", "business_day"])
    op.create_index("ix_tickets_done", "tickets", ["site", "queue_field", "completed_at"])

    op.create_table(
        "queue_events",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("business_day", sa.Date, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("ticket_id", BigId, sa.ForeignKey("tickets.id"), nullable=True),
        sa.Column("counter", sa.Integer, nullable=True),
        sa.Column("field", sa.String(30), nullable=True),
        sa.Column("actor", sa.String(60), nullable=False),
        sa.Column("site", sa.String(40), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index("ix_events_day", "queue_events", ["site", "business_day"])
    op.create_index("ix_events_ticket", "queue_events", ["ticket_id"])

    op.create_table(
        "ticket_sequences",
        sa.Column("site", sa.String(40), primary_key=True),
        sa.Column("business_day", sa.Date, primary_key=True),
        sa.Column("field", sa.String(30), primary_key=True),
        sa.Column("last_number", sa.Integer, nullable=False),
    )
    op.create_table(
        "counters",
        sa.Column("site", sa.String(40), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("ticket_id", BigId, sa.ForeignKey("tickets.id"), nullable=True),
        sa.Column("priority_streak", sa.Integer, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=True),
    )
    op.create_table(
        "field_days",
        sa.Column("site", sa.String(40), primary_key=True),
        sa.Column("business_day", sa.Date, primary_key=True),
        sa.Column("field", sa.String(30), primary_key=True),
        sa.Column("is_open", sa.Boolean, nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
    )

    # The event log is append-only: refuse UPDATE and DELETE at the database itself.
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER queue_events_no_{action.lower()} BEFORE {action} "
                "ON queue_events BEGIN SELECT RAISE(ABORT, 'queue_events is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION queue_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'queue_events is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER queue_events_append_only BEFORE UPDATE OR DELETE ON queue_events "
            "FOR EACH ROW EXECUTE FUNCTION queue_events_append_only()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS queue_events_append_only ON queue_events")
        op.execute("DROP FUNCTION IF EXISTS queue_events_append_only()")
    for name in ("field_days", "counters", "ticket_sequences", "queue_events", "tickets"):
        op.drop_table(name)
