-- Several `jemput run` processes on one database (#10): who is alive, who leads what.

-- One row per running process ('host:pid:start'); alive while expires_at (its last heartbeat
-- plus WORKER_TTL_S) is in the future. A crashed worker's outbox rows go back to pending once
-- its row has expired, never before.
CREATE TABLE workers (
    id         TEXT PRIMARY KEY,
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    beat_at    TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    migration  TEXT NOT NULL DEFAULT '',       -- the newest migration this worker knows
    roles      TEXT NOT NULL DEFAULT ''        -- what it leads now: 'send:telegram poll:telegram'
);

-- Leases: one holder at a time per name ('send:telegram', 'poll:telegram:<token digest>',
-- 'inbox:whatsapp:<chat>'); taken over when expired or when its holder is gone.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX leases_holder ON leases (holder);

-- Which worker runs a job slot: catching up takes over only a dead worker's unfinished run.
ALTER TABLE job_runs ADD COLUMN worker TEXT NOT NULL DEFAULT '';
