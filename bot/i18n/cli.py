"""Texts of the `jemput` command: help, results and one-line errors (DEFAULT_LANGUAGE or --lang)."""

from __future__ import annotations

WEEKDAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

_ERRORS: dict[str, dict[str, str]] = {
    "cli_db_missing": {
        "id": (
            "Tidak ada database di {path}. Periksa DATABASE_PATH (atau --db); database baru "
            "dibuat oleh `jemput import regions FILE` atau `jemput run`."
        ),
        "en": (
            "No database at {path}. Check DATABASE_PATH (or --db); a new database is created "
            "by `jemput import regions FILE` or `jemput run`."
        ),
    },
    "cli_db_is_dir": {
        "id": "DATABASE_PATH {path} adalah folder; beri nama berkas, mis. {path}/jemput.sqlite3.",
        "en": "DATABASE_PATH {path} is a folder; name a file, e.g. {path}/jemput.sqlite3.",
    },
    "cli_db_unreadable": {
        "id": "Database {path} tidak dapat dibaca ({reason}); periksa pemilik dan izinnya.",
        "en": "Database {path} cannot be read ({reason}); check its owner and permissions.",
    },
    "cli_db_not_sqlite": {
        "id": "{path} bukan database SQLite; periksa DATABASE_PATH (atau --db).",
        "en": "{path} is not an SQLite database; check DATABASE_PATH (or --db).",
    },
    "cli_db_read_only": {
        "id": "Database {path} tidak dapat ditulis oleh pengguna ini; periksa pemilik dan izinnya.",
        "en": "Database {path} cannot be written by this user; check its owner and permissions.",
    },
    "cli_db_folder_read_only": {
        "id": "Folder {folder} tidak dapat ditulis, jadi {path} tidak dapat dibuat.",
        "en": "Folder {folder} is not writable, so {path} cannot be created; check permissions.",
    },
    "cli_restore_running": {
        "id": "Database {path} sedang dipulihkan (restore); jalankan lagi setelah selesai.",
        "en": "Database {path} is being restored; start again when that is done.",
    },
    "cli_db_in_use": {
        "id": (
            "Database {path} sedang dipakai `jemput run`; hentikan dulu (`systemctl stop jemput` "
            "atau `docker compose stop bot`), lalu ulangi."
        ),
        "en": (
            "Database {path} is in use by `jemput run`; stop it first (`systemctl stop jemput` "
            "or `docker compose stop bot`), then try again."
        ),
    },
    "cli_restore_no_file": {
        "id": "Berkas cadangan {path} tidak ada.",
        "en": "Backup file {path} does not exist.",
    },
    "cli_restore_damaged": {
        "id": (
            "Cadangan {path} rusak atau bukan database Jemput Bola ({reason}); "
            "tidak ada yang diubah."
        ),
        "en": "Backup {path} is damaged or not a Jemput Bola database ({reason}); nothing changed.",
    },
    "cli_job_unknown": {
        "id": "Tidak ada tugas {name!r}; tugas yang ada: {jobs}.",
        "en": "No job {name!r}; the jobs are: {jobs}.",
    },
    "cli_nothing_to_run": {
        "id": (
            "Tidak ada yang dijalankan: isi TELEGRAM_BOT_TOKEN dan/atau WHATSAPP_* "
            "(atau coba `jemput demo`)."
        ),
        "en": "Nothing to run: set TELEGRAM_BOT_TOKEN and/or WHATSAPP_* (or try `jemput demo`).",
    },
    "cli_negative": {
        "id": "{name} tidak boleh negatif (tertulis {value}).",
        "en": "{name} cannot be negative (got {value}).",
    },
    "cli_at_least_one": {
        "id": "{name} paling sedikit 1 (tertulis {value}).",
        "en": "{name} must be at least 1 (got {value}).",
    },
    "cli_too_large": {
        "id": "{name} paling banyak {high} (tertulis {value}).",
        "en": "{name} can be at most {high} (got {value}).",
    },
    "cli_team_invalid": {
        "id": "Tim {name!r} tidak dapat ditambahkan: nama 1–50 huruf, 1–50 kit,"
        " 1–500 rekaman per kit.",
        "en": "Team {name!r} cannot be added: a name of 1–50 characters, 1–50 kits,"
        " 1–500 recordings per kit.",
    },
    "cli_day_past": {
        "id": "Tanggal {date} sudah lewat; hanya hari ini atau sesudahnya yang dapat ditutup.",
        "en": "{date} has passed; only today or a later day can be closed.",
    },
    "cli_bad_date": {
        "id": "{value!r} bukan tanggal; tulis YYYY-MM-DD.",
        "en": "{value!r} is not a date; write YYYY-MM-DD.",
    },
    "cli_unknown_school": {
        "id": "Sekolah {name!r} tidak ditemukan; lihat daftarnya dengan `jemput schools`.",
        "en": "No school {name!r}; list them with `jemput schools`.",
    },
    "cli_unknown_kelurahan": {
        "id": "Kelurahan {name!r} tidak dikenal; muat wilayah dengan `jemput import regions`.",
        "en": "Unknown kelurahan {name!r}; load the areas with `jemput import regions`.",
    },
    "cli_unknown_team": {"id": "Tidak ada tim bernama {name!r}.", "en": "No team named {name!r}."},
    "cli_team_taken": {
        "id": "Tim bernama {name!r} sudah ada.",
        "en": "A team named {name!r} exists already.",
    },
    "cli_unknown_order": {"id": "Tidak ada pesanan {code}.", "en": "No order {code}."},
    "cli_file_missing": {
        "id": "Berkas {path} tidak ada.",
        "en": "File {path} does not exist.",
    },
    "cli_folder_unusable": {
        "id": "Folder {path} tidak dapat dibuat atau ditulis ({reason}).",
        "en": "Folder {path} cannot be created or written ({reason}).",
    },
    "cli_target_exists": {
        "id": "{path} sudah ada; pilih nama berkas baru.",
        "en": "{path} already exists; choose a new file name.",
    },
    "cli_unexpected": {
        "id": "kesalahan tak terduga ({error}); rinciannya tercatat di {log}.",
        "en": "unexpected error ({error}); the details are in {log}.",
    },
    "cli_need_command": {
        "id": "sebutkan PERINTAH, mis. `jemput info`",
        "en": "name a COMMAND, e.g. `jemput info`",
    },
    "cli_usage": {
        "id": "{message} (lihat `jemput --help`)",
        "en": "{message} (see `jemput --help`)",
    },
    "cli_health_down": {
        "id": "{url} tidak menjawab ({reason}).",
        "en": "{url} does not answer ({reason}).",
    },
    "cli_holidays_country": {
        "id": "HOLIDAYS_COUNTRY {country!r} tidak dikenal.",
        "en": "HOLIDAYS_COUNTRY {country!r} is not known.",
    },
}

