"""An alert's figures as stored: exact numbers in, the same numbers out; and how the message reads them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from fractions import Fraction

from slabot.alerting.figures import AlertFigures, BudgetLeft, PairFigures, dumps, loads
from slabot.core.burn import DEFAULT_RULES, Counts
from slabot.core.windows import WindowSpec
from slabot.render.alerts import budget_left, window_phrase
from slabot.render.status import budget_amount
from slabot.slo.measurement import Measure

AS_OF = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def incident_figures() -> AlertFigures:
    """A time-based objective (99.9% over this month): bad seconds from a 30% partial outage are fractions."""
    page, _, ticket, _ = DEFAULT_RULES
    return AlertFigures(
        pairs=(
            PairFigures(
                page, Fraction(72, 5), Counts(Fraction(1080), 3600), Counts(90, 300), Fraction(300), Fraction(300)
            ),
            PairFigures(ticket, Fraction(3), Counts(Fraction(3241, 3), 86400), Counts(0, 0), Fraction(25, 2), None),
        ),
        window=WindowSpec.parse("month"),
        window_seconds=30 * 86400 - 3600,  # a month with the clocks going back has an hour more, this one less
        budget=BudgetLeft(Measure.SECONDS, Fraction(258840, 100), Fraction(-1, 3)),
        as_of=AS_OF,
    )


def test_figures_come_back_exactly_as_they_were_stored() -> None:
    figures = incident_figures()
    assert loads(dumps(figures)) == figures
    resolved = figures.resolved(BudgetLeft(Measure.SECONDS, Fraction(258840, 100), Fraction(7, 2)))
    assert loads(dumps(resolved)) == resolved
    assert resolved.budget_shown.left == Fraction(7, 2) and resolved.budget.left == Fraction(-1, 3)
    assert loads(None) is None


def test_figures_are_stored_as_numbers_never_as_display_text() -> None:
    stored = json.loads(dumps(incident_figures()))
    page, ticket = stored["pairs"]
    assert page["long"] == ["1080", 3600] and page["budget_fraction"] == "1/50" and page["threshold"] == "72/5"
    assert ticket["long"] == ["3241/3", 86400] and ticket["short_rate"] is None
    assert stored["budget"] == {"measure": "seconds", "total": "12942/5", "left": "-1/3"}
    assert stored["window"] == "month" and stored["as_of"] == "2026-11-21T12:00:00+00:00"
    assert stored["resolved_budget"] is None


def test_the_budget_reads_in_what_the_objective_counts() -> None:
    assert budget_amount(Measure.SECONDS, Fraction(2592)) == "43m 12s"
    assert budget_amount(Measure.SLICES, Fraction(100)) == "1h 40m"
    assert budget_amount(Measure.EVENTS, Fraction(86405, 2)) == "43,202.5 events"
    assert budget_left(BudgetLeft(Measure.SECONDS, Fraction(2592), Fraction(792))) == "13m 12s of 43m 12s (30.6%)"
    assert budget_left(BudgetLeft(Measure.EVENTS, Fraction(4320), Fraction(-1200))) == "none (1,200 events over budget)"
    assert budget_left(BudgetLeft(Measure.EVENTS, Fraction(4320), Fraction(0))) == "none"
    assert BudgetLeft(Measure.EVENTS, Fraction(0), Fraction(0)).left_fraction is None
    assert window_phrase(WindowSpec.parse("30d")) == "the 30-day budget"
    assert window_phrase(WindowSpec.parse("quarter")) == "this quarter's budget"
