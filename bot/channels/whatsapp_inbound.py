"""Cloud API webhook bodies → inbox rows → `Inbound` messages and delivery statuses.

`extract` runs while the webhook waits for its 200: it only picks the messages and statuses
for our `phone_number_id` out of the body (one inbox row each, keyed by wamid, or by
'status:{wamid}:{status}'). Everything else — account, template and call updates, message
echoes — is ignored. `parse_row` and `to_inbound` run later, from the inbox.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import phonenumbers

from bot.core.messages import Channel, Document, Inbound, Location, SharedContact
from storage.inbox import InboxItem

logger = logging.getLogger(__name__)

STATUS_PREFIX = "status:"
#: Message types that are events, not something a user said to us: no answer.
SILENT = {"reaction", "revoke", "edit", "system", "ephemeral", "request_welcome"}
SILENT_INTERACTIVE = {"call_permission_reply"}
Json = dict[str, Any]


@dataclass(frozen=True)
class Sender:
    """Who wrote: the business-scoped user id and/or wa_id, their phone (E.164) and name."""

    user_id: str | None
    wa_id: str | None
    phone: str
    name: str


def extract(data: Any, phone_number_id: str) -> list[InboxItem]:
    """Inbox rows for the messages and statuses addressed to our number."""
    items: list[InboxItem] = []
    for value in _values(data):
        metadata = _dict(value.get("metadata"))
        if str(metadata.get("phone_number_id", "")) != phone_number_id:
            logger.warning("Ignoring a webhook for another phone_number_id")
            continue
        contacts = [c for c in _list(value.get("contacts")) if isinstance(c, dict)]
        for message in _list(value.get("messages")):
            item = _message_item(message, contacts)
            if item is not None:
                items.append(item)
        for status in _list(value.get("statuses")):
            if isinstance(status, dict) and status.get("id") and status.get("status"):
                key = f"{STATUS_PREFIX}{status['id']}:{status['status']}"
                items.append(InboxItem(update_id=key, payload=json.dumps({"status": status})))
    return items


def _values(data: Any) -> list[Json]:
    values: list[Json] = []
    for entry in _list(_dict(data).get("entry")):
        for change in _list(_dict(entry).get("changes")):
            change = _dict(change)
            value = change.get("value")
            if change.get("field") == "messages" and isinstance(value, dict):
                values.append(value)
    return values


def _message_item(message: Any, contacts: list[Json]) -> InboxItem | None:
    if not isinstance(message, dict) or not message.get("id"):
        return None
    contact = _contact_for(message, contacts)
    sender = sender_of(message, contact)
    if not (sender.user_id or sender.wa_id):
        logger.warning("Ignoring a WhatsApp message without a sender id")
        return None
    payload = json.dumps({"message": message, "contact": contact}, ensure_ascii=False)
    chat_key = sender.user_id or sender.wa_id or ""
    return InboxItem(update_id=str(message["id"]), chat_id=chat_key, payload=payload)


def _contact_for(message: Json, contacts: list[Json]) -> Json:
    sender = message.get("from")
    for contact in contacts:
        if sender and contact.get("wa_id") == sender:
            return contact
    return contacts[0] if len(contacts) == 1 else {}


def sender_of(message: Json, contact: Json) -> Sender:
    """The sender's ids: user id from the contact (or the message), wa_id when it is digits."""
    user_id = contact.get("user_id") or message.get("from_user_id")
    wa_id = contact.get("wa_id") or message.get("from")
    wa_id = str(wa_id) if wa_id and str(wa_id).isdigit() else None
    name = str(_dict(contact.get("profile")).get("name") or "")
    return Sender(str(user_id) if user_id else None, wa_id, e164(wa_id), name)


def e164(wa_id: str | None) -> str:
    """'6281234567890' → '+6281234567890' when it is a possible number; '' otherwise."""
    if not wa_id:
        return ""
    try:
        number = phonenumbers.parse("+" + wa_id, None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_row(item: InboxItem) -> tuple[str, Json, Json]:
    """('message', message, contact) or ('status', status, {}) from a stored row."""
    data = json.loads(item.payload)
    if item.update_id.startswith(STATUS_PREFIX):
        return "status", _dict(data.get("status")), {}
    return "message", _dict(data.get("message")), _dict(data.get("contact"))


def to_inbound(message: Json, sender: Sender, chat_id: str) -> Inbound | None:
    """The core's view of one message; None for events that need no answer (reactions …)."""
    kind = str(message.get("type", ""))
    fields = _content(kind, message, sender, chat_id)
    if fields is None:
        return None
    return Inbound(
        channel=Channel.WHATSAPP,
        chat_id=chat_id,
        user_id=chat_id,
        message_id=str(message.get("id", "")),
        user_name=sender.name or None,
        phone=sender.phone or None,
        **fields,
    )


def _content(kind: str, message: Json, sender: Sender, chat_id: str) -> Json | None:
    body = _dict(message.get(kind))
    if kind in SILENT:
        return None
    if kind == "text":
        return {"text": str(body.get("body", ""))}
    if kind == "interactive":
        return _interactive(body)
    if kind == "button":  # a template's quick reply
        return {"payload": str(body.get("payload") or body.get("text") or "") or None}
    if kind == "location" and "latitude" in body and "longitude" in body:
        point = Location(latitude=float(body["latitude"]), longitude=float(body["longitude"]))
        return {"location": point}
    if kind == "contacts":
        return _shared_contact(message, sender, chat_id)
    if kind == "document" and body.get("id"):
        return {"document": _document(body)}
    return {"unsupported": kind or "unknown"}


def _interactive(body: Json) -> Json | None:
    reply_type = str(body.get("type", ""))
    if reply_type in SILENT_INTERACTIVE:
        return None
    reply = _dict(body.get(reply_type))
    if reply_type in ("button_reply", "list_reply") and reply.get("id"):
        return {"payload": str(reply["id"])}
    return {"unsupported": f"interactive:{reply_type or 'unknown'}"}


def _shared_contact(message: Json, sender: Sender, chat_id: str) -> Json:
    """A shared contact card; it counts as the sender's own when WhatsApp says it is."""
    for card in _list(message.get("contacts")):
        for phone in _list(_dict(card).get("phones")):
            phone = _dict(phone)
            if phone.get("phone") or phone.get("wa_id"):
                own = bool(sender.wa_id) and phone.get("wa_id") == sender.wa_id
                number = str(phone.get("phone") or phone.get("wa_id"))
                return {"contact": SharedContact(phone=number, user_id=chat_id if own else None)}
    return {"unsupported": "contacts"}


def _document(body: Json) -> Document:
    return Document(
        filename=str(body.get("filename") or "document"),
        mime_type=str(body.get("mime_type") or "application/octet-stream"),
        file_id=str(body["id"]),
    )


def _dict(value: Any) -> Json:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
