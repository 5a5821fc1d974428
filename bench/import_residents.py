"""Benchmark `jemput import residents` on synthetic data.

Run from the repository root::

    .venv/bin/python -m bench.import_residents            # 1,000,000 rows
    .venv/bin/python -m bench.import_residents --rows 50000 --keep

Writes a CSV of N synthetic residents of Kota Pangkalpinang (kecamatan 19.71.01-07, families
sharing a KK, women's NIK day + 40, some phones, mixed SIAK status codes, a few bad rows) to a
temporary folder, then times, each in a fresh subprocess so its peak RSS is its own: the import
into a new database, a second import of the same file (all unchanged), and 10,000 random
`storage.residents.get_resident` lookups (p50/p99). Targets: 1M rows ≤ 20 s, peak RSS ≤ 150 MB.

``--engine postgres`` starts a throwaway PostgreSQL server (as the tests do, `tests.pg_cluster`)
and times, side by side: the import into a new database, the re-import, and ``psql \\copy`` of
the same file into a table with just the NIK primary key and into a bare table (target: the
import ≤ 2× the keyed \\copy). It also prints the CPU seconds each step cost on the client
(the import and its second reader, or psql) and on the server (the postmaster's processes,
live and reaped): on this 2-core machine no schedule can finish a step in less than half its
CPU total, which bounds what any overlap of reading, sorting and merging could reach.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import logging
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.imports.residents import import_residents
from storage.db import Database
from storage.residents import get_resident

TODAY = date(2026, 11, 28)
HEADER = (
    "nik,no_kk,nama,tanggal_lahir,jenis_kelamin,alamat,rt,rw,kelurahan,kecamatan,no_hp,"
    "status_ektp,kawin,sekolah"
).split(",")
KECAMATAN = {
    "197101": ("Bukit Intan", ("Bacang", "Air Itam", "Pasir Putih", "Temberan", "Sinar Bulan")),
    "197102": ("Taman Sari", ("Opas Indah", "Gedung Nasional", "Batin Tikal", "Rawa Bangun")),
    "197103": ("Pangkal Balam", ("Pasir Garam", "Lontong Pancur", "Ketapang", "Ampui")),
    "197104": ("Rangkui", ("Bintang", "Masjid Jamik", "Parit Lalang", "Keramat")),
    "197105": ("Gerunggang", ("Kacang Pedang", "Bukit Sari", "Tua Tunu Indah", "Taman Bunga")),
    "197106": ("Girimaya", ("Bukit Besar", "Sriwijaya", "Pasar Padi", "Semabung Baru")),
    "197107": ("Gabek", ("Air Salemba", "Gabek Satu", "Gabek Dua", "Selindung")),
}
FIRST_L = ("Ahmad", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko", "Rudi", "Yusuf")
FIRST_P = ("Ani", "Dewi", "Fitri", "Indah", "Lestari", "Nur", "Putri", "Rina", "Siti", "Wati")
LAST = ("Saputra", "Wijaya", "Hidayat", "Pratama", "Lim", "Rahman", "Susanto", "Ang", "Halim", "")
STREETS = ("Jl. Merdeka", "Jl. Depati Amir", "Jl. Soekarno Hatta", "Gg. Melati", "Jl. Mentok")
STATUSES = (
    ("", 30),
    ("BELUM_REKAM", 10),
    ("SUDAH_REKAM", 5),
    ("SFE", 5),
    ("PRR", 15),
    ("PRINTED", 10),
    ("Card_Delivered", 15),
    ("DUP", 2),
    ("EFAC", 3),
    ("print ready record", 5),
)


def generate(path: Path, rows: int, seed: int, bad_rate: float) -> list[str]:
    """Write the CSV; return up to 10,000 NIKs sampled from it for lookups."""
    rng = random.Random(seed)
    codes, weights = zip(*STATUSES, strict=True)
    serials: dict[str, int] = {}
    sample: list[str] = []
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        written = 0
        while written < rows:
            family = _family(rng, serials, codes, weights)
            for person in family[: rows - written]:
                written += 1
                if rng.random() < bad_rate:
                    person[0] = person[0][:15]  # a truncated NIK: rejected
                elif len(sample) < 10_000:
                    sample.append(person[0])
                elif rng.random() < 10_000 / written:
                    sample[rng.randrange(10_000)] = person[0]
                out.writerow(person)
    return sample


def _family(
    rng: random.Random, serials: dict[str, int], codes: tuple[str, ...], weights: tuple[int, ...]
) -> list[list[str]]:
    """One household: a KK and 1-6 members at one address."""
    region = rng.choice(tuple(KECAMATAN))
    kecamatan, kelurahans = KECAMATAN[region]
    issued = date(2005, 1, 1) + timedelta(days=rng.randrange(7300))
    kk = _numbered(serials, f"{region}{issued:%d%m%y}")
    where = [
        f"{rng.choice(STREETS)} No. {rng.randint(1, 200)}",
        str(rng.randint(1, 15)),
        f"{rng.randint(1, 8):02d}",
        rng.choice(kelurahans),
        kecamatan,
    ]
    return [
        _person(rng, serials, region, kk, where, codes, weights) for _ in range(rng.randint(1, 6))
    ]


def _person(
    rng: random.Random,
    serials: dict[str, int],
    region: str,
    kk: str,
    where: list[str],
    codes: tuple[str, ...],
    weights: tuple[int, ...],
) -> list[str]:
    sex = rng.choice("LP")
    born = TODAY - timedelta(days=rng.randrange(15 * 365, 85 * 365))
    day = born.day + (40 if sex == "P" else 0)
    nik = _numbered(serials, f"{region}{day:02d}{born:%m%y}")
    first = rng.choice(FIRST_L if sex == "L" else FIRST_P)
    name = f"{first} {rng.choice(LAST)}".strip()
    shown = born.isoformat() if rng.random() < 0.9 else f"{born:%d/%m/%Y}"
    phone = f"08{rng.randint(11, 99)}-{rng.randint(1000, 9999)}-{rng.randint(100, 9999)}"
    status = rng.choices(codes, weights)[0]
    kawin = "Y" if born.year < 2000 and rng.random() < 0.7 else "N"
    school = "SMAN 1 Pangkalpinang" if born.year >= 2008 and rng.random() < 0.5 else ""
    return [
        nik,
        kk,
        name,
        shown,
        sex,
        *where,
        phone if rng.random() < 0.6 else "",
        status,
        kawin,
        school,
    ]


def _numbered(serials: dict[str, int], prefix: str) -> str:
    """The prefix and the next 4-digit serial for it."""
    serials[prefix] = serials.get(prefix, 0) + 1
    return f"{prefix}{serials[prefix]:04d}"


async def _import(csv_path: Path, db_path: Path | str) -> dict[str, object]:
    """Import once; report seconds, counts and this process's peak RSS."""
    db = await Database.open(db_path)
    try:
        started = time.perf_counter()
        summary = await import_residents(db, csv_path, today=TODAY, actor="bench")
        seconds = time.perf_counter() - started
    finally:
        await db.close()
    return {"seconds": seconds, "peak_mib": _peak_kib() / 1024, "line": summary.line()}


