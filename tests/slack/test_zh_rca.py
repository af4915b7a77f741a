"""The 5-Why, its action items, the postmortem and the satisfaction survey in Chinese: a thread speaks its
channel's language (whoever answers in it), a person is answered in theirs, and Chinese typed by people (answers,
action items, comments, long ones near the limits, counted in characters) works wherever they type it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

import bot
from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from slabot.rca.conversation import ANSWER_MAX
from slabot.rca.postmortem import gather_postmortem
from slabot.render.ids import ActionId, BlockId, InputId
from slabot.render.postmortem import postmortem_markdown
from slabot.runtime.export_rca import run_export
from slabot.runtime.http import create_http_app
from storage.models.rca import ACTION_TEXT_MAX
from tests.csat_helpers import click_ephemeral, ephemeral_message, ratings, replaced, survey_call
from tests.driver import Server, SlackDriver
from tests.slack.test_events import send
from tests.slack.test_rca_conversation import stored
from tests.threads import People

ZH_CHANNEL, EN_CHANNEL = "C0CHECK", "C0PAY"
WANG, ALICE, DANA = "U0WANG", "U0ALICE", "U0DANA"  # Wang reads Chinese; Alice and Dana English
TITLE = "支付接口返回 500"
ANSWERS = [
    "主数据库发生了故障切换。",
    "主库磁盘被写满了",
    "WAL 日志在主库上堆积",
    "副本延迟导致 WAL 无法清理！",
]
CATEGORY_BUTTONS = ["人员", "流程", "技术", "供应商与依赖", "测量", "环境"]


@pytest.fixture
def people(driver: SlackDriver, slack: LocalSlack, runtime: Runtime) -> Iterator[People]:
    slack.locales[WANG] = "zh-CN"
    with Server(create_http_app(runtime, driver.app)) as server:
        yield People(driver, slack, server.url)


def thread_of(driver: SlackDriver, channel: str, incident_id: int) -> str:
    (announcement,) = [
        p for p in driver.posts(channel) if p.args.get("thread_ts") is None and f"#{incident_id}" in p.args["text"]
    ]
    return str(announcement.response["ts"])


def resolved(driver: SlackDriver, service: str, channel: str, *, opener: str = WANG) -> tuple[int, str]:
    """A resolved incident of `service` (posting in `channel`) opened by `opener`; its id and thread."""
    driver.command(f"/sla service add {service} channel={channel}")
    opened = driver.command(f"/incident open {service} sev2 {TITLE} started=40m", user=opener)
    incident_id = int(opened.text.split("#", 1)[1].split(" ", 1)[0])
    driver.command(f"/incident resolve {incident_id}", user=ALICE)
    return incident_id, thread_of(driver, channel, incident_id)


def said(slack: LocalSlack, channel: str, thread: str) -> list[str]:
    return [str(m["text"]) for m in bot_said_in(slack, channel, thread)]


def bot_said_in(slack: LocalSlack, channel: str, thread: str) -> list[dict[str, Any]]:
    return [m for m in slack.messages(channel) if m.get("thread_ts") == thread and m.get("bot_id")]


def buttons_of(message: dict[str, Any]) -> list[str]:
    return [e["text"]["text"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def sections(message: dict[str, Any]) -> str:
    return "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")


def chinese_channel(driver: SlackDriver) -> None:
    driver.command(f"/sla channel language <#{ZH_CHANNEL}|checkout> zh", user=ALICE)


def test_a_5_why_in_a_chinese_channel_asks_in_chinese_and_takes_chinese_answers(
    driver: SlackDriver, slack: LocalSlack, people: People, runtime: Runtime
) -> None:
    chinese_channel(driver)
    incident_id, thread = resolved(driver, "checkout", ZH_CHANNEL)
    started = driver.command(f"/sla why {incident_id}", user=WANG)
    assert started.text == (
        f":mag: 已在 <#{ZH_CHANNEL}> 中事件 #{incident_id} 的讨论串里开始 5 Why 分析。请在讨论串中回答问题。"
    )
    first = bot_said_in(slack, ZH_CHANNEL, thread)[-1]
    assert first["text"] == (
        f":mag: 事件 #{incident_id} 的 5 Why 分析：由 <@{WANG}> 发起。\n*问题 1/5：为什么会发生“{TITLE}”？*"
    )
    assert "回复 `done`（或“完成”）" in first["blocks"][1]["elements"][0]["text"]

    expected = [
        "*问题 2/5：为什么会发生“主数据库发生了故障切换”？*",  # the full stop is dropped from the quote
        "*问题 3/5：为什么会发生“主库磁盘被写满了”？*",
        "*问题 4/5：为什么会发生“WAL 日志在主库上堆积”？*",
        "*问题 5/5：为什么会发生“副本延迟导致 WAL 无法清理”？*",
    ]
    for answer, question in zip(ANSWERS, expected, strict=True):
        people.reply(ZH_CHANNEL, thread, answer, user=WANG)
        assert said(slack, ZH_CHANNEL, thread)[-1] == question
    people.reply(ZH_CHANNEL, thread, "返回", user=DANA)  # back, in Chinese: the last answer comes again
    assert said(slack, ZH_CHANNEL, thread)[-1] == (
        ":leftwards_arrow_with_hook: 重新回答：你的下一条回复将替换“副本延迟导致 WAL 无法清理！”。\n"
        "*问题 4/5：为什么会发生“WAL 日志在主库上堆积”？*"
    )
    people.reply(ZH_CHANNEL, thread, "没有人收到副本延迟的告警", user=DANA)  # Dana reads the thread's Chinese
    people.reply(ZH_CHANNEL, thread, "完成。", user=WANG)

    wrap_up = bot_said_in(slack, ZH_CHANNEL, thread)[-1]
    assert wrap_up["text"] == ":dart: *根因：*没有人收到副本延迟的告警\n请选择类别，然后添加改进项。"
    assert buttons_of(wrap_up) == CATEGORY_BUTTONS
    assert "根因属于鱼骨图的哪个类别？" in sections(wrap_up)
    assert "`action: 增加副本延迟告警 owner=@dana due=2026-12-01`" in sections(wrap_up)

    people.reply(ZH_CHANNEL, thread, "完成", user=WANG)
    assert said(slack, ZH_CHANNEL, thread)[-1] == (
        ":warning: 回复 `done` 之前：请用上方按钮选择类别，并至少添加一项改进项（`action: … owner=@… due=…`）。"
    )
    driver.click(wrap_up, "rca_category:measurement", user=DANA, channel=ZH_CHANNEL)
    edited = next(m for m in bot_said_in(slack, ZH_CHANNEL, thread) if m["ts"] == wrap_up["ts"])
    assert "*类别：*测量" in edited["text"]

    people.reply(ZH_CHANNEL, thread, f"action：增加副本延迟告警owner=<@{DANA}>，due=7天", user=WANG)
    assert said(slack, ZH_CHANNEL, thread)[-1] == (
        f":memo: 已记录改进项：#1 增加副本延迟告警 · <@{DANA}> · 2026-11-28 截止 · 未完成"
    )
    people.reply(ZH_CHANNEL, thread, "改进项：为 WAL 卷设置 80% 告警 owner=me due=2周", user=WANG)
    assert said(slack, ZH_CHANNEL, thread)[-1].endswith(
        f"#2 为 WAL 卷设置 80% 告警 · <@{WANG}> · 2026-12-05 截止 · 未完成"
    )
    people.reply(ZH_CHANNEL, thread, "action: 补充运行手册 owner=me due=昨天", user=WANG)
    assert said(slack, ZH_CHANNEL, thread)[-1] == (
        ":warning: due= 需要日期，如 2026-12-01（或 7d、2w），而不是“昨天”。"
    )
    people.reply(ZH_CHANNEL, thread, "done", user=DANA)

    summary = bot_said_in(slack, ZH_CHANNEL, thread)[-1]
    assert summary["text"] == (
        f"事件 #{incident_id} sev2：{TITLE} 的 5 Why 分析已完成。根因：没有人收到副本延迟的告警（测量）；改进项 2 项。"
    )
    body = sections(summary)
    assert summary["blocks"][0]["text"]["text"] == f":white_check_mark: 事件 #{incident_id} sev2 的 5 Why 分析：{TITLE}"
    assert f"*追问过程*\n问题 1/5：为什么会发生“{TITLE}”？\n      → 主数据库发生了故障切换。（<@{WANG}>）" in body
    assert f"问题 4/5：为什么会发生“WAL 日志在主库上堆积”？\n      → 没有人收到副本延迟的告警（<@{DANA}>）" in body
    assert "*根因：*没有人收到副本延迟的告警\n*类别：*测量" in body
    assert f"*改进项*\n• #1 增加副本延迟告警 · <@{DANA}> · 2026-11-28 截止 · 未完成" in body
    assert f"python bot.py export-rca {incident_id} 可导出复盘报告" in summary["blocks"][-1]["elements"][0]["text"]

    rca, whys, actions = stored(runtime, incident_id)
    assert rca.category == "measurement" and [w.answer for w in whys][-1] == "没有人收到副本延迟的告警"
    assert whys[0].question == f"Why 1/5: why did “{TITLE}” happen?"  # stored in English, shown in the reader's
    assert [(a.text, a.owner_id) for a in actions] == [("增加副本延迟告警", DANA), ("为 WAL 卷设置 80% 告警", WANG)]

    listed = driver.command("/sla actions checkout open", user=WANG)
    assert listed.text == "checkout 未完成的改进项：#1 增加副本延迟告警（未完成）; #2 为 WAL 卷设置 80% 告警（未完成）"
    assert listed.blocks[0]["text"]["text"] == "checkout 未完成的改进项（2）"
    assert (
        driver.command("/sla actions done 1", user=WANG).text == ":white_check_mark: 已关闭改进项 #1：增加副本延迟告警"
    )
    again = driver.command("/sla actions done 1", user=WANG).text
    assert again.startswith(f":warning: 改进项 #1 已由 <@{WANG}> 关闭。")
    english = driver.command("/sla actions done 1", user=ALICE).text
    assert english.startswith(f":warning: Action item #1 was already closed by <@{WANG}>.")

    shown = driver.command(f"/incident show {incident_id}", user=WANG).all_text
    assert "*根因* · 测量\n没有人收到副本延迟的告警" in shown
    assert f"<@{DANA}> 于 2026-11-21 完成了 5 Why 分析（共 4 步）" in shown


def test_the_same_5_why_in_an_english_channel_stays_english_for_a_chinese_person(
    driver: SlackDriver, slack: LocalSlack, people: People
) -> None:
    chinese_channel(driver)  # another channel's language changes nothing here
    incident_id, thread = resolved(driver, "payments", EN_CHANNEL)
    started = driver.command(f"/sla why {incident_id}", user=WANG)  # the reply is Wang's: Chinese
    assert started.text.startswith(f":mag: 已在 <#{EN_CHANNEL}> 中事件 #{incident_id} 的讨论串里开始 5 Why 分析。")
    assert f"*Why 1/5: why did “{TITLE}” happen?*" in said(slack, EN_CHANNEL, thread)[-1]
    people.reply(EN_CHANNEL, thread, ANSWERS[0], user=WANG)
    assert said(slack, EN_CHANNEL, thread)[-1] == "*Why 2/5: why 主数据库发生了故障切换?*"
    people.reply(EN_CHANNEL, thread, "done", user=WANG)
    wrap_up = bot_said_in(slack, EN_CHANNEL, thread)[-1]
    assert buttons_of(wrap_up) == ["People", "Process", "Technology", "Dependencies", "Measurement", "Environment"]
    driver.click(wrap_up, "rca_category:dependencies", user=WANG, channel=EN_CHANNEL)
    people.reply(EN_CHANNEL, thread, "action: 增加告警 owner=me due=7d", user=WANG)
    assert said(slack, EN_CHANNEL, thread)[-1] == (
        f":memo: Action item recorded: #1 增加告警 · <@{WANG}> · due 2026-11-28 · open"
    )
    people.reply(EN_CHANNEL, thread, "完成", user=WANG)
    summary = bot_said_in(slack, EN_CHANNEL, thread)[-1]
    assert summary["text"] == (
        f"5-Why of incident #{incident_id} sev2: {TITLE} finished. "
        "Root cause: 主数据库发生了故障切换。 (Dependencies); 1 action items."
    )
    # a click refused is told to the clicker in their language
    refused = driver.click(wrap_up, "rca_category:people", user=WANG, channel=EN_CHANNEL)
    assert [r["text"] for r in refused.responses] == [
        ":warning: 事件 #1 的此 5 Why 分析已结束；结果见 /incident show。"
    ]
    refused = driver.click(wrap_up, "rca_category:people", user=ALICE, channel=EN_CHANNEL)
    assert refused.responses[0]["text"].startswith(":warning: This 5-Why of incident #1 is no longer running")


def test_long_chinese_answers_and_action_items_are_counted_in_characters(
    driver: SlackDriver, slack: LocalSlack, people: People, runtime: Runtime
) -> None:
    chinese_channel(driver)
    incident_id, thread = resolved(driver, "checkout", ZH_CHANNEL)
    driver.command(f"/sla why {incident_id}", user=WANG)
    longest = "磁" * ANSWER_MAX  # 3000 bytes in UTF-8, 1000 characters: taken
    people.reply(ZH_CHANNEL, thread, longest + "盘", user=WANG)
    assert said(slack, ZH_CHANNEL, thread)[-1] == ":warning: 该回答有 1001 个字符；请控制在 1000 个字符以内。"
    people.reply(ZH_CHANNEL, thread, longest, user=WANG)
    question = said(slack, ZH_CHANNEL, thread)[-1]
    assert question.startswith("*问题 2/5：为什么会发生“磁") and question.endswith("磁”？*")
    people.reply(ZH_CHANNEL, thread, "根因", user=WANG)
    driver.click(bot_said_in(slack, ZH_CHANNEL, thread)[-1], "rca_category:technology", user=WANG, channel=ZH_CHANNEL)
    too_long = "扩" * (ACTION_TEXT_MAX + 1)
    people.reply(ZH_CHANNEL, thread, f"action: {too_long} owner=me due=7d", user=WANG)
    assert said(slack, ZH_CHANNEL, thread)[-1] == ":warning: 该改进项有 501 个字符；请控制在 500 个字符以内。"
    people.reply(ZH_CHANNEL, thread, f"action: {too_long[1:]} owner=me due=7d", user=WANG)
    people.reply(ZH_CHANNEL, thread, "action: 补充告警 due=7d", user=WANG)
    assert said(slack, ZH_CHANNEL, thread)[-1] == (
        ":warning: 改进项需要 owner=，例如：action: 增加副本延迟告警 owner=@dana due=2026-12-01"
    )
    people.reply(ZH_CHANNEL, thread, "done", user=WANG)
    summary = bot_said_in(slack, ZH_CHANNEL, thread)[-1]
    assert summary["text"].startswith(f"事件 #{incident_id} sev2：{TITLE} 的 5 Why 分析已完成。根因：磁")
    _, whys, actions = stored(runtime, incident_id)
    assert whys[0].answer == longest and actions[0].text == too_long[1:]
    first_why = next(b for b in summary["blocks"] if b["type"] == "section")["text"]["text"]
    assert first_why.endswith(f"{longest}（<@{WANG}>）")  # each why in its own section: nothing cut off
    assert all(len(b["text"]["text"]) <= 3000 for b in summary["blocks"] if b["type"] == "section")


def test_the_postmortem_is_exported_in_the_language_asked_for(
    driver: SlackDriver, slack: LocalSlack, people: People, runtime: Runtime
) -> None:
    chinese_channel(driver)
    incident_id, thread = resolved(driver, "checkout", ZH_CHANNEL)
    driver.command(f"/sla why {incident_id}", user=WANG)
    people.reply(ZH_CHANNEL, thread, ANSWERS[0], user=WANG)
    people.reply(ZH_CHANNEL, thread, "主库磁盘被写满了", user=WANG)
    people.reply(ZH_CHANNEL, thread, "完成", user=WANG)
    driver.click(bot_said_in(slack, ZH_CHANNEL, thread)[-1], "rca_category:process", user=WANG, channel=ZH_CHANNEL)
    people.reply(ZH_CHANNEL, thread, "action: 给磁盘加容量告警 | 扩容 owner=me due=7d", user=WANG)
    people.reply(ZH_CHANNEL, thread, "完成", user=WANG)

    out, err = io.StringIO(), io.StringIO()
    assert run_export(runtime, incident_id, "-", out, err, "zh") == 0
    markdown = out.getvalue()
    assert markdown.startswith(f"# 复盘报告：事件 #{incident_id} sev2 — {TITLE}\n\n- **服务：**checkout\n")
    assert "- **状态：**已解决\n" in markdown and "- **解决用时：**40分\n" in markdown
    assert "## 时间线\n\n| 时间 | 事件 | 人员 | 详情 |\n| --- | --- | --- | --- |\n" in markdown
    assert f"| 2026年11月21日 12:00 UTC | 5 Why 分析开始（命令） | @{WANG} |  |" in markdown
    assert f"**问题 2/5：为什么会发生“主数据库发生了故障切换”？**\n\n主库磁盘被写满了 — @{WANG}" in markdown
    assert "## 根因\n\n主库磁盘被写满了\n\n类别（鱼骨图）：流程" in markdown
    assert f"| #1 | 给磁盘加容量告警 \\| 扩容 | @{WANG} | 2026-11-28 | 未完成 |" in markdown
    assert "## 满意度\n\n未评分。" in markdown
    assert "Postmortem" not in markdown and "Root cause" not in markdown

    with runtime.db.session() as session:
        postmortem = gather_postmortem(session, incident_id, runtime.settings.timezone, runtime.now())
    english = postmortem_markdown(postmortem, runtime.settings.timezone, locale="en")
    assert english.startswith(f"# Postmortem: incident #{incident_id} sev2 — {TITLE}")
    assert "**Why 2/5: why 主数据库发生了故障切换?**" in english and "Category (fishbone): Process" in english
    out = io.StringIO()
    assert run_export(runtime, incident_id, "-", out, err) == 0 and out.getvalue() == english  # English unless asked
    assert run_export(runtime, 99, "-", out, err, "zh") == 1 and "#99" in err.getvalue()
    args = bot._parser().parse_args(["export-rca", str(incident_id), "--language", "zh"])
    assert (args.incident, args.language) == (incident_id, "zh")
    assert bot._parser().parse_args(["export-rca", "1"]).language == "en"


def test_the_satisfaction_survey_asks_a_chinese_opener_in_chinese(driver: SlackDriver, slack: LocalSlack) -> None:
    slack.locales[WANG] = "zh-CN"
    resolved(driver, "checkout", EN_CHANNEL)  # the channel is English; the survey is Wang's alone
    call = survey_call(driver)
    assert call.args["user"] == WANG
    assert call.args["text"] == f"事件 #1 {TITLE} 处理得怎么样？1 = 很差，5 = 很好"
    context = next(b for b in call.args["blocks"] if b["type"] == "context")["elements"][0]["text"]
    assert context == "你的评分会显示在 /incident show 1 和每周摘要中。"

    survey = ephemeral_message(call)
    click = click_ephemeral(driver, survey, "csat_rate:4", user=WANG)
    (thanks,) = click.responses
    assert thanks["text"] == "谢谢！你给事件 #1 的评分是 4/5。"
    (button,) = [b["accessory"] for b in thanks["blocks"] if b.get("accessory")]
    assert (button["action_id"], button["text"]["text"]) == (ActionId.CSAT_COMMENT, "添加评论")
    refused = click_ephemeral(driver, survey, "csat_rate:1", user=ALICE)  # not the opener: told in English
    assert refused.responses[0]["text"].startswith(":warning: Only <@U0WANG>, who opened incident #1, rates it.")

    before = len(slack.calls_to("views.open"))
    click_ephemeral(driver, replaced(survey, thanks), ActionId.CSAT_COMMENT, user=WANG)
    (opened,) = slack.calls_to("views.open")[before:]
    view = opened.args["view"]
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == ("你的评论", "保存", "取消")
    (field,) = [b for b in view["blocks"] if b["type"] == "input"]
    assert field["label"]["text"] == "哪些做得好，哪些可以改进？"

    def values(text: str) -> dict[str, dict[str, dict[str, Any]]]:
        return {BlockId.CSAT_COMMENT: {InputId.COMMENT: {"type": "plain_text_input", "value": text}}}

    empty = json.loads(driver.submit_view(view, values("  "), user=WANG).body)
    assert empty["errors"] == {BlockId.CSAT_COMMENT: "请写几句话，或点击“取消”。"}
    too_long = json.loads(driver.submit_view(view, values("好" * 1001), user=WANG).body)
    assert too_long["errors"] == {BlockId.CSAT_COMMENT: "请控制在 1000 个字符以内。"}
    saved = json.loads(driver.submit_view(view, values("处理很及时，" + "好" * 994), user=WANG).body)
    assert saved["response_action"] == "update" and saved["view"]["title"]["text"] == "谢谢"
    texts = [b["text"]["text"] for b in saved["view"]["blocks"] if b["type"] == "section"]
    assert texts == [":pray: 你对事件 #1 的评论已保存。感谢你帮助我们改进。"]
    assert ratings(driver)[0].comment == "处理很及时，" + "好" * 994  # 1000 characters, 3000 bytes

    shown = driver.command("/incident show 1", user=WANG).all_text
    assert f"*满意度*\n<@{WANG}> 评分 4/5：“处理很及时，好好" in shown


def test_a_mention_is_answered_in_the_channels_language(driver: SlackDriver) -> None:
    chinese_channel(driver)
    for channel, ts in ((ZH_CHANNEL, "1700000000.000100"), (EN_CHANNEL, "1700000000.000200")):
        event = {"type": "app_mention", "user": WANG, "text": "<@U0SLABOT> hi", "channel": channel, "ts": ts}
        assert send(driver, event) == 200
    (zh,) = driver.posts(ZH_CHANNEL)
    (en,) = driver.posts(EN_CHANNEL)
    assert zh.args["text"] == "你好！我负责管理你的服务等级。试试 `/sla help` 或 `/incident help`。"
    assert en.args["text"] == "Hi! I keep your service levels. Try `/sla help` or `/incident help`."
