"""A fake Telegram Bot API on loopback: long polling, sends, fault injection, flood limits.

    api = await FakeBotApi("123:TEST").start()      # api.url → TELEGRAM_API_URL
    api = await FakeBotApi.like_telegram("123:TEST").start()   # Telegram's flood limits
    api.push_message(42, "/start")                  # the next getUpdates delivers it
    [reply] = await api.wait_sent(1, chat_id=42)    # the form PTB posted, JSON fields decoded
    api.fail_next("sendMessage", 429, retry_after_body(1))
    await api.stop()

Served by the shared skeleton (`tests/fakes/server.py`); bodies may be url-encoded forms (what
PTB sends), multipart forms (file uploads) or JSON. Answers look like Telegram's:
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": ..., "description": ...}`.

Flood limits, as Telegram applies them to sends (sendMessage, sendPhoto, sendDocument; edits
are not counted): `overall_per_s` over any sliding second; per private chat a token bucket of
`chat_burst` messages refilled at `per_chat_per_s` (burst 1: strict spacing); per group
`group_per_min` over any sliding minute. Over a limit → 429 with `parameters.retry_after`.
`like_telegram()` is 30/s overall, burst 5 then 1/s per private chat, 20/min per group.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
from collections import Counter, defaultdict, deque
from contextlib import suppress
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, unquote

from tests.fakes.server import FakeServer, Request, Response

JSON_FIELDS = ("reply_markup", "allowed_updates", "entities", "caption_entities")
SEND_METHODS = ("sendmessage", "senddocument", "sendphoto")
MEDIA_FIELDS = {"senddocument": "document", "sendphoto": "photo"}
MAX_CAPTION = 1024
EDIT_METHODS = ("editmessagetext", "editmessagereplymarkup")
_ROUTE = re.compile(r"^/bot([^/]+)/(\w+)$")
_FILE_ROUTE = re.compile(r"^/file/bot([^/]+)/(.+)$")


@dataclass
class Call:
    """One request the fake answered."""

    method: str
    params: dict[str, Any]
    at: float
    status: int = 200


class ApiError(Exception):
    """Answer the current request with an error."""

    def __init__(self, status: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            self.body["parameters"] = parameters
        self.status = status


def retry_after_body(seconds: int) -> dict[str, Any]:
    """Telegram's 429 answer."""
    return ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds).body


BLOCKED = ApiError(403, "Forbidden: bot was blocked by the user").body


