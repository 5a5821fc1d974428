"""PostgreSQL: the dialect layer, migrations, bad URLs, a server restart, migrate-data."""

from __future__ import annotations

import asyncio
from pathlib import Path

import psycopg
import pytest

from bot.app import App
from bot.cli.main import main
from bot.core.messages import Reply
from bot.errors import StorageError
from bot.i18n import t
from bot.outreach.maintenance import run_backup
from bot.outreach.results import Outcome
from storage import outbox
from storage.db import Database, connect_pg
from storage.dialect import returns_id, to_postgres
from storage.migrate import migration_files
from storage.outbox import NewMessage
from tests.conftest import PG_BIN, FrozenClock
from tests.pg_cluster import Cluster, free_port

needs_pg = pytest.mark.skipif(PG_BIN is None, reason="PostgreSQL not installed")


def note(key: str) -> NewMessage:
    return NewMessage(
        channel="telegram", chat_id="1", kind="notice", dedupe_key=key, reply=Reply(text=key)
    )


def test_sqlite_sql_in_its_postgresql_form() -> None:
    sql = (
        "SELECT 1 FROM x INDEXED BY x_i WHERE ? AND a BETWEEN :s AND :t AND (o = 0 OR ?)"
        " AND +state = 'p%' AND temp.y.z = 1"
    )
    assert to_postgres(sql) == (
        "SELECT 1 FROM x WHERE (%s)::int <> 0 AND a BETWEEN %(s)s AND %(t)s AND"
        " (o = 0 OR (%s)::int <> 0) AND state = 'p%%' AND pg_temp.y.z = 1"
    )
    assert to_postgres("INSERT OR IGNORE INTO t (a) VALUES (?)") == (
        "INSERT INTO t (a) VALUES (%s) ON CONFLICT DO NOTHING"
    )
    assert to_postgres("INSERT OR REPLACE INTO closed_days (day, reason) VALUES (?, ?)") == (
        "INSERT INTO closed_days (day, reason) VALUES (%s, %s)"
        " ON CONFLICT (day) DO UPDATE SET reason = EXCLUDED.reason"
    )
    assert to_postgres("SELECT '?', ':x' FROM a CROSS JOIN b c ON c.k = a.k WHERE 1") == (
        "SELECT '?', ':x' FROM a JOIN b c ON c.k = a.k WHERE TRUE"
    )
    assert returns_id("INSERT INTO teams (name) VALUES (?)") == (
        "INSERT INTO teams (name) VALUES (?) RETURNING id"
    )
    assert returns_id("INSERT INTO chats (a) VALUES (?)") is None
    assert returns_id("INSERT INTO job_runs (a) VALUES (?) RETURNING id") is None


@needs_pg
def test_migrate_prints_what_it_applied_each_with_its_record(
    pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_cluster.create_database()
    try:
        assert main(["migrate", "--db", url, "--lang", "en"]) == 0
        names = [name for name, _ in migration_files()]
        assert capsys.readouterr().out.splitlines() == [f"Applied: {n}" for n in names]
        assert main(["migrate", "--db", url, "--lang", "en"]) == 0
        out = capsys.readouterr().out
        assert out.startswith("No pending migrations") and pg_cluster.password not in out
        with psycopg.connect(url) as conn:
            done = [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY 1")]
        assert done == names
    finally:
        pg_cluster.drop_database(url)


@pytest.mark.engines
async def test_an_older_worker_refuses_a_newer_database(
    app: App, capsys: pytest.CaptureFixture[str]
) -> None:
    async with app.db.write() as tx:
        await tx.execute("INSERT INTO schema_migrations (name) VALUES ('9999_future.sql')")
    with pytest.raises(StorageError, match=r"9999_future\.sql.*upgrade this worker"):
        await Database.open(app.settings.database)
    code = await asyncio.to_thread(main, ["info", "--db", str(app.settings.database)])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "upgrade this worker" in err[0]


@needs_pg
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://jemput:s3cret@127.0.0.1:{port}/nothere", "cannot connect"),
        ("postgresql://jemput:s3cret@127.0.0.1:{free}/postgres", "cannot connect"),
        ("postgresql://jemput:s3cret@127.0.0.1:{port}/postgres?sslmode=bogus", "invalid sslmode"),
        ("postgresql://jemput:s3cret@127.0.0.1:port/x", "cannot connect"),
        ("mysql://jemput:s3cret@127.0.0.1/x", "PostgreSQL URL"),
    ],
)
def test_a_bad_database_url_is_one_line_exit_2_without_the_password(
    pg_cluster: Cluster, capsys: pytest.CaptureFixture[str], url: str, expected: str
) -> None:
    url = url.format(port=pg_cluster.port, free=free_port())
    assert main(["info", "--db", url]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], lines
    assert "s3cret" not in captured.err + captured.out


