"""Customer satisfaction in the digest: how the people who opened incidents rated their handling. Pure.

- The ratings counted are those of the incidents resolved in the digest's week (the report picks them).
- The mean stays an exact Fraction; the message rounds it to one decimal.
- The lowest-rated incident is the one with the lowest rating; among equals the one with a comment (it says
  more), then the lowest incident id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from slabot.incidents.satisfaction import CSAT_HIGHEST, CSAT_LOWEST
from storage.models.incidents import CsatRating

RATINGS = tuple(range(CSAT_HIGHEST, CSAT_LOWEST - 1, -1))  # the scale, best first, as the distribution is shown


@dataclass(frozen=True)
class LowestRating:
    incident_id: int
    rating: int
    comment: str | None  # None when there is none (or it is blank)


@dataclass(frozen=True)
class CsatSummary:
    count: int
    mean: Fraction | None  # None without ratings
    distribution: tuple[tuple[int, int], ...]  # (rating, how many), 5 down to 1, zeros included
    lowest: LowestRating | None


def csat_summary(ratings: Iterable[CsatRating]) -> CsatSummary:
    rows = list(ratings)
    counts = {rating: 0 for rating in RATINGS}
    for row in rows:
        counts[row.rating] += 1
    distribution = tuple((rating, counts[rating]) for rating in RATINGS)
    if not rows:
        return CsatSummary(0, None, distribution, None)
    mean = Fraction(sum(row.rating for row in rows), len(rows))
    worst = min(rows, key=lambda row: (row.rating, not _comment(row), row.incident_id))
    return CsatSummary(len(rows), mean, distribution, LowestRating(worst.incident_id, worst.rating, _comment(worst)))


def _comment(row: CsatRating) -> str | None:
    text = (row.comment or "").strip()
    return text or None
