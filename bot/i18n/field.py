"""Texts of field results: kit/SIAK uploads, /laporan, /sekolah, /hapus (id first)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- shared -------------------------------------------------------------------------------
    "field_staff_only": {
        "id": "Maaf, perintah ini hanya untuk petugas Dukcapil.",
        "en": "Sorry, this command is for Dukcapil staff only.",
    },
    # --- staff uploads (a CSV/XLSX sent with the caption /impor) ------------------------------
    "upload_usage": {
        "id": (
            "Kirim file CSV/XLSX sebagai dokumen dengan keterangan (caption):\n"
            "/impor — hasil alat rekam (nik, tanggal_rekam, kit, kode_kunjungan)\n"
            "/impor status — status SIAK (nik, status, tanggal)\n"
            "/impor siswa — daftar siswa (nik, nama, tanggal_lahir, sekolah, kelas)"
        ),
        "en": (
            "Send a CSV/XLSX file as a document with the caption:\n"
            "/import — recording kit results (nik, tanggal_rekam, kit, kode_kunjungan)\n"
            "/import status — SIAK statuses (nik, status, tanggal)\n"
            "/import siswa — student lists (nik, nama, tanggal_lahir, sekolah, kelas)"
        ),
    },
    "upload_refused": {
        "id": (
            "Terima kasih. Maaf, hanya petugas Dukcapil yang dapat mengunggah data. "
            "Bila Bapak/Ibu ingin menanyakan status e-KTP, ketik /status."
        ),
        "en": (
            "Thank you. Sorry, only Dukcapil staff can upload data. "
            "To ask about your e-KTP status, type /status."
        ),
    },
    "upload_wrong_type": {
        "id": "File {name} bukan CSV atau XLSX. Simpan sebagai CSV UTF-8 atau Excel (.xlsx).",
        "en": "{name} is not a CSV or XLSX file. Save it as CSV UTF-8 or Excel (.xlsx).",
    },
    "upload_no_download": {
        "id": "Maaf, file dari kanal ini belum dapat diunduh. Gunakan `jemput import` di server.",
        "en": "Sorry, files from this channel cannot be downloaded yet. Use `jemput import`.",
    },
    "upload_failed": {
        "id": "File {name} tidak dapat diimpor: {reason}",
        "en": "{name} could not be imported: {reason}",
    },
    "upload_done": {
        "id": "✅ {name} selesai diimpor: {summary}",
        "en": "✅ {name} imported: {summary}",
    },
    # --- import file bounds (bot/imports/limits.py): one line, CLI and chat ---------------------
    "import_limit_members": {
        "id": "file .xlsx berisi {count} bagian (paling banyak {limit}); "
        "ini bukan lembar kerja biasa.",
        "en": "the .xlsx holds {count} parts (at most {limit}); this is not a normal spreadsheet.",
    },
    "import_limit_unzipped": {
        "id": "isi file .xlsx lebih dari {limit} MB setelah dibuka (IMPORT_MAX_UNZIPPED_MB); "
        "bagi menjadi beberapa file.",
        "en": "the .xlsx unpacks to more than {limit} MB (IMPORT_MAX_UNZIPPED_MB); "
        "split it into smaller files.",
    },
    "import_limit_ratio": {
        "id": "sebagian file .xlsx membesar {ratio} kali saat dibuka (batas {limit}); "
        "ini bukan lembar kerja biasa dan ditolak.",
        "en": "a part of the .xlsx unpacks {ratio} times larger than stored (limit {limit}); "
        "this is not a normal spreadsheet and is refused.",
    },
    "import_limit_xml": {
        "id": "file .xlsx berisi XML yang tidak dibuat oleh Excel (DTD atau CDATA); ditolak.",
        "en": "the .xlsx holds XML that Excel does not write (DTD or CDATA); refused.",
    },
    "import_limit_cell": {
        "id": "ada sel di baris {row} yang lebih dari {limit} karakter (IMPORT_MAX_CELL_CHARS); "
        "periksa isi file.",
        "en": "a cell in row {row} is longer than {limit} characters (IMPORT_MAX_CELL_CHARS); "
        "check the file.",
    },
    "import_limit_xlsx_cell": {
        "id": "ada sel di file .xlsx yang lebih dari {limit} karakter (IMPORT_MAX_CELL_CHARS); "
        "file ditolak sebelum dibuka.",
        "en": "a cell of the .xlsx is longer than {limit} characters (IMPORT_MAX_CELL_CHARS); "
        "refused before opening it.",
    },
    "import_limit_line": {
        "id": "baris {line} lebih dari {limit} karakter; periksa isi file.",
        "en": "line {line} is longer than {limit} characters; check the file.",
    },
    "import_limit_rows": {
        "id": "lebih dari {limit} baris (IMPORT_MAX_ROWS); bagi menjadi beberapa file.",
        "en": "more than {limit} rows (IMPORT_MAX_ROWS); split it into smaller files.",
    },
    "import_limit_columns": {
        "id": "baris {row} berisi lebih dari {limit} kolom (IMPORT_MAX_COLUMNS); periksa file.",
        "en": "row {row} has more than {limit} columns (IMPORT_MAX_COLUMNS); check the file.",
    },
    "upload_notes": {
        "id": "Catatan per baris (NIK disamarkan) terlampir.",
        "en": "Row notes (NIKs masked) attached.",
    },
    # --- /laporan -----------------------------------------------------------------------------
    "report_head": {
        "id": (
            "📊 Laporan perekaman e-KTP per {date}\n"
            "Cakupan: {recorded} dari {target} wajib KTP ({pct})."
        ),
        "en": (
            "📊 e-KTP recording report, {date}\nCoverage: {recorded} of {target} residents ({pct})."
        ),
    },
    "report_pace": {
        "id": "Rata-rata 14 hari terakhir: {rate} rekaman/hari.",
        "en": "Average over the last 14 days: {rate} recordings/day.",
    },
    "report_projection": {
        "id": "Perkiraan selesai: {date}.",
        "en": "Projected completion: {date}.",
    },
    "report_no_pace": {
        "id": (
            "Belum ada perekaman dalam 14 hari terakhir: tanggal selesai belum dapat diperkirakan."
        ),
        "en": "No recordings in the last 14 days: completion cannot be projected.",
    },
    "report_deadline_ok": {
        "id": "Target {deadline}: sesuai jadwal.",
        "en": "Deadline {deadline}: on track.",
    },
    "report_deadline_late": {
        "id": (
            "Target {deadline}: terlambat. Perlu {needed} rekaman/hari untuk selesai tepat waktu."
        ),
        "en": (
            "Deadline {deadline}: behind. {needed} recordings/day are needed to finish in time."
        ),
    },
    "report_no_deadline": {
        "id": "CAMPAIGN_DEADLINE belum diatur.",
        "en": "CAMPAIGN_DEADLINE is not set.",
    },
    "report_behind": {
        "id": (
            "Paling tertinggal: Kel. {kelurahan} (Kec. {kecamatan}), {pct}. "
            "{unrecorded} warga belum rekam, perlu {visits} kunjungan @ {per_visit} per kunjungan."
        ),
        "en": (
            "Furthest behind: Kel. {kelurahan} (Kec. {kecamatan}), {pct}. "
            "{unrecorded} residents unrecorded, {visits} visits needed at {per_visit} per visit."
        ),
    },
    "report_empty": {
        "id": "Belum ada data wajib KTP. Impor dulu dengan `jemput import residents`.",
        "en": "There is no resident data yet. Import it with `jemput import residents`.",
    },
    # --- /sekolah -----------------------------------------------------------------------------
    "schools_head": {
        "id": "🏫 Sekolah menurut jumlah siswa 16+ yang belum rekam (17 th dalam {months} bulan):",
        "en": (
            "🏫 Schools by students aged 16+ not yet recorded (turning 17 within {months} months):"
        ),
    },
    "schools_line": {
        "id": (
            "{n}. {school}: {count} siswa 16+ belum rekam; {soon} belum rekam akan 17 th; "
            "dari {students} siswa"
        ),
        "en": (
            "{n}. {school}: {count} aged 16+ not recorded; {soon} not recorded turning 17 soon;"
            " of {students} students"
        ),
    },
    "schools_none": {
        "id": "Belum ada data siswa. Impor dengan /impor siswa atau `jemput import students`.",
        "en": "No student data yet. Import it with /import siswa or `jemput import students`.",
    },
    "schools_hint": {
        "id": "Pilih sekolah untuk melihat daftar sasaran (CSV) dan merencanakan kunjungan.",
        "en": "Pick a school to get its target list (CSV) and plan a visit.",
    },
    "school_detail": {
        "id": "🏫 {school}: {count} siswa perlu direkam. Daftar sasaran terlampir.",
        "en": "🏫 {school}: {count} students to record. Target list attached.",
    },
    "btn_school_plan": {"id": "Rencanakan kunjungan", "en": "Plan a visit"},
    "school_planned": {
        "id": (
            "Kunjungan sekolah {code} dibuat untuk {school} ({count} siswa), tanggal usulan: "
            "{dates}. Tekan Jadwalkan untuk memilih tanggal dan tim."
        ),
        "en": (
            "School visit {code} created for {school} ({count} students), proposed dates: "
            "{dates}. Press Schedule to pick the date and the team."
        ),
    },
    "school_no_days": {
        "id": "Tidak ada hari kerja dengan tim tersedia dalam {days} hari ke depan.",
        "en": "No working day with a free team in the next {days} days.",
    },
    "school_unknown": {
        "id": "Sekolah tidak ditemukan. Ketik /sekolah untuk daftar terbaru.",
        "en": "School not found. Type /sekolah for the current list.",
    },
    # --- /hapus -------------------------------------------------------------------------------
    "privacy_confirm": {
        "id": (
            "Hapus data chat ini? Yang dihapus: tautan ke data penduduk ({links}), riwayat "
            "percakapan, dan pesan yang belum terkirim. Data kependudukan di Dukcapil tidak "
            "berubah. Setelah dihapus, Bapak/Ibu perlu verifikasi NIK dan KK lagi untuk /status."
        ),
        "en": (
            "Delete this chat's data? This removes the links to resident records ({links}), the "
            "conversation history and messages not yet sent. The civil registry data does not "
            "change. Afterwards you need to verify NIK and KK again for /status."
        ),
    },
    "btn_privacy_yes": {"id": "Ya, hapus", "en": "Yes, delete"},
    "btn_privacy_no": {"id": "Batal", "en": "Cancel"},
    "privacy_done": {
        "id": "Data chat ini sudah dihapus. Terima kasih telah menggunakan layanan kami.",
        "en": "This chat's data has been deleted. Thank you for using our service.",
    },
    "privacy_kept": {
        "id": "Baik, tidak ada yang dihapus.",
        "en": "All right, nothing was deleted.",
    },
    "privacy_group": {
        "id": "Perintah /hapus hanya dapat digunakan di chat pribadi dengan bot ini.",
        "en": "/hapus only works in a private chat with this bot.",
    },
}
