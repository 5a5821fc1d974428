"""Texts of jemput bola orders: officials, /pesan, /pesananku, staff, reminders (id first)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- shared -------------------------------------------------------------------------------
    "press_a_button": {
        "id": "Silakan pilih salah satu tombol di atas, atau ketik /batal.",
        "en": "Please press one of the buttons above, or type /cancel.",
    },
    "private_only_order": {
        "id": (
            "Pendaftaran dan pesanan jemput bola hanya dilayani lewat chat pribadi dengan bot ini."
        ),
        "en": "Registrations and visit orders only work in a private chat with this bot.",
    },
    "phone_invalid": {
        "id": "Nomor HP tidak dikenali. Contoh yang benar: 0812 3456 7890.",
        "en": "That phone number was not recognised. Example: 0812 3456 7890.",
    },
    "btn_skip": {"id": "Lewati", "en": "Skip"},
    "btn_next": {"id": "Berikutnya ›", "en": "Next ›"},
    "btn_prev": {"id": "‹ Sebelumnya", "en": "‹ Previous"},
    "btn_approve": {"id": "Setujui", "en": "Approve"},
    "btn_reject": {"id": "Tolak", "en": "Reject"},
    # --- officials (/pengurus) -------------------------------------------------------------
    "role_rt": {"id": "Ketua RT", "en": "RT head"},
    "role_rw": {"id": "Ketua RW", "en": "RW head"},
    "role_lurah": {"id": "Lurah", "en": "Lurah"},
    "role_camat": {"id": "Camat", "en": "Camat"},
    "ask_role": {
        "id": "Pendaftaran pengurus. Bapak/Ibu menjabat sebagai apa?",
        "en": "Official registration. What is your position?",
    },
    "ask_kecamatan": {"id": "Pilih kecamatan:", "en": "Choose the kecamatan:"},
    "ask_kelurahan": {
        "id": "Pilih kelurahan di Kecamatan {kecamatan}:",
        "en": "Choose the kelurahan in Kecamatan {kecamatan}:",
    },
    "ask_rw": {"id": "Nomor RW berapa? (contoh: 2)", "en": "Which RW number? (e.g. 2)"},
    "ask_rt": {"id": "Nomor RT berapa? (contoh: 3)", "en": "Which RT number? (e.g. 3)"},
    "rw_rt_not_number": {
        "id": "Mohon kirim nomornya saja dengan angka, misalnya 3.",
        "en": "Please send just the number, e.g. 3.",
    },
    "ask_official_name": {
        "id": "Siapa nama lengkap Bapak/Ibu?",
        "en": "What is your full name?",
    },
    "official_name_invalid": {
        "id": "Mohon kirim nama lengkap (huruf saja, minimal 3 huruf).",
        "en": "Please send your full name (letters only, at least 3).",
    },
    "ask_official_phone": {
        "id": (
            'Terakhir, tekan tombol "Kirim nomor HP saya" agar petugas dapat menghubungi Bapak/Ibu.'
        ),
        "en": 'Finally, press "Share my phone number" so staff can contact you.',
    },
    "official_phone_share": {
        "id": 'Mohon gunakan tombol "Kirim nomor HP saya" di bawah, atau ketik /batal.',
        "en": 'Please use the "Share my phone number" button below, or type /cancel.',
    },
    "official_registered": {
        "id": (
            "Terima kasih. Pendaftaran sebagai {area} sudah kami terima dan menunggu "
            "persetujuan petugas Dukcapil. Kami kabari lewat chat ini."
        ),
        "en": (
            "Thank you. Your registration as {area} was received and is waiting for approval "
            "by Dukcapil staff. We will tell you in this chat."
        ),
    },
    "official_is_approved": {
        "id": "Bapak/Ibu sudah terdaftar sebagai {area}. Ketik /pesan untuk memesan jemput bola.",
        "en": "You are registered as {area}. Type /order to order a mobile recording visit.",
    },
    "official_is_waiting": {
        "id": "Pendaftaran sebagai {area} masih menunggu persetujuan petugas.",
        "en": "Your registration as {area} is still waiting for approval.",
    },
    "official_was_rejected": {
        "id": "Pendaftaran sebagai {area} tidak disetujui. Bapak/Ibu dapat mendaftar ulang.",
        "en": "Your registration as {area} was not approved. You may register again.",
    },
    "btn_register_again": {"id": "Daftar ulang", "en": "Register again"},
    "official_status_MENUNGGU": {"id": "menunggu", "en": "waiting"},
    "official_status_DISETUJUI": {"id": "disetujui", "en": "approved"},
    "official_status_DITOLAK": {"id": "ditolak", "en": "rejected"},
    "staff_new_official": {
        "id": "📝 Pendaftaran pengurus baru\n{name}\n{area}\nHP: {phone}",
        "en": "📝 New official registration\n{name}\n{area}\nPhone: {phone}",
    },
    "official_already_decided": {
        "id": "Pendaftaran {name} sudah diproses sebelumnya ({status}). Tidak ada yang diubah.",
        "en": "The registration of {name} was already handled ({status}). Nothing changed.",
    },
    "official_approved": {
        "id": (
            "Pendaftaran Bapak/Ibu sebagai {area} sudah disetujui. "
            "Sekarang Bapak/Ibu dapat memesan jemput bola dengan /pesan."
        ),
        "en": "Your registration as {area} was approved. You can now order visits with /order.",
    },
    "official_rejected": {
        "id": (
            "Mohon maaf, pendaftaran sebagai {area} belum dapat disetujui. Silakan hubungi "
            "kantor Dukcapil atau daftar ulang dengan /pengurus."
        ),
        "en": (
            "Sorry, the registration as {area} could not be approved. Please contact the "
            "Dukcapil office or register again with /official."
        ),
    },
    "staff_official_approved": {
        "id": "✅ Pendaftaran {name} disetujui oleh {by}.",
        "en": "✅ Registration of {name} approved by {by}.",
    },
    "staff_official_rejected": {
        "id": "❌ Pendaftaran {name} ditolak oleh {by}.",
        "en": "❌ Registration of {name} rejected by {by}.",
    },
    "staff_only": {
        "id": "Maaf, tombol dan perintah ini khusus petugas Dukcapil. Tidak ada yang diubah.",
        "en": "Sorry, this button or command is for Dukcapil staff only. Nothing changed.",
    },
    "admin_only": {
        "id": "Maaf, perintah ini khusus admin Dukcapil.",
        "en": "Sorry, this command is for Dukcapil administrators only.",
    },
    # --- /pesan ---------------------------------------------------------------------------
    "kind_KOLEKTIF": {"id": "Rekam kolektif", "en": "Community recording"},
    "kind_RUMAH": {"id": "Kunjungan rumah", "en": "Home visit"},
    "kind_SEKOLAH": {"id": "Sekolah", "en": "School"},
    "kind_INSTANSI": {"id": "Instansi/lainnya", "en": "Office/other"},
    "ask_kind": {
        "id": "Pesan jemput bola perekaman e-KTP. Jenis kunjungan apa yang Bapak/Ibu perlukan?",
        "en": "Order a mobile e-KTP recording visit. What kind of visit do you need?",
    },
    "order_link_intro": {
        "id": (
            "Layanan jemput bola perekaman e-KTP. Pengurus RT/RW, lurah dan camat dapat "
            "mendaftar untuk memesan rekam kolektif. Warga dapat meminta kunjungan rumah "
            "untuk anggota keluarga yang lansia, sakit, ODGJ, atau disabilitas."
        ),
        "en": (
            "Mobile e-KTP recording. RT/RW heads, lurah and camat can register to order "
            "community recordings. Residents can ask for a home visit for a family member who "
            "is elderly, ill, has a mental disorder or a disability."
        ),
    },
    "btn_register_official": {"id": "Daftar sebagai pengurus", "en": "Register as official"},
    "btn_home_visit": {"id": "Kunjungan rumah", "en": "Home visit"},
    "order_needs_official": {
        "id": (
            "Pesanan rekam kolektif, sekolah, dan instansi hanya untuk pengurus (Ketua RT/RW, "
            "lurah, camat) yang sudah terdaftar dan disetujui. Silakan daftar dengan /pengurus."
        ),
        "en": (
            "Community, school and office recordings can only be ordered by registered and "
            "approved officials. Please register with /official."
        ),
    },
    "order_wait_approval": {
        "id": (
            "Pendaftaran pengurus Bapak/Ibu masih menunggu persetujuan petugas. Setelah "
            "disetujui, Bapak/Ibu dapat memesan rekam kolektif."
        ),
        "en": "Your official registration is still waiting for approval; then you can order.",
    },
    "order_home_needs_link": {
        "id": (
            "Untuk kunjungan rumah, hubungkan dulu data anggota keluarga dengan /status "
            "(NIK dan nomor KK), lalu ketik /pesan lagi."
        ),
        "en": (
            "For a home visit, first link your family member's record with /status (NIK and "
            "KK number), then type /order again."
        ),
    },
    "ask_address_KOLEKTIF": {
        "id": (
            "Di mana lokasinya? Kirim alamat lengkap, misalnya: Balai Warga RT 003, Jl. Melati "
            "No. 5."
        ),
        "en": "Where is it? Send the full address, e.g. Balai Warga RT 003, Jl. Melati No. 5.",
    },
    "ask_address_RUMAH": {
        "id": "Kirim alamat rumah yang akan dikunjungi (jalan, nomor, RT/RW).",
        "en": "Send the address of the home to visit (street, number, RT/RW).",
    },
    "ask_address_SEKOLAH": {
        "id": "Kirim nama dan alamat sekolah.",
        "en": "Send the name and address of the school.",
    },
    "ask_address_INSTANSI": {
        "id": "Kirim nama dan alamat instansi/lokasi.",
        "en": "Send the name and address of the office or place.",
    },
    "address_invalid": {
        "id": "Mohon kirim alamat yang jelas (5–200 huruf).",
        "en": "Please send a clear address (5–200 characters).",
    },
    "ask_pin": {
        "id": "Bila bisa, kirim juga titik lokasi (📎 → Lokasi). Atau tekan Lewati.",
        "en": "If you can, also send a location pin (📎 → Location). Or press Skip.",
    },
    "ask_pin_again": {
        "id": "Mohon kirim titik lokasi, atau tekan Lewati.",
        "en": "Please send a location pin, or press Skip.",
    },
    "ask_dates": {
        "id": (
            "Pilih 1 sampai {max} tanggal yang Bapak/Ibu inginkan (hari kerja). "
            "Terpilih: {count}. Bisa juga ketik tanggal, misalnya 7/12/2026."
        ),
        "en": (
            "Choose 1 to {max} preferred dates (working days). Chosen: {count}. "
            "You may also type a date, e.g. 7/12/2026."
        ),
    },
    "btn_dates_done": {"id": "Lanjut ✔", "en": "Continue ✔"},
    "no_open_days": {
        "id": "Mohon maaf, saat ini belum ada jadwal kosong. Silakan coba lagi beberapa hari lagi.",
        "en": "Sorry, there are no free dates at the moment. Please try again in a few days.",
    },
    "date_unreadable": {
        "id": "Tanggal tidak terbaca. Contoh: 7/12/2026. Atau pilih dari tombol.",
        "en": "That date could not be read. Example: 7/12/2026. Or use the buttons.",
    },
    "date_past": {
        "id": "Tanggal {date} sudah lewat. Mohon pilih tanggal lain.",
        "en": "{date} is in the past. Please choose another date.",
    },
    "date_today": {
        "id": (
            "Tanggal {date} adalah hari ini; tim perlu waktu persiapan. Mohon pilih tanggal lain."
        ),
        "en": "{date} is today; the team needs time to prepare. Please choose another date.",
    },
    "date_too_soon": {
        "id": "Tanggal {date} terlalu dekat; tim perlu waktu persiapan. Mohon pilih tanggal lain.",
        "en": "{date} is too soon; the team needs time to prepare. Please choose another date.",
    },
    "date_too_far": {
        "id": (
            "Tanggal {date} terlalu jauh (paling lambat 60 hari ke depan). Mohon pilih tanggal "
            "lain."
        ),
        "en": "{date} is too far ahead (at most 60 days). Please choose another date.",
    },
    "date_not_working": {
        "id": (
            "Tanggal {date} bukan hari kerja (akhir pekan atau hari libur). Mohon pilih tanggal "
            "lain."
        ),
        "en": "{date} is not a working day (weekend or holiday). Please choose another date.",
    },
    "date_closed": {
        "id": "Pada tanggal {date} tidak ada layanan jemput bola. Mohon pilih tanggal lain.",
        "en": "There are no visits on {date}. Please choose another date.",
    },
    "date_full": {
        "id": "Jadwal tanggal {date} sudah penuh. Mohon pilih tanggal lain.",
        "en": "{date} is fully booked. Please choose another date.",
    },
    "dates_max": {
        "id": "Paling banyak {max} tanggal. Tekan tanggal yang sudah dipilih untuk membatalkannya.",
        "en": "At most {max} dates. Press a chosen date again to remove it.",
    },
    "slot_PAGI": {"id": "Pagi (08.00–12.00)", "en": "Morning (08:00–12:00)"},
    "slot_SIANG": {"id": "Siang (13.00–15.00)", "en": "Afternoon (13:00–15:00)"},
    "slot_short_PAGI": {"id": "pagi", "en": "am"},
    "slot_short_SIANG": {"id": "siang", "en": "pm"},
    "ask_slot": {"id": "Pagi atau siang?", "en": "Morning or afternoon?"},
    "slot_full": {
        "id": (
            "Mohon maaf, sesi {slot} pada tanggal pilihan sudah penuh. Silakan pilih sesi lain "
            "atau ketik /pesan untuk memilih tanggal lain."
        ),
        "en": (
            "Sorry, the {slot} slot is full on the chosen dates. Choose the other slot, or type "
            "/order to pick other dates."
        ),
    },
    "slot_dropped_days": {
        "id": "Catatan: sesi ini sudah penuh pada {days}, tanggal itu tidak diikutkan.",
        "en": "Note: this slot is full on {days}; those dates were left out.",
    },
    "ask_participants": {
        "id": "Kira-kira berapa orang yang akan direkam? (angka, minimal {min})",
        "en": "About how many people will record? (a number, at least {min})",
    },
    "participants_not_number": {
        "id": "Mohon kirim jumlahnya dengan angka saja, misalnya 25.",
        "en": "Please send the number in digits only, e.g. 25.",
    },
    "participants_below_min": {
        "id": (
            "Rekam kolektif minimal {min} orang. Untuk jumlah lebih sedikit, warga dapat "
            "datang ke kantor Dukcapil, atau kumpulkan peserta lebih banyak."
        ),
        "en": (
            "A group recording needs at least {min} people. Fewer people can come to the "
            "Dukcapil office, or gather more participants."
        ),
    },
    "participants_too_many": {
        "id": "Jumlah terlalu besar (maksimal {max}). Mohon periksa kembali.",
        "en": "That is too many (at most {max}). Please check.",
    },
    "ask_person_nik": {
        "id": (
            "Kirim NIK orang yang perlu dikunjungi (satu per pesan), atau pilih dari tombol. "
            "Tercatat: {count} dari maksimal {max}."
        ),
        "en": (
            "Send the NIK of a person to visit (one per message), or choose a button. "
            "Listed: {count} of at most {max}."
        ),
    },
    "btn_people_done": {"id": "Lanjut ✔", "en": "Continue ✔"},
    "person_not_in_data": {
        "id": "NIK {nik} tidak ada dalam data wajib KTP kami. Mohon periksa kembali.",
        "en": "NIK {nik} is not in our list of residents who need an e-KTP. Please check.",
    },
    "person_already_recorded": {
        "id": (
            "NIK {nik} sudah melakukan perekaman e-KTP, jadi tidak perlu dikunjungi. Cek status "
            "dengan /status."
        ),
        "en": "NIK {nik} has already been recorded, so no visit is needed. Check with /status.",
    },
    "person_not_linked": {
        "id": (
            "Demi keamanan data, hanya anggota keluarga yang sudah terhubung di chat ini "
            "(lewat /status) yang dapat dimasukkan. NIK {nik} belum terhubung."
        ),
        "en": (
            "To protect personal data, only family members linked in this chat (via /status) "
            "can be listed. NIK {nik} is not linked."
        ),
    },
    "person_outside_area": {
        "id": "NIK {nik} bukan warga wilayah Bapak/Ibu.",
        "en": "NIK {nik} is not a resident of your area.",
    },
    "person_already_listed": {
        "id": "NIK {nik} sudah ada di daftar.",
        "en": "NIK {nik} is already on the list.",
    },
    "people_max": {
        "id": "Daftar sudah penuh. Tekan Lanjut.",
        "en": "The list is full. Press Continue.",
    },
    "ask_reason": {
        "id": "Mengapa NIK {nik} perlu dikunjungi di rumah?",
        "en": "Why does NIK {nik} need a home visit?",
    },
    "reason_LANSIA": {"id": "Lansia", "en": "Elderly"},
    "reason_SAKIT": {"id": "Sakit", "en": "Ill"},
    "reason_ODGJ": {"id": "ODGJ", "en": "Mental disorder (ODGJ)"},
    "reason_DISABILITAS": {"id": "Disabilitas", "en": "Disability"},
    "ask_order_phone": {
        "id": (
            'Nomor HP yang bisa dihubungi petugas? Ketik nomornya atau tekan "Kirim nomor HP saya".'
        ),
        "en": 'A phone number staff can call? Type it or press "Share my phone number".',
    },
    "order_summary": {
        "id": "Mohon periksa pesanan Bapak/Ibu:\n\n{summary}\n\nSudah benar?",
        "en": "Please check your order:\n\n{summary}\n\nIs this correct?",
    },
    "btn_send_order": {"id": "Kirim pesanan", "en": "Send order"},
    "sum_kind": {"id": "Jenis: {kind}", "en": "Kind: {kind}"},
    "sum_area": {"id": "Wilayah: {area}", "en": "Area: {area}"},
    "sum_address": {"id": "Lokasi: {address}", "en": "Place: {address}"},
    "sum_pin": {"id": "Titik lokasi: {lat}, {lon}", "en": "Pin: {lat}, {lon}"},
    "sum_dates": {"id": "Tanggal pilihan: {dates}", "en": "Preferred dates: {dates}"},
    "sum_slot": {"id": "Sesi: {slot}", "en": "Slot: {slot}"},
    "sum_participants": {
        "id": "Perkiraan peserta: {count} orang",
        "en": "Expected: {count} people",
    },
    "sum_person": {"id": "• NIK {nik} ({reason})", "en": "• NIK {nik} ({reason})"},
    "sum_phone": {"id": "Kontak: {phone}", "en": "Contact: {phone}"},
    "order_saved": {
        "id": (
            "Terima kasih. Pesanan {code} sudah kami terima dan diteruskan ke petugas. "
            "Kami kabari setelah dijadwalkan. Lihat pesanan Bapak/Ibu dengan /pesananku."
        ),
        "en": (
            "Thank you. Order {code} was received and passed to the staff. We will tell you "
            "once it is scheduled. See your orders with /my_orders."
        ),
    },
    # --- /pesananku -----------------------------------------------------------------------
    "order_status_BARU": {"id": "Baru", "en": "New"},
    "order_status_DITERIMA": {"id": "Diterima (terjadwal)", "en": "Accepted (scheduled)"},
    "order_status_SELESAI": {"id": "Selesai", "en": "Done"},
    "order_status_DITOLAK": {"id": "Ditolak", "en": "Rejected"},
    "order_status_DIBATALKAN": {"id": "Dibatalkan", "en": "Cancelled"},
    "my_orders_none": {
        "id": "Belum ada pesanan dari chat ini. Ketik /pesan untuk memesan jemput bola.",
        "en": "No orders from this chat yet. Type /order to order a visit.",
    },
    "my_orders_header": {"id": "Pesanan Bapak/Ibu:", "en": "Your orders:"},
    "my_order_visit": {"id": "Jadwal: {date}, {slot}", "en": "Scheduled: {date}, {slot}"},
    "my_order_reason": {"id": "Alasan: {reason}", "en": "Reason: {reason}"},
    "btn_cancel_order": {"id": "Batalkan {code}", "en": "Cancel {code}"},
    "btn_reschedule": {"id": "Minta jadwal ulang {code}", "en": "Reschedule {code}"},
    "btn_cancel_yes": {"id": "Ya, batalkan", "en": "Yes, cancel"},
    "cancel_confirm": {
        "id": "Yakin membatalkan pesanan {code}?",
        "en": "Cancel order {code}?",
    },
    "cancel_done": {
        "id": "Pesanan {code} sudah dibatalkan. Terima kasih sudah mengabari.",
        "en": "Order {code} is cancelled. Thank you for letting us know.",
    },
    "cancel_not_open": {
        "id": (
            "Pesanan {code} sudah tidak dapat dibatalkan (sudah selesai, ditolak, atau dibatalkan)."
        ),
        "en": "Order {code} can no longer be cancelled (done, rejected or cancelled).",
    },
    "cancel_too_late": {
        "id": (
            "Pesanan {code} hanya dapat dibatalkan paling lambat sehari sebelum jadwal. "
            "Mohon hubungi petugas Dukcapil."
        ),
        "en": (
            "Order {code} can only be cancelled up to the day before the visit. Please call the "
            "office."
        ),
    },
    "reschedule_sent": {
        "id": (
            "Permintaan jadwal ulang {code} sudah diteruskan ke petugas. Kami kabari jadwal "
            "barunya."
        ),
        "en": (
            "The reschedule request for {code} was passed to the staff. We will tell you the new "
            "date."
        ),
    },
    "reschedule_not_possible": {
        "id": (
            "Jadwal ulang hanya untuk pesanan yang sudah dijadwalkan ({code} belum/tidak "
            "terjadwal)."
        ),
        "en": "Only scheduled orders can be rescheduled ({code} is not scheduled).",
    },
    # --- requester notices -----------------------------------------------------------------
    "requester_scheduled": {
        "id": (
            "Kabar baik! Pesanan {code} dijadwalkan pada {date}, sesi {slot}, oleh {team}. "
            "Mohon peserta membawa KK asli."
        ),
        "en": (
            "Good news! Order {code} is scheduled on {date}, {slot}, with {team}. "
            "Participants please bring their original KK."
        ),
    },
    "requester_rejected": {
        "id": "Mohon maaf, pesanan {code} belum dapat kami layani. Alasan: {reason}.",
        "en": "Sorry, we cannot serve order {code}. Reason: {reason}.",
    },
    "requester_rescheduling": {
        "id": (
            "Mohon maaf, jadwal pesanan {code} perlu diatur ulang. "
            "Petugas akan segera mengabari jadwal baru."
        ),
        "en": "Sorry, order {code} has to be rescheduled. Staff will tell you the new date soon.",
    },
    "requester_closed": {
        "id": "Terima kasih atas kerja samanya! Hasil kunjungan {code}: {tallies}.",
        "en": "Thank you for your cooperation! Results of visit {code}: {tallies}.",
    },
    "tallies": {
        "id": (
            "terekam {terekam}, gagal {gagal}, tidak hadir {tidak_hadir}, "
            "sudah punya e-KTP {sudah_punya}, belum 16 tahun {belum_16}"
        ),
        "en": (
            "recorded {terekam}, failed {gagal}, absent {tidak_hadir}, "
            "already had an e-KTP {sudah_punya}, under 16 {belum_16}"
        ),
    },
    # --- staff group ----------------------------------------------------------------------
    "staff_new_order": {"id": "🆕 Pesanan baru {code}", "en": "🆕 New order {code}"},
    "staff_order_again": {
        "id": "🔁 Pesanan {code} perlu dijadwalkan ulang",
        "en": "🔁 Order {code} needs to be scheduled again",
    },
    "btn_schedule": {"id": "Jadwalkan", "en": "Schedule"},
    "btn_detail": {"id": "Detail", "en": "Details"},
    "btn_replan": {"id": "Jadwalkan ulang", "en": "Plan again"},
    "btn_day_left": {
        "id": "{day}: {teams} tim, sisa {left} rekaman",
        "en": "{day}: {teams} teams, {left} recordings left",
    },
    "btn_team": {"id": "{name} ({per_slot}/sesi)", "en": "{name} ({per_slot}/slot)"},
    "choose_day": {
        "id": "Pesanan {code}, sesi {slot}. Pilih tanggal (hanya tanggal dengan tim kosong):",
        "en": "Order {code}, {slot}. Choose a date (only dates with a free team):",
    },
    "trip_hints": {
        "id": "🚗 Kunjungan lain di kelurahan/kecamatan yang sama (bisa satu perjalanan):",
        "en": "🚗 Other visits in the same kelurahan/kecamatan (one trip?):",
    },
    "choose_team": {
        "id": "Pesanan {code}, {day}. Pilih tim (⚠️ = kapasitas di bawah perkiraan peserta):",
        "en": "Order {code}, {day}. Choose a team (⚠️ = capacity below the expected count):",
    },
    "no_capacity_for_order": {
        "id": (
            "Tidak ada tim kosong pada tanggal pilihan pesanan {code}. Hubungi pemohon untuk "
            "tanggal lain, atau tolak dengan alasan."
        ),
        "en": "No team is free on the preferred dates of {code}. Call the requester, or reject.",
    },
    "slot_taken": {
        "id": (
            "Tim sudah terisi pada sesi itu untuk pesanan {code}. Tekan Jadwalkan lagi untuk "
            "pilihan terbaru."
        ),
        "en": "That team slot was just taken for {code}. Press Schedule again for fresh choices.",
    },
    "order_taken_by": {
        "id": "Pesanan {code} sedang ditangani oleh {by}. Tidak ada yang diubah.",
        "en": "Order {code} is being handled by {by}. Nothing changed.",
    },
    "order_already_handled": {
        "id": "Pesanan {code} sudah diproses ({status}) oleh {by}. Tidak ada yang diubah.",
        "en": "Order {code} was already handled ({status}) by {by}. Nothing changed.",
    },
    "staff_scheduled": {
        "id": "✅ {code} dijadwalkan oleh {by}: {line}",
        "en": "✅ {code} scheduled by {by}: {line}",
    },
    "choose_reject_reason": {
        "id": "Alasan menolak {code}? Alasan lain: ketik /tolak {code} <alasan>.",
        "en": "Why reject {code}? Other reason: type /reject {code} <reason>.",
    },
    "reject_WILAYAH": {"id": "Di luar wilayah layanan", "en": "Outside the service area"},
    "reject_PENUH": {"id": "Jadwal tim sudah penuh", "en": "Teams are fully booked"},
    "reject_DATA": {"id": "Data pesanan belum lengkap", "en": "Order details incomplete"},
    "reject_KURANG": {"id": "Peserta belum memenuhi minimal", "en": "Too few participants"},
    "staff_rejected": {
        "id": "❌ {code} ditolak oleh {by}: {reason}",
        "en": "❌ {code} rejected by {by}: {reason}",
    },
    "reject_usage": {
        "id": "Format: /tolak JB-2026-0042 alasan penolakan",
        "en": "Usage: /reject JB-2026-0042 reason",
    },
    "handled_by": {"id": "Ditangani: {by}", "en": "Handled by: {by}"},
    "staff_replanned": {
        "id": "🔁 {code} dikembalikan ke antrian untuk dijadwalkan ulang.",
        "en": "🔁 {code} is back in the queue to be scheduled again.",
    },
    "staff_order_cancelled": {
        "id": "🚫 Pesanan {code} dibatalkan oleh pemohon.",
        "en": "🚫 Order {code} was cancelled by the requester.",
    },
    "staff_reschedule_request": {
        "id": "📅 Pemohon {code} minta jadwal ulang. Kontak: {phone}",
        "en": "📅 The requester of {code} asks for another date. Contact: {phone}",
    },
    "close_usage": {
        "id": (
            "Format: /selesai JB-2026-0042 (isi dengan tombol angka), atau langsung "
            "/selesai JB-2026-0042 <terekam> <gagal> <tidak hadir> <sudah punya> <belum 16>"
        ),
        "en": (
            "Usage: /close JB-2026-0042 (fill in with number buttons), or at once "
            "/close JB-2026-0042 <recorded> <failed> <absent> <had e-KTP> <under 16>"
        ),
    },
    "close_not_scheduled": {
        "id": "Pesanan {code} tidak punya kunjungan terjadwal yang bisa ditutup.",
        "en": "Order {code} has no scheduled visit to close.",
    },
    "close_too_early": {
        "id": "Kunjungan {code} belum berlangsung; hasil dicatat pada atau setelah hari kunjungan.",
        "en": "Visit {code} has not happened yet; record results on or after the visit day.",
    },
    "tally_pad": {
        "id": (
            "📝 Hasil kunjungan {code}\n{fields}\n\nTekan angka untuk isian bertanda ▶, "
            "⏭ untuk isian berikutnya, lalu Simpan."
        ),
        "en": (
            "📝 Results of visit {code}\n{fields}\n\nPress digits for the field marked ▶, "
            "⏭ for the next field, then Save."
        ),
    },
    "tally_terekam": {"id": "Terekam", "en": "Recorded"},
    "tally_gagal": {"id": "Gagal", "en": "Failed"},
    "tally_tidak_hadir": {"id": "Tidak hadir", "en": "Absent"},
    "tally_sudah_punya": {"id": "Sudah punya e-KTP", "en": "Had an e-KTP"},
    "tally_belum_16": {"id": "Belum 16 tahun", "en": "Under 16"},
    "btn_tally_next": {"id": "⏭ Berikutnya", "en": "⏭ Next"},
    "btn_tally_save": {"id": "✅ Simpan", "en": "✅ Save"},
    "close_done_tallies": {
        "id": "✅ Hasil kunjungan {code} tercatat: {tallies}. Pemohon sudah dikabari.",
        "en": "✅ Results of {code} recorded: {tallies}. The requester is being told.",
    },
    "close_done": {
        "id": "✅ Hasil kunjungan {code} tercatat; pemohon sudah dikabari.",
        "en": "✅ Results of {code} recorded; the requester is being told.",
    },
    # --- /staf, /tim, /jadwal -------------------------------------------------------------
    "staff_list": {"id": "Petugas:", "en": "Staff:"},
    "staff_usage": {
        "id": "/staf tambah <user id> <nama> · /staf hapus <user id>",
        "en": "/staff add <user id> <name> · /staff remove <user id>",
    },
    "staff_added": {"id": "Petugas {user_id} ditambahkan.", "en": "Staff {user_id} added."},
    "staff_renamed": {"id": "Petugas {user_id} diperbarui.", "en": "Staff {user_id} updated."},
    "staff_removed": {"id": "Petugas {user_id} dihapus.", "en": "Staff {user_id} removed."},
    "staff_not_found": {"id": "Petugas {user_id} tidak ada.", "en": "No staff {user_id}."},
    "team_line": {
        "id": "{name}: {kits} kit × {per_kit} = {per_slot}/sesi, kendaraan {vehicle}",
        "en": "{name}: {kits} kits × {per_kit} = {per_slot}/slot, vehicle {vehicle}",
    },
    "team_none": {"id": "Belum ada tim.", "en": "No teams yet."},
    "team_usage": {
        "id": "/tim tambah <nama> <kit> [rekaman per kit] [kendaraan] · /tim hapus <nama>",
        "en": "/team add <name> <kits> [per kit] [vehicle] · /team remove <name>",
    },
    "team_added": {
        "id": "Tim {name} ditambahkan ({per_slot}/sesi).",
        "en": "Team {name} added ({per_slot}/slot).",
    },
    "team_exists": {"id": "Sudah ada tim bernama {name}.", "en": "A team named {name} exists."},
    "team_not_found": {"id": "Tidak ada tim bernama {name}.", "en": "No team named {name}."},
    "team_removed": {
        "id": (
            "Tim {name} dihapus. {count} kunjungan perlu dijadwalkan ulang; pemohon sudah dikabari."
        ),
        "en": "Team {name} removed. {count} visit(s) need rescheduling; requesters are told.",
    },
    "plan_usage": {
        "id": "Format: /jadwal, /jadwal minggu, atau /jadwal 7/12/2026",
        "en": "Usage: /plan, /plan week, or /plan 7/12/2026",
    },
    "plan_header": {"id": "📋 Jadwal {span}:", "en": "📋 Plan {span}:"},
    "plan_none": {"id": "(belum ada kunjungan)", "en": "(no visits)"},
    "plan_waiting": {
        "id": "Menunggu dijadwalkan: {count}",
        "en": "Waiting to be scheduled: {count}",
    },
    "plan_handling": {"id": "Waktu penanganan per tim:", "en": "Handling time per team:"},
    "plan_handling_line": {
        "id": "{team}: {count} kunjungan, rata-rata {hours} jam dari pesanan",
        "en": "{team}: {count} visits, on average {hours} h from order",
    },
    # --- reminders and escalation ---------------------------------------------------------
    "reminder_requester": {
        "id": (
            "Pengingat: {when} ({date}, sesi {slot}) tim Dukcapil datang untuk pesanan {code} "
            "di {address}. Mohon peserta membawa KK asli."
        ),
        "en": (
            "Reminder: {when} ({date}, {slot}) the Dukcapil team comes for order {code} at "
            "{address}. Participants please bring their original KK."
        ),
    },
    "reminder_team": {
        "id": (
            "Pengingat tim {team}: {date}, sesi {slot} — {code} di {address} ({count} orang). "
            "Kontak: {phone}"
        ),
        "en": (
            "Team {team} reminder: {date}, {slot} — {code} at {address} ({count} people). "
            "Contact: {phone}"
        ),
    },
    "reminder_resident": {
        "id": (
            "Pengingat: {when} ({date}, sesi {slot}) tim Dukcapil ke {address} untuk perekaman "
            "e-KTP. {name} belum rekam: silakan datang dan bawa KK asli."
        ),
        "en": (
            "Reminder: {when} ({date}, {slot}) the Dukcapil team comes to {address} to record "
            "e-KTPs. {name} has not recorded yet: please come and bring the original KK."
        ),
    },
    "when_tomorrow": {"id": "besok", "en": "tomorrow"},
    "when_on": {"id": "hari kerja berikutnya", "en": "next working day"},
    "escalation_line": {
        "id": "{code} · Kel. {kelurahan} · {age} hari kerja · {handler}",
        "en": "{code} · Kel. {kelurahan} · {age} working days · {handler}",
    },
    "escalation_staff": {
        "id": "⏰ {count} pesanan belum ditangani lebih dari {days} hari kerja:\n{lines}",
        "en": "⏰ {count} orders unanswered for more than {days} working days:\n{lines}",
    },
    "escalation_head": {
        "id": "⏰ Laporan pesanan jemput bola yang terlambat ditangani ({count}):\n{lines}",
        "en": "⏰ Overdue jemput bola orders ({count}):\n{lines}",
    },
}
