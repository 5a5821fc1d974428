"""`jemput demo`: the whole product in one terminal, on a demo database it creates itself.

The database holds synthetic residents of Kota Pangkalpinang's 7 kecamatan with valid NIKs, the
city's areas and one team. The console types as a resident (warga), a Ketua RT (pengurus) or a
staff member in the staff group (staf) — `/sebagai …` switches, `/kontak` shares one's own
number — and prints what the outbox sends to those chats as it would arrive, so a newcomer
walks: resident checks a status → official registers → staff approve → the official orders a
visit → staff schedule it → `/pengingat` jumps to the day before and sends the reminders.
"""

from __future__ import annotations

import asyncio
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from bot.app import App, open_app
from bot.channels.console import ConsoleChannel, OutboxPrinter, Persona, wait_for_outbox
from bot.core.calendar import SendWindow
from bot.core.messages import Channel
from bot.core.nik import birthday_in_year
from bot.core.orders import VisitStatus
from bot.core.ports import NoPacer
from bot.core.status import Status
from bot.imports.regions import AreaRow
from bot.outreach.dispatcher import Dispatcher
from bot.outreach.order_jobs import run_visit_reminders
from bot.settings import Settings
from storage import teams, visits
from storage.areas import upsert_areas
from storage.db import Database
from storage.residents import Resident, add_residents, count_residents

STAFF_GROUP = "-100"  # the demo's staff group (a Telegram group id, as STAFF_CHAT_ID would be)
ADMIN = "7001"  # the demo's staff member (ADMIN_USER_IDS)
#: Who the console can type as; the resident's phone is Budi Santoso's registered number.
PERSONAS = (
    Persona("warga", "Warga", "warga", "warga", phone="6281200000001"),
    Persona("pengurus", "Pengurus", "pengurus", "pengurus", phone="6281234567890"),
    Persona("staf", "Grup staf", STAFF_GROUP, ADMIN, is_group=True, user_name="Petugas Demo"),
)

# The 7 kecamatan of Kota Pangkalpinang and their kelurahan (Kepmendagri codes without dots),
# for the demo database and tests only: a real deployment loads its areas from the operator's
# Kepmendagri list (`jemput import regions`, REGIONS_FILE).
PANGKALPINANG: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "197101": (
        "Bukit Intan",
        (
            ("1971011006", "Bacang"),
            ("1971011004", "Semabung Lama"),
            ("1971011007", "Air Itam"),
            ("1971011008", "Pasir Putih"),
            ("1971011009", "Temberan"),
            ("1971011010", "Sinar Bulan"),
            ("1971011011", "Air Mawar"),
        ),
    ),
    "197102": (
        "Taman Sari",
        (
            ("1971021001", "Opas Indah"),
            ("1971021002", "Gedung Nasional"),
            ("1971021003", "Batin Tikal"),
            ("1971021004", "Rawa Bangun"),
            ("1971021005", "Kejaksaan"),
        ),
    ),
    "197103": (
        "Pangkal Balam",
        (
            ("1971031004", "Pasir Garam"),
            ("1971031005", "Lontong Pancur"),
            ("1971031006", "Ketapang"),
            ("1971031007", "Ampui"),
            ("1971031008", "Rejosari"),
        ),
    ),
    "197104": (
        "Rangkui",
        (
            ("1971041001", "Pintu Air"),
            ("1971041002", "Bintang"),
            ("1971041005", "Masjid Jamik"),
            ("1971041006", "Asam"),
            ("1971041007", "Melintang"),
            ("1971041008", "Parit Lalang"),
            ("1971041009", "Keramat"),
            ("1971041010", "Gajah Mada"),
        ),
    ),
    "197105": (
        "Gerunggang",
        (
            ("1971051001", "Taman Bunga"),
            ("1971051002", "Bukit Merapen"),
            ("1971051004", "Bukit Sari"),
            ("1971051005", "Tua Tunu Indah"),
            ("1971051006", "Kacang Pedang"),
            ("1971051007", "Air Kepala Tujuh"),
        ),
    ),
    "197106": (
        "Gabek",
        (
            ("1971061001", "Selindung"),
            ("1971061002", "Selindung Baru"),
            ("1971061003", "Gabek Satu"),
            ("1971061004", "Gabek Dua"),
            ("1971061005", "Air Salemba"),
            ("1971061006", "Jerambah Gantung"),
        ),
    ),
    "197107": (
        "Girimaya",
        (
            ("1971071001", "Pasar Padi"),
            ("1971071002", "Batu Intan"),
            ("1971071003", "Bukit Besar"),
            ("1971071004", "Sriwijaya"),
            ("1971071005", "Semabung Baru"),
        ),
    ),
}
_FIRST = "Ahmad Siti Budi Dewi Rizky Nur Agus Putri Fajar Indah Hendra Ayu Joko Lestari".split()
_LAST = "Saputra Wijaya Pratama Hasanah Kurniawan Rahmawati Santoso Lubis Hidayat".split()