_RESULTS: dict[str, dict[str, str]] = {
    "cli_backup_progress": {
        "id": "cadangan: {done}/{total} halaman",
        "en": "backup: {done}/{total} pages",
    },
    "cli_backup_done": {
        "id": "Database {source} dicadangkan ke {target} ({pages} halaman, integritas baik).",
        "en": "Backed up {source} to {target} ({pages} pages, integrity ok).",
    },
    "cli_restore_done": {
        "id": "Database {path} dipulihkan dari {backup} (integritas baik).",
        "en": "Restored {path} from {backup} (integrity ok).",
    },
    "cli_restore_kept": {
        "id": "Database yang diganti disimpan sebagai {kept}.",
        "en": "The replaced database was kept as {kept}.",
    },
    "cli_regions_loaded": {
        "id": "{count} wilayah (kecamatan dan kelurahan) {city} dimuat.",
        "en": "Loaded {count} areas (kecamatan and kelurahan) of {city}.",
    },
    "cli_dead_requeued": {
        "id": "{count} pesan gagal (dead letter) diantrekan lagi.",
        "en": "{count} dead letters queued again.",
    },
    "cli_job_next": {"id": "berikutnya", "en": "next"},
    "cli_job_last": {"id": "terakhir", "en": "last"},
    "cli_job_never": {"id": "belum pernah", "en": "never"},
    "cli_job_running": {"id": "sedang berjalan", "en": "running"},
    "cli_job_done": {"id": "{name}: selesai — {counts}", "en": "{name}: done — {counts}"},
    "cli_job_skipped": {"id": "{name}: dilewati — {reason}", "en": "{name}: skipped — {reason}"},
    "cli_job_failed": {"id": "{name}: gagal — {reason}", "en": "{name}: failed — {reason}"},
    "cli_count_summons": {"id": "{n} panggilan diantrekan", "en": "{n} summons enqueued"},
    "cli_count_cancelled": {
        "id": "{n} dibatalkan (sudah rekam)",
        "en": "{n} cancelled (recorded)",
    },
    "cli_count_notices": {"id": "{n} pemberitahuan diantrekan", "en": "{n} notices enqueued"},
    "cli_count_digests": {
        "id": "{n} ringkasan staf diantrekan",
        "en": "{n} staff digests enqueued",
    },
    "cli_count_lists": {
        "id": "{n} daftar pengurus diantrekan",
        "en": "{n} officials' lists enqueued",
    },
    "cli_count_reminders": {"id": "{n} pengingat diantrekan", "en": "{n} reminders enqueued"},
    "cli_count_escalated": {
        "id": "{n} pesanan terlambat dilaporkan",
        "en": "{n} overdue orders escalated",
    },
    "cli_count_pages": {"id": "cadangan {n} halaman", "en": "backup of {n} pages"},
    "cli_count_pruned": {"id": "{n} cadangan lama dihapus", "en": "{n} old backups removed"},
    "cli_reason_no_staff_chat": {
        "id": "STAFF_CHAT_ID belum diisi",
        "en": "STAFF_CHAT_ID is not set",
    },
    "cli_reason_no_officials_table": {
        "id": "belum ada data pengurus",
        "en": "no officials yet",
    },
    "cli_reason_not_working_day": {"id": "bukan hari kerja", "en": "not a working day"},
    "cli_about_summons": {
        "id": "putaran panggilan (SUMMONS_HOUR)",
        "en": "summons round (SUMMONS_HOUR)",
    },
    "cli_about_triggers": {
        "id": "pemberitahuan ulang tahun dan perubahan status (tiap jam)",
        "en": "birthday and status-change notices (hourly)",
    },
    "cli_about_staff_digest": {
        "id": "ringkasan harian staf (DIGEST_HOUR)",
        "en": "staff daily digest (DIGEST_HOUR)",
    },
    "cli_about_officials_digest": {
        "id": "ringkasan mingguan ketua RT/RW (Senin)",
        "en": "RT/RW officials' weekly digest (Monday)",
    },
    "cli_about_visit_reminders": {
        "id": "pengingat H-1 kunjungan (VISIT_REMINDER_HOUR)",
        "en": "D-1 visit reminders (VISIT_REMINDER_HOUR)",
    },
    "cli_about_order_escalation": {
        "id": "pesanan terlambat ke staf dan kepala dinas (ESCALATION_HOUR)",
        "en": "overdue orders to staff and head of office (ESCALATION_HOUR)",
    },
    "cli_about_backup": {
        "id": "cadangan harian ke BACKUP_DIR, disimpan BACKUP_KEEP hari (BACKUP_HOUR)",
        "en": "daily backup into BACKUP_DIR, kept BACKUP_KEEP days (BACKUP_HOUR)",
    },
    "cli_team_added": {
        "id": "Tim {name} (id {id}): {kits} × {per_kit} = {per_slot}/sesi",
        "en": "Team {name} (id {id}): {kits} × {per_kit} = {per_slot}/slot",
    },
    "cli_team_line": {
        "id": "{id}\t{name}\t{kits}×{per_kit}={per_slot}\t{vehicle}\tanggota {members}",
        "en": "{id}\t{name}\t{kits}×{per_kit}={per_slot}\t{vehicle}\tmembers {members}",
    },
    "cli_team_none": {
        "id": "Belum ada tim. Tambahkan: jemput team add NAMA --kits N",
        "en": "No teams. Add one: jemput team add NAME --kits N",
    },
    "cli_team_removed": {
        "id": "Tim {name} dihapus; {count} kunjungan perlu dijadwalkan ulang.",
        "en": "Team {name} removed; {count} visit(s) to re-plan.",
    },
    "cli_day_closed": {
        "id": "{date} ditutup; {count} kunjungan perlu dijadwalkan ulang.",
        "en": "{date} closed; {count} visit(s) to re-plan.",
    },
    "cli_audit_hours": {
        "id": (
            "# {team}: {count} kunjungan, rata-rata {hours:.1f} jam dari pesanan hingga terjadwal"
        ),
        "en": "# {team}: {count} visits, {hours:.1f} h from order to scheduling on average",
    },
    "cli_poster_done": {"id": "{png}, {pdf} → {url}", "en": "{png}, {pdf} → {url}"},
    "cli_targets_written": {
        "id": "{count} siswa perlu rekam di {school}: {path}",
        "en": "{count} students to record at {school}: {path}",
    },
    "cli_report_written": {
        "id": "Laporan ditulis ke {out}: {files}",
        "en": "Report written to {out}: {files}",
    },
    "cli_demo_intro": {
        "id": "Database demo: {path}. Coba pasangan NIK / KK berikut:",
        "en": "Demo database: {path}. Try these NIK / KK pairs:",
    },
    "cli_demo_hint": {
        "id": "Ketik /status, sebuah NIK, /bantuan, /bahasa … dan 'keluar' untuk berhenti.\n",
        "en": "Type /status, a NIK, /bantuan, /bahasa … and 'keluar' to quit.\n",
    },
    "cli_version": {
        "id": "jemput {version} (Python {python}); database {database}",
        "en": "jemput {version} (Python {python}); database {database}",
    },
    "cli_info": {
        "id": (
            "Jemput Bola {version} (Python {python})\n"
            "Database:        {database}\n"
            "  keadaan:       {state}\n"
            "Pengaturan:      {env}\n"
            "Zona waktu:      {timezone}; bahasa {language}\n"
            "Kanal:           {channels}\n"
            "Server web:      http://{host}:{port}/healthz, /metrics\n"
            "Cadangan harian: {backups} pukul {hour:02d}:30, disimpan {keep} hari\n"
            "Hari libur:      {holidays}\n"
            "Log kesalahan:   {errors}"
        ),
        "en": (
            "Jemput Bola {version} (Python {python})\n"
            "Database:        {database}\n"
            "  state:         {state}\n"
            "Settings:        {env}\n"
            "Time zone:       {timezone}; language {language}\n"
            "Channels:        {channels}\n"
            "Web server:      http://{host}:{port}/healthz, /metrics\n"
            "Daily backups:   {backups} at {hour:02d}:30, kept {keep} days\n"
            "Holidays:        {holidays}\n"
            "Error log:       {errors}"
        ),
    },
    "cli_info_state_pg": {
        "id": "PostgreSQL, migrasi terakhir {migration}, {residents} penduduk",
        "en": "PostgreSQL, last migration {migration}, {residents} residents",
    },
    "cli_pg_backup": {
        "id": "Database ini PostgreSQL (DATABASE_URL): cadangkan dengan pg_dump -Fc dan pulihkan "
        "dengan pg_restore (lihat docs/scaling.md).",
        "en": "This database is PostgreSQL (DATABASE_URL): back it up with pg_dump -Fc and "
        "restore with pg_restore (see docs/scaling.md).",
    },
    "cli_info_state": {
        "id": "ada, {size:.1f} MB, migrasi terakhir {migration}, {residents} penduduk",
        "en": "present, {size:.1f} MB, last migration {migration}, {residents} residents",
    },
    "cli_info_absent": {"id": "belum dibuat", "en": "not created yet"},
    "cli_info_env": {
        "id": "lingkungan (environment) dan {path}",
        "en": "environment and {path}",
    },
    "cli_info_env_none": {
        "id": "lingkungan (environment) saja; tidak ada .env di folder ini",
        "en": "environment only; no .env in this folder",
    },
    "cli_info_no_channel": {
        "id": "tidak ada (isi TELEGRAM_BOT_TOKEN / WHATSAPP_*)",
        "en": "none (set TELEGRAM_BOT_TOKEN / WHATSAPP_*)",
    },
    "cli_info_holidays": {
        "id": "nasional {country}; HOLIDAYS_FILE {file}",
        "en": "national {country}; HOLIDAYS_FILE {file}",
    },
    "cli_holidays_title": {
        "id": "Hari libur {year} ({count} hari):",
        "en": "Holidays in {year} ({count} days):",
    },
    "cli_holiday_line": {
        "id": "{date}  {weekday:<7} {name}  [{source}]",
        "en": "{date}  {weekday:<9} {name}  [{source}]",
    },
    "cli_source_nasional": {"id": "nasional", "en": "national"},
    "cli_source_file": {"id": "HOLIDAYS_FILE", "en": "HOLIDAYS_FILE"},
    "cli_health_ok": {"id": "sehat: {url}", "en": "healthy: {url}"},
    "cli_health_failing": {
        "id": "tidak sehat: {url}: {problems}",
        "en": "failing: {url}: {problems}",
    },
    "cli_none": {"id": "tidak ada", "en": "none"},
}

