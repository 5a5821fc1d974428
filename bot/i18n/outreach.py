"""Outreach texts: summons (escalating 1 → last), date-triggered notices, opt-out, staff views.

Tone: "Bapak/Ibu", short sentences, one request per message, what to bring and
where to go; consequences stated as facts, never as threats. In summons `{name}`, `{nik}`
(masked) and `{visit}` (summons 1: the kelurahan's next community visit, or nothing) are filled
in per resident by the database when a round is planned.
"""

from __future__ import annotations

_STOP_HINT_ID = "\n\nBila tidak ingin menerima pesan ini lagi, balas BERHENTI."
_STOP_HINT_EN = "\n\nIf you no longer wish to receive these messages, reply STOP."

MESSAGES: dict[str, dict[str, str]] = {
    # --- summons: 1 invitation, 2 why it matters, 3..max-1 deadline, last: RT/RW informed ---
    "summons_1": {
        "id": (
            "Yth. Bapak/Ibu, menurut data kami {name} (NIK {nik}) belum melakukan perekaman "
            "e-KTP.\n\nSilakan datang ke {office}, {address}, pada jam pelayanan: {hours}. "
            "Bawa {requirements}. Perekaman tidak dipungut biaya.{visit}" + _STOP_HINT_ID
        ),
        "en": (
            "Dear Sir/Madam, according to our records {name} (NIK {nik}) has not recorded "
            "for the e-KTP yet.\n\nPlease come to {office}, {address}, during service hours: "
            "{hours}. Bring {requirements}. Recording is free of charge.{visit}" + _STOP_HINT_EN
        ),
    },
    # {visit} of summons 1: the nearest scheduled community visit in the resident's kelurahan
    "summons_visit": {
        "id": (
            "\n\nTim jemput bola juga akan melayani perekaman di Kel. {kelurahan} pada {date}, "
            "{slot}, di {place}."
        ),
        "en": (
            "\n\nThe mobile recording team will also be in Kel. {kelurahan} on {date}, {slot}, "
            "at {place}."
        ),
    },
    "summons_2": {
        "id": (
            "Yth. Bapak/Ibu, kami mengingatkan kembali: {name} (NIK {nik}) belum rekam e-KTP."
            "\n\ne-KTP diperlukan untuk layanan BPJS, perbankan, dan pemilu. Perekaman hanya "
            "beberapa menit di {office} ({hours}). Bawa {requirements}.{deadline}" + _STOP_HINT_ID
        ),
        "en": (
            "Dear Sir/Madam, a reminder: {name} (NIK {nik}) has not recorded for the e-KTP yet."
            "\n\nThe e-KTP is needed for BPJS health insurance, banking and elections. "
            "Recording takes a few minutes at {office} ({hours}). Bring {requirements}."
            "{deadline}" + _STOP_HINT_EN
        ),
    },
    "summons_3": {
        "id": (
            "Yth. Bapak/Ibu, {name} (NIK {nik}) masih tercatat belum rekam e-KTP.{deadline}"
            "\n\nTanpa e-KTP, layanan seperti BPJS, pembukaan rekening bank, dan pendaftaran "
            "pemilih dapat terhambat. Silakan datang ke {office} ({hours}) dengan membawa "
            "{requirements}. Bila berhalangan, ketik /bantuan." + _STOP_HINT_ID
        ),
        "en": (
            "Dear Sir/Madam, {name} (NIK {nik}) is still listed as not recorded for the e-KTP."
            "{deadline}\n\nWithout an e-KTP, services such as BPJS, opening a bank account and "
            "voter registration may be held up. Please come to {office} ({hours}) with "
            "{requirements}. If you cannot come, type /help." + _STOP_HINT_EN
        ),
    },
    "summons_last": {
        "id": (
            "Yth. Bapak/Ibu, ini pemberitahuan terakhir kami melalui pesan: {name} (NIK {nik}) "
            "belum rekam e-KTP.{deadline}\n\nSelanjutnya Ketua RT/RW setempat akan kami "
            "informasikan agar dapat membantu. Silakan datang ke {office} ({hours}) dengan "
            "membawa {requirements}." + _STOP_HINT_ID
        ),
        "en": (
            "Dear Sir/Madam, this is our last message about this: {name} (NIK {nik}) has not "
            "recorded for the e-KTP yet.{deadline}\n\nWe will next inform the local RT/RW head "
            "so they can help. Please come to {office} ({hours}) with {requirements}."
            + _STOP_HINT_EN
        ),
    },
    "summons_deadline": {
        "id": " Batas waktu perekaman: {date}.",
        "en": " The recording deadline is {date}.",
    },
    # --- date-triggered notices ---
    "notice_age17_prr": {
        "id": (
            "Selamat ulang tahun ke-17, {name}! e-KTP (NIK {nik}) sekarang dapat dicetak. "
            "Silakan datang ke {office} ({hours}) dengan membawa {requirements}."
        ),
        "en": (
            "Happy 17th birthday, {name}! The e-KTP (NIK {nik}) can now be printed. "
            "Please come to {office} ({hours}) with {requirements}."
        ),
    },
    "notice_age16": {
        "id": (
            "Yth. Bapak/Ibu, {name} (NIK {nik}) sudah berusia 16 tahun dan sudah dapat "
            "rekam e-KTP. Silakan datang ke {office} ({hours}) dengan membawa {requirements}."
            + _STOP_HINT_ID
        ),
        "en": (
            "Dear Sir/Madam, {name} (NIK {nik}) is now 16 and may record for the e-KTP. "
            "Please come to {office} ({hours}) with {requirements}." + _STOP_HINT_EN
        ),
    },
    "notice_status_PRR": {
        "id": (
            "Kabar baik: e-KTP {name} (NIK {nik}) sudah siap cetak. Silakan datang ke {office} "
            "({hours}) dengan membawa {requirements} untuk mencetaknya."
        ),
        "en": (
            "Good news: the e-KTP of {name} (NIK {nik}) is ready to print. Please come to "
            "{office} ({hours}) with {requirements} to have it printed."
        ),
    },
    "notice_status_PRR_underage": {
        "id": (
            "Kabar baik: data e-KTP {name} (NIK {nik}) sudah terverifikasi. e-KTP dapat "
            "dicetak mulai {date} (usia 17 tahun). Kami akan mengingatkan Bapak/Ibu."
        ),
        "en": (
            "Good news: the e-KTP data of {name} (NIK {nik}) is verified. The card can be "
            "printed from {date} (age 17). We will remind you."
        ),
    },
    "notice_status_DICETAK": {
        "id": (
            "e-KTP {name} (NIK {nik}) sudah dicetak dan dapat diambil di {office} ({hours}). "
            "Bawa {requirements}."
        ),
        "en": (
            "The e-KTP of {name} (NIK {nik}) has been printed and can be collected at {office} "
            "({hours}). Bring {requirements}."
        ),
    },
    # --- opt-out ---
    "optout_done": {
        "id": (
            "Baik, Bapak/Ibu tidak akan menerima panggilan dan pengingat dari kami lagi. "
            "Cek status dan bantuan tetap dapat digunakan. Ketik /mulai untuk menerimanya lagi."
        ),
        "en": (
            "All right, you will no longer receive summons and reminders from us. Status checks "
            "and help still work. Type /mulai to receive them again."
        ),
    },
    "optout_already": {
        "id": "Bapak/Ibu sudah berhenti menerima pengingat. Ketik /mulai untuk menerimanya lagi.",
        "en": "You have already stopped reminders. Type /mulai to receive them again.",
    },
    "optin_done": {
        "id": "Terima kasih, Bapak/Ibu akan kembali menerima panggilan dan pengingat dari kami.",
        "en": "Thank you, you will receive summons and reminders from us again.",
    },
    "optin_already": {
        "id": "Pengingat untuk Bapak/Ibu sudah aktif. Ketik /berhenti untuk menghentikannya.",
        "en": "Reminders are already on for you. Type /berhenti to stop them.",
    },
    # --- staff: outbox view and daily digest ---
    "outbox_title": {"id": "Antrean pesan (outbox)", "en": "Message queue (outbox)"},
    "outbox_rate": {
        "id": "Terkirim 1 menit terakhir: {count} ({rate:.1f}/detik)",
        "en": "Sent in the last minute: {count} ({rate:.1f}/s)",
    },
    "outbox_oldest": {
        "id": "Tertua menunggu sejak {since}; jatuh tempo berikutnya {due}",
        "en": "Oldest pending since {since}; next due {due}",
    },
    "outbox_empty": {"id": "Tidak ada pesan menunggu.", "en": "Nothing pending."},
    "outbox_dead_title": {
        "id": "Gagal permanen (dead), terbaru dulu:",
        "en": "Dead letters, newest first:",
    },
    "outbox_retry_hint": {
        "id": "Kirim ulang yang gagal: /outbox ulang",
        "en": "Retry dead letters: /outbox retry",
    },
    "outbox_retried": {
        "id": "{count} pesan gagal dimasukkan kembali ke antrean.",
        "en": "{count} dead letters queued again.",
    },
    "digest_official": {
        "id": (
            "Yth. Bapak/Ibu Ketua {area}, Kel. {kelurahan}: {count} warga wajib KTP di wilayah "
            "Bapak/Ibu belum rekam e-KTP. Mohon bantuannya mengajak mereka datang ke Dukcapil "
            "atau memesan perekaman jemput bola (/pesan)."
        ),
        "en": (
            "Dear head of {area}, Kel. {kelurahan}: {count} residents of your area who must "
            "have an e-KTP have not recorded yet. Please encourage them to come to Dukcapil, or "
            "order a mobile recording visit (/pesan)."
        ),
    },
    "digest_official_more": {
        "id": "… dan {count} lainnya (daftar lengkap dalam berkas CSV).",
        "en": "… and {count} more (full list in the CSV file).",
    },
    "digest_staff": {
        "id": (
            "Ringkasan harian Jemput Bola ({date})\n"
            "Pesan 24 jam terakhir: {sent} terkirim, {failed} tak terjangkau, {dead} gagal, "
            "{cancelled} dibatalkan.\n"
            "Chat tak terjangkau: {unreachable}; berhenti berlangganan: {opted_out}.\n"
            "Wajib KTP belum rekam: {unrecorded} (dapat dihubungi lewat chat: {reachable}).\n"
            "Panggilan ke-n (jumlah warga): {progress}.\n"
            "Perekaman sejak kemarin: {recorded}."
        ),
        "en": (
            "Jemput Bola daily digest ({date})\n"
            "Messages in the last 24 h: {sent} sent, {failed} unreachable, {dead} dead, "
            "{cancelled} cancelled.\n"
            "Unreachable chats: {unreachable}; opted out: {opted_out}.\n"
            "Wajib KTP not yet recorded: {unrecorded} (reachable by chat: {reachable}).\n"
            "Summons number n (residents): {progress}.\n"
            "Recordings since yesterday: {recorded}."
        ),
    },
}
