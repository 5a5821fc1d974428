"""A throwaway PostgreSQL cluster for the tests: `initdb` + `pg_ctl` on a free port in a temp dir.

As root (CI) the server runs as the unprivileged `postgres` user (`runuser`): PostgreSQL refuses
to run as root. `find_bin_dir()` is None when PostgreSQL is not installed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg

from tests.fakes.server import free_port

CANDIDATES = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/local/bin")


def find_bin_dir() -> Path | None:
    """Where initdb and pg_ctl are, or None (JEMPUT_PG_BIN: that folder, or 'none')."""
    chosen = os.environ.get("JEMPUT_PG_BIN")
    if chosen:
        folder = Path(chosen)
        return folder if (folder / "initdb").exists() else None
    found = shutil.which("initdb")
    dirs = [Path(found).parent] if found else []
    dirs += [Path(c) for c in CANDIDATES]
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        dirs.append(folder)
    for folder in dirs:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


class Cluster:
    """One running throwaway server; `url(db)` for a database on it."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="jemput-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        self.password = uuid.uuid4().hex
        self.template = ""  # a migrated database new test databases copy

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        """initdb (trust for local sockets, password over TCP) and start on a free port."""
        if self.user:
            shutil.chown(self.root, self.user)
        os.chmod(self.root, 0o700)
        pwfile = self.root / "pw"
        pwfile.write_text(self.password)
        if self.user:
            shutil.chown(pwfile, self.user)
        self._run(
            "initdb", "-D", str(self.data), "-U", "jemput", "-A", "scram-sha-256",
            "--pwfile", str(pwfile), "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync",
        )  # fmt: skip
        pwfile.unlink()
        self.launch()

    def launch(self) -> None:
        """Start (again) on the same port and data."""
        opts = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root}"
            " -c fsync=off -c full_page_writes=off"  # a crash of the server, not the machine
            " -c max_connections=300 -c shared_buffers=64MB"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-w", "-l",
                  str(self.root / "log"), "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (the data stays until `remove`)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def remove(self) -> None:
        """Stop and delete everything."""
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str = "postgres") -> str:
        """A URL with the password (tests only)."""
        return f"postgresql://jemput:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, template: str | None = None) -> str:
        """A new empty (or template-copied) database; its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            tail = f" TEMPLATE {template}" if template else ""
            conn.execute(f"CREATE DATABASE {name}{tail}")  # type: ignore[arg-type]
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a test database (connections closed first)."""
        name = url.rsplit("/", 1)[1]
        with contextlib.suppress(psycopg.Error), psycopg.connect(self.url(), autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]
