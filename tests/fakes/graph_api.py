"""A fake WhatsApp Cloud (Graph) API on loopback: records sends, checks limits, fails on demand.

    api = await FakeGraphApi(token="TOKEN", phone_number_id="PNID").start()  # api.url
    api.fail_next(131047)                      # the next send answers re-engagement
    [sent] = await api.wait_sent(1)            # the JSON bodies posted to /{v}/{pnid}/messages
    await api.stop()

Served by the shared skeleton (`tests/fakes/server.py`: 127.0.0.1, a free port). Sends are
checked like the Cloud API does: bearer token (401, code 190), phone number id, reply buttons
1–3 with unique titles ≤ 20, lists ≤ 10 rows (title ≤ 24, description ≤ 72), bodies ≤ 1,024,
texts ≤ 4,096, captions ≤ 1,024 (400, code 131009). `rate_per_s` turns on the throughput
limit (130429).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.server import FakeServer, Request, Response

INVALID_PARAMETER = 131009
_ROUTE = re.compile(r"^/([^/]+)/([^/]+)/(messages|media)$")


def error_body(code: int, message: str = "fake error") -> dict[str, Any]:
    """The Graph API's error answer."""
    return {
        "error": {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": message},
            "fbtrace_id": "FAKE",
        }
    }


@dataclass(eq=False)
class FakeGraphApi(FakeServer):
    """The fake server (see the module docstring)."""

    token: str = "TOKEN"
    phone_number_id: str = "PNID"
    version: str = "v23.0"
    rate_per_s: float | None = None
    sent: list[dict[str, Any]] = field(default_factory=list)
    uploads: list[bytes] = field(default_factory=list)
    rejected: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    limited: int = 0
    _failures: deque[int] = field(default_factory=deque)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _window: deque[float] = field(default_factory=deque)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        FakeServer.__init__(self)

    async def answer(self, request: Request) -> Response:
        """POST /{version}/{pnid}/messages or /media."""
        route = _ROUTE.match(request.path)
        if request.method != "POST" or route is None:
            return Response.json(error_body(100, "Unknown path"), 404)
        denied = self._check_auth(request, route.group(2))
        if denied is not None:
            return denied
        if route.group(3) == "media":
            self.uploads.append(request.body)
            return Response.json({"id": f"media.{next(self._ids)}"})
        return self._messages(request.json())

    def fail_next(self, *codes: int) -> None:
        """The next sends answer these error codes, in order."""
        self._failures.extend(codes)

    def sent_to(self, recipient: str) -> list[dict[str, Any]]:
        """Messages posted to one `to` / `recipient`."""
        return [m for m in self.sent if recipient in (m.get("to"), m.get("recipient"))]

    async def wait_sent(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Wait until at least `count` messages were accepted; returns all of them."""
        deadline = time.monotonic() + timeout
        while len(self.sent) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"expected {count} sends, got {len(self.sent)}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                continue
        return list(self.sent)

    def _messages(self, body: dict[str, Any]) -> Response:
        code = self._failures.popleft() if self._failures else self._limit() or _validate(body)
        if code:
            self.rejected.append((code, body))
            status = 429 if code == 130429 else 400
            return Response.json(error_body(code), status)
        self.sent.append(body)
        self._changed.set()
        target = body.get("to") or body.get("recipient")
        return Response.json(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": target, "wa_id": target}],
                "messages": [{"id": f"wamid.FAKE{next(self._ids)}"}],
            }
        )

    def _check_auth(self, request: Request, pnid: str) -> Response | None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return Response.json(error_body(190, "Invalid OAuth access token"), 401)
        if pnid != self.phone_number_id:
            return Response.json(error_body(100, "Unknown phone number id"), 400)
        return None

    def _limit(self) -> int:
        if self.rate_per_s is None:
            return 0
        now = time.monotonic()
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if len(self._window) >= self.rate_per_s:
            self.limited += 1
            return 130429
        self._window.append(now)
        return 0


def _validate(body: dict[str, Any]) -> int:
    """0 when the Cloud API would accept the message, else 131009."""
    if body.get("messaging_product") != "whatsapp" or not (body.get("to") or body.get("recipient")):
        return INVALID_PARAMETER
    kind = body.get("type")
    if kind == "text":
        return 0 if 0 < len(body["text"]["body"]) <= 4096 else INVALID_PARAMETER
    if kind == "interactive":
        return 0 if _interactive_ok(body["interactive"]) else INVALID_PARAMETER
    if kind == "template":
        return 0 if body["template"].get("name") else INVALID_PARAMETER
    if kind in ("document", "image"):
        media = body[kind]
        caption_ok = len(media.get("caption", "")) <= 1024
        return 0 if (media.get("id") or media.get("link")) and caption_ok else INVALID_PARAMETER
    return INVALID_PARAMETER


def _interactive_ok(interactive: dict[str, Any]) -> bool:
    if not 0 < len(interactive["body"]["text"]) <= 1024:
        return False
    action = interactive["action"]
    if interactive["type"] == "button":
        titles = [b["reply"]["title"] for b in action["buttons"]]
        return 1 <= len(titles) <= 3 and len(set(titles)) == len(titles) and _short(titles, 20)
    if interactive["type"] == "list":
        rows = [r for s in action["sections"] for r in s["rows"]]
        descriptions = [r.get("description", "") for r in rows]
        return (
            1 <= len(rows) <= 10
            and _short([r["title"] for r in rows], 24)
            and _short(descriptions, 72)
            and 0 < len(action["button"]) <= 20
        )
    return False


def _short(texts: list[str], limit: int) -> bool:
    return all(len(t) <= limit for t in texts)


async def _serve_forever(port_file: str, phone_number_id: str, rate: float | None) -> None:
    """Run the fake until killed, writing its port to `port_file` (bench helper)."""
    api = FakeGraphApi(phone_number_id=phone_number_id, rate_per_s=rate)
    await api.start()
    with open(port_file, "w", encoding="utf-8") as out:
        out.write(str(api.port))
    await asyncio.Event().wait()


if __name__ == "__main__":  # python -m tests.fakes.graph_api PORT_FILE PHONE_NUMBER_ID [RATE]
    import sys

    rate = float(sys.argv[3]) if len(sys.argv) > 3 else None
    asyncio.run(_serve_forever(sys.argv[1], sys.argv[2], rate))
