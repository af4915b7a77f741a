"""The digest's four charts: what each figure draws (read back from its Axes and artists), the Pareto
arithmetic, alt texts, PNG output, CJK labels, and that neither pyplot nor any private matplotlib name is used.

Each panel is an Axes labelled with its objective; its artists carry a gid saying what they are ("sli",
"target", "bar", …), in data units (percent; matplotlib date numbers for time).
"""

from __future__ import annotations

import ast
import io
import math
import subprocess
import sys
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from matplotlib import dates as mdates
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image

from slabot.render.charts import burndown, pareto, ranking, sli, trend
from slabot.render.charts import style as chart_style
from slabot.render.charts.alt_text import pareto_alt, sli_alt
from slabot.render.charts.png import RenderedChart, to_png
from slabot.render.charts.ranking import Pareto, ParetoItem, ParetoUnit
from slabot.reports.chart_data import BurnDown, IncidentMarker, SliPanel, WeekTimes
from slabot.reports.schedule import Week

ROOT = Path(__file__).resolve().parents[2]
UTC_ZONE = ZoneInfo("UTC")
TOKYO = ZoneInfo("Asia/Tokyo")
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_TOKYO = datetime(2026, 11, 15, 15, tzinfo=UTC)  # Monday 16 Nov 2026, 00:00 in Tokyo
WEEK = Week(date(2026, 11, 16), TOKYO)
PERIOD = "2026-W47 (16–22 Nov 2026)"
F = Fraction


# reading figures back


def artists(figure: Figure, gid: str, panel: str | None = None) -> list[Any]:
    """The artists with this gid, in drawing order (of the panel with this label, if given)."""
    found = figure.findobj(lambda artist: artist.get_gid() == gid)
    return [a for a in found if panel is None or (a.axes is not None and a.axes.get_label() == panel)]


def one(figure: Figure, gid: str, panel: str | None = None) -> Any:
    found = artists(figure, gid, panel)
    assert len(found) == 1, f"{len(found)} artists with gid {gid!r}"
    return found[0]


def texts(figure: Figure, gid: str) -> list[str]:
    return [cast(Text, t).get_text() for t in artists(figure, gid)]


def all_texts(figure: Figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text) if t.get_visible() and t.get_text()]


def axes_of(figure: Figure) -> list[Axes]:
    """The panels, in order (a twin's hidden x axis left out)."""
    return [ax for ax in figure.findobj(Axes) if ax.xaxis.get_visible()]


def legend_texts(figure: Figure) -> list[str]:
    return [text.get_text() for legend in figure.findobj(Legend) for text in legend.get_texts()]


def xtick_labels(figure: Figure) -> list[str]:
    """The x tick labels shown, panel by panel."""
    return [t.get_text() for ax in axes_of(figure) for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]


def xtick_at(ax: Axes, label: str) -> float:
    """Where (in data x) the tick labelled `label` sits."""
    shown = [t.get_text() for t in ax.get_xticklabels()]
    return float(ax.get_xticks()[shown.index(label)])


def ydata(line: Line2D) -> np.ndarray:
    return np.asarray(line.get_ydata(), dtype=float)


def xdata(line: Line2D) -> np.ndarray:
    return np.asarray(line.get_xdata(), dtype=float)


def pixel(artist: Artist, x: float, y: float) -> tuple[float, float]:
    """Where data (x, y) of an artist's panel lands on the figure, in pixels."""
    assert artist.axes is not None
    px, py = artist.axes.transData.transform([(x, y)])[0]
    return float(px), float(py)


def panel_box(artist: Artist) -> tuple[float, float, float, float]:
    """The pixel box (x0, y0, x1, y1) a panel's artist is clipped to."""
    box = artist.get_clip_box()
    assert box is not None
    return box.x0, box.y0, box.x1, box.y1


def num(moment: datetime) -> float:
    return float(mdates.date2num(moment))


def rendered(figure: Figure) -> Figure:
    figure.canvas.draw()
    return figure


def hours(
    values: Sequence[Fraction | None], start: datetime = MONDAY_TOKYO
) -> tuple[tuple[datetime, Fraction | None], ...]:
    return tuple((start + timedelta(hours=i), v) for i, v in enumerate(values))


def week_of(value: Fraction | None = None) -> tuple[tuple[datetime, Fraction | None], ...]:
    """A week of hourly points, all at value (100% by default)."""
    return hours([F(1) if value is None else value] * 168)


