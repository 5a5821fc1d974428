-- Foundation: residents (data wajib KTP), chats and their links, inbound inbox, audit.

CREATE TABLE residents (
    nik            TEXT PRIMARY KEY CHECK (length(nik) = 16),
    no_kk          TEXT NOT NULL CHECK (length(no_kk) = 16),
    nama           TEXT NOT NULL DEFAULT '',
    tanggal_lahir  TEXT NOT NULL,              -- ISO date
    jenis_kelamin  TEXT NOT NULL CHECK (jenis_kelamin IN ('L', 'P')),
    alamat         TEXT NOT NULL DEFAULT '',
    rt             TEXT NOT NULL DEFAULT '',    -- 3 digits, e.g. '003'
    rw             TEXT NOT NULL DEFAULT '',
    kelurahan      TEXT NOT NULL DEFAULT '',
    kecamatan      TEXT NOT NULL DEFAULT '',
    no_hp          TEXT NOT NULL DEFAULT '',    -- normalised to 62..., '' when unknown
    status         TEXT NOT NULL DEFAULT 'BELUM_REKAM',
    kawin          INTEGER NOT NULL DEFAULT 0,
    sekolah        TEXT NOT NULL DEFAULT '',
    row_hash       TEXT NOT NULL DEFAULT '',    -- hash of the imported fields: re-import detects "unchanged"
    status_changed_at TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX residents_area ON residents (kecamatan, kelurahan, rw, rt);

CREATE TABLE status_history (
    id         INTEGER PRIMARY KEY,
    nik        TEXT NOT NULL REFERENCES residents (nik) ON DELETE CASCADE,
    old_status TEXT,
    new_status TEXT NOT NULL,
    source     TEXT NOT NULL,                   -- 'import:residents', 'import:statuses', 'kit' ...
    changed_at TEXT NOT NULL
);
CREATE INDEX status_history_nik ON status_history (nik);
CREATE INDEX status_history_at ON status_history (changed_at);

-- One row per chat on any channel: language, conversation state, reachability.
CREATE TABLE chats (
    channel        TEXT NOT NULL,               -- 'telegram' | 'whatsapp' | 'console'
    chat_id        TEXT NOT NULL,
    user_id        TEXT,
    language       TEXT NOT NULL DEFAULT 'id',
    state          TEXT NOT NULL DEFAULT '',
    state_data     TEXT NOT NULL DEFAULT '{}',  -- JSON
    is_group       INTEGER NOT NULL DEFAULT 0,
    phone          TEXT NOT NULL DEFAULT '',
    opted_out      INTEGER NOT NULL DEFAULT 0,
    unreachable    INTEGER NOT NULL DEFAULT 0,
    unreachable_reason TEXT NOT NULL DEFAULT '',
    last_inbound_at TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id)
) WITHOUT ROWID;

-- A chat verified as (or for) a resident. A parent may link several family members.
CREATE TABLE chat_links (
    channel   TEXT NOT NULL,
    chat_id   TEXT NOT NULL,
    nik       TEXT NOT NULL REFERENCES residents (nik) ON DELETE CASCADE,
    linked_at TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id, nik),
    FOREIGN KEY (channel, chat_id) REFERENCES chats (channel, chat_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX chat_links_nik ON chat_links (nik);

-- Failed verifications, for the lock-out after too many guesses.
CREATE TABLE verify_failures (
    id        INTEGER PRIMARY KEY,
    channel   TEXT NOT NULL,
    chat_id   TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX verify_failures_chat ON verify_failures (channel, chat_id, failed_at);

-- Durable inbound: every update is stored before the platform is told we have it.
CREATE TABLE inbox (
    channel      TEXT NOT NULL,
    update_id    TEXT NOT NULL,
    chat_id      TEXT NOT NULL DEFAULT '',
    payload      TEXT NOT NULL,                 -- the platform's JSON
    received_at  TEXT NOT NULL,
    processed_at TEXT,
    error        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (channel, update_id)
) WITHOUT ROWID;
CREATE INDEX inbox_pending ON inbox (channel, processed_at);

-- Who did what: staff actions and imports.
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,                       -- 'telegram:12345', 'cli:root', 'system'
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''             -- JSON; NIKs masked
);
