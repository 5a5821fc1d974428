"""The order and visit state machine (`bot.core.orders`) as SQL: status lists and moves.

Statuses go into SQL text as literals made from the enums (never from user input), so the SQL
says exactly what the transition table says.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from bot.core.orders import LIVE_VISITS, Move, OrderStatus, VisitStatus


def sql_list(values: Iterable[StrEnum]) -> str:
    """The SQL literals of some statuses, comma-separated for an IN (…) list (stable order)."""
    return ", ".join(f"'{v.value}'" for v in sorted(values))


def sources(move: Move[OrderStatus] | Move[VisitStatus]) -> str:
    """The statuses a move may start from, as an IN (…) list."""
    return sql_list(move.sources)


#: Visits holding their team's slot.
LIVE = sql_list(LIVE_VISITS)
