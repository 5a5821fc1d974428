"""Ports: what the core and the services need from a channel adapter, as protocols.

The wiring (`bot.app`) hands each channel adapter to the parts that need it: the dispatcher gets
its `Sender` and `Pacer`, the conversation core its `FileFetcher`. Nothing below the channels
imports a channel.
"""

from __future__ import annotations

from typing import Protocol

from bot.core.messages import Channel, Reply


class Sender(Protocol):
    """Sends one reply to one chat.

    Raises `ChatUnreachable` (never retry), `RateLimited` (wait `retry_after`) or
    `TransientError` (retry with backoff); returns the platform's message id when known.
    """

    channel: Channel

    async def send(self, chat_id: str, reply: Reply, *, kind: str | None = None) -> str | None:
        """Send (rendering buttons/documents as the platform allows).

        `kind` is the outbox kind ('summons', 'reminder', …) of a business-initiated message;
        WhatsApp uses it to pick the template outside the 24-hour window.
        """
        ...


class Pacer(Protocol):
    """Keeps a channel under the platform's limits; interactive replies jump the queue."""

    async def acquire(self, chat_id: str, *, interactive: bool, is_group: bool = False) -> None:
        """Wait until one message to `chat_id` may go out."""
        ...

    def penalize(self, retry_after: float) -> None:
        """The platform answered 429: hold every send on this channel for `retry_after` s."""
        ...

    def departing(self, chat_id: str) -> None:
        """The message granted to `chat_id` leaves now (optional: a caller that says so lets
        the pacer count a send delayed after its grant when it really goes)."""
        ...

    def answered(self, chat_id: str) -> None:
        """The platform answered the message to `chat_id` (optional, after `departing`: the
        pacer counts the send as late as the platform may have counted it)."""
        ...


class FileFetcher(Protocol):
    """Downloads a file a user sent (a channel capability: the core only sees its file id)."""

    async def fetch_file(self, file_id: str, max_bytes: int) -> bytes:
        """The file's bytes; raises `ImportFileError` when it is over `max_bytes`."""
        ...


class NoPacer:
    """No pacing (console, tests)."""

    async def acquire(self, chat_id: str, *, interactive: bool, is_group: bool = False) -> None:
        """Never waits."""

    def penalize(self, retry_after: float) -> None:
        """Ignores the hint."""

    def departing(self, chat_id: str) -> None:
        """Nothing to count."""

    def answered(self, chat_id: str) -> None:
        """Nothing to count."""
