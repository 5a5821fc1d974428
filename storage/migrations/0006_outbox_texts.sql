-- Summons rounds at a million residents: a planned summons refers to a shared text instead of
-- carrying a rendered copy, and planning no longer writes to an index ordered by chat.

-- A reply text shared by many outbox rows: `body` keeps {name} and {nik} (masked), filled in
-- from the row's resident when the dispatcher claims the row. Stored once per distinct content
-- (`digest`), never changed or deleted, so a row's text stays what was planned.
CREATE TABLE outbox_texts (
    id         INTEGER PRIMARY KEY,
    digest     TEXT NOT NULL UNIQUE,            -- sha256 of body and buttons
    body       TEXT NOT NULL,
    buttons    TEXT NOT NULL DEFAULT '[]',      -- the Reply's buttons as JSON
    created_at TEXT NOT NULL
);

-- The outbox, rebuilt with the dedupe key first in its unique index. A round plans in NIK order
-- and its keys ('summons:{nik}:{n}') follow that order, so the index grows at one end; ordered
-- by chat (as before), every planning transaction rewrote pages all over an index that also
-- grows with every round sent. A chat's rows are found through `outbox_chat` (rows with their
-- own text, and dead or failed ones) and, for planned summons, through the chat's linked
-- residents (storage.outbox.CHAT_ROWS).
CREATE TABLE outbox_new (
    id          INTEGER PRIMARY KEY,
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    is_group    INTEGER NOT NULL DEFAULT 0,
    kind        TEXT NOT NULL,                  -- 'summons' | 'reminder' | 'notice' | 'staff'
    dedupe_key  TEXT NOT NULL,                  -- e.g. 'summons:{nik}:{n}'
    nik         TEXT,                           -- the resident it is about (re-checked at claim)
    payload     TEXT NOT NULL,                  -- the rendered Reply as JSON ('' with text_id)
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
    text_id     INTEGER REFERENCES outbox_texts (id),  -- set: the reply is this shared text
    UNIQUE (dedupe_key, channel, chat_id)
);
INSERT INTO outbox_new (id, channel, chat_id, is_group, kind, dedupe_key, nik, payload, priority,
                        outreach, not_before, state, attempts, last_error, claimed_by,
                        claimed_at, message_id, sent_at, created_at, updated_at)
SELECT id, channel, chat_id, is_group, kind, dedupe_key, nik, payload, priority, outreach,
       not_before, state, attempts, last_error, claimed_by, claimed_at, message_id, sent_at,
       created_at, updated_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

CREATE INDEX outbox_queue ON outbox (channel, priority, id) WHERE state = 'pending';
CREATE INDEX outbox_due ON outbox (channel, not_before) WHERE state = 'pending';
CREATE INDEX outbox_pending_nik ON outbox (nik) WHERE state = 'pending';
CREATE INDEX outbox_sending ON outbox (channel, claimed_at) WHERE state = 'sending';
CREATE INDEX outbox_state ON outbox (state, kind);
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX outbox_chat ON outbox (channel, chat_id)
    WHERE text_id IS NULL OR state IN ('dead', 'failed');

-- Covers the summons planner's look-up of each linked chat (a quarter of the table's size).
CREATE INDEX chats_reach ON chats (channel, chat_id, opted_out, unreachable, is_group, language);
