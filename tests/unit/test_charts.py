"""The digest's four charts: what each figure draws (read back from its artists), the Pareto arithmetic,
alt texts, PNG output, CJK labels, and that no pyplot (global state) is involved.

Panels are chart_canvas panels, not Axes: their artists sit on the figure with a gid saying what they are
("sli", "target", "bar", …) and a label naming their panel, in chart units (percent, days since 1970).
"""

from __future__ import annotations

import io
import math
import subprocess
import sys
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image

from slabot.reports.chart_data import (
    BurnDown,
    IncidentMarker,
    Pareto,
    ParetoItem,
    RenderedChart,
    SliPanel,
    WeekTimes,
)
from slabot.reports.charts import agg as chart_agg
from slabot.reports.charts import figures as charts
from slabot.reports.charts import style as chart_style

ROOT = Path(__file__).resolve().parents[2]
UTC_ZONE = ZoneInfo("UTC")
TOKYO = ZoneInfo("Asia/Tokyo")
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_TOKYO = datetime(2026, 11, 15, 15, tzinfo=UTC)  # Monday 16 Nov 2026, 00:00 in Tokyo
PERIOD = "2026-W47 (16–22 Nov 2026)"
F = Fraction


# reading figures back


def artists(figure: Figure, gid: str, panel: str | None = None) -> list[Any]:
    found = [a for a in (*figure.artists, *figure.texts, *figure.lines, *figure.patches) if a.get_gid() == gid]
    return [a for a in found if panel is None or a.get_label() == panel]


def one(figure: Figure, gid: str, panel: str | None = None) -> Any:
    found = artists(figure, gid, panel)
    assert len(found) == 1, f"{len(found)} artists with gid {gid!r}"
    return found[0]


def texts(figure: Figure, gid: str) -> list[str]:
    return [cast(Text, t).get_text() for t in artists(figure, gid)]


def ydata(line: Line2D) -> np.ndarray:
    return np.asarray(line.get_ydata(), dtype=float)


def pixel(artist: Artist, x: float, y: float) -> tuple[float, float]:
    """Where data (x, y) of an artist's panel lands on the figure, in pixels."""
    px, py = artist.get_transform().transform([(x, y)])[0]
    return float(px), float(py)


def panel_box(artist: Artist) -> tuple[float, float, float, float]:
    """The pixel box (x0, y0, x1, y1) a panel's artist is clipped to."""
    box = artist.get_clip_box()
    assert box is not None
    return box.x0, box.y0, box.x1, box.y1


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


def message(figure: Figure) -> str:
    return cast(Text, one(figure, "message")).get_text()


# 1. SLI vs target


def test_sli_line_is_the_hourly_sli_in_percent_with_gaps_for_missing_hours() -> None:
    panel = SliPanel("checkout/availability", F(999, 1000), hours([F(1), F(999, 1000), None, F(98, 100), F(1)]))
    figure = charts.draw_sli([panel], PERIOD, TOKYO)
    line = one(figure, "sli")
    np.testing.assert_allclose(ydata(line), [100, 99.9, math.nan, 98, 100])
    expected_x = [chart_style.to_num(moment) for moment, _ in panel.points]
    np.testing.assert_allclose(np.asarray(line.get_xdata(), dtype=float), expected_x)
    target = one(figure, "target")
    np.testing.assert_allclose(ydata(target), [99.9, 99.9])
    assert target.get_linestyle() == "--"


def test_sli_target_of_99_9_stands_clear_of_100_percent() -> None:
    figure = charts.draw_sli([SliPanel("a/b", F(999, 1000), week_of(F(1)))], PERIOD, TOKYO)
    line = one(figure, "sli")
    _, y0, _, y1 = panel_box(line)
    _, at_target = pixel(line, 0, 99.9)
    _, at_full = pixel(line, 0, 100)
    assert y0 < at_target < at_full < y1
    assert at_full - at_target > (y1 - y0) / 2  # zoomed: the gap takes most of the panel's height