class FakeBotApi(FakeServer):
    """The fake server; the flood limits (module docstring) are off unless given."""

    def __init__(
        self,
        token: str = "123:TEST",
        *,
        overall_per_s: float | None = None,
        per_chat_per_s: float | None = None,
        chat_burst: int = 1,
        group_per_min: float | None = None,
    ) -> None:
        super().__init__()
        self.token, self.overall_per_s, self.per_chat_per_s = token, overall_per_s, per_chat_per_s
        self.chat_burst, self.group_per_min = chat_burst, group_per_min
        self.calls: list[Call] = []  # every request, failed ones too
        self.history: dict[int, dict[str, Any]] = {}  # every pushed update by id
        self.accepted = 0  # sends answered 200
        self.limited = 0  # sends answered 429 by the flood limits
        self.limited_by: Counter[str] = Counter()  # 'overall', 'chat' or 'group'
        self.files: dict[str, bytes] = {}  # file_id → content, served by getFile
        #: What each message the bot sent shows now, by (chat id, message id): for edits.
        self.shown: dict[tuple[str, int], dict[str, Any]] = {}
        self._updates: list[dict[str, Any]] = []  # not yet confirmed
        self._failures: dict[str, deque[tuple[int, dict[str, Any]]]] = defaultdict(deque)
        self._window: dict[str, deque[float]] = defaultdict(deque)  # '' is the overall window
        self._buckets: dict[str, tuple[float, float]] = {}  # private chat → (tokens, at)
        self._next_update = self._next_message = 1
        self._changed = asyncio.Event()  # set on every push and every answered call

    @classmethod
    def like_telegram(cls, token: str = "123:TEST") -> FakeBotApi:
        """Telegram's limits: 30/s overall, burst 5 then 1/s per private chat, 20/min a group."""
        return cls(token, overall_per_s=30, per_chat_per_s=1, chat_burst=5, group_per_min=20)

    @property
    def me(self) -> dict[str, Any]:
        bot_id = int(self.token.split(":")[0])
        return {"id": bot_id, "is_bot": True, "first_name": "Jemput", "username": "jemput_bot"}

    # -- updates the bot will receive ------------------------------------------------------

    def push_update(self, raw: dict[str, Any]) -> int:
        """Queue an update (an `update_id` is assigned when missing); returns its id."""
        raw.setdefault("update_id", self._next_update)
        self._next_update = max(self._next_update, raw["update_id"] + 1)
        self.history[raw["update_id"]] = raw
        self._updates.append(raw)
        self._updates.sort(key=lambda u: int(u["update_id"]))
        self._changed.set()
        return int(raw["update_id"])

    def push_message(
        self,
        chat_id: int,
        text: str | None,
        user_id: int | None = None,
        language_code: str = "id",
        chat_type: str = "private",
        **extra: Any,
    ) -> int:
        """A user writes (extra fields, e.g. photo=[...], go into the message)."""
        update = self.message_update(chat_id, text, user_id, language_code, chat_type, **extra)
        return self.push_update(update)

    def message_update(
        self,
        chat_id: int,
        text: str | None,
        user_id: int | None = None,
        language_code: str = "id",
        chat_type: str = "private",
        **extra: Any,
    ) -> dict[str, Any]:
        """The update `push_message` would queue (without an update_id)."""
        message = self._message(chat_id, chat_type, text, **extra)
        message["from"] = user(user_id or chat_id, language_code)
        return {"message": message}

    def push_callback(
        self, chat_id: int, data: str, message_id: int = 1, user_id: int | None = None,
        language_code: str = "id",
    ) -> int:  # fmt: skip
        """A user presses an inline button under one of the bot's messages."""
        message = self._message(chat_id, "private", "menu", message_id=message_id)
        query = {
            "id": f"cb{self._next_update}",
            "from": user(user_id or chat_id, language_code),
            "chat_instance": f"ci{chat_id}",
            "data": data,
            "message": message,
        }
        return self.push_update({"callback_query": query})

    def push_contact(self, chat_id: int, phone: str, contact_user_id: int | None) -> int:
        """A user shares a contact card (their own when contact_user_id is their id)."""
        contact: dict[str, Any] = {"phone_number": phone, "first_name": "Warga"}
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self.push_message(chat_id, None, contact=contact)

    # -- what the bot did ------------------------------------------------------------------

    def sent(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """Params of the accepted sendMessage/sendPhoto/sendDocument calls, oldest first."""
        return [
            c.params
            for c in self.calls
            if c.method.lower() in SEND_METHODS
            and c.status == 200
            and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        ]

    def edited(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """Params of the accepted editMessageText/editMessageReplyMarkup calls, oldest first."""
        return [
            c.params
            for c in self.calls
            if c.method.lower() in EDIT_METHODS
            and c.status == 200
            and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        ]

    def message_ids(self, chat_id: int | str) -> list[int]:
        """The ids of the messages the bot sent to a chat, oldest first."""
        return sorted(m for c, m in self.shown if c == str(chat_id))

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    async def wait_sent(
        self, count: int, chat_id: int | str | None = None, timeout: float = 5
    ) -> list[dict[str, Any]]:
        """Wait until at least `count` messages were sent (to `chat_id`)."""
        async with asyncio.timeout(timeout):
            while len(self.sent(chat_id)) < count:
                await self._next_change()
        return self.sent(chat_id)

    def fail_next(self, method: str, status: int, body: dict[str, Any] | None = None) -> None:
        """Answer the next call of `method` with this error."""
        phrase = HTTPStatus(status).phrase
        self._failures[method.lower()].append(
            (status, body or {"ok": False, "error_code": status, "description": phrase})
        )

    async def _next_change(self) -> None:
        self._changed.clear()
        await self._changed.wait()

    # -- HTTP ------------------------------------------------------------------------------

    async def answer(self, request: Request) -> Response:
        """Route a Bot API call or a file download."""
        download = _FILE_ROUTE.match(unquote(request.path))
        if download is not None:
            name = download.group(2).removeprefix("documents/")
            if download.group(1) != self.token or name not in self.files:
                return Response.json(ApiError(404, "Not Found").body, 404)
            return Response(200, self.files[name])
        route = _ROUTE.match(request.path)
        if route is None:
            return Response.json(ApiError(404, "Not Found").body, 404)
        if route.group(1) != self.token:
            return Response.json(ApiError(401, "Unauthorized").body, 401)
        method = route.group(2)
        params = _params(request.headers.get("content-type", ""), request.body)
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        try:
            result = await self._call(method.lower(), call.params)
        except ApiError as exc:
            call.status = exc.status
            return Response.json(exc.body, exc.status)
        finally:
            self._changed.set()
        return Response.json({"ok": True, "result": result})

    async def _call(self, method: str, params: dict[str, Any]) -> Any:
        if self._failures[method]:
            status, body = self._failures[method].popleft()
            raise ApiError(status, body["description"], **body.get("parameters", {}))
        if method == "getme":
            return self.me
        if method == "getupdates":
            return await self._get_updates(params)
        if method in SEND_METHODS:
            return self._send(method, params)
        if method == "getfile":
            return self._get_file(str(params.get("file_id", "")))
        if method in EDIT_METHODS:
            return self._edit(method, params)
        if method in ("answercallbackquery", "deletewebhook", "setwebhook", "close", "logout"):
            return True
        raise ApiError(404, "Not Found: method not found")

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Drop confirmed updates (id < offset), then wait up to `timeout` for new ones."""
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while True:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            left = deadline - time.monotonic()
            if self._updates or left <= 0:
                return self._updates[: int(params.get("limit") or 100)]
            self._changed.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    def _send(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = str(params.get("chat_id", ""))
        if not re.fullmatch(r"-?\d+", chat_id):
            raise ApiError(400, "Bad Request: chat not found")
        _check_message(method, params)
        self._admit(chat_id)
        self.accepted += 1
        field = MEDIA_FIELDS.get(method)
        if field is None:
            sent = self._message(int(chat_id), _chat_type(chat_id), params["text"])
            shown = {"text": params["text"], "reply_markup": params.get("reply_markup")}
            self.shown[(chat_id, sent["message_id"])] = shown
            return sent
        upload = params.get(field)
        name = upload["filename"] if isinstance(upload, dict) else "file"
        file_id = f"{field}{self._next_message}"
        media: Any = {"file_id": file_id, "file_unique_id": "u", "file_name": name}
        if field == "photo":
            media = [{"file_id": file_id, "file_unique_id": "u", "width": 800, "height": 600}]
        extra: dict[str, Any] = {field: media}
        if params.get("caption"):
            extra["caption"] = params["caption"]
        sent = self._message(int(chat_id), _chat_type(chat_id), None, **extra)
        shown = {"caption": params.get("caption"), "reply_markup": params.get("reply_markup")}
        self.shown[(chat_id, sent["message_id"])] = shown
        return sent

    def _edit(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Like Telegram: only a text message of ours, and only when something changes."""
        chat_id, message_id = str(params.get("chat_id", "")), int(params.get("message_id") or 0)
        before = self.shown.get((chat_id, message_id))
        if before is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        after = {**before, "reply_markup": params.get("reply_markup")}
        if method == "editmessagetext":
            if "text" not in before:
                raise ApiError(400, "Bad Request: there is no text in the message to edit")
            _check_message(method, params)
            after["text"] = params["text"]
        if after == before:
            raise ApiError(400, "Bad Request: message is not modified: specified new message"
                           " content and reply markup are exactly the same")  # fmt: skip
        self.shown[(chat_id, message_id)] = after
        chat_type = _chat_type(chat_id)
        return self._message(int(chat_id), chat_type, after["text"], message_id=message_id)

    def _get_file(self, file_id: str) -> dict[str, Any]:
        """A file pushed with `files[file_id] = content`; Telegram refuses files over 20 MB."""
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        size = len(self.files[file_id])
        if size > 20 * 1024 * 1024:
            raise ApiError(400, "Bad Request: file is too big")
        path = f"documents/{file_id}"
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size,
                "file_path": path}  # fmt: skip

    def _admit(self, chat_id: str) -> None:
        """Flood limits (module docstring); 429 with `retry_after` when over one."""
        now = time.monotonic()
        group = chat_id.startswith("-") and self.group_per_min is not None
        windows = [("", self.overall_per_s, 1.0)]
        if group:
            windows.append((chat_id, self.group_per_min, 60.0))
        for key, limit, span in windows:
            window = self._window[key]
            while window and window[0] <= now - span:
                window.popleft()
            if limit is not None and len(window) >= limit:
                self._limit(span - (now - window[0]), "group" if key else "overall")
        tokens = self._tokens(chat_id, now)
        if not group and tokens is not None and tokens < 1:
            assert self.per_chat_per_s is not None
            self._limit((1 - tokens) / self.per_chat_per_s, "chat")
        for key, _, _ in windows:
            self._window[key].append(now)
        if not group and tokens is not None:
            self._buckets[chat_id] = (tokens - 1, now)

    def _tokens(self, chat_id: str, now: float) -> float | None:
        """The private chat's bucket now (None: no per-chat limit)."""
        if self.per_chat_per_s is None:
            return None
        tokens, at = self._buckets.get(chat_id, (float(self.chat_burst), now))
        return min(float(self.chat_burst), tokens + (now - at) * self.per_chat_per_s)

    def _limit(self, wait: float, by: str) -> None:
        self.limited += 1
        self.limited_by[by] += 1
        seconds = max(1, math.ceil(wait))
        raise ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)

    def _message(
        self, chat_id: int, chat_type: str, text: str | None, **extra: Any
    ) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        chat.update({"first_name": "Warga"} if chat_type == "private" else {"title": "Grup RT"})
        message: dict[str, Any] = {
            "message_id": self._next_message,
            "date": int(time.time()),
            "chat": chat,
            "from": self.me,
        }
        self._next_message += 1
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                length = len(text.split()[0])
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        message.update(extra)
        return message


