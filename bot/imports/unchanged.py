"""Re-importing a residents file: a line that is on file as it is needs no reading at all.

Every resident keeps the hash of the raw CSV line it was last imported from
(`residents.line_hash`). Before a line is parsed, its hash is looked up among those of the
residents on file (`KnownLines`, an open-addressing table: 16 bytes a resident); a hit means
the resident was imported from exactly this line, so the row is unchanged and is neither
parsed, checked nor staged — only its row number and NIK are kept (16 bytes a line) so that a
repeated NIK is still found. Anything
else (a changed or new line, a record spanning lines, an .xlsx) takes the full path. A
collision of the 60-bit hash would take a changed row for unchanged once in ~10^12 changes.
"""

from __future__ import annotations

import csv
import hashlib
from array import array
from collections.abc import Iterable, Iterator

from bot.core.nik import clean_number
from bot.imports.limits import BlockState, Limits, check_row, too_many_rows

_blake2b = hashlib.blake2b


def line_hash(line: str) -> int:
    """A stable 60-bit hash of a raw line (never 0: 0 means 'no line')."""
    return (int.from_bytes(_blake2b(line.encode(), digest_size=8).digest()) >> 4) | 1


class KnownLines:
    """The line hashes of the residents on file in an open-addressing table (array of 8-byte
    slots, at most half full: 16 bytes a resident). Each may be taken once: a second identical
    line in the file is read in full, so its repeated NIK is found."""

    def __init__(self, hashes: Iterable[int]):
        found = array("q", hashes)
        size = 16
        while size < 2 * len(found):
            size *= 2
        self.mask = size - 1
        self.slots = array("q", bytes(8 * size))  # 0: empty; -h: taken
        self.count = len(found)
        slots, mask = self.slots, self.mask
        for value in found:
            i = (value >> 1) & mask
            while slots[i]:
                i = (i + 1) & mask
            slots[i] = value

    def __len__(self) -> int:
        return self.count

    def take(self, value: int) -> bool:
        """True (once) when `value` is the hash of a line on file."""
        slots, mask = self.slots, self.mask
        i = (value >> 1) & mask
        while True:
            slot = slots[i]
            if slot == value:
                slots[i] = -value
                return True
            if not slot:
                return False
            i = (i + 1) & mask


class LineSplitter:
    """Turns raw lines into CSV records; unchanged lines are passed by, never yielded.

    `index` is the 0-based record number of the record just yielded, `current` its line hash
    (0 for a record over several lines), `unchanged` how many lines were passed by, and
    `fast_rows`/`fast_niks` their record numbers and NIKs (as integers: 16 bytes a line).
    Every record is bounded as `bot.imports.limits.bounded_rows` would (rows passed by count).
    """

    def __init__(
        self,
        known: KnownLines,
        delimiter: str,
        nik_col: int,
        name: str,
        limits: Limits,
        start: int = 0,
        keep_hashes: bool = False,
    ) -> None:
        """`start`: records before the first line (reading from the middle of a file);
        `keep_hashes`: keep the line hashes of the lines passed by too (`fast_hashes`)."""
        self.known = known
        self.delimiter = delimiter
        self.nik_col = nik_col
        self.name = name
        self.limits = limits
        self.max_rows = limits.max_rows
        self.start = start
        self.index = start - 1
        self.current = 0
        self.unchanged = 0
        self.fast_rows = array("q")
        self.fast_niks = array("q")
        self.fast_hashes = array("q") if keep_hashes else None
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

    def records(self, lines: Iterator[str], short: BlockState) -> Iterator[list[str]]:
        """The records whose line is not on file, as cells (the hot loop of every residents
        import): a line without quotes is split as csv would, others go through csv."""
        self._lines = lines
        reader = csv.reader(self._feed(), delimiter=self.delimiter)
        slots, mask, count = self.known.slots, self.known.mask, self.known.count
        rows, niks, hashes = self.fast_rows, self.fast_niks, self.fast_hashes
        delimiter, max_rows, max_cols = self.delimiter, self.max_rows, self.limits.max_columns
        first_nik = self.nik_col == 0
        index = self.start - 1
        for line in lines:
            index += 1
            if index >= max_rows:
                raise too_many_rows(self.name, self.limits)
            found = (int.from_bytes(_blake2b(line.encode(), digest_size=8).digest()) >> 4) | 1
            if count:
                i = (found >> 1) & mask
                while (slot := slots[i]) and slot != found:
                    i = (i + 1) & mask
                if slot:  # a line on file, not taken yet (taken slots hold -hash)
                    slots[i] = -found
                    rows.append(index)
                    if hashes is not None:
                        hashes.append(found)
                    nik = line[: line.find(delimiter)] if first_nik else ""
                    if len(nik) == 16 and nik.isdigit() and nik.isascii():
                        niks.append(int(nik))
                    else:
                        niks.append(self._nik(line))
                    continue
            if '"' not in line and "\r" not in line[:-2]:
                text = line.rstrip("\r\n")
                cells = text.split(delimiter) if text else []
                self.current = found
            else:
                self._pending, self._raw = line, []
                cells = next(reader, None)  # type: ignore[arg-type]
                if cells is None:
                    return
                self.current = found if len(self._raw) == 1 else 0
            self.index = index
            if len(cells) > max_cols or not (short.short and self.current):
                check_row(cells, self.name, self.limits, 2 + index, False)
            yield cells
        self.unchanged = len(rows)
        self.index = index

    def _nik(self, line: str) -> int:
        """The NIK of an unchanged line, as an integer (its digits as on file)."""
        if self.nik_col == 0 and '"' not in line:
            nik = line[: line.find(self.delimiter)]
        elif '"' in line:
            cells = next(csv.reader([line], delimiter=self.delimiter))
            nik = cells[self.nik_col] if self.nik_col < len(cells) else ""
        else:
            cells = line.split(self.delimiter, self.nik_col + 1)
            nik = cells[self.nik_col] if self.nik_col < len(cells) else ""
        nik = clean_number(nik)
        return int(nik) if nik.isdigit() and nik.isascii() else 0
