"""Bounds on import files, checked before and while they are read (issue #14, item 2).

A hostile or broken file must not take the bot down: a 300 KB ``.xlsx`` can hold a 300 MB cell
(a zip bomb) and a CSV can hold a 300 MB line. So:

- an XLSX is checked before openpyxl opens it: the number of zip members, each member's
  uncompressed size and the total (IMPORT_MAX_UNZIPPED_MB), each large member's compression
  ratio (IMPORT_MAX_ZIP_RATIO), and its XML parts are streamed once in small chunks to refuse a
  text run longer than a cell may be, and DTDs/CDATA (Excel writes neither);
- a CSV is read in blocks, never a whole line at once: a line longer than
  IMPORT_MAX_CELL_CHARS × IMPORT_MAX_COLUMNS characters is refused as soon as it is seen;
- every row is bounded while read: at most IMPORT_MAX_ROWS rows, IMPORT_MAX_COLUMNS cells,
  IMPORT_MAX_CELL_CHARS characters per cell.

Any file over a limit raises `FileLimitError` (an `ImportFileError` with a message key and its
values: the CLI and chats show one line in the user's language, exit code 2 on the CLI).
Listings and logs clip cells with `clip`.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.errors import FileLimitError, ImportFileError

if TYPE_CHECKING:
    from bot.settings import Settings

#: Characters of a cell kept in listings (rejects, warnings, notes) and in log lines.
LISTING_CELL_CHARS = 200
#: Members of a zip file up to this size may have any compression ratio (styles, themes).
SMALL_MEMBER = 1 << 20
#: Most zip members an .xlsx may have (a real one has a dozen or two).
MAX_MEMBERS = 1000
#: Characters read from a CSV at a time.
CSV_BLOCK = 1 << 20
#: Uncompressed bytes of an XLSX part inflated at a time while it is scanned.
XML_CHUNK = 1 << 20
_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """How large an import file and its rows may be."""

    max_rows: int = 2_000_000
    max_columns: int = 100
    max_cell_chars: int = 1000
    max_unzipped_mb: float = 1024.0
    max_zip_ratio: float = 100.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        """The limits configured in the settings (IMPORT_MAX_*)."""
        return cls(
            max_rows=settings.import_max_rows,
            max_columns=settings.import_max_columns,
            max_cell_chars=settings.import_max_cell_chars,
            max_unzipped_mb=settings.import_max_unzipped_mb,
            max_zip_ratio=settings.import_max_zip_ratio,
        )

    @property
    def max_line_chars(self) -> int:
        """The longest CSV line accepted: a full row of the longest cells."""
        return self.max_cell_chars * self.max_columns + self.max_columns


DEFAULT_LIMITS = Limits()


def clip(text: str, limit: int = LISTING_CELL_CHARS) -> str:
    """`text`, cut to `limit` characters with a note of how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


# --- XLSX: before openpyxl opens it ----------------------------------------------------------


def check_xlsx(path: Path, limits: Limits) -> None:
    """Refuse a zip whose members are too many, too large, too compressed or unsafe XML."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise FileLimitError(
                    "import_limit_members",
                    name,
                    f"the .xlsx holds {len(members)} parts; at most {MAX_MEMBERS}",
                    count=len(members), limit=MAX_MEMBERS,
                )  # fmt: skip
            _check_sizes(name, members, limits)
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    _scan_xml(name, archive, member, limits)
    except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, EOFError) as exc:
        raise ImportFileError(f"{name}: not a readable .xlsx file ({exc})") from None


def _check_sizes(name: str, members: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Each member's and the total uncompressed size, and each large member's ratio."""
    budget = limits.max_unzipped_mb * _MB
    total = 0
    for member in members:
        size = member.file_size
        total += size
        if size > budget or total > budget:
            raise FileLimitError(
                "import_limit_unzipped",
                name,
                f"the .xlsx unpacks to more than {limits.max_unzipped_mb:g} MB"
                " (IMPORT_MAX_UNZIPPED_MB); split it into smaller files",
                limit=f"{limits.max_unzipped_mb:g}",
            )
        ratio = size / max(member.compress_size, 1)
        if size > SMALL_MEMBER and ratio > limits.max_zip_ratio:
            raise FileLimitError(
                "import_limit_ratio",
                name,
                f"a part of the .xlsx unpacks {ratio:.0f} times larger than it is stored"
                f" (more than {limits.max_zip_ratio:g}); this is not a normal spreadsheet",
                ratio=f"{ratio:.0f}", limit=f"{limits.max_zip_ratio:g}",
            )  # fmt: skip


