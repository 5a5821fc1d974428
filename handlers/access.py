"""Who may do what (staff are authorised by who pressed, not by the group) and the calendar."""

from __future__ import annotations

from datetime import date

from bot.core.capacity import Calendar
from bot.office import desk
from bot.office.desk import Staff
from handlers.context import Context


def holidays(ctx: Context) -> frozenset[date]:
    """The holidays in force."""
    return ctx.office.holidays()


async def calendar(ctx: Context) -> Calendar:
    """Holidays and closed days for the booking horizon."""
    return await ctx.office.calendar()


async def is_staff(ctx: Context) -> bool:
    """The sender is an administrator (ADMIN_USER_IDS) or staff added with /staf."""
    return await desk.is_staff(ctx.office, ctx.inbound.user_id)


async def staff(ctx: Context) -> Staff | None:
    """The sender as the office services' `Staff`, or None when they are not staff."""
    inbound = ctx.inbound
    return await desk.staff_member(ctx.office, inbound.channel, inbound.user_id, inbound.user_name)


def actor(ctx: Context) -> str:
    """Audit form of who acted: 'telegram:<user_id>'."""
    return f"{ctx.inbound.channel}:{ctx.inbound.user_id or '?'}"
