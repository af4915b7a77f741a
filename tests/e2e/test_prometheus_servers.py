"""Pulled objectives against a real Prometheus, second part: a metric that goes missing while the server
answers (shown, announced once, cleared when it returns), a named server (an imported DataSource) used by
datasource=, a pass asking a shared query once, and a long backfill pulled in day stages with progress."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.config.settings import Settings
from slabot.devtools.localslack import LocalSlack
from slabot.runtime.evaluation_pass import PassReport
from slabot.runtime.openslo_cli import export_text, run_import
from slabot.slo.ingest import epoch_minute
from slabot.sources import prometheus_pull as pull
from storage.db import Database
from storage.models.catalog import Objective
from storage.models.prometheus import PrometheusSource
from storage.models.slo import SliMinute
from tests.conftest import FakeClock
from tests.driver import SlackDriver
from tests.loop import Loop
from tests.promserver import Prometheus, openmetrics, prometheus

STEP = 15
REAL_END = int(time.time()) // 3600 * 3600 - 3 * 3600
START = REAL_END - 2 * 86400
T0 = datetime.fromtimestamp(START + 86400, UTC)
GONE, BACK = T0 + timedelta(minutes=20), T0 + timedelta(minutes=60)  # shop's series are absent in between


def _history() -> str:
    series: list[tuple[str, str, list[tuple[int, str]]]] = []
    for code, per_step in (("200", 10), ("500", 1)):
        samples = []
        for step in range((REAL_END - START) // STEP):
            t = START + step * STEP
            if GONE.timestamp() <= t < BACK.timestamp():
                continue  # the target was removed, then came back
            samples.append((t, str(1000 + step * per_step)))
        series.append(("orders_total", f'job="shop",code="{code}"', samples))
    return openmetrics(series)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prometheus]:
    with prometheus(tmp_path_factory.mktemp("prom"), _history()) as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def settings(server: Prometheus) -> Settings:
    return Settings(bot_token="xoxb-test", signing_secret="test-signing-secret", prometheus_url=server.url)


GOOD = 'good="orders_total{job="shop",code="200"}"'
BAD = 'bad="orders_total{job="shop",code="500"}"'
TOTAL = 'total="sum(orders_total{job="shop"})"'


def tick(driver: SlackDriver) -> PassReport:
    """One scheduled pass and delivery, at the driver's clock."""
    clock = driver.runtime.clock
    assert isinstance(clock, FakeClock)
    return Loop(driver, clock).tick()


def missing_notices(driver: SlackDriver) -> list[Any]:
    return [c for c in driver.slack.calls_to("chat.postMessage") if "has had no series" in c.args["text"]]


def test_a_metric_gone_while_prometheus_answers_is_shown_announced_once_and_cleared(
    driver: SlackDriver, clock: FakeClock
) -> None:
    driver.command("/sla service add shop channel=C0SHOP")
    driver.command(f"/sla define shop orders target=99 window=7d source=prometheus {GOOD} {TOTAL}")
    clock.advance(minutes=30)
    tick(driver)  # reads back to before the series went: still seen
    assert "metric missing" not in driver.command("/sla status shop").all_text
    clock.advance(minutes=1)
    tick(driver)
    missing_since = clock.now
    status = driver.command("/sla status shop").all_text
    assert "metric missing from Prometheus since" in status and "healthy" not in status
    assert 'No series for `sum(orders_total{job="shop"})`' in status
    assert "metric missing from Prometheus since" in driver.command("/sla budget shop/orders").all_text
    assert not missing_notices(driver)  # not before 10 minutes
    for _ in range(12):
        clock.advance(minutes=1)
        tick(driver)
    (notice,) = missing_notices(driver)
    assert notice.args["channel"] == "C0SHOP"
    assert "no series for shop/orders's total query" in notice.args["text"]
    assert "has not answered" not in notice.args["text"]
    with driver.runtime.db.session() as session:
        source = session.exec(select(PrometheusSource)).one()
        assert (source.missing_since, source.missing_query) == (missing_since, 'sum(orders_total{job="shop"})')
    clock.advance(minutes=30)  # past BACK: the series answer again
    tick(driver)
    assert "metric missing" not in driver.command("/sla status shop").all_text
    with driver.runtime.db.session() as session:
        assert session.exec(select(PrometheusSource)).one().missing_since is None
    assert len(missing_notices(driver)) == 1


def test_no_errors_is_not_a_missing_metric(driver: SlackDriver, clock: FakeClock) -> None:
    """A bad= query with no series means nothing failed; only the total query going empty is a missing metric."""
    driver.command("/sla service add shop channel=C0SHOP")
    none_failed = 'bad="orders_total{job="shop",code="503"}"'
    driver.command("/sla service add other")
    answer = driver.command(f"/sla define shop orders target=99 window=7d source=prometheus {none_failed} {TOTAL}")
    assert "Prometheus has no series for" in answer.all_text  # checked at definition: the query names nothing
    driver.command(f"/sla define shop orders target=99 window=7d source=prometheus {BAD} {TOTAL}")
    clock.advance(minutes=5)
    tick(driver)
    assert "metric missing" not in driver.command("/sla status shop").all_text


