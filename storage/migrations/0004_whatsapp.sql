-- WhatsApp: contact identity, numbered choices, what we sent (for statuses) and held replies.

-- A WhatsApp contact. chat_id is the business-scoped user id (contacts[].user_id) when the
-- platform gave one at first contact, else the wa_id; either id found later maps to the same row.
CREATE TABLE wa_contacts (
    chat_id    TEXT PRIMARY KEY,
    user_id    TEXT UNIQUE,                 -- business-scoped user id ('US.1349…'), NULL if unknown
    wa_id      TEXT,                        -- WhatsApp's phone id (digits), NULL when withheld
    phone      TEXT NOT NULL DEFAULT '',    -- E.164 ('+62812…'), '' when unknown
    name       TEXT NOT NULL DEFAULT '',    -- profile name
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX wa_contacts_wa_id ON wa_contacts (wa_id);

-- Choices offered as numbered text (more than 10): the next message '2' means payloads[1].
CREATE TABLE wa_choices (
    chat_id    TEXT PRIMARY KEY,
    payloads   TEXT NOT NULL,               -- JSON list of payloads, in number order
    offered_at TEXT NOT NULL
) WITHOUT ROWID;

-- Every message we sent, by wamid, so a status webhook can find it (131047 → template).
CREATE TABLE wa_sent (
    wamid      TEXT PRIMARY KEY,
    chat_id    TEXT NOT NULL,
    payload    TEXT NOT NULL,               -- the Reply as JSON
    template   INTEGER NOT NULL DEFAULT 0,  -- 1 when it went as a template
    status     TEXT NOT NULL DEFAULT 'accepted',
    error_code INTEGER,
    sent_at    TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX wa_sent_at ON wa_sent (sent_at);

-- Replies that could not go because the 24-hour window was closed: a template went instead
-- and these follow as soon as the user writes again.
CREATE TABLE wa_held (
    id         INTEGER PRIMARY KEY,
    chat_id    TEXT NOT NULL,
    payload    TEXT NOT NULL,               -- the Reply as JSON
    held_at    TEXT NOT NULL
);
CREATE INDEX wa_held_chat ON wa_held (chat_id, id);

-- Statuses arrive by the platform's message id.
CREATE INDEX outbox_message_id ON outbox (channel, message_id) WHERE message_id IS NOT NULL;
