-- Jemput bola by order: areas, officials, staff, teams, orders, visits, closed days.

-- Kecamatan and kelurahan the office serves (Kepmendagri codes without dots): buttons and
-- deep links carry the code, never a name. Loaded from the operator's Kepmendagri list
-- (`jemput import regions`, or REGIONS_FILE at start); the demo seeds its own.
CREATE TABLE areas (
    kode   TEXT PRIMARY KEY,                   -- '197101' kecamatan, '1971011006' kelurahan
    nama   TEXT NOT NULL,
    level  TEXT NOT NULL CHECK (level IN ('kecamatan', 'kelurahan')),
    parent TEXT REFERENCES areas (kode)
) WITHOUT ROWID;
CREATE INDEX areas_parent ON areas (parent, nama);

-- RT/RW heads, lurah and camat who may order community visits once staff approve them.
CREATE TABLE officials (
    id          INTEGER PRIMARY KEY,
    channel     TEXT NOT NULL,
    chat_id     TEXT NOT NULL,
    user_id     TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL CHECK (role IN ('RT', 'RW', 'LURAH', 'CAMAT')),
    kecamatan   TEXT NOT NULL,
    kelurahan   TEXT NOT NULL DEFAULT '',       -- '' for a camat
    area_kode   TEXT NOT NULL REFERENCES areas (kode),
    rw          TEXT NOT NULL DEFAULT '',       -- 3 digits, '' when not applicable
    rt          TEXT NOT NULL DEFAULT '',
    nama        TEXT NOT NULL,
    phone       TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'MENUNGGU'
                CHECK (status IN ('MENUNGGU', 'DISETUJUI', 'DITOLAK')),
    decided_by  TEXT NOT NULL DEFAULT '',
    decided_at  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (channel, chat_id)
);

-- Staff added by an administrator (administrators themselves come from ADMIN_USER_IDS).
CREATE TABLE staff (
    user_id  TEXT PRIMARY KEY,                 -- Telegram user id
    nama     TEXT NOT NULL DEFAULT '',
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
) WITHOUT ROWID;

-- Mobile recording teams: capacity per slot = kits × recordings per kit.
CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL COLLATE NOCASE,
    kits       INTEGER NOT NULL CHECK (kits >= 1),
    per_kit    INTEGER NOT NULL CHECK (per_kit >= 1),
    vehicle    TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    removed_at TEXT
);
CREATE UNIQUE INDEX teams_active_name ON teams (name) WHERE active = 1;

-- Staff who go out with a team (for D-1 reminders).
CREATE TABLE team_members (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    PRIMARY KEY (team_id, user_id)
) WITHOUT ROWID;

-- Days without visits besides weekends and holidays (a kit broke, an office event).
CREATE TABLE closed_days (
    day       TEXT PRIMARY KEY,                -- ISO date
    reason    TEXT NOT NULL DEFAULT '',
    closed_by TEXT NOT NULL,
    closed_at TEXT NOT NULL
) WITHOUT ROWID;

-- Readable order codes: JB-<year>-<4 digits>, a sequence per year.
CREATE TABLE order_codes (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE orders (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('KOLEKTIF', 'RUMAH', 'SEKOLAH', 'INSTANSI')),
    status       TEXT NOT NULL DEFAULT 'BARU'
                 CHECK (status IN ('BARU', 'DITERIMA', 'SELESAI', 'DITOLAK', 'DIBATALKAN')),
    channel      TEXT NOT NULL,                -- the requester's chat
    chat_id      TEXT NOT NULL,
    user_id      TEXT NOT NULL DEFAULT '',
    official_id  INTEGER REFERENCES officials (id),
    kecamatan    TEXT NOT NULL DEFAULT '',
    kelurahan    TEXT NOT NULL DEFAULT '',
    rw           TEXT NOT NULL DEFAULT '',
    rt           TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL,
    latitude     REAL,
    longitude    REAL,
    slot         TEXT NOT NULL CHECK (slot IN ('PAGI', 'SIANG')),
    participants INTEGER NOT NULL CHECK (participants >= 1),
    phone        TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',     -- rejection reason
    handler_id   TEXT NOT NULL DEFAULT '',     -- staff who claimed it (first press wins)
    handler_name TEXT NOT NULL DEFAULT '',
    claimed_at   TEXT,
    handled_at   TEXT,                         -- scheduled or rejected
    reschedule_requested_at TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX orders_status ON orders (status, created_at);
CREATE INDEX orders_chat ON orders (channel, chat_id);

-- The requester's 1–3 preferred dates.
CREATE TABLE order_dates (
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    day      TEXT NOT NULL,
    PRIMARY KEY (order_id, day)
) WITHOUT ROWID;

-- Home visits: who is to be recorded and why.
CREATE TABLE order_people (
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    nik      TEXT NOT NULL,
    reason   TEXT NOT NULL CHECK (reason IN ('LANSIA', 'SAKIT', 'ODGJ', 'DISABILITAS')),
    PRIMARY KEY (order_id, nik)
);                                             -- rowid keeps the order they were listed in

-- A scheduled visit. A team serves one visit per slot: the partial unique index makes double
-- booking impossible; cancelled or flagged visits free their slot and stay for the record.
CREATE TABLE visits (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    team_id      INTEGER NOT NULL REFERENCES teams (id),
    day          TEXT NOT NULL,
    slot         TEXT NOT NULL CHECK (slot IN ('PAGI', 'SIANG')),
    status       TEXT NOT NULL DEFAULT 'TERJADWAL'
                 CHECK (status IN ('TERJADWAL', 'SELESAI', 'BATAL', 'JADWAL_ULANG')),
    scheduled_by TEXT NOT NULL,
    scheduled_at TEXT NOT NULL,
    closed_by    TEXT NOT NULL DEFAULT '',
    closed_at    TEXT,
    terekam      INTEGER CHECK (terekam >= 0),
    gagal        INTEGER CHECK (gagal >= 0),
    tidak_hadir  INTEGER CHECK (tidak_hadir >= 0),
    sudah_punya  INTEGER CHECK (sudah_punya >= 0),
    belum_16     INTEGER CHECK (belum_16 >= 0)
);
CREATE UNIQUE INDEX visits_team_slot ON visits (team_id, day, slot)
    WHERE status IN ('TERJADWAL', 'SELESAI');
CREATE UNIQUE INDEX visits_live_order ON visits (order_id)
    WHERE status IN ('TERJADWAL', 'SELESAI');
CREATE INDEX visits_day ON visits (day, slot);
