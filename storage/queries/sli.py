"""Per-minute event counts and their rollups: writing them idempotently, and summing any minute range fast.

Minutes are whole minutes since 1970-01-01T00:00Z. Rollups hold exact sums over UTC-aligned spans of 15
minutes, an hour and a day, so a sum over any range reads at most 14 minutes, 3 quarters and 23 hours at
each edge and one row per day in between, whatever the length of the history.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Integer, any_, bindparam, case, column, func, literal, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage.models.catalog import Objective
from storage.models.slo import SliMinute, SliRollup

QUARTER = 15
HOUR = 60
DAY = 1440
SPANS = (QUARTER, HOUR, DAY)
LEVELS = (DAY, HOUR, QUARTER)  # coarse to fine; below the finest come single minutes
_CHUNK = 2000  # keys per IN list when reading stored minutes that are far apart
# Up to this many objectives, range sums run a small query per piece; more, one query for everything.
SMALL_SET = 32


@dataclass(frozen=True)
class MinuteCounts:
    epoch_minute: int
    good: int
    total: int
    good_slice: int  # 1 when the minute meets the slice target


@dataclass(frozen=True)
class Sums:
    good: int = 0
    total: int = 0
    good_slices: int = 0
    slices: int = 0

    def __add__(self, other: Sums) -> Sums:
        return Sums(
            self.good + other.good,
            self.total + other.total,
            self.good_slices + other.good_slices,
            self.slices + other.slices,
        )

    def __sub__(self, other: Sums) -> Sums:
        return Sums(
            self.good - other.good,
            self.total - other.total,
            self.good_slices - other.good_slices,
            self.slices - other.slices,
        )


def lock_objectives(session: Session, objective_ids: Sequence[int]) -> None:
    """Serialise writers of these objectives' counts (row locks on Postgres, the write lock on SQLite)."""
    ids = sorted(set(objective_ids))
    if not ids:
        return
    condition = col(Objective.id) == ids[0] if len(ids) == 1 else _in_ids(col(Objective.id), ids, session)
    session.execute(update(Objective).where(condition).values(min_events=col(Objective.min_events)))


