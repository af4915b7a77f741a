"""Mentions typed by people never notify anyone: every renderer and every notify writer, given user text full
of `<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^…>` and `<@U…>`, emits only slabot's own mentions (the
on-call, the people who acted) in mrkdwn and in the fallback `text`; the postmortem export emits none at all.

The renderers' own output is checked (Reply.text and the blocks as built), not what Reply.for_message()
sends: that last guard defuses broadcasts, and must not hide a renderer that forgot to escape."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import ActionsBlock

import slabot.render
from slabot.alerting.events import AlertEscalated, AlertOpened, AlertResolved, AlertShown, BudgetCrossed, FreezeLifted
from slabot.alerting.figures import AlertFigures, BudgetLeft, PairFigures
from slabot.catalog.objective_edits import Changed, ObjectiveEdited
from slabot.catalog.services import Removal
from slabot.core.burn import DEFAULT_RULES, Counts
from slabot.core.credits import parse_credits
from slabot.core.mentions import oncall_mention, user_mention
from slabot.core.windows import WindowSpec, window_bounds
from slabot.home.dashboard import Dashboard, Listed, OpenIncident, RunningWhy, Scope
from slabot.incidents.alert_groups import AlertsJoined, AlertUnrouted, JoinedAlert
from slabot.incidents.breaches import TimerMarkReached
from slabot.incidents.calendars import CalendarInfo
from slabot.incidents.events import AlreadyDone, IncidentChange, SurveyRequested
from slabot.incidents.targets import TargetRow
from slabot.incidents.timers import TargetSpec, TimerState
from slabot.notify import alerting as notify_alerting
from slabot.notify import incidents as notify_incidents
from slabot.notify import outbox
from slabot.notify import rca as notify_rca
from slabot.notify import reports as notify_reports
from slabot.notify import timers as notify_timers
from slabot.notify.notifier import WRITERS
from slabot.notify.outbox import RowContext
from slabot.rca.analysis import Analysis
from slabot.rca.events import (
    ActionRecorded,
    Asking,
    InThread,
    NotDoneYet,
    ProblemNoted,
    QuestionAsked,
    WhyCancelled,
    WhyFinished,
    WhyStarted,
    Withdrawal,
    WrapUp,
    WrapUpChanged,
    WrapUpShown,
    WrapUpWithdrawn,
)
from slabot.rca.impact import BudgetImpact
from slabot.rca.postmortem import IncidentChanged, Postmortem, TimelineEntry
from slabot.render import (
    alert_groups,
    alert_rules,
    alerts,
    budget,
    catalog,
    csat,
    digest,
    digest_commands,
    follow_up,
    home,
    incidents,
    itsm,
    languages,
    maintenance,
    monthly_commands,
    monthly_daily,
    notices,
    openslo,
    postmortem,
    prometheus,
    rca,
    reply,
    status,
)
from slabot.render import monthly as monthly_render
from slabot.render.reply import Reply
from slabot.reports.chart_data import CauseMinutes
from slabot.reports.digests import DigestInfo
from slabot.reports.events import DigestReady
from slabot.reports.incident_stats import Attainment, BreachLine, ResponseTimes, SeverityStats
from slabot.reports.monthly import ActionLine, BreachCause, MonthlyReport, ObjectiveMonth, PeriodFigures
from slabot.reports.monthly_events import ReportReady
from slabot.reports.monthly_period import Period
from slabot.reports.satisfaction_stats import CsatSummary, LowestRating
from slabot.reports.schedule import Week
from slabot.reports.weekly import DigestReport, ObjectiveLine
from slabot.slo.measurement import Measure, measure_incidents
from slabot.slo.source_problems import SourceProblem
from slabot.slo.status import ObjectiveStatus, State, _status
from slabot.sources.openslo_export import ExportedCatalogue, ExportRequested
from slabot.sources.prometheus_outages import SourceProblemDue
from slabot.sources.prometheus_pull import Progress
from storage.models.alerting import Alert, AlertSeverity
from storage.models.catalog import MaintenanceWindow, Objective, Service
from storage.models.incidents import (
    Calendar,
    CalendarDay,
    CalendarDayKind,
    CsatRating,
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentStatus,
    SlaTimerKind,
)
from storage.models.rca import ActionItem, FishboneCategory, Rca, RcaStage, RcaTrigger, RcaWhy
from storage.models.reports import Digest, ReportFormat, ReportPeriod

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")

# The people and groups slabot itself mentions (ids from Slack, never typed text).
OPENER, ACKER, RESOLVER, ACTOR, OWNER_ID = "U0ALICE", "U0CAROL", "U0DAVE", "U0ERIN", "U0DANA"
ONCALL_USER, ONCALL_GROUP = "U0BOB", "S0SRE"
OWN_MENTIONS = {user_mention(u) for u in (OPENER, ACKER, RESOLVER, ACTOR, OWNER_ID, ONCALL_USER)} | {
    oncall_mention(ONCALL_GROUP)
}

# Anything Slack would read as a mention or a special command: <@U…>, <@W…>, <!channel>, <!subteam^…>, …
MENTION = re.compile(r"<[@!][^>]*>")

NASTY = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!here|here>",
    "<!subteam^S123|@team>",
    "<!subteam^S0SRE>",
    "<@U123>",
    "<@U0BOB>",  # someone typing the on-call's mention is still typed text
    "<@W123|bob>",
    "&",
    "&lt;",
    "<",
    ">",
    "*bold*",
    "@channel",
    " ",
]
_piece = st.one_of(
    st.sampled_from(NASTY),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=6),
)
user_text = st.lists(_piece, min_size=1, max_size=6).map("".join).filter(lambda text: bool(text.strip()))


@dataclass(frozen=True)
class Texts:
    """Everything people type that a message may quote."""

    title: str
    reason: str
    question: str
    answer: str
    root_cause: str
    action: str
    comment: str
    owner: str
    description: str
    maintenance: str
    hours: str
    problem: str
    detail: str
    replaced: str


# Three typed texts per example, dealt round the fourteen fields in a drawn order: each field still gets text
# full of mentions, and drawing three texts instead of fourteen keeps the run short.
texts = st.builds(
    lambda pool, order: Texts(*(pool[(i + order) % 3] for i in range(14))),
    st.lists(user_text, min_size=3, max_size=3),
    st.integers(0, 2),
)


# --- the data every renderer is given -------------------------------------------------------------------


def service(t: Texts, oncall: str = ONCALL_GROUP) -> Service:
    return Service(id=1, name="checkout", channel_id="C0CHECK", oncall_id=oncall, owner=t.owner, created_by=OPENER)


def objective(t: Texts) -> Objective:
    return Objective(
        id=3,
        service_id=1,
        name="availability",
        target_percent=Decimal("99.9"),
        description=t.description,
        created_by=OPENER,
    )


def joined(t: Texts, count: int = 12) -> AlertsJoined:
    """Alerts joining an incident's group (more than a note lists, by default): their labels and summaries come
    from whoever wrote the alert rule."""
    labels = {"alertname": t.title, "service": "checkout", "instance": t.detail, "team": t.owner}
    alerts = tuple(JoinedAlert(f"f00d{i}", {**labels, "n": str(i)}, t.problem) for i in range(count))
    return AlertsJoined(incident(t, resolved=False), service(t), alerts)


def unrouted(t: Texts, *, labelled: bool = True) -> AlertUnrouted:
    """An incident on the catch-all service: the service label's value is typed by whoever wrote the alert rule."""
    labels = {"alertname": t.title, "instance": t.detail, **({"service": t.comment} if labelled else {})}
    label = "service" if labelled else t.reason  # a label name is configured, still shown escaped
    value = t.comment if labelled else None
    return AlertUnrouted(incident(t, resolved=False), service(t), label, value, labels)


