"""Who may do what (staff are authorised by who pressed, not by the group) and the calendar."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.calendar import holidays_for
from bot.core.capacity import Calendar
from handlers.context import Context
from storage import teams


def holidays(ctx: Context) -> frozenset[date]:
    """The holidays in force."""
    return holidays_for(ctx.settings)


async def calendar(ctx: Context) -> Calendar:
    """Holidays and closed days for the booking horizon."""
    today = ctx.clock.today()
    end = today + timedelta(days=ctx.settings.order_max_days + 7)
    closed = await teams.closed_days(ctx.db, today, end)
    return Calendar(holidays=holidays(ctx), closed=closed)


async def is_staff(ctx: Context) -> bool:
    """The sender is an administrator (ADMIN_USER_IDS) or staff added with /staf."""
    user_id = ctx.inbound.user_id
    return ctx.settings.is_admin(user_id) or await teams.is_staff(ctx.db, user_id)


def actor(ctx: Context) -> str:
    """Audit form of who acted: 'telegram:<user_id>'."""
    return f"{ctx.inbound.channel}:{ctx.inbound.user_id or '?'}"


async def staff_name(ctx: Context) -> str:
    """How to name the sender to other staff."""
    user_id = ctx.inbound.user_id or "?"
    return await teams.staff_name(ctx.db, user_id) or ctx.inbound.user_name or user_id
