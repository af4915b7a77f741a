"""Alerts, budgets and status in Chinese (issue 16): a Chinese reader's /sla status and /sla budget and the
buttons they press answer in Chinese; alerts and budget notices speak the language of the channel they are posted
in, while another channel stays English; the figures are the same in both languages."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest

from slabot.devtools.localslack import LocalSlack
from slabot.render.ids import ActionId, BlockId
from tests.conftest import FakeClock
from tests.driver import SlackDriver
from tests.loop import Loop

WANG, ALICE = "U0WANG", "U0ALICE"  # reads Chinese (Slack locale zh-CN); reads English
ZH_CHANNEL, EN_CHANNEL = "C0CHECK", "C0PAY"
CHECKOUT, PAYMENTS = "checkout/api", "payments/api"
OUTAGE, HEALTHY = (0, 1000), (1000, 1000)


def figures(text: str) -> list[Decimal]:
    """Every number a text shows (1,000 and 16.67 and the 21 of 2026-11-21 or 2026年11月21日), in order of size:
    the words and their order differ between the languages, the numbers must not."""
    return sorted(Decimal(n.replace(",", "")) for n in re.findall(r"\d+(?:[.,]\d+)*", text))


def shown(message: dict[str, Any]) -> str:
    """The fallback text and every mrkdwn or plain text of a message's blocks."""
    parts = [message.get("text", "")]
    for block in message.get("blocks", []):
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        parts += [f["text"] for f in block.get("fields") or []]
        parts += [e["text"] for e in block.get("elements") or [] if isinstance(e.get("text"), str)]
    return "\n".join(parts)


def button_labels(message: dict[str, Any]) -> list[str]:
    actions = [b for b in message.get("blocks", []) if b["type"] == "actions"]
    return [e["text"]["text"] for block in actions for e in block["elements"]]


def alert_messages(slack: LocalSlack, channel: str) -> list[dict[str, Any]]:
    keys = [m for m in slack.messages(channel) if m.get("thread_ts") is None]
    return [m for m in keys if re.fullmatch(r"alert:[0-9]+", str(m["metadata"]["event_payload"]["key"]))]


@pytest.fixture
def zh_reader(slack: LocalSlack) -> str:
    slack.locales[WANG] = "zh-CN"
    return WANG


# --- /sla status and /sla budget ---------------------------------------------------------------------------


@pytest.fixture
def outage(driver: SlackDriver, zh_reader: str) -> SlackDriver:
    """DOMAIN.md's worked example: 99.9% over 30 days (43m 12s of budget), one full outage of 30 minutes."""
    driver.command(f"/sla service add checkout channel=<#{ZH_CHANNEL}|checkout>")
    driver.command("/sla define checkout availability target=99.9 window=30d")
    driver.command("/incident open checkout sev1 Outage started=2026-11-20T10:00Z impact=100")
    driver.command("/incident resolve 1 resolved=2026-11-20T10:30Z")
    return driver


def test_a_chinese_reader_gets_sla_budget_in_chinese_with_the_same_figures(outage: SlackDriver) -> None:
    chinese = outage.command("/sla budget checkout/availability", user=WANG)
    english = outage.command("/sla budget checkout/availability", user=ALICE)
    assert chinese.ephemeral
    assert chinese.text == "错误预算 checkout/availability：预算43分12秒，已消耗30分，剩余13分12秒/43分12秒（30.6%）"
    assert english.text == (
        "Error budget checkout/availability: 43m 12s budget, 30m consumed, 13m 12s of 43m 12s (30.6%) left"
    )
    text = chinese.all_text
    assert "错误预算：checkout/availability" in text  # the header
    assert "*目标值*\n99.9%（SLO，事件）" in text
    assert "*统计窗口*\n30天：2026年10月22日 12:00 UTC → 2026年11月21日 12:00 UTC" in text
    assert "*达成率*\n99.9%" in text and "*状态*\n:large_green_circle: 健康" in text
    assert "*预算*\n43分12秒" in text and "*已消耗*\n30分" in text and "*剩余*\n13分12秒（30.6%）" in text
    assert "*消耗预算的事件*\n#1 sev1 Outage · 影响100% → *30分*（占预算69.4%）" in text
    assert "重叠的事件同一时刻只计一次" in text
    assert "Error budget" not in text and "Consumed" not in text and "lookback" not in text
    assert figures(chinese.all_text) == figures(english.all_text)


