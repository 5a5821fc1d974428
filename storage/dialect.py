"""The SQL dialect layer: storage modules write SQLite SQL once; on PostgreSQL it is translated.

The translation is mechanical and cached per statement: placeholders (`?` → `%s`, `:name` →
`%(name)s`), `INSERT OR IGNORE` / `INSERT OR REPLACE` → `ON CONFLICT`, SQLite planner hints
(`INDEXED BY`, unary `+column`) dropped, `date(x, '+N years')`, `WHERE 1` and `CROSS JOIN … ON`
spelled for PostgreSQL, the `temp.` schema as `pg_temp.`, a parameter used as a condition
(`WHERE ? AND`, `OR ?)`: an integer flag) compared with 0, and `RETURNING id` added to an insert
into a table with a generated id so `cursor.lastrowid` works. SQLite functions without a
PostgreSQL twin (`julianday`, two-argument `max`/`min`, `json_each`, `json_object`, `json`), the
`nocase` collation and a `sqlite_master` view are created by `storage/migrations/pg/functions.sql`,
so the statements keep their SQLite spelling.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache


class Dialect(StrEnum):
    """Which engine a database runs on."""

    SQLITE = "sqlite"
    POSTGRES = "postgres"


#: Primary keys of the tables written with `INSERT OR REPLACE` (the conflict target on PG).
REPLACE_KEYS: dict[str, tuple[str, ...]] = {
    "residents": ("nik",),
    "closed_days": ("day",),
    "school_orders": ("order_id",),
    "wa_choices": ("chat_id",),
    "chats": ("channel", "chat_id"),
    "summons": ("nik",),
}
#: Tables whose `id` the database generates: an insert returns it (`lastrowid`).
ID_TABLES = frozenset(
    {
        "audit_log", "status_history", "verify_failures", "outbox", "outbox_texts", "job_runs",
        "officials", "teams", "orders", "visits", "wa_held", "import_runs",
    }
)  # fmt: skip

_STRING = re.compile(r"'(?:[^']|'')*'")
_PLACEHOLDER = re.compile(r"\?|(?<![:\w]):([A-Za-z_]\w*)")
_FLAG = re.compile(
    r"\b(WHERE|AND|OR)\s+(\?|:[A-Za-z_]\w*)(?=\s*(?:\)|AND\b|OR\b|ORDER\b|GROUP\b|LIMIT\b|$))",
    re.IGNORECASE,
)
_BETWEEN = re.compile(r"\bBETWEEN\s+(\S+)\s+AND\b", re.IGNORECASE)
_INDEXED = re.compile(r"\s+(?:INDEXED\s+BY\s+\w+|NOT\s+INDEXED)\b", re.IGNORECASE)
_UNARY_PLUS = re.compile(r"(?<=[\s(=])\+(?=[A-Za-z_])")
_TEMP = re.compile(r"\btemp\.(?=\w)")
_WITHOUT_ROWID = re.compile(r"\)\s*WITHOUT\s+ROWID", re.IGNORECASE)
_OR_IGNORE = re.compile(r"^(\s*)INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_OR_REPLACE = re.compile(
    r"^(\s*)INSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)\s*\(([^)]*)\)", re.IGNORECASE | re.DOTALL
)
_WHERE_TRUE = re.compile(r"\bWHERE\s+1\b(?!\s*[=<>!])", re.IGNORECASE)
_DATE_PLUS = re.compile(r"\bdate\(([\w.]+),\s*'\+(\d+) (years|months|days)'\)", re.IGNORECASE)
_CROSS_ON = re.compile(r"\bCROSS\s+JOIN(\s+[\w.]+(?:\s+(?:AS\s+)?\w+)?\s+ON)\b", re.IGNORECASE)
_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


@lru_cache(maxsize=2048)
def to_postgres(sql: str) -> str:
    """The PostgreSQL form of a statement written for SQLite (see the module docstring)."""
    # Literals are set aside so that nothing inside quotes is rewritten.
    literals: list[str] = []

    def _keep(match: re.Match[str]) -> str:
        literals.append(match.group(0).replace("%", "%%"))
        return f"\x00{len(literals) - 1}\x00"

    out = _DATE_PLUS.sub(
        lambda m: (
            f"to_char(({m.group(1)})::date + interval '{m.group(2)} {m.group(3)}', 'YYYY-MM-DD')"
        ),
        sql,
    )
    out = _STRING.sub(_keep, out)
    out = _WHERE_TRUE.sub("WHERE TRUE", out)
    out = out.replace("%", "%%")
    out = _INDEXED.sub("", out)
    out = _CROSS_ON.sub(r"JOIN\1", out)
    out = _UNARY_PLUS.sub("", out)
    out = _TEMP.sub("pg_temp.", out)
    out = _WITHOUT_ROWID.sub(")", out)
    out = _BETWEEN.sub(lambda m: f"BETWEEN {m.group(1)} \x01", out)
    out = _FLAG.sub(lambda m: f"{m.group(1)} ({m.group(2)})::int <> 0", out)
    out = out.replace("\x01", "AND")
    ignore = bool(_OR_IGNORE.match(out))
    if ignore:
        out = _OR_IGNORE.sub(r"\1INSERT INTO", out)
        out = _on_conflict(out, "ON CONFLICT DO NOTHING")
    replace = _OR_REPLACE.match(out)
    if replace:
        table, columns = replace.group(2), [c.strip() for c in replace.group(3).split(",")]
        keys = REPLACE_KEYS[table]
        sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in keys)
        action = f"DO UPDATE SET {sets}" if sets else "DO NOTHING"
        out = _OR_REPLACE.sub(lambda m: f"{m.group(1)}INSERT INTO {table} ({m.group(3)})", out)
        out = _on_conflict(out, f"ON CONFLICT ({', '.join(keys)}) {action}")
    out = _PLACEHOLDER.sub(lambda m: f"%({m.group(1)})s" if m.group(1) else "%s", out)
    return re.sub("\x00(\\d+)\x00", lambda m: literals[int(m.group(1))], out)


def returns_id(sql: str) -> str | None:
    """The statement with `RETURNING id` added when it inserts into a table with a generated id
    (and returns nothing yet), else None."""
    match = _INSERT.match(sql)
    if not match or match.group(1) not in ID_TABLES or _RETURNING.search(sql):
        return None
    return sql.rstrip().rstrip(";") + " RETURNING id"


def _on_conflict(sql: str, clause: str) -> str:
    """Add an ON CONFLICT clause at the end of an insert (before RETURNING)."""
    found = _RETURNING.search(sql)
    if found:
        return f"{sql[: found.start()].rstrip()} {clause} {sql[found.start() :]}"
    return f"{sql.rstrip().rstrip(';')} {clause}"
