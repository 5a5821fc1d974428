"""The `jemput` command (also `python -m bot`): parsing, language, logging, exit codes.

Exit codes: 0 done; 1 a job or action failed; 2 something the operator fixes (one line starting
`jemput:` in the CLI's language: DEFAULT_LANGUAGE, or `--lang`); 130 interrupted. An unexpected
error writes its traceback to ERROR_LOG and one line to the user. Every command module loads its
heavy dependencies inside its functions, so the command starts fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from bot.cli import data, field, jobs, orders, run, scale
from bot.cli.context import Cli
from bot.cli.logs import setup_logging
from bot.errors import (
    ConfigError,
    FileLimitError,
    ImportFileError,
    InputError,
    JemputError,
    OperatorError,
    StorageError,
)
from bot.i18n import LANGUAGES, t
from bot.i18n.cli import ARGPARSE_ID

logger = logging.getLogger("jemput")

Help = Callable[[str], str]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = early_language(argv)
    parser = build_parser(lang)
    args = parser.parse_args(argv)
    if not hasattr(args, "func") and not args.version:
        parser.error(t(lang, "cli_need_command"))
    old_umask = os.umask(0o077)  # whatever else is written: private (UU 27/2022)
    try:
        return _run(args, lang)
    finally:
        os.umask(old_umask)


def _run(args: argparse.Namespace, lang: str) -> int:
    """Load settings, run the command, turn failures into one line and an exit code."""
    from bot.settings import load_settings  # pydantic: not needed for --help

    crash: logging.Logger | None = None
    try:
        overrides = _db_override(getattr(args, "db", None))
        settings = load_settings(**overrides)
        lang = getattr(args, "lang", None) or settings.default_language
        crash = setup_logging(settings, getattr(args, "verbose", False), service=_is_run(args))
        cli = Cli(settings, lang)
        if args.version:
            return data.print_version(cli)
        import asyncio  # not needed for --help / --version

        return int(asyncio.run(args.func(cli, args)) or 0)
    except OperatorError as exc:
        return _fail(t(lang, exc.key, **exc.values))
    except InputError as exc:
        return _fail(t(lang, exc.key) if exc.key != exc.detail else exc.detail)
    except FileLimitError as exc:  # over an import bound: the line in the user's language
        return _fail(f"{exc.name}: {t(lang, exc.key, **exc.values)}")
    except (ConfigError, ImportFileError, StorageError) as exc:
        return _fail(str(exc))
    except JemputError as exc:  # e.g. a platform refused a call during a command
        return _fail(str(exc), code=1)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `jemput audit | head`: the reader has gone, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # a bug: the traceback to the error log, one line to the user
        where = "-"
        if crash is not None:
            crash.error("Unexpected error in `jemput %s`", _command(args), exc_info=True)
            where = crash.handlers[0].baseFilename  # type: ignore[attr-defined]
        elif getattr(args, "verbose", False):  # no error log yet (settings unread): -v shows it
            logger.exception("Unexpected error")
        return _fail(t(lang, "cli_unexpected", error=type(exc).__name__, log=where), code=1)


def _db_override(value: str | None) -> dict[str, object]:
    """--db: a SQLite file, or a postgresql:// URL (then it is DATABASE_URL)."""
    if not value:
        return {}
    if "://" in value:  # a URL: DATABASE_URL checks it is PostgreSQL
        return {"database_url": value}
    return {"database_path": Path(value)}


def _fail(line: str, code: int = 2) -> int:
    print(f"jemput: {line}", file=sys.stderr)
    return code


def _is_run(args: argparse.Namespace) -> bool:
    return getattr(args, "func", None) is run.cmd_run


def _command(args: argparse.Namespace) -> str:
    func = getattr(args, "func", None)
    return getattr(func, "__name__", "?").removeprefix("cmd_").replace("_", " ")


def early_language(argv: Sequence[str]) -> str:
    """The CLI language before settings are read: --lang, DEFAULT_LANGUAGE, ./.env, else id."""
    for i, arg in enumerate(argv):
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else value
        if value in LANGUAGES:
            return value
    found = os.environ.get("DEFAULT_LANGUAGE") or _dotenv("DEFAULT_LANGUAGE")
    return found if found in LANGUAGES else "id"


def _dotenv(name: str) -> str | None:
    try:
        lines = Path(".env").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        key, sep, value = line.partition("=")
        if sep and key.strip() == name:
            return value.split("#", 1)[0].strip().strip("'\"")
    return None


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors in the CLI's language."""

    lang = "id"

    def error(self, message: str) -> NoReturn:
        """`jemput: <message> (see jemput --help)`, exit 2."""
        self.exit(2, f"jemput: {t(self.lang, 'cli_usage', message=message)}\n")


def build_parser(lang: str) -> argparse.ArgumentParser:
    """The whole command tree, help texts in `lang`."""
    if lang == "id":  # argparse's own words (usage, options, required …)
        argparse._ = lambda text: ARGPARSE_ID.get(text, text)  # type: ignore[attr-defined]
    Parser.lang = lang

    def h(key: str) -> str:
        return t(lang, key).replace("%", "%%")

    common = Parser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help=h("h_verbose"))  # fmt: skip
    common.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=h("h_lang"))
    with_db = Parser(add_help=False, parents=[common])
    with_db.add_argument("--db", type=str, default=argparse.SUPPRESS, help=h("h_db"))

    parser = Parser(prog="jemput", description=h("h_jemput"), parents=[with_db])
    parser.add_argument("--version", action="store_true", help=h("h_version"))
    sub = parser.add_subparsers(metavar="COMMAND", parser_class=Parser)
    parents = {"common": [common], "data": [with_db]}
    run.add_commands(sub, h, parents)
    field.add_commands(sub, h, parents)
    data.add_commands(sub, h, parents)
    jobs.add_commands(sub, h, parents)
    orders.add_commands(sub, h, parents)
    scale.add_commands(sub, h, parents)
    return parser


if __name__ == "__main__":
    sys.exit(main())
