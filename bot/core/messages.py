"""What flows through the core: an `Inbound` message in, a list of `Reply` out.

Channels turn platform updates into `Inbound` and render `Reply` as well as they can
(Telegram: inline keyboards; WhatsApp: ≤ 3 buttons, else a list, else numbered text;
console: numbered text). The core never sees a platform object.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class Channel(StrEnum):
    """Where a chat lives."""

    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    CONSOLE = "console"


class SharedContact(BaseModel):
    """A phone number a user shared; `user_id` is the platform id of the contact's owner."""

    phone: str
    user_id: str | None = None


class Location(BaseModel):
    """A map pin."""

    latitude: float
    longitude: float


class Document(BaseModel):
    """A file received or to be sent."""

    filename: str
    mime_type: str = "application/octet-stream"
    content: bytes = b""
    file_id: str | None = None  # platform reference for received files


class Inbound(BaseModel):
    """One message from a user, whatever the channel."""

    channel: Channel
    chat_id: str
    user_id: str | None = None
    message_id: str | None = None
    text: str | None = None
    payload: str | None = None  # a pressed button's payload
    contact: SharedContact | None = None
    location: Location | None = None
    document: Document | None = None
    unsupported: str | None = None  # 'photo', 'sticker', ... something we cannot read
    language_hint: str | None = None  # e.g. Telegram's language_code
    is_group: bool = False
    user_name: str | None = None
    phone: str | None = None  # sender's phone when the platform vouches for it (WhatsApp)


class ButtonKind(StrEnum):
    """What pressing a button does."""

    PAYLOAD = "payload"  # sends `payload` back as Inbound.payload
    SHARE_CONTACT = "share_contact"  # asks the platform to share the user's own phone number
    URL = "url"


class Button(BaseModel):
    """A choice offered to the user."""

    title: str
    payload: str = ""
    kind: ButtonKind = ButtonKind.PAYLOAD
    url: str = ""


class Reply(BaseModel):
    """One message to send: text, optional buttons, optional document."""

    text: str
    buttons: list[Button] = Field(default_factory=list)
    document: Document | None = None
    remove_keyboard: bool = False  # drop a reply keyboard (e.g. the share-contact button)


def payload_of(button_payload: str) -> tuple[str, str]:
    """Split 'verb:arg' payloads; ('verb', '') when there is no argument."""
    verb, _, arg = button_payload.partition(":")
    return verb, arg
