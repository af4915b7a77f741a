"""The charts of one digest: those that have something to show, in reading order, each ready to upload."""

from __future__ import annotations

from slabot.render.charts.burndown import burndown_chart
from slabot.render.charts.pareto import pareto_chart
from slabot.render.charts.png import RenderedChart
from slabot.render.charts.ranking import causes_pareto
from slabot.render.charts.sli import sli_chart
from slabot.render.charts.trend import trend_chart
from slabot.render.locale import Locale
from slabot.reports.weekly import DigestReport


def digest_charts(report: DigestReport, *, locale: Locale) -> list[RenderedChart]:
    """SLI vs target, the burn-downs, the Pareto of root causes and the MTTA/MTTR trend, each when it has data."""
    total = len(report.objectives)
    drawn = []
    if report.sli_panels:
        drawn.append(sli_chart(report.sli_panels, report.week, locale=locale, total=total))
    if report.burndowns:
        drawn.append(burndown_chart(report.burndowns, report.week.zone, locale=locale, total=total))
    if any(cause.minutes > 0 for cause in report.causes):
        drawn.append(pareto_chart(causes_pareto(report.causes, locale=locale), locale=locale))
    if any(week.incidents for week in report.trend):
        drawn.append(trend_chart(report.trend, locale=locale))
    return drawn
