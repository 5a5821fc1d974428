"""A residents file read by two processes (PostgreSQL): the import reads the first part, a
helper process the rest, at once on two cores.

Reading and checking rows is the import's slow part (Python, one core); on PostgreSQL the
server does the rest. So a large CSV (`SPLIT_BYTES`) is cut at a line boundary near its middle
(`plan_split`) when the part above the cut holds no ``"``: then each of its lines is exactly
one record, so the helper knows the row number its part starts at, and the cut is never inside
a quoted cell. The helper (a fresh interpreter: the import runs in a thread, and forking a
threaded process is unsafe; ``python -m bot.imports.resident_split``, its task pickled on
stdin) checks its part exactly as the import would (`_Run` of
`bot.imports.residents`, the same `LineSplitter`, limits and line numbers) and writes to two
private files in a 0700 temp folder: its rows in COPY's format, and a pickle stream of its
rejects, warnings, counts and unchanged lines (or the error that stopped it). The import then
stages the rows with one COPY and replays the rest, so the staging tables, rejects, warnings and
summary are those of a single pass. One thing differs: each process takes a line on file once,
so a line on file found in both parts is passed by twice; `HelperResult.twice` lists the NIKs of
such lines so the import stages both and the later one is rejected as a repeat, as in one pass.
"""

from __future__ import annotations

import io
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from array import array
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, cast

from bot.core.files import open_private
from bot.errors import FileLimitError, ImportFileError
from bot.imports.limits import BlockState, Limits, bounded_lines, read_header_line
from bot.imports.tables import Table, column_names, split_rows
from bot.imports.unchanged import KnownLines, LineSplitter
from storage import resident_import as imports
from storage.resident_import import Record, WarningRow

#: Files smaller than this are read by one process (the helper's start costs ~0.3 s).
SPLIT_BYTES = 16 << 20
#: The part of the file the import reads itself (measured at 1M rows: with 0.52 the import
#: waited 0 s for the helper, with 0.48 0.3 s; it also COPYs the helper's rows, ~0.6 s).
SHARE = 0.5
_SCAN = 1 << 20


@dataclass(frozen=True, slots=True)
class SplitPlan:
    """Where the helper starts: a byte offset and the lines above it, header included."""

    offset: int
    lines: int


def plan_split(path: Path, min_bytes: int = SPLIT_BYTES, share: float = SHARE) -> SplitPlan | None:
    """A cut at the line boundary after `share` of the file, or None (small file, or a ``"``
    or a lone CR above the cut: then rows and lines may differ)."""
    size = path.stat().st_size
    if size < max(min_bytes, 1):
        return None
    target = int(size * share)
    lines = 0
    with path.open("rb") as f:
        carry = b""
        while f.tell() < target:
            block = carry + f.read(min(_SCAN, target - f.tell()))
            carry = block[-1:] if block.endswith(b"\r") else b""  # its LF may come next
            block = block[: len(block) - len(carry)]
            if b'"' in block or block.count(b"\r") != block.count(b"\r\n"):
                return None
            lines += block.count(b"\n")
        start = f.tell()
        tail = carry + f.read(_SCAN)
        end = tail.find(b"\n")
        if end < 0 or b'"' in tail[:end] or b"\r" in tail[: max(end - 1, 0)]:
            return None
        offset = start - len(carry) + end + 1
    if lines < 1:  # the header line ends below the cut
        return None
    return SplitPlan(offset=offset, lines=lines + 1)


@dataclass(frozen=True, slots=True)
class HelperTask:
    """What the helper process needs (pickled to it)."""

    target: str
    path: Path
    plan: SplitPlan
    header: list[str]
    delimiter: str
    today: date
    regions: list[Path]
    limits: Limits
    with_known: bool
    folder: Path
    parent: int  # the import's process id


