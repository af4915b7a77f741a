"""The numbers of the monthly SLA report (and of the daily summary, the same over one day): a calendar month in
the report's zone, for some services (or all), read in a handful of queries.

- Each SLA, OLA and SLO is measured over the month itself (not its own window): attainment against its target,
  met when attainment >= target, the month's budget ((1 - target) x the month's valid time or events), what it
  consumed and what is left; maintenance windows excluded (their time is given too). No data is never met.
- The trend is the same measurement over each of the previous TREND_MONTHS months.
- An SLA with a credit schedule owes the credit of the band its month's attainment is in (slabot.core.credits).
- Incidents belong to the month they started in; response and resolution attainment and the breaches come from
  the incident record at the month's last instant, through the weekly digest's incident_stats (one formula for
  both). Each breach carries the root cause of its incident's newest finished 5-Why, if any.
- Satisfaction counts the ratings of incidents resolved in the month; action items count those opened and those
  closed in it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.catalog.objectives import objective_credits
from slabot.core.budget import BudgetReport
from slabot.core.credits import CreditBand, CreditSchedule
from slabot.core.windows import WindowBounds
from slabot.incidents.targets import TimerBook
from slabot.reports import incident_stats
from slabot.reports.incident_stats import BreachLine, ResponseTimes, SeverityStats
from slabot.reports.monthly_period import Period
from slabot.reports.satisfaction_stats import CsatSummary, csat_summary
from slabot.slo.measurement import covered_seconds
from slabot.slo.status import ObjectiveStatus, statuses
from storage.models.catalog import Objective, Service
from storage.models.incidents import Incident
from storage.models.rca import ActionItem, FishboneCategory
from storage.queries import catalog as queries
from storage.queries import incidents as incident_queries
from storage.queries import rca as rca_queries
from storage.queries import reports as report_queries

TREND_MONTHS = 3


class Outcome(StrEnum):
    MISSED = "missed"
    NO_DATA = "no data"
    MET = "met"


OUTCOME_ORDER = tuple(Outcome)  # failing first


@dataclass(frozen=True)
class PeriodFigures:
    """One objective measured over one month (or day)."""

    first: date  # the period's first day
    status: ObjectiveStatus  # measured over the period alone
    excluded_seconds: int  # maintenance inside the period, overlaps counted once
    incidents: int = 0  # incidents of its service that started in the period
    credits: CreditSchedule | None = None  # an SLA's credit schedule

    @property
    def report(self) -> BudgetReport:
        return self.status.report

    @property
    def attainment(self) -> Fraction | None:
        return self.status.report.attainment

    @property
    def outcome(self) -> Outcome:
        if self.attainment is None:
            return Outcome.NO_DATA
        return Outcome.MET if self.attainment >= self.status.target else Outcome.MISSED

    @property
    def credit(self) -> CreditBand | None:
        """The band owed for the period; None without credits, without data, or when none is owed."""
        if self.credits is None or self.attainment is None:
            return None
        return self.credits.band_for(self.attainment)


@dataclass(frozen=True)
class ObjectiveMonth:
    figures: PeriodFigures
    trend: tuple[PeriodFigures, ...]  # the months before, oldest first

    @property
    def incidents(self) -> int:
        return self.figures.incidents

    @property
    def credits(self) -> CreditSchedule | None:
        return self.figures.credits

    @property
    def status(self) -> ObjectiveStatus:
        return self.figures.status

    @property
    def objective(self) -> Objective:
        return self.figures.status.objective

    @property
    def service(self) -> Service:
        return self.figures.status.service

    @property
    def name(self) -> str:
        return f"{self.service.name}/{self.objective.name}"

    @property
    def credit(self) -> CreditBand | None:
        return self.figures.credit

    def sort_key(self) -> tuple[int, Fraction, str]:
        attainment = self.figures.attainment
        gap = Fraction(2) if attainment is None else attainment - self.figures.status.target
        return OUTCOME_ORDER.index(self.figures.outcome), gap, self.name


@dataclass(frozen=True)
class BreachCause:
    """A missed response or resolution target, with the root cause its incident's 5-Why found (if finished)."""

    line: BreachLine
    category: FishboneCategory | None
    root_cause: str | None


@dataclass(frozen=True)
class ActionLine:
    item: ActionItem
    incident_id: int
    service: str


@dataclass(frozen=True)
class MonthlyReport:
    period: Period
    scope: tuple[str, ...]  # the services asked for, by name; empty = every service
    objectives: tuple[ObjectiveMonth, ...]  # missed first, then no data, then met
    trend_firsts: tuple[date, ...]  # the months of the trend, oldest first
    incidents: tuple[Incident, ...]  # started in the period
    overall: ResponseTimes
    severities: tuple[SeverityStats, ...]
    breaches: tuple[BreachCause, ...]
    satisfaction: CsatSummary  # ratings of the incidents resolved in the period
    opened: tuple[ActionLine, ...]  # action items opened in the period
    closed: tuple[ActionLine, ...]  # action items closed in the period

    def count(self, outcome: Outcome) -> int:
        return sum(1 for line in self.objectives if line.figures.outcome == outcome)

    @property
    def credits_owed(self) -> tuple[ObjectiveMonth, ...]:
        """The SLAs that owe a credit for the period, the largest credit first."""
        owing = [line for line in self.objectives if line.credit is not None]
        return tuple(sorted(owing, key=lambda line: (-(line.credit.percent if line.credit else 0), line.name)))

    @property
    def with_credits(self) -> tuple[ObjectiveMonth, ...]:
        return tuple(line for line in self.objectives if line.credits is not None)


