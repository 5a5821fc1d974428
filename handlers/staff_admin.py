"""Staff commands: /staf (admins), /tim, /jadwal [date|minggu], /tolak CODE reason
(/selesai is `handlers.tallies`)."""

from __future__ import annotations

from datetime import timedelta

from bot.core.messages import Reply
from bot.core.numbers import parse_id, parse_number
from bot.office import teams as office_teams
from bot.office import visits as office_visits
from bot.office.desk import Staff
from bot.office.orders import REASON_MAX, REASON_MIN
from bot.office.teams import NewTeam, TeamOutcome
from bot.office.visits import Plan
from bot.outreach.order_text import short_day, visit_line
from handlers.access import actor, is_staff, staff
from handlers.context import Context
from handlers.orders import parse_day
from handlers.router import Router
from handlers.staff import reject_order
from storage import orders, teams


async def staff_cmd(ctx: Context, arg: str) -> list[Reply]:
    """/staf, /staf tambah USER_ID [nama], /staf hapus USER_ID (administrators only)."""
    if not ctx.settings.is_admin(ctx.inbound.user_id):
        return [ctx.reply("admin_only")]
    verb, _, rest = arg.partition(" ")
    typed_id, _, name = rest.strip().partition(" ")
    number, now = parse_id(typed_id), ctx.clock.now()
    user_id = str(number) if number is not None else ""
    if verb in ("tambah", "add") and user_id:
        new = await teams.add_staff(ctx.db, user_id, name.strip()[:80], actor(ctx), now)
        return [ctx.reply("staff_added" if new else "staff_renamed", user_id=user_id)]
    if verb in ("hapus", "remove") and user_id:
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
    who = await staff(ctx)
    if who is None:
        return [ctx.reply("staff_only")]
    words = arg.split()
    if words and words[0] in ("tambah", "add"):
        return await _add_team(ctx, who, words[1:])
    if len(words) == 2 and words[0] in ("hapus", "remove"):
        return await _remove_team(ctx, who, words[1])
    if words:
        return [ctx.reply("team_usage")]
    lines = [
        ctx.t("team_line", name=team.name, kits=team.kits, per_kit=team.per_kit,
              per_slot=team.per_slot, vehicle=team.vehicle or "-")
        for team in await office_teams.list_teams(ctx.office)
    ] or [ctx.t("team_none")]  # fmt: skip
    return [Reply(text="\n".join(lines) + "\n\n" + ctx.t("team_usage"))]


async def _add_team(ctx: Context, who: Staff, words: list[str]) -> list[Reply]:
    name, sizes = (words[0], words[1:3]) if words else ("", [])
    numbers = [parse_number(w, low=1) for w in sizes]
    if not numbers or None in numbers:
        return [ctx.reply("team_usage")]
    kits, per_kit = numbers[0] or 0, numbers[1] if len(numbers) > 1 else None
    new = NewTeam(name=name, kits=kits, per_kit=per_kit, vehicle=" ".join(words[3:]))
    added = await office_teams.add_team(ctx.office, who, new)
    if added.outcome is TeamOutcome.NAME_TAKEN:
        return [ctx.reply("team_exists", name=name)]
    if added.team is None:
        return [ctx.reply("team_usage")]
    return [ctx.reply("team_added", name=added.team.name, per_slot=added.team.per_slot)]


async def _remove_team(ctx: Context, who: Staff, name: str) -> list[Reply]:
    removed = await office_teams.remove_team(ctx.office, who, name)
    if removed is None or removed.team is None:
        return [ctx.reply("team_not_found", name=name)]
    return [ctx.reply("team_removed", name=removed.team.name, count=len(removed.orders))]


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
    return [Reply(text=plan_text(ctx, await office_visits.plan(ctx.office, start, end)))]


def plan_text(ctx: Context, plan: Plan) -> str:
    """The plan between two dates as staff read it."""
    start, end = plan.start, plan.end
    span = short_day(ctx.lang, start) + ("" if start == end else f" – {short_day(ctx.lang, end)}")
    lines = [ctx.t("plan_header", span=span)]
    lines += [visit_line(ctx.lang, v) for v in plan.visits] or [ctx.t("plan_none")]
    lines.append("\n" + ctx.t("plan_waiting", count=len(plan.waiting)))
    lines += [
        f"{q.order.code} · Kel. {q.order.kelurahan or '-'} · {q.order.participants}"
        for q in plan.waiting[:10]
    ]
    if plan.handling:
        lines.append("\n" + ctx.t("plan_handling"))
        lines += [
            ctx.t("plan_handling_line", team=h.team, count=h.visits, hours=f"{h.hours:.1f}")
            for h in plan.handling
        ]
    return "\n".join(lines)


async def reject_cmd(ctx: Context, arg: str) -> list[Reply]:
    """/tolak JB-2026-0042 alasan …"""
    who = await staff(ctx)
    if who is None:
        return [ctx.reply("staff_only")]
    code, _, reason = arg.strip().partition(" ")
    order = await orders.find_order(ctx.db, code) if code else None
    if order is None or len(reason.strip()) < REASON_MIN:
        return [ctx.reply("reject_usage")]
    return await reject_order(ctx, who, order.id, reason.strip()[:REASON_MAX])


def register(router: Router) -> None:
    """Add this module's commands."""
    router.command("staf", "staff", handler=staff_cmd)
    router.command("tim", "team", handler=team_cmd)
    router.command("jadwal", "plan", handler=plan_cmd)
    router.command("tolak", "reject", handler=reject_cmd)
