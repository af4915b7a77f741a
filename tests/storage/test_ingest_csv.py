"""python bot.py ingest <file.csv>: end to end as a subprocess, and the importer's rules in-process."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

import slabot.sources.csv_import as ingest_csv
from slabot.config.runtime import Runtime
from slabot.slo.ingest import epoch_minute
from slabot.sources.csv_import import CsvImportError, ImportReport, Progress, import_csv
from storage.db import Database
from storage.models.catalog import Objective, Service
from storage.models.slo import SliMinute, SliRollup
from tests.e2e.test_startup import run_bot

HEADER = "service,slo,ts,good,total\n"


def add_objectives(database: Database) -> dict[str, int]:
    """checkout/latency and search/latency (events, 99%), checkout/availability (incidents); name -> id."""
    ids: dict[str, int] = {}
    with database.session() as session:
        for service_name, objectives in (("checkout", ("latency", "availability")), ("search", ("latency",))):
            service = Service(name=service_name, created_by="U0TEST")
            session.add(service)
            session.flush()
            assert service.id is not None
            for name in objectives:
                source = "incidents" if name == "availability" else "events"
                objective = Objective(
                    service_id=service.id, name=name, target_percent=Decimal("99"), source=source, created_by="U0"
                )
                session.add(objective)
                session.flush()
                assert objective.id is not None
                ids[f"{service_name}/{name}"] = objective.id
    return ids


def minutes_of(database: Database, objective_id: int) -> dict[int, tuple[int, int]]:
    with database.session() as session:
        rows = session.exec(select(SliMinute).where(SliMinute.objective_id == objective_id)).all()
    return {row.epoch_minute: (row.good, row.total) for row in rows}


def day_rollup(database: Database, objective_id: int, day_start: int) -> tuple[int, int, int, int]:
    with database.session() as session:
        row = session.get(SliRollup, (objective_id, 1440, day_start))
    return (0, 0, 0, 0) if row is None else (row.good, row.total, row.good_slices, row.slices)


def at(text: str) -> int:
    return epoch_minute(datetime.fromisoformat(text))


@pytest.fixture
def prepared(tmp_path: Path) -> Iterator[tuple[Path, Database, dict[str, int]]]:
    """A fresh directory whose SQLite database was created by `python bot.py db upgrade`, with objectives."""
    url = f"sqlite:///{tmp_path / 'counts.db'}"
    result = run_bot(["db", "upgrade"], {"DATABASE_URL": url}, tmp_path)
    assert result.returncode == 0, result.stderr
    database = Database(url)
    ids = add_objectives(database)
    yield tmp_path, database, ids
    database.dispose()


@pytest.mark.slow
def test_a_small_file_end_to_end(prepared: tuple[Path, Database, dict[str, int]]) -> None:
    tmp_path, database, ids = prepared
    (tmp_path / "counts.csv").write_bytes(
        (
            "\ufeffService, SLO ,ts,good,total\r\n"  # a spreadsheet's BOM, CRLF and padded names are fine
            "checkout,latency,2026-11-20T10:00:00Z,990,1000\r\n"
            "checkout,latency,2026-11-20T10:01:30Z,995,1000\r\n"
            "\r\n"
            "search,latency,2026-11-20T11:16:00+01:00, 5 ,10\r\n"
            "checkout,latency,2026-11-20T10:00:10Z,980,1000\r\n"  # the same minute again: the last row wins
        ).encode()
    )
    result = run_bot(["ingest", "counts.csv"], {"DATABASE_URL": f"sqlite:///{tmp_path / 'counts.db'}"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # not a terminal: no progress bar, and nothing else
    assert result.stdout.splitlines() == [
        "read 4 rows from counts.csv; stored 3 minutes",
        "  checkout/latency: 3 rows, 2 minutes",
        "  search/latency: 1 rows, 1 minutes",
    ]
    checkout, search = ids["checkout/latency"], ids["search/latency"]
    assert minutes_of(database, checkout) == {
        at("2026-11-20T10:00Z"): (980, 1000),
        at("2026-11-20T10:01Z"): (995, 1000),
    }
    assert minutes_of(database, search) == {at("2026-11-20T10:16Z"): (5, 10)}
    assert day_rollup(database, checkout, at("2026-11-20T00:00Z")) == (1975, 2000, 1, 2)
    assert day_rollup(database, search, at("2026-11-20T00:00Z")) == (5, 10, 0, 1)
    again = run_bot(["ingest", "counts.csv"], {"DATABASE_URL": f"sqlite:///{tmp_path / 'counts.db'}"}, tmp_path)
    assert again.returncode == 0 and day_rollup(database, checkout, at("2026-11-20T00:00Z")) == (1975, 2000, 1, 2)


@pytest.mark.slow
def test_a_bad_row_stops_the_import_and_nothing_after_the_last_committed_batch_is_stored(
    prepared: tuple[Path, Database, dict[str, int]],
) -> None:
    tmp_path, database, ids = prepared
    start = datetime(2026, 11, 10, tzinfo=UTC)
    rows = [f"checkout,latency,{(start + timedelta(minutes=i)).isoformat()},1,1\n" for i in range(5000)]
    rows += [
        "search,latency,2026-11-20T10:00:00Z,1,1\n",  # line 5002: pending when the import stops
        "checkout,latency,2026-11-20T10:00:00Z,1,1\n",  # line 5003: pending in the bad row's batch
        "checkout,latency,2026-11-20T10:01:00Z,7,5\n",  # line 5004: good > total
        "checkout,latency,2026-11-20T10:02:00Z,1,1\n",  # after the bad row: never read
    ]
    (tmp_path / "counts.csv").write_text(HEADER + "".join(rows))
    result = run_bot(["ingest", "counts.csv"], {"DATABASE_URL": f"sqlite:///{tmp_path / 'counts.db'}"}, tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["slabot: counts.csv: line 5004: good (7) is more than total (5)"]
    assert result.stdout.splitlines()[:2] == [
        "stopped at line 5004: 5,002 rows read before it, 5,000 committed (5,000 minutes), 2 not stored",
        "  checkout/latency: 5,000 rows, 5,000 minutes",
    ]
    stored = minutes_of(database, ids["checkout/latency"])
    assert len(stored) == 5000 and max(stored) == epoch_minute(start) + 4999
    assert minutes_of(database, ids["search/latency"]) == {}


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "in.csv"
    path.write_text("".join(line + "\n" for line in lines))
    return path


@pytest.fixture
def objectives(database: Database) -> dict[str, int]:
    return add_objectives(database)


OK = "checkout,latency,2026-11-21T10:00:00Z,1,1"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((), "line 1: the file is empty; the first row must be the header service,slo,ts,good,total"),
        (("service,slo,ts,good", OK), "line 1: the header must name the columns service,slo,ts,good,total"),
        ((HEADER.strip(), OK, "checkout,latency,2026-11-21T10:00:00Z,3,2"), "line 3: good (3) is more than total (2)"),
        ((HEADER.strip(), OK, OK, "checkout,latency,2026-11-21T10:00:00Z,-1,2"), "line 4: counts cannot be negative"),
        ((HEADER.strip(), "checkout,latency,2026-11-21T10:00:00Z,1.5,2"), "line 2: good must be a whole number"),
        ((HEADER.strip(), "checkout,latency,2026-11-21T10:00:00Z,1,990.0"), "line 2: total must be a whole number"),
        ((HEADER.strip(), "checkout,latency,2026-11-21T10:00:00Z,,2"), "line 2: good must be a whole number"),
        (
            (HEADER.strip(), "checkout,latency,2026-11-21T10:00:00,1,2"),
            "line 2: ts '2026-11-21T10:00:00' has no offset",
        ),
        ((HEADER.strip(), "checkout,latency,2026-11-21T12:05:01Z,1,2"), "more than 5 minutes in the future"),
        ((HEADER.strip(), "checkout,latency,soon,1,2"), "line 2: ts must be an ISO-8601 time"),
        ((HEADER.strip(), "checkout,latency,1,2"), "line 2: expected 5 fields (service,slo,ts,good,total), got 4"),
        ((HEADER.strip(), ",latency,2026-11-21T10:00:00Z,1,2"), "line 2: '' is not a valid service name"),
        ((HEADER.strip(), "nope,latency,2026-11-21T10:00:00Z,1,2"), "line 2: There is no service 'nope'"),
        ((HEADER.strip(), "checkout,latncy,2026-11-21T10:00:00Z,1,2"), "Did you mean latency?"),
        ((HEADER.strip(), "checkout,availability,2026-11-21T10:00:00Z,1,2"), "measured from incidents"),
        (
            (HEADER.strip(), OK, 'checkout,"latency\nx",2026-11-21T10:00:00Z,1,2'),
            "line 3: 'latency x' is not a valid objective name",
        ),
    ],
)
def test_bad_rows_are_one_line_naming_the_line(
    runtime: Runtime,
    objectives: dict[str, int],
    database: Database,
    tmp_path: Path,
    lines: tuple[str, ...],
    message: str,
) -> None:
    report = ImportReport()
    with pytest.raises(CsvImportError) as caught:
        import_csv(runtime.db, runtime.clock, write(tmp_path, *lines), report)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert report.committed == {} and minutes_of(database, objectives["checkout/latency"]) == {}


def test_text_that_is_not_utf8_names_its_line(runtime: Runtime, objectives: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(HEADER.encode() + OK.encode() + b"\n" + b"checkout,lat\xe9ncy,x,1,1\n")
    with pytest.raises(CsvImportError, match=r"^line 3: the file must be UTF-8 text$"):
        import_csv(runtime.db, runtime.clock, path, ImportReport())


def test_batches_are_committed_one_by_one_per_objective(
    runtime: Runtime, objectives: dict[str, int], database: Database, tmp_path: Path
) -> None:
    lines = [HEADER.strip()]
    for i in range(5):
        lines.append(f"checkout,latency,2026-11-21T10:0{i}:00Z,1,1")
        lines.append(f"search,latency,2026-11-21T10:0{i}:00Z,1,2")
    lines.append("checkout,latency,2026-11-21T11:00:00Z,2,1")  # line 12 is bad
    report = ImportReport()
    with pytest.raises(CsvImportError, match=r"^line 12: "):
        import_csv(runtime.db, runtime.clock, write(tmp_path, *lines), report, batch_size=2)
    # Batches of two: four rows of each committed; the fifth of each was pending and is dropped.
    assert {key: (t.rows, t.minutes) for key, t in report.committed.items()} == {
        ("checkout", "latency"): (4, 4),
        ("search", "latency"): (4, 4),
    }
    assert report.rows_read == 10 and report.rows_committed == 8
    assert len(minutes_of(database, objectives["checkout/latency"])) == 4
    assert len(minutes_of(database, objectives["search/latency"])) == 4


def test_rows_held_for_many_objectives_are_written_when_too_many_wait(
    runtime: Runtime,
    objectives: dict[str, int],
    database: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ingest_csv, "MAX_PENDING", 3)
    lines = [HEADER.strip(), OK, "search,latency,2026-11-21T10:00:00Z,1,1", OK.replace("10:00", "10:01"), "x"]
    report = ImportReport()
    with pytest.raises(CsvImportError, match=r"^line 5: expected 5 fields"):
        import_csv(runtime.db, runtime.clock, write(tmp_path, *lines), report)
    assert report.rows_committed == 3
    assert len(minutes_of(database, objectives["checkout/latency"])) == 2


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class RecordingProgress(Progress):
    """Remembers how far the file had been read, at every row."""

    done = 0

    def update(self, done_bytes: int, rows: int, force: bool = False) -> None:
        self.done = done_bytes
        super().update(done_bytes, rows, force)


def test_the_file_is_streamed_and_progress_is_drawn_at_most_ten_times_a_second(
    runtime: Runtime, objectives: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = datetime(2026, 11, 10, tzinfo=UTC)
    rows = [f"checkout,latency,{(base + timedelta(minutes=i)).isoformat()},1,1" for i in range(12_000)]
    path = write(tmp_path, HEADER.strip(), *rows)
    size = path.stat().st_size
    ticks = iter(i * 0.001 for i in range(10**6))  # each row takes 1 ms on this clock
    terminal = Terminal()
    progress = RecordingProgress(terminal, size, clock=lambda: next(ticks))
    read_at_commit: list[int] = []
    store = ingest_csv._store

    def recording_store(*args: Any) -> None:
        read_at_commit.append(progress.done)
        store(*args)

    monkeypatch.setattr(ingest_csv, "_store", recording_store)
    report = ImportReport()
    import_csv(runtime.db, runtime.clock, path, report, progress)
    assert report.rows_committed == 12_000 and report.minutes == 12_000
    # 5,000 + 5,000 + 2,000: the first batches are written while most of the file is still unread.
    assert len(read_at_commit) == 3 and read_at_commit[0] < size // 2 < read_at_commit[1] < read_at_commit[2] == size
    drawn = terminal.getvalue().split("\r")[1:]
    assert 110 <= len(drawn) <= 122  # 12,000 rows × 1 ms = 12 s: one draw per 0.1 s, plus the final one
    assert drawn[0].startswith("[") and " 0% " not in drawn[-1]
    assert drawn[-1].startswith("[" + "#" * 30 + "] 100% ") and drawn[-1].endswith(" · 12,000 rows\n")
    percents = [int(line.split("]")[1].split("%")[0]) for line in drawn]
    assert percents == sorted(percents) and percents[len(percents) // 2] in range(45, 56)


def test_a_short_import_draws_no_bar(runtime: Runtime, objectives: dict[str, int], tmp_path: Path) -> None:
    terminal = Terminal()
    path = write(tmp_path, HEADER.strip(), OK)
    import_csv(runtime.db, runtime.clock, path, ImportReport(), Progress(terminal, path.stat().st_size))
    assert terminal.getvalue() == ""


def test_run_ingest_reports_a_missing_file(runtime: Runtime, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert ingest_csv.run_ingest(runtime.db, runtime.clock, tmp_path / "missing.csv", out, err) == 2
    assert err.getvalue() == f"slabot: cannot read {tmp_path / 'missing.csv'}: No such file or directory\n"
