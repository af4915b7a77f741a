"""Objectives pulled from a real Prometheus: exact counts from generated history (resets, gaps, NaN), the
definition checked against the server, the backfill, each pass's pull, an outage and its gap filled, and a
burn-rate alert fired from Prometheus data."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.config.settings import Settings
from slabot.core.errors import UserError
from slabot.devtools.localslack import LocalSlack
from slabot.runtime.evaluation_pass import PassReport
from slabot.slo.ingest import event_objective
from storage.db import Database
from storage.models.catalog import Objective
from storage.models.prometheus import PrometheusSource
from storage.models.slo import SliMinute
from tests.conftest import FakeClock
from tests.driver import SlackDriver
from tests.loop import Loop
from tests.promserver import Prometheus, openmetrics, prometheus

STEP = 15  # seconds between samples
# History: two days ending three hours before the real now (promtool blocks must lie behind the head).
REAL_END = int(time.time()) // 3600 * 3600 - 3 * 3600
START = REAL_END - 2 * 86400
# The test clock stands one day into the history: the rest of it is "the future" the passes pull.
T0 = datetime.fromtimestamp(START + 86400, UTC)


def _history() -> tuple[str, dict[tuple[str, str], dict[int, int]]]:
    """Three api series (two codes on one instance, one code on a second instance that restarts and has a
    scrape gap and a NaN) and the true increment of each series per epoch minute."""
    rng = random.Random(14)
    series = [("200", "a"), ("500", "a"), ("200", "b")]
    samples: dict[tuple[str, str], list[tuple[int, str]]] = {key: [] for key in series}
    truth: dict[tuple[str, str], dict[int, int]] = {key: {} for key in series}
    values = {key: 1000 for key in series}
    for step in range((REAL_END - START) // STEP):
        t = START + step * STEP
        for key in series:
            code, instance = key
            if instance == "b" and 3600 <= t - START < 3600 + 180:
                continue  # a three-minute scrape gap: what happened in it counts at the next sample
            amount = rng.randint(0, 40) if code == "200" else rng.randint(0, 2)
            if step > 0:
                truth[key][t // 60] = truth[key].get(t // 60, 0) + amount
            values[key] += amount
            if instance == "b" and step == 2000:
                values[key] = amount  # the process restarted: the counter starts again from 0
            if instance == "b" and step == 3000:
                samples[key].append((t, "NaN"))
                truth[key][t // 60] -= amount  # carried to the next real sample
                truth[key][(t + STEP) // 60] = truth[key].get((t + STEP) // 60, 0) + amount
                continue
            samples[key].append((t, str(values[key])))
    text = openmetrics(
        ("http_requests_total", f'job="api",code="{code}",instance="{instance}"', samples[(code, instance)])
        for code, instance in series
    )
    return text, truth


HISTORY, TRUTH = _history()


def expected(start: datetime, end: datetime) -> tuple[dict[int, int], dict[int, int]]:
    """Good (code 200) and total per minute in [start, end), from the generated truth."""
    lo, hi = int(start.timestamp()) // 60, int(end.timestamp()) // 60
    good: dict[int, int] = {}
    total: dict[int, int] = {}
    for (code, _), minutes in TRUTH.items():
        for minute, count in minutes.items():
            if lo <= minute < hi:
                total[minute] = total.get(minute, 0) + count
                if code == "200":
                    good[minute] = good.get(minute, 0) + count
    return good, total


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prometheus]:
    with prometheus(tmp_path_factory.mktemp("prom"), HISTORY) as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def settings(server: Prometheus) -> Settings:
    return Settings(bot_token="xoxb-test", signing_secret="test-signing-secret", prometheus_url=server.url)


GOOD = 'good="sum(http_requests_total{job="api",code="200"})"'
TOTAL = 'total="sum by (job) (http_requests_total{job="api"})"'


def stored(driver: SlackDriver, name: str) -> dict[int, tuple[int, int]]:
    with driver.runtime.db.session() as session:
        objective = session.exec(select(Objective).where(Objective.name == name)).one()
        rows = session.exec(select(SliMinute).where(SliMinute.objective_id == objective.id)).all()
        return {row.epoch_minute: (row.good, row.total) for row in rows}


def notices(driver: SlackDriver) -> list[Any]:
    return [c for c in driver.slack.calls_to("chat.postMessage") if "Prometheus has not answered" in c.args["text"]]


def tick(driver: SlackDriver) -> PassReport:
    """One scheduled pass and delivery, at the driver's clock."""
    clock = driver.runtime.clock
    assert isinstance(clock, FakeClock)
    return Loop(driver, clock).tick()


def test_backfill_counts_exactly_then_each_pass_pulls_new_minutes(driver: SlackDriver, clock: FakeClock) -> None:
    driver.command("/sla service add api channel=C0API")
    answer = driver.command(f"/sla define api availability target=99 window=7d source=prometheus {GOOD} {TOTAL}")
    good, total = expected(T0 - timedelta(days=7), T0)
    assert f"Backfilled {len(total):,} minutes of counts from Prometheus" in answer.all_text
    minutes = stored(driver, "availability")
    assert minutes == {minute: (good.get(minute, 0), total[minute]) for minute in total}  # exact, every minute

    clock.advance(minutes=7)
    tick(driver)
    good, total = expected(T0 - timedelta(days=7), clock.now)
    assert stored(driver, "availability") == {minute: (good.get(minute, 0), total[minute]) for minute in total}
    budget = driver.command("/sla budget api/availability").all_text
    valid, bad = sum(total.values()), sum(total.values()) - sum(good.values())
    assert f"{bad:,} bad of {valid:,}" in budget or f"*Consumed*\n{bad:,} events" in budget