def excluded_seconds(status: ObjectiveStatus, period: Period) -> int:
    """Maintenance that applies to the objective inside the period, overlapping windows counted once."""
    return covered_seconds([(w.starts_at, w.ends_at) for w in status.maintenance], period.start, period.end)


def period_figures(
    session: Session,
    period: Period,
    default_zone: ZoneInfo,
    pairs: Sequence[tuple[Objective, Service]],
    incidents: Sequence[Incident] = (),
) -> list[PeriodFigures]:
    """Each objective measured over the period alone, in the order given, with the incidents of its service
    (among `incidents`) that started in the period."""
    bounds = WindowBounds(period.start, period.end, period.end)
    measured = statuses(session, period.end, default_zone, pairs, span=bounds, window_only=True)
    started: dict[int, int] = defaultdict(int)
    for incident in incidents:
        if period.start <= incident.started_at < period.end:
            started[incident.service_id] += 1
    return [
        PeriodFigures(
            period.first,
            status,
            excluded_seconds(status, period),
            started[status.service.id],
            objective_credits(status.objective),
        )
        for status in measured
    ]


def _breach_causes(session: Session, breaches: Sequence[BreachLine]) -> tuple[BreachCause, ...]:
    causes = report_queries.root_causes(session, sorted({line.incident.id for line in breaches}))
    found = []
    for line in breaches:
        category, root_cause = causes.get(line.incident.id, (None, None))
        found.append(BreachCause(line, category, root_cause))
    return tuple(found)


def _action_items(
    session: Session, period: Period, service_ids: Sequence[int] | None
) -> tuple[tuple[ActionLine, ...], tuple[ActionLine, ...]]:
    rows = report_queries.action_items_between(session, service_ids, period.start, period.end)
    lines = [(item, ActionLine(item, incident.id, service.name)) for item, incident, service in rows]
    opened = tuple(line for item, line in lines if period.start <= item.created_at < period.end)
    closed = tuple(
        line for item, line in lines if item.done_at is not None and period.start <= item.done_at < period.end
    )
    return opened, closed


def build_monthly(
    session: Session,
    period: Period,
    service_ids: Sequence[int] | None,
    default_zone: ZoneInfo,
    *,
    trend_months: int = TREND_MONTHS,
) -> MonthlyReport:
    """The report of `period` for these services (None = every service)."""
    pairs = [
        (objective, service)
        for objective, service in queries.objectives_with_services(session)
        if service_ids is None or service.id in service_ids
    ]
    trend_periods = [period.previous(n) for n in range(trend_months, 0, -1)]
    names = {service.id: service.name for service in queries.all_services(session)}
    scope_ids = sorted(names) if service_ids is None else list(service_ids)
    earliest = trend_periods[0].start if trend_periods else period.start
    known = list(incident_queries.incidents_overlapping(session, scope_ids, earliest, period.end))
    now = period_figures(session, period, default_zone, pairs, known)
    trend = [period_figures(session, each, default_zone, pairs, known) for each in trend_periods]
    overlapping = [i for i in known if i.resolved_at is None or i.resolved_at > period.start]
    started = [i for i in overlapping if i.started_at >= period.start]
    lines = sorted(
        (ObjectiveMonth(figures, tuple(months[index] for months in trend)) for index, figures in enumerate(now)),
        key=ObjectiveMonth.sort_key,
    )
    # Timers as they stood at the period's last instant: an acknowledgement at its end belongs to the next one.
    last = period.end - timedelta(microseconds=1)
    book = TimerBook.load(session, default_zone)
    events = incident_queries.timelines(session, [i.id for i in overlapping])
    severities = incident_stats.severity_stats(started, events, book.timers, last)
    breaches = incident_stats.missed_targets(overlapping, events, book.timers, names, period.start, last)
    resolved = [i.id for i in overlapping if i.resolved_at is not None and i.resolved_at < period.end]
    opened, closed = _action_items(session, period, service_ids)
    scope = tuple(sorted(names[i] for i in service_ids if i in names)) if service_ids else ()
    return MonthlyReport(
        period=period,
        scope=scope,
        objectives=tuple(lines),
        trend_firsts=tuple(each.first for each in trend_periods),
        incidents=tuple(started),
        overall=incident_stats.response_times(started, period.end),
        severities=tuple(severities),
        breaches=_breach_causes(session, breaches),
        satisfaction=csat_summary(rca_queries.csat_for_incidents(session, resolved)),
        opened=opened,
        closed=closed,
    )