def incident(t: Texts, *, resolved: bool = True) -> Incident:
    return Incident(
        id=7,
        service_id=1,
        severity=2,
        title=t.title,
        impact_percent=Decimal(50),
        status=IncidentStatus.RESOLVED if resolved else IncidentStatus.ACKNOWLEDGED,
        started_at=NOW - timedelta(hours=2),
        acknowledged_at=NOW - timedelta(hours=1),
        resolved_at=NOW - timedelta(minutes=5) if resolved else None,
        opened_by=OPENER,
        acknowledged_by=ACKER,
        resolved_by=RESOLVER if resolved else None,
        channel_id="C0CHECK",
        thread_ts="1.0001",
    )


def window(t: Texts) -> MaintenanceWindow:
    return MaintenanceWindow(
        id=4,
        service_id=1,
        starts_at=NOW - timedelta(hours=3),
        ends_at=NOW - timedelta(hours=2),
        reason=t.maintenance,
        created_by=OPENER,
    )


def action_item(t: Texts) -> ActionItem:
    return ActionItem(
        id=9, incident_id=7, rca_id=5, text=t.action, owner_id=OWNER_ID, due=date(2026, 11, 1), created_by=ACTOR
    )


def whys(t: Texts) -> list[RcaWhy]:
    return [
        RcaWhy(
            rca_id=5,
            position=n,
            question=f"Why {n}/5: {t.question}",
            answer=t.answer if n < 2 else t.root_cause,
            answered_by=ACTOR,
            answered_at=NOW,
            message_ts=f"2.{n}",
        )
        for n in (1, 2)
    ]


def rca_row(*, finished: bool = True) -> Rca:
    return Rca(
        id=5,
        incident_id=7,
        stage=RcaStage.DONE if finished else RcaStage.WHYS,
        trigger=RcaTrigger.COMMAND,
        channel_id="C0CHECK",
        thread_ts="1.0001",
        category=FishboneCategory.TECHNOLOGY,
        started_by=ACTOR,
        started_at=NOW - timedelta(minutes=30),
        finished_at=NOW if finished else None,
        finished_by=ACTOR if finished else None,
        wrap_up_key="rca:5:v1:wrap-up",
    )


def rating(t: Texts) -> CsatRating:
    return CsatRating(incident_id=7, user_id=OPENER, rating=2, comment=t.comment, rated_at=NOW)


def status_of(t: Texts) -> ObjectiveStatus:
    goal = objective(t)
    bounds = window_bounds(WindowSpec.parse(goal.window), NOW, UTC_ZONE)
    gone = incident(t)
    measured = measure_incidents([gone], bounds, [(window(t).starts_at, window(t).ends_at)])
    return _status(goal, service(t), bounds, measured, [window(t)])