def make_nik(kec: str, born: date, sex: str, serial: int) -> str:
    """A well-formed NIK for Kota Pangkalpinang (19.71.kec)."""
    day = born.day + (40 if sex == "P" else 0)
    return f"1971{kec}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def make_kk(kec: str, issued: date, serial: int) -> str:
    """A well-formed KK number: region, issue date DDMMYY, serial."""
    return f"1971{kec}{issued.day:02d}{issued.month:02d}{issued.year % 100:02d}{serial:04d}"


def demo_residents(today: date, per_kecamatan: int = 40, seed: int = 17) -> list[Resident]:
    """Families spread over the 7 kecamatan with every status, plus the showcase residents."""
    rng = random.Random(seed)
    residents = list(showcase_residents(today))
    serial = 100
    statuses = list(Status)
    for code, (kecamatan, kelurahans) in PANGKALPINANG.items():
        kec = code[4:6]
        for _ in range(per_kecamatan):
            serial += 1
            born = today - timedelta(days=rng.randint(15 * 365, 80 * 365))
            sex = rng.choice("LP")
            kk = make_kk(kec, today - timedelta(days=rng.randint(30, 3000)), serial)
            residents.append(
                Resident(
                    nik=make_nik(kec, born, sex, serial),
                    no_kk=kk,
                    nama=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                    tanggal_lahir=born,
                    jenis_kelamin=sex,
                    alamat=f"Jl. Demo No. {rng.randint(1, 200)}",
                    rt=f"{rng.randint(1, 12):03d}",
                    rw=f"{rng.randint(1, 6):03d}",
                    kelurahan=rng.choice(kelurahans)[1],
                    kecamatan=kecamatan,
                    no_hp=f"6281{rng.randint(10**8, 10**9 - 1)}",
                    status=rng.choice(statuses),
                )
            )
    return residents


def showcase_residents(today: date) -> list[Resident]:
    """One resident per status (the pairs `jemput demo` prints), on one KK per family."""
    people = [
        ("Budi Santoso", Status.BELUM_REKAM, 30, "L"),
        ("Siti Hasanah", Status.SUDAH_REKAM, 25, "P"),
        ("Rizky Pratama", Status.PRR, 19, "L"),
        ("Putri Lestari", Status.PRR, 16, "P"),
        ("Agus Wijaya", Status.DICETAK, 45, "L"),
        ("Dewi Rahmawati", Status.DIAMBIL, 38, "P"),
        ("Hendra Lubis", Status.DUPLIKAT, 52, "L"),
        ("Nur Hidayat", Status.REKAM_ULANG, 23, "L"),
    ]
    out = []
    for i, (name, status, age, sex) in enumerate(people, start=1):
        kec = f"{(i - 1) % 7 + 1:02d}"
        kecamatan, kelurahans = PANGKALPINANG["1971" + kec]
        born = date(today.year - age, (i % 12) + 1, 10 + i)
        if status is Status.PRR and age == 16:
            born = birthday_in_year(today, today.year - 17) + timedelta(days=60)
        out.append(
            Resident(
                nik=make_nik(kec, born, sex, i),
                no_kk=make_kk(kec, date(2015, 3, 1 + i), i),
                nama=name,
                tanggal_lahir=born,
                jenis_kelamin=sex,
                alamat=f"Jl. Merdeka No. {i}",
                rt=f"{i:03d}",
                rw="002",
                kelurahan=kelurahans[0][1],
                kecamatan=kecamatan,
                no_hp=f"62812000000{i:02d}",
                status=status,
            )
        )
    return out