def panel(label: str, target: Fraction, points: tuple[tuple[datetime, Fraction | None], ...]) -> SliPanel:
    service, _, objective = label.partition("/")
    return SliPanel(service, objective, target, points)


def message(figure: Figure) -> str:
    return cast(Text, one(figure, "message")).get_text()


def draw_sli(panels: Sequence[SliPanel], week: Week = WEEK, total: int | None = None) -> Figure:
    return sli.draw_sli(panels, week, locale="en", total=total)


# 1. SLI vs target


def test_sli_line_is_the_hourly_sli_in_percent_with_gaps_for_missing_hours() -> None:
    data = panel("checkout/availability", F(999, 1000), hours([F(1), F(999, 1000), None, F(98, 100), F(1)]))
    figure = draw_sli([data])
    line = one(figure, "sli")
    np.testing.assert_allclose(ydata(line), [100, 99.9, math.nan, 98, 100])
    np.testing.assert_allclose(xdata(line), [num(moment) for moment, _ in data.points])
    target = one(figure, "target")
    np.testing.assert_allclose(ydata(target), [99.9, 99.9])
    assert target.get_linestyle() == "--"
    assert target.axes is line.axes and line.axes.get_label() == "checkout/availability"


def test_sli_target_of_99_9_stands_clear_of_100_percent() -> None:
    figure = draw_sli([panel("a/b", F(999, 1000), week_of(F(1)))])
    line = one(figure, "sli")
    _, y0, _, y1 = panel_box(line)
    _, at_target = pixel(line, 0, 99.9)
    _, at_full = pixel(line, 0, 100)
    assert y0 < at_target < at_full < y1
    assert at_full - at_target > (y1 - y0) / 2  # zoomed: the gap takes most of the panel's height


def test_sli_axis_shows_a_modest_dip_whole_and_never_goes_below_zero() -> None:
    figure = draw_sli([panel("a/b", F(999, 1000), hours([F(1), F(997, 1000), F(1)]))])
    line = one(figure, "sli")
    _, y0, _, y1 = panel_box(line)
    assert y0 < pixel(line, 0, 99.7)[1] < pixel(line, 0, 99.9)[1] < y1
    assert artists(figure, "sli-lowest") == []
    low_target = draw_sli([panel("a/b", F(1, 2), hours([F(1), F(1, 100), F(1)]))])
    line = one(low_target, "sli")
    _, y0, _, _ = panel_box(line)
    assert pixel(line, 0, 0)[1] == pytest.approx(y0)  # the axis starts at 0, not below
    assert line.axes.get_ylim()[0] == 0
    assert pixel(line, 0, 1)[1] > y0


def test_sli_deep_dip_is_cut_at_the_bottom_and_its_lowest_value_written_there() -> None:
    figure = draw_sli([panel("a/b", F(999, 1000), hours([F(1), F(952, 1000), F(1)]))])
    line = one(figure, "sli")
    _, y0, _, y1 = panel_box(line)
    assert pixel(line, 0, 95.2)[1] < y0  # below the panel: the target keeps its distance from 100%
    assert pixel(line, 0, 99.9)[1] - y0 > (y1 - y0) / 2
    assert texts(figure, "sli-lowest") == ["min 95.2%"]


def test_sli_fill_marks_the_hours_below_target_only() -> None:
    dips = panel("dips/x", F(999, 1000), hours([F(1), F(99, 100), F(97, 100), F(1), None, F(1)]))
    clean = panel("clean/x", F(999, 1000), week_of())
    figure = draw_sli([dips, clean])
    (fill,) = artists(figure, "below-target")
    assert isinstance(fill, PolyCollection)
    assert fill.axes is not None and fill.axes.get_label() == "dips/x"
    vertices = np.concatenate([path.vertices for path in fill.get_paths()])
    assert vertices[:, 1].min() == pytest.approx(97)
    assert vertices[:, 1].max() == pytest.approx(99.9)


def test_sli_hour_between_gaps_is_drawn_as_a_point() -> None:
    figure = draw_sli([panel("a/b", F(999, 1000), hours([None, F(995, 1000), None]))])
    np.testing.assert_allclose(ydata(one(figure, "sli-points")), [99.5])


def test_sli_without_data_says_so_in_its_panel() -> None:
    figure = draw_sli([panel("a/b", F(999, 1000), hours([None, None]))])
    assert texts(figure, "no-data") == ["no data"]


