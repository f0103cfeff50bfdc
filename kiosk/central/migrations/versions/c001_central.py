"""The centre's schema: sites, month-partitioned central_events, high_water, row-level security.

Revision ID: c001
Revises:
Create Date: 2026-12-05

Exactly once: a unique constraint of a partitioned table must hold the partition key, so
`central_events` is unique on (site, event_id, at), not on (site, event_id) alone. The real
guarantee is the high-water mark: a batch locks its site's `high_water` row (FOR UPDATE),
inserts only events above the mark and moves the mark in the same transaction, so an event
can be inserted by one committed transaction only. The unique key is the backstop: an event
offered twice with the same time (a mark lowered by hand) fails loudly instead of doubling.

Every point's role is a member of `kiosk_sites`; `sites.role` maps a login role to its site.
Row-level security: a point inserts only its own site's events and can read none (no SELECT
grant at all), reads and moves only its own high-water mark and updates only its own
metadata. `kiosk_site_days()` gives a point its own per-day counts and checksums (for
`kiosk sync --verify`) without a read grant on the events.
"""

from __future__ import annotations

from alembic import op

revision = "c001"
down_revision = None
branch_labels = ("central",)
depends_on = None

#: The group role of every point's role (cluster-wide, shared by every centre database).
SITES_ROLE = "kiosk_sites"
#: What a point's role may see of `sites`: its own row.
OWN_SITE = "(SELECT s.id FROM sites s WHERE s.role = current_user)"


def upgrade() -> None:
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar_one()
    path = f"{schema}, pg_temp"  # pg_catalog is searched first anyway; new tables go here
    op.execute(
        f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{SITES_ROLE}') THEN
            CREATE ROLE {SITES_ROLE} NOLOGIN;
          END IF;
        END $$;

        CREATE TABLE sites (
            id varchar(40) PRIMARY KEY,
            role varchar(63) NOT NULL UNIQUE,
            name text NOT NULL DEFAULT '',
            created_at timestamptz NOT NULL DEFAULT now(),
            metadata jsonb NOT NULL DEFAULT '{{}}'::jsonb,
            metadata_hash varchar(64) NOT NULL DEFAULT '',
            version integer NOT NULL DEFAULT 0,
            metadata_at timestamptz
        );

        CREATE TABLE high_water (
            site varchar(40) PRIMARY KEY REFERENCES sites (id),
            last_event_id bigint NOT NULL DEFAULT 0,
            updated_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE TABLE central_events (
            site varchar(40) NOT NULL,
            event_id bigint NOT NULL,
            at timestamptz NOT NULL,
            business_day date NOT NULL,
            kind varchar(24) NOT NULL,
            ticket_id bigint,
            counter integer,
            field varchar(30),
            actor varchar(60) NOT NULL,
            data jsonb NOT NULL,
            officer varchar(40),
            received_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT central_events_once UNIQUE (site, event_id, at)
        ) PARTITION BY RANGE (at);
        CREATE INDEX ix_central_events_day ON central_events (site, business_day);

        -- A month's partition, made when a batch first needs it (by the point's role, hence
        -- SECURITY DEFINER). Two points may need it at once: the advisory lock serialises them.
        CREATE FUNCTION kiosk_ensure_month(month date) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path} AS $f$
        DECLARE
            first date := date_trunc('month', month)::date;
            part text := 'central_events_' || to_char(first, 'YYYY_MM');
        BEGIN
            IF to_regclass(part) IS NOT NULL THEN RETURN; END IF;
            PERFORM pg_advisory_xact_lock(727102);
            IF to_regclass(part) IS NOT NULL THEN RETURN; END IF;
            -- The check above may read the catalogue as it was before the lock was granted
            -- (one statement, one catalogue snapshot): a point that made the month in the
            -- meantime shows as "already exists", which is what we wanted anyway.
            BEGIN
                EXECUTE format(
                    'CREATE TABLE %I PARTITION OF central_events FOR VALUES FROM (%L) TO (%L)',
                    part,
                    first::timestamp AT TIME ZONE 'UTC',
                    (first + interval '1 month')::timestamp AT TIME ZONE 'UTC'
                );
            EXCEPTION WHEN duplicate_table THEN
                NULL;
            END;
        END $f$;

        -- The caller's own per-day counts and checksums (kiosk sync --verify). session_user:
        -- inside SECURITY DEFINER current_user is the owner.
        CREATE FUNCTION kiosk_site_days()
        RETURNS TABLE (business_day date, events bigint, checksum text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {path} AS $f$
            SELECT e.business_day, count(*),
                   md5(string_agg(e.event_id::text || ':' || e.kind || ':'
                                  || ((extract(epoch FROM e.at) * 1000000)::bigint)::text,
                                  E'\\n' ORDER BY e.event_id))
            FROM central_events e
            WHERE e.site = (SELECT s.id FROM sites s WHERE s.role = session_user)
            GROUP BY e.business_day
            ORDER BY e.business_day
        $f$;

        REVOKE ALL ON FUNCTION kiosk_ensure_month(date) FROM PUBLIC;
        REVOKE ALL ON FUNCTION kiosk_site_days() FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION kiosk_ensure_month(date) TO {SITES_ROLE};
        GRANT EXECUTE ON FUNCTION kiosk_site_days() TO {SITES_ROLE};

        ALTER TABLE sites ENABLE ROW LEVEL SECURITY;
        ALTER TABLE high_water ENABLE ROW LEVEL SECURITY;
        ALTER TABLE central_events ENABLE ROW LEVEL SECURITY;

        GRANT SELECT ON sites TO {SITES_ROLE};
        GRANT UPDATE (metadata, metadata_hash, version, metadata_at) ON sites TO {SITES_ROLE};
        CREATE POLICY own_site ON sites FOR ALL TO {SITES_ROLE}
            USING (role = current_user) WITH CHECK (role = current_user);

        GRANT SELECT ON high_water TO {SITES_ROLE};
        GRANT UPDATE (last_event_id, updated_at) ON high_water TO {SITES_ROLE};
        CREATE POLICY own_mark ON high_water FOR ALL TO {SITES_ROLE}
            USING (site = {OWN_SITE}) WITH CHECK (site = {OWN_SITE});

        -- INSERT only: no SELECT grant, so a point reads no event, not even its own.
        GRANT INSERT ON central_events TO {SITES_ROLE};
        CREATE POLICY own_events ON central_events FOR INSERT TO {SITES_ROLE}
            WITH CHECK (site = {OWN_SITE});
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP FUNCTION IF EXISTS kiosk_site_days();
        DROP FUNCTION IF EXISTS kiosk_ensure_month(date);
        DROP TABLE IF EXISTS central_events;
        DROP TABLE IF EXISTS high_water;
        DROP TABLE IF EXISTS sites;
        """
    )