def _scan_xml(name: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> None:
    """Stream one XML part: no DTD or CDATA, no text or tag longer than a cell may be.

    XML text cannot hold a literal '<', so the longest run of bytes between two '<' bounds every
    cell value, attribute and tag the parser would build in memory.
    """
    longest = limits.max_cell_chars * 4 + 1024  # UTF-8 and entities: a char is up to ~6 bytes
    run = 0  # bytes since the last '<' (carried across chunks)
    first = True
    with archive.open(member) as stream:
        while chunk := stream.read(XML_CHUNK):
            parts = chunk.split(b"<")
            head = run + len(parts[0])
            if len(parts) == 1:
                run = head
            else:
                run = len(parts[-1])
                head = max(head, max(map(len, parts[1:-1]), default=0))
            if head > longest or run > longest:
                raise _too_long_cell(name, limits)
            if b"<!" in chunk or (not first and b"<?" in chunk):
                raise FileLimitError(
                    "import_limit_xml",
                    name,
                    "the .xlsx holds XML that Excel does not write (DTD or CDATA)",
                )
            first = False


def _too_long_cell(name: str, limits: Limits, row: int | None = None) -> FileLimitError:
    limit = limits.max_cell_chars
    if row is None:  # found while scanning the .xlsx, before any row is read
        return FileLimitError(
            "import_limit_xlsx_cell", name,
            f"a cell of the .xlsx is longer than {limit} characters (IMPORT_MAX_CELL_CHARS)",
            limit=limit,
        )  # fmt: skip
    return FileLimitError(
        "import_limit_cell", name,
        f"a cell in row {row} is longer than {limit} characters (IMPORT_MAX_CELL_CHARS)",
        row=row, limit=limit,
    )  # fmt: skip


# --- CSV: bounded lines ------------------------------------------------------------------------


class BlockState:
    """What `bounded_lines` knows of the block it is handing out: `short` when none of its
    lines is longer than a cell may be (then a row read from one of them needs no cell check)."""

    __slots__ = ("short",)

    def __init__(self) -> None:
        self.short = False


def bounded_lines(
    f: TextIO,
    first: str,
    name: str,
    limits: Limits,
    state: BlockState | None = None,
    first_line: int = 1,
) -> Iterator[str]:
    """The file's lines (with their '\\n'), read in blocks: a line over the limit is refused
    without ever being held whole. `first` is the header line already read (or, reading
    from the middle of a file, the line numbered `first_line`)."""
    limit = limits.max_line_chars
    yield first
    carry, line_no = "", first_line
    while block := f.read(CSV_BLOCK):
        parts = (carry + block).split("\n")
        carry = parts.pop()
        longest = max(len(carry), max(map(len, parts), default=0))
        if state is not None:
            state.short = longest <= limits.max_cell_chars
        if longest > limit:
            longest = next((i for i, p in enumerate(parts) if len(p) > limit), len(parts))
            raise _too_long_line(name, limits, line_no + longest + 1)
        line_no += len(parts)
        yield from [p + "\n" for p in parts]
    if carry:
        yield carry


def read_header_line(f: TextIO, name: str, limits: Limits, line: int = 1) -> str:
    """The first line (numbered `line`), refused when longer than a line may be (read no
    further than that)."""
    first = f.readline(limits.max_line_chars + 1)
    if len(first) > limits.max_line_chars:
        raise _too_long_line(name, limits, line)
    return first


def _too_long_line(name: str, limits: Limits, line: int) -> FileLimitError:
    return FileLimitError(
        "import_limit_line",
        name,
        f"line {line} is longer than {limits.max_line_chars} characters"
        " (IMPORT_MAX_CELL_CHARS × IMPORT_MAX_COLUMNS)",
        line=line, limit=limits.max_line_chars,
    )  # fmt: skip


# --- rows --------------------------------------------------------------------------------------


def check_header(header: list[str], name: str, limits: Limits) -> None:
    """Refuse a header with too many columns or an overlong cell."""
    _check_cells(header, name, limits, 1)


def bounded_rows(
    rows: Iterable[list[str]],
    name: str,
    limits: Limits,
    first_row: int,
    short: Callable[[], bool] | None = None,
) -> Iterator[list[str]]:
    """The rows, refusing the file at the first row over a limit (rows, columns, cell).

    `short()`, when given, is True for a row known to hold no cell over the limit (read from
    one line of a `BlockState.short` block): its cells are not measured one by one.
    """
    max_rows, max_cols, max_cell = limits.max_rows, limits.max_columns, limits.max_cell_chars
    for n, cells in enumerate(rows, 1):
        if n > max_rows:
            raise too_many_rows(name, limits)
        if (len(cells) > max_cols or not (short is not None and short())) and (
            len(cells) > max_cols or max(map(len, cells), default=0) > max_cell
        ):
            _check_cells(cells, name, limits, first_row + n - 1)
        yield cells


def check_row(cells: list[str], name: str, limits: Limits, row: int, short: bool) -> None:
    """`bounded_rows`' check of one row read elsewhere (`short`: no cell can be too long)."""
    if len(cells) > limits.max_columns or not short:
        _check_cells(cells, name, limits, row)


def too_many_rows(name: str, limits: Limits) -> FileLimitError:
    """The refusal of a file over IMPORT_MAX_ROWS."""
    return FileLimitError(
        "import_limit_rows", name,
        f"more than {limits.max_rows:,} rows (IMPORT_MAX_ROWS); split the file",
        limit=f"{limits.max_rows:,}",
    )  # fmt: skip


def _check_cells(cells: list[str], name: str, limits: Limits, row: int) -> None:
    """Raise for a row with too many (non-empty) cells or an overlong cell."""
    if len(cells) > limits.max_columns and any(c.strip() for c in cells[limits.max_columns :]):
        raise FileLimitError(
            "import_limit_columns",
            name,
            f"row {row} has more than {limits.max_columns} columns (IMPORT_MAX_COLUMNS)",
            row=row, limit=limits.max_columns,
        )  # fmt: skip
    if max(map(len, cells), default=0) > limits.max_cell_chars:
        raise _too_long_cell(name, limits, row)
