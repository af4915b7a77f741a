"""Service credits as people read them: the band an SLA's attainment is in (on /sla budget and in the monthly
report) and the schedule it was agreed with.

Attainment is shown floored with as many decimals as the finest of the target and the thresholds, so an
attainment just below 99.95% never reads as 99.95% (nor one above it as below).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from slabot.catalog.objectives import objective_credits
from slabot.core.credits import CreditBand, CreditSchedule
from slabot.core.i18n import Locale, tr
from slabot.core.timefmt import format_share
from storage.models.catalog import Objective


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def credit_precision(schedule: CreditSchedule, target_percent: Decimal) -> int:
    """Decimals of a percentage that tell every threshold apart: at least 1, at most 6."""
    finest = max([_decimals(target_percent), *(_decimals(band.below) for band in schedule.bands)])
    return min(6, max(1, finest))


def format_credit_attainment(attainment: Fraction, schedule: CreditSchedule, target_percent: Decimal) -> str:
    return format_share(attainment, credit_precision(schedule, target_percent))


def schedule_text(schedule: CreditSchedule, *, locale: Locale) -> str:
    """ "below 99.9% 10% · below 99.5% 25% · below 99% 50%" """
    return " · ".join(
        tr(locale, "below {below}%: {percent}%", below=band.below_text, percent=band.percent_text)
        for band in schedule.bands
    )


def credit_percent_text(band: CreditBand | None, *, locale: Locale) -> str:
    """What one SLA owes, as a table cell: "10%", or "none"."""
    if band is None:
        return tr(locale, "none")
    return tr(locale, "{percent}%", percent=band.percent_text)


def credit_band_text(
    schedule: CreditSchedule, attainment: Fraction | None, target_percent: Decimal, *, locale: Locale
) -> str:
    """Which band the attainment is in, in one sentence."""
    if attainment is None:
        return tr(locale, "No credit band yet: no data to measure the attainment on.")
    shown = format_credit_attainment(attainment, schedule, target_percent)
    band = schedule.band_for(attainment)
    if band is None:
        return tr(
            locale,
            "No credit owed: attainment {attainment} is not below {below}%.",
            attainment=shown,
            below=schedule.bands[0].below_text,
        )
    return tr(
        locale,
        "{percent}% credit owed: attainment {attainment} is below {below}%.",
        percent=band.percent_text,
        attainment=shown,
        below=band.below_text,
    )


def credit_field(
    schedule: CreditSchedule, attainment: Fraction | None, target_percent: Decimal, *, locale: Locale
) -> str:
    """The /sla budget field: the band now, and the schedule."""
    return tr(
        locale,
        "*Service credit*\n{band}\nCredits: {schedule}",
        band=credit_band_text(schedule, attainment, target_percent, locale=locale),
        schedule=schedule_text(schedule, locale=locale),
    )


def credit_status_text(objective: Objective, attainment: Fraction | None, *, locale: Locale) -> str | None:
    """The /sla budget section of an SLA with credits (None for any other objective)."""
    schedule = objective_credits(objective)
    if schedule is None:
        return None
    return credit_field(schedule, attainment, objective.target_percent, locale=locale)
