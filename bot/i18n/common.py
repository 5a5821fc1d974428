"""The texts. Tone: polite and plain, "Bapak/Ibu" (the office's words for people it serves),
one request per message, say what to bring and where to go; facts, never threats."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "welcome": {
        "id": (
            "Selamat datang di layanan Jemput Bola {office}.\n\n"
            "Bapak/Ibu dapat mengecek status e-KTP dan mendapat pengingat perekaman. "
            "Silakan pilih menu di bawah ini."
        ),
        "en": (
            "Welcome to the Jemput Bola service of {office}.\n\n"
            "You can check your e-KTP status and get recording reminders. "
            "Please choose from the menu below."
        ),
    },
    "chat_slow_down": {
        "id": (
            "Mohon pelan-pelan, Bapak/Ibu 🙏 Pesan Bapak/Ibu kami jawab satu per satu. "
            "Pesan yang lebih dari {limit} sekaligus kami lewati; silakan kirim lagi "
            "setelah jawaban kami masuk."
        ),
        "en": (
            "Please slow down 🙏 We answer your messages one at a time. Messages beyond "
            "{limit} at once are skipped; please send them again once our answers arrive."
        ),
    },
    "chat_slow_down_tap": {
        "id": "Mohon pelan-pelan 🙏 Tombol ini kami lewati; tekan lagi setelah jawaban kami masuk.",
        "en": "Please slow down 🙏 This tap was skipped; tap again once our answers arrive.",
    },
    "btn_status": {"id": "Cek status e-KTP", "en": "Check e-KTP status"},
    "btn_help": {"id": "Bantuan", "en": "Help"},
    "btn_language": {"id": "Bahasa / Language", "en": "Bahasa / Language"},
    "btn_add_other": {"id": "Cek NIK lain", "en": "Check another NIK"},
    "btn_cancel": {"id": "Batal", "en": "Cancel"},
    "btn_share_phone": {"id": "Kirim nomor HP saya", "en": "Share my phone number"},
    "btn_forget_all": {"id": "Lupakan semua", "en": "Forget all"},
    "ask_nik": {
        "id": "Silakan kirim NIK (16 angka) yang tertera di Kartu Keluarga.",
        "en": "Please send the NIK (16 digits) as written on the family card (KK).",
    },
    "ask_kk": {
        "id": (
            "Terima kasih. Untuk memastikan data ini milik Bapak/Ibu, silakan kirim "
            "nomor Kartu Keluarga (KK, 16 angka)."
        ),
        "en": (
            "Thank you. To make sure this record is yours, please send the family card "
            "(KK) number (16 digits)."
        ),
    },
    "ask_kk_or_phone": {
        "id": (
            "Terima kasih. Untuk memastikan data ini milik Bapak/Ibu, silakan kirim "
            'nomor Kartu Keluarga (KK, 16 angka), atau tekan tombol "Kirim nomor HP saya" '
            "bila nomor HP Bapak/Ibu terdaftar di Dukcapil."
        ),
        "en": (
            "Thank you. To make sure this record is yours, please send the family card "
            '(KK) number (16 digits), or press "Share my phone number" if your phone number '
            "is registered with Dukcapil."
        ),
    },
    "nik_not_16_digits": {
        "id": "NIK harus 16 angka. Mohon periksa kembali dan kirim ulang, atau ketik /batal.",
        "en": "A NIK has 16 digits. Please check and send it again, or type /cancel.",
    },
    "nik_bad_date": {
        "id": (
            "NIK tersebut tidak sesuai format (bagian tanggal lahirnya tidak mungkin). "
            "Mohon periksa kembali, atau ketik /batal."
        ),
        "en": (
            "That NIK is not valid (its birth-date part is impossible). "
            "Please check it again, or type /cancel."
        ),
    },
    "nik_bad_region": {
        "id": "NIK tersebut tidak sesuai format. Mohon periksa kembali, atau ketik /batal.",
        "en": "That NIK is not valid. Please check it again, or type /cancel.",
    },
    "nik_bad_serial": {
        "id": "NIK tersebut tidak sesuai format. Mohon periksa kembali, atau ketik /batal.",
        "en": "That NIK is not valid. Please check it again, or type /cancel.",
    },
    "kk_not_16_digits": {
        "id": "Nomor KK harus 16 angka. Mohon periksa kembali dan kirim ulang, atau ketik /batal.",
        "en": "A KK number has 16 digits. Please check and send it again, or type /cancel.",
    },
    "kk_bad_region": {
        "id": "Nomor KK tersebut tidak sesuai format. Mohon periksa kembali, atau ketik /batal.",
        "en": "That KK number is not valid. Please check it again, or type /cancel.",
    },
    "no_match": {
        "id": (
            "Maaf, data tidak cocok atau tidak ditemukan. Mohon periksa NIK dan nomor KK, "
            "lalu coba lagi dengan /status. Sisa percobaan: {left}."
        ),
        "en": (
            "Sorry, the data does not match or was not found. Please check the NIK and KK "
            "number, then try again with /status. Attempts left: {left}."
        ),
    },
    "locked": {
        "id": (
            "Demi keamanan data, pengecekan dari chat ini dihentikan sementara karena terlalu "
            "banyak percobaan yang tidak cocok. Silakan coba lagi setelah pukul {until}."
        ),
        "en": (
            "To protect personal data, checks from this chat are paused after too many "
            "attempts that did not match. Please try again after {until}."
        ),
    },
    "contact_not_own": {
        "id": (
            'Mohon kirim nomor HP milik Bapak/Ibu sendiri dengan tombol "Kirim nomor HP saya", '
            "atau kirim nomor KK."
        ),
        "en": "Please share your own phone number with the button, or send the KK number.",
    },
    "status_header": {
        "id": "Status e-KTP:",
        "en": "e-KTP status:",
    },
    "status_line": {
        "id": "👤 {name} (NIK {nik})\nStatus: {label}\n{meaning}\nLangkah berikutnya: {next}",
        "en": "👤 {name} (NIK {nik})\nStatus: {label}\n{meaning}\nNext step: {next}",
    },
    "prr_underage": {
        "id": "e-KTP dapat dicetak mulai ulang tahun ke-17, yaitu {date}.",
        "en": "The e-KTP can be printed from the 17th birthday, {date}.",
    },
    "linked_note": {
        "id": (
            "Data ini sudah tersimpan di chat ini: berikutnya cukup ketik /status. "
            "Ketik /lupakan untuk menghapusnya."
        ),
        "en": (
            "This record is now saved in this chat: next time just type /status. "
            "Type /forget to remove it."
        ),
    },
    "link_cap": {
        "id": (
            "Chat ini sudah terhubung dengan {cap} orang (batas maksimal). Status di atas tidak "
            "disimpan; ketik /lupakan untuk melepas salah satu."
        ),
        "en": (
            "This chat is already linked to {cap} people (the maximum). The status above was "
            "not saved; type /forget to unlink someone."
        ),
    },
    "forget_none": {
        "id": "Belum ada data yang tersimpan di chat ini.",
        "en": "No records are saved in this chat.",
    },
    "forget_choose": {
        "id": "Data siapa yang ingin dilupakan dari chat ini?",
        "en": "Whose record should this chat forget?",
    },
    "forget_done": {
        "id": "Baik, {count} data sudah dilepas dari chat ini.",
        "en": "Done, {count} record(s) removed from this chat.",
    },
    "choose_language": {
        "id": "Pilih bahasa / Choose a language:",
        "en": "Pilih bahasa / Choose a language:",
    },
    "language_set": {
        "id": "Bahasa diganti ke Bahasa Indonesia.",
        "en": "Language switched to English.",
    },
    "cancelled": {
        "id": "Baik, dibatalkan. Ketik /start untuk menu.",
        "en": "OK, cancelled. Type /start for the menu.",
    },
    "nothing_to_cancel": {
        "id": "Tidak ada proses yang sedang berjalan. Ketik /start untuk menu.",
        "en": "Nothing is in progress. Type /start for the menu.",
    },
    "help": {
        "id": (
            "Bantuan Jemput Bola\n\n"
            "/status atau /cek — cek status e-KTP (perlu NIK dan nomor KK)\n"
            "/lupakan — lepas data warga yang tersimpan di chat ini\n"
            "/pesan — minta kunjungan perekaman (jemput bola) atau kunjungan rumah\n"
            "/pesananku — lihat atau batalkan pesanan\n"
            "/pengurus — daftar sebagai Ketua RT/RW, lurah, atau camat\n"
            "/berhenti — berhenti menerima pengingat; /mulai — terima lagi\n"
            "/hapus — hapus riwayat percakapan dan tautan data di chat ini\n"
            "/bahasa — ganti bahasa\n"
            "/batal — batalkan proses\n"
            "/bantuan — pesan ini\n\n"
            "{office}\nAlamat: {address}\nJam pelayanan: {hours}\n"
            "Persyaratan perekaman/cetak: {requirements}{phone}\n\n"
            "Data pribadi Bapak/Ibu dilindungi UU 27/2022 tentang Pelindungan Data Pribadi."
        ),
        "en": (
            "Jemput Bola help\n\n"
            "/status or /check — check an e-KTP status (needs NIK and KK number)\n"
            "/forget — unlink residents saved in this chat\n"
            "/order — request a mobile recording visit or a home visit\n"
            "/myorders — see or cancel your orders\n"
            "/official — register as RT/RW head, lurah or camat\n"
            "/stop — stop reminders; /subscribe — receive them again\n"
            "/delete_my_data — erase this chat's history and links\n"
            "/language — switch language\n"
            "/cancel — cancel what is in progress\n"
            "/help — this message\n\n"
            "{office}\nAddress: {address}\nService hours: {hours}\n"
            "To record or print, bring: {requirements}{phone}\n\n"
            "Your personal data is protected under Law 27/2022 on Personal Data Protection."
        ),
    },
    "help_staff": {
        "id": (
            "\n\nUntuk petugas: /tim, /jadwal [tanggal|minggu], /tolak KODE alasan, "
            "/selesai KODE, /staf, /laporan, /sekolah, /outbox, dan kirim berkas CSV/XLSX hasil "
            "rekam (keterangan /impor, /impor status, /impor siswa). Konsol web: /konsol."
        ),
        "en": (
            "\n\nFor staff: /team, /plan [date|week], /reject CODE reason, /close CODE, /staff, "
            "/report, /schools, /outbox, and send kit result CSV/XLSX files (caption /import, "
            "/import status, /import siswa). Web console: /konsol."
        ),
    },
    "help_phone": {"id": "\nTelepon: {phone}", "en": "\nPhone: {phone}"},
    "unsupported": {
        "id": (
            "Maaf, saya hanya bisa membaca pesan teks dan tombol. "
            "Ketik /start untuk menu atau /bantuan."
        ),
        "en": "Sorry, I can only read text messages and buttons. Type /start or /help.",
    },
    "not_understood": {
        "id": "Maaf, saya belum mengerti. Ketik /status untuk cek e-KTP atau /bantuan.",
        "en": "Sorry, I did not understand. Type /status to check an e-KTP or /help.",
    },
    "private_only": {
        "id": (
            "Demi keamanan data pribadi, pengecekan status hanya dilayani lewat chat pribadi "
            "dengan bot ini."
        ),
        "en": "To protect personal data, status checks only work in a private chat with this bot.",
    },
    "stale_button": {
        "id": "Tombol ini sudah tidak berlaku. Ketik /start untuk menu.",
        "en": "This button is no longer valid. Type /start for the menu.",
    },
    "error": {
        "id": "Maaf, terjadi gangguan. Silakan coba lagi sebentar lagi.",
        "en": "Sorry, something went wrong. Please try again shortly.",
    },
}

# label / meaning / next step per e-KTP status (the label is what staff and SIAK call it).
STATUS_TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "BELUM_REKAM": {
        "label": {"id": "Belum rekam", "en": "Not yet recorded"},
        "meaning": {
            "id": "Data biometrik (foto, sidik jari, iris) belum direkam.",
            "en": "Biometrics (photo, fingerprints, iris) have not been recorded yet.",
        },
        "next": {
            "id": "Datang ke kantor Dukcapil untuk rekam e-KTP dengan membawa KK asli, "
            "atau ikuti perekaman jemput bola di kelurahan Bapak/Ibu.",
            "en": "Come to the Dukcapil office with your original KK to record, "
            "or join a mobile (jemput bola) recording in your kelurahan.",
        },
    },
    "SUDAH_REKAM": {
        "label": {"id": "Sudah rekam, sedang diproses", "en": "Recorded, being processed"},
        "meaning": {
            "id": "Perekaman sudah dilakukan dan data sedang diverifikasi di pusat.",
            "en": "Recording is done and the data is being verified centrally.",
        },
        "next": {
            "id": "Tidak perlu datang dulu. Kami akan mengabari bila e-KTP siap cetak.",
            "en": "No need to come yet. We will tell you when the e-KTP is ready to print.",
        },
    },
    "PRR": {
        "label": {"id": "Siap cetak (PRR)", "en": "Ready to print (PRR)"},
        "meaning": {
            "id": "Data sudah terverifikasi dan e-KTP siap dicetak.",
            "en": "The data is verified and the e-KTP is ready to print.",
        },
        "next": {
            "id": "Datang ke kantor Dukcapil dengan membawa KK asli untuk mencetak e-KTP.",
            "en": "Come to the Dukcapil office with your original KK to print the e-KTP.",
        },
    },
    "DICETAK": {
        "label": {"id": "Sudah dicetak, siap diambil", "en": "Printed, ready for collection"},
        "meaning": {
            "id": "e-KTP sudah dicetak dan menunggu diambil.",
            "en": "The e-KTP has been printed and is waiting to be collected.",
        },
        "next": {
            "id": "Ambil e-KTP di kantor Dukcapil dengan membawa KK asli.",
            "en": "Collect the e-KTP at the Dukcapil office with your original KK.",
        },
    },
    "DIAMBIL": {
        "label": {"id": "Sudah diambil", "en": "Collected"},
        "meaning": {
            "id": "e-KTP sudah diambil.",
            "en": "The e-KTP has been collected.",
        },
        "next": {
            "id": "Tidak ada. Bila e-KTP hilang atau rusak, datang ke Dukcapil untuk cetak ulang.",
            "en": "Nothing. If the card is lost or damaged, come to Dukcapil for a reprint.",
        },
    },
    "DUPLIKAT": {
        "label": {"id": "Rekam ganda (DUP)", "en": "Duplicate record (DUP)"},
        "meaning": {
            "id": "Data biometrik tercatat lebih dari satu kali (misalnya di dua daerah).",
            "en": "The biometrics are on record more than once (e.g. in two regions).",
        },
        "next": {
            "id": "Datang ke kantor Dukcapil dengan KK asli untuk menyelesaikan rekam ganda.",
            "en": "Come to the Dukcapil office with your original KK to resolve the duplicate.",
        },
    },
    "REKAM_ULANG": {
        "label": {"id": "Perlu rekam ulang", "en": "Needs re-recording"},
        "meaning": {
            "id": "Perekaman sebelumnya gagal diproses di pusat.",
            "en": "The earlier recording failed central processing.",
        },
        "next": {
            "id": "Datang ke kantor Dukcapil dengan KK asli untuk rekam ulang, atau ikuti "
            "perekaman jemput bola di kelurahan Bapak/Ibu.",
            "en": "Come to the Dukcapil office with your original KK to record again, or join "
            "a mobile (jemput bola) recording in your kelurahan.",
        },
    },
}