def _in_ids(column: Any, values: Sequence[int], session: Session) -> Any:
    """column IN (…): one array parameter on Postgres, a list of parameters on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(postgresql.array(list(values), type_=BigInteger))
    return column.in_(values)


Quad = tuple[int, int, int, int]  # good, total, good slices, slices with data


def _stored(session: Session, wanted: Mapping[int, Sequence[int]]) -> dict[tuple[int, int], Quad]:
    """What is stored now for these minutes of these objectives ({objective: minutes}), by (objective, minute):
    one range read for all when the minutes are close together (a pass's pull, a push's batch)."""
    m = SliMinute.__table__.c  # type: ignore[attr-defined]
    columns = (m.objective_id, m.epoch_minute, m.good, m.total, m.good_slice)
    keys = {(objective_id, minute) for objective_id, minutes in wanted.items() for minute in minutes}
    if not keys:
        return {}
    lo, hi = min(minute for _, minute in keys), max(minute for _, minute in keys)
    longest = max(len(minutes) for minutes in wanted.values())
    ids = sorted(wanted)
    if hi - lo < 4 * longest:
        owner = m.objective_id == ids[0] if len(ids) == 1 else _in_ids(m.objective_id, ids, session)
        queries = [select(*columns).where(owner, m.epoch_minute >= lo, m.epoch_minute <= hi)]
    else:
        queries = []
        for objective_id in ids:
            ordered = sorted(set(wanted[objective_id]))
            queries += [
                select(*columns).where(
                    m.objective_id == objective_id, _in_ids(m.epoch_minute, ordered[i : i + _CHUNK], session)
                )
                for i in range(0, len(ordered), _CHUNK)
            ]
    stored: dict[tuple[int, int], Quad] = {}
    for query in queries:
        for objective_id, minute, good, total, good_slice in session.execute(query).all():
            if (objective_id, minute) in keys:
                stored[(objective_id, minute)] = (good, total, good_slice, 1 if total > 0 else 0)
    return stored


Column = int | list[int]  # one value for every row, or one per row


def _upsert(
    session: Session,
    table: Any,
    columns: dict[str, Column],
    keys: list[str],
    updates: Callable[[Any, Any], dict[str, Any]],
) -> None:
    """INSERT … ON CONFLICT DO UPDATE of rows given column by column.

    Postgres: one statement, each listed column one array parameter zipped back into rows by unnest().
    SQLite: executemany.
    """
    count = max(len(v) for v in columns.values() if isinstance(v, list))
    if count == 0:
        return
    names = list(columns)
    if session.get_bind().dialect.name == "postgresql":
        listed = [name for name in names if isinstance(columns[name], list)]
        arrays = [
            bindparam(f"{name}_values", columns[name], type_=postgresql.ARRAY(table.c[name].type)) for name in listed
        ]
        unnested = func.unnest(*arrays).table_valued(*listed).render_derived()
        values = {name: unnested.c[name] for name in listed}
        values.update(
            {name: literal(value, table.c[name].type) for name, value in columns.items() if isinstance(value, int)}
        )
        pg_statement = postgresql.insert(table).from_select(names, select(*(values[name] for name in names)))
        pg_statement = pg_statement.on_conflict_do_update(
            index_elements=keys, set_=updates(pg_statement.excluded, table.c)
        )
        session.execute(pg_statement)
        return
    rows = [
        {name: value[i] if isinstance(value, list) else value for name, value in columns.items()} for i in range(count)
    ]
    statement = sqlite.insert(table)
    statement = statement.on_conflict_do_update(index_elements=keys, set_=updates(statement.excluded, table.c))
    session.execute(statement, rows)


def _rollup_deltas(
    objective_id: int, minutes: Sequence[MinuteCounts], old: Mapping[tuple[int, int], Quad]
) -> dict[tuple[int, int], list[int]]:
    """The change of every rollup these minutes fall in: summed into quarters, quarters into hours, hours into days."""
    deltas: dict[tuple[int, int], list[int]] = {}
    for m in minutes:
        before = old.get((objective_id, m.epoch_minute), (0, 0, 0, 0))
        change = (m.good - before[0], m.total - before[1], m.good_slice - before[2], (m.total > 0) - before[3])
        key = (QUARTER, m.epoch_minute - m.epoch_minute % QUARTER)
        acc = deltas.setdefault(key, [0, 0, 0, 0])
        for i in range(4):
            acc[i] += change[i]
    for finer, coarser in ((QUARTER, HOUR), (HOUR, DAY)):
        for (span, start), sums in list(deltas.items()):
            if span == finer:
                acc = deltas.setdefault((coarser, start - start % coarser), [0, 0, 0, 0])
                for i in range(4):
                    acc[i] += sums[i]
    return deltas


def write_minutes(session: Session, objective_id: int, minutes: Sequence[MinuteCounts]) -> None:
    """Set each minute's counts (replacing what was there) and move the rollups by the difference."""
    write_minutes_of(session, {objective_id: minutes})


def write_minutes_of(session: Session, batches: Mapping[int, Sequence[MinuteCounts]]) -> None:
    """write_minutes for several objectives at once ({objective: minutes, each minute once}): the same rows, in
    one read, one upsert of minutes and one of rollups, whatever the number of objectives."""
    batches = {objective_id: minutes for objective_id, minutes in batches.items() if minutes}
    if not batches:
        return
    old = _stored(session, {objective_id: [m.epoch_minute for m in ms] for objective_id, ms in batches.items()})
    rows = [(objective_id, m) for objective_id, ms in sorted(batches.items()) for m in ms]
    _upsert(
        session,
        SliMinute.__table__,  # type: ignore[attr-defined]
        {
            "objective_id": [objective_id for objective_id, _ in rows],
            "epoch_minute": [m.epoch_minute for _, m in rows],
            "good": [m.good for _, m in rows],
            "total": [m.total for _, m in rows],
            "good_slice": [m.good_slice for _, m in rows],
        },
        ["objective_id", "epoch_minute"],
        lambda new, old: {name: new[name] for name in ("good", "total", "good_slice")},
    )
    changed = [
        (objective_id, key, sums)
        for objective_id, ms in sorted(batches.items())
        for key, sums in sorted(_rollup_deltas(objective_id, ms, old).items())
        if any(sums)
    ]
    _upsert(
        session,
        SliRollup.__table__,  # type: ignore[attr-defined]
        {
            "objective_id": [objective_id for objective_id, _, _ in changed],
            "span_minutes": [span for _, (span, _), _ in changed],
            "start_minute": [start for _, (_, start), _ in changed],
            "good": [sums[0] for _, _, sums in changed],
            "total": [sums[1] for _, _, sums in changed],
            "good_slices": [sums[2] for _, _, sums in changed],
            "slices": [sums[3] for _, _, sums in changed],
        },
        ["objective_id", "span_minutes", "start_minute"],
        lambda new, old: {name: old[name] + new[name] for name in ("good", "total", "good_slices", "slices")},
    )