def _peak_kib() -> int:
    """This program's peak RSS (VmHWM: unlike ru_maxrss, not inherited from before exec)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def sqlite3_import(csv_path: Path, db_path: Path, *, keyed: bool) -> float:
    """Seconds for the sqlite3 shell to `.import` the file into a new database: a bare table
    (columns from the header), or a table keyed by NIK (WITHOUT ROWID, like `residents`)."""
    db_path.unlink(missing_ok=True)
    columns = ", ".join(f"{c} TEXT" + (" PRIMARY KEY" if c == "nik" else "") for c in HEADER)
    script = ".mode csv\n"
    if keyed:
        script = f"PRAGMA journal_mode=WAL;\nCREATE TABLE t ({columns}) WITHOUT ROWID;\n{script}"
        script += f".import --skip 1 '{csv_path}' t\n"
    else:
        script += f".import '{csv_path}' t\n"
    started = time.perf_counter()
    subprocess.run(["sqlite3", str(db_path)], input=script, text=True, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    seconds = time.perf_counter() - started
    db_path.unlink()
    return seconds


async def _lookups(db_path: Path, niks: list[str]) -> dict[str, object]:
    """Time get_resident for each NIK, in random order."""
    db = await Database.open(db_path)
    timings: list[float] = []
    try:
        for nik in random.Random(1).sample(niks, len(niks)):
            started = time.perf_counter()
            found = await get_resident(db, nik)
            timings.append((time.perf_counter() - started) * 1000)
            assert found is not None, "a sampled NIK is missing"
    finally:
        await db.close()
    cuts = statistics.quantiles(timings, n=100)
    return {"count": len(timings), "p50_ms": cuts[49], "p99_ms": cuts[98]}


def _child(*args: str) -> dict[str, object]:
    """Run one measurement in a fresh interpreter; it prints one JSON object."""
    cmd = [sys.executable, "-m", "bench.import_residents", "--child", *args]
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=root)
    for line in done.stderr.splitlines():
        if line.startswith(("  Imported", "  phases")) or "second reader" in line:
            print(line.strip())
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _report(
    rows: int,
    first: dict[str, object],
    second: dict[str, object],
    bare: tuple[float, float],
    keyed: float,
) -> None:
    print(f"sqlite3    .import into a bare table {bare[0]:.2f} s (before the import),"
          f" {bare[1]:.2f} s (before the re-import); into a table keyed by NIK"
          f" {keyed:.2f} s")  # fmt: skip
    runs = (("import", first, 2.0, bare[0]), ("re-import", second, 1.2, bare[1]))
    for name, run, target, floor in runs:
        secs = float(str(run["seconds"]))
        print(
            f"{name:<10} {secs:7.2f} s  {rows / secs:>10,.0f} rows/s"
            f"  = {secs / floor:.2f}x bare .import, {secs / keyed:.2f}x keyed (target <="
            f" {target}x)  peak RSS {float(str(run['peak_mib'])):6.1f} MiB (target <= 150)"
            f"  | {run['line']}"
        )


def main(argv: list[str] | None = None) -> None:
    """Generate, import twice, look up; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--bad-rate", type=float, default=0.001)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        logging.basicConfig(level=logging.INFO, format="  %(message)s")
        logging.getLogger("bot.imports.residents").setLevel(logging.DEBUG)  # the phase timings
        task, *paths = args.child
        if task == "import":
            target = paths[1] if paths[1].startswith("postgresql://") else Path(paths[1])
            print(json.dumps(asyncio.run(_import(Path(paths[0]), target))))
        else:
            niks = json.loads(Path(paths[1]).read_text())
            print(json.dumps(asyncio.run(_lookups(Path(paths[0]), niks))))
        return
    folder = Path(tempfile.mkdtemp(prefix="jemput-bench-"))
    try:
        if args.engine == "postgres":
            _bench_pg(folder, args.rows, args.seed, args.bad_rate)
        else:
            _bench(folder, args.rows, args.seed, args.bad_rate)
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder)


