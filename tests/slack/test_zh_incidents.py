"""Incidents and their SLA timers in Chinese (issue 16): in a channel that reads Chinese the announcement, its
thread notes, the refreshed announcement and the timer warnings and breaches are Chinese whoever opened the
incident; in an English channel they stay English. A Chinese person's replies, lists, errors and forms (Declare
incident, Resolve incident) are Chinese, and so is an error under a button they press."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from slabot.devtools.console_views import fill, submitted_state
from slabot.devtools.localslack import LocalSlack
from slabot.render.ids import ActionId, BlockId, CallbackId, FormField, InputId
from tests.conftest import FakeClock
from tests.driver import SlackDriver, command_body, published_view, signed_headers
from tests.loop import Loop

CHECK, PAY = "C0CHECK", "C0PAY"
ZH, EN = "U0WANG", "U0ALICE"


@pytest.fixture
def services(driver: SlackDriver, slack: LocalSlack) -> SlackDriver:
    """checkout posts in #checkout, which reads Chinese; payments in #payments, which keeps English. U0WANG's
    Slack is Chinese, U0ALICE's English."""
    slack.locales[ZH] = "zh-CN"
    driver.command(f"/sla service add checkout channel=<#{CHECK}|checkout> oncall=<@U0ONCALL|oncall>")
    driver.command(f"/sla service add payments channel=<#{PAY}|payments>")
    set_language = driver.command(f"/sla channel language <#{CHECK}|checkout> zh")
    assert "中文" in set_language.text
    return driver


def top_level(slack: LocalSlack, channel: str) -> list[dict[str, Any]]:
    return [m for m in slack.messages(channel) if m.get("thread_ts") in (None, m["ts"]) and m.get("bot_id")]


def announcement(slack: LocalSlack, channel: str) -> dict[str, Any]:
    return top_level(slack, channel)[0]


def thread(slack: LocalSlack, channel: str) -> list[str]:
    parent = announcement(slack, channel)
    return [
        m["text"] for m in slack.messages(channel) if m.get("thread_ts") == parent["ts"] and m["ts"] != parent["ts"]
    ]


