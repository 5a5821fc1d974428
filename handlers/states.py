"""Every conversation state, in one place (the chat's `state` column holds the value).

A chat is idle (`IDLE`) or inside one flow; free text is handled by the state's handler, which
each feature module registers on the Router. Values are stored in the database, so they never
change once released; a value the code no longer knows counts as idle.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """Where a chat is in a conversation."""

    IDLE = ""
    # /status
    STATUS_NIK = "status.nik"
    STATUS_KK = "status.kk"
    # /pengurus
    OFFICIAL_ROLE = "off.role"
    OFFICIAL_AREA = "off.area"
    OFFICIAL_RW = "off.rw"
    OFFICIAL_RT = "off.rt"
    OFFICIAL_NAME = "off.name"
    OFFICIAL_PHONE = "off.phone"
    # /pesan
    ORDER_KIND = "ord.kind"
    ORDER_ADDRESS = "ord.address"
    ORDER_PIN = "ord.pin"
    ORDER_DATES = "ord.dates"
    ORDER_SLOT = "ord.slot"
    ORDER_COUNT = "ord.count"
    ORDER_PEOPLE = "ord.people"
    ORDER_REASON = "ord.reason"
    ORDER_PHONE = "ord.phone"
    ORDER_CONFIRM = "ord.confirm"

    @property
    def flow(self) -> str:
        """The flow the state belongs to: 'status', 'off', 'ord' ('' when idle)."""
        return self.value.partition(".")[0]

    @classmethod
    def of(cls, stored: str) -> State:
        """The state a chat row holds (IDLE for a value this version does not know)."""
        return cls._value2member_map_.get(stored, cls.IDLE)  # type: ignore[return-value]