def figures(t: Texts) -> AlertFigures:
    rule = DEFAULT_RULES[0]
    pair = PairFigures(rule, Fraction(144, 10), Counts(60, 3600), Counts(60, 300), Fraction(20), Fraction(20))
    total = Fraction(2592)
    return AlertFigures(
        pairs=(pair,),
        window=WindowSpec.parse("30d"),
        window_seconds=30 * 86400,
        budget=BudgetLeft(Measure.SECONDS, total, total / 2),
        as_of=NOW,
    )


def alert(*, resolved: bool = False) -> Alert:
    return Alert(
        id=11,
        objective_id=3,
        severity=AlertSeverity.PAGE,
        rules="page:2%:1h/5m",
        opened_at=NOW - timedelta(hours=1),
        last_firing_at=NOW,
        resolved_at=NOW if resolved else None,
        acknowledged_by=ACKER,
        acknowledged_at=NOW - timedelta(minutes=30),
        incident_id=7,
    )


def timer_state(t: Texts, *, breached: bool) -> TimerState:
    return TimerState(
        kind=SlaTimerKind.RESPONSE,
        target_seconds=1800,
        elapsed_seconds=2400 if breached else 1000,
        left_seconds=-600 if breached else 800,
        percent=Fraction(4, 3) if breached else Fraction(5, 9),
        due_at=NOW,
        stopped=False,
        paused=False,
        breached=breached,
        calendar="office",
        zone=UTC_ZONE,
    )


def mark(t: Texts, *, breached: bool) -> TimerMarkReached:
    return TimerMarkReached(
        incident(t, resolved=False), service(t), timer_state(t, breached=breached), 100 if breached else 50, "30m"
    )


def calendar_info(t: Texts) -> CalendarInfo:
    day = CalendarDay(calendar_id=1, day=date(2026, 12, 24), kind=CalendarDayKind.HOLIDAY, created_by=ACTOR)
    return CalendarInfo(
        name="office", timezone="Europe/Berlin", hours=t.hours, country="DE", days=(day,), builtin=False, used_by=(3,)
    )


def report(t: Texts) -> DigestReport:
    stat = status_of(t)
    gone = incident(t)
    times = ResponseTimes(Fraction(600), Fraction(900), Fraction(3600), Fraction(7200))
    return DigestReport(
        week=Week(date(2026, 11, 9), UTC_ZONE),
        scope=("checkout",),
        objectives=(ObjectiveLine(stat, stat, Fraction(1, 2), 1),),
        incidents=(gone,),
        services={1: "checkout"},
        overall=times,
        severities=(SeverityStats(2, 1, times, Attainment(1, 0), Attainment(0, 1)),),
        breaches=(BreachLine(gone, "checkout", SlaTimerKind.RESOLUTION, 1800, NOW),),
        causes=(CauseMinutes(FishboneCategory.PEOPLE, Fraction(30)), CauseMinutes(None, Fraction(10))),
        unanalysed=(7,),
        satisfaction=CsatSummary(
            1, Fraction(2), ((5, 0), (4, 0), (3, 0), (2, 1), (1, 0)), LowestRating(7, 2, t.comment)
        ),
        trend=(),
        sli_panels=(),
        burndowns=(),
    )


def monthly_report(t: Texts, kind: ReportPeriod = ReportPeriod.MONTH) -> MonthlyReport:
    """A monthly report (or daily summary) quoting typed text: titles, root causes, action items."""
    gone = incident(t)
    times = ResponseTimes(Fraction(600), Fraction(900), Fraction(3600), Fraction(7200))
    month = PeriodFigures(date(2026, 11, 1), status_of(t), 3600, 1, parse_credits("99.9:10"))
    line = BreachLine(gone, "checkout", SlaTimerKind.RESOLUTION, 1800, NOW)
    return MonthlyReport(
        period=Period(kind, date(2026, 11, 1), UTC_ZONE),
        scope=("checkout",),
        objectives=(ObjectiveMonth(month, (month,)),),
        trend_firsts=(date(2026, 10, 1),),
        incidents=(gone,),
        overall=times,
        severities=(SeverityStats(2, 1, times, Attainment(1, 0), Attainment(0, 1)),),
        breaches=(BreachCause(line, FishboneCategory.PEOPLE, t.root_cause), BreachCause(line, None, None)),
        satisfaction=CsatSummary(1, Fraction(2), ((5, 0), (4, 0), (3, 0), (2, 1), (1, 0)), None),
        opened=(ActionLine(action_item(t), 7, "checkout"),),
        closed=(),
    )


WHERE = InThread(rca_id=5, version=1, incident_id=7, channel_id="C0CHECK", thread_ts="1.0001")


def _analysis(t: Texts, *, finished: bool) -> Analysis:
    return Analysis(rca_row(finished=finished), tuple(whys(t)))


def postmortem_of(t: Texts) -> Postmortem:
    stat = status_of(t)
    impact = BudgetImpact(stat.objective, True, Fraction(1800), Fraction(2592), Fraction(25, 36), stat.bounds)
    entries = (
        TimelineEntry(NOW - timedelta(hours=2), IncidentChanged(IncidentEventKind.OPENED), OPENER, t.detail),
        TimelineEntry(NOW - timedelta(hours=1), IncidentChanged(IncidentEventKind.PAUSED), t.owner, t.reason),
    )
    return Postmortem(
        incident=incident(t),
        service=service(t),
        timeline=entries,
        impacts=(impact,),
        analysis=_analysis(t, finished=True),
        action_items=(action_item(t),),
        rating=rating(t),
        now=NOW,
        today=NOW.date(),
    )


# --- every renderer, by name ------------------------------------------------------------------------------

