"""/pesananku: a requester's orders with their status; cancel until the day before; reschedule."""

from __future__ import annotations

import logging

from bot.core.messages import Button, Reply
from bot.core.orders import OrderEvent, OrderStatus, can
from bot.i18n import t
from bot.outreach import order_notices
from bot.outreach.order_text import long_day, order_title, slot_text
from handlers.access import actor
from handlers.context import Context
from handlers.router import Router
from storage import orders, visits
from storage.orders import Order

logger = logging.getLogger(__name__)


async def my_orders(ctx: Context, arg: str) -> list[Reply]:
    """List the chat's orders, newest first, with cancel/reschedule buttons."""
    mine = await orders.orders_of_chat(ctx.db, ctx.chat.channel, ctx.chat.chat_id)
    if not mine:
        return [ctx.reply("my_orders_none")]
    lines, buttons = [ctx.t("my_orders_header")], []
    for order in mine:
        lines.append(await _line(ctx, order))
        if can(order.status, OrderEvent.CANCEL):
            buttons.append(
                Button(
                    title=ctx.t("btn_cancel_order", code=order.code), payload=f"myo:c:{order.id}"
                )
            )
        if can(order.status, OrderEvent.REPLAN):
            buttons.append(
                Button(title=ctx.t("btn_reschedule", code=order.code), payload=f"myo:r:{order.id}")
            )
    return [Reply(text="\n\n".join(lines), buttons=buttons)]


async def _line(ctx: Context, order: Order) -> str:
    line = order_title(ctx.lang, order)
    visit = await visits.visit_of_order(ctx.db, order.id)
    if visit is not None:
        line += "\n" + ctx.t(
            "my_order_visit",
            date=long_day(ctx.lang, visit.day),
            slot=slot_text(ctx.lang, visit.slot),
        )
    if order.status is OrderStatus.DITOLAK and order.reason:
        line += "\n" + ctx.t("my_order_reason", reason=order.reason)
    return line


async def my_order_button(ctx: Context, arg: str) -> list[Reply]:
    """'myo:c:<id>' asks, 'myo:cy:<id>' cancels, 'myo:r:<id>' asks staff for another date."""
    step, _, value = arg.partition(":")
    order = await orders.get_order(ctx.db, int(value)) if value.isdigit() else None
    if order is None or (order.channel, order.chat_id) != (ctx.chat.channel, ctx.chat.chat_id):
        return [ctx.reply("stale_button")]
    if step in ("c", "cy"):
        problem = await _cancel_problem(ctx, order)
        if problem:
            return [ctx.reply(problem, code=order.code)]
        if step == "c":
            yes = Button(title=ctx.t("btn_cancel_yes"), payload=f"myo:cy:{order.id}")
            return [ctx.reply("cancel_confirm", [yes], code=order.code)]
        return await _cancel(ctx, order)
    if step == "r":
        return await _reschedule(ctx, order)
    return [ctx.reply("stale_button")]


async def _cancel_problem(ctx: Context, order: Order) -> str | None:
    """Why the order cannot be cancelled now (message key), or None."""
    if not can(order.status, OrderEvent.CANCEL):
        return "cancel_not_open"
    visit = await visits.visit_of_order(ctx.db, order.id)
    if visit is not None and visit.day <= ctx.clock.today():
        return "cancel_too_late"
    return None


async def _cancel(ctx: Context, order: Order) -> list[Reply]:
    now = ctx.clock.now()
    if not await orders.cancel(ctx.db, order.id, actor(ctx), now):
        return [ctx.reply("cancel_not_open", code=order.code)]
    logger.info("Order %s cancelled by the requester", order.code)
    lang = ctx.settings.default_language
    text = t(lang, "staff_order_cancelled", code=order.code)
    await order_notices.notify_staff_text(
        ctx.db, ctx.settings, text, f"order-cancel:{order.id}", now
    )
    return [ctx.reply("cancel_done", code=order.code)]


async def _reschedule(ctx: Context, order: Order) -> list[Reply]:
    now = ctx.clock.now()
    if not await orders.request_reschedule(ctx.db, order.id, now):
        return [ctx.reply("reschedule_not_possible", code=order.code)]
    lang = ctx.settings.default_language
    text = t(lang, "staff_reschedule_request", code=order.code, phone=order.phone)
    button = Button(title=t(lang, "btn_replan"), payload=f"srs:{order.id}")
    await order_notices.notify_staff_text(
        ctx.db, ctx.settings, text, f"order-resched:{order.id}:{now.timestamp():.0f}", now, [button]
    )
    return [ctx.reply("reschedule_sent", code=order.code)]


def register(router: Router) -> None:
    """Add this module's command and buttons."""
    router.command("pesananku", "my_orders", "myorders", handler=my_orders)
    router.button("myo", my_order_button)