def test_sli_axis_shows_a_modest_dip_whole_and_never_goes_below_zero() -> None:
    figure = charts.draw_sli([SliPanel("a/b", F(999, 1000), hours([F(1), F(997, 1000), F(1)]))], PERIOD, TOKYO)
    line = one(figure, "sli")
    _, y0, _, y1 = panel_box(line)
    assert y0 < pixel(line, 0, 99.7)[1] < pixel(line, 0, 99.9)[1] < y1
    assert artists(figure, "sli-lowest") == []
    low_target = charts.draw_sli([SliPanel("a/b", F(1, 2), hours([F(1), F(1, 100), F(1)]))], PERIOD, TOKYO)
    line = one(low_target, "sli")
    _, y0, _, _ = panel_box(line)
    assert pixel(line, 0, 0)[1] == pytest.approx(y0)  # the axis starts at 0, not below
    assert pixel(line, 0, 1)[1] > y0


def test_sli_deep_dip_is_cut_at_the_bottom_and_its_lowest_value_written_there() -> None:
    panel = SliPanel("a/b", F(999, 1000), hours([F(1), F(952, 1000), F(1)]))
    figure = charts.draw_sli([panel], PERIOD, TOKYO)
    line = one(figure, "sli")
    _, y0, _, y1 = panel_box(line)
    assert pixel(line, 0, 95.2)[1] < y0  # below the panel: the target keeps its distance from 100%
    assert pixel(line, 0, 99.9)[1] - y0 > (y1 - y0) / 2
    assert texts(figure, "sli-lowest") == ["min 95.2%"]


def test_sli_fill_marks_the_hours_below_target_only() -> None:
    dips = SliPanel("dips", F(999, 1000), hours([F(1), F(99, 100), F(97, 100), F(1), None, F(1)]))
    clean = SliPanel("clean", F(999, 1000), week_of())
    figure = charts.draw_sli([dips, clean], PERIOD, TOKYO)
    (fill,) = artists(figure, "below-target")
    assert isinstance(fill, PolyCollection)
    assert fill.get_label() == "dips"
    vertices = np.concatenate([path.vertices for path in fill.get_paths()])
    assert vertices[:, 1].min() == pytest.approx(97)
    assert vertices[:, 1].max() == pytest.approx(99.9)


def test_sli_hour_between_gaps_is_drawn_as_a_point() -> None:
    figure = charts.draw_sli([SliPanel("a/b", F(999, 1000), hours([None, F(995, 1000), None]))], PERIOD, TOKYO)
    np.testing.assert_allclose(ydata(one(figure, "sli-points")), [99.5])


def test_sli_titles_and_day_labels_in_the_zone() -> None:
    panels = [SliPanel(f"svc-{i}/availability", F(999, 1000), week_of()) for i in range(3)]
    figure = charts.draw_sli(panels, PERIOD, TOKYO, total=100)
    assert texts(figure, "title") == [f"SLI vs target, {PERIOD}: 3 of 100 objectives, lowest first"]
    assert texts(figure, "panel-title") == [p.label for p in panels]
    assert texts(figure, "xtick") == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] * 3
    assert any("Asia/Tokyo" in t.get_text() for t in figure.texts)
    # Monday's label sits at noon in Tokyo: 12 hours into the week drawn
    line = one(figure, "sli", "svc-0/availability")
    monday = next(t for t in artists(figure, "xtick") if t.get_text() == "Mon")
    noon = pixel(line, chart_style.to_num(MONDAY_TOKYO + timedelta(hours=12)), 100)[0]
    assert monday.get_position()[0] * figure.bbox.width == pytest.approx(noon)


def test_sli_day_labels_follow_the_zone_not_utc() -> None:
    # The same UTC hours drawn in UTC: Monday noon is 21 hours after the first point (15:00 UTC Sunday).
    figure = charts.draw_sli([SliPanel("a/b", F(999, 1000), week_of())], PERIOD, UTC_ZONE)
    line = one(figure, "sli")
    first = cast(Text, artists(figure, "xtick")[0])
    assert first.get_text() == "Mon 16"
    noon = pixel(line, chart_style.to_num(MONDAY_TOKYO + timedelta(hours=21)), 100)[0]
    assert first.get_position()[0] * figure.bbox.width == pytest.approx(noon)


def test_sli_title_without_total_counts_the_panels() -> None:
    figure = charts.draw_sli([SliPanel("a/b", F(999, 1000), week_of())], PERIOD, TOKYO, total=1)
    assert texts(figure, "title") == [f"SLI vs target, {PERIOD}: 1 objective"]


