-- SQLite's functions the storage SQL uses, for PostgreSQL (applied before every migrate run;
-- idempotent). Statements keep their SQLite spelling; storage.dialect handles the syntax.

-- Case-insensitive comparison, as SQLite's COLLATE NOCASE (an unquoted NOCASE folds to nocase).
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'nocase') THEN
        CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
    END IF;
END $$;

-- julianday(text): days since the Julian epoch, so differences are days as in SQLite.
CREATE OR REPLACE FUNCTION julianday(t text) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT extract(epoch FROM t::timestamptz) / 86400.0 + 2440587.5 $$;

-- Two-argument max/min are scalar in SQLite (greatest/least).
CREATE OR REPLACE FUNCTION max(a bigint, b bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS $$ SELECT greatest(a, b) $$;
CREATE OR REPLACE FUNCTION min(a bigint, b bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS $$ SELECT least(a, b) $$;
CREATE OR REPLACE FUNCTION max(a text, b text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT greatest(a, b) $$;
CREATE OR REPLACE FUNCTION min(a text, b text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT least(a, b) $$;

-- json_each(?) over a JSON list passed as text: its elements as text (`value`).
CREATE OR REPLACE FUNCTION json_each(list text) RETURNS TABLE (value text)
    LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT json_array_elements_text(list::json) $$;

-- json(text) and the two-pair json_object the outbox renders a shared text with (as text).
CREATE OR REPLACE FUNCTION json(t text) RETURNS json
    LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT t::json $$;
CREATE OR REPLACE FUNCTION json_object(k1 text, v1 text, k2 text, v2 json) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT json_build_object(k1, v1, k2, v2)::text $$;

-- What `sqlite_master` lists (tables and indexes), for the health and test queries.
CREATE OR REPLACE VIEW sqlite_master AS
    SELECT 'table'::text AS type, table_name::text AS name, table_name::text AS tbl_name
    FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
    UNION ALL
    SELECT 'index', indexname::text, tablename::text FROM pg_indexes WHERE schemaname = 'public';
