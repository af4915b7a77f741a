"""The weekly digest in Chinese (issue 16): a digest posted in a channel set to zh reads Chinese (header, lines,
context, chart titles and alt texts) while one in an English channel reads English, with the same figures; the
replies of /sla digest and /sla report follow the person's language; charts draw Chinese labels with the CJK font.

The week is test_digest_report's 2026-W46: two checkout incidents and an hour-by-hour event SLI for api.
"""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction as F
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from matplotlib.text import Text

from slabot.core.errors import UserError
from slabot.render.charts import style
from slabot.render.charts.burndown import draw_burndown
from slabot.render.charts.pareto import draw_pareto
from slabot.render.charts.png import to_png
from slabot.render.charts.ranking import causes_pareto
from slabot.render.charts.sli import draw_sli
from slabot.render.charts.trend import draw_trend
from slabot.render.weeks import slot_text, week_period
from slabot.reports.chart_data import BurnDown, CauseMinutes, IncidentMarker, SliPanel, WeekTimes
from slabot.reports.schedule import Slot, Week, parse_time_of_day, parse_weekday
from storage.models.rca import FishboneCategory
from tests.conftest import FakeClock
from tests.driver import CHANNEL, SlackDriver
from tests.slack.test_digest_report import deliverer_for, seed_week, texts, worker_for

ZH_CHANNEL = "C0ZH"
ZH_USER = "U0WANG"
UTC_ZONE = ZoneInfo("UTC")


@pytest.fixture
def two_channels(driver: SlackDriver, clock: FakeClock) -> SlackDriver:
    seed_week(driver, clock)
    driver.command(f"/sla channel language <#{ZH_CHANNEL}|sre-zh> zh")
    driver.slack.locales[ZH_USER] = "zh-CN"
    driver.slack.clear()
    return driver


def posted(driver: SlackDriver, clock: FakeClock) -> dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each channel's digest (its chat.postMessage arguments) and the upload calls of the charts in its thread."""
    while worker_for(driver, clock).render_due():
        pass
    deliverer_for(driver, clock).deliver_due()
    asked = driver.slack.calls_to("files.getUploadURLExternal")
    completed = driver.slack.calls_to("files.completeUploadExternal")
    found = {}
    for channel in (ZH_CHANNEL, CHANNEL):
        (post,) = driver.posts(channel)
        ts = post.response["ts"]
        charts = []
        for ask, done in zip(asked, completed, strict=True):
            if done.args["channel_id"] == channel:
                assert done.args["thread_ts"] == ts
                charts.append({"alt": ask.args["alt_txt"], "title": done.args["files"][0]["title"]})
        found[channel] = (post.args, charts)
    return found


