"""Staff commands: /staf (admins), /tim, /jadwal [date|minggu], /tolak CODE reason,
/selesai CODE terekam gagal tidak_hadir sudah_punya belum_16."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.messages import Reply
from bot.core.orders import TALLY_FIELDS, OrderStatus, Tallies
from bot.outreach import order_notices
from bot.outreach.order_text import short_day, visit_line
from handlers.access import actor, is_staff
from handlers.context import Context
from handlers.orders import parse_day
from handlers.router import Router
from handlers.staff import reject_order
from storage import orders, teams, visits
from storage.teams import TeamNameTaken


async def staff_cmd(ctx: Context, arg: str) -> list[Reply]:
    """/staf, /staf tambah USER_ID [nama], /staf hapus USER_ID (administrators only)."""
    if not ctx.settings.is_admin(ctx.inbound.user_id):
        return [ctx.reply("admin_only")]
    verb, _, rest = arg.partition(" ")
    user_id, _, name = rest.strip().partition(" ")
    now = ctx.clock.now()
    if verb in ("tambah", "add") and user_id.isdigit():
        new = await teams.add_staff(ctx.db, user_id, name.strip(), actor(ctx), now)
        return [ctx.reply("staff_added" if new else "staff_renamed", user_id=user_id)]
    if verb in ("hapus", "remove") and user_id.isdigit():
        gone = await teams.remove_staff(ctx.db, user_id, actor(ctx), now)
        return [ctx.reply("staff_removed" if gone else "staff_not_found", user_id=user_id)]
    if verb:
        return [ctx.reply("staff_usage")]
    people = await teams.list_staff(ctx.db)
    lines = [f"{p.user_id} {p.nama}".strip() for p in people] or ["-"]
    return [
        Reply(text=ctx.t("staff_list") + "\n" + "\n".join(lines) + "\n\n" + ctx.t("staff_usage"))
    ]


async def team_cmd(ctx: Context, arg: str) -> list[Reply]:
    """/tim, /tim tambah NAMA KIT [PER_KIT] [kendaraan], /tim hapus NAMA (staff)."""
    if not await is_staff(ctx):
        return [ctx.reply("staff_only")]
    words = arg.split()
    if words and words[0] in ("tambah", "add"):
        return await _add_team(ctx, words[1:])
    if len(words) == 2 and words[0] in ("hapus", "remove"):
        return await _remove_team(ctx, words[1])
    if words:
        return [ctx.reply("team_usage")]
    lines = [
        ctx.t("team_line", name=t.name, kits=t.kits, per_kit=t.per_kit, per_slot=t.per_slot,
              vehicle=t.vehicle or "-")
        for t in await teams.list_teams(ctx.db)
    ] or [ctx.t("team_none")]  # fmt: skip
    return [Reply(text="\n".join(lines) + "\n\n" + ctx.t("team_usage"))]


async def _add_team(ctx: Context, words: list[str]) -> list[Reply]:
    try:
        name, kits = words[0], int(words[1])
        per_kit = int(words[2]) if len(words) > 2 else ctx.settings.team_default_per_kit
    except (IndexError, ValueError):
        return [ctx.reply("team_usage")]
    if kits < 1 or per_kit < 1:
        return [ctx.reply("team_usage")]
    vehicle = " ".join(words[3:])
    try:
        team = await teams.add_team(ctx.db, name=name, kits=kits, per_kit=per_kit, vehicle=vehicle,
                                    members=[], actor=actor(ctx), now=ctx.clock.now())  # fmt: skip
    except TeamNameTaken:
        return [ctx.reply("team_exists", name=name)]
    return [ctx.reply("team_added", name=team.name, per_slot=team.per_slot)]


async def _remove_team(ctx: Context, name: str) -> list[Reply]:
    team = await teams.find_team(ctx.db, name)
    if team is None:
        return [ctx.reply("team_not_found", name=name)]
    now = ctx.clock.now()
    flagged = await visits.remove_team(ctx.db, team.id, actor(ctx), now, ctx.clock.today())
    await order_notices.flagged(ctx.db, ctx.settings, flagged, f"team{team.id}", now)
    return [ctx.reply("team_removed", name=team.name, count=len(flagged))]


async def plan_cmd(ctx: Context, arg: str) -> list[Reply]:
    """/jadwal [tanggal|minggu]: the visits, the orders waiting, handling times per team."""
    if not await is_staff(ctx):
        return [ctx.reply("staff_only")]
    today = ctx.clock.today()
    if arg.strip().lower() in ("minggu", "week"):
        start, end = today, today + timedelta(days=6)
    elif arg.strip():
        day = parse_day(arg, today)
        if day is None:
            return [ctx.reply("plan_usage")]
        start = end = day
    else:
        start = end = today
    return [Reply(text=await plan_text(ctx, start, end))]


async def plan_text(ctx: Context, start: date, end: date) -> str:
    """The plan between two dates as staff read it."""
    planned = await visits.visits_between(ctx.db, start, end)
    span = short_day(ctx.lang, start) + ("" if start == end else f" – {short_day(ctx.lang, end)}")
    lines = [ctx.t("plan_header", span=span)]
    lines += [visit_line(ctx.lang, v) for v in planned] or [ctx.t("plan_none")]
    waiting = await orders.orders_with_status(ctx.db, OrderStatus.BARU)
    lines.append("\n" + ctx.t("plan_waiting", count=len(waiting)))
    lines += [f"{o.code} · Kel. {o.kelurahan or '-'} · {o.participants}" for o in waiting[:10]]
    hours = await visits.handling_hours(ctx.db)
    if hours:
        lines.append("\n" + ctx.t("plan_handling"))
        lines += [
            ctx.t("plan_handling_line", team=n, count=c, hours=f"{h:.1f}") for n, c, h in hours
        ]
    return "\n".join(lines)


async def reject_cmd(ctx: Context, arg: str) -> list[Reply]:
    """/tolak JB-2026-0042 alasan …"""
    if not await is_staff(ctx):
        return [ctx.reply("staff_only")]
    code, _, reason = arg.strip().partition(" ")
    order = await orders.find_order(ctx.db, code) if code else None
    if order is None or len(reason.strip()) < 3:
        return [ctx.reply("reject_usage")]
    return await reject_order(ctx, order, reason.strip()[:300])


async def close_cmd(ctx: Context, arg: str) -> list[Reply]:
    """/selesai JB-2026-0042 30 2 5 1 0: close a visit with its tallies."""
    if not await is_staff(ctx):
        return [ctx.reply("staff_only")]
    words = arg.split()
    if len(words) != 1 + len(TALLY_FIELDS) or not all(w.isdigit() for w in words[1:]):
        return [ctx.reply("close_usage")]
    order = await orders.find_order(ctx.db, words[0])
    if order is None:
        return [ctx.reply("close_usage")]
    tallies = Tallies(**dict(zip(TALLY_FIELDS, (int(w) for w in words[1:]), strict=True)))
    return [ctx.reply(await close_visit(ctx, order.id, tallies), code=order.code)]


async def close_visit(ctx: Context, order_id: int, tallies: Tallies) -> str:
    """Close and thank the requester; returns the message key for staff."""
    return await order_notices.close_and_thank(
        ctx.db, order_id, tallies, actor(ctx), ctx.clock.now(), ctx.clock.today()
    )


def register(router: Router) -> None:
    """Add this module's commands."""
    router.command("staf", "staff", handler=staff_cmd)
    router.command("tim", "team", handler=team_cmd)
    router.command("jadwal", "plan", handler=plan_cmd)
    router.command("tolak", "reject", handler=reject_cmd)
    router.command("selesai", "close", handler=close_cmd)
