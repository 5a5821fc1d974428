"""The staff web console under `/konsol/`: server-rendered pages over the office services.

`build_console(office)` returns the Starlette app that `jemput run` mounts on its web server.
Login goes through the bot (`/konsol` → a single-use link, `handlers/console_login.py`); each
request is checked against the staff list again (`auth`); every form carries a CSRF token.
Pages only present: every decision is made by `bot.office` (orders, teams, visits, officials),
`bot.reports` (progress) and `bot.imports` (uploads), which audit with the staff member as actor.

    app.py       routes, security headers, static files
    auth.py      login links, session cookie, CSRF, who is asking (`Visit`)
    render.py    Jinja2 templates with the staff member's language
    summary.py   Ringkasan (coverage, projection, chart; figures cached a minute)
    orders.py    Pesanan (queue, detail, schedule, reject)
    planning.py  Jadwal (week per team), Tim & hari tutup
    people.py    Pengurus (officials), Warga (one resident by NIK)
    ops.py       Impor, Outbox, Audit
"""

from bot.web.app import Console, build_console

__all__ = ["Console", "build_console"]
