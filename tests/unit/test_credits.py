"""Service credit schedules: parsed exactly, normalised, refused with what to type, and the band of an attainment
(strictly below a threshold)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from slabot.core.credits import CreditBand, parse_credits, stored_credits
from slabot.core.errors import UserError
from slabot.render.monthly_credits import credit_band_text, format_credit_attainment, schedule_text


def test_a_schedule_is_parsed_exactly_and_normalised() -> None:
    schedule = parse_credits(" 99.90:10 , 99.5%:25.0%,99:50 ")
    assert schedule.bands == (
        CreditBand(Decimal("99.90"), Decimal("10")),
        CreditBand(Decimal("99.5"), Decimal("25.0")),
        CreditBand(Decimal("99"), Decimal("50")),
    )
    assert schedule.text == "99.9:10,99.5:25,99:50"
    assert stored_credits(schedule.text) == parse_credits(schedule.text)
    assert stored_credits(None) is None
    assert parse_credits("100:5").text == "100:5"
    assert schedule.bands[0].threshold == Fraction(999, 1000)


@pytest.mark.parametrize(
    ("attainment", "percent"),
    [
        (Fraction(1), None),
        (Fraction(999, 1000), None),  # exactly at the threshold: not below it
        (Fraction(999, 1000) - Fraction(1, 10**12), Decimal("10")),
        (Fraction(995, 1000), Decimal("10")),  # 99.5% is not below 99.5%
        (Fraction(9949999, 10**7), Decimal("25")),
        (Fraction(99, 100), Decimal("25")),
        (Fraction(98, 100), Decimal("50")),
        (Fraction(0), Decimal("50")),
    ],
)
def test_the_band_is_the_deepest_threshold_strictly_above_the_attainment(
    attainment: Fraction, percent: Decimal | None
) -> None:
    band = parse_credits("99.9:10,99.5:25,99:50").band_for(attainment)
    assert (band.percent if band else None) == percent


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", 'credits= needs credit bands, like credits="99.9:10,99.5:25,99:50"'),
        (" , ", "credits= needs credit bands"),
        ("99.9", "'99.9' is not a credit band: write attainment:credit in percent, like 99.9:10"),
        ("99.9:10:5", "'99.9:10:5' is not a credit band"),
        ("high:10", "'high' in the credit band 'high:10' is not a percentage"),
        ("99.9:ten", "'ten' in the credit band '99.9:ten' is not a percentage"),
        ("99.9:-5", "'-5' in the credit band '99.9:-5' is not a percentage"),
        ("1e2:5", "'1e2' in the credit band '1e2:5' is not a percentage"),
        ("NaN:5", "is not a percentage"),
        ("0:5", "The attainment of a credit band must be above 0 and at most 100 (got 0 in '0:5')"),
        ("100.5:5", "must be above 0 and at most 100 (got 100.5 in '100.5:5')"),
        ("99.9:120", "A credit is a share of the fee from 0 to 100 percent (got 120 in '99.9:120')"),
        ("99:10,99.5:25", "Credit bands go from the highest attainment down, each below the one before (99 then 99.5"),
        ("99.5:10,99.50:25", "(99.5 then 99.5 is not)"),
        ("99.9:25,99.5:10", "A lower attainment cannot owe a smaller credit: 25% below 99.9% but 10% below 99.5%"),
        (",".join(f"{99 - n}:{n}" for n in range(11)), "credits= takes at most 10 bands (got 11)"),
    ],
)
def test_bad_schedules_say_what_to_type(text: str, message: str) -> None:
    with pytest.raises(UserError) as raised:
        parse_credits(text)
    assert message in raised.value.message
    assert raised.value.field == "credits"


def test_the_band_reads_with_the_precision_that_tells_thresholds_apart() -> None:
    schedule = parse_credits("99.95:10,99.5:25")
    # 99.9499% floors to 99.94%, not to 99.9% (which would look like the 99.95 band's edge the other way round)
    assert format_credit_attainment(Fraction(999499, 10**6), schedule, Decimal("99.95")) == "99.94%"
    assert (
        credit_band_text(schedule, Fraction(9996, 10**4), Decimal("99.95"), locale="en")
        == "No credit owed: attainment 99.96% is not below 99.95%."
    )
    assert (
        credit_band_text(schedule, Fraction(995, 1000), Decimal("99.95"), locale="en")
        == "10% credit owed: attainment 99.50% is below 99.95%."
    )
    assert credit_band_text(schedule, None, Decimal("99.95"), locale="en").startswith("No credit band yet")
    assert schedule_text(schedule, locale="en") == "below 99.95%: 10% · below 99.5%: 25%"
