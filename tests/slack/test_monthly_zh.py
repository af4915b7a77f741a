"""The monthly report in Chinese where the channel reads Chinese: the Slack message, the PDF (Noto Sans CJK
embedded, text read back with pdftotext) and the CSV headers, with the same figures as in English; the person
who asked is answered in their own language; credits and their errors in Chinese for a Chinese reader."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pytest

from slabot.render.charts import style
from tests.conftest import FakeClock
from tests.driver import CHANNEL, SlackDriver
from tests.slack.test_digest_report import texts
from tests.slack.test_monthly_report import flat, pdf_text, posted_report, run_worker, seed_month

ZH_USER = "U0WANG"
ENGLISH_CHANNEL = "C0LEADS"


@pytest.fixture
def chinese(driver: SlackDriver, clock: FakeClock) -> SlackDriver:
    seed_month(driver, clock)
    answer = driver.command(f"/sla channel language <#{CHANNEL}|ops> zh")
    assert "中文" in answer.text, answer.text
    driver.slack.locales[ZH_USER] = "zh-CN"
    driver.slack.clear()
    return driver


def test_the_report_reads_chinese_in_a_chinese_channel_with_the_same_figures(
    chinese: SlackDriver, clock: FakeClock
) -> None:
    report = posted_report(chinese, clock, "/sla report month=2026-11")
    body = texts(report["blocks"])
    assert report["blocks"][0]["text"]["text"] == "月度服务等级报告 · 2026年11月"
    assert body[1] == "所有服务 · 按 UTC 时区的自然月 · 已排除维护窗口"
    assert body[2] == "*概览* 未达标：1 · 达标：2 · 无数据：1 · 事件：3 · SLA 违约：1 · 需赔偿的 SLA：1"
    availability = next(t for t in body if "checkout/availability" in t and t.startswith(":"))
    assert availability.split("\n") == [
        ":red_circle: *checkout/availability* SLA · 目标值99.9% · 实际 *99.7%* · *未达标*",
        "预算43分4秒 · 已消耗1小时30分 · 剩余-46分55秒（-108.9%）",
        "已排除维护窗口：2小时",
        "前几个月：2026-08 100.0% · 2026-09 100.0% · 2026-10 99.8%",
        "事件：3",
        "应付赔偿10%：达成率99.7%低于99.9%。",
    ]
    breaches = next(t for t in body if t.startswith("*SLA 违约*"))
    assert "根因（技术）：The payment pool was exhausted" in breaches
    credits = next(t for t in body if t.startswith("*服务赔偿*"))
    assert credits.split("\n")[:2] == [
        "*服务赔偿* 2个 SLA 中有1个需要赔偿",
        "• *checkout/availability* · 达成率99.7% · 应付赔偿10%",
    ]


def test_an_english_channel_gets_english_from_a_chinese_reader(chinese: SlackDriver, clock: FakeClock) -> None:
    answer = chinese.command("/sla report month=2026-11", user=ZH_USER, channel=ENGLISH_CHANNEL)
    assert answer.text == (
        f":hourglass_flowing_sand: 正在生成2026年11月的月度报告，范围：所有服务；稍后将发布到 <#{ENGLISH_CHANNEL}>。"
    )
    run_worker(chinese, clock)
    (post,) = chinese.posts(ENGLISH_CHANNEL)
    assert post.args["blocks"][0]["text"]["text"] == "Monthly service levels · November 2026"


def test_the_pdf_and_csv_read_chinese(chinese: SlackDriver, clock: FakeClock, tmp_path: Path) -> None:
    chinese.command("/sla report month=2026-11 format=pdf")
    chinese.command("/sla report month=2026-11 format=csv")
    run_worker(chinese, clock)
    files = {f["name"].rsplit(".", 1)[-1]: f for m in chinese.slack.messages(CHANNEL) for f in m.get("files", [])}
    assert files["pdf"]["title"] == "月度服务等级报告 · 2026年11月（PDF）"
    content = chinese.slack.uploads[files["pdf"]["id"]]
    pages = pdf_text(content, tmp_path).split("\f")
    assert "月度服务等级报告" in flat(pages[0]) and "2026年11月" in flat(pages[0])
    summary = flat(pages[1])
    assert "目标 类型 目标值 实际 结果 预算 已消耗 剩余 已排除 应付赔偿" in summary
    assert "checkout/availability SLA 99.9% 99.7% 未达标 43分4秒 1小时30分 -46分55秒（-108.9%） 2小时 10%" in summary
    assert "根因（技术）：The payment pool was exhausted" in flat(pages[4])
    rows = list(csv.reader(io.StringIO(chinese.slack.uploads[files["csv"]["id"]].decode("utf-8-sig"))))
    assert rows[0][:7] == ["月份", "服务", "目标", "类型", "目标值（%）", "达成率（%）", "结果"]
    assert rows[12][:9] == ["2026-11", "checkout", "availability", "SLA", "99.9", "99.7", "未达标", "分钟", "43.08"]


@pytest.mark.skipif(
    style.cjk_family() is None, reason="no CJK font known to matplotlib (apt-get install fonts-noto-cjk)"
)
def test_the_pdf_embeds_a_cjk_font_as_type_3(chinese: SlackDriver, clock: FakeClock, tmp_path: Path) -> None:
    chinese.command("/sla report month=2026-11 format=pdf")
    run_worker(chinese, clock)
    (content,) = chinese.slack.uploads.values()
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "NotoSansCJK" in line.replace(" ", "")]
    assert cjk and all("Type 3" in line for line in cjk)


def test_credits_in_chinese(chinese: SlackDriver) -> None:
    refused = chinese.command('/sla define checkout extra target=99 kind=slo credits="99:10"', user=ZH_USER)
    assert refused.text.startswith(":warning: credits= 仅适用于 SLA（对客户承诺的目标）：请加上 kind=sla")
    wrong = chinese.command('/sla define checkout extra target=99 kind=sla credits="99"', user=ZH_USER)
    assert "“99”不是有效的赔偿档位" in wrong.text
    budget = chinese.command("/sla budget checkout/availability", user=ZH_USER)
    assert "*服务赔偿*\n应付赔偿10%：达成率" in budget.all_text
    assert "赔偿档位：低于99.9%：10% · 低于99.5%：25% · 低于99%：50%" in budget.all_text
