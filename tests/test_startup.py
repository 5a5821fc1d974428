"""CLI start-up: a command loads only the libraries it uses (issue #12: start-up <= 0.25 s).

Each command runs in a fresh Python process (as `jemput` does) that then lists which heavy
libraries ended up in `sys.modules`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from storage import db as storage_db

ROOT = Path(__file__).resolve().parents[1]
#: Loaded only by the commands that use them.
HEAVY = (
    "psycopg", "psycopg_pool", "matplotlib", "openpyxl", "telegram", "httpx", "starlette",
    "uvicorn", "jinja2", "pywa", "pywa_async", "prometheus_client", "apscheduler", "holidays",
    "holidays.countries",
)  # fmt: skip
_PROBE = """
import contextlib, io, json, sys
from bot.cli.main import main
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as done:  # --help
        code = done.code
heavy = [name for name in json.loads(os.environ["HEAVY"]) if name in sys.modules]
print(json.dumps({"code": code, "heavy": heavy, "out": out.getvalue()}))
"""


def loaded_by(tmp_path: Path, *argv: str) -> dict[str, Any]:
    """Run `jemput ARGV` in a fresh process; its exit code, output and the heavy modules."""
    env = {
        **os.environ, "HEAVY": json.dumps(HEAVY), "DATABASE_PATH": str(tmp_path / "j.sqlite3"),
        "PYTHONPATH": str(ROOT),
    }  # fmt: skip
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", "import os\n" + _PROBE, *argv],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.mark.parametrize(
    ("argv", "allowed"),
    [
        (["--version"], set()),
        (["--help"], set()),
        (["import", "recordings", "kit.csv"], set()),
        (["outbox"], set()),
        (["audit"], set()),
        (["jobs"], {"apscheduler"}),
        (["holidays", "2026"], {"holidays"}),
    ],
)
def test_a_command_loads_only_the_libraries_it_uses(
    tmp_path: Path, argv: list[str], allowed: set[str]
) -> None:
    (tmp_path / "kit.csv").write_text(
        "nik,tanggal_rekam,kit\n1971010101900009,2026-11-20,KIT-1\n", encoding="utf-8"
    )
    if argv[0] not in ("--version", "--help", "import"):
        loaded_by(tmp_path, "import", "recordings", "kit.csv")  # creates the database

    result = loaded_by(tmp_path, *argv)

    assert result["code"] == 0, result
    assert set(result["heavy"]) == allowed


def test_jemput_holidays_loads_one_country_and_lists_its_days(tmp_path: Path) -> None:
    result = loaded_by(tmp_path, "holidays", "2026", "--lang", "en")

    assert "holidays.countries" not in result["heavy"]
    assert "2026-08-17" in str(result["out"])  # Hari Kemerdekaan
    assert "2026-12-25" in str(result["out"])


def test_the_national_days_are_those_the_holidays_package_gives() -> None:
    import holidays

    from bot.core.calendar import national_holidays

    years = range(1999, 2031)
    expected = holidays.country_holidays("ID", years=list(years), language="id")
    assert national_holidays("ID", years) == {d: str(n) for d, n in expected.items()}
    assert national_holidays("IDN", [2026]) == national_holidays("ID", [2026])


def test_database_errors_include_the_postgresql_drivers_once_it_is_loaded() -> None:
    import psycopg
    import psycopg_pool

    errors = storage_db.db_errors()
    assert {psycopg.Error, psycopg_pool.PoolTimeout, psycopg_pool.PoolClosed} <= set(errors)
    assert psycopg.IntegrityError in storage_db.integrity_errors()
    assert errors == storage_db.DB_ERRORS  # the old names still work
    assert storage_db.integrity_errors() == storage_db.INTEGRITY_ERRORS
    with pytest.raises(AttributeError):
        getattr(storage_db, "NO_SUCH_NAME")  # noqa: B009


def test_without_the_driver_only_sqlite_errors_are_caught(tmp_path: Path) -> None:
    probe = (
        "import sys\nfrom storage.db import db_errors, integrity_errors\n"
        "import sqlite3\nfrom bot.errors import StorageError\n"
        "assert 'psycopg' not in sys.modules\n"
        "assert db_errors() == (sqlite3.Error, StorageError)\n"
        "assert integrity_errors() == (sqlite3.IntegrityError,)\n"
    )
    subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, check=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