def test_sli_titles_and_day_labels_in_the_zone() -> None:
    panels = [panel(f"svc-{i}/availability", F(999, 1000), week_of()) for i in range(3)]
    figure = draw_sli(panels, total=100)
    assert texts(figure, "title") == [f"SLI vs target, {PERIOD}: 3 of 100 objectives, lowest first"]
    assert texts(figure, "panel-title") == [f"svc-{i}/availability" for i in range(3)]
    assert [ax.get_label() for ax in axes_of(figure)] == [f"svc-{i}/availability" for i in range(3)]
    assert xtick_labels(figure) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] * 3
    assert any("Asia/Tokyo" in text for text in all_texts(figure))
    # Monday's label sits at noon in Tokyo: 12 hours into the week drawn
    ax = one(figure, "sli", "svc-0/availability").axes
    assert xtick_at(ax, "Mon") == pytest.approx(num(MONDAY_TOKYO + timedelta(hours=12)))


def test_sli_day_labels_follow_the_zone_not_utc() -> None:
    # The same UTC hours drawn in UTC: Monday noon is 21 hours after the first point (15:00 UTC Sunday).
    figure = draw_sli([panel("a/b", F(999, 1000), week_of())], Week(date(2026, 11, 16), UTC_ZONE))
    ax = one(figure, "sli").axes
    assert xtick_labels(figure)[0] == "Mon 16"
    assert xtick_at(ax, "Mon 16") == pytest.approx(num(MONDAY_TOKYO + timedelta(hours=21)))


def test_sli_title_without_total_counts_the_panels() -> None:
    figure = draw_sli([panel("a/b", F(999, 1000), week_of())], total=1)
    assert texts(figure, "title") == [f"SLI vs target, {PERIOD}: 1 objective"]


def test_sli_twelve_panels_in_a_grid_with_day_labels_only_under_the_bottom_row() -> None:
    panels = [panel(f"s{i}/a", F(999, 1000), week_of()) for i in range(12)]
    figure = draw_sli(panels, total=40)
    boxes = {panel_box(one(figure, "sli", f"s{i}/a")) for i in range(12)}
    assert len({(x0, x1) for x0, _, x1, _ in boxes}) == 4
    assert len({(y0, y1) for _, y0, _, y1 in boxes}) == 3
    assert len(xtick_labels(figure)) == 4 * 7


def test_sli_without_panels_says_so() -> None:
    assert message(draw_sli([])) == "No objectives to show"


# 2. Error budget burn-down


def burn(label: str = "checkout/availability", **changes: Any) -> BurnDown:
    start = datetime(2026, 10, 24, tzinfo=UTC)
    service, _, objective = label.partition("/")
    values: dict[str, Any] = {
        "service": service,
        "objective": objective,
        "window_start": start,
        "window_end": start + timedelta(days=30),
        "points": tuple((start + timedelta(days=d), F(100 - 8 * d, 100)) for d in range(0, 21)),  # ends at -60%
        "incidents": (
            IncidentMarker(start + timedelta(days=3), 12, 2),
            IncidentMarker(start + timedelta(days=15), 19, 1),
        ),
    }
    values.update(changes)
    return BurnDown(**values)


def draw_burndown(burndowns: Sequence[BurnDown], total: int | None = None) -> Figure:
    return burndown.draw_burndown(burndowns, BERLIN, locale="en", total=total)


def test_burndown_draws_budget_left_in_percent_including_overspend() -> None:
    figure = draw_burndown([burn()])
    line = one(figure, "budget")
    assert ydata(line)[0] == 100
    assert ydata(line)[-1] == pytest.approx(-60)
    _, y0, _, y1 = panel_box(line)
    assert y0 < pixel(line, 0, -60)[1] < pixel(line, 0, 0)[1] < y1  # below zero, and inside the panel
    assert texts(figure, "budget-now-label") == ["-60%"]


def test_burndown_ideal_line_runs_from_full_at_the_start_to_empty_at_the_end() -> None:
    data = burn()
    figure = draw_burndown([data])
    ideal = one(figure, "ideal")
    np.testing.assert_allclose(xdata(ideal), [num(data.window_start), num(data.window_end)])
    np.testing.assert_allclose(ydata(ideal), [100, 0])
    # the points stop before the window's end; the panel spans the whole window
    assert pixel(ideal, num(data.window_end), 0)[0] == pytest.approx(panel_box(ideal)[2])