def test_a_digest_in_a_chinese_channel_reads_chinese_and_one_in_an_english_channel_english(
    two_channels: SlackDriver, clock: FakeClock
) -> None:
    driver = two_channels
    queued = driver.command("/sla report week=2026-W46", user=ZH_USER, channel=ZH_CHANNEL)
    assert queued.text.startswith(
        ":hourglass_flowing_sand: 正在准备 2026-W46（2026年11月9日–15日）的摘要，范围：所有服务"
    )
    assert "如果没有出现，请用 `/invite @slabot` 邀请我加入此频道。" in queued.all_text
    driver.command("/sla report week=2026-W46")  # an English reader, in the English channel
    found = posted(driver, clock)

    zh_post, zh_charts = found[ZH_CHANNEL]
    zh = texts(zh_post["blocks"])
    assert zh_post["blocks"][0]["text"]["text"] == "每周服务等级 · 2026-W46（2026年11月9日–15日）"
    assert zh[1] == "所有服务 · 按 UTC 时区统计 · 图表见讨论串"
    assert "*概览* 1个已违约 · 1个有风险 · 1个无数据；2起事件，SLA 违约1次" in zh
    checkout = next(t for t in zh if t.startswith(":red_circle:"))
    assert checkout == (
        ":red_circle: *checkout/availability* SLO 99.9%（统计窗口30天）· *已违约*\n"
        "30天达成率 *99.7%* · 剩余预算-108.3%（较上周▼ 208.3个百分点）\n"
        "本周99.1% · 不良时间1小时30分 · 2起事件"
    )
    incidents = next(t for t in zh if t.startswith("*事件*"))
    assert incidents.startswith(
        "*事件* 2起（sev1：1起、sev2：1起）· MTTA 15分（p90 20分）· MTTR 1小时15分（p90 2小时）"
    )
    assert (
        "*sev1* · 1起 · MTTA 20分（p90 20分）· MTTR 2小时（p90 2小时） · 响应达标0/1（0.0%） · 解决达标1/1（100.0%）"
        in incidents
    )
    assert (
        "*SLA 违约* 1次\n• #2 checkout sev1：响应时限15分，于2026年11月12日 08:15 UTC 超时 · Checkout slow for EU" in zh
    )
    assert (
        "*按根因统计的不良时间（事件）*\n未分析1小时30分（100%）\n前1项（共1项）占其中的80%：改进项请从这里着手。" in zh
    )
    assert "2起事件尚无根因：`/sla why 2` · `/sla why 1`" in zh
    assert zh[-1] == "*满意度*\n本周没有评分。"
    assert zh_post["text"].startswith("每周服务等级 2026-W46（2026年11月9日–15日）：1个已违约")
    assert [chart["title"] for chart in zh_charts] == [
        "SLI 与目标值对比，2026-W46（2026年11月9日–15日）",
        "错误预算燃尽图",
        "按根因统计的不良时间（事件）",
        "最近8周的 MTTA 与 MTTR",
    ]
    sli_alt, burn_alt, pareto_alt, trend_alt = (chart["alt"] for chart in zh_charts)
    assert sli_alt.startswith("每小时 SLI 与目标值对比，2026-W46（2026年11月9日–15日），3个目标。")
    assert "checkout/availability：最低50.0%，目标值99.9%，168小时中有3小时低于目标值。" in sli_alt
    assert sli_alt.endswith("时间为 UTC 时区。")
    assert "checkout/availability：截至11月16日剩余-108.3%（理想值0.0%），2起事件。" in burn_alt
    assert burn_alt.endswith("策略阈值：剩余50%、25%、0%。")
    assert pareto_alt.startswith("帕累托图“按根因统计的不良时间（事件）”，共90分钟：")
    assert "第46周：2起事件，MTTA 15分（p90 20分），MTTR 1小时15分（p90 2小时）。" in trend_alt

    en_post, en_charts = found[CHANNEL]
    en = texts(en_post["blocks"])
    assert en_post["blocks"][0]["text"]["text"] == "Weekly service levels · 2026-W46 (9–15 Nov 2026)"
    assert "*Summary* 1 breached · 1 at risk · 1 no data; 2 incidents, 1 SLA breach" in en
    english_checkout = next(t for t in en if t.startswith(":red_circle:"))
    assert "30d attainment *99.7%* · budget left -108.3% (▼ 208.3 pts on the week before)" in english_checkout
    assert "This week 99.1% · bad time 1h 30m · 2 incidents" in english_checkout
    assert "#2 checkout sev1: response target 15m missed at 2026-11-12 08:15 UTC" in "\n".join(en)
    assert [chart["title"] for chart in en_charts] == [
        "SLI vs target, 2026-W46 (9–15 Nov 2026)",
        "Error budget burn-down",
        "Bad time by root cause (incidents)",
        "MTTA and MTTR, last 8 weeks",
    ]
    assert "checkout/availability: -60.0%" not in en_charts[1]["alt"]
    assert "checkout/availability: -108.3% left on 16 Nov (ideal 0.0%), 2 incidents." in en_charts[1]["alt"]
    # the same figures in both languages
    for figure in ("99.9%", "99.7%", "-108.3%", "208.3", "99.1%", "1,344", "20.0%", "100.0%", "0.0%"):
        assert figure in "\n".join(zh) and figure in "\n".join(en), figure
    assert not any("\u4e00" <= char <= "\u9fff" for char in en_post["text"] + "".join(en))
    assert not any("\u4e00" <= char <= "\u9fff" for chart in en_charts for char in chart["title"] + chart["alt"])


