"""Which counter selectors only narrow another (read from its answer) and which are asked on their own."""

from __future__ import annotations

import pytest

from slabot.sources.prometheus_selectors import Selector, narrowing, parse_selector

SERIES = [
    (("__name__", "http_requests_total"), ("code", "200"), ("job", "api")),
    (("__name__", "http_requests_total"), ("code", "500"), ("job", "api")),
    (("__name__", "http_requests_total"), ("job", "api")),  # no code label at all
]


def test_selectors_are_read_as_name_and_matchers() -> None:
    assert parse_selector('http_requests_total{job="api", code!="500"}') == Selector(
        "http_requests_total", frozenset({("job", "=", "api"), ("code", "!=", "500")})
    )
    assert parse_selector("up") == Selector("up", frozenset())
    for unread in ('x{job="a\\"b"}', "x{job='a'}", 'x{__name__="y"}', 'x{job="a" code="b"}', "x{job=a}"):
        assert parse_selector(unread) is None, unread


@pytest.mark.parametrize(
    ("narrow", "wide", "picked"),
    [
        ('http_requests_total{job="api",code="500"}', 'http_requests_total{job="api"}', [1]),
        ('http_requests_total{code="200",job="api"}', 'http_requests_total{job="api"}', [0]),
        ('http_requests_total{job="api",code!="500"}', 'http_requests_total{job="api"}', [0, 2]),  # absent is ""
        ('http_requests_total{job="api",code=""}', 'http_requests_total{job="api"}', [2]),
        ('http_requests_total{job="api"}', 'http_requests_total{job="api"}', [0, 1, 2]),
    ],
)
def test_a_narrowing_selector_picks_what_prometheus_would(narrow: str, wide: str, picked: list[int]) -> None:
    picks = narrowing(narrow, wide)
    assert picks is not None
    assert [i for i, labels in enumerate(SERIES) if picks(labels)] == picked


@pytest.mark.parametrize(
    ("narrow", "wide"),
    [
        ('http_requests_total{job="api",code=~"5.."}', 'http_requests_total{job="api"}'),  # regex: asked itself
        ('http_errors_total{job="api"}', 'http_requests_total{job="api"}'),  # another metric
        ('http_requests_total{code="500"}', 'http_requests_total{job="api"}'),  # not within the wide one
        ('http_requests_total{job="web",code="500"}', 'http_requests_total{job="api"}'),
    ],
)
def test_anything_else_is_asked_on_its_own(narrow: str, wide: str) -> None:
    assert narrowing(narrow, wide) is None
