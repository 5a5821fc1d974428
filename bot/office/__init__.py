"""Office work shared by every face (the staff group chat, the web console, the CLI).

Each operation decides once, writes (one transaction), audits with the acting staff member and
enqueues the notices in the outbox; the faces only authorise the user and present the typed
outcome. Build an `Office` once and say who acts with a `Staff`:

    from bot.office import orders, teams, visits, officials
    from bot.office.desk import Office, Staff, staff_member

    office = Office(db, settings, clock)
    ani = await staff_member(office, "console", "9001", "Ani")     # None: not staff
    result = await orders.schedule(office, ani, orders.ScheduleRequest(order_id, team_id, day))
    if result.outcome is Attempt.TAKEN: show(f"taken by {result.holder}")

Modules (each docstring lists its functions and outcomes):

- `desk`      `Office`, `Staff`, `staff_member`, `is_staff`
- `orders`    queue (age vs ORDER_SLA_DAYS), detail, claim, day_choices (with nearby visits),
              team_choices, schedule, reject (with `RejectReason`), replan
- `visits`    close_visit / close_by_code with `Tallies`, plan (visits, waiting, handling times)
- `teams`     list_teams, add_team (`NewTeam`), remove_team, close_day, capacity per
              team × day × slot
- `officials` waiting registrations, decide (approve/reject), area_text

Outcomes are frozen dataclasses carrying an enum: `bot.core.orders.Attempt` for order moves
(DONE, TAKEN, HANDLED, FULL, NOT_FOUND, INVALID), `CloseOutcome`, `TeamOutcome`, `Decision`.
Nothing here raises for a lost race or a bad choice; the database enforces the single winner.
"""
