"""Migration 0013: pending outbox rows left `outbox_state`; every reader still uses an index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.app import App
from storage import health, outbox, outreach
from storage.migrate import apply_migrations
from tests.conftest import FrozenClock
from tests.test_outbox import message

pytestmark = pytest.mark.engines  # the behaviour on SQLite and PostgreSQL; plans on SQLite

#: Each reader that counted or listed through outbox_state before 0013, with its parameters.
READERS = {
    "health counts": (health.STATE_COUNTS, ()),
    "report counts": (outbox.STATE_KIND_COUNTS, ()),
    "dead rows": (outbox.DEAD_ROWS, (20,)),
    "pending summons of a NIK": (
        "SELECT 1 FROM outbox INDEXED BY outbox_pending_nik WHERE nik = ? AND state = 'pending'"
        " AND kind = 'summons'",
        ("1971010101900001",),
    ),
    "digest": (outreach.DIGEST_STATES, ("2026-11-01",)),
}


def _migrated(tmp_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)
    apply_migrations(conn)
    return conn


def test_outbox_state_holds_no_pending_row_and_pending_nik_has_the_kind(tmp_path: Path) -> None:
    conn = _migrated(tmp_path)
    sql = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE tbl_name = 'outbox'"))
    assert sql["outbox_state"].endswith("(state, kind) WHERE state <> 'pending'")
    assert sql["outbox_pending_nik"].endswith("(nik, kind) WHERE state = 'pending'")


@pytest.mark.parametrize("reader", READERS)
def test_every_reader_uses_an_index_not_a_scan_of_the_table(tmp_path: Path, reader: str) -> None:
    conn = _migrated(tmp_path)
    sql, params = READERS[reader]
    plan = [str(r[3]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    scans = [step for step in plan if step.startswith(("SCAN outbox", "SEARCH outbox"))]
    assert scans and all(" USING " in step for step in scans), plan


async def test_counts_dead_rows_and_retries_see_every_state(app: App, clock: FrozenClock) -> None:
    now = clock.now()
    await outbox.enqueue(app.db, [message(str(i), "k") for i in range(6)], now)
    await outbox.enqueue(app.db, [message("7", "s", kind="summons")], now)
    for chat, state in (("1", "sent"), ("2", "dead"), ("3", "dead"), ("4", "cancelled")):
        async with app.db.write() as tx:
            await tx.execute("UPDATE outbox SET state = ? WHERE chat_id = ?", (state, chat))

    report = await outbox.report(app.db, now)
    assert report.counts == {
        "pending": {"notice": 2, "summons": 1},
        "sent": {"notice": 1},
        "dead": {"notice": 2},
        "cancelled": {"notice": 1},
    }
    assert sorted(d.chat_id for d in report.dead) == ["2", "3"]
    backlog = await health.outbox_backlog(app.db, now)
    assert backlog.by_state == {"pending": 3, "sent": 1, "dead": 2, "cancelled": 1}
    assert await outbox.retry_dead(app.db, now) == 2
    assert (await outbox.report(app.db, now)).counts["pending"] == {"notice": 4, "summons": 1}


async def test_no_pending_row_no_pending_count(app: App, clock: FrozenClock) -> None:
    assert (await health.outbox_backlog(app.db, clock.now())).by_state == {}
    assert (await outbox.report(app.db, clock.now())).counts == {}
