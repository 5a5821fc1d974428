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
    message_id: str | None = None  # Telegram, for a pressed button: the message it belongs to
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
    """One message to send: text, optional buttons, optional document.

    `replaces` names an earlier message of ours (its platform message id, e.g. the message whose
    button was pressed) that this reply takes the place of: Telegram edits that message (with
    empty text: only its buttons change); WhatsApp and the console, which cannot edit, send the
    reply as a new message (and nothing for an empty text).
    """

    text: str
    buttons: list[Button] = Field(default_factory=list)
    document: Document | None = None
    remove_keyboard: bool = False  # drop a reply keyboard (e.g. the share-contact button)
    replaces: str | None = None


class Verb(StrEnum):
    """The first word of every button payload ('sjd:42:20261201'), named once.

    A button is built with `payload(Verb.X, …)` and handled by the one handler registered for
    `Verb.X` on the Router (`handlers.router`); the values stay short because Telegram allows
    64 bytes of callback data.
    """

    MENU = "menu"  # a main-menu button: runs the command it names
    LANGUAGE = "lang"
    CANCEL = "cancel"
    STATUS = "status"  # check another NIK
    FORGET = "forget"  # /lupakan: which linked resident
    ERASE = "hapus"  # /hapus: confirm erasing the chat's data
    OFFICIAL = "off"  # /pengurus registration steps
    APPROVE_OFFICIAL = "offok"
    REJECT_OFFICIAL = "offno"
    ORDER = "ord"  # /pesan steps
    MY_ORDER = "myo"  # /pesananku: cancel, reschedule
    SCHEDULE = "sj"  # staff: Jadwalkan → the days on offer
    SCHEDULE_DAY = "sjd"  # a day → the free teams
    SCHEDULE_TEAM = "sjt"  # a team → scheduled
    REJECT = "st"  # staff: Tolak → the common reasons
    REJECT_REASON = "str"
    DETAIL = "sd"
    REPLAN = "srs"  # take a scheduled order back to plan it again
    SCHOOL = "sek"  # /sekolah: a school's target list
    SCHOOL_PLAN = "sekp"
    TALLY = "tl"  # the visit results number pad: tl:<order>:<field|s>:<n.n.n.n.n>


#: Telegram's limit on callback data.
MAX_PAYLOAD_BYTES = 64


def payload(verb: Verb, *args: object) -> str:
    """'verb:arg1:arg2'; raises ValueError when it would not fit Telegram's 64 bytes."""
    text = ":".join([verb.value, *(str(a) for a in args)])
    if len(text.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"button payload over {MAX_PAYLOAD_BYTES} bytes: {text[:20]}…")
    return text


def payload_of(button_payload: str) -> tuple[str, str]:
    """Split 'verb:arg' payloads; ('verb', '') when there is no argument."""
    verb, _, arg = button_payload.partition(":")
    return verb, arg
