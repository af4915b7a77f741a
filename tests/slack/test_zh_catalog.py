"""The service catalogue and objectives in Chinese (issue 16): a Chinese reader adds, lists, edits and removes
services and objectives, exports and sets maintenance windows, and is refused in Chinese; an English reader in the
same channel reads the same things in English."""

from __future__ import annotations

from sqlmodel import select

from commands.catalog import read_definition
from slabot.devtools.localslack import LocalSlack
from storage.models.catalog import Objective, Service
from tests.driver import SlackDriver

ZH, EN = "U0WANG", "U0ALICE"
DEFINE = '/sla define checkout availability target=99.9 window=30d description="结账接口可用性"'


def chinese(slack: LocalSlack) -> None:
    slack.locales[ZH] = "zh-CN"


def stored(driver: SlackDriver) -> tuple[list[Service], list[Objective]]:
    with driver.runtime.db.session() as session:
        return list(session.exec(select(Service)).all()), list(session.exec(select(Objective)).all())


def test_a_chinese_reader_adds_lists_defines_and_deletes_in_chinese(driver: SlackDriver, slack: LocalSlack) -> None:
    chinese(slack)
    added = driver.command('/sla service add checkout channel=<#C0CHECK|checkout> owner="支付团队" tier=1', user=ZH)
    assert added.text == (
        ":white_check_mark: 已添加服务：*checkout* · 等级 1 · 频道 <#C0CHECK> · 未设值班人员 · 负责人 支付团队"
    )
    assert "设置 oncall= 之前，事件不会提及任何人：/sla service edit checkout oncall=@someone" in added.all_text
    ((service,), _) = stored(driver)
    assert service.owner == "支付团队"

    listed = driver.command("/sla service list", user=ZH)
    assert listed.blocks[0]["text"]["text"] == "服务（1）"
    assert listed.text == "服务：checkout"

    defined = driver.command(DEFINE, user=ZH)
    assert defined.text == (
        ":white_check_mark: 已定义 *checkout/availability* SLO 目标值 99.9%，统计窗口 30天 · 数据来自事件记录"
        "\n结账接口可用性"
    )
    assert "查看：/sla status checkout 或 /sla budget checkout/availability" in defined.all_text
    assert stored(driver)[1][0].description == "结账接口可用性"

    objectives = driver.command("/sla list checkout", user=ZH)
    assert objectives.blocks[0]["text"]["text"] == "checkout 的目标（1）"
    assert objectives.text == "checkout 的目标：checkout/availability"

    edited = driver.command('/sla edit checkout/availability target=99.95 description="结账可用性"', user=ZH)
    assert edited.text == (
        ":white_check_mark: 已修改 *checkout/availability*："
        '目标值 99.9% → 99.95%；描述 "结账接口可用性" → "结账可用性"。'
    )
    same = driver.command("/sla edit checkout/availability target=99.95", user=ZH)
    assert same.text.startswith(":information_source: 没有变化：*checkout/availability* 已经是这些值。")

    deleted = driver.command("/sla delete checkout/availability", user=ZH)
    assert deleted.text == ":wastebasket: 已删除目标 checkout/availability。"
    assert driver.command("/sla list", user=ZH).text.startswith("还没有目标。可用 /sla define <service> <name>")
    assert stored(driver)[1] == []


def test_an_english_reader_in_the_same_channel_reads_english(driver: SlackDriver, slack: LocalSlack) -> None:
    chinese(slack)
    driver.command('/sla service add checkout owner="支付团队"', user=ZH)
    driver.command(DEFINE, user=ZH)
    assert driver.command("/sla service list", user=EN).text == "Services: checkout"
    assert "owner 支付团队" in driver.command("/sla service list", user=EN).all_text
    listed = driver.command("/sla list", user=EN)
    assert listed.blocks[0]["text"]["text"] == "Objectives (1)"
    assert "*checkout/availability* SLO 99.9% over 30d · from incidents\n结账接口可用性" in listed.all_text
    assert "负责人 支付团队" in driver.command("/sla service list", user=ZH).all_text


def test_field_errors_read_in_the_readers_language(driver: SlackDriver, slack: LocalSlack) -> None:
    chinese(slack)
    driver.command("/sla service add checkout", user=ZH)
    no_target = driver.command("/sla define checkout availability window=30d", user=ZH)
    assert no_target.text.startswith(":warning: 必须给出 target=，例如 target=99.9（百分比）")
    assert "用法：" in no_target.all_text
    bad_target = driver.command("/sla define checkout availability target=abc", user=ZH)
    assert bad_target.text.startswith(":warning: target 必须是大于 0 且小于 100 的百分比，例如 99.9（输入的是“abc”）")
    english = driver.command("/sla define checkout availability target=abc", user=EN)
    assert english.text.startswith(":warning: target must be a percentage above 0 and below 100, like 99.9 (got 'abc')")
    promql = driver.command('/sla define checkout latency target=99 total="sum(http_requests_total)"', user=ZH)
    assert promql.text.startswith(":warning: total= 用于 Prometheus：请加上 source=prometheus")
    tier = driver.command("/sla service edit checkout tier=9", user=ZH)
    assert tier.text.startswith(":warning: tier 必须是 1、2、3 或 4（输入的是“9”）")
    unknown = driver.command("/sla list chekout", user=ZH)
    assert unknown.text.startswith(":warning: 没有服务“chekout”。你是不是指 checkout？")
    assert stored(driver)[1] == []