@needs_pg
def test_wrong_credentials_are_one_line_without_the_password(
    pg_cluster: Cluster, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"postgresql://jemput:wrongpw@127.0.0.1:{pg_cluster.port}/x")
    assert main(["migrate"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "password authentication failed" in lines[0], lines
    assert "wrongpw" not in captured.err + captured.out


@needs_pg
@pytest.mark.parametrize("engine", ["pg"], indirect=True)
async def test_a_server_restart_under_a_running_bot_loses_nothing(
    app: App, pg_cluster: Cluster, clock: FrozenClock
) -> None:
    assert await outbox.enqueue(app.db, [note("before")], clock.now()) == 1
    pg_cluster.stop("fast")
    pg_cluster.launch()
    assert await outbox.enqueue(app.db, [note("after"), note("before")], clock.now()) == 1
    taken = await outbox.claim(app.db, "telegram", "w", clock.now(), 10, window_open=True)
    assert [i.dedupe_key for i in taken] == ["before", "after"]
    pg_cluster.stop("immediate")  # a crash this time: committed rows survive it too
    pg_cluster.launch()
    assert await app.db.ping()
    rows = await app.db.fetchall("SELECT dedupe_key, state FROM outbox ORDER BY id")
    assert [tuple(r) for r in rows] == [("before", "sending"), ("after", "sending")]


@needs_pg
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # the source is a SQLite file
async def test_migrate_data_copies_everything_and_checks_the_counts(
    app: App, pg_cluster: Cluster, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    await outbox.enqueue(app.db, [note("a"), note("b")], clock.now())
    source: Path = app.db.path
    expected = {
        name: int((await app.db.fetchone(f"SELECT count(*) FROM {name}"))[0])
        for name in ("residents", "outbox", "chats", "areas")
    }
    url = pg_cluster.create_database()
    try:
        code = await asyncio.to_thread(
            main, ["migrate-data", "--from", str(source), "--db", url, "--lang", "en"]
        )
        out, err = capsys.readouterr()
        assert code == 0, err
        assert f"residents: {expected['residents']} rows" in out and "counts match" in out
        db = await Database.open(url)
        try:
            for name, count in expected.items():
                assert (await db.fetchone(f"SELECT count(*) FROM {name}"))[0] == count
            assert await outbox.enqueue(db, [note("c")], clock.now()) == 1  # ids go on
            row = await db.fetchone("SELECT max(id) FROM outbox")
            assert row[0] == expected["outbox"] + 1
        finally:
            await db.close()
        code = await asyncio.to_thread(main, ["migrate-data", "--from", str(source), "--db", url])
        assert code == 2 and "not empty" in capsys.readouterr().err
    finally:
        pg_cluster.drop_database(url)


@needs_pg
async def test_sessions_run_without_jit_and_keep_the_urls_own_options(pg_cluster: Cluster) -> None:
    url = pg_cluster.create_database(template=pg_cluster.template)
    timed = f"{url}?options=-c%20statement_timeout%3D7000"
    for target in (url, timed):
        db = await Database.open(target)
        try:
            assert (await db.fetchone("SHOW jit"))[0] == "off"  # the pool's sessions
            timeout = (await db.fetchone("SHOW statement_timeout"))[0]
        finally:
            await db.close()
        assert timeout == ("7s" if target == timed else "0")
        with connect_pg(target) as conn:  # migrations and imports
            assert conn.execute("SHOW jit").fetchone() == ("off",)


@needs_pg
def test_backup_and_restore_point_to_pg_dump_on_postgresql(
    pg_cluster: Cluster,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = pg_cluster.create_database(template=pg_cluster.template)
    monkeypatch.setenv("DATABASE_URL", url)
    target = tmp_path / "copy.sqlite3"
    for command in (["backup", str(target)], ["restore", str(target)]):
        assert main(["--lang", "en", *command]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [f"jemput: {t('en', 'cli_pg_backup')}"], command
    assert not target.exists()
    assert pg_cluster.password not in capsys.readouterr().err


@needs_pg
@pytest.mark.parametrize("engine", ["pg"], indirect=True)
async def test_the_daily_backup_job_leaves_postgresql_to_pg_dump(
    app: App, tmp_path: Path, clock: FrozenClock
) -> None:
    settings = app.settings.model_copy(update={"backup_dir": tmp_path / "backups"})
    result = await run_backup(app.db, settings, clock)
    assert result.outcome is Outcome.SKIPPED and "pg_dump" in result.reason
    assert not (tmp_path / "backups").exists()
