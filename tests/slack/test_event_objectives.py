"""Event-based objectives end to end: counts stored, budgeting methods, maintenance, burn rates, alert verdicts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from slabot.alerting.verdicts import evaluate_all
from slabot.catalog import objectives
from slabot.catalog import services as catalog
from slabot.core.windows import WindowSpec
from slabot.slo.ingest import Point, epoch_minute, event_objective, ingest
from storage.db import Database
from storage.models.catalog import ObjectiveSource
from storage.queries import sli
from tests.conftest import FakeClock
from tests.driver import SlackDriver


def send(driver: SlackDriver, ref: str, points: list[Point]) -> int:
    """Store points as the API would, in requests of at most 10,000."""
    service, name = ref.split("/")
    stored = 0
    for start in range(0, len(points), 10_000):
        with driver.runtime.db.session() as session:
            objective = event_objective(session, service, name)
            stored += ingest(session, objective, points[start : start + 10_000], driver.runtime.now())
    return stored


def minutes_ago(clock: FakeClock, count: int, good: int, total: int, offset: int = 0) -> list[Point]:
    """One point per minute for the `count` minutes ending `offset` minutes before now."""
    return [Point(clock.now - timedelta(minutes=offset + i + 1), good, total) for i in range(count)]


@pytest.fixture
def checkout(driver: SlackDriver) -> SlackDriver:
    driver.command("/sla service add checkout channel=C0CHECK")
    driver.command("/sla define checkout requests target=90 window=7d source=events")
    driver.command("/sla define checkout slices target=90 window=7d source=events budgeting=timeslices slice=99")
    return driver


def test_occurrences_and_timeslices_on_the_same_data(checkout: SlackDriver, clock: FakeClock) -> None:
    # 900 perfect minutes, then 100 minutes at 50% errors (the most recent ones)
    for ref in ("checkout/requests", "checkout/slices"):
        assert send(checkout, ref, minutes_ago(clock, 900, 1000, 1000, offset=100)) == 900
        assert send(checkout, ref, minutes_ago(clock, 100, 500, 1000)) == 100
    requests = checkout.command("/sla budget checkout/requests").all_text
    # occurrences: 50,000 bad of 1,000,000 → budget 100,000 events, half used
    assert "*Budget*\n100,000 events" in requests and "*Consumed*\n50,000 events" in requests
    assert "*Left*\n50,000 events (50.0%)" in requests and "*Attainment*\n95.0%" in requests
    slices = checkout.command("/sla budget checkout/slices").all_text
    # timeslices: 100 of 1,000 minutes miss the 99% slice target → budget 100 slices, all used
    assert "*Budget*\n1h 40m" in slices and "*Consumed*\n1h 40m" in slices and "*Attainment*\n90.0%" in slices
    status = checkout.command("/sla status checkout").all_text
    assert ":red_circle: *checkout/slices*" in status and ":large_green_circle: *checkout/requests*" in status


def test_burn_rate_table_and_forecast(checkout: SlackDriver, clock: FakeClock) -> None:
    send(checkout, "checkout/requests", minutes_ago(clock, 900, 1000, 1000, offset=100))
    send(checkout, "checkout/requests", minutes_ago(clock, 100, 500, 1000))
    text = checkout.command("/sla budget checkout/requests").all_text
    # last 5 minutes: 2,500 bad of 5,000 → error ratio 0.5 / budget 0.1 = burn 5
    assert "5m                5   2,500 / 5,000" in text
    assert "window          0.5   50,000 / 1,000,000" in text
    # 50% left of a 7-day window at burn 5: 0.5 × 7d / 5 = 16h 48m
    assert "At the 1h burn rate the budget is gone in 16h 48m" in text
    assert "↘ burning (5× in 1h)" in checkout.command("/sla status").all_text


def test_a_resent_minute_replaces_and_never_double_counts(checkout: SlackDriver, clock: FakeClock) -> None:
    points = minutes_ago(clock, 60, 990, 1000)
    send(checkout, "checkout/requests", points)
    send(checkout, "checkout/requests", points)
    assert "*Consumed*\n600 events" in checkout.command("/sla budget checkout/requests").all_text
    send(checkout, "checkout/requests", [Point(points[0].ts, 1000, 1000)])  # corrected later
    assert "*Consumed*\n590 events" in checkout.command("/sla budget checkout/requests").all_text


def test_no_events_is_no_data_never_100_percent(checkout: SlackDriver) -> None:
    answer = checkout.command("/sla budget checkout/requests")
    assert "*Attainment*\nno data" in answer.all_text and "*Budget*\nno data yet" in answer.all_text
    assert "100" not in answer.all_text.split("*Attainment*")[1].split("\n")[1]


def test_maintenance_removes_good_and_bad_events(checkout: SlackDriver, clock: FakeClock) -> None:
    for ref in ("checkout/requests", "checkout/slices"):
        send(checkout, ref, minutes_ago(clock, 900, 1000, 1000, offset=100))
        send(checkout, ref, minutes_ago(clock, 100, 500, 1000))
    start = (clock.now - timedelta(minutes=100)).isoformat()
    answer = checkout.command(
        f'/sla maintenance add checkout/requests start={start} end={clock.now.isoformat()} reason="planned failover"'
    )
    assert "Maintenance #1 *checkout/requests*" in answer.text
    text = checkout.command("/sla budget checkout/requests").all_text
    assert "*Consumed*\n0 events" in text and "*Budget*\n90,000 events" in text
    assert "*Maintenance (excluded)*\n#1" in text and "planned failover" in text
    # the other objective of the service is not excluded
    assert "*Consumed*\n1h 40m" in checkout.command("/sla budget checkout/slices").all_text


def test_maintenance_excludes_incident_time(driver: SlackDriver) -> None:
    driver.command("/sla service add search")
    driver.command("/sla define search availability target=99.9")
    driver.command("/incident open search sev1 Reindex started=2026-11-20T10:00Z")
    driver.command("/incident resolve 1 resolved=2026-11-20T10:30Z")
    driver.command("/sla maintenance add search start=2026-11-20T10:00Z end=2026-11-20T10:20Z")
    text = driver.command("/sla budget search/availability").all_text
    # 10 of the 30 minutes fall outside maintenance; the budget is 0.1% of (30 days − 20 minutes): 2,590.8 s,
    # truncated to 43m 10s
    assert "*Consumed*\n10m" in text and "*Budget*\n43m 10s" in text


MAINTENANCE_ERRORS = [
    ("/sla maintenance add checkout start=1h", "Give the service (or service/objective), start= and end="),
    ("/sla maintenance add checkout start=1h end=2h", "end= must be after start="),
    ("/sla maintenance add checkout start=40d end=1h", "at most 31 days"),
    ("/sla maintenance add checkout start=soon end=1h", "start=: "),
    ("/sla maintenance add nosuch start=2h end=1h", "There is no service 'nosuch'"),
    ("/sla maintenance add checkout/nosuch start=2h end=1h", "checkout has no objective 'nosuch'"),
    ("/sla maintenance remove 42", "There is no maintenance window #42"),
]


@pytest.mark.parametrize(("line", "message"), MAINTENANCE_ERRORS)
def test_maintenance_bad_input(checkout: SlackDriver, line: str, message: str) -> None:
    answer = checkout.command(line)
    assert answer.ephemeral and message in answer.text and "Usage: /sla maintenance" in answer.text
    assert "No maintenance windows" in checkout.command("/sla maintenance list").text


def test_policy_shows_thresholds_for_the_objectives_own_window(checkout: SlackDriver) -> None:
    text = checkout.command("/sla policy checkout/requests").all_text
    for rule, rate in (
        ("page:2%:1h/5m", "3.36"),
        ("page:5%:6h/30m", "1.4"),
        ("ticket:10%:1d/2h", "0.7"),
        ("ticket:10%:3d/6h", "0.23"),
    ):
        assert f"`{rule}`" in text and f"fires at a burn rate of *{rate}*" in text
    assert "the defaults" in text and "no paging below 100 events" in text


def test_policy_change_refusal_and_reset(checkout: SlackDriver) -> None:
    checkout.command("/sla define checkout strict target=99 window=30d source=events")
    refused = checkout.command("/sla policy checkout/strict page:50%:1h/5m")
    assert (
        "can never fire" in refused.text
        and "it needs a burn rate of 360, and the highest possible is 100" in refused.text
    )
    changed = checkout.command("/sla policy checkout/strict page:1%:1h/5m min_events=20").all_text
    assert "custom" in changed and "`page:1%:1h/5m`" in changed and "no paging below 20 events" in changed
    assert "ticket" not in changed
    assert "the defaults" in checkout.command("/sla policy checkout/strict reset").all_text
    assert "min_events must be a whole number" in checkout.command("/sla policy checkout/strict min_events=x").text
    assert "like page:2%:1h/5m" in checkout.command("/sla policy checkout/strict page:2%:1h").text


def test_full_outage_pages_through_the_evaluation_pass(checkout: SlackDriver, clock: FakeClock) -> None:
    checkout.command("/sla define checkout api target=99.9 window=30d source=events")
    send(checkout, "checkout/api", minutes_ago(clock, 3 * 1440, 1000, 1000, offset=60))
    send(checkout, "checkout/api", minutes_ago(clock, 60, 0, 1000))  # the last hour: everything fails
    with checkout.runtime.db.session() as session:
        verdicts = {
            e.status.objective.name: e for e in evaluate_all(session, clock.now, checkout.runtime.settings.timezone)
        }
    api = verdicts["api"]
    fired = [(v.rule.severity, v.rule.long_seconds) for v in api.firing]
    assert ("page", 3600) in fired and ("page", 21600) in fired
    page = api.verdicts[0]
    assert page.long_rate == 1000 and page.short_rate == 1000 and page.threshold == Fraction(72, 5)
    # 60,000 bad events in the hour against a budget of 0.1% of the window's 4,380,000 events
    assert page.long.bad == 60_000 and page.budget_consumed == Fraction(60_000, 4_380)
    assert verdicts["requests"].verdicts == ()  # no data: nothing to judge


def test_low_traffic_does_not_page(checkout: SlackDriver, clock: FakeClock) -> None:
    checkout.command("/sla define checkout quiet target=99.9 window=30d source=events")
    send(checkout, "checkout/quiet", minutes_ago(clock, 60, 0, 1))  # one failing request a minute
    with checkout.runtime.db.session() as session:
        quiet = next(
            e
            for e in evaluate_all(session, clock.now, checkout.runtime.settings.timezone)
            if e.status.objective.name == "quiet"
        )
    assert quiet.firing == () and quiet.verdicts[0].low_traffic


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 50), st.integers(0, 50)), max_size=40),
    st.integers(0, 5000),
    st.integers(1, 5000),
)
def test_rollup_sums_equal_brute_force(
    database: Database, batches: list[tuple[int, int, int]], start: int, length: int
) -> None:
    """Any sequence of writes (including rewrites of the same minute), any range: rollups sum exactly."""
    base = epoch_minute(datetime(2026, 11, 1, tzinfo=UTC))
    spec = objectives.ObjectiveSpec(
        name="o", target_percent=Decimal(99), window=WindowSpec.parse("7d"), source=ObjectiveSource.EVENTS
    )
    with database.session() as session:
        service = catalog.add_service(session, f"s{uuid.uuid4().hex[:12]}", catalog.ServiceFields(), "U1")
        objective, _ = objectives.define_objective(session, service.name, spec, "U1")
        assert objective.id is not None
        for minute, bad, good in batches:
            sli.write_minutes(session, objective.id, [sli.MinuteCounts(base + minute, good, good + bad, int(bad == 0))])
    with database.session() as session:
        lo, hi = base + start, base + start + length
        got = sli.range_sums(session, [objective.id], [(lo, hi)])[(lo, hi)].get(objective.id, sli.Sums())
        row = session.execute(
            text(
                "SELECT COALESCE(SUM(good),0), COALESCE(SUM(total),0), COALESCE(SUM(good_slice),0), "
                "COALESCE(SUM(CASE WHEN total > 0 THEN 1 ELSE 0 END),0) FROM sli_minute "
                "WHERE objective_id = :o AND epoch_minute >= :lo AND epoch_minute < :hi"
            ),
            {"o": objective.id, "lo": lo, "hi": hi},
        ).one()
    assert got == sli.Sums(*(int(v) for v in row))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 3), st.integers(0, 9000), st.integers(0, 9), st.integers(0, 9)), max_size=12),
        min_size=1,
        max_size=4,
    )
)
def test_writing_several_objectives_at_once_stores_what_writing_each_alone_does(
    database: Database, rounds: list[list[tuple[int, int, int, int]]]
) -> None:
    """Rounds of writes to four objectives, each round in one write_minutes_of (minutes close together or days
    apart, rewrites included), leave the same minutes and rollups as the same writes one objective at a time."""
    base = epoch_minute(datetime(2026, 11, 1, tzinfo=UTC))
    spec = objectives.ObjectiveSpec(
        name="o", target_percent=Decimal(99), window=WindowSpec.parse("7d"), source=ObjectiveSource.EVENTS
    )
    with database.session() as session:
        ids = []
        for _ in range(8):
            service = catalog.add_service(session, f"s{uuid.uuid4().hex[:12]}", catalog.ServiceFields(), "U1")
            ids.append(objectives.define_objective(session, service.name, spec, "U1")[0].id)
    together, alone = ids[:4], ids[4:]
    for writes in rounds:
        batches: dict[int, dict[int, sli.MinuteCounts]] = {}
        for which, minute, good, bad in writes:
            counts = sli.MinuteCounts(base + minute, good, good + bad, int(bad == 0))
            batches.setdefault(which, {})[base + minute] = counts
        with database.session() as session:
            sli.write_minutes_of(session, {together[w]: list(ms.values()) for w, ms in batches.items()})
        for which, minutes in batches.items():
            with database.session() as session:
                sli.write_minutes(session, alone[which], list(minutes.values()))

    def stored(table: str, objective_id: int) -> list[tuple[int, ...]]:
        columns = "epoch_minute, good, total, good_slice" if table == "sli_minute" else "*"
        with database.session() as session:
            rows = session.execute(text(f"SELECT {columns} FROM {table} WHERE objective_id = :o"), {"o": objective_id})
            return sorted(tuple(v for k, v in row._mapping.items() if k != "objective_id") for row in rows)

    for mine, twin in zip(together, alone, strict=True):
        assert stored("sli_minute", mine) == stored("sli_minute", twin)
        assert stored("sli_rollup", mine) == stored("sli_rollup", twin)


def test_custom_rules_with_their_own_lookbacks_are_evaluated(checkout: SlackDriver, clock: FakeClock) -> None:
    checkout.command("/sla define checkout api target=99.9 window=30d source=events")
    assert "`page:3%:4h/20m`" in checkout.command("/sla policy checkout/api page:3%:4h/20m").all_text
    send(checkout, "checkout/api", minutes_ago(clock, 300, 0, 1000))  # five hours of full outage
    with checkout.runtime.db.session() as session:
        api = next(
            e
            for e in evaluate_all(session, clock.now, checkout.runtime.settings.timezone)
            if e.status.objective.name == "api"
        )
    (verdict,) = api.verdicts
    assert verdict.firing and verdict.long.valid == 240_000 and verdict.short.valid == 20_000
    assert verdict.threshold == Fraction(54, 10)  # 3% of 30 days in 4 hours


@pytest.mark.slow  # 50 days of minutes
def test_pruning_old_minutes_keeps_every_window_exact(checkout: SlackDriver, clock: FakeClock) -> None:
    from slabot.slo.retention import prune

    checkout.command("/sla define checkout api target=99.9 window=30d source=events")
    send(checkout, "checkout/api", minutes_ago(clock, 50 * 1440, 999, 1000))  # 50 days, one bad in 1,000
    send(checkout, "checkout/api", minutes_ago(clock, 90, 900, 1000, offset=40 * 1440))  # an old bad spell
    before = checkout.command("/sla budget checkout/api").all_text
    zone = checkout.runtime.settings.timezone
    with checkout.runtime.db.session() as session:
        cutoff, deleted = prune(session, clock.now, retention_days=7, zone=zone)
    # the 30-day window (and the 7-day ones) still need their minutes: only what is older than 31 days goes
    assert cutoff == clock.now - timedelta(days=31) and deleted == 19 * 1440
    assert checkout.command("/sla budget checkout/api").all_text == before
    with checkout.runtime.db.session() as session:
        assert session.execute(text("SELECT COUNT(*) FROM sli_minute")).scalar() == 31 * 1440
