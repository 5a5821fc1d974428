"""Benchmark refusing hostile import files (issue #14 item 2): time to refuse and peak RSS.

Run from the repository root::

    .venv/bin/python -m bench.import_limits            # 300 MB cell / 300 MB line
    .venv/bin/python -m bench.import_limits --mb 50

In a temporary folder (deleted at the end): a valid ~300 KB ``.xlsx`` whose sheet holds one
300 MB cell (a zip bomb, streamed into the zip: never whole in memory), and a CSV whose third
line is 300 MB long. Each is given to a real ``jemput import recordings`` and ``jemput import
residents`` process; the figures are its wall time and its own peak RSS (VmHWM), next to those
of ``jemput --version`` (the start-up floor) in the same run. Target: peak RSS <= 200 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.test_import_limits import _WITH_PEAK, zip_bomb

ROOT = Path(__file__).resolve().parents[1]


def long_line_csv(path: Path, mb: int) -> Path:
    """A residents/kit CSV whose third line holds an `mb` MB cell."""
    with path.open("w", encoding="utf-8") as f:
        f.write("nik,no_kk,nama,tanggal_lahir,jenis_kelamin,status_ektp,tanggal_rekam,kit\n")
        f.write("1971010101900009,1971010101200001,A,1990-01-01,L,,2026-01-05,K\n")
        f.write("1971010101900009,1971010101200001,")
        block = "x" * (1 << 20)
        for _ in range(mb):
            f.write(block)
        f.write(",1990-01-01,L,,2026-01-05,K\n")
    return path


def jemput(folder: Path, *args: str) -> tuple[float, int, str]:
    """(seconds, peak RSS MB, last stderr line) of one `jemput ARGS` process."""
    peak = folder / "peak.kb"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JEMPUT_PEAK_FILE": str(peak),
           "IMPORT_MAX_MB": "1000"}  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WITH_PEAK, *args], cwd=folder, env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    err = (done.stderr.strip().splitlines() or [""])[-1]
    return seconds, int(peak.read_text()) // 1024, f"exit {done.returncode}: {err[:110]}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=300, help="size of the hostile cell/line")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="jemput-bench-limits-"))
    try:
        made = time.perf_counter()
        bomb = zip_bomb(folder / "bomb.xlsx", args.mb)
        line = long_line_csv(folder / "line.csv", args.mb)
        print(
            f"files: bomb.xlsx {bomb.stat().st_size / 1024:.0f} KB holding a {args.mb} MB cell;"
            f" line.csv {line.stat().st_size / 2**20:.0f} MB ({time.perf_counter() - made:.1f} s)"
        )
        db = str(folder / "j.sqlite3")
        secs, rss, _ = jemput(folder, "--version")
        print(f"{'jemput --version (floor)':<34} {secs:6.2f} s  peak RSS {rss:4d} MB")
        for kind in ("recordings", "residents"):
            for path in (bomb, line):
                secs, rss, said = jemput(folder, "import", kind, str(path), "--db", db)
                name = f"import {kind} {path.name}"
                print(f"{name:<34} {secs:6.2f} s  peak RSS {rss:4d} MB (target <= 200)  {said}")
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
