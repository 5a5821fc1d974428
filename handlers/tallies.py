"""/selesai: staff record a visit's results, with a number pad or typed at once.

`/selesai JB-2026-0042` opens a number pad under a message that lists the five tallies; each
press updates that message in place (on Telegram; elsewhere it comes again) and "Simpan" closes
the visit. `/selesai JB-2026-0042 30 2 5 1 0` (terekam gagal tidak_hadir sudah_punya belum_16)
does it in one go. Both go through `bot.office.visits`, like `jemput visit close`.

The pad keeps no state of its own: every button carries the whole pad after the press
('tl:<order id>:<field>:<n.n.n.n.n>', field 0–4, or 's' to save), so two staff members, a
restart or an old pad never mix up numbers; the press is authorised by who pressed it.
"""

from __future__ import annotations

from bot.core.messages import Button, Reply, Verb, payload
from bot.core.numbers import parse_id, parse_number, payload_args
from bot.core.orders import MAX_TALLY, TALLY_FIELDS, Tallies, VisitStatus
from bot.office import orders as office_orders
from bot.office import visits as office_visits
from bot.office.desk import Staff
from bot.office.visits import CLOSE_KEYS, CloseOutcome
from bot.outreach.order_text import tallies_text
from handlers.access import staff
from handlers.context import Context
from handlers.router import Router
from storage import orders

SAVE = "s"
DIGITS = "1234567890"


async def close_cmd(ctx: Context, arg: str) -> list[Reply]:
    """/selesai KODE (the pad) or /selesai KODE t g th sp b16 (at once)."""
    who = await staff(ctx)
    if who is None:
        return [ctx.reply("staff_only")]
    words = arg.split()
    if len(words) == 1:
        return await _open_pad(ctx, words[0])
    counts = [parse_number(w, high=MAX_TALLY) for w in words[1:]]
    numbers = [c for c in counts if c is not None]
    if len(words) != 1 + len(TALLY_FIELDS) or len(numbers) != len(TALLY_FIELDS):
        return [ctx.reply("close_usage")]
    return await _close(ctx, who, words[0], numbers)


async def _open_pad(ctx: Context, code: str) -> list[Reply]:
    """The pad, once the order has a visit that can be closed today."""
    order = await orders.find_order(ctx.db, code)
    found = await office_orders.detail(ctx.office, order.id) if order else None
    if found is None:
        return [ctx.reply("close_usage")]
    visit = found.visit
    if visit is None or visit.status is not VisitStatus.TERJADWAL:
        return [ctx.reply("close_not_scheduled", code=found.order.code)]
    if visit.day > ctx.clock.today():
        return [ctx.reply("close_too_early", code=found.order.code)]
    return [pad(ctx, found.order.id, found.order.code, 0, [0] * len(TALLY_FIELDS))]


def pad(ctx: Context, order_id: int, code: str, field: int, values: list[int]) -> Reply:
    """The tallies with the current field marked, and the buttons that change them."""
    lines = [
        f"{'▶' if i == field else '  '} {ctx.t(f'tally_{name}')}: {values[i]}"
        for i, name in enumerate(TALLY_FIELDS)
    ]
    text = ctx.t("tally_pad", code=code, fields="\n".join(lines))

    def press(new_field: int | str, new_values: list[int]) -> str:
        return payload(Verb.TALLY, order_id, new_field, ".".join(map(str, new_values)))

    def typed(digit: str) -> list[int]:
        value = values[field] * 10 + int(digit)
        return _with(values, field, value if value <= MAX_TALLY else values[field])

    buttons = [Button(title=d, payload=press(field, typed(d))) for d in DIGITS]
    buttons.append(
        Button(title="⌫", payload=press(field, _with(values, field, values[field] // 10)))
    )
    following = (field + 1) % len(TALLY_FIELDS)
    buttons.append(Button(title=ctx.t("btn_tally_next"), payload=press(following, values)))
    buttons.append(Button(title=ctx.t("btn_tally_save"), payload=press(SAVE, values)))
    return Reply(text=text, buttons=buttons)


def _with(values: list[int], field: int, value: int) -> list[int]:
    return [value if i == field else v for i, v in enumerate(values)]


async def tally_button(ctx: Context, arg: str) -> list[Reply]:
    """A press on the pad: the pad again (in place), or the visit closed."""
    who = await staff(ctx)
    if who is None:
        return [ctx.reply("staff_only")]
    order_arg, field_arg, values_arg = payload_args(arg, 3) or ("", "", "")
    order_id = parse_id(order_arg)
    counts = [parse_number(v, high=MAX_TALLY) for v in values_arg.split(".")]
    values = [c for c in counts if c is not None]
    field = parse_number(field_arg, high=len(TALLY_FIELDS) - 1)
    order = await orders.get_order(ctx.db, order_id) if order_id is not None else None
    if order is None or len(values) != len(TALLY_FIELDS) or (field is None and field_arg != SAVE):
        return [ctx.reply("stale_button")]
    if field is not None:
        return [ctx.in_place(pad(ctx, order.id, order.code, field, values))]
    return await _close(ctx, who, order.code, values)


async def _close(ctx: Context, who: Staff, code: str, values: list[int]) -> list[Reply]:
    tallies = Tallies(**dict(zip(TALLY_FIELDS, values, strict=True)))
    closed = await office_visits.close_by_code(ctx.office, who, code, tallies)
    if closed.order is None:
        return [ctx.reply("close_usage")]
    if closed.outcome is not CloseOutcome.DONE:
        return [ctx.reply(CLOSE_KEYS[closed.outcome], code=closed.order.code)]
    done = ctx.reply(
        "close_done_tallies", code=closed.order.code, tallies=tallies_text(ctx.lang, tallies)
    )
    return [ctx.in_place(done)]  # a pad becomes the record


def register(router: Router) -> None:
    """Add /selesai (alias /close) and the pad's button."""
    router.command("selesai", "close", handler=close_cmd)
    router.button(Verb.TALLY, tally_button)