def _ceil(value: int, step: int) -> int:
    return -(-value // step) * step


def decompose(start: int, end: int, levels: tuple[int, ...] = LEVELS) -> list[tuple[int, int, int]]:
    """Cut [start, end) minutes into (span, from, to) pieces: the coarsest whole spans in the middle, finer ones
    toward each edge, single minutes last. Every edge reads at most 14 minutes, 3 quarters and 23 hours."""
    if start >= end:
        return []
    if not levels:
        return [(1, start, end)]
    span, finer = levels[0], levels[1:]
    lo, hi = _ceil(start, span), end - end % span
    if lo >= hi:
        return decompose(start, end, finer)
    return [*decompose(start, lo, finer), (span, lo, hi), *decompose(hi, end, finer)]


def range_sums(
    session: Session, objective_ids: Sequence[int], ranges: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], dict[int, Sums]]:
    """Sums per objective for each [start, end) minute range: {range: {objective_id: Sums}} (missing = zero).

    For many objectives, one query: every range cut into its pieces (decompose), the pieces' rows tagged with
    their range, summed per range and objective by the database.
    """
    wanted = sorted(set(ranges))
    result: dict[tuple[int, int], dict[int, Sums]] = {span_range: {} for span_range in wanted}
    if not objective_ids or not wanted:
        return result
    if len(objective_ids) <= SMALL_SET:
        return _range_sums_by_piece(session, objective_ids, wanted, result)
    matches = _objective_filter(session, objective_ids)
    parts = [
        _piece_rows(index, span, lo, hi, matches)
        for index, span_range in enumerate(wanted)
        for span, lo, hi in decompose(*span_range)
    ]
    if not parts:
        return result
    rows = union_all(*parts).subquery()
    query = select(
        rows.c.range_index,
        rows.c.objective_id,
        func.sum(rows.c.good),
        func.sum(rows.c.total),
        func.sum(rows.c.good_slices),
        func.sum(rows.c.slices),
    ).group_by(rows.c.range_index, rows.c.objective_id)
    for index, objective_id, good, total, good_slices, slices in session.execute(query).all():
        result[wanted[index]][objective_id] = Sums(int(good), int(total), int(good_slices), int(slices))
    return result


def _range_sums_by_piece(
    session: Session,
    objective_ids: Sequence[int],
    wanted: Sequence[tuple[int, int]],
    result: dict[tuple[int, int], dict[int, Sums]],
) -> dict[tuple[int, int], dict[int, Sums]]:
    """For a few objectives (one service's status): a small query per distinct piece, added up here.

    Many small plans are quicker and steadier than one large one when there are few rows to read.
    """
    owners: dict[tuple[int, int, int], list[tuple[int, int]]] = {}
    for span_range in wanted:
        for piece in decompose(*span_range):
            owners.setdefault(piece, []).append(span_range)
    for (span, lo, hi), ranges in owners.items():
        for objective_id, sums in _piece_sums_query(session, objective_ids, span, lo, hi).items():
            for span_range in ranges:
                bucket = result[span_range]
                bucket[objective_id] = bucket.get(objective_id, Sums()) + sums
    return result


