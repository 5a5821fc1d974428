"""The console channel: the same conversations in a terminal (`jemput demo`)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TextIO

from bot.core.messages import Button, ButtonKind, Channel, Inbound, Reply
from handlers.router import Conversation

CONSOLE_CHAT = "console"


def render(reply: Reply) -> str:
    """Text with buttons as a numbered list the user can answer with a number."""
    lines = [reply.text]
    choices = [b for b in reply.buttons if b.kind is ButtonKind.PAYLOAD]
    for number, button in enumerate(choices, start=1):
        lines.append(f"  [{number}] {button.title}")
    if reply.document is not None:
        lines.append(f"  (dokumen: {reply.document.filename})")
    return "\n".join(lines)


class ConsoleChannel:
    """Reads lines from stdin, prints replies; a number picks the last offered button."""

    channel = Channel.CONSOLE

    def __init__(
        self,
        conversation: Conversation,
        *,
        stdin: TextIO = sys.stdin,
        write: Callable[[str], None] = print,
        chat_id: str = CONSOLE_CHAT,
        language: str = "id",
    ) -> None:
        self.conversation = conversation
        self.stdin, self.write = stdin, write
        self.chat_id, self.language = chat_id, language
        self._choices: list[Button] = []

    def inbound(self, line: str) -> Inbound:
        """Turn a typed line into an Inbound (a number answers the last buttons)."""
        text = line.strip()
        if text.isdigit() and 1 <= int(text) <= len(self._choices):
            return Inbound(
                channel=self.channel,
                chat_id=self.chat_id,
                user_id=self.chat_id,
                payload=self._choices[int(text) - 1].payload,
                language_hint=self.language,
            )
        return Inbound(
            channel=self.channel,
            chat_id=self.chat_id,
            user_id=self.chat_id,
            text=line,
            language_hint=self.language,
        )

    async def send(self, chat_id: str, reply: Reply, *, kind: str | None = None) -> str | None:
        """Print a reply and remember its buttons."""
        choices = [b for b in reply.buttons if b.kind is ButtonKind.PAYLOAD]
        if choices:
            self._choices = choices
        self.write(render(reply))
        self.write("")
        return None

    async def say(self, line: str) -> list[Reply]:
        """Handle one typed line and print the replies."""
        replies = await self.conversation.handle(self.inbound(line))
        for reply in replies:
            await self.send(self.chat_id, reply)
        return replies

    async def run(self) -> None:
        """Chat until end of input or 'keluar'/'exit'."""
        await self.say("/start")
        while True:
            line = await asyncio.to_thread(self._readline)
            if line is None or line.strip().lower() in ("keluar", "exit", "quit"):
                return
            await self.say(line)

    def _readline(self) -> str | None:
        try:
            if self.stdin.isatty():
                print("Anda> ", end="", flush=True)
            line = self.stdin.readline()
        except (EOFError, KeyboardInterrupt):
            return None
        return line if line else None
