"""python bot.py ingest <file.csv>: event counts from a CSV file (service,slo,ts,good,total), checked like the
API's, streamed (never loaded whole) and stored in batches of up to 5,000 points per objective, one
transaction per batch. A bad row stops the import; batches committed before it stay, and since a minute
sent again replaces its counts, running the fixed file again is safe.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, TextIO

from sqlalchemy.exc import SQLAlchemyError

from slabot.core.clock import Clock
from slabot.core.errors import UserError
from slabot.core.i18n import t
from slabot.slo.ingest import Point, check_points, event_objective, ingest
from slabot.sources.push import check_count, one_line, parse_names, parse_timestamp
from storage.db import Database

HEADER = ("service", "slo", "ts", "good", "total")
BATCH_SIZE = 5_000
MAX_PENDING = 50_000  # rows held across all objectives before every pending batch is written
_WHOLE = re.compile(r"-?[0-9]+")

Key = tuple[str, str]


class CsvImportError(Exception):
    """A row (or the file) that stops the import; str() is one line naming the line number."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(one_line(f"line {line}: {message}"))
        self.line = line


@dataclass
class Tally:
    rows: int = 0
    minutes: int = 0


@dataclass
class ImportReport:
    """What was read and what was committed, per objective; complete even when the import stopped."""

    rows_read: int = 0
    committed: dict[Key, Tally] = field(default_factory=dict)

    @property
    def rows_committed(self) -> int:
        return sum(t.rows for t in self.committed.values())

    @property
    def minutes(self) -> int:
        return sum(t.minutes for t in self.committed.values())

    def lines(self) -> list[str]:
        return [
            f"  {service}/{slo}: {t.rows:,} rows, {t.minutes:,} minutes"
            for (service, slo), t in sorted(self.committed.items())
        ]