def test_burndown_threshold_lines_are_drawn_and_labelled() -> None:
    figure = rendered(draw_burndown([burn()]))
    levels = sorted(ydata(line)[0] for line in artists(figure, "threshold"))
    assert levels == [0, 25, 50]
    ax = one(figure, "budget").axes
    labels = [t for t in ax.get_yticklabels() if t.get_visible()]
    threshold_labels = [t.get_text() for t in labels if to_hex(t.get_color()) == chart_style.THRESHOLD.lower()]
    assert sorted(threshold_labels) == ["0%", "25%", "50%"]
    assert "100%" in [t.get_text() for t in labels]


def test_burndown_marks_each_incident_with_a_line_a_triangle_and_its_label() -> None:
    data = burn()
    figure = draw_burndown([data])
    at = [num(marker.at) for marker in data.incidents]
    lines = one(figure, "incidents")
    assert isinstance(lines, LineCollection)
    assert [segment[0][0] for segment in lines.get_segments()] == pytest.approx(at)
    np.testing.assert_allclose(xdata(one(figure, "incident-markers")), at)
    assert texts(figure, "incident-label") == ["#12 sev2", "#19 sev1"]


def test_burndown_crowded_incidents_keep_their_markers_and_labels_do_not_overlap() -> None:
    data = burn()
    crowded = tuple(IncidentMarker(data.window_start + timedelta(days=10, hours=h), h, 3) for h in range(10))
    figure = rendered(draw_burndown([burn(incidents=crowded)]))
    assert len(one(figure, "incident-markers").get_xdata()) == 10
    labels = artists(figure, "incident-label")
    assert 1 <= len(labels) <= 2
    boxes = [label.get_window_extent() for label in labels]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    _, y0, _, _ = panel_box(one(figure, "budget"))
    assert all(box.y0 >= y0 for box in boxes)  # inside the panel, above its bottom edge


def test_burndown_date_labels_at_local_midnights() -> None:
    figure = draw_burndown([burn()])
    assert xtick_labels(figure) == ["1 Nov", "8 Nov", "15 Nov", "22 Nov"]
    ax = one(figure, "ideal").axes
    assert xtick_at(ax, "1 Nov") == pytest.approx(num(datetime(2026, 11, 1, tzinfo=BERLIN)))


def test_burndown_titles_and_empty_case() -> None:
    figure = draw_burndown([burn("a/x"), burn("b/y")], total=100)
    assert texts(figure, "title") == [
        "Error budget left over each objective's window: 2 of 100 objectives, most at risk first"
    ]
    assert texts(figure, "panel-title") == ["a/x", "b/y"]
    assert message(draw_burndown([])) == "No error budgets to show"


# 3. Pareto


def items(*values: int | Fraction, labels: str = "abcdefghijklmnopqrstuvwxyz") -> list[ParetoItem]:
    return [ParetoItem(labels[i], F(v)) for i, v in enumerate(values)]


def test_pareto_rows_sort_largest_first_with_exact_cumulative_shares() -> None:
    rows = ranking.pareto_rows(items(5, 30, 5, 50, 10))
    assert [(item.label, item.value) for item, _ in rows] == [("d", 50), ("b", 30), ("e", 10), ("a", 5), ("c", 5)]
    assert [share for _, share in rows] == [F(1, 2), F(4, 5), F(9, 10), F(19, 20), F(1)]
    assert ranking.vital_few(items(50, 30, 10, 5, 5)) == 2


def test_pareto_ties_are_ordered_by_label() -> None:
    rows = ranking.pareto_rows([ParetoItem("zeta", F(3)), ParetoItem("alpha", F(3)), ParetoItem("mid", F(3))])
    assert [item.label for item, _ in rows] == ["alpha", "mid", "zeta"]
    assert [share for _, share in rows] == [F(1, 3), F(2, 3), F(1)]
    assert ranking.vital_few([ParetoItem("zeta", F(3)), ParetoItem("alpha", F(3)), ParetoItem("mid", F(3))]) == 3


@pytest.mark.parametrize(
    ("values", "expected"),
    [((80, 20), 1), ((79, 21), 2), ((100,), 1), ((1, 1, 1, 1, 1), 4), ((0, 0), 0), ((), 0)],
)
def test_vital_few_counts_the_causes_that_reach_80_percent(values: tuple[int, ...], expected: int) -> None:
    assert ranking.vital_few(items(*values)) == expected


