"""/pesananku: a requester's orders with their status; cancel until the day before; reschedule."""

from __future__ import annotations

import logging

from bot.core.messages import Button, Reply, Verb, payload
from bot.core.numbers import parse_id
from bot.core.orders import OrderEvent, OrderStatus, can
from bot.i18n import t
from bot.outreach import order_notices
from bot.outreach.order_text import long_day, order_title, slot_text
from handlers.access import actor
from handlers.context import Context
from handlers.router import Router
from handlers.steps import MyOrderStep
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
                    title=ctx.t("btn_cancel_order", code=order.code),
                    payload=payload(Verb.MY_ORDER, MyOrderStep.ASK_CANCEL, order.id),
                )
            )
        if can(order.status, OrderEvent.REPLAN):
            buttons.append(
                Button(
                    title=ctx.t("btn_reschedule", code=order.code),
                    payload=payload(Verb.MY_ORDER, MyOrderStep.RESCHEDULE, order.id),
                )
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
    order_id = parse_id(value)
    if order_id is None or step not in MyOrderStep.__members__.values():
        return [ctx.reply("stale_button")]
    chat = ctx.chat  # only the requester's own chat finds the order
    order = await orders.order_of_chat(ctx.db, order_id, chat.channel, chat.chat_id)
    if order is None:
        return [ctx.reply("stale_button")]
    if step == MyOrderStep.RESCHEDULE:
        return await _reschedule(ctx, order)
    problem = await _cancel_problem(ctx, order)
    if problem:
        return [ctx.reply(problem, code=order.code)]
    if step == MyOrderStep.ASK_CANCEL:
        yes = ctx.button("btn_cancel_yes", Verb.MY_ORDER, MyOrderStep.CANCEL, order.id)
        return [ctx.reply("cancel_confirm", [yes], code=order.code)]
    return await _cancel(ctx, order)


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
    return [*ctx.spent_buttons(), ctx.reply("cancel_done", code=order.code)]


async def _reschedule(ctx: Context, order: Order) -> list[Reply]:
    now = ctx.clock.now()
    if not await orders.request_reschedule(ctx.db, order.id, now):
        return [ctx.reply("reschedule_not_possible", code=order.code)]
    lang = ctx.settings.default_language
    text = t(lang, "staff_reschedule_request", code=order.code, phone=order.phone)
    button = Button(title=t(lang, "btn_replan"), payload=payload(Verb.REPLAN, order.id))
    await order_notices.notify_staff_text(
        ctx.db, ctx.settings, text, f"order-resched:{order.id}:{now.timestamp():.0f}", now, [button]
    )
    return [ctx.reply("reschedule_sent", code=order.code)]


def register(router: Router) -> None:
    """Add this module's command and buttons."""
    router.command("pesananku", "my_orders", "myorders", handler=my_orders)
    router.button(Verb.MY_ORDER, my_order_button)