def test_digest_schedule_replies_and_errors_follow_the_persons_language(two_channels: SlackDriver) -> None:
    driver = two_channels
    added = driver.command("/sla digest add <#C0LEADS|leads> services=api day=fri time=17:30", user=ZH_USER)
    assert added.text.startswith(":calendar: 摘要 1 将于每周五 17:30（UTC）发布到 <#C0LEADS>，涵盖 api。首次运行：")
    assert "报告其前一周。" in added.text
    listing = driver.command("/sla digest list", user=ZH_USER).all_text
    assert "每周摘要" in listing and "*1* · <#C0LEADS> · 每周五 17:30（UTC） · api\n下次运行：" in listing
    english = driver.command("/sla digest list").all_text
    assert "*1* · <#C0LEADS> · Fridays at 17:30 UTC · api\nNext run " in english
    for line, chinese in [
        (
            "/sla digest add <#C0LEADS|leads>",
            "<#C0LEADS> 已有摘要 1。请先用 `/sla digest remove 1` 删除它，再添加新的摘要。",
        ),
        ("/sla digest remove 9", "没有编号为 9 的摘要。请用 `/sla digest list` 查看各摘要的编号。"),
        ("/sla report nosuch", "没有名为“nosuch”的服务。"),
        ("/sla report week=46", "week= 必须是 ISO 周，例如 2026-W46（收到的是“46”）"),
        ("/sla report week=2026-W47", "2026-W47 尚未结束：最近一个完整的周是 2026-W46"),
        ("/sla report week=2025-W53", "2025年没有第53周：ISO 周从 W01 到 W52 或 W53"),
    ]:
        reply = driver.command(line, user=ZH_USER)
        assert reply.ephemeral and chinese in reply.text, (line, reply.text)
    assert "There is no digest 9. See `/sla digest list`" in driver.command("/sla digest remove 9").text
    removed = driver.command("/sla digest remove 1", user=ZH_USER)
    assert (
        removed.text
        == ":wastebasket: 已删除发往 <#C0LEADS> 的摘要 1（每周五 17:30（UTC））；已发布的各周摘要仍保留在频道中。"
    )
    assert driver.command("/sla digest list", user=ZH_USER).text.startswith("还没有每周摘要。请用 `/sla digest add")


def test_schedule_errors_in_chinese() -> None:
    with pytest.raises(UserError) as weekday:
        parse_weekday("someday")
    assert weekday.value.text("zh") == "day= 必须是星期几：mon、tue、wed、thu、fri、sat 或 sun（收到的是“someday”）"
    with pytest.raises(UserError) as time:
        parse_time_of_day("9am")
    assert time.value.text("zh") == "time= 必须是24小时制的时间，例如 09:00 或 17:30（收到的是“9am”）"
    assert time.value.text("en") == "time= must be a time of day on a 24-hour clock, like 09:00 or 17:30 (got '9am')"


def test_calendar_words_in_chinese() -> None:
    assert week_period(Week(date(2026, 11, 30), UTC_ZONE), locale="zh") == "2026-W49（2026年11月30日–12月6日）"
    assert week_period(Week(date(2026, 12, 28), UTC_ZONE), locale="zh") == "2026-W53（2026年12月28日–2027年1月3日）"
    assert slot_text(Slot(6, 8 * 60, UTC_ZONE), locale="zh") == "每周日 08:00（UTC）"
    pareto = causes_pareto([CauseMinutes(FishboneCategory.DEPENDENCIES, F(30)), CauseMinutes(None, F(10))], locale="zh")
    assert [item.label for item in pareto.items] == ["供应商与依赖", "未分析"]