def test_pareto_rows_with_a_zero_total_have_zero_shares() -> None:
    assert [share for _, share in ranking.pareto_rows(items(0, 0))] == [0, 0]
    assert ranking.pareto_rows([]) == []


def causes(*values: int, unit: ParetoUnit = ParetoUnit.MINUTES) -> Pareto:
    return Pareto("Bad time by objective", unit, tuple(items(*values)))


def draw_pareto(data: Pareto) -> Figure:
    return pareto.draw_pareto(data, locale="en")


def test_pareto_bars_cumulative_line_and_80_percent_mark() -> None:
    figure = draw_pareto(causes(5, 30, 5, 50, 10))
    bars = artists(figure, "bar")
    assert all(isinstance(bar, Rectangle) for bar in bars)
    assert [bar.get_height() for bar in bars] == [50, 30, 10, 5, 5]
    assert xtick_labels(figure) == ["d", "b", "e", "a", "c"]
    cumulative = one(figure, "cumulative")
    np.testing.assert_allclose(ydata(cumulative), [50, 80, 90, 95, 100])
    mark = one(figure, "mark80")
    np.testing.assert_allclose(ydata(mark), [80, 80])
    assert mark.axes is cumulative.axes is not bars[0].axes  # on the cumulative share's own scale (twinx)
    assert mark.axes.get_ylim() == (0, 105)
    _, y0, _, y1 = panel_box(mark)
    assert pixel(mark, 0, 80)[1] == pytest.approx(y0 + (y1 - y0) * 80 / 105)
    assert [t.get_text() for t in mark.axes.get_yticklabels()] == ["0%", "20%", "40%", "60%", "80%", "100%"]


def test_pareto_highlights_the_bars_left_of_the_80_percent_mark() -> None:
    figure = draw_pareto(causes(5, 30, 5, 50, 10))
    colours = [to_hex(bar.get_facecolor()) for bar in artists(figure, "bar")]
    vital, other = chart_style.BAR_VITAL.lower(), chart_style.BAR.lower()
    assert colours == [vital, vital, other, other, other]
    assert "Vital few: 2 reach 80%" in legend_texts(figure)


def test_pareto_caps_the_bars_and_merges_the_rest_into_other() -> None:
    values = list(range(150, 0, -10))  # 15 causes: 150, 140, …, 10
    figure = draw_pareto(causes(*values))
    bars = artists(figure, "bar")
    assert len(bars) == ranking.MAX_BARS == 10
    assert [bar.get_height() for bar in bars[:9]] == values[:9]
    assert bars[-1].get_height() == sum(values[9:])
    assert xtick_labels(figure)[-1] == "Other (6)"
    assert ydata(one(figure, "cumulative"))[-1] == pytest.approx(100)
    assert len(ranking.pareto_rows(items(*values))) == 15  # the rows stay uncapped


def test_pareto_wraps_long_labels_and_labels_its_axes() -> None:
    long = "payments-gateway-europe/latency-p99-checkout"
    figure = draw_pareto(Pareto("Bad time by objective", ParetoUnit.MINUTES, (ParetoItem(long, F(3)),)))
    (label,) = xtick_labels(figure)
    assert "\n" in label
    assert label.replace("\n", "") == long
    assert texts(figure, "title") == ["Bad time by objective"]
    shown = all_texts(figure)
    assert "Minutes" in shown and "Cumulative share (%)" in shown
    assert texts(figure, "bar-label") == ["3 min"]


def test_pareto_of_counts_has_whole_number_ticks_and_singular_units() -> None:
    figure = draw_pareto(causes(3, 1, unit=ParetoUnit.INCIDENTS))
    assert texts(figure, "bar-label") == ["3 incidents", "1 incident"]
    left = artists(figure, "bar")[0].axes.get_yticklabels()  # the right axis is in %
    assert left and all(float(label.get_text()).is_integer() for label in left)
    assert "Incidents" in all_texts(figure)


@pytest.mark.parametrize("values", [(), (0, 0)])
def test_pareto_with_nothing_recorded_says_so(values: tuple[int, ...]) -> None:
    assert message(draw_pareto(causes(*values))) == "Nothing recorded: no causes to rank"


# 4. MTTA / MTTR trend


