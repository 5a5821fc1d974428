"""Re-importing a residents file: a line that is on file as it is needs no reading at all.

Every resident keeps the hash of the raw CSV line it was last imported from
(`residents.line_hash`). Before a line is parsed, its hash is looked up among those of the
residents on file (`KnownLines`, a sorted array: 8 bytes a resident); a hit means the resident
was imported from exactly this line, so the row is unchanged and is neither parsed, checked nor
staged — only its row number and NIK are kept so that a repeated NIK is still found. Anything
else (a changed or new line, a record spanning lines, an .xlsx) takes the full path. A
collision of the 60-bit hash would take a changed row for unchanged once in ~10^12 changes.
"""

from __future__ import annotations

import csv
import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator

from bot.core.nik import clean_number

#: What `split_lines` yields for an unchanged line (compared by identity).
UNCHANGED: list[str] = []
_blake2b = hashlib.blake2b


def line_hash(line: str) -> int:
    """A stable 60-bit hash of a raw line (never 0: 0 means 'no line')."""
    return (int.from_bytes(_blake2b(line.encode(), digest_size=8).digest()) >> 4) | 1


class KnownLines:
    """The line hashes of the residents on file, sorted; each may be taken once (a second
    identical line in the file is read in full, so its repeated NIK is found)."""

    def __init__(self, hashes: Iterable[int]):
        self._hashes = array("q", hashes)  # sorted by the caller (SQL ORDER BY)
        self._count = len(self._hashes)
        self._taken = bytearray(self._count)

    def __len__(self) -> int:
        return self._count

    def take(self, value: int) -> bool:
        """True (once) when `value` is the hash of a line on file."""
        if not self._count:
            return False
        i = bisect_left(self._hashes, value)
        if i < self._count and self._hashes[i] == value and not self._taken[i]:
            self._taken[i] = 1
            return True
        return False


class LineSplitter:
    """Turns raw lines into CSV records, passing unchanged lines by as `UNCHANGED`.

    `current` is the line hash of the record just yielded (0 for a record over several lines);
    `fast` collects (row offset, NIK) of the unchanged ones (NIK normalised as on file).
    """

    def __init__(self, known: KnownLines, delimiter: str, nik_col: int):
        self.known = known
        self.delimiter = delimiter
        self.nik_col = nik_col
        self.current = 0
        self.fast: list[tuple[int, str]] = []
        self._raw: list[str] = []
        self._pending: str | None = None
        self._lines: Iterator[str] = iter(())

    def _feed(self) -> Iterator[str]:
        """csv.reader's input: the line being split, then continuation lines of a record."""
        while True:
            line = self._pending
            if line is not None:
                self._pending = None
            else:
                line = next(self._lines, None)
                if line is None:
                    return
            self._raw.append(line)
            yield line

    def records(self, lines: Iterator[str]) -> Iterator[list[str]]:
        """Every record (as cells, or `UNCHANGED`), one per spreadsheet row."""
        self._lines = lines
        reader = csv.reader(self._feed(), delimiter=self.delimiter)
        take, fast, index = self.known.take, self.fast, 0
        for line in lines:
            found = line_hash(line)
            if take(found):
                fast.append((index, self._nik(line)))
                self.current = found
                index += 1
                yield UNCHANGED
                continue
            self._pending, self._raw = line, []
            cells = next(reader, None)
            if cells is None:
                return
            self.current = found if len(self._raw) == 1 else 0
            index += 1
            yield cells

    def _nik(self, line: str) -> str:
        """The NIK cell of an unchanged line, as stored (no separators)."""
        if '"' in line:
            cells = next(csv.reader([line], delimiter=self.delimiter))
        else:
            cells = line.split(self.delimiter, self.nik_col + 1)
        nik = cells[self.nik_col].strip() if self.nik_col < len(cells) else ""
        return nik if len(nik) == 16 and nik.isdigit() else clean_number(nik)
