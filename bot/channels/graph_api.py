"""A small client for the WhatsApp Cloud (Graph) API over httpx: send a message, upload media.

Why httpx and not pywa: the project owns the parts pywa would otherwise own, and pywa fights
them (as checked against pywa 4.5):

* It overwrites the injected client's `base_url` with graph.facebook.com, so `WHATSAPP_API_URL`
  (a proxy, the fake server in tests) needs a workaround that touches private attributes.
* A webhook without `contacts[].user_id` raises inside pywa, is logged, answered 200 and never
  reaches a handler — messages would be lost silently; other `phone_number_id`s are dropped too.
* Its duplicate filter is in memory only; we dedupe durably in the inbox by wamid.
* It does not validate button counts or title lengths: our renderer does that anyway.

What remains is two HTTP calls and an error table, which this module is. Errors map onto
`bot.errors`::

    ChannelError
    ├── ChatUnreachable    131026 undeliverable, 131051 unsupported type, 131030 not allowed
    ├── RateLimited        130429 throughput, 4 / 80007 app or WABA limits
    │   └── PairRateLimited  131056 pair rate: only this user must wait
    ├── TransientError     network, HTTP 5xx, 1 / 2 / 131000 / 131016 server trouble
    └── GraphError         anything else (our request is wrong: never retry)
        └── WindowClosed   131047 re-engagement: outside the 24-hour window, send a template
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from typing import Any

import httpx

from bot.errors import ChannelError, ChatUnreachable, RateLimited, TransientError

logger = logging.getLogger(__name__)

RE_ENGAGEMENT = 131047
PAIR_RATE = 131056
THROUGHPUT = 130429
UNDELIVERABLE = 131026
UNREACHABLE_CODES = frozenset({UNDELIVERABLE, 131051, 131030})
_RATE = {THROUGHPUT, PAIR_RATE, 4, 80007}
_TRANSIENT = {1, 2, 131000, 131016}


def skip_sniffio_lookups() -> None:
    """httpcore tries `import sniffio` on every request; without sniffio installed each failed
    import scans sys.path (~0.2 ms, four times a send). Record its absence once."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]  # `import` now fails at once


class GraphError(ChannelError):
    """The Graph API refused the request for a reason retrying will not fix."""

    def __init__(self, code: int, detail: str = "") -> None:
        super().__init__(f"Graph API error {code}: {detail}")
        self.code = code


class WindowClosed(GraphError):
    """131047: the user's 24-hour window is closed; only a template may go."""


class PairRateLimited(RateLimited):
    """131056: too many messages to this one user; other users are not affected."""


def error_for(code: int, detail: str, *, pair_wait: float = 6.0) -> ChannelError:
    """The `bot.errors` exception for a Graph API error code."""
    if code == RE_ENGAGEMENT:
        return WindowClosed(code, detail)
    if code in UNREACHABLE_CODES:
        return ChatUnreachable(f"WhatsApp {code}: {detail}")
    if code == PAIR_RATE:
        return PairRateLimited(pair_wait, f"WhatsApp {code}: {detail}")
    if code in _RATE:
        return RateLimited(1.0, f"WhatsApp {code}: {detail}")
    if code in _TRANSIENT:
        return TransientError(f"WhatsApp {code}: {detail}")
    return GraphError(code, detail)


class GraphApi:
    """POST /{version}/{phone_number_id}/messages and /media with a bearer token."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        base_url: str,
        version: str,
        phone_number_id: str,
        token: str,
        pair_wait: float = 6.0,
    ) -> None:
        skip_sniffio_lookups()
        self.client = client
        self.prefix = f"{base_url.rstrip('/')}/{version}/{phone_number_id}"
        self._headers = {"Authorization": f"Bearer {token}"}
        self.pair_wait = pair_wait

    async def send_message(self, message: dict[str, Any]) -> str:
        """Send one message object (to/recipient, type, …); return its wamid."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", **message}
        data = await self._post("/messages", json=body)
        try:
            return str(data["messages"][0]["id"])
        except (KeyError, IndexError, TypeError):
            raise TransientError("Graph API answered without a message id") from None

    async def upload_media(self, content: bytes, mime_type: str, filename: str) -> str:
        """Upload a file for sending; return its media id."""
        files = {"file": (filename, content, mime_type)}
        data = await self._post(
            "/media", data={"messaging_product": "whatsapp", "type": mime_type}, files=files
        )
        try:
            return str(data["id"])
        except (KeyError, TypeError):
            raise TransientError("Graph API answered without a media id") from None

    async def _post(self, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = await self.client.post(self.prefix + path, headers=self._headers, **kwargs)
        except httpx.HTTPError as exc:
            raise TransientError(f"WhatsApp network error: {type(exc).__name__}") from exc
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.is_success and isinstance(data, dict):
            return data
        if response.status_code >= 500:
            raise TransientError(f"WhatsApp HTTP {response.status_code}")
        raise self._error(response.status_code, data)

    def _error(self, status: int, data: Any) -> ChannelError:
        error = data.get("error") if isinstance(data, dict) else None
        if not isinstance(error, dict):
            return TransientError(f"WhatsApp HTTP {status} without an error body")
        code = int(error.get("code") or 0)
        details = error.get("error_data", {})
        detail = str(details.get("details") if isinstance(details, dict) else "") or str(
            error.get("message", "")
        )
        if status == 401 or code == 190:
            logger.error("WhatsApp access token rejected (code %s)", code)
        return error_for(code, detail[:200], pair_wait=self.pair_wait)