def week(label: str, incidents: int, *seconds: int | None) -> WeekTimes:
    """A week of 2026 by its label ("W40"): its incidents and MTTA, MTTA p90, MTTR, MTTR p90 in seconds."""
    mtta, mtta90, mttr, mttr90 = (None if s is None else F(s) for s in seconds)
    return WeekTimes(date.fromisocalendar(2026, int(label[1:]), 1), incidents, mtta, mtta90, mttr, mttr90)


def weeks() -> list[WeekTimes]:
    return [
        week("W40", 3, 300, 900, 3 * 3600, 5 * 3600),
        week("W41", 0, None, None, None, None),
        week("W42", 2, 600, 1500, 2 * 3600, 9 * 3600),
    ]


def draw_trend(data: Sequence[WeekTimes]) -> Figure:
    return trend.draw_trend(data, locale="en")


def test_trend_lines_in_minutes_and_hours_with_gaps() -> None:
    figure = draw_trend(weeks())
    np.testing.assert_allclose(ydata(one(figure, "mtta-median")), [5, math.nan, 10])
    np.testing.assert_allclose(ydata(one(figure, "mtta-p90")), [15, math.nan, 25])
    np.testing.assert_allclose(ydata(one(figure, "mttr-median")), [3, math.nan, 2])
    np.testing.assert_allclose(ydata(one(figure, "mttr-p90")), [5, math.nan, 9])
    shown = all_texts(figure)
    assert "Minutes" in shown and "Hours" in shown
    assert one(figure, "mtta-median").axes is not one(figure, "mttr-median").axes  # two panels


def test_trend_p90_is_dashed_in_its_medians_colour() -> None:
    figure = draw_trend(weeks())
    for name in ("mtta", "mttr"):
        median, p90 = one(figure, f"{name}-median"), one(figure, f"{name}-p90")
        assert median.get_linestyle() == "-" and p90.get_linestyle() == "--"
        assert median.get_color() == p90.get_color()
    assert one(figure, "mtta-median").get_color() != one(figure, "mttr-median").get_color()


def test_trend_week_labels_carry_the_incident_counts_and_days_are_used_for_long_times() -> None:
    data = [week("W40", 1, 60, 60, 4 * 86400, 5 * 86400), week("W41", 7, 120, 240, 86400, 2 * 86400)]
    figure = draw_trend(data)
    assert xtick_labels(figure) == ["W40\n(1)", "W41\n(7)"] * 2
    np.testing.assert_allclose(ydata(one(figure, "mttr-median")), [4, 1])
    assert "Days" in all_texts(figure)


def test_trend_without_times_says_why() -> None:
    quiet = [week(f"W{i}", 0, None, None, None, None) for i in range(10, 18)]
    assert message(draw_trend(quiet)) == "No incidents in the last 8 weeks"
    open_only = [*quiet[:7], week("W17", 2, None, None, None, None)]
    assert message(draw_trend(open_only)) == "No incident acknowledged or resolved in the last 8 weeks"
    assert message(draw_trend([])) == "No weeks to show"


# every chart


def all_figures() -> dict[str, Figure]:
    """Each kind of chart, drawn from data that fills it."""
    panels = [panel(f"svc-{i}/availability", F(999, 1000), week_of(F(9995, 10000))) for i in range(12)]
    return {
        "sli": draw_sli(panels, total=30),
        "burndown": draw_burndown([burn(f"b{i}/x") for i in range(6)]),
        "pareto": draw_pareto(causes(*range(15, 0, -1))),
        "trend": draw_trend(weeks()),
        "empty": draw_trend([]),
    }


@pytest.fixture(scope="module")
def every_chart() -> dict[str, tuple[Figure, bytes]]:
    """all_figures, drawn once for the module, each with the PNG to_png made of it (which renders it)."""
    return {name: (figure, to_png(figure)) for name, figure in all_figures().items()}


def test_every_text_is_at_least_10_points_and_the_figure_is_1000_by_560(
    every_chart: dict[str, tuple[Figure, bytes]],
) -> None:
    for name, (figure, _) in every_chart.items():
        assert (figure.bbox.width, figure.bbox.height) == (1000, 560), name
        shown = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text()]
        assert shown and min(float(t.get_fontsize()) for t in shown) >= 10, name