def test_read_definition_gives_each_fields_error_in_the_locale_asked() -> None:
    options = {"target": "100", "kind": "xlo", "budgeting": "slices", "tz": "Mars/Olympus"}
    definition, errors = read_definition("checkout", "Availability!", options, {}, "zh")
    assert definition is None
    assert errors["name"].startswith("“Availability!”不是有效的目标名：只能使用英文字母、数字")
    assert errors["target"] == "target 必须是大于 0 且小于 100 的百分比，例如 99.9（输入的是“100”）"
    assert errors["kind"] == "kind 必须是 slo, sla 或 ola（输入的是“xlo”）"
    assert errors["tz"] == "tz= 必须是时区，例如 Europe/Berlin、Asia/Shanghai 或 UTC（输入的是“Mars/Olympus”）"
    _, english = read_definition("checkout", "Availability!", options, {})
    assert english["tz"] == "tz= must be a time zone like Europe/Berlin, Asia/Shanghai or UTC (got 'Mars/Olympus')"


def test_names_with_chinese_characters_are_refused_with_what_to_type(driver: SlackDriver, slack: LocalSlack) -> None:
    """Names are ASCII (they become OpenSLO labels and command words): 结账 is refused, in each reader's language."""
    chinese(slack)
    refused = driver.command("/sla service add 结账", user=ZH)
    assert refused.text.startswith(
        ":warning: “结账”不是有效的服务名：只能使用英文字母、数字、-、_ 或 .，"
        "最多 64 个字符，并以字母或数字开头（例如 checkout-api）"
    )
    english = driver.command("/sla service add 结账", user=EN)
    assert english.text.startswith(":warning: '结账' is not a valid service name: use letters, digits")
    driver.command("/sla service add checkout", user=ZH)
    objective = driver.command("/sla define checkout 可用性 target=99.9", user=ZH)
    assert objective.text.startswith(":warning: “可用性”不是有效的目标名")
    assert stored(driver) == ([stored(driver)[0][0]], [])


def test_removing_a_service_and_its_objectives_is_told_in_chinese(driver: SlackDriver, slack: LocalSlack) -> None:
    chinese(slack)
    driver.command("/sla service add checkout", user=ZH)
    driver.command(DEFINE, user=ZH)
    asked = driver.command("/sla service remove checkout", user=ZH)
    assert asked.text == (
        ":warning: checkout 有 1 个目标和 0 个事件；删除该服务会一并删除它们。"
        "确认删除：/sla service remove checkout confirm"
    )
    assert len(stored(driver)[0]) == 1
    removed = driver.command("/sla service remove checkout confirm", user=ZH)
    assert removed.text == ":wastebasket: 已删除服务 checkout，及其 1 个目标和 0 个事件。"
    assert driver.command("/sla service list", user=ZH).text.startswith("还没有服务。可用 /sla service add <name>")


def test_maintenance_and_export_replies_are_chinese(driver: SlackDriver, slack: LocalSlack) -> None:
    chinese(slack)
    assert driver.command("/sla export", user=ZH).text.startswith(":warning: 还没有可导出的服务。")
    driver.command("/sla service add checkout", user=ZH)
    added = driver.command("/sla maintenance add checkout start=2026-11-22T02:00 end=2026-11-22T04:00", user=ZH)
    assert added.text.startswith(":construction: 维护窗口 #1 *checkout（全部目标）* ")
    assert "这段时间内的良好事件和不良事件都不计入。" in added.all_text
    backwards = driver.command("/sla maintenance add checkout start=2026-11-22T04:00 end=2026-11-22T02:00", user=ZH)
    assert backwards.text.startswith(":warning: end= 必须晚于 start=")
    listed = driver.command("/sla maintenance list", user=ZH)
    assert listed.blocks[0]["text"]["text"] == "维护窗口（1）"
    assert listed.text == "维护窗口：#1 checkout（全部目标）"
    assert driver.command("/sla maintenance list", user=EN).text == "Maintenance windows: #1 checkout (all objectives)"
    assert driver.command("/sla maintenance remove 1", user=ZH).text == ":wastebasket: 已删除维护窗口 #1。"
    missing = driver.command("/sla maintenance remove 1", user=ZH)
    assert missing.text.startswith(":warning: 没有维护窗口 #1。请查看 /sla maintenance list。")
    exported = driver.command("/sla export", user=ZH)
    assert exported.text == ":outbox_tray: 正在将服务目录以 OpenSLO YAML 上传到 <#C0OPS>。"
    assert driver.command("/sla export checkout", user=EN).text == (
        ":outbox_tray: Uploading *checkout* as OpenSLO YAML to <#C0OPS>."
    )


def test_the_service_help_and_a_form_that_cannot_open_speak_chinese(driver: SlackDriver, slack: LocalSlack) -> None:
    chinese(slack)
    helped = driver.command("/sla service help", user=ZH).all_text
    assert "（名称最多 64 个字符，owner 最多 200 个字符）" in helped and "注册服务" in helped
    slack.fail_with_error("views.open", "expired_trigger_id")
    unopened = driver.command("/sla service add", user=ZH)
    assert unopened.text.startswith("表单无法打开，请直接输入带选项的命令：/sla service add <name>")
    assert unopened.text.endswith("（名称最多 64 个字符，owner 最多 200 个字符）")