def test_a_chinese_reader_gets_sla_status_in_chinese_and_its_budget_button_too(outage: SlackDriver) -> None:
    status = outage.command("/sla status", user=WANG)
    text = status.all_text
    assert status.text.splitlines() == [
        "服务等级（健康1个 · 截至2026年11月21日 12:00 UTC）",
        "checkout/availability：健康，达成率99.9%，预算剩余13分12秒/43分12秒（30.6%）",
    ]
    assert ":large_green_circle: *checkout/availability* SLO 99.9%，30天窗口 · *健康*" in text
    assert "达成率 *99.9%* · 预算剩余13分12秒/43分12秒（30.6%）" in text
    english = outage.command("/sla status", user=ALICE)
    assert "Attainment *99.9%* · budget 13m 12s of 43m 12s (30.6%) left" in english.all_text
    assert figures(text) == figures(english.all_text)

    [button] = [b["accessory"] for b in status.blocks if b.get("accessory")]
    assert (button["text"]["text"], button["value"]) == ("预算", "checkout/availability")
    message = {"ts": "1.0", "channel": "C0OPS", "blocks": status.blocks, "text": status.text}
    (reply,) = outage.click(message, ActionId.STATUS_BUDGET, user=WANG).responses
    assert reply["response_type"] == "ephemeral" and reply["text"].startswith("错误预算 checkout/availability：")
    assert reply["blocks"] == outage.command("/sla budget checkout/availability", user=WANG).blocks
    (english_reply,) = outage.click(message, ActionId.STATUS_BUDGET, user=ALICE).responses
    assert english_reply["text"].startswith("Error budget checkout/availability: 43m 12s budget")


def test_status_and_budget_refusals_are_told_in_chinese(outage: SlackDriver) -> None:
    two = outage.command("/sla status checkout payments", user=WANG)
    assert two.text.splitlines()[0] == ":warning: 最多给出一个服务名，例如：/sla status checkout"
    bare = outage.command("/sla budget", user=WANG)
    assert bare.text.startswith(":warning: 请以“服务/名称”的形式给出目标，例如：/sla budget checkout/availability")
    english = outage.command("/sla status checkout payments", user=ALICE)
    assert english.text.splitlines()[0] == ":warning: Give at most one service name, like: /sla status checkout"


def test_a_domain_error_of_a_prometheus_objective_is_told_in_chinese(outage: SlackDriver) -> None:
    line = '/sla define checkout latency target=99 window=30d source=prometheus good="sum(rate(ok_total[5m]))"'
    refused = outage.command(line, user=WANG)
    assert refused.text.startswith(
        ':warning: source=prometheus 需要 total="<PromQL>"，以及 good="<PromQL>" 或 bad="<PromQL>" 之一'
    )
    twice = outage.command(f'{line} good="sum(x_total)" total="sum(y_total)"', user=WANG)
    assert twice.text.startswith(":warning: good= 重复给出")
    english = outage.command(line, user=ALICE)
    assert english.text.startswith(':warning: source=prometheus needs total="<PromQL>"')


# --- alerts and budget notices in the channel's language -----------------------------------------------------


@pytest.fixture
def loop(driver: SlackDriver, clock: FakeClock, zh_reader: str) -> Loop:
    """Two services alike, checkout posting in a Chinese channel, payments in an English one."""
    driver.command(f"/sla service add checkout channel=<#{ZH_CHANNEL}|checkout> oncall=<!subteam^S0ONCALL|oncall>")
    driver.command(f"/sla service add payments channel=<#{EN_CHANNEL}|payments> oncall=<!subteam^S0ONCALL|oncall>")
    driver.command("/sla define checkout api target=99.9 window=30d source=events")
    driver.command("/sla define payments api target=99.9 window=30d source=events")
    chosen = driver.command(f"/sla channel language <#{ZH_CHANNEL}|checkout> zh")
    assert chosen.text.startswith(":speech_balloon:")
    loop = Loop(driver, clock)
    loop.send(CHECKOUT, 3 * 1440, *HEALTHY)
    loop.send(PAYMENTS, 3 * 1440, *HEALTHY)
    return loop


def test_an_alert_speaks_its_channels_language_and_shows_the_same_figures(loop: Loop, slack: LocalSlack) -> None:
    loop.run(1, {CHECKOUT: OUTAGE, PAYMENTS: OUTAGE})
    [chinese] = alert_messages(slack, ZH_CHANNEL)
    [english] = alert_messages(slack, EN_CHANNEL)
    assert chinese["text"] == "紧急告警：checkout/api — 按当前速率，30天预算将在1天9小时后耗尽 <!subteam^S0ONCALL>"
    assert english["text"] == "PAGE: payments/api — at this rate the 30-day budget is gone in 1d 9h <!subteam^S0ONCALL>"
    text = shown(chinese)
    assert ":rotating_light: 紧急告警 · checkout/api 正在消耗错误预算" in text
    assert "*按当前速率，30天预算将在1天9小时后耗尽。* <!subteam^S0ONCALL>" in text
    assert "*紧急告警：1小时 / 5分*\n消耗速率：1小时内16.67×，5分内200×（阈值14.4×）\n1小时内已消耗预算的23.1%" in text
    assert "*剩余预算：* 3,321个事件/4,321个事件（76.9%）" in text
    assert "*计数：* 最近1小时内不良事件1,000个（共60,000个）" in text
    assert "截至2026年11月21日 12:01 UTC · /sla budget checkout/api" in text
    assert button_labels(chinese) == ["确认", "发起事件", "静默1小时", "静默4小时"]
    assert button_labels(english) == ["Acknowledge", "Open incident", "Silence 1h", "Silence 4h"]
    assert "burn 16.67× over 1h, 200× over 5m (threshold 14.4×)" in shown(english)
    assert figures(text) == figures(shown(english))

    loop.run(40, {CHECKOUT: HEALTHY, PAYMENTS: HEALTHY}, every=5)  # both resolve: edited, and a note in the thread
    [resolved] = alert_messages(slack, ZH_CHANNEL)
    assert ":white_check_mark: 已解决 · checkout/api 已回落到告警阈值以下" in shown(resolved)
    assert "RESOLVED · payments/api" in shown(alert_messages(slack, EN_CHANNEL)[0])
    [note] = [m for m in slack.messages(ZH_CHANNEL) if m.get("thread_ts") == resolved["ts"]]
    assert note["text"].startswith(":white_check_mark: 已恢复：checkout/api 的消耗速率已持续一段时间低于阈值（告警持续")
    [english_note] = [m for m in slack.messages(EN_CHANNEL) if m.get("thread_ts") is not None]
    assert english_note["text"].startswith(":white_check_mark: Recovered: payments/api")
    assert figures(note["text"]) == figures(english_note["text"])


