-- Outreach: the durable outbox, the summons and trigger ledgers, and job runs.

-- Every message that is not a direct reply. A row is written once (the dedupe key is unique per
-- chat, so a job run twice, a restart or two workers never enqueue the same thing twice) and
-- moves pending → sending → sent | failed (unreachable) | dead (gave up) | cancelled (no longer
-- wanted: the resident recorded, the chat opted out or became unreachable).
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    is_group    INTEGER NOT NULL DEFAULT 0,
    kind        TEXT NOT NULL,                  -- 'summons' | 'reminder' | 'notice' | 'staff'
    dedupe_key  TEXT NOT NULL,                  -- e.g. 'summons:{nik}:{n}'
    nik         TEXT,                           -- the resident it is about (re-checked at claim)
    payload     TEXT NOT NULL,                  -- the rendered Reply as JSON
    priority    INTEGER NOT NULL DEFAULT 5,     -- lower goes first
    outreach    INTEGER NOT NULL DEFAULT 1,     -- to a resident: sending windows and opt-out apply
    not_before  TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'dead', 'cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    claimed_by  TEXT,
    claimed_at  TEXT,
    message_id  TEXT,
    sent_at     TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (channel, chat_id, dedupe_key)
);
CREATE INDEX outbox_queue ON outbox (channel, priority, id) WHERE state = 'pending';
CREATE INDEX outbox_due ON outbox (channel, not_before) WHERE state = 'pending';
CREATE INDEX outbox_pending_nik ON outbox (nik) WHERE state = 'pending';
CREATE INDEX outbox_sending ON outbox (channel, claimed_at) WHERE state = 'sending';
CREATE INDEX outbox_state ON outbox (state, kind);
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;

-- Summons progress per resident: the number of the last summons planned and when.
CREATE TABLE summons (
    nik      TEXT PRIMARY KEY REFERENCES residents (nik) ON DELETE CASCADE,
    n        INTEGER NOT NULL,
    last_on  TEXT NOT NULL,                     -- local date of the round (interval in days)
    last_at  TEXT NOT NULL                      -- the round's timestamp
) WITHOUT ROWID;

-- Date triggers fire once per resident per event ('age17_prr', 'age16', 'status:PRR' ...).
CREATE TABLE trigger_ledger (
    nik      TEXT NOT NULL REFERENCES residents (nik) ON DELETE CASCADE,
    event    TEXT NOT NULL,
    fired_at TEXT NOT NULL,
    PRIMARY KEY (nik, event)
) WITHOUT ROWID;

-- Scheduled job runs: one row per job and slot (the local day or hour it is for), so a job
-- fired twice runs once and a job missed while the bot was down is caught up on start.
CREATE TABLE job_runs (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    slot        TEXT NOT NULL,                  -- '2026-11-28', '2026-11-28T09' or 'manual:…'
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    result      TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    UNIQUE (name, slot)
);
