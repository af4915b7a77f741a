"""Event counts for event-based objectives: what a point means, the checks it must pass, and storing it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from sqlmodel import Session

from slabot.catalog.objectives import get_objective
from slabot.core.errors import NotFound, UserError
from slabot.core.i18n import t
from storage.models.catalog import Objective, ObjectiveSource
from storage.queries import prometheus, sli

MAX_POINTS = 10_000
FUTURE_TOLERANCE = timedelta(minutes=5)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Point:
    """Counts for the minute that contains ts: sending the same minute again replaces it."""

    ts: datetime
    good: int
    total: int


def epoch_minute(moment: datetime) -> int:
    return int((moment - EPOCH).total_seconds() // 60)


def minute_start(minute: int) -> datetime:
    return EPOCH + timedelta(minutes=minute)


def event_objective(session: Session, service_name: str, objective_name: str) -> Objective:
    """The objective points are sent to; it must exist and measure events."""
    try:
        objective, service = get_objective(session, service_name, objective_name)
    except UserError as error:
        raise NotFound(error.said) from None
    name = f"{service.name}/{objective.name}"
    if objective.source != ObjectiveSource.EVENTS:
        raise UserError(
            t(
                "{name} is measured from incidents, not events; define an objective with source=events to send counts",
                name=name,
            )
        )
    if prometheus.source_of(session, objective.id) is not None:
        raise UserError(t("{name} is pulled from Prometheus: its counts are not sent", name=name))
    return objective


def check_points(points: Sequence[Point], now: datetime) -> None:
    """Every point must have whole counts with 0 <= good <= total and a time no later than now + 5 minutes."""
    if len(points) > MAX_POINTS:
        raise UserError(
            t("at most {most} points per request, not {n}: split the batch", most=MAX_POINTS, n=len(points))
        )
    for index, point in enumerate(points):
        if point.good < 0 or point.total < 0:
            raise UserError(t("points[{index}]: counts cannot be negative", index=index))
        if point.good > point.total:
            raise UserError(
                t(
                    "points[{index}]: good ({good}) is more than total ({total})",
                    index=index,
                    good=point.good,
                    total=point.total,
                )
            )
        if point.ts > now + FUTURE_TOLERANCE:
            raise UserError(
                t("points[{index}]: ts {ts} is more than 5 minutes in the future", index=index, ts=point.ts.isoformat())
            )


def slice_target(objective: Objective) -> Fraction:
    """A minute is a good slice when its ratio meets this (the slice target, or the objective's target)."""
    percent = objective.slice_target_percent if objective.slice_target_percent is not None else objective.target_percent
    return Fraction(percent) / 100


def is_good_slice(good: int, total: int, target: Fraction) -> bool:
    """good / total >= target, in integers."""
    return total > 0 and good * target.denominator >= total * target.numerator


def ingest(session: Session, objective: Objective, points: Sequence[Point], now: datetime) -> int:
    """Store the points (the last one wins for a minute sent twice); returns how many minutes were stored."""
    return ingest_many(session, [(objective, points)], now)[objective.id]


def ingest_many(
    session: Session, batches: Sequence[tuple[Objective, Sequence[Point]]], now: datetime
) -> dict[int, int]:
    """Points of several objectives (each at most once), checked first, stored in one set of statements; returns
    how many minutes each objective got. A UserError for any batch stores nothing."""
    written: dict[int, list[sli.MinuteCounts]] = {}
    for objective, points in batches:
        check_points(points, now)
        target = slice_target(objective)
        latest = {epoch_minute(point.ts): point for point in points}
        written[objective.id] = [
            sli.MinuteCounts(minute, p.good, p.total, int(is_good_slice(p.good, p.total, target)))
            for minute, p in sorted(latest.items())
        ]
    sli.lock_objectives(session, [objective_id for objective_id, minutes in written.items() if minutes])
    sli.write_minutes_of(session, written)
    return {objective_id: len(minutes) for objective_id, minutes in written.items()}
