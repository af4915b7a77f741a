"""The console in Chinese (issue 16): with SLABOT_LANGUAGE=zh its person reads Chinese everywhere, slabot's replies
and the console's own words (banner, help, "[you clicked …]", a form's kinds and errors, "[… submitted and
closed]"), even when an earlier English session left their Slack locale remembered; `click` takes Chinese
labels, `submit` keys stay the form's field ids. With SLABOT_LANGUAGE=en the same session stays English."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from slabot.config.runtime import Runtime
from slabot.devtools.console import run_console
from storage.models.catalog import Service
from tests.slack.test_console_shortcuts import after

ZH_SESSION = """\
/sla help
hello
submit name=x
/sla service add
submit name="bad name!" tier=一
submit name="bad name!"
submit name=checkout channel=C0CHECK
/incident open checkout sev2 支付失败
click 确认
click  解决
submit resolved=2999-01-01T00:00
cancel
home
click 新建目标
submit service=nope
cancel
click 没有这个按钮
"""


def speaking(runtime: Runtime, language: str) -> Runtime:
    return replace(runtime, settings=replace(runtime.settings, language=language))  # type: ignore[arg-type]


def session(runtime: Runtime, script: str) -> str:
    out = io.StringIO()
    assert run_console(runtime, io.StringIO(script), out, interactive=False) == 0
    text = out.getvalue()
    assert "Traceback" not in text and "Slack refused" not in text and "Slack would" not in text
    return text


@pytest.fixture
def chinese(runtime: Runtime) -> str:
    """A Chinese session, after an English one that left the console person's Slack locale (en-US) remembered."""
    assert "Usage" not in session(speaking(runtime, "en"), "/sla help\n")
    return session(speaking(runtime, "zh"), ZH_SESSION)


def test_the_banner_help_and_slabots_replies_are_chinese(chinese: str) -> None:
    assert chinese.startswith("slabot 控制台：输入斜杠命令，如 /sla help 或 /incident help；")
    assert "`shortcut <name>` 运行快捷方式（shortcut Declare incident; shortcut Incident from message" in chinese
    assert "（键是 [方括号] 中的字段 ID，在所有语言中都相同）" in chinese
    helped = after(chinese, "/sla help")
    assert helped.startswith("[仅你可见]\n服务等级\n") and "`/sla service list`  列出服务" in helped
    hello = after(chinese, "hello")
    assert hello.startswith("请输入斜杠命令（如 /sla help）；`> text` 在消息串中回复；`click <button>` 点击按钮；")
    assert "`submit` 的键是表单的字段 ID，显示在各字段旁的 [方括号] 中，在所有语言中都相同" in hello
    assert after(chinese, "submit name=x") == "当前没有打开的表单：按钮或命令会打开表单。\n"


def test_a_form_is_printed_refused_and_submitted_in_chinese_with_its_field_ids_as_keys(chinese: str) -> None:
    opened = after(chinese, "/sla service add")
    assert opened.startswith("[表单已打开 · submit key=value … · click <button> · cancel]\n┌ 新建服务\n")
    assert "• 名称 [name]（文本）\n    = （空）" in opened and "• 频道 [channel]（频道 ID，可选）" in opened
    assert "• 等级 [tier]（单选，可选）\n    选项：等级 1 | 等级 2 | 等级 3 | 等级 4" in opened
    assert "[添加] [取消]" in opened
    option = after(chinese, 'submit name="bad name!" tier=一')
    assert option == "⚠️ 等级：没有选项“一”；请从以下选项中选择：等级 1 | 等级 2 | 等级 3 | 等级 4\n"
    refused = after(chinese, 'submit name="bad name!"')
    assert refused.startswith("[表单未提交 · submit key=value … · click <button> · cancel]\n┌ 新建服务")
    assert "    = bad name!\n    ⚠️ 名称：“bad name!”不是有效的服务名：只能使用英文字母、数字" in refused
    done = after(chinese, "submit name=checkout channel=C0CHECK")
    assert done.startswith("[新建服务已提交并关闭]\n\n[仅你可见]\n✅ 已添加服务：*checkout* · 频道 #C0CHECK")


def test_click_takes_chinese_labels_and_says_what_it_did_in_chinese(chinese: str, runtime: Runtime) -> None:
    announced = after(chinese, "/incident open checkout sev2 支付失败")
    assert "🚨 事件 #1 sev2：支付失败" in announced and "  [确认] [解决]" in announced
    acknowledged = after(chinese, "click 确认")
    assert acknowledged.startswith("[你点击了 确认]\n\n[#C0CHECK · ")
    assert (
        "的消息串 · slabot · ts " in acknowledged and "👀 @U0CONSOLE 已确认事件 #1（事件开始后0秒）。" in acknowledged
    )
    assert "[#C0CHECK · slabot 编辑了消息 " in acknowledged
    resolving = after(chinese, "click  解决")  # any run of spaces
    assert resolving.startswith("[你点击了 解决]\n\n[表单已打开 · ")
    assert "┌ 解决事件" in resolving and "• 解决时间 [resolved]（日期和时间，如 2026-12-01T09:30）" in resolving
    late = after(chinese, "submit resolved=2999-01-01T00:00")
    assert "    ⚠️ 解决时间：resolved= 是将来的时间：请选择现在或已经过去的时间。" in late
    assert after(chinese, "cancel") == "[解决事件已关闭]\n"
    home = after(chinese, "home")
    assert home.startswith("[你的主页 · slabot · click <button>]\n服务等级\n")
    assert "*目标*（全部服务）：" in home and "[发起事件] [新建服务] [新建目标] [维护窗口]" in home
    assert after(chinese, "click 新建目标").startswith("[你点击了 新建目标]\n\n[表单已打开 · ")
    assert after(chinese, "submit service=nope") == "⚠️ 服务：没有选项“nope”；请从以下选项中选择：checkout\n"
    assert after(chinese, "click 没有这个按钮") == "最近的消息中没有名为“没有这个按钮”的按钮。\n\n"  # the last line
    with runtime.db.session() as session:
        assert session.get(Service, 1) is not None  # stored once everything was valid


def test_the_same_session_in_english_stays_english(runtime: Runtime) -> None:
    session(speaking(runtime, "zh"), "/sla help\n")  # a Chinese session first: English must not be overridden
    english = session(speaking(runtime, "en"), ZH_SESSION.replace("确认", "Acknowledge").replace("解决", "Resolve"))
    assert english.startswith("slabot console: type slash commands like /sla help or /incident help;")
    assert after(english, "/sla help").startswith("[only you can see this]\nService levels\n")
    assert after(english, "submit name=x") == "No form is open: a button or command opens one.\n"
    assert after(english, "/sla service add").startswith(
        "[modal opened · submit key=value … · click <button> · cancel]"
    )
    assert "• Name [name] (text)\n    = (empty)" in after(english, "/sla service add")
    assert after(english, "click Acknowledge").startswith("[you clicked Acknowledge]\n\n[#C0CHECK · thread of ")
    assert "[Resolve incident submitted and closed]" not in english
    assert after(english, "cancel") == "[Resolve incident closed]\n"
