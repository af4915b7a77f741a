"""The OpenSLO grammar: problems located by file, document and field path; what is refused and why; YAML's
datetimes and booleans coerced; the name mapping reversible (Hypothesis)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slabot.sources.openslo import InvalidOpenSLO, from_label, read_documents, to_label

SLO = """apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
spec:
  service: checkout
  budgetingMethod: {method}
  timeWindow:
    - {window}
  objectives:
    - {objective}
  indicator:
    metadata:
      name: errors
    spec:
      {metric}
"""
RATIO = """ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(ok_total)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(all_total)"""
SERVICE = "apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: checkout\n"


def slo(
    method: str = "Occurrences",
    window: str = "{duration: 30d, isRolling: true}",
    objective: str = "{target: 0.999}",
    metric: str = RATIO,
) -> str:
    return SLO.format(method=method, window=window, objective=objective, metric=metric)


def problems(tmp_path: Path, *documents: str) -> list[str]:
    (tmp_path / "slos.yaml").write_text("---\n".join(documents))
    with pytest.raises(InvalidOpenSLO) as caught:
        read_documents([tmp_path / "slos.yaml"])
    return [str(problem) for problem in caught.value.problems]


def test_a_valid_file_reads(tmp_path: Path) -> None:
    (tmp_path / "slos.yaml").write_text(SERVICE + "---\n" + slo())
    documents = read_documents([tmp_path])
    assert [s.name for s in documents.services] == ["checkout"]
    assert documents.slos[0].indicator is not None and documents.slos[0].indicator.good == "sum(ok_total)"


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (slo(objective="{target: 1}"), "slos.yaml#2 spec.objectives[0].target: must be above 0 and below 1 (100%)"),
        (slo(objective="{targetPercent: 100}"), "slos.yaml#2 spec.objectives[0].targetPercent: must be above 0"),
        (slo(objective="{target: 0.9, targetPercent: 90}"), "slos.yaml#2 spec.objectives[0]: needs exactly one"),
        (slo(method="RatioTimeslices"), "slos.yaml#2 spec.budgetingMethod: must be Occurrences or Timeslices"),
        (slo(method="Timeslices"), "slos.yaml#2 spec.objectives[0].timeSliceTarget: Timeslices needs"),
        (slo(window="{duration: 1h, isRolling: true}"), "slos.yaml#2 spec.timeWindow[0].duration: a rolling window"),
        (
            slo(window="{duration: 1m, isRolling: false, calendar: {startTime: 2022-01-01 00:00:00, timeZone: UTC}}"),
            "slos.yaml#2 spec.timeWindow[0].duration: a calendar window is 1w, 1M or 1Q (m is minutes",
        ),
        (
            slo(window="{duration: 1M, isRolling: false, calendar: {startTime: 2022-01-01 12:30:00, timeZone: UTC}}"),
            "slos.yaml#2 spec.timeWindow[0].calendar.startTime: slabot's months start at midnight",
        ),
        (
            slo(metric="thresholdMetric: {metricSource: {type: Prometheus, spec: {query: x}}}"),
            "slos.yaml#2 spec.indicator.spec.thresholdMetric: threshold metrics are not supported",
        ),
        (
            slo(objective="{target: 0.99, compositeWeight: 1}"),
            "slos.yaml#2 spec.objectives: composite SLOs are not supported",
        ),
        (slo().replace("checkout-availability", "Checkout"), "slos.yaml#2 metadata.name: must be an RFC 1123 label"),
        (
            slo().replace("type: Prometheus", "type: Datadog", 1),
            "slos.yaml#2 spec.indicator.spec.ratioMetric.good.metricSource.type: must be Prometheus",
        ),
    ],
)
def test_problems_name_file_document_and_field(tmp_path: Path, document: str, expected: str) -> None:
    found = problems(tmp_path, SERVICE, document)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    found = problems(tmp_path, slo(objective="{target: 2}"), "kind: SLO\n", slo(method="x"))
    assert [line.split(" ")[0] for line in found] == ["slos.yaml#1", "slos.yaml#2", "slos.yaml#3"]


def test_yaml_datetimes_and_booleans_are_coerced(tmp_path: Path) -> None:
    window = "{duration: 1M, isRolling: false, calendar: {startTime: 2022-01-01 00:00:00, timeZone: UTC}}"
    text = slo(window=window).replace("name: checkout-availability", "name: a\n  annotations: {slabot.io/x: on}")
    (tmp_path / "slos.yaml").write_text(text)
    documents = read_documents([tmp_path])
    assert documents.slos[0].window.kind == "month" and documents.slos[0].annotations == {"slabot.io/x": "true"}


def test_a_burnrate_condition_reads_and_others_are_refused(tmp_path: Path) -> None:
    condition = (
        "apiVersion: openslo/v1\nkind: AlertCondition\nmetadata: {name: fast}\nspec:\n  severity: page\n"
        "  condition: {kind: burnrate, op: gte, threshold: 14.4, lookbackWindow: 1h, alertAfter: 5m}\n"
    )
    (tmp_path / "a.yaml").write_text(condition)
    read = read_documents([tmp_path / "a.yaml"]).conditions["fast"][0]
    assert (read.lookback_seconds, read.alert_after_seconds, float(read.threshold)) == (3600, 300, 14.4)
    found = problems(tmp_path, condition.replace("op: gte", "op: lt"))
    assert found == [
        "slos.yaml#1 spec.condition.op: must be gte: slabot alerts when the burn rate reaches the threshold"
    ]


SLABOT_NAMES = st.from_regex(r"\A[a-z0-9][a-z0-9._-]{0,30}\Z")
LABELS = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?\Z")


@given(SLABOT_NAMES)
def test_every_slabot_name_maps_to_a_label_and_back(name: str) -> None:
    try:
        label = to_label(name)
    except ValueError as error:
        assert "the most is 63" in str(error)
        return
    assert from_label(label) == name
    assert len(label) <= 63 and label == label.lower()


@given(LABELS)
def test_a_label_is_read_as_one_name_or_refused(label: str) -> None:
    try:
        name = from_label(label)
    except ValueError:
        return
    assert to_label(name) == label


def test_labels_of_plain_names_are_the_names() -> None:
    assert to_label("checkout-api") == "checkout-api"
    assert (to_label("payments_api"), to_label("v1.2"), to_label("a--b")) == ("payments--uapi", "v1--d2", "a--h-b")
    with pytest.raises(ValueError, match="the most is 63"):
        to_label("x" * 64)
