"""The city centre: one PostgreSQL database gathering every point's event log (issue #15).

Qt-free. `kiosk central init` creates its schema (its own Alembic migrations, never the
point's), `kiosk central add-site` gives a point a role of its own; `kiosk.sync` ships a
point's events into it. The design and its exactly-once argument: docs/city.md.
"""