def test_sli_twelve_panels_in_a_grid_with_day_labels_only_under_the_bottom_row() -> None:
    panels = [SliPanel(f"s{i}/a", F(999, 1000), week_of()) for i in range(12)]
    figure = charts.draw_sli(panels, PERIOD, TOKYO, total=40)
    boxes = {panel_box(one(figure, "sli", p.label)) for p in panels}
    assert len({(x0, x1) for x0, _, x1, _ in boxes}) == 4
    assert len({(y0, y1) for _, y0, _, y1 in boxes}) == 3
    assert len(texts(figure, "xtick")) == 4 * 7


def test_sli_without_panels_says_so() -> None:
    figure = charts.draw_sli([], PERIOD, TOKYO)
    assert message(figure) == "No objectives to show"


# 2. Error budget burn-down


def burn(label: str = "checkout/availability", **changes: Any) -> BurnDown:
    start = datetime(2026, 10, 24, tzinfo=UTC)
    values: dict[str, Any] = {
        "label": label,
        "window_start": start,
        "window_end": start + timedelta(days=30),
        "points": tuple((start + timedelta(days=d), F(100 - 8 * d, 100)) for d in range(0, 21)),  # ends at -60%
        "incidents": (
            IncidentMarker(start + timedelta(days=3), "#12 sev2"),
            IncidentMarker(start + timedelta(days=15), "#19 sev1"),
        ),
    }
    values.update(changes)
    return BurnDown(**values)


def test_burndown_draws_budget_left_in_percent_including_overspend() -> None:
    figure = charts.draw_burndown([burn()], BERLIN)
    line = one(figure, "budget")
    assert ydata(line)[0] == 100
    assert ydata(line)[-1] == pytest.approx(-60)
    _, y0, _, y1 = panel_box(line)
    assert y0 < pixel(line, 0, -60)[1] < pixel(line, 0, 0)[1] < y1  # below zero, and inside the panel
    assert texts(figure, "budget-now-label") == ["-60%"]


def test_burndown_ideal_line_runs_from_full_at_the_start_to_empty_at_the_end() -> None:
    data = burn()
    figure = charts.draw_burndown([data], BERLIN)
    ideal = one(figure, "ideal")
    np.testing.assert_allclose(
        np.asarray(ideal.get_xdata(), dtype=float),
        [chart_style.to_num(data.window_start), chart_style.to_num(data.window_end)],
    )
    np.testing.assert_allclose(ydata(ideal), [100, 0])
    # the points stop before the window's end; the panel spans the whole window
    assert pixel(ideal, chart_style.to_num(data.window_end), 0)[0] == pytest.approx(panel_box(ideal)[2])


def test_burndown_threshold_lines_are_drawn_and_labelled() -> None:
    figure = charts.draw_burndown([burn()], BERLIN)
    levels = sorted(ydata(line)[0] for line in artists(figure, "threshold"))
    assert levels == [0, 25, 50]
    threshold_labels = [
        t.get_text() for t in artists(figure, "ytick") if to_hex(t.get_color()) == chart_style.THRESHOLD.lower()
    ]
    assert sorted(threshold_labels) == ["0%", "25%", "50%"]


def test_burndown_marks_each_incident_with_a_line_a_triangle_and_its_label() -> None:
    data = burn()
    figure = charts.draw_burndown([data], BERLIN)
    at = [chart_style.to_num(marker.at) for marker in data.incidents]
    lines = one(figure, "incidents")
    assert isinstance(lines, LineCollection)
    assert [segment[0][0] for segment in lines.get_segments()] == pytest.approx(at)
    np.testing.assert_allclose(np.asarray(one(figure, "incident-markers").get_xdata(), dtype=float), at)
    assert texts(figure, "incident-label") == ["#12 sev2", "#19 sev1"]


def test_burndown_crowded_incidents_keep_their_markers_and_labels_do_not_overlap() -> None:
    data = burn()
    crowded = tuple(IncidentMarker(data.window_start + timedelta(days=10, hours=h), f"#{h} sev3") for h in range(10))
    figure = rendered(charts.draw_burndown([burn(incidents=crowded)], BERLIN))
    assert len(one(figure, "incident-markers").get_xdata()) == 10
    labels = artists(figure, "incident-label")
    assert 1 <= len(labels) <= 2
    boxes = [label.get_window_extent() for label in labels]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_burndown_date_labels_at_local_midnights() -> None:
    figure = charts.draw_burndown([burn()], BERLIN)
    assert texts(figure, "xtick") == ["1 Nov", "8 Nov", "15 Nov", "22 Nov"]
    first = artists(figure, "xtick")[0]
    midnight = datetime(2026, 11, 1, tzinfo=BERLIN)
    assert first.get_position()[0] * figure.bbox.width == pytest.approx(
        pixel(one(figure, "ideal"), chart_style.to_num(midnight), 0)[0]
    )