def test_budget_notices_speak_their_channels_language(loop: Loop, slack: LocalSlack) -> None:
    # the budget is 0.1% of 4,320,000 events = 4,320 bad events; spend it in old spikes that page nobody
    for ref in (CHECKOUT, PAYMENTS):
        loop.send(ref, 3, 167, 1000, offset=2 * 1440)  # 2,499 bad: 42% left
    loop.run(2)
    assert slack.messages(ZH_CHANNEL)[-1]["text"] == "checkout/api：错误预算剩余不足50%"
    assert slack.messages(EN_CHANNEL)[-1]["text"] == "payments/api: less than 50% of the error budget left"
    chinese, english = shown(slack.messages(ZH_CHANNEL)[-1]), shown(slack.messages(EN_CHANNEL)[-1])
    assert (
        ":large_yellow_circle: *checkout/api*：30天预算剩余不足50%，当前剩余1,821个事件/4,320个事件（42.2%）。\n"
        "请放缓有风险的变更，并排查预算消耗的原因。"
    ) in chinese
    assert figures(chinese) == figures(english)

    for ref in (CHECKOUT, PAYMENTS):
        loop.send(ref, 5, 600, 1000, offset=1440 + 600)  # 2,000 more: exhausted
    loop.run(2)
    freeze = slack.messages(ZH_CHANNEL)[-1]
    assert freeze["text"] == "checkout/api：错误预算已耗尽，变更冻结"
    text = shown(freeze)
    assert ":no_entry: *checkout/api* 已耗尽30天预算，剩余：无（超支" in text and "<!subteam^S0ONCALL>" in text
    assert "*变更冻结：* 根据错误预算策略，在目标恢复达标之前，只发布紧急修复和安全修复。" in text
    assert slack.messages(EN_CHANNEL)[-1]["text"] == "payments/api: error budget exhausted; change freeze"
    assert figures(text) == figures(shown(slack.messages(EN_CHANNEL)[-1]))


def test_the_alert_buttons_answer_the_presser_in_their_language(loop: Loop, driver: SlackDriver) -> None:
    loop.run(1, {CHECKOUT: OUTAGE})
    [message] = alert_messages(driver.slack, ZH_CHANNEL)
    assert driver.click(message, ActionId.ALERT_ACKNOWLEDGE, user=ALICE).responses == []
    [edited] = alert_messages(driver.slack, ZH_CHANNEL)
    assert "<@U0ALICE> 已于2026年11月21日 12:01 UTC确认" in shown(edited)  # the channel's language
    again = driver.click(message, ActionId.ALERT_ACKNOWLEDGE, user=WANG)  # a UserError of the domain, in Chinese
    assert again.responses[0]["text"] == ":warning: <@U0ALICE> 已确认该告警。"
    assert again.responses[0]["response_type"] == "ephemeral"
    late = driver.click(message, ActionId.ALERT_ACKNOWLEDGE, user=ALICE)
    assert late.responses[0]["text"] == ":warning: <@U0ALICE> already acknowledged this alert."

    silenced = driver.click(message, ActionId.ALERT_SILENCE_1H, user=WANG)
    assert silenced.responses[0]["text"] == (
        ":mute: checkout/api（page:2%:1h/5m）已静默至2026年11月21日 13:01 UTC，期间不再提醒。"
    )
    english = driver.click(message, ActionId.ALERT_SILENCE_4H, user=ALICE)
    assert (
        english.responses[0]["text"] == ":mute: No pings for checkout/api (page:2%:1h/5m) until 2026-11-21 16:01 UTC."
    )
    assert ":mute: 已静默至2026年11月21日 16:01 UTC" in shown(alert_messages(driver.slack, ZH_CHANNEL)[0])

    driver.click(message, ActionId.ALERT_OPEN_INCIDENT, user=WANG)
    [opened] = driver.slack.calls_to("views.open")
    view = opened.args["view"] if isinstance(opened.args["view"], dict) else json.loads(opened.args["view"])
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs[BlockId.INCIDENT_TITLE]["initial_value"] == "checkout/api 正在消耗错误预算（1小时内16.67×）"
