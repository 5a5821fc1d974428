"""What every office service takes: the `Office` (database, settings, clock) and the `Staff`
member acting.

    office = Office(db, settings, clock)              # built once per face (chat, console, CLI)
    staff = await staff_member(office, "telegram", "9001", "Ani")   # None: not staff
    staff = Staff.operator("root")                    # the CLI: whoever runs `jemput`

Who may act is the face's business: the chat checks `staff_member` (ADMIN_USER_IDS or added
with /staf) for every press; the console checks its login; the CLI trusts the operator. The
services trust the `Staff` they are given and write `staff.actor` into the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.calendar import holidays_for
from bot.core.capacity import Calendar
from bot.core.clock import Clock
from bot.settings import Settings
from storage import teams
from storage.db import Database


@dataclass(frozen=True)
class Office:
    """The services' shared dependencies."""

    db: Database
    settings: Settings
    clock: Clock

    def holidays(self) -> frozenset[date]:
        """The holidays in force (HOLIDAYS_FILE)."""
        return holidays_for(self.settings)

    async def calendar(self) -> Calendar:
        """Holidays and closed days from today over the booking horizon."""
        today = self.clock.today()
        end = today + timedelta(days=self.settings.order_max_days + 7)
        closed = await teams.closed_days(self.db, today, end)
        return Calendar(holidays=self.holidays(), closed=closed)


@dataclass(frozen=True)
class Staff:
    """The staff member acting: `user_id` is what claims an order (their Telegram user id for
    chat and console users); `channel` says where they act ('telegram', 'console', 'cli')."""

    user_id: str
    name: str
    channel: str = "telegram"

    @property
    def actor(self) -> str:
        """The audit form: 'telegram:9001', 'cli:root'."""
        return f"{self.channel}:{self.user_id}"

    @property
    def handler(self) -> tuple[str, str]:
        """(user id, name) as storage records who handles an order."""
        return self.user_id, self.name

    @classmethod
    def operator(cls, login: str) -> Staff:
        """Whoever runs the `jemput` command on the server."""
        return cls(user_id=login, name=login, channel="cli")


async def is_staff(office: Office, user_id: str | None) -> bool:
    """An administrator (ADMIN_USER_IDS) or staff added with /staf."""
    return office.settings.is_admin(user_id) or await teams.is_staff(office.db, user_id)


async def staff_member(
    office: Office, channel: str, user_id: str | None, fallback_name: str | None = None
) -> Staff | None:
    """The `Staff` for a user id, or None when they are not staff; named as an administrator
    named them with /staf, else `fallback_name` (e.g. their Telegram name), else the id."""
    if not user_id or not await is_staff(office, user_id):
        return None
    name = await teams.staff_name(office.db, user_id) or fallback_name or user_id
    return Staff(user_id=user_id, name=name, channel=channel)