Render = Callable[[Texts], "Reply | str"]
EN: Any = "en"


def _timeline(t: Texts) -> list[IncidentEvent]:
    return [
        IncidentEvent(id=1, incident_id=7, kind=IncidentEventKind.OPENED, at=NOW, actor=OPENER, detail=t.detail),
        IncidentEvent(id=2, incident_id=7, kind=IncidentEventKind.PAUSED, at=NOW, actor=ACTOR, detail=t.reason),
    ]


def _finished(t: Texts) -> WhyFinished:
    return WhyFinished(WHERE, incident(t), service(t), FishboneCategory.PROCESS, whys(t), [action_item(t)])


def _follow_up(t: Texts) -> follow_up.FollowUp:
    return follow_up.FollowUp(_analysis(t, finished=True), (action_item(t),), rating(t))


RENDERERS: dict[str, Render] = {
    # languages (no user text: their only mention is the channel's)
    "languages.person_language_set": lambda t: languages.person_language_set("zh", locale=EN),
    "languages.person_language_auto": lambda t: languages.person_language_auto("en", locale=EN),
    "languages.person_language_shown": lambda t: languages.person_language_shown("zh", False, locale=EN),
    "languages.channel_language_set": lambda t: languages.channel_language_set("C0OPS", "zh", "en", locale=EN),
    # incidents
    "incidents.announcement": lambda t: incidents.announcement(
        incident(t, resolved=False), service(t), NOW, UTC_ZONE, locale=EN
    ),
    "incidents.announcement(resolved, user on-call)": lambda t: incidents.announcement(
        incident(t), service(t, ONCALL_USER), NOW, UTC_ZONE, locale=EN
    ),
    "incidents.announcement(from a message, analysed)": lambda t: incidents.announcement(
        replace_incident(incident(t), source_channel_id="C0SRC", source_ts="1700000000.000100"),
        service(t),
        NOW,
        UTC_ZONE,
        analysed=True,
        locale=EN,
    ),
    "incidents.announcement_buttons": lambda t: Reply(
        text="-", blocks=[b for b in [incidents.announcement_buttons(incident(t, resolved=False), False)] if b]
    ),
    "incidents.message_link": lambda t: incidents.message_link("C0SRC", "1700000000.000100"),
    "incidents.acknowledged_note": lambda t: incidents.acknowledged_note(incident(t), locale=EN),
    "incidents.resolved_note": lambda t: incidents.resolved_note(incident(t), locale=EN),
    "incidents.paused_note": lambda t: incidents.paused_note(incident(t), ACTOR, t.reason, locale=EN),
    "incidents.resumed_note": lambda t: incidents.resumed_note(
        incident(t), ACTOR, NOW - timedelta(minutes=9), NOW, locale=EN
    ),
    "incidents.confirmation": lambda t: incidents.confirmation(
        incident(t), service(t), "Opened", posted=True, locale=EN
    ),
    "incidents.confirmation(problem)": lambda t: incidents.confirmation(
        incident(t), service(t), "Opened", incidents.post_failure("C0CHECK", "not_in_channel"), locale=EN
    ),
    "incidents.already_done": lambda t: incidents.already_done(
        AlreadyDone(IncidentEventKind.PAUSED, IncidentEventKind.RESOLVED, incident(t), RESOLVER, NOW),
        UTC_ZONE,
        locale=EN,
    ),
    "incidents.post_failure": lambda t: incidents.post_failure("C0CHECK", "is_archived"),
    "incidents.post_delayed": lambda t: incidents.post_delayed("C0CHECK", "ratelimited"),
    "incidents.recorded_with_problem": lambda t: incidents.recorded_with_problem(
        7, incidents.post_delayed("C0CHECK", "ratelimited")
    ),
    "incidents.incident_list": lambda t: incidents.incident_list(
        [(incident(t), service(t))] * 3, NOW, UTC_ZONE, only_unresolved=False, locale=EN
    ),
    "incidents.incident_detail": lambda t: incidents.incident_detail(
        incident(t), service(t), _timeline(t), NOW, UTC_ZONE, [timer_state(t, breached=True)], _follow_up(t), locale=EN
    ),
    "status.budget_button": lambda t: Reply(
        text="-", blocks=[ActionsBlock(elements=[status.budget_button(status_of(t))])]
    ),
    # rca
    "rca.started": lambda t: rca.started(
        WhyStarted(WHERE, incident(t), service(t), f"Why 1/5: {t.question}", ACTOR), locale=EN
    ),
    "rca.asked": lambda t: rca.asked(QuestionAsked(WHERE, 2, t.question, Asking.AGAIN, t.replaced), locale=EN),
    "rca.wrap_up": lambda t: rca.wrap_up(WrapUp(WHERE, t.root_cause, FishboneCategory.PEOPLE), locale=EN),
    "alert_groups.joined_note": lambda t: alert_groups.joined_note(joined(t), locale=EN),
    "alert_groups.joined_note(one)": lambda t: alert_groups.joined_note(joined(t, 1), locale=EN),
    "alert_groups.unrouted_note": lambda t: alert_groups.unrouted_note(unrouted(t), locale=EN),
    "alert_groups.unrouted_note(no label)": lambda t: alert_groups.unrouted_note(
        unrouted(t, labelled=False), locale=EN
    ),
    "rca.wrap_up_withdrawn": lambda t: rca.wrap_up_withdrawn(Withdrawal.BACK, locale=EN),
    "rca.action_recorded": lambda t: rca.action_recorded(ActionRecorded(WHERE, action_item(t), True), locale=EN),
    "rca.problem": lambda t: rca.problem(ProblemNoted(WHERE, t.problem), locale=EN),
    "rca.not_done_yet": lambda t: rca.not_done_yet(NotDoneYet(WHERE, True, True), locale=EN),
    "rca.summary": lambda t: rca.summary(_finished(t), locale=EN),
    "rca.cancelled": lambda t: rca.cancelled(WhyCancelled(WHERE, ACTOR), locale=EN),
    "rca.started_reply": lambda t: rca.started_reply(incident(t), locale=EN),
    "rca.cancelled_reply": lambda t: rca.cancelled_reply(7, locale=EN),
    "rca.action_list": lambda t: rca.action_list(
        [(action_item(t), incident(t), service(t))] * 2, NOW.date(), only_open=True, service_name="checkout", locale=EN
    ),
    "rca.action_closed": lambda t: rca.action_closed(action_item(t), locale=EN),
    # csat and what followed an incident
    "csat.survey": lambda t: csat.survey(incident(t), locale=EN),
    "csat.thanks": lambda t: csat.thanks(rating(t), locale=EN),
    "csat.rating_text": lambda t: csat.rating_text(rating(t)),
    "follow_up.follow_up_blocks": lambda t: Reply(
        text="-", blocks=follow_up.follow_up_blocks(incident(t), _follow_up(t), UTC_ZONE, locale=EN)
    ),
    "follow_up.follow_up_blocks(running)": lambda t: Reply(
        text="-",
        blocks=follow_up.follow_up_blocks(
            incident(t), follow_up.FollowUp(_analysis(t, finished=False)), UTC_ZONE, locale=EN
        ),
    ),
    # catalogue and maintenance
    "catalog.service_saved": lambda t: catalog.service_saved(service(t), "added", locale=EN),
    "catalog.service_list": lambda t: catalog.service_list([service(t)] * 2, locale=EN),
    "catalog.removal": lambda t: catalog.removal(Removal(service(t), 1, 2, False), locale=EN),
    "catalog.objective_defined": lambda t: catalog.objective_defined(objective(t), service(t), locale=EN),
    "catalog.objective_list": lambda t: catalog.objective_list([(objective(t), service(t))], "checkout", locale=EN),
    "catalog.objective_deleted": lambda t: catalog.objective_deleted(objective(t), service(t), locale=EN),
    "catalog.objective_edited": lambda t: catalog.objective_edited(
        ObjectiveEdited(objective(t), service(t), (Changed("description", t.owner, t.description),), repull=True),
        locale=EN,
    ),
    "catalog.objective_edited(unchanged)": lambda t: catalog.objective_edited(
        ObjectiveEdited(objective(t), service(t), ()), locale=EN
    ),
    "maintenance.maintenance_added": lambda t: maintenance.maintenance_added(
        window(t), service(t), None, UTC_ZONE, locale=EN
    ),
    "maintenance.maintenance_list": lambda t: maintenance.maintenance_list(
        [(window(t), service(t), objective(t))], UTC_ZONE, locale=EN
    ),
    "maintenance.maintenance_removed": lambda t: maintenance.maintenance_removed(window(t), locale=EN),
    # status, budget, alerts and notices
    "status.status_reply": lambda t: status.status_reply([status_of(t)], NOW, UTC_ZONE, "checkout", True, locale=EN),
    "budget.budget_reply": lambda t: budget.budget_reply(status_of(t), UTC_ZONE, True, locale=EN),
    "alert_rules.rules_reply": lambda t: alert_rules.rules_reply(
        objective(t), service(t), DEFAULT_RULES, 30 * 86400, locale=EN
    ),
    "alerts.alert_message": lambda t: alerts.alert_message(
        alert(), objective(t), service(t), figures(t), UTC_ZONE, locale=EN, silenced_until=NOW
    ),
    "alerts.alert_message(resolved)": lambda t: alerts.alert_message(
        alert(resolved=True), objective(t), service(t), figures(t), UTC_ZONE, locale=EN
    ),
    "alerts.escalation_note": lambda t: alerts.escalation_note(service(t), figures(t), locale=EN),
    "alerts.recovery_note": lambda t: alerts.recovery_note(
        alert(resolved=True), objective(t), service(t), figures(t), locale=EN
    ),
    "alerts.silenced_reply": lambda t: alerts.silenced_reply(
        objective(t), service(t), t.problem, NOW, UTC_ZONE, locale=EN
    ),
    "notices.budget_crossing(0)": lambda t: notices.budget_crossing(
        BudgetCrossed(objective(t), service(t), 0, 1, figures(t).budget), locale=EN
    ),
    "notices.budget_crossing(25)": lambda t: notices.budget_crossing(
        BudgetCrossed(objective(t), service(t), 25, 1, figures(t).budget), locale=EN
    ),
    "notices.freeze_lifted": lambda t: notices.freeze_lifted(
        FreezeLifted(objective(t), service(t), 1, figures(t).budget), locale=EN
    ),
    "notices.timer_warning": lambda t: notices.timer_warning(mark(t, breached=False), locale=EN),
    "notices.timer_breach": lambda t: notices.timer_breach(mark(t, breached=True), in_channel=True, locale=EN),
    # incident SLAs
    "itsm.targets_reply": lambda t: itsm.targets_reply(
        [TargetRow(TargetSpec(3, "4h", "3d", "office", True), 14400, 86400, t.hours, UTC_ZONE)], 3, locale=EN
    ),
    "itsm.calendar_list": lambda t: itsm.calendar_list([calendar_info(t)], locale=EN),
    "itsm.calendar_added": lambda t: itsm.calendar_added(
        Calendar(id=1, name="office", timezone="UTC", hours=t.hours, country="DE", created_by=ACTOR), 28800, locale=EN
    ),
    "itsm.calendar_day_set": lambda t: itsm.calendar_day_set(
        Calendar(id=1, name="office", timezone="UTC", hours=t.hours, created_by=ACTOR),
        CalendarDay(calendar_id=1, day=date(2026, 12, 24), kind=CalendarDayKind.HOLIDAY, created_by=ACTOR),
        CalendarDayKind.WORKDAY,
        locale=EN,
    ),
    "itsm.calendar_removed": lambda t: itsm.calendar_removed(
        Calendar(id=1, name="office", timezone="UTC", hours=t.hours, created_by=ACTOR), True, locale=EN
    ),
    # digests
    "digest.digest_message": lambda t: digest.digest_message(report(t), locale=EN),
    "digest_commands.digest_added": lambda t: digest_commands.digest_added(_digest_info(), NOW, locale=EN),
    "digest_commands.digest_list": lambda t: digest_commands.digest_list([_digest_info()], NOW, locale=EN),
    "digest_commands.digest_removed": lambda t: digest_commands.digest_removed(_digest_info(), locale=EN),
    "digest_commands.report_queued": lambda t: digest_commands.report_queued(
        Week(date(2026, 11, 9), UTC_ZONE), "checkout", "C0OPS", locale=EN
    ),
    # monthly reports
    "monthly.monthly_message": lambda t: monthly_render.monthly_message(monthly_report(t), locale=EN),
    "monthly_daily.daily_message": lambda t: monthly_daily.daily_message(
        monthly_report(t, ReportPeriod.DAY), locale=EN
    ),
    "monthly_commands.report_queued": lambda t: monthly_commands.report_queued(
        Period(ReportPeriod.MONTH, date(2026, 11, 1), UTC_ZONE), "checkout", ReportFormat.PDF, "C0OPS", locale=EN
    ),
    "monthly_commands.period_digest_added": lambda t: monthly_commands.period_digest_added(
        DigestInfo(
            Digest(id=3, channel_id="C0OPS", every=ReportPeriod.MONTH, at_minute=540, timezone="UTC", created_by=ACTOR),
            (),
        ),
        NOW,
        locale=EN,
    ),
    # replies of every kind
    "reply.error_reply": lambda t: reply.error_reply("That did not work.", "/sla why <incident> [cancel]"),
    "reply.outage_reply": lambda t: reply.outage_reply(),
    # objectives pulled from Prometheus
    "prometheus.pulled_objective_defined": lambda t: prometheus.pulled_objective_defined(
        objective(t), service(t), 42, f"Prometheus {t}", locale=EN
    ),
    "prometheus.backfill_progress": lambda t: prometheus.backfill_progress(
        objective(t), service(t), Progress(1, 1440, 86_400_000, 33 * 86_400_000), locale=EN
    ),
    "prometheus.source_problem_notice": lambda t: prometheus.source_problem_notice(
        objective(t), service(t), SourceProblem(NOW, f'x_total{{job="{t}"}}'), UTC_ZONE, locale=EN
    ),
    "openslo.export_queued": lambda t: openslo.export_queued("checkout", "C0OPS", locale=EN),
    # the App Home
    "home.home_view": lambda t: _home(t),
    "home.home_view(empty)": lambda t: Reply(text="-", blocks=home.home_view(None, UTC_ZONE, locale=EN).blocks),
    "home.budget_modal": lambda t: Reply(
        text="-", blocks=home.budget_modal(budget.budget_reply(status_of(t), UTC_ZONE, False, locale=EN)).blocks
    ),
}