class Progress:
    """A one-line bar on a terminal: bytes read of the file's size, redrawn at most once per `interval`."""

    def __init__(
        self, stream: TextIO, total_bytes: int, interval: float = 0.1, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stream = stream
        self.total = total_bytes
        self.interval = interval
        self.clock = clock
        self.last = clock()  # the first draw waits one interval: a short file shows no bar at all
        self.drawn = False

    def update(self, done_bytes: int, rows: int, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self.last < self.interval:
            return
        self.last = now
        fraction = min(done_bytes / self.total, 1.0) if self.total else 1.0
        bar = "#" * int(fraction * 30)
        mb = 1024 * 1024
        self.stream.write(
            f"\r[{bar:<30}] {fraction:4.0%} {done_bytes / mb:.1f}/{self.total / mb:.1f} MB · {rows:,} rows"
        )
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


class _Lines:
    """Decoded lines of a binary file, counting the bytes read (for the progress bar)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.bytes_read = 0
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()  # a BOM from spreadsheet exports is fine

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = self.stream.readline(1024 * 1024)
        if not raw:
            raise StopIteration
        self.bytes_read += len(raw)
        return self.decoder.decode(raw)


def _columns(header: list[str] | None) -> dict[str, int]:
    if header is None:
        raise CsvImportError(1, f"the file is empty; the first row must be the header {','.join(HEADER)}")
    names = [name.strip().lower() for name in header]
    if sorted(names) != sorted(HEADER):
        raise CsvImportError(1, f"the header must name the columns {','.join(HEADER)} (got {','.join(names)[:80]})")
    return {name: names.index(name) for name in HEADER}


def _count(name: str, text: str) -> int:
    if not _WHOLE.fullmatch(text):
        raise UserError(t("{name} must be a whole number (got '{value}')", name=name, value=text[:40]))
    value = int(text)
    check_count(name, value)
    return value


def parse_row(row: list[str], columns: dict[str, int], now: datetime) -> tuple[Key, Point]:
    """One data row as (service, slo) and its point, checked as the API checks points; raises UserError."""
    if len(row) != len(HEADER):
        raise UserError(
            t("expected {n} fields ({fields}), got {got}", n=len(HEADER), fields=",".join(HEADER), got=len(row))
        )
    service, slo, ts, good, total = (row[columns[name]].strip() for name in HEADER)
    key = parse_names(service, slo)
    point = Point(parse_timestamp(ts), _count("good", good), _count("total", total))
    try:
        check_points([point], now)
    except UserError as error:
        raise UserError(error.message.removeprefix("points[0]: ")) from None
    return key, point


def _store(db: Database, clock: Clock, key: Key, points: list[Point], report: ImportReport) -> None:
    """One batch, one transaction."""
    with db.session() as session:
        objective = event_objective(session, *key)
        minutes = ingest(session, objective, points, clock())
    tally = report.committed.setdefault(key, Tally())
    tally.rows += len(points)
    tally.minutes += minutes


def import_csv(
    db: Database,
    clock: Clock,
    path: Path,
    report: ImportReport,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> None:
    """Read the file and store its rows in batches; `report` says what was committed, also after an error.

    Raises CsvImportError at the first bad row: its batch and every batch not yet committed are dropped.
    """
    known: set[Key] = set()
    pending: dict[Key, list[Point]] = {}
    held = 0
    with path.open("rb") as stream:
        lines = _Lines(stream)
        reader = csv.reader(lines)
        try:
            columns = _columns(next(reader, None))
            start = next_line = reader.line_num + 1
            for row in reader:
                # The line the row began on: a quoted field may span lines.
                start, next_line = next_line, reader.line_num + 1
                if not any(cell.strip() for cell in row):
                    continue
                key, point = parse_row(row, columns, clock())
                if key not in known:
                    with db.session() as session:
                        event_objective(session, *key)  # unknown or incident-based: stop at this line
                    known.add(key)
                report.rows_read += 1
                batch = pending.setdefault(key, [])
                batch.append(point)
                held += 1
                if len(batch) >= batch_size:
                    held -= len(batch)
                    _store(db, clock, key, pending.pop(key), report)
                elif held >= MAX_PENDING:
                    for waiting, points in sorted(pending.items()):
                        _store(db, clock, waiting, points, report)
                    pending.clear()
                    held = 0
                if progress is not None:
                    progress.update(lines.bytes_read, report.rows_read)
            for key, points in sorted(pending.items()):
                _store(db, clock, key, points, report)
        except UserError as error:
            raise CsvImportError(start, error.message) from None
        except UnicodeDecodeError:
            raise CsvImportError(reader.line_num + 1, "the file must be UTF-8 text") from None
        except csv.Error as error:
            raise CsvImportError(reader.line_num, f"not valid CSV ({error})") from None
        finally:
            if progress is not None:
                if progress.drawn:
                    progress.update(lines.bytes_read, report.rows_read, force=True)
                progress.finish()


def _print_report(report: ImportReport, out: TextIO) -> None:
    for text in report.lines():
        print(text, file=out)


def run_ingest(db: Database, clock: Clock, path: Path, out: TextIO, err: TextIO) -> int:
    """The `ingest` command: import, then a summary on `out`; a bad row is one line on `err` (exit 1)."""
    try:
        size = os.stat(path).st_size
    except OSError as error:
        print(f"slabot: cannot read {path}: {error.strerror or error}", file=err)
        return 2
    progress = Progress(err, size) if err.isatty() else None
    report = ImportReport()
    try:
        import_csv(db, clock, path, report, progress)
    except (CsvImportError, SQLAlchemyError) as error:
        where = f"line {error.line}" if isinstance(error, CsvImportError) else "a database error"
        if isinstance(error, CsvImportError):
            reason = str(error)
        else:
            reason = f"database error ({type(error).__name__}: {str(error).splitlines()[0][:160]})"
        print(f"slabot: {path}: {reason}", file=err)
        print(
            f"stopped at {where}: {report.rows_read:,} rows read before it, {report.rows_committed:,} committed "
            f"({report.minutes:,} minutes), {report.rows_read - report.rows_committed:,} not stored",
            file=out,
        )
        _print_report(report, out)
        print("Fix it and import the file again: stored minutes are replaced, never counted twice.", file=out)
        return 1
    except OSError as error:
        print(f"slabot: cannot read {path}: {error.strerror or error}", file=err)
        return 2
    print(f"read {report.rows_read:,} rows from {path}; stored {report.minutes:,} minutes", file=out)
    _print_report(report, out)
    return 0
