"""Statements of incident SLA settings: the stored severity targets and business calendars with their days."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, delete, select

from storage.models.incidents import Calendar, CalendarDay, SeverityTarget


def severity_targets(session: Session) -> Sequence[SeverityTarget]:
    return session.exec(select(SeverityTarget)).all()


def calendar_named(session: Session, name: str) -> Calendar | None:
    return session.exec(select(Calendar).where(Calendar.name == name)).first()


def calendars(session: Session) -> list[Calendar]:
    """Every stored calendar, by name."""
    return list(session.exec(select(Calendar).order_by(col(Calendar.name))).all())


def days_of(session: Session, calendar_ids: Sequence[int]) -> dict[int, list[CalendarDay]]:
    """The explicit days off and working days of each calendar, by date."""
    found: dict[int, list[CalendarDay]] = {calendar_id: [] for calendar_id in calendar_ids}
    if calendar_ids:
        query = select(CalendarDay).where(col(CalendarDay.calendar_id).in_(calendar_ids)).order_by(col(CalendarDay.day))
        for row in session.exec(query).all():
            found[row.calendar_id].append(row)
    return found


def delete_days(session: Session, calendar_id: int) -> None:
    session.exec(delete(CalendarDay).where(col(CalendarDay.calendar_id) == calendar_id))