@dataclass(slots=True)
class HelperResult:
    """What the helper read: its non-blank records, the unchanged lines it passed by (row
    indexes, NIKs) and the NIKs of those the import passed by too (`twice`)."""

    rows: int = 0
    fast_rows: array[int] = field(default_factory=lambda: array("q"))
    fast_niks: array[int] = field(default_factory=lambda: array("q"))
    twice: set[int] = field(default_factory=set)


class Helper:
    """The running helper process and its files."""

    def __init__(self, task: HelperTask, process: subprocess.Popen[bytes]) -> None:
        """Send the started `process` its folder (a line first: if the import dies while
        sending the rest, the helper still removes the folder) and then its task."""
        self.task = task
        self.process = process
        assert process.stdin is not None
        with process.stdin as send:
            send.write(f"{task.folder}\n".encode())
            send.flush()
            send.write(pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL))

    def wait(self) -> None:
        """Wait for the helper; ImportFileError when it failed."""
        code = self.process.wait()
        if code or not (self.task.folder / "done").exists():
            raise ImportFileError(f"{self.task.path.name}: the second reader stopped ({code})")

    def rows_file(self) -> io.BufferedReader:
        """The helper's rows in COPY's format."""
        return (self.task.folder / "rows.copy").open("rb")

    def events(self) -> Iterator[tuple[str, Any]]:
        """The helper's notes in order: ("rejects", [(cells, note)]), ("warnings", [...]),
        then ("done", (rows, unchanged rows, NIKs, hashes, peak RSS KiB)) or ("error", ...)."""
        with (self.task.folder / "events.pickle").open("rb") as f:
            while True:
                try:
                    yield pickle.load(f)
                except EOFError:
                    return

    def stop(self) -> None:
        """End the helper if it still runs; remove its files."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        shutil.rmtree(self.task.folder, ignore_errors=True)


def start_helper(
    target: str,
    path: Path,
    plan: SplitPlan,
    table: Table,
    *,
    today: date,
    regions: list[Path],
    limits: Limits,
    with_known: bool,
) -> Helper:
    """Start the helper on the part of `path` below `plan` (the process first, then its
    folder: an import killed in between leaves no folder behind)."""
    _remove_orphans()
    process = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE)
    folder = Path(tempfile.mkdtemp(prefix=f"jemput-split-{os.getpid()}-"))  # 0700
    task = HelperTask(
        target, path, plan, table.header, table.delimiter, today, regions, limits, with_known,
        folder, os.getpid(),
    )  # fmt: skip
    return Helper(task, process)


def _remove_orphans() -> None:
    """Remove the files of split reads whose import was killed (its process is gone)."""
    for folder in Path(tempfile.gettempdir()).glob("jemput-split-*-*"):
        pid = folder.name.split("-")[2]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def twice_taken(known: KnownLines, hashes: array[int]) -> list[int]:
    """Positions of `hashes` the import also passed by (taken in its own table)."""
    slots, mask = known.slots, known.mask
    found = []
    for n, value in enumerate(hashes):
        i = (value >> 1) & mask
        while (slot := slots[i]) and slot != value and slot != -value:
            i = (i + 1) & mask
        if slot == -value:
            found.append(n)
    return found


# --- the helper process ----------------------------------------------------------------------


class _Events:
    """The pickle stream the helper writes."""

    def __init__(self, folder: Path, parent: int) -> None:
        self.folder = folder
        self.parent = parent
        self.file = open_private(folder / "events.pickle", "wb")

    def put(self, kind: str, value: Any) -> None:
        pickle.dump((kind, value), self.file, protocol=pickle.HIGHEST_PROTOCOL)


class _Rejects:
    """Stands in for the rejects `Output`: rows go to the events, in order."""

    def __init__(self, events: _Events) -> None:
        self.events = events
        self.held: list[tuple[list[str], str]] = []

    def write(self, cells: list[str], note: str) -> None:
        self.held.append((cells, note))
        if len(self.held) >= 1000:
            self.flush()

    def flush(self) -> None:
        if self.held:
            self.events.put("rejects", self.held)
            self.held = []


class _SpoolStager:
    """Stands in for `Stager`: rows to the COPY file, warnings to the events."""

    def __init__(self, write: Any, events: _Events, rejects: _Rejects) -> None:
        self.write = write
        self.events = events
        self.rejects = rejects

    def add(self, records: list[Record], warnings: list[WarningRow]) -> None:
        if os.getppid() != self.events.parent:  # the import was killed: leave nothing behind
            shutil.rmtree(self.events.folder, ignore_errors=True)
            os._exit(1)
        self.rejects.flush()  # rejects and warnings keep their order
        self.write(records)
        if warnings:
            self.events.put("warnings", list(warnings))


def helper_main(task: HelperTask) -> None:
    """The helper process: read and check the part below the cut."""
    events = _Events(task.folder, task.parent)
    try:
        with closing(imports.connect_plain(task.target)) as conn:
            known = KnownLines(imports.line_hashes(conn) if task.with_known else ())
            out = open_private(task.folder / "rows.copy", "wb")
            with out, imports.spool(conn, cast(BinaryIO, out)) as write:
                _read_part(task, known, events, write)
    except FileLimitError as exc:
        events.put("error", ("limit", exc.key, exc.name, str(exc), exc.values))
    except ImportFileError as exc:
        events.put("error", ("file", str(exc)))
    finally:
        events.file.close()
    if os.getppid() != task.parent:  # the import was killed meanwhile
        shutil.rmtree(task.folder, ignore_errors=True)
        return
    (task.folder / "done").touch()


def _read_part(task: HelperTask, known: KnownLines, events: _Events, write: Any) -> None:
    from bot.imports.residents import run_part  # the helper's own import, not a cycle

    with task.path.open("rb") as raw:
        raw.seek(task.plan.offset)
        f = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        name, limits = task.path.name, task.limits
        try:
            first = read_header_line(f, name, limits, task.plan.lines + 1)
        except UnicodeDecodeError:
            raise ImportFileError(f"{name}: not UTF-8; save it as 'CSV UTF-8'") from None
        state = BlockState()
        lines = bounded_lines(f, first, name, limits, state, first_line=task.plan.lines + 1)
        nik_col = column_names(task.header).index("nik")
        splitter = LineSplitter(
            known, task.delimiter, nik_col, name, limits, start=task.plan.lines - 1,
            keep_hashes=True,
        )  # fmt: skip
        table = Table(task.header, split_rows(splitter, lines, state, name), task.delimiter)
        table.lines = splitter
        rejects = _Rejects(events)
        rows = run_part(task, table, _SpoolStager(write, events, rejects), rejects)
        rejects.flush()
        hashes = splitter.fast_hashes or array("q")
        events.put("done", (rows, splitter.fast_rows, splitter.fast_niks, hashes, _peak_kib()))


def _peak_kib() -> int:
    """This process's peak RSS in KiB (VmHWM), for the import's log."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM"):
                return int(line.split()[1])
    return 0


def error_of(value: tuple[Any, ...]) -> ImportFileError:
    """The helper's error as the import raises it."""
    if value[0] == "limit":
        _, key, name, text, values = value
        return FileLimitError(key, name, text.removeprefix(f"{name}: "), **values)
    return ImportFileError(value[1])


def helper_entry(stdin: BinaryIO) -> None:
    """The helper process: its folder (a line), then its task (pickled), on stdin. When the
    import died before the task arrived, remove the folder and stop."""
    line = stdin.readline()
    try:
        task = pickle.load(stdin)
    except (EOFError, pickle.UnpicklingError):
        folder = Path(line.decode(errors="replace").strip())
        if line.endswith(b"\n") and folder.name.startswith("jemput-split-"):
            shutil.rmtree(folder, ignore_errors=True)
        sys.exit(1)
    helper_main(task)


if __name__ == "__main__":
    from bot.imports.resident_split import helper_entry

    helper_entry(sys.stdin.buffer)
