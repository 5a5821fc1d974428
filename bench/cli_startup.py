"""CLI start-up: `jemput` commands beside `python -c pass`, measured in the same run.

    .venv/bin/python -m bench.cli_startup [--runs 15]

Each command runs `--runs` times in a fresh process (interleaved with the baseline, so machine
load hits both alike); the median and the best wall time are printed, and the start-up itself
(the command minus the baseline). `outbox` and `jobs` open a small database in a temp folder;
`import-only` is `import bot.cli.main` (what every command pays before it starts). Target
(issue #12): start-up ≤ 0.25 s. The project is byte-compiled first, as installing it does (pip
writes the .pyc files; with PYTHONDONTWRITEBYTECODE=1 an editable checkout would otherwise
compile every module of the project again in every run, ~0.06 s). Writes only to a temp folder
(and the project's __pycache__ folders).
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from storage.db import Database

ROOT = Path(__file__).resolve().parents[1]


def compile_project() -> None:
    """Byte-compile bot/, handlers/ and storage/ (what `pip install` does for a package)."""
    for package in ("bot", "handlers", "storage"):
        compileall.compile_dir(ROOT / package, quiet=1)


def timed(args: list[str], env: dict[str, str], cwd: Path) -> float:
    """Wall seconds of one run (it must succeed)."""
    started = time.perf_counter()
    subprocess.run(args, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


async def _create(path: Path) -> None:
    await (await Database.open(path)).close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    python = sys.executable
    compile_project()
    with tempfile.TemporaryDirectory(prefix="jemput-bench-") as folder:
        cwd = Path(folder)
        db = cwd / "bench.sqlite3"
        asyncio.run(_create(db))
        env = {**os.environ, "DATABASE_PATH": str(db)}
        cases = {
            "python -c pass (baseline)": [python, "-c", "pass"],
            "import bot.cli.main": [python, "-c", "import bot.cli.main"],
            "jemput --version": [python, "-m", "bot", "--version"],
            "jemput --help": [python, "-m", "bot", "--help"],
            "jemput holidays": [python, "-m", "bot", "holidays"],
            "jemput outbox": [python, "-m", "bot", "outbox"],
            "jemput jobs": [python, "-m", "bot", "jobs"],
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(runs):
            for name, args in cases.items():
                times[name].append(timed(args, env, cwd))
    base = statistics.median(times["python -c pass (baseline)"])
    load = os.getloadavg()[0]
    print(
        f"{runs} runs each, interleaved; load average {load:.2f} on {os.cpu_count()} cores;"
        " project byte-compiled (as installed)"
    )
    print(f"{'command':<28} {'median':>8} {'best':>8} {'start-up':>9}")
    for name, values in times.items():
        median = statistics.median(values)
        startup = "" if name.startswith("python") else f"{median - base:8.3f}s"
        print(f"{name:<28} {median:7.3f}s {min(values):7.3f}s {startup:>9}")


if __name__ == "__main__":
    main()
