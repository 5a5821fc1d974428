"""`jemput jobs`, `jemput jobs run NAME`, `jemput outbox`, `jemput whatsapp templates`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from bot.cli.context import Cli, open_data

if TYPE_CHECKING:
    from bot.outreach.results import JobResult

#: Every scheduled job (the scheduler's `job_specs` has the same names; a test checks).
JOB_NAMES = (
    "summons", "triggers", "staff_digest", "officials_digest", "visit_reminders",
    "order_escalation", "backup",
)  # fmt: skip


def add_commands(sub: Any, h: Any, parents: dict[str, list[Any]]) -> None:
    """jobs [run NAME], outbox, whatsapp templates."""
    jobs = sub.add_parser("jobs", help=h("h_jobs"), parents=parents["data"])
    jobs.set_defaults(func=cmd_jobs)
    jobs_sub = jobs.add_subparsers(metavar="ACTION")
    names = ", ".join(JOB_NAMES)
    run_job = jobs_sub.add_parser(
        "run", help=h("h_jobs_run"), parents=parents["data"],
        description=h("h_job_name").replace("{jobs}", names),
    )  # fmt: skip
    run_job.add_argument("name", choices=JOB_NAMES, metavar="NAME",
                         help=h("h_job_name").replace("{jobs}", names))  # fmt: skip
    run_job.set_defaults(func=cmd_jobs_run)

    box = sub.add_parser("outbox", help=h("h_outbox"), parents=parents["data"])
    box.add_argument("--retry-dead", action="store_true", help=h("h_retry_dead"))
    box.set_defaults(func=cmd_outbox)

    wa = sub.add_parser("whatsapp", help=h("h_whatsapp"), parents=parents["common"])
    wa_sub = wa.add_subparsers(required=True, metavar="ACTION")
    templates = wa_sub.add_parser("templates", help=h("h_templates"), parents=parents["common"])
    templates.set_defaults(func=cmd_whatsapp_templates)


async def cmd_jobs(cli: Cli, args: argparse.Namespace) -> int:
    """List the scheduled jobs with their next and last runs (office time)."""
    from bot.app import build_outreach
    from bot.outreach.scheduler import JobRunner, describe_jobs

    async with open_data(cli) as app:
        found = await describe_jobs(JobRunner(build_outreach(app)))
    nxt, last_word = cli.text("cli_job_next"), cli.text("cli_job_last")
    for job in found:
        when = cli.local(job.next_run) if job.next_run else "-"
        last = cli.text("cli_job_never")
        if job.last is not None:
            state = job.last.error or job.last.result
            if job.last.finished_at is None:
                state = cli.text("cli_job_running")
            last = f"{job.last.slot}: {state}"
        print(f"{job.name:<17} {nxt} {when:<22} {cli.text(f'cli_about_{job.name}')}")
        print(f"{'':<17} {last_word} {last}")
    return 0


async def cmd_jobs_run(cli: Cli, args: argparse.Namespace) -> int:
    """Run one job now; a running `jemput run` sends what it enqueues within ~2 s."""
    from bot.app import build_outreach
    from bot.outreach.scheduler import JobRunner

    async with open_data(cli) as app:
        result = await JobRunner(build_outreach(app)).run_now(args.name)
    print(result_line(cli, args.name, result))
    return result.exit_code


def result_line(cli: Cli, name: str, result: JobResult) -> str:
    """'summons: done — 2 summons enqueued, 0 cancelled (recorded)' in the CLI's language."""
    if result.outcome == "done":
        counts = ", ".join(cli.text(f"cli_count_{key}", n=n) for key, n in result.counts.items())
        return cli.text("cli_job_done", name=name, counts=counts or "-")
    reason = result.reason
    if result.outcome == "skipped":
        return cli.text("cli_job_skipped", name=name, reason=cli.text(f"cli_reason_{reason}"))
    return cli.text("cli_job_failed", name=name, reason=reason)


async def cmd_outbox(cli: Cli, args: argparse.Namespace) -> int:
    """Print the operator view of the outbox (optionally retrying dead letters first)."""
    from bot.outreach.jobs import outbox_report_text
    from storage.outbox import retry_dead

    async with open_data(cli) as app:
        if args.retry_dead:
            count = await retry_dead(app.db, app.clock.now())
            cli.say("cli_dead_requeued", count=count)
        print(await outbox_report_text(app.db, app.clock, cli.lang))
    return 0


async def cmd_whatsapp_templates(cli: Cli, args: argparse.Namespace) -> int:
    """Print the WhatsApp message templates (names from settings) to submit for approval."""
    from bot.channels.whatsapp_templates import print_templates

    print_templates(cli.settings)
    return 0