def test_burndown_titles_and_empty_case() -> None:
    figure = charts.draw_burndown([burn("a/x"), burn("b/y")], BERLIN, total=100)
    assert texts(figure, "title") == [
        "Error budget left over each objective's window: 2 of 100 objectives, most at risk first"
    ]
    assert texts(figure, "panel-title") == ["a/x", "b/y"]
    assert message(charts.draw_burndown([], BERLIN)) == "No error budgets to show"


# 3. Pareto


def items(*values: int | Fraction, labels: str = "abcdefghijklmnopqrstuvwxyz") -> list[ParetoItem]:
    return [ParetoItem(labels[i], F(v)) for i, v in enumerate(values)]


def test_pareto_rows_sort_largest_first_with_exact_cumulative_shares() -> None:
    rows = charts.pareto_rows(items(5, 30, 5, 50, 10))
    assert [(item.label, item.value) for item, _ in rows] == [("d", 50), ("b", 30), ("e", 10), ("a", 5), ("c", 5)]
    assert [share for _, share in rows] == [F(1, 2), F(4, 5), F(9, 10), F(19, 20), F(1)]
    assert charts.vital_few(items(50, 30, 10, 5, 5)) == 2


def test_pareto_ties_are_ordered_by_label() -> None:
    rows = charts.pareto_rows([ParetoItem("zeta", F(3)), ParetoItem("alpha", F(3)), ParetoItem("mid", F(3))])
    assert [item.label for item, _ in rows] == ["alpha", "mid", "zeta"]
    assert [share for _, share in rows] == [F(1, 3), F(2, 3), F(1)]
    assert charts.vital_few([ParetoItem("zeta", F(3)), ParetoItem("alpha", F(3)), ParetoItem("mid", F(3))]) == 3


@pytest.mark.parametrize(
    ("values", "expected"),
    [((80, 20), 1), ((79, 21), 2), ((100,), 1), ((1, 1, 1, 1, 1), 4), ((0, 0), 0), ((), 0)],
)
def test_vital_few_counts_the_causes_that_reach_80_percent(values: tuple[int, ...], expected: int) -> None:
    assert charts.vital_few(items(*values)) == expected


def test_pareto_rows_with_a_zero_total_have_zero_shares() -> None:
    assert [share for _, share in charts.pareto_rows(items(0, 0))] == [0, 0]
    assert charts.pareto_rows([]) == []


def pareto(*values: int, unit: str = "minutes") -> Pareto:
    return Pareto("Bad time by objective", unit, tuple(items(*values)))


def test_pareto_bars_cumulative_line_and_80_percent_mark() -> None:
    figure = charts.draw_pareto(pareto(5, 30, 5, 50, 10))
    bars = artists(figure, "bar")
    assert all(isinstance(bar, Rectangle) for bar in bars)
    assert [bar.get_height() for bar in bars] == [50, 30, 10, 5, 5]
    assert texts(figure, "xtick") == ["d", "b", "e", "a", "c"]
    np.testing.assert_allclose(ydata(one(figure, "cumulative")), [50, 80, 90, 95, 100])
    mark = one(figure, "mark80")
    np.testing.assert_allclose(ydata(mark), [80, 80])
    assert mark.get_label() == one(figure, "cumulative").get_label()  # on the cumulative share's scale
    _, y0, _, y1 = panel_box(mark)
    assert pixel(mark, 0, 80)[1] == pytest.approx(y0 + (y1 - y0) * 80 / 105)


def test_pareto_highlights_the_bars_left_of_the_80_percent_mark() -> None:
    figure = charts.draw_pareto(pareto(5, 30, 5, 50, 10))
    colours = [to_hex(bar.get_facecolor()) for bar in artists(figure, "bar")]
    vital, other = chart_style.BAR_VITAL.lower(), chart_style.BAR.lower()
    assert colours == [vital, vital, other, other, other]
    assert "Vital few: 2 reach 80%" in texts(figure, "legend")