_HELP: dict[str, dict[str, str]] = {
    "h_jemput": {"id": "Jemput Bola: asisten perekaman e-KTP", "en": "Jemput Bola e-KTP assistant"},
    "h_verbose": {"id": "log rinci (debug)", "en": "debug logging"},
    "h_lang": {"id": "bahasa keluaran (id atau en)", "en": "output language (id or en)"},
    "h_db": {
        "id": "berkas database (bawaan: DATABASE_PATH)",
        "en": "database file (default DATABASE_PATH)",
    },
    "h_version": {"id": "versi dan database yang dipakai", "en": "version and the database in use"},
    "h_run": {"id": "jalankan bot sampai SIGTERM/SIGINT", "en": "run the bot until SIGTERM/SIGINT"},
    "h_demo": {
        "id": "obrolan konsol dengan database demo",
        "en": "console chat on a demo database",
    },
    "h_import": {"id": "impor berkas data", "en": "import data files"},
    "h_residents": {"id": "data wajib KTP (CSV atau XLSX)", "en": "data wajib KTP (CSV or XLSX)"},
    "h_regions_file": {
        "id": "daftar wilayah Kepmendagri (CSV)",
        "en": "Kepmendagri region list (CSV)",
    },
    "h_regions": {
        "id": "kecamatan/kelurahan dari daftar Kepmendagri",
        "en": "kecamatan/kelurahan from a Kepmendagri list",
    },
    "h_city": {
        "id": "kode kota/kabupaten (bawaan CITY_CODE)",
        "en": "kota/kabupaten code (default CITY_CODE)",
    },
    "h_recordings": {
        "id": "hasil alat rekam: nik, tanggal_rekam, kit[, kode]",
        "en": "kit sync: nik, tanggal_rekam, kit[, kode]",
    },
    "h_batch": {"id": "baris per transaksi", "en": "rows per transaction"},
    "h_statuses": {
        "id": "status SIAK: nik, status, tanggal",
        "en": "SIAK statuses: nik, status, tanggal",
    },
    "h_students": {
        "id": "daftar siswa: nik, nama, tanggal_lahir, sekolah",
        "en": "school lists: nik, nama, tanggal_lahir, sekolah",
    },
    "h_file": {"id": "berkas yang diimpor", "en": "file to import"},
    "h_backup": {
        "id": "salinan daring database (aman saat bot berjalan)",
        "en": "online copy of the database (safe while running)",
    },
    "h_backup_path": {"id": "berkas baru yang ditulis", "en": "new file to write"},
    "h_restore": {
        "id": "pulihkan database dari cadangan (bot harus berhenti)",
        "en": "restore the database from a backup (the bot must be stopped)",
    },
    "h_restore_file": {"id": "berkas cadangan", "en": "backup file"},
    "h_info": {
        "id": "versi, database, pengaturan, kanal, cadangan",
        "en": "version, database, settings, channels, backups",
    },
    "h_holidays": {"id": "hari libur yang berlaku", "en": "the holidays in force"},
    "h_year": {"id": "tahun (bawaan: tahun ini)", "en": "year (default: this year)"},
    "h_health": {
        "id": "tanya /healthz dari `jemput run` (untuk HEALTHCHECK)",
        "en": "ask `jemput run`'s /healthz (for HEALTHCHECK)",
    },
    "h_url": {
        "id": "alamat /healthz (bawaan dari HOST dan PORT)",
        "en": "/healthz address (default from HOST and PORT)",
    },
    "h_whatsapp": {"id": "bantuan WhatsApp", "en": "WhatsApp helpers"},
    "h_templates": {
        "id": "teks templat untuk diajukan ke Meta",
        "en": "template texts to submit to Meta",
    },
    "h_outbox": {
        "id": "antrean pesan: jumlah, laju, pesan gagal",
        "en": "outbox counts, send rate, dead letters",
    },
    "h_retry_dead": {
        "id": "antrekan lagi pesan gagal (dead letter)",
        "en": "queue the dead letters again",
    },
    "h_jobs": {
        "id": "tugas terjadwal dan jadwal berikutnya; `jobs run NAMA`",
        "en": "scheduled jobs and their next run; `jobs run NAME`",
    },
    "h_jobs_run": {"id": "jalankan satu tugas sekarang", "en": "run a job now"},
    "h_job_name": {"id": "tugas: {jobs}", "en": "job: {jobs}"},
    "h_team": {
        "id": "tim perekaman keliling: add, list, remove",
        "en": "mobile recording teams: add, list, remove",
    },
    "h_team_add": {"id": "tambah tim", "en": "add a team"},
    "h_kits": {"id": "jumlah alat rekam", "en": "number of recording kits"},
    "h_per_kit": {"id": "perekaman per alat per sesi", "en": "recordings per kit per slot"},
    "h_vehicle": {
        "id": "kendaraan, mis. 'Avanza BN 1234 X'",
        "en": "vehicle, e.g. 'Avanza BN 1234 X'",
    },
    "h_member": {"id": "user id Telegram staf", "en": "staff Telegram user id"},
    "h_team_list": {"id": "daftar tim aktif", "en": "list active teams"},
    "h_team_remove": {
        "id": "hapus tim; kunjungannya dijadwalkan ulang",
        "en": "remove a team; its visits are re-planned",
    },
    "h_day": {"id": "tutup satu hari untuk kunjungan", "en": "close a day for visits"},
    "h_day_close": {
        "id": "tutup tanggal; kunjungannya dijadwalkan ulang",
        "en": "close a date; its visits are re-planned",
    },
    "h_reason": {"id": "alasan", "en": "reason"},
    "h_visit": {"id": "kunjungan", "en": "visits"},
    "h_visit_close": {"id": "catat hasil kunjungan", "en": "record a visit's results"},
    "h_code": {"id": "kode pesanan, mis. JB-2026-0042", "en": "order code, e.g. JB-2026-0042"},
    "h_audit": {"id": "jejak audit, terbaru dulu", "en": "the audit trail, newest first"},
    "h_limit": {"id": "jumlah baris", "en": "number of rows"},
    "h_action": {
        "id": "hanya tindakan ini, mis. order.schedule",
        "en": "only this action, e.g. order.schedule",
    },
    "h_poster": {
        "id": "poster PNG/PDF dengan kode QR",
        "en": "printable PNG/PDF poster with a QR deep link",
    },
    "h_kelurahan": {"id": "nama kelurahan, mis. Bacang", "en": "kelurahan name, e.g. Bacang"},
    "h_out": {"id": "folder keluaran", "en": "output folder"},
    "h_schools": {
        "id": "sekolah menurut siswa yang perlu rekam",
        "en": "schools by students to record",
    },
    "h_months": {
        "id": "berusia 17 dalam N bulan (SCHOOL_MONTHS)",
        "en": "turning 17 within N months (SCHOOL_MONTHS)",
    },
    "h_targets": {
        "id": "tulis daftar sasaran sekolah ini",
        "en": "write this school's target list",
    },
    "h_report": {
        "id": "laporan kemajuan: HTML dengan grafik, CSV",
        "en": "progress report: HTML page with charts, CSV exports",
    },
}