def _piece_sums_query(session: Session, objective_ids: Sequence[int], span: int, lo: int, hi: int) -> dict[int, Sums]:
    if span == 1:
        m = SliMinute.__table__.c  # type: ignore[attr-defined]
        query = (
            select(
                m.objective_id,
                func.sum(m.good),
                func.sum(m.total),
                func.sum(m.good_slice),
                func.count().filter(m.total > 0),
            )
            .where(_in_ids(m.objective_id, objective_ids, session), m.epoch_minute >= lo, m.epoch_minute < hi)
            .group_by(m.objective_id)
        )
    else:
        r = SliRollup.__table__.c  # type: ignore[attr-defined]
        query = (
            select(r.objective_id, func.sum(r.good), func.sum(r.total), func.sum(r.good_slices), func.sum(r.slices))
            .where(
                _in_ids(r.objective_id, objective_ids, session),
                r.span_minutes == span,
                r.start_minute >= lo,
                r.start_minute < hi,
            )
            .group_by(r.objective_id)
        )
    return {
        objective_id: Sums(int(good or 0), int(total or 0), int(good_slices or 0), int(slices or 0))
        for objective_id, good, total, good_slices, slices in session.execute(query).all()
    }


def _objective_filter(session: Session, objective_ids: Sequence[int]) -> Callable[[Any], Any]:
    """objective_id among these, with one parameter however many pieces use it."""
    if session.get_bind().dialect.name == "postgresql":
        ids = bindparam("objective_ids", list(objective_ids), type_=postgresql.ARRAY(Integer))
        return lambda column: column == any_(ids)
    as_json: Any = bindparam("objective_ids", json.dumps(list(objective_ids)))
    listed: Any = select(column("value")).select_from(func.json_each(as_json))
    return lambda c: c.in_(listed.scalar_subquery())


def _piece_rows(index: int, span: int, lo: int, hi: int, matches: Callable[[Any], Any]) -> Any:
    """The rows of one piece: minutes, or rollups of one span, with the index of the range they belong to."""
    tag = literal(index, Integer).label("range_index")
    if span == 1:
        m = SliMinute.__table__.c  # type: ignore[attr-defined]
        return select(
            tag,
            m.objective_id,
            m.good,
            m.total,
            m.good_slice.label("good_slices"),
            case((m.total > 0, 1), else_=0).label("slices"),
        ).where(matches(m.objective_id), m.epoch_minute >= lo, m.epoch_minute < hi)
    r = SliRollup.__table__.c  # type: ignore[attr-defined]
    return select(tag, r.objective_id, r.good, r.total, r.good_slices, r.slices).where(
        matches(r.objective_id), r.span_minutes == span, r.start_minute >= lo, r.start_minute < hi
    )


def prune_minutes(session: Session, before_minute: int) -> int:
    """Delete minute rows older than before_minute (the rollups keep their sums); returns how many went."""
    table = SliMinute.__table__  # type: ignore[attr-defined]
    result = session.connection().execute(table.delete().where(table.c.epoch_minute < before_minute))
    return int(result.rowcount or 0)


def hourly_sums(
    session: Session, objective_ids: Sequence[int], start_minute: int, end_minute: int
) -> dict[int, dict[int, Sums]]:
    """The hourly rollups in [start_minute, end_minute): {objective_id: {hour's first minute: Sums}}, for charts."""
    found: dict[int, dict[int, Sums]] = {objective_id: {} for objective_id in objective_ids}
    if not objective_ids:
        return found
    r = SliRollup.__table__.c  # type: ignore[attr-defined]
    query = select(r.objective_id, r.start_minute, r.good, r.total, r.good_slices, r.slices).where(
        _in_ids(r.objective_id, objective_ids, session),
        r.span_minutes == HOUR,
        r.start_minute >= start_minute,
        r.start_minute < end_minute,
    )
    for objective_id, minute, good, total, good_slices, slices in session.execute(query).all():
        found[objective_id][minute] = Sums(int(good), int(total), int(good_slices), int(slices))
    return found
