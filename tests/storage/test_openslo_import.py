"""OpenSLO import and export against the database: the example documents in tests/data/openslo, all or
nothing, upsert idempotence, a changed target, and export -> import -> export byte for byte (both backends)."""

from __future__ import annotations

import io
import shutil
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.config.settings import Settings
from slabot.runtime.openslo_cli import export_text, run_import
from slabot.sources.openslo import InvalidOpenSLO, read_documents
from slabot.sources.openslo_import import apply_plan, plan_import
from storage.db import Database
from storage.models.alerting import AlertRule
from storage.models.catalog import Objective, ObjectiveKind, ObjectiveSource, Service
from storage.models.prometheus import PrometheusDatasource, PrometheusSource
from tests.conftest import FakeClock

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "openslo"
URL = "http://prometheus:9090"


@pytest.fixture
def oslo(database: Database, clock: FakeClock) -> Runtime:
    settings = Settings(bot_token="xoxb-test", signing_secret="test-signing-secret", prometheus_url=URL)
    return Runtime(settings=settings, db=database, clock=clock)


def imported(runtime: Runtime, *paths: Path, dry_run: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_import(runtime, list(paths), dry_run, out, err)
    return code, out.getvalue(), err.getvalue()


def test_the_examples_import_into_the_catalogue(oslo: Runtime) -> None:
    code, out, err = imported(oslo, EXAMPLES)
    assert (code, err) == (0, "")
    assert "add service payments_api" in out and "add objective web-shop/latency" in out
    with oslo.db.session() as session:
        services = {s.name: s for s in session.exec(select(Service))}
        objectives = {o.name: o for o in session.exec(select(Objective))}
        sources = {s.objective_id: s for s in session.exec(select(PrometheusSource))}
        rules = list(session.exec(select(AlertRule)))
    assert set(services) == {"web-shop", "payments_api"}
    assert (services["web-shop"].channel_id, services["web-shop"].owner, services["web-shop"].tier) == (
        "C0123WEB",
        "shop team",
        1,
    )
    availability, latency, uptime = objectives["availability"], objectives["latency"], objectives["uptime"]
    assert (availability.target_percent, availability.window) == (Decimal("99.9"), "28d")
    assert sources[availability.id].bad_query == 'sum(http_requests_total{job="checkout",code=~"5.."})'
    assert sources[latency.id].good_query is not None  # Nobl9's promql
    assert (latency.window, latency.timezone, latency.budgeting) == ("month", "Europe/Berlin", "timeslices")
    assert (latency.target_percent, latency.slice_target_percent) == (Decimal("99"), Decimal("95"))
    assert (uptime.kind, uptime.source, uptime.target_percent) == (
        ObjectiveKind.SLA,
        ObjectiveSource.INCIDENTS,
        Decimal("99.95"),
    )
    assert [(r.severity, r.long_seconds, r.short_seconds, Fraction(r.budget_percent)) for r in rules] == [
        ("page", 3600, 300, 2)
    ]


def test_importing_again_changes_nothing_and_a_changed_target_changes_that_objective(
    oslo: Runtime, tmp_path: Path
) -> None:
    assert imported(oslo, EXAMPLES)[0] == 0
    code, out, _ = imported(oslo, EXAMPLES)
    assert code == 0 and "changed 0 of 6" in out and "unchanged objective web-shop/availability" in out
    folder = tmp_path / "openslo"
    shutil.copytree(EXAMPLES, folder)
    slos = folder / "slos.yaml"
    slos.write_text(slos.read_text().replace("target: 0.999\n", "target: 0.9995\n"))
    code, out, _ = imported(oslo, folder, dry_run=True)
    assert "update objective web-shop/availability (target)" in out and "(dry run)" in out
    code, out, _ = imported(oslo, folder)
    assert "changed 1 of 6" in out
    with oslo.db.session() as session:
        targets = {o.name: o.target_percent for o in session.exec(select(Objective))}
    assert targets == {"availability": Decimal("99.95"), "latency": Decimal("99"), "uptime": Decimal("99.95")}


def test_one_invalid_document_imports_nothing(oslo: Runtime, tmp_path: Path) -> None:
    folder = tmp_path / "openslo"
    shutil.copytree(EXAMPLES, folder)
    slos = folder / "slos.yaml"
    slos.write_text(slos.read_text().replace("target: 0.9995\n", "target: 1.5\n"))
    code, out, err = imported(oslo, folder)
    assert code == 1 and out == ""
    assert "slos.yaml#5 spec.objectives[0].target: must be above 0 and below 1 (100%)" in err
    with oslo.db.session() as session:
        assert list(session.exec(select(Service))) == []


def test_a_datasource_is_stored_by_name_and_the_objectives_naming_it_pull_from_it(
    oslo: Runtime, tmp_path: Path
) -> None:
    assert imported(oslo, EXAMPLES)[0] == 0
    with oslo.db.session() as session:
        by_name = {o.name: o.id for o in session.exec(select(Objective))}
        sources = {s.objective_id: s.datasource for s in session.exec(select(PrometheusSource))}
        stored = {d.name: d.url for d in session.exec(select(PrometheusDatasource))}
    assert stored == {"cluster-prometheus": "http://prometheus:9090"}
    # the SLI referenced by name names the DataSource; the inline one uses SLABOT_PROMETHEUS_URL
    assert (sources[by_name["availability"]], sources[by_name["latency"]]) == ("cluster-prometheus", None)
    folder = tmp_path / "openslo"
    shutil.copytree(EXAMPLES, folder)
    slos = folder / "slos.yaml"
    slos.write_text(slos.read_text().replace("url: http://prometheus:9090", "url: http://thanos.example:10902/"))
    code, out, _ = imported(oslo, folder)
    assert code == 0 and "update datasource cluster-prometheus" in out and "changed 1 of 6" in out
    with oslo.db.session() as session:
        assert session.exec(select(PrometheusDatasource.url)).one() == "http://thanos.example:10902"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://prometheus:9090", "must be an http(s) URL"),
        ("http://admin:secret@prometheus:9090", "must not hold a user or password"),
    ],
)
def test_a_datasource_slabot_cannot_pull_from_is_refused(oslo: Runtime, tmp_path: Path, url: str, why: str) -> None:
    folder = tmp_path / "openslo"
    shutil.copytree(EXAMPLES, folder)
    slos = folder / "slos.yaml"
    slos.write_text(slos.read_text().replace("url: http://prometheus:9090", f"url: {url}"))
    with oslo.db.session() as session, pytest.raises(InvalidOpenSLO) as caught:
        plan_import(session, read_documents([folder]), URL)
    assert f"slos.yaml#1 spec.connectionDetails.url: {why}" in str(caught.value)


