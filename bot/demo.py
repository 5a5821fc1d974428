"""The demo database: synthetic residents of Kota Pangkalpinang's 7 kecamatan with valid NIKs."""

from __future__ import annotations

import random
from datetime import date, timedelta

from bot.core.nik import birthday_in_year
from bot.core.status import Status
from storage.residents import Resident

# Kecamatan code (NIK digits 5–6 after 1971) → (kecamatan, a few of its kelurahan).
PANGKALPINANG: dict[str, tuple[str, tuple[str, ...]]] = {
    "01": ("Bukit Intan", ("Bacang", "Air Itam", "Temberan", "Sinar Bulan")),
    "02": ("Taman Sari", ("Opas Indah", "Gedung Nasional", "Batin Tikal", "Kejaksaan")),
    "03": ("Pangkal Balam", ("Pasir Garam", "Ketapang", "Ampui", "Rejosari")),
    "04": ("Rangkui", ("Pintu Air", "Bintang", "Masjid Jamik", "Keramat")),
    "05": ("Gerunggang", ("Taman Bunga", "Bukit Merapen", "Bukit Sari", "Kacang Pedang")),
    "06": ("Gabek", ("Selindung", "Gabek Satu", "Gabek Dua", "Air Salemba")),
    "07": ("Girimaya", ("Pasar Padi", "Batu Intan", "Bukit Besar", "Sriwijaya")),
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
    for kec, (kecamatan, kelurahans) in PANGKALPINANG.items():
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
                    kelurahan=rng.choice(kelurahans),
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
        kecamatan, kelurahans = PANGKALPINANG[kec]
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
                kelurahan=kelurahans[0],
                kecamatan=kecamatan,
                no_hp=f"62812000000{i:02d}",
                status=status,
            )
        )
    return out
