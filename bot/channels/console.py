"""The console channel: the same conversations in a terminal (`jemput demo`).

Replies print as text with their buttons numbered; typing a number presses that button of the
latest question in the chat (a reply without buttons ends the numbers: "Nomor RW berapa?" → `3`
is the text 3). The console cannot edit, so a reply that replaces an earlier message prints
anew (and one that only takes buttons off a message prints nothing).

One console can type as several people (`Persona`): `/sebagai warga|pengurus|staf` switches,
`/kontak` shares the person's own phone number as Telegram's contact button would. Messages
the outbox sends to the demo's chats — the staff group included — print as they arrive
(`OutboxPrinter` is the `Sender` of a dispatcher per channel), tagged with the chat they
reach, and their buttons are that chat's latest question. The wiring may add console commands
(`/pengingat` in the demo).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from bot.core.clock import Clock
from bot.core.messages import Button, ButtonKind, Channel, Inbound, Reply, SharedContact
from bot.core.numbers import parse_number
from handlers.router import Conversation
from storage import outbox
from storage.db import Database

CONSOLE_CHAT = "console"
SETTLE_S = 3.0  # how long to wait for the outbox after a line (messages it caused print first)
QUIT = ("keluar", "exit", "quit")
#: Console commands added by the wiring: name → coroutine(argument) returning lines to print.
Extra = Mapping[str, Callable[[str], Awaitable[list[str]]]]


@dataclass(frozen=True)
class Persona:
    """Someone the console can type as."""

    name: str  # what /sebagai takes: 'warga'
    label: str  # how their chat is named in tags and the prompt
    chat_id: str
    user_id: str
    phone: str = ""  # what /kontak shares
    is_group: bool = False  # typing in a group chat (the staff group)
    user_name: str | None = None


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
    """Reads lines from stdin, prints replies; see the module docstring."""

    channel = Channel.CONSOLE

    def __init__(
        self,
        conversation: Conversation,
        *,
        stdin: TextIO = sys.stdin,
        write: Callable[[str], None] = print,
        chat_id: str = CONSOLE_CHAT,
        language: str = "id",
        personas: Sequence[Persona] = (),
        extra: Extra | None = None,
    ) -> None:
        self.conversation = conversation
        self.stdin, self.write, self.language = stdin, write, language
        self.personas = list(personas) or [Persona(chat_id, chat_id, chat_id, chat_id)]
        self.persona = self.personas[0]
        self.extra = extra or {}
        self._choices: dict[str, list[Button]] = {}  # chat id → buttons of its latest question
        self.settle: Callable[[], Awaitable[None]] | None = None  # wait for the outbox

    @property
    def chat_id(self) -> str:
        """The chat the console types in now."""
        return self.persona.chat_id

    def inbound(self, line: str) -> Inbound:
        """Turn a typed line into an Inbound (a number presses a button of the latest question;
        /kontak shares the persona's own number)."""
        who = self.persona
        typed = Inbound(
            channel=self.channel, chat_id=who.chat_id, user_id=who.user_id, text=line,
            language_hint=self.language, is_group=who.is_group, user_name=who.user_name,
        )  # fmt: skip
        choices = self._choices.get(who.chat_id, [])
        number = parse_number(line, low=1, high=len(choices)) if choices else None
        if number is not None:
            return typed.model_copy(update={"text": None, "payload": choices[number - 1].payload})
        if line.strip().lower() == "/kontak" and who.phone:
            contact = SharedContact(phone=who.phone, user_id=who.user_id)
            return typed.model_copy(update={"text": None, "contact": contact})
        return typed

    async def send(self, chat_id: str, reply: Reply, *, kind: str | None = None) -> str | None:
        """Print a direct reply (Sender protocol)."""
        self.show(chat_id, reply)
        return None

    def show(self, chat_id: str, reply: Reply, *, tag: str = "") -> None:
        """Print one message; its buttons become the chat's latest question."""
        if reply.replaces and not reply.text.strip() and reply.document is None:
            return  # it only took buttons off an earlier message: nothing to show here
        self._choices[chat_id] = [b for b in reply.buttons if b.kind is ButtonKind.PAYLOAD]
        self.write(f"📨 [{tag}]\n{render(reply)}" if tag else render(reply))
        self.write("")

    def label(self, chat_id: str) -> str:
        """How a chat is named in tags: a persona's label, else its id."""
        return next((p.label for p in self.personas if p.chat_id == chat_id), chat_id)

    async def say(self, line: str) -> list[Reply]:
        """Handle one typed line and print the replies (then what the outbox sends)."""
        if await self._console_command(line):
            return []
        replies = await self.conversation.handle(self.inbound(line))
        for reply in replies:
            self.show(self.chat_id, reply)
        if self.settle is not None:
            await self.settle()
        return replies

    async def _console_command(self, line: str) -> bool:
        """/sebagai and the wiring's commands; True when the line was one of them."""
        name, _, arg = line.strip().partition(" ")
        if name.lower() == "/sebagai" and len(self.personas) > 1:
            self._switch(arg.strip().lower())
            return True
        command = self.extra.get(name.lower())
        if command is None:
            return False
        for text in await command(arg.strip()):
            self.write(text)
        if self.settle is not None:
            await self.settle()
        return True

    def _switch(self, name: str) -> None:
        found = next((p for p in self.personas if p.name == name), None)
        if found is None:
            names = "|".join(p.name for p in self.personas)
            self.write(f"/sebagai {names}\n")
            return
        self.persona = found
        self.write(f"— {found.label} —\n")

    async def run(self) -> None:
        """Chat until end of input or 'keluar'/'exit'."""
        await self.say("/start")
        while True:
            line = await asyncio.to_thread(self._readline)
            if line is None or line.strip().lower() in QUIT:
                return
            await self.say(line.rstrip("\n"))

    def _readline(self) -> str | None:
        try:
            if self.stdin.isatty():
                print(f"{self.persona.label}> ", end="", flush=True)
            line = self.stdin.readline()
        except (EOFError, KeyboardInterrupt):
            return None
        return line if line else None


class OutboxPrinter:
    """The `Sender` of a demo dispatcher: prints what the outbox sends to a chat on `channel`."""

    def __init__(self, console: ConsoleChannel, channel: Channel) -> None:
        self.console, self.channel = console, channel
        self._sent = 0

    async def send(self, chat_id: str, reply: Reply, *, kind: str | None = None) -> str | None:
        """Print the message tagged with the chat it reaches."""
        self.console.show(chat_id, reply, tag=self.console.label(chat_id))
        self._sent += 1
        return f"{self.channel}-{self._sent}"


async def wait_for_outbox(db: Database, clock: Clock, timeout: float = SETTLE_S) -> None:
    """Until no outbox row is pending or being sent (at most `timeout` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        counts = (await outbox.report(db, clock.now(), dead_limit=0)).counts
        if not counts.get("pending") and not counts.get("sending"):
            return
        await asyncio.sleep(0.05)
