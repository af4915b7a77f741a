"""The good=, bad= and total= options of /sla define keep the double quotes inside their queries."""

from __future__ import annotations

import pytest

from commands.promql_args import take_promql
from slabot.core.errors import UserError


def test_queries_keep_their_own_quotes_and_the_rest_is_left_for_the_usual_options() -> None:
    rest, found = take_promql(
        'checkout avail target=99 source=prometheus good="sum(x_total{code!~"5.."})" total=x_total{job="a b"} window=7d'
    )
    assert rest == "checkout avail target=99 source=prometheus window=7d"
    assert found == {"good": 'sum(x_total{code!~"5.."})', "total": 'x_total{job="a b"}'}


def test_typographic_quotes_as_slack_sends_them() -> None:
    rest, found = take_promql("c a bad=“sum by (job) (x_total{code=~”5..”})” total=“x_total”")
    assert rest == "c a" and found == {"bad": 'sum by (job) (x_total{code=~"5.."})', "total": "x_total"}


@pytest.mark.parametrize(("text", "message"), [('good="x_total', "not closed"), ("good=a good=b", "twice")])
def test_mistakes_are_named(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        take_promql(text)