def _home(t: Texts) -> Reply:
    """A Home with every part: an objective, an open incident with its timers, an action item, a 5-Why."""
    item = (action_item(t), incident(t), service(t))
    open_one = OpenIncident(incident(t, resolved=False), service(t), (timer_state(t, breached=True),))
    board = Dashboard(
        user_id=OWNER_ID,
        scope=Scope.MINE,
        has_mine=True,
        counts={State.AT_RISK: 1},
        objectives=Listed((status_of(t),), 20),
        incidents=Listed((open_one,), 12),
        actions=Listed((item,), 11),
        whys=Listed((RunningWhy(rca_row(finished=False), incident(t), service(t)),), 6),
        now=NOW,
    )
    view = home.home_view(
        board, UTC_ZONE, [incidents.confirmation(incident(t), service(t), "Acknowledged", locale=EN)], locale=EN
    )
    return Reply(text="-", blocks=view.blocks)


def _digest_info() -> DigestInfo:
    digest_row = Digest(id=2, channel_id="C0OPS", weekday=0, at_minute=540, timezone="UTC", created_by=ACTOR)
    return DigestInfo(digest_row, (Service(id=1, name="checkout", created_by=OPENER),))


# Public functions of slabot.render that return no message of their own (parts of one, or no mrkdwn).
NOT_MESSAGES = {
    "alerts.incident_title",  # a plain_text input's initial value
    "rca.category_label",
    "rca.current_why",
    "rca.action_line",  # inside rca.action_list and friends
}