def test_pareto_caps_the_bars_and_merges_the_rest_into_other() -> None:
    values = list(range(150, 0, -10))  # 15 causes: 150, 140, …, 10
    figure = charts.draw_pareto(pareto(*values))
    bars = artists(figure, "bar")
    assert len(bars) == charts.MAX_BARS == 10
    assert [bar.get_height() for bar in bars[:9]] == values[:9]
    assert bars[-1].get_height() == sum(values[9:])
    assert texts(figure, "xtick")[-1] == "Other (6)"
    assert ydata(one(figure, "cumulative"))[-1] == pytest.approx(100)
    assert len(charts.pareto_rows(items(*values))) == 15  # the rows stay uncapped


def test_pareto_wraps_long_labels_and_labels_its_axes() -> None:
    long = "payments-gateway-europe/latency-p99-checkout"
    figure = charts.draw_pareto(Pareto("Bad time by objective", "minutes", (ParetoItem(long, F(3)),) * 1))
    (label,) = texts(figure, "xtick")
    assert "\n" in label
    assert label.replace("\n", "") == long
    assert texts(figure, "title") == ["Bad time by objective"]
    all_texts = [t.get_text() for t in figure.texts]
    assert "Minutes" in all_texts and "Cumulative share (%)" in all_texts
    assert texts(figure, "bar-label") == ["3 min"]


def test_pareto_of_counts_has_whole_number_ticks_and_singular_units() -> None:
    figure = charts.draw_pareto(pareto(3, 1, unit="incidents"))
    assert texts(figure, "bar-label") == ["3 incidents", "1 incident"]
    assert all(float(label).is_integer() for label in texts(figure, "ytick")[:-6])  # left axis; the right is in %
    assert "Incidents" in [t.get_text() for t in figure.texts]


@pytest.mark.parametrize("causes", [(), (0, 0)])
def test_pareto_with_nothing_recorded_says_so(causes: tuple[int, ...]) -> None:
    assert message(charts.draw_pareto(pareto(*causes))) == "Nothing recorded: no causes to rank"


# 4. MTTA / MTTR trend


def week(label: str, incidents: int, *seconds: int | None) -> WeekTimes:
    mtta, mtta90, mttr, mttr90 = (None if s is None else F(s) for s in seconds)
    return WeekTimes(label, incidents, mtta, mtta90, mttr, mttr90)


def trend() -> list[WeekTimes]:
    return [
        week("W40", 3, 300, 900, 3 * 3600, 5 * 3600),
        week("W41", 0, None, None, None, None),
        week("W42", 2, 600, 1500, 2 * 3600, 9 * 3600),
    ]


def test_trend_lines_in_minutes_and_hours_with_gaps() -> None:
    figure = charts.draw_trend(trend())
    np.testing.assert_allclose(ydata(one(figure, "mtta-median")), [5, math.nan, 10])
    np.testing.assert_allclose(ydata(one(figure, "mtta-p90")), [15, math.nan, 25])
    np.testing.assert_allclose(ydata(one(figure, "mttr-median")), [3, math.nan, 2])
    np.testing.assert_allclose(ydata(one(figure, "mttr-p90")), [5, math.nan, 9])
    all_texts = [t.get_text() for t in figure.texts]
    assert "Minutes" in all_texts and "Hours" in all_texts


def test_trend_p90_is_dashed_in_its_medians_colour() -> None:
    figure = charts.draw_trend(trend())
    for name in ("mtta", "mttr"):
        median, p90 = one(figure, f"{name}-median"), one(figure, f"{name}-p90")
        assert median.get_linestyle() == "-" and p90.get_linestyle() == "--"
        assert median.get_color() == p90.get_color()
    assert one(figure, "mtta-median").get_color() != one(figure, "mttr-median").get_color()


def test_trend_week_labels_carry_the_incident_counts_and_days_are_used_for_long_times() -> None:
    weeks = [week("W40", 1, 60, 60, 4 * 86400, 5 * 86400), week("W41", 7, 120, 240, 86400, 2 * 86400)]
    figure = charts.draw_trend(weeks)
    assert texts(figure, "xtick") == ["W40\n(1)", "W41\n(7)"] * 2
    np.testing.assert_allclose(ydata(one(figure, "mttr-median")), [4, 1])
    assert "Days" in [t.get_text() for t in figure.texts]