# --- PostgreSQL and several workers (issue #10) ---
_SCALE: dict[str, dict[str, str]] = {
    "h_migrate": {
        "id": "terapkan migrasi yang belum (SQLite atau DATABASE_URL) dan tampilkan",
        "en": "apply pending migrations (SQLite or DATABASE_URL) and list them",
    },
    "h_migrate_data": {
        "id": "salin database SQLite ke PostgreSQL (DATABASE_URL) yang kosong, jumlah dicek",
        "en": "copy a SQLite database into the empty PostgreSQL one (DATABASE_URL), counts checked",
    },
    "h_from": {"id": "berkas SQLite sumber", "en": "the SQLite file to copy"},
    "h_workers": {
        "id": "daftar worker `jemput run` yang hidup pada database ini",
        "en": "list the live `jemput run` workers of this database",
    },
    "cli_migrate_applied": {"id": "Diterapkan: {name}", "en": "Applied: {name}"},
    "cli_migrate_none": {
        "id": "Tidak ada migrasi baru untuk {database}.",
        "en": "No pending migrations for {database}.",
    },
    "cli_migrate_data_needs_url": {
        "id": "Atur DATABASE_URL (atau --db postgresql://…) ke database PostgreSQL tujuan.",
        "en": "Set DATABASE_URL (or --db postgresql://…) to the target PostgreSQL database.",
    },
    "cli_migrate_data_table": {"id": "{table}: {count} baris", "en": "{table}: {count} rows"},
    "cli_migrate_data_done": {
        "id": "Selesai: {tables} tabel, {rows} baris, jumlah sama di kedua database.",
        "en": "Done: {tables} tables, {rows} rows, the counts match in both databases.",
    },
    "cli_workers_none": {"id": "Tidak ada worker yang hidup.", "en": "No live workers."},
    "cli_workers_row": {
        "id": "{worker}  mulai {started}  detak terakhir {beat}  {roles}",
        "en": "{worker}  started {started}  last beat {beat}  {roles}",
    },
}

MESSAGES: dict[str, dict[str, str]] = {**_ERRORS, **_RESULTS, **_HELP, **_SCALE}

#: argparse's own words, for the Indonesian help and usage errors.
ARGPARSE_ID = {
    "usage: ": "penggunaan: ",
    "positional arguments": "argumen",
    "options": "pilihan",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "the following arguments are required: %s": "argumen wajib belum diberikan: %s",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "pilihan tidak sah: %(value)r (pilih dari %(choices)s)"
    ),
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "nilai %(type)s tidak sah: %(value)r",
    "expected one argument": "perlu satu nilai",
}