def user(user_id: int, language_code: str = "id") -> dict[str, Any]:
    """A Telegram user."""
    return {"id": user_id, "is_bot": False, "first_name": "Warga", "language_code": language_code}


def _chat_type(chat_id: str) -> str:
    return "private" if not chat_id.startswith("-") else "supergroup"


def _check_message(method: str, params: dict[str, Any]) -> None:
    """What Telegram itself refuses: empty or long texts and captions, bad callback data."""
    if method in MEDIA_FIELDS:
        if _units(str(params.get("caption", ""))) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
    else:
        text = str(params.get("text", ""))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if _units(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
    markup = params.get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []):
        for key in row:
            data = key.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _params(content_type: str, body: bytes) -> dict[str, Any]:
    """Form, multipart or JSON parameters, with JSON-valued form fields decoded."""
    if content_type.startswith("multipart/form-data"):
        params = _multipart(content_type, body)
    elif content_type.startswith("application/json"):
        params = json.loads(body or b"{}")
    else:
        params = dict(parse_qsl(body.decode(), keep_blank_values=True))
    for name in JSON_FIELDS:
        if isinstance(params.get(name), str):
            params[name] = json.loads(params[name])
    return params


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    message = BytesParser(policy=policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        content = part.get_payload(decode=True)
        assert isinstance(content, bytes)
        filename = part.get_filename()
        params[name] = {"filename": filename, "content": content} if filename else content.decode()
    return params