def test_counts_cannot_be_pushed_to_a_pulled_objective(driver: SlackDriver) -> None:
    driver.command("/sla service add api")
    driver.command(f"/sla define api availability target=99 window=7d source=prometheus {GOOD} {TOTAL}")
    with driver.runtime.db.session() as session, pytest.raises(UserError, match="pulled from Prometheus"):
        event_objective(session, "api", "availability")


def test_bad_gives_the_same_counts_as_good(driver: SlackDriver) -> None:
    driver.command("/sla service add api")
    bad = 'bad="sum(http_requests_total{job="api",code="500"})"'
    driver.command(f"/sla define api errors target=99 window=7d source=prometheus {bad} {TOTAL}")
    good, total = expected(T0 - timedelta(days=7), T0)
    assert stored(driver, "errors") == {minute: (good.get(minute, 0), total[minute]) for minute in total}


def test_a_query_asked_on_its_own_counts_the_same(driver: SlackDriver) -> None:
    """good= with a regex is not read from total='s answer but asked itself: the same exact counts."""
    driver.command("/sla service add api")
    regex = 'good="sum(http_requests_total{job="api",code=~"2.."})"'
    driver.command(f"/sla define api availability target=99 window=7d source=prometheus {regex} {TOTAL}")
    good, total = expected(T0 - timedelta(days=7), T0)
    assert stored(driver, "availability") == {minute: (good.get(minute, 0), total[minute]) for minute in total}


def test_a_burn_rate_alert_fires_from_prometheus_data(driver: SlackDriver, clock: FakeClock) -> None:
    driver.command("/sla service add api channel=C0API")
    # about 2.4% of the generated requests fail: a burn of about 24 against 99.9%, over the 14.4 page threshold
    driver.command(f"/sla define api availability target=99.9 window=30d source=prometheus {GOOD} {TOTAL}")
    clock.advance(minutes=1)
    tick(driver)
    posted = [c.args.get("text", "") for c in driver.slack.calls_to("chat.postMessage")]
    assert any(text.startswith("PAGE: api/availability") for text in posted), posted


@pytest.mark.parametrize(
    ("queries", "reply"),
    [
        ('good="rate(http_requests_total[5m])" ' + TOTAL, "give the counter itself"),
        ('good="http_requests_total{code=~"("}" ' + TOTAL, "good= was refused by Prometheus"),
        ('good="nope_total" ' + TOTAL, "Prometheus has no series for nope_total"),
        (GOOD, 'needs total="<PromQL>"'),
        (GOOD + " " + TOTAL + " datasource=main", "There is no Prometheus DataSource named main: import"),
    ],
)
def test_a_definition_prometheus_cannot_measure_is_refused(driver: SlackDriver, queries: str, reply: str) -> None:
    driver.command("/sla service add api")
    answer = driver.command(f"/sla define api availability target=99 source=prometheus {queries}")
    assert reply in answer.all_text
    with driver.runtime.db.session() as session:
        assert session.exec(select(Objective)).all() == [] and session.exec(select(PrometheusSource)).all() == []


def test_an_unreachable_server_is_refused_and_nothing_is_stored(
    database: Database, clock: FakeClock, slack: LocalSlack, settings: Settings
) -> None:
    unreachable = replace(settings, prometheus_url="http://127.0.0.1:9")
    driver = SlackDriver(Runtime(settings=unreachable, db=database, clock=clock), slack)
    driver.command("/sla service add api")
    answer = driver.command(f"/sla define api availability target=99 source=prometheus {GOOD} {TOTAL}")
    assert "Prometheus did not answer, so nothing was defined" in answer.all_text
    with driver.runtime.db.session() as session:
        assert session.exec(select(Objective)).all() == []


def test_an_outage_shows_and_the_gap_is_filled_when_it_answers(
    driver: SlackDriver, clock: FakeClock, server: Prometheus
) -> None:
    driver.command("/sla service add api channel=C0API")
    driver.command(f"/sla define api availability target=99 window=7d source=prometheus {GOOD} {TOTAL}")
    server.stop()
    try:
        clock.advance(minutes=5)
        outage = clock.now
        tick(driver)
        status = driver.command("/sla status api").all_text
        assert "source unavailable since" in status and "no data" not in status and "100" not in status
        budget = driver.command("/sla budget api/availability").all_text
        assert "source unavailable since" in budget and "100" not in budget
        assert not notices(driver)  # not before 10 minutes
        for _ in range(12):
            clock.advance(minutes=1)
            tick(driver)
        with driver.runtime.db.session() as session:
            source = session.exec(select(PrometheusSource)).one()
            assert source.unavailable_since == outage
        (notice,) = notices(driver)  # one, however many passes see the outage
        assert notice.args["channel"] == "C0API" and "api/availability is not being measured" in notice.args["text"]
    finally:
        server.start()
    clock.advance(minutes=1)
    tick(driver)
    good, total = expected(T0 - timedelta(days=7), clock.now)
    assert stored(driver, "availability") == {minute: (good.get(minute, 0), total[minute]) for minute in total}
    with driver.runtime.db.session() as session:
        assert session.exec(select(PrometheusSource)).one().unavailable_since is None
