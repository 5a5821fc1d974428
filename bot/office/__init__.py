"""Office work shared by every face (chat, web console, CLI): scheduling orders, teams, closed
days, visit results, officials. Each operation decides once, writes, audits and enqueues the
notices; handlers, the console and the CLI only present it."""