def test_trend_without_times_says_why() -> None:
    quiet = [week(f"W{i}", 0, None, None, None, None) for i in range(8)]
    assert message(charts.draw_trend(quiet)) == "No incidents in the last 8 weeks"
    open_only = [*quiet[:7], week("W7", 2, None, None, None, None)]
    assert message(charts.draw_trend(open_only)) == "No incident acknowledged or resolved in the last 8 weeks"


# every chart


def all_figures() -> dict[str, Figure]:
    panels = [SliPanel(f"svc-{i}/availability", F(999, 1000), week_of(F(9995, 10000))) for i in range(12)]
    return {
        "sli": charts.draw_sli(panels, PERIOD, TOKYO, total=30),
        "burndown": charts.draw_burndown([burn(f"b{i}/x") for i in range(6)], BERLIN),
        "pareto": charts.draw_pareto(pareto(*range(15, 0, -1))),
        "trend": charts.draw_trend(trend()),
        "empty": charts.draw_trend([]),
    }


def test_every_text_is_at_least_10_points_and_the_figure_is_1000_by_560() -> None:
    for name, figure in all_figures().items():
        assert (figure.bbox.width, figure.bbox.height) == (1000, 560), name
        sizes = [float(t.get_fontsize()) for t in (*figure.texts, *figure.artists) if isinstance(t, Text)]
        assert sizes and min(sizes) >= 10, name


def test_to_png_is_a_png_of_the_preview_size() -> None:
    for name, figure in all_figures().items():
        png = charts.to_png(figure)
        assert png.startswith(b"\x89PNG\r\n\x1a\n"), name
        with Image.open(io.BytesIO(png)) as image:
            assert image.size == (1000, 560), name


def test_rendered_charts_have_their_filenames_titles_and_alt_texts() -> None:
    sli = charts.sli_chart(
        [SliPanel("checkout/availability", F(999, 1000), hours([F(1), F(975, 1000), F(998, 1000)]))], PERIOD, TOKYO
    )
    assert (sli.filename, sli.title) == ("sli.png", f"SLI vs target, {PERIOD}")
    assert "checkout/availability: lowest 97.5%, target 99.9%, below target in 2 of 3 hours" in sli.alt_text
    assert PERIOD in sli.alt_text and "Asia/Tokyo" in sli.alt_text

    down = charts.burndown_chart([burn()], BERLIN, total=5)
    assert down.filename == "burndown.png"
    assert "checkout/availability: -60.0% left on 13 Nov (ideal 33.3%), 2 incidents." in down.alt_text
    assert "1 of 5 objectives" in down.alt_text

    causes = charts.pareto_chart(Pareto("Bad time by objective", "minutes", tuple(items(60, 30, 10))))
    assert causes.filename == "pareto.png" and causes.title == "Bad time by objective"
    assert causes.alt_text == (
        "Pareto of bad time by objective, 100 min in all: a 60 min (60%), b 30 min (30%), c 10 min (10%);"
        " 2 of 3 causes make up 80% of the total."
    )

    times = charts.trend_chart(trend())
    assert times.filename == "trend.png"
    assert "W40: 3 incidents, MTTA 5m (p90 15m), MTTR 3h (p90 5h)" in times.alt_text
    assert "W41: no incidents" in times.alt_text
    for chart in (sli, down, causes, times):
        assert isinstance(chart, RenderedChart) and chart.png.startswith(b"\x89PNG")


def test_alt_text_stays_within_1000_characters_and_says_what_was_left_out() -> None:
    panels = [
        SliPanel(f"a-rather-long-service-name-{i}/availability-of-the-public-api", F(999, 1000), week_of(F(99, 100)))
        for i in range(12)
    ]
    alt = charts.sli_chart(panels, PERIOD, TOKYO, total=100).alt_text
    assert len(alt) <= 1000
    assert alt.startswith("Hourly SLI vs target") and "more." in alt and alt.endswith("Times in Asia/Tokyo.")
    many = Pareto(
        "Bad time by objective", "minutes", tuple(ParetoItem(f"cause-number-{i:03d}", F(i + 1)) for i in range(200))
    )
    alt = charts.pareto_chart(many).alt_text
    assert len(alt) <= 1000 and alt.endswith("make up 80% of the total.")


def test_charts_render_in_parallel_threads() -> None:
    with ThreadPoolExecutor(4) as pool:
        pngs = list(pool.map(lambda _: charts.trend_chart(trend()).png, range(8)))
    assert len(set(pngs)) == 1 and pngs[0].startswith(b"\x89PNG")


