"""Alembic environment: runs on the connection handed in by kiosk.core.database.upgrade."""

from __future__ import annotations

from alembic import context

from kiosk.core.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `kiosk db upgrade` drives migrations
    raise RuntimeError("run migrations with `kiosk db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # The app's short session limits would cut a long migration (an index on years of
        # events) or the wait for the one migrator; these apply to this transaction only.
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        connection.exec_driver_sql("SET LOCAL lock_timeout = '120s'")
        # Several PCs may start at once; one migrates, the others wait and find it done.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(727001)")
    context.run_migrations()
