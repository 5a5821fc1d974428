-- Field results: kit sync and SIAK status ledgers, import runs, students, school visits, and
-- the visits whose results are still awaited.

-- One row per field import (kit sync, SIAK statuses, students). An import killed half-way
-- leaves a row without finished_at; running the same file again finishes the work.
CREATE TABLE import_runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('recordings', 'statuses', 'students')),
    file        TEXT NOT NULL,                  -- file name only
    file_hash   TEXT NOT NULL,                  -- blake2b of the bytes
    actor       TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    summary     TEXT NOT NULL DEFAULT '{}'      -- JSON counts, no NIKs
);
CREATE INDEX import_runs_file ON import_runs (kind, file_hash);

-- What the recording kits captured (and SIAK transitions to recorded, for the daily figures).
-- Keyed by (nik, tanggal_rekam): importing a kit file again adds nothing. A NIK that is not in
-- the data wajib KTP is kept with cleanup = 1 until a residents import brings it.
CREATE TABLE recordings (
    nik           TEXT NOT NULL CHECK (length(nik) = 16),
    tanggal_rekam TEXT NOT NULL,                -- ISO date
    kit           TEXT NOT NULL DEFAULT '',
    visit_id      INTEGER REFERENCES visits (id),
    source        TEXT NOT NULL DEFAULT 'kit' CHECK (source IN ('kit', 'siak')),
    cleanup       INTEGER NOT NULL DEFAULT 0,   -- 1: NIK not in the data, flagged for cleanup
    run_id        INTEGER REFERENCES import_runs (id),
    created_at    TEXT NOT NULL,
    PRIMARY KEY (nik, tanggal_rekam)
) WITHOUT ROWID;
CREATE INDEX recordings_day ON recordings (tanggal_rekam);
CREATE INDEX recordings_visit ON recordings (visit_id) WHERE visit_id IS NOT NULL;
CREATE INDEX recordings_cleanup ON recordings (nik) WHERE cleanup = 1;

-- Every SIAK status report seen: a re-import skips them, an older report never overrides a
-- newer one.
CREATE TABLE status_reports (
    nik     TEXT NOT NULL,
    tanggal TEXT NOT NULL,                      -- ISO date of the status in SIAK
    status  TEXT NOT NULL,                      -- our Status code
    applied INTEGER NOT NULL DEFAULT 0,         -- 1 when it changed the resident
    run_id  INTEGER REFERENCES import_runs (id),
    PRIMARY KEY (nik, tanggal, status)
) WITHOUT ROWID;

-- Students from school lists (`jemput import students`); many are not wajib KTP yet.
CREATE TABLE students (
    nik           TEXT PRIMARY KEY CHECK (length(nik) = 16),
    nama          TEXT NOT NULL,
    tanggal_lahir TEXT NOT NULL,
    sekolah       TEXT NOT NULL COLLATE NOCASE,
    kelas         TEXT NOT NULL DEFAULT '',
    run_id        INTEGER REFERENCES import_runs (id),
    updated_at    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX students_sekolah ON students (sekolah);

-- School visits are orders of kind SEKOLAH planned by staff; this names their school.
CREATE TABLE school_orders (
    order_id INTEGER PRIMARY KEY REFERENCES orders (id),
    sekolah  TEXT NOT NULL COLLATE NOCASE
);

-- Live visits whose kit results have not arrived: the summons planner holds the residents of
-- their area (and the listed people, and the school's students) from the visit day until the
-- results arrive or SYNC_GRACE_DAYS pass (see storage.field.NOT_AWAITING_RESULTS).
CREATE VIEW results_awaited AS
SELECT v.id AS visit_id, v.order_id, v.day, o.kecamatan, o.kelurahan, o.rw, o.rt,
       coalesce(so.sekolah, '') AS sekolah
FROM visits v
JOIN orders o ON o.id = v.order_id
LEFT JOIN school_orders so ON so.order_id = v.order_id
WHERE v.status IN ('TERJADWAL', 'SELESAI')
  AND NOT EXISTS (SELECT 1 FROM recordings k WHERE k.visit_id = v.id);