def buttons(message: dict[str, Any]) -> list[str]:
    return [e["text"]["text"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def texts(blocks: list[dict[str, Any]]) -> str:
    found: list[str] = []
    for block in blocks:
        for part in [block.get("text"), block.get("label"), block.get("hint"), *(block.get("fields") or [])]:
            if isinstance(part, dict):
                found.append(part.get("text", ""))
        found += [e["text"] for e in block.get("elements") or [] if isinstance(e.get("text"), str)]
        element = block.get("element") or {}
        if isinstance(element.get("placeholder"), dict):
            found.append(element["placeholder"]["text"])
        found += [o["text"]["text"] for o in element.get("options") or []]
    return "\n".join(found)


def test_a_chinese_channel_reads_the_incident_in_chinese_whoever_opens_it(
    services: SlackDriver, slack: LocalSlack, clock: FakeClock
) -> None:
    opened = services.command("/incident open checkout sev2 支付失败", user=EN, channel=CHECK)
    assert opened.text == ":rotating_light: Opened incident #1 sev2: 支付失败 on checkout."  # the person's English
    posted = announcement(slack, CHECK)
    assert posted["text"] == "事件 #1 sev2：支付失败（checkout，待处理） <@U0ONCALL>"
    assert posted["blocks"][0]["text"]["text"] == ":rotating_light: 事件 #1 sev2：支付失败"
    assert posted["blocks"][1]["text"]["text"] == (
        "*checkout* · sev2 · 影响范围100% · 开始于2026年11月21日 12:00 UTC\n*状态：* 已持续0秒，尚未确认\n"
        "*值班人员：* <@U0ONCALL> · 由 <@U0ALICE> 发起"
    )
    assert buttons(posted) == ["确认", "解决"]
    assert posted["blocks"][-1]["elements"][0]["text"] == (
        "/incident ack 1 · /incident resolve 1 · 后续进展会发在此消息串中"
    )

    clock.advance(minutes=3)
    services.command("/incident ack 1", user=EN, channel=CHECK)
    clock.advance(minutes=2)
    services.command("/incident pause 1 等待银行回复", user=EN, channel=CHECK)
    clock.advance(minutes=10)
    services.command("/incident resume 1", user=EN, channel=CHECK)
    resolved = services.command("/incident resolve 1", user=EN, channel=CHECK)
    assert resolved.text == ":white_check_mark: Resolved incident #1 sev2: 支付失败 on checkout."
    assert thread(slack, CHECK)[:4] == [
        ":eyes: <@U0ALICE> 已确认事件 #1（事件开始后3分）。",
        ":double_vertical_bar: <@U0ALICE> 暂停了事件 #1 的 SLA 计时：等待银行回复",
        ":arrow_forward: <@U0ALICE> 恢复了事件 #1 的 SLA 计时（已暂停10分）。",
        ":white_check_mark: <@U0ALICE> 已解决事件 #1，历时15分。",
    ]
    note = next(m for m in slack.messages(CHECK) if m["text"].startswith(":white_check_mark: <@U0ALICE> 已解决"))
    assert buttons(note) == ["开始 5 Why 分析"]
    assert note["blocks"][-1]["elements"][0]["text"] == "可在此消息串中一起查找根因，或稍后使用 /sla why 1。"
    refreshed = announcement(slack, CHECK)  # edited in place through the outbox
    assert refreshed["text"] == "事件 #1 sev2：支付失败（checkout，已解决） <@U0ONCALL>"
    assert "*状态：* 已解决，历时15分" in refreshed["blocks"][1]["text"]["text"]
    assert buttons(refreshed) == ["开始 5 Why 分析"]


def test_the_same_flow_in_an_english_channel_stays_english_for_a_chinese_opener(
    services: SlackDriver, slack: LocalSlack, clock: FakeClock
) -> None:
    opened = services.command("/incident open payments sev3 Refunds slow", user=ZH, channel=PAY)
    assert opened.text == ":rotating_light: 已发起事件 #1 sev3：Refunds slow（payments）。"
    assert opened.blocks[-1]["elements"][0]["text"] == "已发布到 <#C0PAY>。"
    posted = announcement(slack, PAY)
    assert posted["text"] == "Incident #1 sev3: Refunds slow on payments (open)"
    assert "*Status:* open for 0s, not acknowledged" in posted["blocks"][1]["text"]["text"]
    assert "nobody set (/sla service edit)" in posted["blocks"][1]["text"]["text"]
    assert buttons(posted) == ["Acknowledge", "Resolve"]
    clock.advance(minutes=4)
    acked = services.command("/incident ack 1", user=ZH, channel=PAY)
    assert acked.text == ":eyes: 已确认事件 #1 sev3：Refunds slow（payments）。"
    assert thread(slack, PAY) == [":eyes: <@U0WANG> acknowledged incident #1 (4m after it started)."]
    assert announcement(slack, PAY)["text"] == "Incident #1 sev3: Refunds slow on payments (acknowledged)"
    assert services.command("/incident ack 1", user=EN, channel=PAY).text == (
        ":warning: Incident #1 was already acknowledged by <@U0WANG> at 2026-11-21 12:04 UTC."
    )
    assert services.command("/incident ack 1", user=ZH, channel=PAY).text == (
        ":warning: 事件 #1 已由 <@U0WANG> 于 2026年11月21日 12:04 UTC 确认。"
    )


def test_timer_warnings_and_breaches_follow_the_channels_language(
    services: SlackDriver, slack: LocalSlack, clock: FakeClock
) -> None:
    loop = Loop(services, clock)
    services.command("/incident open checkout sev2 支付失败", user=EN, channel=CHECK)
    services.command("/incident open payments sev2 Refunds slow", user=ZH, channel=PAY)
    loop.run(15)  # half of sev2's 30m response target
    assert thread(slack, CHECK) == [
        ":hourglass_flowing_sand: 事件 #1 的响应（确认）时限已过去50%：剩余15分，截止2026年11月21日 12:30 UTC"
        "（已用50.0%）。"
    ]
    assert thread(slack, PAY)[0].startswith(":hourglass_flowing_sand: 50% of the response (acknowledge) target")
    loop.run(15)  # missed
    assert thread(slack, CHECK)[-1] == (
        ":rotating_light: 事件 #1 已超出响应（确认）时限 30m（截止2026年11月21日 12:30 UTC）。 <@U0ONCALL>"
    )
    [loud] = [m for m in top_level(slack, CHECK) if m["text"].startswith(":rotating_light:")]
    assert loud["text"] == (
        ":rotating_light: checkout 的事件 #1（sev2：支付失败）已超出响应（确认）时限 30m"
        "（截止2026年11月21日 12:30 UTC）。 <@U0ONCALL>"
    )
    assert thread(slack, PAY)[-1] == (
        ":rotating_light: Incident #2 missed its response (acknowledge) target of 30m (due 2026-11-21 12:30 UTC)."
    )
    shown = services.command("/incident show 1", user=ZH, channel=CHECK)
    timers = next(b["text"]["text"] for b in shown.blocks if b.get("text", {}).get("text", "").startswith("*SLA"))
    assert timers.splitlines() == [
        "*SLA 计时*",
        "*响应时限* · 已超时0秒 · 30分/30分（100.0%） · 原定截止2026年11月21日 12:30 UTC · 24x7",
        "*解决时限* · 30分/8小时（6.3%） · 剩余7小时30分 · 截止2026年11月21日 20:00 UTC（7小时30分后） · 24x7",
    ]


def test_a_chinese_persons_list_show_and_errors_are_chinese(services: SlackDriver, clock: FakeClock) -> None:
    assert services.command("/incident list", user=ZH).text == "没有未解决的事件。:tada:"
    assert services.command("/incident list all", user=ZH).text == "还没有记录任何事件。"
    services.command("/incident open checkout sev1 结账接口返回 500", user=EN)
    clock.advance(minutes=5)
    listed = services.command("/incident list", user=ZH)
    assert listed.blocks[0]["text"]["text"] == "未解决的事件（1）"
    assert listed.text == "未解决的事件：#1 sev1：结账接口返回 500（待处理）"
    assert listed.blocks[1]["text"]["text"] == (
        ":rotating_light: *#1 sev1：结账接口返回 500* · checkout\n已持续5分，尚未确认 · 开始于2026年11月21日 12:00 UTC"
    )
    assert listed.blocks[-1]["elements"][0]["text"] == "包括已解决的：/incident list all"
    assert services.command("/incident list", user=EN).blocks[0]["text"]["text"] == "Unresolved incidents (1)"

    shown = services.command("/incident show 1", user=ZH)
    assert shown.text == "事件 #1 sev1：结账接口返回 500（checkout）：已持续5分，尚未确认"
    fields = [f["text"] for f in shown.blocks[1]["fields"]]
    assert fields[:3] == ["*服务*\ncheckout", "*严重级别*\nsev1", "*状态*\n已持续5分，尚未确认"]
    assert fields[5] == "*消息串*\n<#C0CHECK>"
    assert "*时间线*\n2026年11月21日 12:00 UTC · 由 <@U0ALICE> 发起" in shown.all_text

    missing = services.command("/incident ack 99", user=ZH)
    assert missing.text == ":warning: 没有事件 #99。请查看 /incident list all。\n用法：/incident ack <id>"
    severity = services.command("/incident open checkout sev9 宕机", user=ZH)
    assert severity.text.startswith(":warning: 严重级别必须是 sev1、sev2、sev3 或 sev4（输入的是“sev9”）")
    early = services.command("/incident resolve 1 resolved=2h", user=ZH)
    assert early.text.startswith(
        ":warning: resolved= 早于事件开始时间：请选择事件开始之后的时间（见 /incident show 1）。"
    )
    assert services.command("/incident resolve 1 resolved=2h", user=EN).text.startswith(
        ":warning: resolved= is before the incident started: pick a time after its start (see /incident show 1)."
    )
    assert services.command("/incident resume 1", user=ZH).text.startswith(
        ":warning: 事件 #1 未暂停。暂停请用 /incident pause 1 <reason>。"
    )
    assert services.command("/incident list some", user=ZH).text.startswith(
        ":warning: 列表只能是 open 或 all（输入的是“some”）"
    )
    assert "记录事件并在服务频道中公告" in services.command("/incident help", user=ZH).all_text


def test_calendars_and_severity_targets_read_in_chinese(services: SlackDriver) -> None:
    added = services.command(
        "/sla calendar add cn-office tz=Asia/Shanghai hours=mon-fri 09:00-12:00,13:00-18:00 country=CN", user=ZH
    )
    assert added.text == (
        ":calendar: 已添加日历 *cn-office*：Asia/Shanghai 时区 mon-fri 09:00-12:00,13:00-18:00，含 CN 的法定节假日。"
        "一个工作日为8小时，因此 3d 的时限相当于24小时工作时间。"
    )
    day = services.command("/sla calendar holiday cn-office 2026-12-24", user=ZH)
    assert day.text == ":calendar: 2026-12-24 现为日历 *cn-office* 的休息日。"
    listed = services.command("/sla calendar list", user=ZH)
    assert listed.blocks[0]["text"]["text"] == "日历（3）"
    assert "*24x7*（内置） · UTC · 全天候\n用于 sev1、sev2" in listed.all_text
    assert "休息日：2026-12-24" in listed.all_text
    changed = services.command("/sla policy sev3 ack=2h calendar=cn-office", user=ZH)
    assert changed.text.startswith(":white_check_mark: 已更新 sev3 的时限。\n事件 SLA 时限：")
    assert (
        "*sev3* · 响应时限 *2h* · 解决时限 *3d* · 日历 *cn-office*\nmon-fri 09:00-12:00,13:00-18:00（Asia/Shanghai）"
        "：3d 即24小时工作时间"
    ) in changed.all_text
    bad = services.command("/sla calendar holiday cn-office 24.12.2026", user=ZH)
    assert bad.text.startswith(
        ":warning: “24.12.2026”不是日期：请写成 YYYY-MM-DD，例如：/sla calendar holiday cn-office"
    )
    refused = services.command("/sla policy sev3 calendar=moon", user=ZH)
    assert refused.text.startswith(":warning: 没有日历“moon”。请查看 /sla calendar list。")
    assert services.command("/sla calendar remove cn-office", user=ZH).text.startswith(
        ":warning: sev3 正在使用日历 cn-office：请先让它们改用其他日历，例如 /sla policy sev3 calendar=24x7"
    )


def test_the_declare_and_resolve_forms_open_in_the_language_of_the_person(
    services: SlackDriver, slack: LocalSlack
) -> None:
    assert services.interact(shortcut(slack, ZH)).status == 200
    declare = last_view(slack)
    assert declare["callback_id"] == CallbackId.DECLARE_INCIDENT
    assert (declare["title"]["text"], declare["submit"]["text"], declare["close"]["text"]) == (
        "发起事件",
        "发起",
        "取消",
    )
    shown = texts(declare["blocks"])
    for words in (
        "服务",
        "标题",
        "严重级别",
        "影响范围（受影响用户或请求的百分比）",
        "开始时间",
        "sev1 · 紧急",
        "sev4 · 轻微",
    ):
        assert words in shown
    refused = errors_of(services.submit_view(declare, filled("checkout", "   ", impact="0"), user=ZH).body)
    assert refused == {
        BlockId.INCIDENT_TITLE: "请为事件填写标题，例如：结账接口返回 500",
        BlockId.INCIDENT_IMPACT: "请输入大于 0 且不超过 100 的百分比，例如 100 或 12.5。",
    }
    future = errors_of(
        services.submit_view(declare, filled("checkout", "支付失败", started="2999-01-01T00:00"), user=ZH).body
    )
    assert future == {
        BlockId.INCIDENT_STARTED: (
            "started= 是将来的时间：请给出过去的时间，例如 started=30m 或 started=2026-11-21T09:30"
        )
    }
    opened = json.loads(services.submit_view(declare, filled("checkout", "支付失败"), user=ZH).body)
    assert opened["view"]["title"]["text"] == "发起事件"
    assert ":rotating_light: 已发起事件 #1 sev2：支付失败（checkout）。" in json.dumps(
        opened["view"], ensure_ascii=False
    )
    assert announcement(slack, CHECK)["text"].startswith("事件 #1 sev2：支付失败（checkout，待处理）")

    assert services.interact(shortcut(slack, EN)).status == 200
    english = last_view(slack)
    assert (english["title"]["text"], english["submit"]["text"]) == ("Declare incident", "Open")
    assert "sev1 · critical" in texts(english["blocks"])

    before = announcement(slack, CHECK)
    assert services.click(before, ActionId.INCIDENT_RESOLVE, user=ZH).responses == []
    resolve = slack.open_views(ZH)[-1]
    assert resolve["callback_id"] == CallbackId.RESOLVE_FORM
    assert (resolve["title"]["text"], resolve["submit"]["text"], resolve["close"]["text"]) == (
        "解决事件",
        "解决",
        "取消",
    )
    assert "*#1 sev2：支付失败* · *checkout* · 开始于2026年11月21日 12:00 UTC。" in texts(resolve["blocks"])
    assert "解决时间" in texts(resolve["blocks"])
    late = slack.views.type_into(resolve["id"], fill(resolve, [("resolved", "2026-11-21T12:30")]))
    assert errors_of(services.submit_view(late, submitted_state(late), user=ZH).body) == {
        FormField.RESOLVED: "resolved= 是将来的时间：请选择现在或已经过去的时间。"
    }
    assert services.submit_view(resolve, submitted_state(resolve), user=ZH).status == 200
    told = slack.calls_to("chat.postEphemeral")[-1].args
    assert (told["user"], told["text"]) == (ZH, ":white_check_mark: 已解决事件 #1 sev2：支付失败（checkout）。")
    assert services.click(before, ActionId.INCIDENT_RESOLVE, user=EN).responses == []  # pressed a moment late
    notice = last_view(slack)
    assert (notice["title"]["text"], notice["close"]["text"]) == ("Resolve incident", "Close")
    assert "Incident #1 was already resolved by <@U0WANG> at 2026-11-21 12:00 UTC." in texts(notice["blocks"])
    assert services.click(before, ActionId.INCIDENT_RESOLVE, user=ZH).responses == []
    assert "事件 #1 已由 <@U0WANG> 于 2026年11月21日 12:00 UTC 解决。" in texts(last_view(slack)["blocks"])


def test_incident_resolve_typed_alone_opens_the_form_in_the_persons_language(
    services: SlackDriver, slack: LocalSlack
) -> None:
    services.command("/incident open checkout sev2 支付失败", user=EN, channel=CHECK)
    body = command_body(slack, "/incident", "resolve", ZH, CHECK)
    assert services.dispatch(body, signed_headers(services.secret, body)).status == 200
    form = slack.open_views(ZH)[-1]
    assert (form["title"]["text"], form["submit"]["text"]) == ("解决事件", "解决")
    shown = texts(form["blocks"])
    assert "事件\n#1 checkout：支付失败" in shown and "解决时间" in shown
    empty = {key: value for key, value in submitted_state(form).items() if key != FormField.INCIDENT}
    assert errors_of(services.submit_view(form, empty, user=ZH).body) == {
        FormField.INCIDENT: "请选择要解决的事件（或输入其编号，例如 12）。"
    }


def test_an_error_under_a_button_reads_in_the_pressers_language(services: SlackDriver, slack: LocalSlack) -> None:
    services.command("/incident open checkout sev2 支付失败", user=EN, channel=CHECK)
    gone = copy.deepcopy(announcement(slack, CHECK))  # as if incident #99 were announced and then deleted
    for block in gone["blocks"]:
        for element in block.get("elements") or []:
            if isinstance(element, dict) and "value" in element:
                element["value"] = "99"
    pressed = services.click(gone, ActionId.INCIDENT_ACKNOWLEDGE, user=ZH, channel=CHECK)
    assert [r["text"] for r in pressed.responses] == [":warning: 没有事件 #99。请查看 /incident list all。"]
    english = services.click(gone, ActionId.INCIDENT_ACKNOWLEDGE, user=EN, channel=CHECK)
    assert [r["text"] for r in english.responses] == [":warning: There is no incident #99. See /incident list all."]
    acked = services.click(announcement(slack, CHECK), ActionId.INCIDENT_ACKNOWLEDGE, user=ZH, channel=CHECK)
    assert [r["text"] for r in acked.responses] == [":eyes: 已确认事件 #1 sev2：支付失败（checkout）。"]
    assert thread(slack, CHECK) == [":eyes: <@U0WANG> 已确认事件 #1（事件开始后0秒）。"]


def shortcut(slack: LocalSlack, user: str) -> dict[str, Any]:
    return {
        "type": "shortcut",
        "callback_id": CallbackId.SHORTCUT_DECLARE_INCIDENT,
        "trigger_id": slack.new_trigger_id(user),
        "user": {"id": user, "username": user.lower(), "team_id": slack.team_id},
        "team": {"id": slack.team_id, "domain": "local"},
        "api_app_id": "A0TEST",
        "token": "legacy",
        "action_ts": "1700000000.1",
        "is_enterprise_install": False,
    }


def last_view(slack: LocalSlack) -> dict[str, Any]:
    return published_view(slack.calls_to("views.open")[-1])


def filled(service: str, title: str, started: str = "", impact: str = "100") -> dict[str, dict[str, dict[str, Any]]]:
    option = {"value": "2", "text": {"type": "plain_text", "text": "sev2"}}
    return {
        BlockId.INCIDENT_SERVICE: {
            InputId.SERVICE: {
                "type": "static_select",
                "selected_option": {"value": service, "text": {"type": "plain_text", "text": service}},
            }
        },
        BlockId.INCIDENT_TITLE: {InputId.TITLE: {"type": "plain_text_input", "value": title}},
        BlockId.INCIDENT_SEVERITY: {InputId.SEVERITY: {"type": "static_select", "selected_option": option}},
        BlockId.INCIDENT_IMPACT: {InputId.IMPACT: {"type": "plain_text_input", "value": impact}},
        BlockId.INCIDENT_STARTED: {InputId.STARTED: {"type": "plain_text_input", "value": started or None}},
    }


def errors_of(body: str) -> dict[str, str]:
    answer = json.loads(body)
    assert answer["response_action"] == "errors", answer
    return dict(answer["errors"])
