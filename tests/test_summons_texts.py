"""Planned summons refer to a shared text; the claim renders it; per-chat look-ups find them."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.app import App
from bot.core.messages import Button, Reply
from bot.core.nik import mask
from bot.i18n import t
from storage import outbox, privacy, whatsapp
from storage import outreach as sql
from storage.migrate import _statements, apply_migrations, migration_files
from storage.residents import add_residents
from tests.conftest import FrozenClock
from tests.outreach_support import execute, link_chat, outreach_for, rows, unrecorded_adults

TEXTS_PER_ROUND = 8  # 2 languages × texts 1, 2, 3 (also 4 and 5) and last


async def count(app: App, table: str) -> int:
    row = await app.db.fetchone(f"SELECT count(*) FROM {table}")
    return int(row[0]) if row else -1


async def test_rows_refer_to_texts_stored_once_and_the_claim_renders_them(
    app: App, clock: FrozenClock
) -> None:
    people = unrecorded_adults(3, clock.today())
    await add_residents(app.db, people, clock.now())
    for number, person in enumerate(people, start=1):
        await link_chat(app, str(number), person.nik, language="en" if number == 3 else "id")
    jobs = outreach_for(app)
    await jobs.summons()
    raw = await app.db.fetchall("SELECT payload, text_id FROM outbox ORDER BY id")
    assert [r["payload"] for r in raw] == ["", "", ""]
    assert len({r["text_id"] for r in raw}) == 2  # summons 1 in Indonesian and in English
    assert await count(app, "outbox_texts") == TEXTS_PER_ROUND

    await execute(app.db, "UPDATE residents SET nama = 'Siti Baru' WHERE nik = ?", (people[0].nik,))
    claimed = await outbox.claim(app.db, "telegram", "w1", clock.now(), 10, window_open=True)
    expected = (
        jobs.summons_text("id", 1).replace("{visit}", "").replace("{nik}", mask(people[0].nik))
    )
    assert claimed[0].reply == Reply(
        text=expected.replace("{name}", "Siti Baru"),  # the name as it is when sent
        buttons=[Button(title=t("id", "btn_status"), payload="menu:status")],
    )
    assert claimed[2].reply.text.startswith("Dear Sir/Madam, according to our records Warga")

    await execute(app.db, "UPDATE outbox SET state = 'sent'")
    clock.travel(timedelta(days=14))
    await jobs.summons()
    assert await count(app, "outbox") == 6
    assert await count(app, "outbox_texts") == TEXTS_PER_ROUND  # the same texts, reused


async def test_per_chat_look_ups_find_planned_summons(app: App, clock: FrozenClock) -> None:
    people = unrecorded_adults(4, clock.today())
    await add_residents(app.db, people, clock.now())
    await link_chat(app, "1", people[0].nik)
    await link_chat(app, "2", people[1].nik, channel="whatsapp")
    await link_chat(app, "3", people[2].nik, people[3].nik)  # a parent with two children
    await outreach_for(app).summons()
    now = clock.now()

    assert await sql.set_opted_out(app.db, "telegram", "1", True, now) == 1
    await whatsapp.mark_unreachable(app.db, "2", "blocked", now)
    first = await rows(app.db, "chat_id = '3'")
    await execute(app.db, "UPDATE outbox SET state = 'dead' WHERE id = ?", (first[0]["id"],))
    erased = await privacy.erase_chat(app.db, "telegram", "3", now)

    assert erased.counts["outbox_pending"] == 2  # the pending one and the dead one
    found = [(r["chat_id"], r["state"], r["last_error"]) for r in await rows(app.db)]
    assert found == [("1", "cancelled", "opted out"), ("2", "cancelled", "unreachable")]


def test_the_outbox_rebuild_keeps_every_row(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "old.sqlite3", isolation_level=None)
    conn.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for name, text in migration_files():
        if name < "0006":
            for statement in _statements(text):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations (name) VALUES (?)", (name,))
    insert = (
        "INSERT INTO outbox (id, channel, chat_id, kind, dedupe_key, payload, state, not_before,"
        " created_at, updated_at) VALUES (?, 'telegram', ?, 'notice', ?, ?, ?, 'x', 'x', 'x')"
        " ON CONFLICT (channel, chat_id, dedupe_key) DO NOTHING"
    )
    conn.execute(insert, (7, "1", "a", '{"text": "one"}', "sent"))
    conn.execute(insert, (9, "2", "a", '{"text": "two"}', "pending"))

    assert apply_migrations(conn)[:1] == ["0006_outbox_texts.sql"]  # later ones follow
    kept = conn.execute("SELECT id, chat_id, payload, state, text_id FROM outbox ORDER BY id")
    assert kept.fetchall() == [
        (7, "1", '{"text": "one"}', "sent", None),
        (9, "2", '{"text": "two"}', "pending", None),
    ]
    assert conn.execute(insert, (10, "2", "a", "{}", "pending")).rowcount == 0  # still unique
    indexes = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox'"
        " AND sql IS NOT NULL ORDER BY name"
    )
    assert [r[0] for r in indexes] == [
        "outbox_chat", "outbox_due", "outbox_pending_nik", "outbox_queue", "outbox_sending",
        "outbox_sent_at", "outbox_state",
    ]  # fmt: skip
