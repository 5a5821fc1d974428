"""The fakes behave like the platforms: Telegram's flood limits, captions, photos, edits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.fakes.bot_api import FakeBotApi
from tests.fakes.graph_api import FakeGraphApi

TOKEN = "123:TEST"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    fake = await FakeBotApi.like_telegram(TOKEN).start()
    yield fake
    await fake.stop()


async def call(http: httpx.AsyncClient, api: FakeBotApi, method: str, **params: Any) -> Any:
    answer = await http.post(f"{api.url}/bot{TOKEN}/{method}", data=params)
    return answer.status_code, answer.json()


async def test_a_private_chat_gets_a_burst_of_five_then_one_a_second(api: FakeBotApi) -> None:
    async with httpx.AsyncClient() as http:
        codes = [(await call(http, api, "sendMessage", chat_id=7, text="x"))[0] for _ in range(6)]
        assert codes == [200] * 5 + [429]
        status, body = await call(http, api, "sendMessage", chat_id=7, text="x")
        assert status == 429 and body["parameters"]["retry_after"] == 1
        assert (await call(http, api, "sendMessage", chat_id=8, text="x"))[0] == 200
        await asyncio.sleep(1.05)
        assert (await call(http, api, "sendMessage", chat_id=7, text="x"))[0] == 200
        assert (await call(http, api, "sendMessage", chat_id=7, text="x"))[0] == 429
    assert api.limited == 3 and api.accepted == 7


async def test_thirty_a_second_overall_and_twenty_a_minute_per_group(api: FakeBotApi) -> None:
    async with httpx.AsyncClient() as http:
        group = [(await call(http, api, "sendMessage", chat_id=-5, text="x"))[0] for _ in range(21)]
        assert group == [200] * 20 + [429]
        status, body = await call(http, api, "sendMessage", chat_id=-5, text="x")
        assert status == 429 and body["parameters"]["retry_after"] >= 59
        overall = [
            (await call(http, api, "sendMessage", chat_id=100 + n, text="x"))[0] for n in range(11)
        ]
        assert overall == [200] * 10 + [429]  # 20 + 10 = 30 in this second


async def test_photo_with_caption_and_the_caption_limit(api: FakeBotApi) -> None:
    async with httpx.AsyncClient() as http:
        files = {"photo": ("chart.png", b"\x89PNG", "image/png")}
        sent = await http.post(
            f"{api.url}/bot{TOKEN}/sendPhoto", data={"chat_id": "7", "caption": "Angka"},
            files=files,
        )  # fmt: skip
        assert sent.status_code == 200
        message = sent.json()["result"]
        assert message["caption"] == "Angka" and message["photo"][0]["file_id"]
        too_long = await http.post(
            f"{api.url}/bot{TOKEN}/sendDocument",
            data={"chat_id": "7", "caption": "x" * 1025}, files={"document": ("a.csv", b"a")},
        )  # fmt: skip
        assert too_long.status_code == 400 and "caption is too long" in too_long.text
        edit = await call(
            http, api, "editMessageText", chat_id=7, message_id=message["message_id"], text="y"
        )
        assert edit[0] == 400  # a photo has no text to edit
    [photo] = api.sent(7)
    assert photo["photo"]["filename"] == "chart.png" and photo["caption"] == "Angka"


async def test_graph_api_fake_shares_the_skeleton_and_checks_captions() -> None:
    graph = await FakeGraphApi().start()
    try:
        async with httpx.AsyncClient(headers={"Authorization": "Bearer TOKEN"}) as http:
            url = f"{graph.url}/v23.0/PNID/messages"
            image = {"id": "media.1", "caption": "Angka"}
            body = {"messaging_product": "whatsapp", "to": "62812", "type": "image"}
            assert (await http.post(url, json={**body, "image": image})).status_code == 200
            image["caption"] = "x" * 1025
            assert (await http.post(url, json={**body, "image": image})).status_code == 400
            assert (await http.get(url)).status_code == 404
    finally:
        await graph.stop()
    assert [m["type"] for m in graph.sent] == ["image"]