def test_to_png_is_a_png_of_the_preview_size(every_chart: dict[str, tuple[Figure, bytes]]) -> None:
    for name, (_, png) in every_chart.items():
        assert png.startswith(b"\x89PNG\r\n\x1a\n"), name
        with Image.open(io.BytesIO(png)) as image:
            assert image.size == (1000, 560), name


def test_rendered_charts_have_their_filenames_titles_and_alt_texts() -> None:
    data = [panel("checkout/availability", F(999, 1000), hours([F(1), F(975, 1000), F(998, 1000)]))]
    chart = sli.sli_chart(data, WEEK, locale="en")
    assert (chart.filename, chart.title) == ("sli.png", f"SLI vs target, {PERIOD}")
    assert "checkout/availability: lowest 97.5%, target 99.9%, below target in 2 of 3 hours" in chart.alt_text
    assert PERIOD in chart.alt_text and "Asia/Tokyo" in chart.alt_text

    down = burndown.burndown_chart([burn()], BERLIN, locale="en", total=5)
    assert down.filename == "burndown.png"
    assert "checkout/availability: -60.0% left on 13 Nov (ideal 33.3%), 2 incidents." in down.alt_text
    assert "1 of 5 objectives" in down.alt_text

    ranked = pareto.pareto_chart(causes(60, 30, 10), locale="en")
    assert ranked.filename == "pareto.png" and ranked.title == "Bad time by objective"
    assert ranked.alt_text == (
        "Pareto of bad time by objective, 100 min in all: a 60 min (60%), b 30 min (30%), c 10 min (10%);"
        " 2 of 3 causes make up 80% of the total."
    )

    times = trend.trend_chart(weeks(), locale="en")
    assert times.filename == "trend.png"
    assert "W40: 3 incidents, MTTA 5m (p90 15m), MTTR 3h (p90 5h)" in times.alt_text
    assert "W41: no incidents" in times.alt_text
    for each in (chart, down, ranked, times):
        assert isinstance(each, RenderedChart) and each.png.startswith(b"\x89PNG")


def test_alt_text_stays_within_1000_characters_and_says_what_was_left_out() -> None:
    panels = [
        panel(f"a-rather-long-service-name-{i}/availability-of-the-public-api", F(999, 1000), week_of(F(99, 100)))
        for i in range(12)
    ]
    alt = sli_alt(panels, WEEK, 100, locale="en")
    assert len(alt) <= 1000
    assert alt.startswith("Hourly SLI vs target") and "more." in alt and alt.endswith("Times in Asia/Tokyo.")
    many = Pareto(
        "Bad time by objective",
        ParetoUnit.MINUTES,
        tuple(ParetoItem(f"cause-number-{i:03d}", F(i + 1)) for i in range(200)),
    )
    alt = pareto_alt(many, locale="en")
    assert len(alt) <= 1000 and alt.endswith("make up 80% of the total.")


def test_charts_render_in_parallel_threads() -> None:
    with ThreadPoolExecutor(4) as pool:
        pngs = list(pool.map(lambda _: trend.trend_chart(weeks(), locale="en").png, range(4)))
    assert len(set(pngs)) == 1 and pngs[0].startswith(b"\x89PNG")


@pytest.mark.slow
def test_the_charts_never_import_pyplot() -> None:
    script = (
        "import sys\n"
        "from tests.unit.test_charts import all_figures\n"
        "from slabot.render.charts.png import to_png\n"
        "for figure in all_figures().values():\n"
        "    to_png(figure)\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# no private matplotlib names


def private_uses(source: str) -> list[str]:
    """What in a module reaches into matplotlib's private names: an underscore module or name imported from
    matplotlib; in a module that imports matplotlib, any `._name` attribute (matplotlib's objects cannot be
    told from others by reading), getattr/hasattr/setattr of a "_name", or a `_name` method overridden in a
    class (a subclass of a matplotlib class would be replacing its internals)."""
    tree = ast.parse(source)
    found: list[str] = []
    uses_matplotlib = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "matplotlib":
                    uses_matplotlib = True
                    found += [f"imports {alias.name}" for part in alias.name.split(".") if part.startswith("_")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "matplotlib":
            uses_matplotlib = True
            if any(part.startswith("_") for part in (node.module or "").split(".")):
                found.append(f"imports from {node.module}")
            found += [f"imports {alias.name} from {node.module}" for alias in node.names if alias.name.startswith("_")]
    if not uses_matplotlib:
        return found

    def private(name: str) -> bool:
        return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr):
            found.append(f"uses .{node.attr} at line {node.lineno}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr", "setattr", "delattr")
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and private(node.args[1].value)
        ):
            found.append(f"{node.func.id}(…, {node.args[1].value!r}) at line {node.lineno}")
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and private(item.name):
                    found.append(f"defines {node.name}.{item.name} at line {item.lineno}")
    return found


