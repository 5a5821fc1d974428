"""Exceptions raised by Jemput Bola.

JemputError
├── InputError            bad data from a user or a file (carries a message key)
│   ├── NikError          a NIK or KK number that cannot be right
│   └── DateError         a date that cannot be parsed or cannot be right
├── ImportFileError       a whole import file is unusable (missing columns, empty, too big)
│   └── FileLimitError    over an import bound (rows, cell, line, zip size/ratio): a message key
├── IllegalTransition     an order or visit move the state machine (bot.core.orders) forbids
├── ChannelError          a messaging platform refused or failed a call
│   ├── ChatUnreachable   the recipient blocked the bot / is gone: never retry
│   ├── RateLimited       the platform asked us to wait `retry_after` seconds
│   └── TransientError    network trouble: retry with backoff
├── StorageError          the database is unusable (migration refused, wrong schema)
├── ConfigError           settings are missing or invalid (one clear line, no traceback)
└── OperatorError         something the operator fixes (a path, an argument): a message key
"""

from __future__ import annotations


class JemputError(Exception):
    """Base class of every error this project raises on purpose."""


class InputError(JemputError):
    """Bad input; `key` names the user-facing message, `detail` is for logs and reports."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(detail or key)
        self.key = key
        self.detail = detail or key


class NikError(InputError):
    """A NIK or KK number that cannot be right."""


class DateError(InputError):
    """A date that cannot be parsed or cannot be right."""


class ImportFileError(JemputError):
    """The import file as a whole cannot be used."""


class FileLimitError(ImportFileError):
    """A file over one of the import bounds (`bot.imports.limits`); `key` and `values` name
    the user's text about file `name`, the exception's own text is the English line for logs."""

    def __init__(self, key: str, name: str, english: str, **values: object) -> None:
        super().__init__(f"{name}: {english}")
        self.key, self.name, self.values = key, name, values


class IllegalTransition(JemputError):
    """A move that `bot.core.orders.ORDER_FLOW` / `VISIT_FLOW` does not allow."""

    def __init__(self, what: str, status: str, event: str) -> None:
        super().__init__(f"{what} in {status} cannot {event}")
        self.what, self.status, self.event = what, status, event


class ChannelError(JemputError):
    """A messaging platform refused or failed a call."""


class ChatUnreachable(ChannelError):
    """The chat blocked the bot, was deactivated or never started it: do not retry."""


class RateLimited(ChannelError):
    """The platform asked us to slow down."""

    def __init__(self, retry_after: float, detail: str = "") -> None:
        super().__init__(detail or f"retry after {retry_after}s")
        self.retry_after = retry_after


class TransientError(ChannelError):
    """Network or server trouble that may pass: retry with backoff."""


class StorageError(JemputError):
    """The database cannot be used as it is."""


class ConfigError(JemputError):
    """Settings are missing or invalid."""


class OperatorError(JemputError):
    """A problem the operator fixes (a path, a missing database, a bad argument).

    `key` and `values` name the one-line message in the CLI's language (`bot.i18n.cli`)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(f"{key}: {values}" if values else key)
        self.key = key
        self.values = values