def _load() -> str:
    """The machine's load average (1, 5, 15 min) and cores: the figures are noisy when busy."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def _bench(folder: Path, rows: int, seed: int, bad_rate: float) -> None:
    csv_path, db_path, niks_path = (
        folder / "residents.csv",
        folder / "bench.sqlite3",
        folder / "niks.json",
    )
    started = time.perf_counter()
    niks = generate(csv_path, rows, seed, bad_rate)
    niks_path.write_text(json.dumps(niks))
    size = csv_path.stat().st_size / 2**20
    print(f"generated {rows:,} rows ({size:.0f} MiB) in {time.perf_counter() - started:.1f} s")
    print(f"machine    {_load()} (before)")
    keyed = sqlite3_import(csv_path, folder / "keyed.sqlite3", keyed=True)
    bare = sqlite3_import(csv_path, folder / "bare.sqlite3", keyed=False)
    first = _child("import", str(csv_path), str(db_path))
    bare_again = sqlite3_import(csv_path, folder / "bare.sqlite3", keyed=False)
    second = _child("import", str(csv_path), str(db_path))
    _report(rows, first, second, (bare, bare_again), keyed)
    print(f"machine    {_load()} (after)")
    found = _child("lookup", str(db_path), str(niks_path))
    print(
        f"lookups    {found['count']} get_resident: p50 {float(str(found['p50_ms'])):.3f} ms,"
        f" p99 {float(str(found['p99_ms'])):.3f} ms"
    )
    print(f"database   {db_path.stat().st_size / 2**20:.0f} MiB")


_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int | str) -> list[str]:
    """The fields of /proc/PID/stat after the command name (fields[1] is the parent's pid)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _seconds(fields: list[str], first: int) -> float:
    """Two adjacent clock-tick fields of a stat line, summed, in seconds."""
    return (int(fields[first]) + int(fields[first + 1])) / _TICK


def server_cpu(data: Path) -> float:
    """CPU seconds used so far by a PostgreSQL server: the postmaster, its live processes and
    the backends it has reaped (a backend's time moves to the postmaster's children's time)."""
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    fields = _stat(postmaster)
    total = _seconds(fields, 11) + _seconds(fields, 13)  # utime+stime, cutime+cstime
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            fields = _stat(folder.name)
            if int(fields[1]) == postmaster:
                total += _seconds(fields, 11)
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
    return total


def client_cpu() -> float:
    """CPU seconds of this program's finished children (and theirs, when they waited)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


class CpuMeter:
    """CPU seconds a step cost on the client side and on the server (`with` around the step)."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.client = self.server = 0.0

    def __enter__(self) -> CpuMeter:
        self._client, self._server = client_cpu(), server_cpu(self.data)
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.3)  # let the postmaster reap the step's backends
        self.client = client_cpu() - self._client
        self.server = server_cpu(self.data) - self._server

    def line(self, wall: float) -> str:
        """Client + server CPU, and the wall time two cores would need at best for it."""
        total = self.client + self.server
        return (
            f"CPU client {self.client:5.2f} s + server {self.server:5.2f} s = {total:5.2f} s"
            f" (>= {total / 2:5.2f} s wall on 2 cores; took {wall:5.2f} s)"
        )