@pytest.mark.slow
def test_the_charts_never_import_pyplot() -> None:
    script = (
        "import sys\n"
        "from tests.unit.test_charts import all_figures\n"
        "from slabot.reports.charts import figures as charts\n"
        "for figure in all_figures().values():\n"
        "    charts.to_png(figure)\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# fonts


def test_cjk_family_is_picked_from_the_known_candidates() -> None:
    assert chart_style.first_cjk(["DejaVu Sans", "WenQuanYi Zen Hei", "Noto Sans CJK JP"]) == "Noto Sans CJK JP"
    assert chart_style.first_cjk(["DejaVu Sans", "Liberation Sans"]) is None


def test_without_a_cjk_font_texts_use_dejavu_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chart_style, "cjk_family", lambda: None)
    assert chart_style.families() == ["DejaVu Sans"]


CJK_LABEL = "支付服务/可用性"


@pytest.mark.skipif(
    chart_style.cjk_family() is None, reason="no CJK font installed (Debian: apt-get install fonts-noto-cjk)"
)
def test_cjk_labels_render_with_the_cjk_font_and_no_missing_glyphs() -> None:
    figures = [
        charts.draw_sli([SliPanel(CJK_LABEL, F(999, 1000), week_of())], PERIOD, TOKYO),
        charts.draw_burndown([burn(CJK_LABEL)], BERLIN),
        charts.draw_pareto(Pareto("按根因统计的不良时间", "minutes", (ParetoItem(CJK_LABEL, F(5)),))),
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for figure in figures:
            charts.to_png(figure)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []
    title = next(t for t in figures[0].texts if t.get_text() == CJK_LABEL)
    paths = font_manager.fontManager._find_fonts_by_props(title.get_fontproperties())
    # the first font of the chain that has the glyph draws it: it must be the CJK family
    glyph_font = next(f for f in (font_manager.get_font(p) for p in paths) if ord("支") in f.get_charmap())
    assert glyph_font.family_name == chart_style.cjk_family()
    latin_font = next(f for f in (font_manager.get_font(p) for p in paths) if ord("/") in f.get_charmap())
    assert latin_font.family_name == "DejaVu Sans"


def test_without_the_fallback_a_cjk_label_would_miss_glyphs() -> None:
    """The check above can fail: DejaVu Sans alone warns about the missing CJK glyphs."""
    figure = Figure()
    FigureCanvasAgg(figure)
    figure.text(0.1, 0.5, CJK_LABEL, fontfamily=["DejaVu Sans"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.canvas.draw()
    assert any("missing from" in str(w.message) for w in caught)


# the string-at-a-time text path


def ink(figure: Figure) -> np.ndarray:
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.buffer_rgba())[..., :3].astype(int)  # type: ignore[attr-defined]
    return pixels.sum(axis=2) < 600


def text_figure(canvas: type[FigureCanvasAgg], label: str, rotation: float = 0) -> Figure:
    figure = Figure(figsize=(4, 1), dpi=100)
    canvas(figure)
    figure.text(0.1, 0.3, label, fontsize=12, rotation=rotation, fontfamily=chart_style.families())
    return figure


@pytest.mark.parametrize("rotation", [0, 90])
def test_fast_text_draws_what_matplotlib_draws(rotation: float) -> None:
    label = "checkout/availability 99.9%"
    ours, theirs = (
        ink(text_figure(chart_agg.ChartCanvas, label, rotation)),
        ink(text_figure(FigureCanvasAgg, label, rotation)),
    )
    ys, xs = np.nonzero(ours)
    ys2, xs2 = np.nonzero(theirs)
    assert abs(int(xs.min()) - int(xs2.min())) <= 1 and abs(int(xs.max()) - int(xs2.max())) <= 1
    assert abs(int(ys.min()) - int(ys2.min())) <= 1 and abs(int(ys.max()) - int(ys2.max())) <= 1
    assert abs(int(ours.sum()) - int(theirs.sum())) <= 0.05 * theirs.sum()


def test_scripts_that_need_shaping_take_matplotlibs_own_path() -> None:
    assert chart_agg.simple_script("checkout/availability – 99.9% «é» Ωμ Жж")
    assert chart_agg.simple_script(CJK_LABEL + "カタカナ 한국어")
    assert not chart_agg.simple_script("مرحبا")  # Arabic joins its letters
    assert not chart_agg.simple_script("नमस्ते")  # Devanagari
