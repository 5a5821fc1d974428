"""What every handler receives: the message, its chat, and the services it may use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.clock import Clock
from bot.core.messages import Button, Inbound, Reply, Verb, payload
from bot.core.ports import FileFetcher
from bot.i18n import t
from bot.office.desk import Office
from bot.settings import Settings
from handlers.states import State
from storage import chats
from storage.chats import Chat
from storage.db import Database


@dataclass
class Context:
    """One inbound message being handled."""

    db: Database
    settings: Settings
    clock: Clock
    inbound: Inbound
    chat: Chat
    files: FileFetcher | None = None  # the channel's downloader for received documents

    @property
    def office(self) -> Office:
        """The office services' dependencies (staff operations go through `bot.office`)."""
        return Office(self.db, self.settings, self.clock)

    @property
    def lang(self) -> str:
        """The chat's language."""
        return self.chat.language

    def t(self, key: str, **values: Any) -> str:
        """A text in the chat's language."""
        return t(self.lang, key, **values)

    def reply(
        self,
        key: str,
        buttons: list[Button] | None = None,
        *,
        remove_keyboard: bool = False,
        **values: Any,
    ) -> Reply:
        """A reply with the text for `key`."""
        return Reply(
            text=self.t(key, **values), buttons=buttons or [], remove_keyboard=remove_keyboard
        )

    def in_place(self, reply: Reply) -> Reply:
        """`reply` replacing the message whose button was pressed (an edit on Telegram); as
        it is when the message came from typing."""
        pressed = self.inbound.payload is not None and self.inbound.message_id is not None
        return reply.model_copy(update={"replaces": self.inbound.message_id}) if pressed else reply

    def spent_buttons(self) -> list[Reply]:
        """Take the buttons off the message whose button was pressed (it keeps its text);
        nothing when the message came from typing."""
        pressed = self.inbound.payload is not None and self.inbound.message_id is not None
        return [self.in_place(Reply(text=""))] if pressed else []

    def button(self, key: str, verb: Verb, *args: object) -> Button:
        """A button titled with the text for `key` that presses `verb` with `args`."""
        return Button(title=self.t(key), payload=payload(verb, *args))

    @property
    def state(self) -> State:
        """Where the chat is in a conversation."""
        return State.of(self.chat.state)

    async def set_state(self, state: State, **data: Any) -> None:
        """Move the conversation to `state` with its data."""
        await chats.set_state(
            self.db, self.chat.channel, self.chat.chat_id, state.value, data, self.clock.now()
        )
        self.chat.state, self.chat.state_data = state.value, data

    async def clear_state(self) -> None:
        """Back to idle."""
        if self.chat.state or self.chat.state_data:
            await self.set_state(State.IDLE)