def psql_copy(cluster: Any, csv_path: Path, *, keyed: bool) -> float:
    """Seconds for ``psql \\copy`` of the file into a new table in a new database: every
    column text, keyed by NIK or bare."""
    url = cluster.create_database()
    try:
        columns = ", ".join(
            f"{c} TEXT" + (" PRIMARY KEY" if keyed and c == "nik" else "") for c in HEADER
        )
        psql = str(cluster.bin_dir / "psql")
        psql = psql if Path(psql).exists() else (shutil.which("psql") or "psql")
        subprocess.run([psql, url, "-qc", f"CREATE TABLE t ({columns})"], check=True)
        copy = f"\\copy t FROM '{csv_path}' WITH (FORMAT csv, HEADER true)"
        started = time.perf_counter()
        subprocess.run([psql, url, "-qc", copy], check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started
    finally:
        cluster.drop_database(url)


def _bench_pg(folder: Path, rows: int, seed: int, bad_rate: float) -> None:
    """The import and re-import on PostgreSQL, side by side with psql \\copy."""
    from tests.pg_cluster import Cluster, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("PostgreSQL is not installed (initdb, pg_ctl)")
    csv_path = folder / "residents.csv"
    started = time.perf_counter()
    generate(csv_path, rows, seed, bad_rate)
    os.chmod(folder, 0o755)  # the server's user does not read it, psql (this user) does
    size = csv_path.stat().st_size / 2**20
    print(f"generated {rows:,} rows ({size:.0f} MiB) in {time.perf_counter() - started:.1f} s")
    print(f"machine    {_load()} (before)")
    cluster = Cluster(bin_dir)
    cluster.start()
    meters = {name: CpuMeter(cluster.data) for name in ("keyed", "import", "re-import")}
    try:
        with meters["keyed"]:
            keyed = psql_copy(cluster, csv_path, keyed=True)
        bare = psql_copy(cluster, csv_path, keyed=False)
        url = cluster.create_database()
        with meters["import"]:
            first = _child("import", str(csv_path), url)
        with meters["re-import"]:
            second = _child("import", str(csv_path), url)
    finally:
        cluster.remove()
    print(f"psql       \\copy into a bare table {bare:.2f} s; into a table keyed by NIK"
          f" {keyed:.2f} s")  # fmt: skip
    for name, run in (("import", first), ("re-import", second)):
        secs = float(str(run["seconds"]))
        print(
            f"{name:<10} {secs:7.2f} s  {rows / secs:>10,.0f} rows/s  = {secs / keyed:.2f}x keyed"
            f" \\copy (target <= 2x), {secs / bare:.2f}x bare \\copy"
            f"  peak RSS {float(str(run['peak_mib'])):6.1f} MiB  | {run['line']}"
        )
    print(f"{'keyed':<10} {meters['keyed'].line(keyed)}  (psql \\copy, its new database included)")
    for name, run in (("import", first), ("re-import", second)):
        print(f"{name:<10} {meters[name].line(float(str(run['seconds'])))}  (start-up included)")
    print(f"machine    {_load()} (after)")


if __name__ == "__main__":
    main()