def demo_areas() -> list[AreaRow]:
    """The demo's kecamatan and kelurahan, parents first."""
    rows: list[AreaRow] = []
    for code, (kecamatan, kelurahans) in PANGKALPINANG.items():
        rows.append(AreaRow(code, kecamatan, "kecamatan", None))
        rows.extend(AreaRow(k, nama, "kelurahan", code) for k, nama in kelurahans)
    return rows


async def seed_demo(db: Database, today: date, now: datetime, *, everyone: bool = True) -> None:
    """Areas and residents for the demo (only the showcase residents when not `everyone`)."""
    await upsert_areas(db, demo_areas())
    people = demo_residents(today) if everyone else showcase_residents(today)
    await add_residents(db, people, now)


def demo_settings(settings: Settings, db_path: Path) -> Settings:
    """The demo's office: its staff group and admin, messages at any hour (no other change)."""
    return settings.model_copy(
        update={"database_path": db_path, "staff_chat_id": STAFF_GROUP,
                "admin_user_ids": [ADMIN], "send_window_start": "00:00",
                "send_window_end": "24:00", "send_on_sunday": True}
    )  # fmt: skip


async def prepare(app: App) -> None:
    """Seed a fresh demo database (residents, areas, one team)."""
    if await count_residents(app.db) == 0:
        await seed_demo(app.db, app.clock.today(), app.clock.now())
    if not await teams.list_teams(app.db):
        await teams.add_team(app.db, name="Tim Melati", kits=2, per_kit=25, vehicle="Avanza",
                             members=[], actor="demo", now=app.clock.now())  # fmt: skip


async def run_demo(settings: Settings, lang: str = "id") -> None:
    """The console chat with its personas, and one printing dispatcher per channel."""
    async with open_app(settings) as app:
        await prepare(app)
        print(f"Demo database: {settings.database_path}. Try these NIK / KK pairs:")
        for r in showcase_residents(app.clock.today()):
            print(f"  {r.nik}  KK {r.no_kk}  ({r.nama}, {r.status.value})")
        print(HELP)
        console = ConsoleChannel(app.conversation, language=lang, personas=PERSONAS,
                                 extra={"/pengingat": lambda _: remind(app)})  # fmt: skip
        console.settle = lambda: wait_for_outbox(app.db, app.clock)
        window = SendWindow.from_settings(app.settings)
        stop = asyncio.Event()
        printers = (OutboxPrinter(console, c) for c in (Channel.CONSOLE, Channel.TELEGRAM))
        dispatchers = [
            Dispatcher(app.db, printer, NoPacer(), app.clock, window, poll_s=0.05)
            for printer in printers
        ]
        tasks = [asyncio.create_task(d.run(stop)) for d in dispatchers]
        try:
            await console.run()
        finally:
            stop.set()
            await asyncio.gather(*tasks)


HELP = """Type /status, a NIK, /pesan, /bantuan, /bahasa …, a number to press a button, and
'keluar' to quit. /sebagai warga|pengurus|staf switches who is typing (staf types in the staff
group); /kontak shares your own phone number; /pengingat jumps to the day before the next visit
and sends its reminders.
"""


async def remind(app: App) -> list[str]:
    """/pengingat: move the demo clock to 15:00 the day before the next visit; run D-1 reminders."""
    today = app.clock.today()
    coming = [v for v in await visits.visits_between(app.db, today, today + timedelta(days=400))
              if v.status is VisitStatus.TERJADWAL and v.day > today]  # fmt: skip
    if not coming:
        return ["(Belum ada kunjungan terjadwal: jadwalkan dulu sebagai staf.)\n"]
    eve = datetime.combine(coming[0].day - timedelta(days=1), time(15), tzinfo=app.clock.tz)
    if eve > app.clock.now():
        app.clock.travel(eve - app.clock.now())
    result = await run_visit_reminders(app.db, app.settings, app.clock)
    return [f"⏩ {app.clock.local_now():%Y-%m-%d %H:%M}: {result}\n"]
