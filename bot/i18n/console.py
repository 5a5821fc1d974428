"""Texts of the staff web console (/konsol/, `bot.web`) and the /konsol login command.

Keys starting with `k_` are the console's page labels; Indonesian first.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "console_link": {
        "id": (
            "Tautan masuk konsol staf (berlaku {minutes} menit, sekali pakai — jangan "
            "dibagikan):\n{link}"
        ),
        "en": (
            "Staff console login link (valid {minutes} minutes, single use — do not share "
            "it):\n{link}"
        ),
    },
    "console_refused": {
        "id": (
            "Mohon maaf, konsol hanya untuk petugas Dukcapil. Bila Bapak/Ibu ingin "
            "menanyakan status e-KTP, ketik /status."
        ),
        "en": (
            "Sorry, the console is for Dukcapil staff only. To check an e-KTP status, type /status."
        ),
    },
    "console_private_only": {
        "id": "Demi keamanan, kirim /konsol di chat pribadi dengan bot, bukan di grup.",
        "en": "For safety, send /konsol in a private chat with the bot, not in a group.",
    },
    "k_title": {
        "id": "Konsol Staf",
        "en": "Staff Console",
    },
    "k_tab_ringkasan": {
        "id": "Ringkasan",
        "en": "Summary",
    },
    "k_tab_pesanan": {
        "id": "Pesanan",
        "en": "Orders",
    },
    "k_tab_jadwal": {
        "id": "Jadwal",
        "en": "Schedule",
    },
    "k_tab_tim": {
        "id": "Tim & hari tutup",
        "en": "Teams & closed days",
    },
    "k_tab_pengurus": {
        "id": "Pengurus",
        "en": "Officials",
    },
    "k_tab_impor": {
        "id": "Impor",
        "en": "Imports",
    },
    "k_tab_warga": {
        "id": "Warga",
        "en": "Residents",
    },
    "k_tab_outbox": {
        "id": "Outbox",
        "en": "Outbox",
    },
    "k_tab_audit": {
        "id": "Audit",
        "en": "Audit",
    },
    "k_logout": {
        "id": "Keluar",
        "en": "Log out",
    },
    "k_login_title": {
        "id": "Masuk ke konsol staf",
        "en": "Log in to the staff console",
    },
    "k_login_text": {
        "id": "Tautan ini hanya berlaku satu kali. Tekan tombol di bawah untuk masuk.",
        "en": "This link works once. Press the button below to log in.",
    },
    "k_login_button": {
        "id": "Masuk",
        "en": "Log in",
    },
    "k_login_needed": {
        "id": "Silakan masuk dulu: kirim /konsol kepada bot di chat pribadi, lalu buka tautannya.",
        "en": "Please log in first: send /konsol to the bot in a private chat, then open the link.",
    },
    "k_not_staff": {
        "id": "Mohon maaf, akses ditolak: konsol hanya untuk petugas Dukcapil.",
        "en": "Sorry, access refused: the console is for Dukcapil staff only.",
    },
    "k_link_bad": {
        "id": (
            "Tautan ini tidak berlaku (sudah dipakai, kedaluwarsa, atau tidak lengkap). "
            "Kirim /konsol lagi kepada bot untuk tautan baru."
        ),
        "en": (
            "This link is not valid (used, expired or incomplete). Send /konsol to the bot "
            "again for a new link."
        ),
    },
    "k_csrf": {
        "id": (
            "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi; tidak "
            "ada yang diubah."
        ),
        "en": "The form expired or is not valid. Reload the page and try again; nothing changed.",
    },
    "k_logged_out": {
        "id": "Anda sudah keluar. Terima kasih.",
        "en": "You are logged out. Thank you.",
    },
    "k_missing": {
        "id": "Halaman atau data tidak ditemukan.",
        "en": "Page or record not found.",
    },
    "k_target": {
        "id": "Wajib KTP",
        "en": "Target",
    },
    "k_recorded": {
        "id": "Sudah rekam",
        "en": "Recorded",
    },
    "k_unrecorded": {
        "id": "Belum rekam",
        "en": "Not recorded",
    },
    "k_coverage": {
        "id": "Cakupan",
        "en": "Coverage",
    },
    "k_pace": {
        "id": "Perekaman/hari (14 hari)",
        "en": "Recordings/day (14 days)",
    },
    "k_projected": {
        "id": "Proyeksi selesai",
        "en": "Projected finish",
    },
    "k_deadline": {
        "id": "Tenggat",
        "en": "Deadline",
    },
    "k_next_team": {
        "id": "Kirim tim berikutnya ke sini",
        "en": "Send the next team here",
    },
    "k_next_team_text": {
        "id": (
            "Kel. {kelurahan}, Kec. {kecamatan}: {unrecorded} warga belum rekam — kira-kira "
            "{visits} kunjungan ({per_visit} per kunjungan)."
        ),
        "en": (
            "Kel. {kelurahan}, Kec. {kecamatan}: {unrecorded} residents not recorded — about "
            "{visits} visits ({per_visit} per visit)."
        ),
    },
    "k_chart_alt": {
        "id": "Grafik perekaman kumulatif, proyeksi dan tenggat; cakupan per kecamatan",
        "en": "Chart of cumulative recordings, projection and deadline; coverage per kecamatan",
    },
    "k_per_kecamatan": {
        "id": "Per kecamatan",
        "en": "Per kecamatan",
    },
    "k_per_kelurahan": {
        "id": "Per kelurahan",
        "en": "Per kelurahan",
    },
    "k_trend": {
        "id": "Terekam {n} hari",
        "en": "Recorded, {n} days",
    },
    "k_per_day": {
        "id": "Perekaman per hari",
        "en": "Recordings per day",
    },
    "k_area": {
        "id": "Wilayah",
        "en": "Area",
    },
    "k_parent": {
        "id": "Kecamatan",
        "en": "Kecamatan",
    },
    "k_date": {
        "id": "Tanggal",
        "en": "Date",
    },
    "k_recordings": {
        "id": "Perekaman",
        "en": "Recordings",
    },
    "k_queue_empty": {
        "id": "Tidak ada pesanan yang menunggu.",
        "en": "No orders waiting.",
    },
    "k_code": {
        "id": "Kode",
        "en": "Code",
    },
    "k_dates": {
        "id": "Tanggal pilihan",
        "en": "Dates chosen",
    },
    "k_participants": {
        "id": "Peserta",
        "en": "Participants",
    },
    "k_age": {
        "id": "Umur",
        "en": "Age",
    },
    "k_days": {
        "id": "{n} hari kerja",
        "en": "{n} working days",
    },
    "k_overdue": {
        "id": "lewat batas",
        "en": "overdue",
    },
    "k_handler": {
        "id": "Petugas",
        "en": "Handled by",
    },
    "k_kind": {
        "id": "Jenis",
        "en": "Kind",
    },
    "k_address": {
        "id": "Alamat",
        "en": "Address",
    },
    "k_created": {
        "id": "Masuk",
        "en": "Received",
    },
    "k_reason": {
        "id": "Alasan",
        "en": "Reason",
    },
    "k_visit": {
        "id": "Kunjungan",
        "en": "Visit",
    },
    "k_schedule": {
        "id": "Jadwalkan",
        "en": "Schedule",
    },
    "k_free_teams": {
        "id": "{n} tim kosong",
        "en": "{n} teams free",
    },
    "k_capacity_left": {
        "id": "sisa {n} perekaman",
        "en": "{n} recordings left",
    },
    "k_too_small": {
        "id": "kapasitas kurang",
        "en": "too small",
    },
    "k_schedule_button": {
        "id": "Jadwalkan",
        "en": "Schedule",
    },
    "k_no_days": {
        "id": (
            "Tidak ada tanggal pilihan pemohon dengan tim kosong. Tolak dengan alasan, atau "
            "tambah tim."
        ),
        "en": "None of the requester's dates has a free team. Reject with a reason, or add a team.",
    },
    "k_nearby": {
        "id": "Kunjungan lain di dekatnya pada hari itu",
        "en": "Other visits nearby on those days",
    },
    "k_reject": {
        "id": "Tolak",
        "en": "Reject",
    },
    "k_other_reason": {
        "id": "Alasan lain:",
        "en": "Other reason:",
    },
    "k_reject_button": {
        "id": "Tolak pesanan",
        "en": "Reject the order",
    },
    "k_note_done": {
        "id": "Berhasil. Pemohon diberi tahu.",
        "en": "Done. The requester is told.",
    },
    "k_note_taken": {
        "id": "Pesanan sedang ditangani petugas lain; tidak ada yang diubah.",
        "en": "Another staff member is handling this order; nothing changed.",
    },
    "k_note_handled": {
        "id": "Pesanan sudah ditangani; tidak ada yang diubah.",
        "en": "The order was handled already; nothing changed.",
    },
    "k_note_full": {
        "id": "Sesi tim itu baru saja terisi. Pilih tim atau tanggal lain.",
        "en": "That team's slot was just taken. Choose another team or date.",
    },
    "k_note_not_found": {
        "id": "Data tidak ditemukan.",
        "en": "Record not found.",
    },
    "k_note_invalid": {
        "id": "Pilihan tidak berlaku. Periksa lalu coba lagi.",
        "en": "That choice is not valid. Check and try again.",
    },
    "k_note_team_added": {
        "id": "Tim ditambahkan.",
        "en": "Team added.",
    },
    "k_note_team_changed": {
        "id": "Alat rekam tim diperbarui.",
        "en": "The team's kits were updated.",
    },
    "k_save": {
        "id": "Simpan",
        "en": "Save",
    },
    "k_note_team_taken": {
        "id": "Nama tim sudah dipakai.",
        "en": "That team name is taken.",
    },
    "k_note_team_invalid": {
        "id": "Data tim tidak lengkap atau di luar batas.",
        "en": "Team details incomplete or out of range.",
    },
    "k_note_team_missing": {
        "id": "Tim tidak ditemukan.",
        "en": "Team not found.",
    },
    "k_note_team_removed": {
        "id": "Tim dihapus; kunjungannya dijadwalkan ulang",
        "en": "Team removed; its visits go back to planning",
    },
    "k_note_day_invalid": {
        "id": "Tanggal tidak berlaku.",
        "en": "Date not valid.",
    },
    "k_note_day_closed": {
        "id": "Hari ditutup; kunjungan hari itu dijadwalkan ulang",
        "en": "Day closed; its visits go back to planning",
    },
    "k_note_retried": {
        "id": "Pesan dikirim ulang",
        "en": "Messages retried",
    },
    "k_prev_week": {
        "id": "Minggu sebelumnya",
        "en": "Previous week",
    },
    "k_next_week": {
        "id": "Minggu berikutnya",
        "en": "Next week",
    },
    "k_no_teams": {
        "id": "Belum ada tim.",
        "en": "No teams yet.",
    },
    "k_team": {
        "id": "Tim",
        "en": "Team",
    },
    "k_closed": {
        "id": "tutup",
        "en": "closed",
    },
    "k_holiday": {
        "id": "libur",
        "en": "holiday",
    },
    "k_per_slot": {
        "id": "{n} per sesi",
        "en": "{n} per slot",
    },
    "k_replan": {
        "id": "Perlu dijadwalkan ulang",
        "en": "To re-plan",
    },
    "k_waiting": {
        "id": "{n} pesanan menunggu",
        "en": "{n} orders waiting",
    },
    "k_kits": {
        "id": "Alat rekam",
        "en": "Kits",
    },
    "k_per_kit": {
        "id": "Per alat",
        "en": "Per kit",
    },
    "k_per_slot_head": {
        "id": "Per sesi",
        "en": "Per slot",
    },
    "k_vehicle": {
        "id": "Kendaraan",
        "en": "Vehicle",
    },
    "k_remove": {
        "id": "Hapus",
        "en": "Remove",
    },
    "k_confirm_remove": {
        "id": "Hapus tim ini? Kunjungannya mulai hari ini dijadwalkan ulang.",
        "en": "Remove this team? Its visits from today on go back to planning.",
    },
    "k_add_team": {
        "id": "Tambah tim",
        "en": "Add a team",
    },
    "k_add": {
        "id": "Tambah",
        "en": "Add",
    },
    "k_close_day": {
        "id": "Tutup satu hari",
        "en": "Close a day",
    },
    "k_close": {
        "id": "Tutup hari",
        "en": "Close the day",
    },
    "k_confirm_close": {
        "id": "Tutup hari ini untuk kunjungan? Kunjungan yang ada dijadwalkan ulang.",
        "en": "Close this day for visits? Its visits go back to planning.",
    },
    "k_closed_days": {
        "id": "Hari tutup",
        "en": "Closed days",
    },
    "k_waiting_officials": {
        "id": "Menunggu persetujuan",
        "en": "Waiting for approval",
    },
    "k_approved_officials": {
        "id": "Pengurus disetujui (per wilayah)",
        "en": "Approved officials (by area)",
    },
    "k_approve": {
        "id": "Setujui",
        "en": "Approve",
    },
    "k_refuse": {
        "id": "Tolak",
        "en": "Reject",
    },
    "k_lookup": {
        "id": "Cari",
        "en": "Look up",
    },
    "k_lookup_audited": {
        "id": "Setiap pencarian dicatat di audit.",
        "en": "Every look-up is recorded in the audit log.",
    },
    "k_nik_invalid": {
        "id": "NIK harus 16 angka.",
        "en": "A NIK has 16 digits.",
    },
    "k_nik_missing": {
        "id": "NIK tidak ada dalam data wajib KTP.",
        "en": "No resident with this NIK.",
    },
    "k_name": {
        "id": "Nama",
        "en": "Name",
    },
    "k_status": {
        "id": "Status e-KTP",
        "en": "e-KTP status",
    },
    "k_history": {
        "id": "Riwayat status",
        "en": "Status history",
    },
    "k_chats": {
        "id": "Chat tertaut",
        "en": "Linked chats",
    },
    "k_summons": {
        "id": "Panggilan",
        "en": "Summons",
    },
    "k_import_kind": {
        "id": "Jenis data",
        "en": "Kind of data",
    },
    "k_import_recordings": {
        "id": "Hasil alat rekam (kit)",
        "en": "Recording kit results",
    },
    "k_import_residents": {
        "id": "Data wajib KTP (warga)",
        "en": "Residents (data wajib KTP)",
    },
    "k_import_statuses": {
        "id": "Status SIAK",
        "en": "SIAK statuses",
    },
    "k_import_students": {
        "id": "Daftar siswa",
        "en": "Student lists",
    },
    "k_file": {
        "id": "Berkas CSV/XLSX",
        "en": "CSV/XLSX file",
    },
    "k_upload": {
        "id": "Unggah dan impor",
        "en": "Upload and import",
    },
    "k_import_result": {
        "id": "Hasil impor",
        "en": "Import result",
    },
    "k_import_notes": {
        "id": "Unduh catatan/baris ditolak",
        "en": "Download the notes / rejected rows",
    },
    "k_import_missing": {
        "id": "Pilih jenis data dan berkasnya.",
        "en": "Choose the kind of data and the file.",
    },
    "k_import_type": {
        "id": "Berkas harus CSV, TXT atau XLSX.",
        "en": "The file must be CSV, TXT or XLSX.",
    },
    "k_sent_minute": {
        "id": "Terkirim 1 menit terakhir",
        "en": "Sent in the last minute",
    },
    "k_oldest_pending": {
        "id": "Antrean tertua",
        "en": "Oldest pending",
    },
    "k_next_due": {
        "id": "Jatuh tempo berikutnya",
        "en": "Next due",
    },
    "k_state": {
        "id": "Keadaan",
        "en": "State",
    },
    "k_dead": {
        "id": "Gagal permanen (dead letters)",
        "en": "Dead letters",
    },
    "k_retry_all": {
        "id": "Kirim ulang semua",
        "en": "Retry all",
    },
    "k_retry": {
        "id": "Kirim ulang",
        "en": "Retry",
    },
    "k_channel": {
        "id": "Kanal",
        "en": "Channel",
    },
    "k_attempts": {
        "id": "Percobaan",
        "en": "Attempts",
    },
    "k_error": {
        "id": "Kesalahan",
        "en": "Error",
    },
    "k_updated": {
        "id": "Diperbarui",
        "en": "Updated",
    },
    "k_actor": {
        "id": "Pelaku",
        "en": "Actor",
    },
    "k_action": {
        "id": "Aksi",
        "en": "Action",
    },
    "k_filter": {
        "id": "Saring",
        "en": "Filter",
    },
    "k_when": {
        "id": "Waktu",
        "en": "When",
    },
    "k_detail": {
        "id": "Rincian",
        "en": "Detail",
    },
}