def _import_datasource(runtime: Runtime, tmp_path: Path, url: str) -> str:
    document = tmp_path / "datasource.yaml"
    document.write_text(
        "apiVersion: openslo/v1\nkind: DataSource\nmetadata:\n  name: shop-prometheus\n"
        f"spec:\n  type: Prometheus\n  connectionDetails:\n    url: {url}\n"
    )
    out, err = io.StringIO(), io.StringIO()
    assert run_import(runtime, [document], False, out, err) == 0, err.getvalue()
    return out.getvalue()


def test_datasource_names_an_imported_server_the_objective_is_pulled_from(
    database: Database, clock: FakeClock, slack: LocalSlack, settings: Settings, server: Prometheus, tmp_path: Path
) -> None:
    runtime = Runtime(settings=replace(settings, prometheus_url=None), db=database, clock=clock)
    assert "add datasource shop-prometheus" in _import_datasource(runtime, tmp_path, server.url)
    driver = SlackDriver(runtime, slack)
    driver.command("/sla service add shop")
    unnamed = driver.command(f"/sla define shop orders target=99 window=7d source=prometheus {GOOD} {TOTAL}")
    assert "set SLABOT_PROMETHEUS_URL" in unnamed.all_text and "datasource=&lt;name&gt;" in unnamed.all_text
    answer = driver.command(
        f"/sla define shop orders target=99 window=7d source=prometheus {GOOD} {TOTAL} datasource=shop-prometheus"
    )
    assert "Backfilled 1,440 minutes of counts from Prometheus shop-prometheus" in answer.all_text  # T0's day
    assert "shop/orders* SLO 99% over 7d · from Prometheus" in driver.command("/sla list shop").all_text
    with database.session() as session:
        assert session.exec(select(PrometheusSource.datasource)).one() == "shop-prometheus"
    clock.advance(minutes=3)
    assert tick(driver).prometheus_queries == 1  # from the named server, though no default is set; good= from total=
    exported = export_text(runtime, None)
    document = "kind: DataSource\nmetadata:\n  name: shop-prometheus\nspec:\n  connectionDetails:\n    url: "
    assert document + server.url in exported
    assert exported.count("metricSourceRef: shop-prometheus") == 2


def test_an_objective_whose_server_is_not_configured_shows_unavailable(
    database: Database, clock: FakeClock, slack: LocalSlack, settings: Settings
) -> None:
    driver = SlackDriver(Runtime(settings=settings, db=database, clock=clock), slack)
    driver.command("/sla service add shop")
    driver.command(f"/sla define shop orders target=99 window=7d source=prometheus {GOOD} {TOTAL}")
    unset = SlackDriver(Runtime(settings=replace(settings, prometheus_url=None), db=database, clock=clock), slack)
    clock.advance(minutes=2)
    assert tick(unset).prometheus_queries == 0
    assert "source unavailable since" in unset.command("/sla status shop").all_text


def test_a_pass_asks_a_query_shared_by_objectives_once(driver: SlackDriver, clock: FakeClock) -> None:
    driver.command("/sla service add shop")
    driver.command(f"/sla define shop orders target=99 window=7d source=prometheus {GOOD} {TOTAL}")
    errors = 'bad="orders_total{job="shop",code=~"5.."}"'  # a regex: asked on its own
    driver.command(f"/sla define shop failures target=99.5 window=7d source=prometheus {errors} {TOTAL}")
    clock.advance(minutes=2)
    # the total once for both; orders' good= only narrows it (read from its answer); failures' bad= asked itself
    assert tick(driver).prometheus_queries == 2
    with driver.runtime.db.session() as session:
        names = {o.id: o.name for o in session.exec(select(Objective))}
        pulled = {names[s.objective_id]: s.pulled_until for s in session.exec(select(PrometheusSource))}
        minutes = {
            names[m.objective_id]: (m.good, m.total)
            for m in session.exec(select(SliMinute).where(SliMinute.epoch_minute == epoch_minute(T0)))
        }
    assert pulled == {"orders": clock.now, "failures": clock.now}
    assert minutes == {"orders": (40, 44), "failures": (40, 44)}  # 4 samples a minute: 10 good and 1 bad each


def test_a_long_backfill_is_pulled_a_day_at_a_time_with_progress(driver: SlackDriver, clock: FakeClock) -> None:
    driver.command("/sla service add shop")
    answer = driver.command(f"/sla define shop orders target=99 window=7d source=prometheus {GOOD} {TOTAL}")
    assert "Backfilled 1,440 minutes" in answer.all_text
    with driver.runtime.db.session() as session:
        objective_id = session.exec(select(Objective.id)).one()
        source = session.get(PrometheusSource, objective_id)
        assert source is not None
        source.pulled_until = None  # pull the whole window again, watching its stages
        session.add(source)
    seen: list[pull.Progress] = []
    servers = driver.runtime.settings.prometheus_servers()
    with driver.runtime.db.session() as session:
        client = servers.resolve(session, None).client()
    with client:
        result = pull.pull_objective(driver.runtime.db, pull.SampleReader(client), objective_id, clock.now, seen.append)
    assert result.minutes == 1440
    # a 7-day window: seven stages of a day, each reported as it is stored (history holds only the last day)
    assert [p.done_ms // 86_400_000 for p in seen] == [1, 2, 3, 4, 5, 6, 7]
    assert seen[-1].done_ms == seen[-1].span_ms and seen[-1].minutes == 1440
    assert client.queries_sent == 7 * 4  # a day and its read-back in four requests (good= read from total=)