def _public_renderers() -> Iterator[str]:
    """Every public function of slabot.render.* (not the charts) that returns a Reply."""
    for found in pkgutil.iter_modules(slabot.render.__path__):
        module = importlib.import_module(f"slabot.render.{found.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            if function.__annotations__.get("return") == "Reply":
                yield f"{found.name}.{name}"


def test_every_renderer_of_a_message_is_checked() -> None:
    covered = {name.split("(")[0] for name in RENDERERS}
    missing = set(_public_renderers()) - covered - NOT_MESSAGES
    assert not missing, f"add these renderers to RENDERERS: {sorted(missing)}"


# --- what would ping -----------------------------------------------------------------------------------


def mrkdwn_texts(value: Any) -> Iterator[str]:
    """Every text Slack parses for mentions in a block dict: mrkdwn objects wherever they sit (section text,
    fields, context elements, accessories); plain_text is never parsed."""
    if isinstance(value, list):
        for item in value:
            yield from mrkdwn_texts(item)
    elif isinstance(value, dict):
        if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
            yield value["text"]
        for item in value.values():
            yield from mrkdwn_texts(item)


def pings(text: str, allowed: set[str]) -> list[str]:
    return [token for token in MENTION.findall(text) if token not in allowed]


def allowed_for(t: Texts) -> set[str]:
    # An owner picked with @ is stored as exactly that mention and shown as one (catalog.owner_text).
    return OWN_MENTIONS | ({t.owner} if catalog._MENTION.match(t.owner) else set())


def stray_mentions(shown: Reply | str, t: Texts) -> dict[str, list[str]]:
    allowed = allowed_for(t)
    if isinstance(shown, str):
        return {"text": found} if (found := pings(shown, allowed)) else {}
    found_in: dict[str, list[str]] = {}
    if found := pings(shown.text, allowed):
        found_in["fallback text"] = found
    for index, block in enumerate(shown.blocks):
        for text in mrkdwn_texts(block.to_dict()):
            if found := pings(text, allowed):
                found_in.setdefault(f"block {index}", []).extend(found)
    return found_in


@pytest.mark.parametrize("name", sorted(RENDERERS))
@settings(max_examples=8, deadline=None)  # eight texts a renderer, each mixing every kind of mention
@given(t=texts)
def test_no_renderer_lets_typed_mentions_ping(name: str, t: Texts) -> None:
    shown = RENDERERS[name](t)
    assert not stray_mentions(shown, t), f"{name} lets typed text ping"


@settings(max_examples=15, deadline=None)
@given(t=texts)
def test_typed_text_reads_escaped_in_the_announcement_fallback(t: Texts) -> None:
    shown = incidents.announcement(incident(t, resolved=False), service(t), NOW, UTC_ZONE, locale=EN)
    assert reply.escape(t.title) in shown.text
    assert t.title in shown.blocks[0].to_dict()["text"]["text"] or len(t.title) > 100  # the header: plain text


@settings(max_examples=15, deadline=None)
@given(t=texts)
def test_the_postmortem_export_writes_no_slack_mention_at_all(t: Texts) -> None:
    markdown = postmortem.postmortem_markdown(postmortem_of(t), UTC_ZONE, locale=EN)
    assert not MENTION.findall(markdown)
    assert "<!" not in markdown and "<@" not in markdown


# --- every notify writer ----------------------------------------------------------------------------------


class FakeRow:
    def __init__(self, key: str) -> None:
        self.key, self.channel_id = key, "C0CHECK"


class FakeSession:
    """What the writers ask of a session: the 5-Why row (for its wrap-up message), and adding rows."""

    def get(self, model: type, ident: object) -> object | None:
        return rca_row() if model is Rca else None

    def add(self, row: object) -> None:
        pass


def events(t: Texts) -> dict[str, object]:
    gone, where = incident(t), WHERE
    change = IncidentChange(IncidentEventKind.PAUSED, incident(t, resolved=False), service(t), 3, NOW, ACTOR, t.reason)
    return {
        "IncidentChange(opened)": replace(change, kind=IncidentEventKind.OPENED, reason=None),
        "IncidentChange(acknowledged)": replace(change, kind=IncidentEventKind.ACKNOWLEDGED, reason=None),
        "IncidentChange(paused)": change,
        "IncidentChange(resumed)": replace(
            change, kind=IncidentEventKind.RESUMED, paused_since=NOW - timedelta(minutes=3)
        ),
        "IncidentChange(resolved)": replace(change, kind=IncidentEventKind.RESOLVED, incident=gone, reason=None),
        "SurveyRequested": SurveyRequested(gone),
        "SurveyRequested(no channel)": SurveyRequested(replace_incident(gone, channel_id=None)),
        "AlertsJoined": joined(t),
        "AlertUnrouted": unrouted(t),
        "AlertOpened": AlertOpened(alert(), objective(t), service(t), figures(t)),
        "AlertShown": AlertShown(alert(), objective(t), service(t), figures(t), 2, NOW),
        "AlertEscalated": AlertEscalated(alert(), objective(t), service(t), figures(t)),
        "AlertResolved": AlertResolved(alert(resolved=True), objective(t), service(t), figures(t)),
        "BudgetCrossed": BudgetCrossed(objective(t), service(t), 50, 1, figures(t).budget),
        "FreezeLifted": FreezeLifted(objective(t), service(t), 1, figures(t).budget),
        "WhyStarted": WhyStarted(where, gone, service(t), t.question, ACTOR),
        "QuestionAsked": QuestionAsked(where, 2, t.question, Asking.AGAIN, t.replaced),
        "WrapUpShown": WrapUpShown(WrapUp(where, t.root_cause, None)),
        "WrapUpChanged": WrapUpChanged(WrapUp(where, t.root_cause, FishboneCategory.MEASUREMENT, closed=True)),
        "WrapUpWithdrawn": WrapUpWithdrawn(where, Withdrawal.CANCELLED),
        "ActionRecorded": ActionRecorded(where, action_item(t)),
        "ProblemNoted": ProblemNoted(where, t.problem),
        "NotDoneYet": NotDoneYet(where, True, False),
        "WhyFinished": _finished(t),
        "WhyCancelled": WhyCancelled(where, ACTOR),
        "DigestReady": DigestReady(12, "C0OPS", report(t)),
        "ReportReady": ReportReady(13, "C0OPS", monthly_report(t), (ReportFormat.SLACK,)),
        "ExportRequested": ExportRequested("C0OPS", None, ExportedCatalogue(()), ACTOR, NOW),  # a file: no text
        "TimerMarkReached(warning)": mark(t, breached=False),
        "TimerMarkReached(breach)": mark(t, breached=True),
        "SourceProblemDue(down)": SourceProblemDue(
            objective(t), service(t), SourceProblem(NOW - timedelta(minutes=11))
        ),
        "SourceProblemDue(missing)": SourceProblemDue(
            objective(t), service(t), SourceProblem(NOW - timedelta(minutes=11), f'x_total{{job="{t}"}}')
        ),
    }


def replace_incident(gone: Incident, **changes: object) -> Incident:
    copy = Incident.model_validate(gone.model_dump())
    for key, value in changes.items():
        setattr(copy, key, value)
    return copy


FILES_ONLY = {"ExportRequested"}  # uploads a file and writes no message (its title names a service, ASCII only)
EVENT_NAMES = sorted(set(events(Texts(*["x"] * 14))) - FILES_ONLY)


def test_every_notify_writer_is_checked() -> None:
    assert {type(event) for event in events(Texts(*["x"] * 14)).values()} == set(WRITERS)


def written_replies(event: object, t: Texts) -> list[Reply]:
    """What the event's writer queues (post, edit, ephemeral), caught before it reaches the outbox table (the
    incident a 5-Why's writer reads to edit the announcement is the one the texts make)."""
    caught: list[Reply] = []

    def post(session: object, key: str, channel: str, shown: Reply, now: datetime, **_: object) -> bool:
        caught.append(shown)
        return True

    def edit(session: object, key: str, target: str, channel: str, shown: Reply, now: datetime) -> bool:
        caught.append(shown)
        return True

    def ephemeral(session: object, key: str, channel: str, user: str, shown: Reply, now: datetime, **_: object) -> bool:
        caught.append(shown)
        return True

    def by_keys(session: object, keys: list[str]) -> dict[str, FakeRow]:
        return {keys[0]: FakeRow(keys[0])}  # the message notes hang under was posted; the notice itself not yet

    with (
        mock.patch.object(outbox, "post", post),
        mock.patch.object(outbox, "edit", edit),
        mock.patch.object(outbox, "ephemeral", ephemeral),
        mock.patch.object(outbox, "upload", lambda *a, **k: True),
        mock.patch.object(notify_alerting.outbox_queries, "by_keys", by_keys),
        mock.patch.object(notify_timers.outbox_queries, "by_keys", by_keys),
        mock.patch.object(notify_reports, "digest_charts", lambda report, locale: []),
        mock.patch.object(notify_incidents, "latest_analysis", lambda session, incident_id: None),
        mock.patch.object(notify_incidents, "get_incident", lambda session, incident_id: (incident(t), service(t))),
    ):
        WRITERS[type(event)](FakeSession(), event, RowContext(NOW, UTC_ZONE, "en"))  # type: ignore[arg-type]
    return caught


assert notify_incidents and notify_rca  # their writers are reached through WRITERS


@pytest.mark.parametrize("name", EVENT_NAMES)
@settings(max_examples=10, deadline=None)
@given(t=texts)
def test_no_notify_writer_lets_typed_mentions_ping(name: str, t: Texts) -> None:
    replies = written_replies(events(t)[name], t)
    assert replies, f"{name} wrote no message"
    for shown in replies:
        assert not stray_mentions(shown, t), f"the rows of {name} let typed text ping"


# --- the last guard on the way out ------------------------------------------------------------------------


def test_broadcasts_that_slip_past_escape_are_defused_on_the_way_out() -> None:
    shown = Reply(
        text="<!channel> hi <@U0BOB> <!here|here>",
        blocks=[reply.section("<!everyone> <@U0BOB>"), reply.header("<!channel>")],
    )
    sent = shown.for_message()
    assert sent["text"] == "&lt;!channel&gt; hi <@U0BOB> &lt;!here|here&gt;"
    assert sent["blocks"][0]["text"]["text"] == "&lt;!everyone&gt; <@U0BOB>"
    assert sent["blocks"][1]["text"]["text"] == "<!channel>"  # plain_text: Slack shows it as typed
    assert shown.for_respond()["text"] == sent["text"]
