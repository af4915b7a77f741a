"""Root causes and satisfaction in the weekly digest, over the database (SQLite, and Postgres when set).

The week is 2026-W46 in UTC (Mon 9 – Sun 15 Nov). Every incident below is a full outage unless its impact
says otherwise, so its bad minutes are its minutes inside the week × its impact; the numbers are by hand.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.render.charts.pareto import pareto_chart
from slabot.render.charts.ranking import causes_pareto, pareto_bars
from slabot.render.digest import digest_message
from slabot.reports.schedule import Week
from slabot.reports.weekly import DigestReport, build_report
from storage.db import Database
from storage.models.catalog import Service
from storage.models.incidents import CsatRating, Incident, IncidentStatus
from storage.models.rca import FishboneCategory, Rca, RcaStage

UTC_ZONE = ZoneInfo("UTC")
WEEK = Week(date(2026, 11, 9), UTC_ZONE)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def add_services(session: Session, *names: str) -> None:
    for name in names:
        session.add(Service(name=name, created_by="U0ADMIN"))
    session.flush()


def add_incident(
    session: Session, service_id: int, started: datetime, minutes: int | None, *, impact: int = 100
) -> int:
    """An incident resolved `minutes` after it started (None: still open); returns its id."""
    incident = Incident(
        service_id=service_id,
        severity=2,
        title="something broke",
        impact_percent=Decimal(impact),
        status=IncidentStatus.OPEN.value if minutes is None else IncidentStatus.RESOLVED.value,
        started_at=started,
        acknowledged_at=started + timedelta(minutes=5),
        resolved_at=None if minutes is None else started + timedelta(minutes=minutes),
        opened_by="U0ALICE",
    )
    session.add(incident)
    session.flush()
    return incident.id


def add_rca(session: Session, incident_id: int, stage: RcaStage, category: FishboneCategory | None) -> None:
    finished = stage in (RcaStage.DONE, RcaStage.CANCELLED)
    session.add(
        Rca(
            incident_id=incident_id,
            running_incident_id=None if finished else incident_id,
            stage=stage.value,
            trigger="command",
            channel_id="C0CHECK",
            thread_ts=f"1763000000.{incident_id:06d}",
            category=None if category is None else category.value,
            started_by="U0ALICE",
            started_at=at(16, 9),
            finished_at=at(16, 10) if finished else None,
        )
    )
    session.flush()


def rate(session: Session, incident_id: int, rating: int, comment: str | None = None) -> None:
    session.add(
        CsatRating(incident_id=incident_id, user_id="U0ALICE", rating=rating, comment=comment, rated_at=at(16, 9))
    )
    session.flush()


def report_of(database: Database, service_ids: list[int] | None = None) -> DigestReport:
    with database.session() as session:
        return build_report(session, WEEK, service_ids, UTC_ZONE)


def texts(report: DigestReport) -> list[str]:
    found = []
    for block in digest_message(report, locale="en").block_dicts():
        text: Any = block.get("text")
        if isinstance(text, dict):
            found.append(text["text"])
        found += [element.get("text", "") for element in block.get("elements", [])]
    return found


def seed_three_incidents(database: Database) -> None:
    """Two analysed incidents and one not, in W46; one analysed incident of the week before."""
    with database.session() as session:
        add_services(session, "checkout", "api")
        # 1: 45 bad minutes, Technology (an earlier 5-Why said People but was cancelled)
        assert add_incident(session, 1, at(10, 10), 45) == 1
        add_rca(session, 1, RcaStage.CANCELLED, FishboneCategory.PEOPLE)
        add_rca(session, 1, RcaStage.DONE, FishboneCategory.TECHNOLOGY)
        # 2: 2 hours at 50% = 60 bad minutes; its 5-Why is still asking "why?", so not analysed yet
        assert add_incident(session, 1, at(12, 8), 120, impact=50) == 2
        add_rca(session, 2, RcaStage.WHYS, None)
        # 3: 20 bad minutes on api, Process
        assert add_incident(session, 2, at(13, 15), 20) == 3
        add_rca(session, 3, RcaStage.DONE, FishboneCategory.PROCESS)
        # 4: the week before, Dependencies: none of its bad time is in W46
        assert add_incident(session, 1, at(4, 9), 90) == 4
        add_rca(session, 4, RcaStage.DONE, FishboneCategory.DEPENDENCIES)


def test_the_pareto_ranks_bad_time_by_root_cause_with_a_not_analysed_bar(database: Database) -> None:
    seed_three_incidents(database)
    report = report_of(database)
    assert {cause.category: cause.minutes for cause in report.causes} == {
        None: Fraction(60),  # not analysed
        FishboneCategory.TECHNOLOGY: Fraction(45),
        FishboneCategory.PROCESS: Fraction(20),
    }
    causes = causes_pareto(report.causes, locale="en")
    assert causes.title == "Bad time by root cause (incidents)"
    # 125 minutes in all: 60 (48%), then 105 (84%, past the 80% mark), then all of it
    assert pareto_bars(causes.items) == [
        ("Not analysed", 60, Fraction(12, 25)),
        ("Technology", 45, Fraction(21, 25)),
        ("Process", 20, Fraction(1)),
    ]
    assert pareto_chart(causes, locale="en").alt_text == (
        "Pareto of bad time by root cause (incidents), 125 min in all: Not analysed 60 min (48%), "
        "Technology 45 min (36%), Process 20 min (16%); 2 of 3 causes make up 80% of the total."
    )
    assert report.unanalysed == (2,)


def test_the_digest_names_the_top_causes_and_nudges_to_analyse_the_rest(database: Database) -> None:
    seed_three_incidents(database)
    body = texts(report_of(database))
    causes = next(t for t in body if t.startswith("*Bad time by root cause (incidents)*"))
    assert causes == (
        "*Bad time by root cause (incidents)*\n"
        "Not analysed 1h (48%), Technology 45m (36%), Process 20m (16%)\n"
        "2 of 3 make up 80% of it: start the action items there."
    )
    nudge = body[body.index(causes) + 1]
    assert nudge == "1 incident has no root cause yet: `/sla why 2`"


def test_the_nudge_lists_the_three_costliest_unanalysed_incidents(database: Database) -> None:
    with database.session() as session:
        add_services(session, "checkout")
        for minutes in (10, 40, 30, 20):  # incidents 1 to 4
            add_incident(session, 1, at(11, 10 + minutes // 10), minutes)
        add_rca(session, 1, RcaStage.WRAP_UP, FishboneCategory.PEOPLE)  # not finished: still not analysed
    report = report_of(database)
    assert [(cause.category, cause.minutes) for cause in report.causes] == [(None, 100)]
    assert [(item.label, item.value) for item in causes_pareto(report.causes, locale="en").items] == [
        ("Not analysed", 100)
    ]
    assert report.unanalysed == (2, 3, 4, 1)
    assert "4 incidents have no root cause yet: `/sla why 2` · `/sla why 3` · `/sla why 4` · …" in texts(report)


def test_with_every_incident_analysed_there_is_no_nudge_and_no_not_analysed_bar(database: Database) -> None:
    with database.session() as session:
        add_services(session, "checkout")
        add_incident(session, 1, at(10, 10), 30)
        add_incident(session, 1, at(11, 10), 30)
        add_rca(session, 1, RcaStage.DONE, FishboneCategory.MEASUREMENT)
        add_rca(session, 2, RcaStage.DONE, FishboneCategory.MEASUREMENT)
    report = report_of(database)
    assert [(cause.category, cause.minutes) for cause in report.causes] == [(FishboneCategory.MEASUREMENT, 60)]
    body = texts(report)
    assert not [t for t in body if "no root cause yet" in t]
    assert "*Bad time by root cause (incidents)*\nMeasurement 1h (100%)\n1 of 1 make up 80% of it" in "\n".join(body)


def test_satisfaction_of_the_incidents_resolved_in_the_week(database: Database) -> None:
    seed_three_incidents(database)
    with database.session() as session:
        rate(session, 1, 5)
        rate(session, 2, 2, "Nobody told <@U0CEO> & the\nteam for an hour")
        rate(session, 3, 4)
        rate(session, 4, 1, "resolved the week before: not counted")
    report = report_of(database)
    summary = report.satisfaction
    assert (summary.count, summary.mean) == (3, Fraction(11, 3))
    assert summary.distribution == ((5, 1), (4, 1), (3, 0), (2, 1), (1, 0))
    assert summary.lowest is not None and (summary.lowest.incident_id, summary.lowest.rating) == (2, 2)
    body = texts(report)
    assert body[-1] == (
        "*Satisfaction* 3.7/5 from 3 ratings\n"
        "5★ 1 · 4★ 1 · 3★ 0 · 2★ 1 · 1★ 0\n"
        "Lowest: #2 rated 2★: “Nobody told &lt;@U0CEO&gt; &amp; the team for an hour”"
    )
    assert len(digest_message(report, locale="en").blocks) <= 50


def test_satisfaction_counts_by_resolution_time_and_the_services_asked_for(database: Database) -> None:
    with database.session() as session:
        add_services(session, "checkout", "api")
        rate(session, add_incident(session, 1, at(8, 23), 90), 4, "fine, a bit slow")  # resolved Mon 00:30: in
        rate(session, add_incident(session, 1, at(12, 10), 30), 5)  # in
        rate(session, add_incident(session, 1, at(15, 23, 30), 60), 1)  # resolved Mon 16 Nov: the next week
        rate(session, add_incident(session, 2, at(11, 10), 30), 2)  # api
        add_incident(session, 1, at(14, 10), None)  # still open: cannot be rated
    checkout = report_of(database, [1]).satisfaction
    assert (checkout.count, checkout.mean) == (2, Fraction(9, 2))
    assert (
        "*Satisfaction* 4.5/5 from 2 ratings\n5★ 1 · 4★ 1 · 3★ 0 · 2★ 0 · 1★ 0\nLowest: #1 rated 4★: “fine, a bit slow”"
        in (texts(report_of(database, [1])))
    )
    everything = report_of(database).satisfaction
    assert (everything.count, everything.mean) == (3, Fraction(11, 3))
    assert everything.lowest is not None and (everything.lowest.incident_id, everything.lowest.comment) == (4, None)
    assert "Lowest: #4 rated 2★" in texts(report_of(database))[-1]


def test_no_ratings_this_week(database: Database) -> None:
    seed_three_incidents(database)
    report = report_of(database)
    assert (report.satisfaction.count, report.satisfaction.mean, report.satisfaction.lowest) == (0, None, None)
    assert texts(report)[-1] == "*Satisfaction*\nNo ratings this week."


def test_breach_lines_escape_the_incident_title_in_blocks_and_fallback(database: Database) -> None:
    with database.session() as session:
        add_services(session, "checkout")
        incident_id = add_incident(session, 1, at(10, 10), 30)
        incident = session.get(Incident, incident_id)
        assert incident is not None
        incident.title = "Pay <!here> & <@U0CEO> fails"
        incident.acknowledged_at = at(10, 10, 40)  # sev2's 30m response target missed (the record, not a row)
    report = report_of(database)
    breaches = next(t for t in texts(report) if t.startswith("*SLA breaches*"))
    assert "#1 checkout sev2: response target 30m missed at 2026-11-10 10:30 UTC" in breaches
    assert breaches.endswith("Pay &lt;!here&gt; &amp; &lt;@U0CEO&gt; fails")
    assert "<!here>" not in digest_message(report, locale="en").text