# charts drawn in Chinese

MONDAY = datetime(2026, 11, 9, tzinfo=UTC)
WEEK = Week(date(2026, 11, 9), UTC_ZONE)


def _texts(figure: Any, gid: str | None = None) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text) if t.get_text() and (gid is None or t.get_gid() == gid)]


def chinese_figures() -> dict[str, Any]:
    hours = [MONDAY + timedelta(hours=h) for h in range(168)]
    panel = SliPanel(
        "支付", "可用性", F(999, 1000), tuple((h, F(99, 100) if i == 30 else F(1)) for i, h in enumerate(hours))
    )
    burn = BurnDown(
        "支付",
        "可用性",
        MONDAY - timedelta(days=23),
        MONDAY + timedelta(days=7),
        ((MONDAY - timedelta(days=23), F(1)), (MONDAY + timedelta(days=4), F(2, 5))),
        (IncidentMarker(MONDAY + timedelta(days=1), 12, 2),),
    )
    causes = causes_pareto([CauseMinutes(FishboneCategory.TECHNOLOGY, F(45)), CauseMinutes(None, F(15))], locale="zh")
    weeks = [
        WeekTimes(date(2026, 11, 2), 2, F(300), F(900), F(3600), F(7200)),
        WeekTimes(date(2026, 11, 9), 0, *[None] * 4),
    ]
    return {
        "sli": draw_sli([panel], WEEK, locale="zh"),
        "burndown": draw_burndown([burn], UTC_ZONE, locale="zh"),
        "pareto": draw_pareto(causes, locale="zh"),
        "trend": draw_trend(weeks, locale="zh"),
    }


def test_chart_titles_legends_and_axes_are_chinese() -> None:
    figures = chinese_figures()
    for figure in figures.values():
        to_png(figure)  # tick labels are made when the figure is drawn
    assert _texts(figures["sli"], "title") == ["SLI 与目标值对比，2026-W46（2026年11月9日–15日）：1个目标"]
    sli_texts = _texts(figures["sli"])
    for label in ("目标值", "低于目标值", "星期（UTC 时间）", "每小时 SLI（%）", "周一 9日", "周日 15日"):
        assert label in sli_texts, label
    burn_texts = _texts(figures["burndown"])
    for label in ("剩余预算", "理想消耗", "策略阈值", "事件开始", "日期（UTC 时间）", "剩余错误预算（%）", "11月8日"):
        assert label in burn_texts, label
    assert _texts(figures["pareto"], "title") == ["按根因统计的不良时间（事件）"]
    pareto_texts = _texts(figures["pareto"])
    for label in ("技术", "未分析", "45分钟", "关键少数：前2项达到80%", "累计占比（%）", "分钟"):
        assert label in pareto_texts, label
    trend_texts = _texts(figures["trend"])
    for label in (
        "确认用时（MTTA）",
        "解决用时（MTTR）",
        "第45周\n(2)",
        "MTTA 中位数",
        "周（括号内为当周发起的事件数）",
    ):
        assert label in trend_texts, label
    assert _texts(figures["trend"], "title") == ["最近2周事件的确认用时与解决用时"]


@pytest.mark.skipif(style.cjk_family() is None, reason="no CJK font installed (Debian: apt-get install fonts-noto-cjk)")
def test_chinese_charts_render_with_the_cjk_font_and_no_missing_glyphs() -> None:
    figures = chinese_figures()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pngs = [to_png(figure) for figure in figures.values()]
    assert [str(w.message) for w in caught if "missing from" in str(w.message)] == []
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for png in pngs)
    title = next(t for t in figures["burndown"].findobj(Text) if t.get_gid() == "title")
    assert title.get_text().startswith("各目标统计窗口内的剩余错误预算")
    assert title.get_fontproperties().get_family() == ["DejaVu Sans", style.cjk_family()]
