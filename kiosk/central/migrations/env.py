"""Alembic environment of the centre: runs on the connection handed in by kiosk.central.centre.

The centre keeps its revision in `central_alembic_version`, so it can never be mistaken for
a point's database (`kiosk db upgrade` refuses a database without the point's tables).
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `kiosk central init` drives migrations
    raise RuntimeError("run the centre's migrations with `kiosk central init URL`")

context.configure(connection=connection, version_table="central_alembic_version")
with context.begin_transaction():
    connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
    connection.exec_driver_sql("SET LOCAL lock_timeout = '120s'")
    connection.exec_driver_sql("SELECT pg_advisory_xact_lock(727101)")  # one initialiser
    context.run_migrations()
