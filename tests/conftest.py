"""Shared fixtures: settings without the environment, an app on a real SQLite file (or a real
PostgreSQL database: modules marked `pytestmark = pytest.mark.engines` run on both), chats."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, build_app
from bot.cli.demo import seed_demo, showcase_residents
from bot.core.clock import Clock
from bot.core.messages import Channel, Inbound, Reply, SharedContact
from bot.settings import Settings
from storage.residents import Resident
from tests.pg_cluster import Cluster, find_bin_dir

#: 10:00 WIB on a Saturday: inside the default sending window.
NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


PG_BIN = find_bin_dir()
REQUIRE_PG = os.environ.get("JEMPUT_REQUIRE_PG") == "1"
ENGINES = ("sqlite", "pg")
#: The PostgreSQL database of the running test (set by `engine` when it is "pg").
_CURRENT_PG: dict[str, str] = {}


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings that ignore the machine's environment and .env file (on the test's engine)."""
    values: dict[str, Any] = {"database_path": tmp_path / "jemput.sqlite3"}
    if "url" in _CURRENT_PG:
        values["database_url"] = _CURRENT_PG["url"]
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class FrozenClock(Clock):
    """A clock that stands still unless a test moves it."""

    def __init__(self, at: datetime = NOW, tz: str = "Asia/Jakarta") -> None:
        super().__init__(tz, now=lambda: at)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "engines: run the module's tests on SQLite and PostgreSQL")
    config.addinivalue_line(
        "markers", "sqlite_only: file-level SQLite features (backups); never run on PostgreSQL"
    )
    if REQUIRE_PG and PG_BIN is None:
        raise pytest.UsageError("JEMPUT_REQUIRE_PG=1 but PostgreSQL (initdb, pg_ctl) is missing")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    every = os.environ.get("JEMPUT_ALL_ENGINES") == "1"  # by hand: every app test on both
    chosen = any("engine" in m.args[0] for m in metafunc.definition.iter_markers("parametrize"))
    if (
        "engine" in metafunc.fixturenames
        and not chosen
        and (every or metafunc.definition.get_closest_marker("engines"))
        and not metafunc.definition.get_closest_marker("sqlite_only")
    ):
        params = [
            pytest.param(e, marks=pytest.mark.skip(reason="PostgreSQL not installed"))
            if e == "pg" and PG_BIN is None
            else e
            for e in ENGINES
        ]
        metafunc.parametrize("engine", params, indirect=True)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if PG_BIN is None:
        skipped = [
            r
            for r in terminalreporter.stats.get("skipped", [])
            if "PostgreSQL not installed" in str(r.longrepr)
        ]
        terminalreporter.write_line(
            f"PostgreSQL not installed: {len(skipped)} PostgreSQL tests skipped"
            " (install postgresql; JEMPUT_REQUIRE_PG=1 makes them required)"
        )


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL server for the session, with a migrated template database."""
    from storage.db import migrate_pg

    assert PG_BIN is not None
    cluster = Cluster(PG_BIN)
    cluster.start()
    try:
        template = cluster.create_database()
        migrate_pg(template)
        cluster.template = template.rsplit("/", 1)[1]
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """ "sqlite" (default) or "pg": with "pg", `make_settings` points at a fresh database."""
    name = getattr(request, "param", "sqlite")
    if name != "pg":
        yield name
        return
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    url = cluster.create_database(template=cluster.template)
    _CURRENT_PG["url"] = url
    try:
        yield name
    finally:
        _CURRENT_PG.clear()
        cluster.drop_database(url)


@pytest.fixture
def database(tmp_path: Path, engine: str) -> Path | str:
    """Where the test's database is: a SQLite file or a PostgreSQL URL."""
    return _CURRENT_PG.get("url") or tmp_path / "jemput.sqlite3"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def settings_factory(tmp_path: Path, engine: str) -> Callable[..., Settings]:
    return lambda **overrides: make_settings(tmp_path, **overrides)


@pytest.fixture
async def app(tmp_path: Path, clock: FrozenClock, engine: str) -> AsyncIterator[App]:
    """An app on a fresh database file with the showcase residents (one per status)."""
    application = await build_app(make_settings(tmp_path), clock)
    await seed_demo(application.db, clock.today(), clock.now(), everyone=False)
    yield application
    await application.close()


@pytest.fixture
async def office(tmp_path: Path, clock: FrozenClock, engine: str) -> AsyncIterator[App]:
    """An app set up like an office: staff group, an admin, head of office, a holiday file."""
    from tests.order_support import office_app

    application = await office_app(tmp_path, clock)
    yield application
    await application.close()


@pytest.fixture
async def team_office(tmp_path: Path, clock: FrozenClock, engine: str) -> AsyncIterator[App]:
    """`office` with the team Alpha (member STAFF2)."""
    from tests.order_support import team_app

    application = await team_app(tmp_path, clock)
    yield application
    await application.close()


@pytest.fixture
def residents(clock: FrozenClock) -> dict[str, Resident]:
    """The showcase residents by status name ('PRR' is the adult, 'PRR16' the 16-year-old)."""
    out: dict[str, Resident] = {}
    for r in showcase_residents(clock.today()):
        key = r.status.value
        out[key + "16" if key in out else key] = r
    return out


class ChatDriver:
    """Drives one chat through the conversation core, errbot-style: say, then read replies."""

    def __init__(self, app: App, chat_id: str = "1001", channel: Channel = Channel.TELEGRAM):
        self.app, self.chat_id, self.channel = app, chat_id, channel
        self.language_hint: str | None = "id"

    async def send(self, **fields: Any) -> list[Reply]:
        inbound = Inbound(
            channel=self.channel,
            chat_id=self.chat_id,
            user_id=fields.pop("user_id", self.chat_id),
            language_hint=self.language_hint,
            **fields,
        )
        return await self.app.conversation.handle(inbound)

    async def say(self, text: str) -> str:
        """Send text; return all reply texts joined."""
        return "\n".join(r.text for r in await self.send(text=text))

    async def press(self, payload: str) -> str:
        return "\n".join(r.text for r in await self.send(payload=payload))

    async def share_contact(self, phone: str, user_id: str | None = None) -> str:
        contact = SharedContact(phone=phone, user_id=user_id or self.chat_id)
        return "\n".join(r.text for r in await self.send(contact=contact))


@pytest.fixture
def chat(app: App) -> ChatDriver:
    return ChatDriver(app)