def test_no_module_uses_a_private_matplotlib_name() -> None:
    offenders = {
        str(path.relative_to(ROOT)): uses
        for path in sorted((ROOT / "slabot").rglob("*.py"))
        if (uses := private_uses(path.read_text()))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "source",
    [
        "from matplotlib.backends.backend_agg import _RendererAgg",
        "from matplotlib._api import check_in_list",
        "import matplotlib._path",
        "from matplotlib import font_manager\npaths = font_manager.fontManager._find_fonts_by_props(prop)",
        "from matplotlib.figure import Figure\nkey = figure.canvas._lastKey",
        "import matplotlib\nFAST = hasattr(matplotlib.backends.backend_agg.RendererAgg, '_draw_text_glyphs_and_boxes')",
        "from matplotlib.backends.backend_agg import RendererAgg\n"
        "class Fast(RendererAgg):\n    def _set_text(self, text): ...",
    ],
)
def test_the_private_name_check_catches_what_it_looks_for(source: str) -> None:
    assert private_uses(source)


def test_the_private_name_check_leaves_other_code_alone() -> None:
    assert private_uses("class Worker:\n    def _post(self): self._lease = 1") == []  # no matplotlib
    assert private_uses("from matplotlib.figure import Figure\nFigure.__init__") == []


# fonts


def test_cjk_family_is_picked_from_the_known_candidates() -> None:
    assert chart_style.first_cjk(["DejaVu Sans", "WenQuanYi Zen Hei", "Noto Sans CJK JP"]) == "Noto Sans CJK JP"
    assert chart_style.first_cjk(["DejaVu Sans", "Liberation Sans"]) is None


def test_without_a_cjk_font_texts_use_dejavu_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chart_style, "cjk_family", lambda: None)
    assert chart_style.families() == ["DejaVu Sans"]


CJK_LABEL = "支付服务/可用性"


def fallback_chain(text: Text) -> list[Any]:
    """The fonts a text's family list resolves to, in order: matplotlib draws each glyph with the first of
    them that has it."""
    prop = text.get_fontproperties()
    chain = []
    for family in prop.get_family():
        each = FontProperties(family=family, style=prop.get_style(), weight=prop.get_weight(), size=prop.get_size())
        chain.append(font_manager.get_font(font_manager.findfont(each, fallback_to_default=False)))
    return chain


@pytest.mark.skipif(
    chart_style.cjk_family() is None, reason="no CJK font installed (Debian: apt-get install fonts-noto-cjk)"
)
def test_cjk_labels_render_with_the_cjk_font_and_no_missing_glyphs() -> None:
    figures = [
        draw_sli([panel(CJK_LABEL, F(999, 1000), week_of())]),
        draw_burndown([burn(CJK_LABEL)]),
        draw_pareto(Pareto("按根因统计的不良时间", ParetoUnit.MINUTES, (ParetoItem(CJK_LABEL, F(5)),))),
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for figure in figures:
            to_png(figure)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []
    panel_title = next(t for t in figures[0].findobj(Text) if t.get_text() == CJK_LABEL)
    glyph_font = next(f for f in fallback_chain(panel_title) if ord("支") in f.get_charmap())
    assert glyph_font.family_name == chart_style.cjk_family()
    latin_font = next(f for f in fallback_chain(panel_title) if ord("/") in f.get_charmap())
    assert latin_font.family_name == "DejaVu Sans"
    tick = next(t for t in figures[2].findobj(Text) if t.get_text() == chart_style.wrap(CJK_LABEL, 30))
    assert tick.get_fontproperties().get_family() == chart_style.families()  # tick labels fall back too


def test_without_the_fallback_a_cjk_label_would_miss_glyphs() -> None:
    """The check above can fail: DejaVu Sans alone warns about the missing CJK glyphs."""
    figure = Figure()
    FigureCanvasAgg(figure)
    figure.text(0.1, 0.5, CJK_LABEL, fontfamily=["DejaVu Sans"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.canvas.draw()
    assert any("missing from" in str(w.message) for w in caught)
