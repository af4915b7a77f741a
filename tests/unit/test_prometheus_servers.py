"""Named Prometheus servers and a backfill's progress: tokens from the environment by DataSource name, the URLs
and names accepted, and which progress a long backfill shows (none at first, then paced, at most three)."""

from __future__ import annotations

import itertools

import pytest

from commands.prometheus_define import EVERY_S, FIRST_AFTER_S, MOST, ProgressPacer
from slabot.config.settings import load_settings
from slabot.core.errors import UserError
from slabot.sources.prometheus_pull import Progress
from slabot.sources.prometheus_servers import check_url, parse_datasource_name, tokens_from

DAY = 86_400_000


def test_tokens_come_from_the_environment_by_datasource_name() -> None:
    env = {
        "SLABOT_PROMETHEUS_TOKEN": "unnamed",
        "SLABOT_PROMETHEUS_TOKEN_CLUSTER_PROMETHEUS": "s3cret",
        "SLABOT_PROMETHEUS_TOKEN_EMPTY": "  ",
    }
    assert tokens_from(env) == {"cluster-prometheus": "s3cret"}
    servers = load_settings(env, mode="console").prometheus_servers()
    assert (servers.default_token, dict(servers.tokens)) == ("unnamed", {"cluster-prometheus": "s3cret"})


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://prometheus:9090", None),
        ("https://thanos.example/prom", None),
        ("prometheus:9090", "must be an http(s) URL"),
        ("http://u:p@prometheus:9090", "must not hold a user or password"),
        ("http://p/" + "x" * 600, "can be up to 500 characters"),
    ],
)
def test_server_urls(url: str, why: str | None) -> None:
    found = check_url(url)
    assert found == why if why is None else why in (found or "")


def test_datasource_names_are_openslo_labels() -> None:
    assert parse_datasource_name("cluster-prometheus") == "cluster-prometheus"
    for bad in ("Cluster", "-a", "a_b", "x" * 64):
        with pytest.raises(UserError, match="must be a DataSource name"):
            parse_datasource_name(bad)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_is_shown_only_for_long_backfills_paced_and_at_most_three_times() -> None:
    clock, shown = Clock(), []
    pacer = ProgressPacer(shown.append, clock)
    span = 33 * DAY
    for day in range(1, 34):
        clock.now += 1.0  # a second a day
        pacer(Progress(1, day * 1440, day * DAY, span))
    days = [p.done_ms // DAY for p in shown]
    assert len(days) == MOST
    assert days[0] == FIRST_AFTER_S  # the first after FIRST_AFTER_S seconds
    assert all(b - a >= EVERY_S for a, b in itertools.pairwise(days))
    quick, none = Clock(), []
    fast = ProgressPacer(none.append, quick)
    for day in range(1, 34):
        fast(Progress(1, day, day * DAY, span))  # all within the first seconds: the reply says it all
    assert none == []
