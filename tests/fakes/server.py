"""The server skeleton every HTTP fake shares: HTTP/1.1 on loopback, a free port, keep-alive.

    class FakeThing(FakeServer):
        async def answer(self, request: Request) -> Response:
            return Response.json({"ok": True})

    api = await FakeThing().start()     # api.url, api.port (bound to port 0: never fixed)
    await api.stop()

Bodies use Content-Length (no chunked uploads). `free_port()` is for child processes that
need a port number before they start (tiny race, but never a fixed port).
"""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit


def free_port() -> int:
    """A loopback port free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Request:
    """One HTTP request as the fake saw it (header names lower-cased)."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.target).query, keep_blank_values=True))

    def json(self) -> Any:
        return json.loads(self.body or b"{}")


@dataclass
class Response:
    """What the fake answers."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/octet-stream"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        return cls(status, json.dumps(data).encode(), "application/json")


class FakeServer:
    """Serves `answer(request)` on 127.0.0.1 at a free port until `stop()`."""

    port = 0

    def __init__(self) -> None:
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        """The server's root URL."""
        return f"http://127.0.0.1:{self.port}"

    async def answer(self, request: Request) -> Response:
        """The fake's behaviour (subclasses)."""
        raise NotImplementedError

    async def start(self) -> Self:
        """Listen on a free loopback port."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        sock = self._server.sockets[0]
        self.port = int(sock.getsockname()[1])
        return self

    async def stop(self) -> None:
        """Close the listener and every open connection."""
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        _no_delay(writer)
        try:
            while request := await _read_request(reader):
                response = await self.answer(request)
                phrase = HTTPStatus(response.status).phrase
                extra = "".join(f"{k}: {v}\r\n" for k, v in response.headers.items())
                head = (
                    f"HTTP/1.1 {response.status} {phrase}\r\nContent-Type: "
                    f"{response.content_type}\r\nContent-Length: {len(response.body)}\r\n"
                    f"{extra}\r\n"
                )
                writer.write(head.encode() + response.body)
                await writer.drain()
                if request.headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client left, or the fake is stopping
        finally:
            self._tasks.discard(task)
            writer.close()


def _no_delay(writer: asyncio.StreamWriter) -> None:
    """Turn Nagle off on an accepted socket (small answers must not wait 40 ms)."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    """The next request on a connection; None when the client left."""
    line = await reader.readline()
    if not line.strip():
        return None
    method, target, _ = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while (header := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = header.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return Request(method.upper(), target, headers, body)
