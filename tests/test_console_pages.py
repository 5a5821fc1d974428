"""Every console page and form over HTTP: access (401 without a session), CSRF (403, nothing
changed), status codes, and what each form does through the office services."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
import pytest

from bot.app import App
from bot.core.messages import Reply
from bot.core.nik import mask
from bot.core.orders import OfficialStatus, OrderStatus
from bot.i18n import t
from storage import audit, officials, outbox, teams
from storage.outbox import NewMessage
from storage.residents import Resident
from tests.conftest import FrozenClock
from tests.console_support import console_client, csrf_of, log_in
from tests.order_support import ADMIN, TUE, saved_order

pytestmark = pytest.mark.engines  # SQLite and PostgreSQL

PAGES = ["/", "/grafik.png", "/pesanan", "/pesanan/1", "/jadwal", "/tim", "/pengurus", "/warga",
         "/impor", "/outbox", "/audit", "/impor/catatan/x"]  # fmt: skip
FORMS = ["/keluar", "/pesanan/1/jadwal", "/pesanan/1/tolak", "/tim/tambah", "/tim/hapus",
         "/tim/1/kit", "/tim/tutup", "/pengurus/1", "/impor", "/outbox/ulang",
         "/warga"]  # fmt: skip
KIT_HEADER = "nik,tanggal_rekam,kit,kode_kunjungan"


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_needs_a_session(team_office: App, path: str) -> None:
    async with console_client(team_office) as client:
        page = await client.get(f"/konsol{path}")
        assert page.status_code == 401 and t("id", "k_login_needed") in page.text
        client.cookies.set("konsol", "forged", domain="testserver", path="/konsol")
        assert (await client.get(f"/konsol{path}")).status_code == 401


@pytest.mark.parametrize("path", FORMS)
async def test_every_form_needs_a_session_and_its_csrf(team_office: App, path: str) -> None:
    await saved_order(team_office)
    before = await team_office.db.fetchall("SELECT count(*) FROM audit_log")
    async with console_client(team_office) as client:
        assert (await client.post(f"/konsol{path}", data={})).status_code == 401
        await log_in(team_office, client, ADMIN)
        form = {"csrf": "0" * 40, "nama": "Alpha", "kit": "2", "tanggal": "2026-12-02",
                "keputusan": "setuju", "pilihan": f"{TUE}|1", "alasan": "DATA"}  # fmt: skip
        refused = await client.post(f"/konsol{path}", data=form)
        assert refused.status_code == 403 and t("id", "k_csrf") in refused.text
    after = await team_office.db.fetchall("SELECT count(*) FROM audit_log")
    assert after[0][0] == before[0][0] + 1  # only the login
    assert await _one(team_office, "SELECT status FROM orders WHERE id = 1") == ("BARU",)


async def test_every_page_renders_for_staff(team_office: App) -> None:
    order = await saved_order(team_office)
    async with console_client(team_office) as client:
        await log_in(team_office, client, ADMIN)
        for path in PAGES[:-1]:
            page = await client.get(f"/konsol{path}")
            assert page.status_code == 200, path
        assert (await client.get("/konsol/pesanan/999")).status_code == 404
        assert (await client.get("/konsol/impor/catatan/x")).status_code == 404
        assert (await client.get("/konsol")).status_code in (200, 307)
        css = await client.get("/konsol/static/konsol.css")
        assert css.status_code == 200 and "text/css" in css.headers["content-type"]
        week = await client.get("/konsol/jadwal", params={"mulai": "2026-11-30"})
        assert "Alpha" in week.text and t("id", "k_waiting", n=1) in week.text
        queue = await client.get("/konsol/pesanan")
        assert order.code in queue.text


async def test_teams_add_remove_and_close_a_day(team_office: App, clock: FrozenClock) -> None:
    order = await saved_order(team_office)
    async with console_client(team_office) as client:
        await log_in(team_office, client, ADMIN)
        csrf = csrf_of(await client.get("/konsol/tim"))
        add = {"csrf": csrf, "nama": "Beta", "kit": "3", "per_kit": "20", "kendaraan": "Hilux"}
        done = await client.post("/konsol/tim/tambah", data=add)
        assert "catatan=team_added" in done.headers["location"]
        again = await client.post("/konsol/tim/tambah", data=add)
        assert "catatan=team_taken" in again.headers["location"]
        bad = await client.post("/konsol/tim/tambah", data={**add, "nama": "Gamma", "kit": "x"})
        assert "catatan=team_invalid" in bad.headers["location"]
        beta = await teams.find_team(team_office.db, "Beta")
        assert beta is not None and beta.per_slot == 60
        detail = await client.get(f"/konsol/pesanan/{order.id}")
        pick = {"csrf": csrf, "pilihan": f"{TUE.isoformat()}|{beta.id}"}
        await client.post(f"/konsol/pesanan/{order.id}/jadwal", data=pick)
        assert detail.status_code == 200
        kits = {"csrf": csrf, "kit": "4", "per_kit": "20"}
        changed = await client.post(f"/konsol/tim/{beta.id}/kit", data=kits)
        assert "catatan=team_changed" in changed.headers["location"]
        too_many = await client.post(f"/konsol/tim/{beta.id}/kit", data={**kits, "kit": "51"})
        assert "catatan=team_invalid" in too_many.headers["location"]
        nobody = await client.post("/konsol/tim/999/kit", data=kits)
        assert "catatan=team_missing" in nobody.headers["location"]
        resized = await teams.get_team(team_office.db, beta.id)
        assert resized is not None and resized.per_slot == 80
        gone = await client.post("/konsol/tim/hapus", data={"csrf": csrf, "nama": "Beta"})
        assert (
            "catatan=team_removed" in gone.headers["location"]
            and "jumlah=1" in gone.headers["location"]
        )
        status = await _one(team_office, f"SELECT status FROM orders WHERE id = {order.id}")
        assert status == (OrderStatus.BARU.value,)
        missing = await client.post("/konsol/tim/hapus", data={"csrf": csrf, "nama": "Beta"})
        assert "catatan=team_missing" in missing.headers["location"]
        day = {"csrf": csrf, "tanggal": "2026-12-03", "alasan": "Cuti bersama"}
        closed = await client.post("/konsol/tim/tutup", data=day)
        assert "catatan=day_closed" in closed.headers["location"]
        past = await client.post("/konsol/tim/tutup", data={**day, "tanggal": "2026-11-01"})
        assert "catatan=day_invalid" in past.headers["location"]
        page = await client.get("/konsol/tim")
        assert t("id", "k_note_day_closed") not in page.text  # notes only after a form
    assert await teams.closed_days(team_office.db, date(2026, 12, 3), date(2026, 12, 3))
    for action in ("team.add", "team.kits", "team.remove", "day.close", "order.schedule"):
        entries = await audit.latest(team_office.db, action=action)
        assert [e.actor for e in entries][:1] == [f"console:{ADMIN}"], action


async def test_officials_are_approved_from_the_console(team_office: App) -> None:
    from storage.officials import Official
    from tests.order_support import approved_official

    await approved_official(team_office, "2001")
    draft = Official(
        channel="telegram", chat_id="2002", user_id="2002", role="RW", kecamatan="Bukit Intan",
        kelurahan="Bacang", area_kode="1971011006", rw="003", nama="Bu Wati", phone="62812",
    )  # fmt: skip
    waiting = await officials.save_registration(team_office.db, draft, team_office.clock.now())
    async with console_client(team_office) as client:
        await log_in(team_office, client, ADMIN)
        page = await client.get("/konsol/pengurus")
        assert "Bu Wati" in page.text and "Pak Rahman" in page.text
        form = {"csrf": csrf_of(page), "keputusan": "setuju"}
        done = await client.post(f"/konsol/pengurus/{waiting.id}", data=form)
        assert "catatan=done" in done.headers["location"]
        twice = await client.post(f"/konsol/pengurus/{waiting.id}", data=form)
        assert "catatan=handled" in twice.headers["location"]
        odd = await client.post(f"/konsol/pengurus/{waiting.id}", data={**form, "keputusan": "x"})
        assert "catatan=invalid" in odd.headers["location"]
    decided = await officials.get_official(team_office.db, waiting.id)
    assert decided is not None and decided.status is OfficialStatus.DISETUJUI
    assert decided.decided_by == f"console:{ADMIN}"


async def test_resident_lookup_is_audited_with_the_nik_masked(
    team_office: App, residents: dict[str, Resident]
) -> None:
    budi = residents["BELUM_REKAM"]
    async with console_client(team_office) as client:
        await log_in(team_office, client, ADMIN)
        csrf = csrf_of(await client.get("/konsol/warga"))
        found = await client.post("/konsol/warga", data={"csrf": csrf, "nik": budi.nik})
        assert found.status_code == 200 and budi.nama in found.text
        assert mask(budi.nik) in found.text and budi.nik not in found.text
        short = await client.post("/konsol/warga", data={"csrf": csrf, "nik": "123"})
        assert short.status_code == 400
        missing = await client.post("/konsol/warga", data={"csrf": csrf, "nik": "1971000000000000"})
        assert missing.status_code == 404
    lookups = await audit.latest(team_office.db, action="console.resident_lookup")
    assert [e.detail for e in lookups] == [
        f'{{"nik": "{mask("1971000000000000")}"}}',
        f'{{"nik": "{mask(budi.nik)}"}}',
    ]
    assert all(budi.nik not in e.detail for e in lookups)


async def test_kit_upload_changes_coverage_and_offers_the_notes(
    team_office: App, residents: dict[str, Resident], engine: str
) -> None:
    budi = residents["BELUM_REKAM"]
    kit = f"{KIT_HEADER}\n{budi.nik},2026-11-27,KIT-07,\n1234,2026-11-27,KIT-07,\n".encode()
    async with console_client(team_office) as client:
        await log_in(team_office, client, ADMIN)
        before = await client.get("/konsol/")
        recorded = _figure(before, "recorded")
        page = await client.get("/konsol/impor")
        files = {"berkas": ("kit.csv", kit, "text/csv")}
        done = await client.post(
            "/konsol/impor", data={"csrf": csrf_of(page), "jenis": "recordings"}, files=files
        )
        assert done.status_code == 200 and 'id="import-result"' in done.text
        link = re.search(r'href="(/konsol/impor/catatan/[^"]+)"', done.text)
        assert link is not None
        notes = await client.get(link.group(1))
        assert notes.status_code == 200 and "attachment" in notes.headers["content-disposition"]
        after = await client.get("/konsol/")
        assert _figure(after, "recorded") == recorded + 1
        assert '<td data-value="0">+0</td>' in before.text
        assert after.text.count('<td data-value="1">+1</td>') == 2  # its kecamatan, kelurahan
        wrong = await client.post(
            "/konsol/impor", data={"csrf": csrf_of(page), "jenis": "recordings"},
            files={"berkas": ("kit.exe", b"x", "application/octet-stream")},
        )  # fmt: skip
        assert wrong.status_code == 400 and t("id", "k_import_type") in wrong.text
    [entry] = await audit.latest(team_office.db, action="import.recordings")
    assert entry.actor == f"console:{ADMIN}"


async def test_residents_upload_runs_the_residents_import(team_office: App, engine: str) -> None:
    header = (
        "nik,no_kk,nama,tanggal_lahir,jenis_kelamin,alamat,rt,rw,kelurahan,kecamatan,status_ektp"
    )
    row = (
        "1971016502900001,1971010101900001,Wati,1990-02-25,P,Jl. Mawar,001,002,Bacang,Bukit Intan,"
    )
    data = f"{header}\n{row}\nbad,row\n".encode()
    async with console_client(team_office) as client:
        await log_in(team_office, client, ADMIN)
        page = await client.get("/konsol/impor")
        done = await client.post(
            "/konsol/impor", data={"csrf": csrf_of(page), "jenis": "residents"},
            files={"berkas": ("warga.csv", data, "text/csv")},
        )  # fmt: skip
        assert done.status_code == 200 and "inserted 1" in done.text, done.text[-600:]
        assert 'id="notes-link"' in done.text  # the rejected row
    wati = await _one(team_office, "SELECT nama FROM residents WHERE nik = '1971016502900001'")
    assert wati == ("Wati",)


async def test_residents_upload_keeps_the_configured_limits_in_the_staff_language(
    team_office: App,
) -> None:
    team_office.settings = team_office.settings.model_copy(update={"import_max_rows": 1})
    header = "nik,no_kk,nama,tanggal_lahir,jenis_kelamin,status_ektp"
    rows = "1971016502900001,1971010101900001,Wati,1990-02-25,P,\n" * 2
    async with console_client(team_office) as client:
        await log_in(team_office, client, ADMIN)
        page = await client.get("/konsol/impor")
        done = await client.post(
            "/konsol/impor", data={"csrf": csrf_of(page), "jenis": "residents"},
            files={"berkas": ("warga.csv", f"{header}\n{rows}".encode(), "text/csv")},
        )  # fmt: skip
    assert done.status_code == 200
    assert t("id", "import_limit_rows", limit=1) in done.text, done.text[-600:]
    wati = "SELECT count(*) FROM residents WHERE nik = '1971016502900001'"
    assert await _one(team_office, wati) == (0,)


async def test_outbox_counts_and_dead_letters_are_retried(team_office: App) -> None:
    now = team_office.clock.now()
    message = NewMessage(channel="telegram", chat_id="42", kind="notice", dedupe_key="k1",
                         reply=Reply(text="hi"))  # fmt: skip
    await outbox.enqueue(team_office.db, [message], now)
    [row] = await team_office.db.fetchall("SELECT id FROM outbox")
    await outbox.mark_dead(team_office.db, row[0], "Forbidden: bot was blocked", now)
    async with console_client(team_office) as client:
        await log_in(team_office, client, ADMIN)
        page = await client.get("/konsol/outbox")
        assert page.status_code == 200 and "bot was blocked" in page.text
        retried = await client.post(
            "/konsol/outbox/ulang", data={"csrf": csrf_of(page), "id": str(row[0])}
        )
        assert "jumlah=1" in retried.headers["location"]
    assert await _one(team_office, "SELECT state FROM outbox") == ("pending",)
    [entry] = await audit.latest(team_office.db, action="console.outbox_retry")
    assert entry.actor == f"console:{ADMIN}"


async def test_audit_filters_by_actor_action_and_date(team_office: App) -> None:
    async with console_client(team_office) as client:
        await log_in(team_office, client, ADMIN)
        csrf = csrf_of(await client.get("/konsol/warga"))
        await client.post("/konsol/warga", data={"csrf": csrf, "nik": "1971000000000000"})
        mine = await client.get("/konsol/audit", params={"aktor": f"console:{ADMIN}"})
        assert "console.login" in mine.text and "console.resident_lookup" in mine.text
        only = await client.get("/konsol/audit", params={"aksi": "console.login"})
        assert "console.resident_lookup</td>" not in only.text and "console.login</td>" in only.text
        prefix = await client.get("/konsol/audit", params={"aksi": "console."})
        assert "console.resident_lookup</td>" in prefix.text
        today = team_office.clock.today()
        on_day = await client.get("/konsol/audit", params={"tanggal": today.isoformat()})
        assert "console.login</td>" in on_day.text
        other = (today - timedelta(days=3)).isoformat()
        empty = await client.get("/konsol/audit", params={"tanggal": other})
        assert "console.login</td>" not in empty.text


def _figure(page: httpx.Response, name: str) -> int:
    found = re.search(rf'id="{name}">([\d.]+)<', page.text)
    assert found is not None
    return int(found.group(1).replace(".", ""))


async def _one(app: App, sql: str) -> tuple[object, ...] | None:
    row = await app.db.fetchone(sql)
    return tuple(row) if row is not None else None
