"""Service credits of an SLA: a schedule of bands ("below 99.9% attainment, 10% of the fee back") and the band an
attainment falls in. Pure and exact.

- Typed as `credits="99.9:10,99.5:25,99:50"`: attainment:credit in percent, the highest attainment first, each
  threshold strictly below the one before, each credit between 0 and 100 and never smaller than the one before
  (a worse month cannot owe less).
- Stored normalised ("99.9:10,99.5:25,99:50", no trailing zeros), so the same schedule reads the same way.
- "Below" means strictly less: an attainment of exactly 99.5% is in the 99.9 band, not the 99.5 one. The band
  owed is the deepest one the attainment is below; none when it is at or above every threshold.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from slabot.core.errors import UserError
from slabot.core.i18n import t

MAX_BANDS = 10
EXAMPLE = 'credits="99.9:10,99.5:25,99:50"'
_NUMBER = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,6})?")


def _text(value: Decimal) -> str:
    """99.90 -> "99.9", 100 -> "100": exact, no exponent, no trailing zeros."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class CreditBand:
    """Attainment strictly below `below` percent owes `percent` percent of the fee."""

    below: Decimal
    percent: Decimal

    @property
    def threshold(self) -> Fraction:
        """The attainment threshold as a ratio (99.9 -> 999/1000), to compare with attainment exactly."""
        return Fraction(self.below) / 100

    @property
    def below_text(self) -> str:
        return _text(self.below)

    @property
    def percent_text(self) -> str:
        return _text(self.percent)


@dataclass(frozen=True)
class CreditSchedule:
    bands: tuple[CreditBand, ...]  # thresholds strictly decreasing

    @property
    def text(self) -> str:
        """The normalised form stored on the objective: "99.9:10,99.5:25,99:50"."""
        return ",".join(f"{band.below_text}:{band.percent_text}" for band in self.bands)

    def band_for(self, attainment: Fraction) -> CreditBand | None:
        """The deepest band whose threshold the attainment is strictly below; None when it is below none."""
        owed = None
        for band in self.bands:
            if attainment < band.threshold:
                owed = band
        return owed


def _number(raw: str, band: str) -> Decimal:
    cleaned = raw.strip().removesuffix("%").strip()
    if not _NUMBER.fullmatch(cleaned):
        raise UserError(
            t(
                "'{value}' in the credit band '{band}' is not a percentage: write attainment:credit, like 99.9:10 "
                "(below 99.9% attainment, 10% credit)",
                value=raw.strip(),
                band=band,
            ),
            field="credits",
        )
    return Decimal(cleaned)


def _band(raw: str) -> CreditBand:
    band = raw.strip()
    if band.count(":") != 1:
        raise UserError(
            t(
                "'{band}' is not a credit band: write attainment:credit in percent, like 99.9:10 (below 99.9% "
                "attainment, 10% credit), bands separated by commas",
                band=band,
            ),
            field="credits",
        )
    left, right = band.split(":")
    below, percent = _number(left, band), _number(right, band)
    if not 0 < below <= 100:
        raise UserError(
            t(
                "The attainment of a credit band must be above 0 and at most 100 (got {value} in '{band}'), "
                "like 99.9:10",
                value=_text(below),
                band=band,
            ),
            field="credits",
        )
    if percent > 100:
        raise UserError(
            t(
                "A credit is a share of the fee from 0 to 100 percent (got {value} in '{band}'), like 99.9:10",
                value=_text(percent),
                band=band,
            ),
            field="credits",
        )
    return CreditBand(below, percent)


def parse_credits(text: str) -> CreditSchedule:
    """`99.9:10,99.5:25,99:50` (spaces and % signs allowed), checked and normalised."""
    parts = [part for part in text.split(",") if part.strip()]
    if not parts:
        raise UserError(
            t(
                "credits= needs credit bands, like {example}: below 99.9% attainment 10% credit, below 99.5% 25%, "
                "below 99% 50%",
                example=EXAMPLE,
            ),
            field="credits",
        )
    if len(parts) > MAX_BANDS:
        raise UserError(
            t(
                "credits= takes at most {most} bands (got {count}), like {example}",
                most=MAX_BANDS,
                count=len(parts),
                example=EXAMPLE,
            ),
            field="credits",
        )
    bands = [_band(part) for part in parts]
    for before, after in itertools.pairwise(bands):
        if after.below >= before.below:
            raise UserError(
                t(
                    "Credit bands go from the highest attainment down, each below the one before ({before} then "
                    "{after} is not): like {example}",
                    before=before.below_text,
                    after=after.below_text,
                    example=EXAMPLE,
                ),
                field="credits",
            )
        if after.percent < before.percent:
            raise UserError(
                t(
                    "A lower attainment cannot owe a smaller credit: {before_percent}% below {before}% but "
                    "{after_percent}% below {after}%; give each band at least the credit of the one before",
                    before_percent=before.percent_text,
                    before=before.below_text,
                    after_percent=after.percent_text,
                    after=after.below_text,
                ),
                field="credits",
            )
    return CreditSchedule(tuple(bands))


def stored_credits(text: str | None) -> CreditSchedule | None:
    """The schedule stored on an objective (normalised when it was stored), or None without one."""
    return parse_credits(text) if text else None