def test_an_slo_naming_an_unknown_datasource_is_refused(oslo: Runtime, tmp_path: Path) -> None:
    folder = tmp_path / "openslo"
    shutil.copytree(EXAMPLES, folder)
    slos = folder / "slos.yaml"
    slos.write_text(slos.read_text().replace("metricSourceRef: cluster-prometheus", "metricSourceRef: elsewhere"))
    with oslo.db.session() as session, pytest.raises(InvalidOpenSLO) as caught:
        plan_import(session, read_documents([folder]), URL)
    assert "spec.indicator: no DataSource named elsewhere in the files or in slabot" in str(caught.value)


def test_export_import_export_gives_identical_bytes(oslo: Runtime, database: Database, tmp_path: Path) -> None:
    assert imported(oslo, EXAMPLES)[0] == 0
    first = export_text(oslo, None)
    assert "web-shop-availability" in first and "slabot.io/alert-rules: page:2%:1h/5m" in first
    assert "startTime: '2024-01-01 00:00:00'" in first  # quoted: not read back as a datetime
    exported = tmp_path / "exported.yaml"
    exported.write_text(first)
    code, out, _ = imported(oslo, exported)
    assert code == 0 and "changed 0 of 6" in out  # the export is the same catalogue
    with database.session() as session:
        for table in (Objective, Service):
            for row in session.exec(select(table)):
                session.delete(row)
    assert imported(oslo, exported)[0] == 0
    assert export_text(oslo, None) == first
    assert export_text(oslo, "payments_api").count("---") == 2


def test_apply_writes_in_the_callers_transaction(oslo: Runtime) -> None:
    documents = read_documents([EXAMPLES])
    with pytest.raises(RuntimeError), oslo.db.session() as session:
        apply_plan(session, plan_import(session, documents, URL), "tester")
        raise RuntimeError("rolled back")
    with oslo.db.session() as session:
        assert list(session.exec(select(Objective))) == []


def test_a_catalogue_made_in_slabot_round_trips(oslo: Runtime, database: Database, tmp_path: Path) -> None:
    from fractions import Fraction as F

    from slabot.alerting.rules import set_rules
    from slabot.catalog.objectives import ObjectiveSpec, define_objective
    from slabot.catalog.services import ServiceFields, add_service
    from slabot.core.burn import AlertRule as Rule
    from slabot.core.windows import WindowSpec
    from storage.models.catalog import Budgeting

    with database.session() as session:
        add_service(session, "search.v2", ServiceFields(channel_id="C0S", oncall_id="S0GROUP", tier=2), "U0")
        spec = ObjectiveSpec("p99_latency", Decimal("99.5"), WindowSpec("rolling", 7), source=ObjectiveSource.EVENTS)
        objective, _ = define_objective(session, "search.v2", replace(spec, timezone="Asia/Shanghai"), "U0")
        set_rules(session, objective, [Rule("ticket", 259200, 21600, F(1, 10))], 50)
        weekly = ObjectiveSpec(
            "slices", Decimal("99"), WindowSpec("week"), source=ObjectiveSource.EVENTS, budgeting=Budgeting.TIMESLICES
        )
        define_objective(session, "search.v2", weekly, "U0")
    first = export_text(oslo, None)
    assert "slabot.io/alert-rules: ticket:10%:3d/6h" in first and "search--dv2-p99--ulatency" in first
    (tmp_path / "a.yaml").write_text(first)
    assert "changed 0 of 3" in imported(oslo, tmp_path / "a.yaml")[1]
    with database.session() as session:
        for row in session.exec(select(Service)):
            session.delete(row)
    assert imported(oslo, tmp_path / "a.yaml")[0] == 0
    assert export_text(oslo, None) == first
