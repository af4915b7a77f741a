"""The definition and settings forms in Chinese (issue 16): a Chinese person's /sla define, /sla service add,
/sla maintenance add, /sla edit <svc>/<obj>, /sla policy, /sla calendar add and /sla digest add open their modal in
Chinese (title, labels, options, buttons) and refuse a bad value with the Chinese error beside its field; an
English person in the same channel gets the same forms in English. Every view opened passes the local Slack's
limits; a form opened in Chinese is read back by block_id and laid out again in Chinese; the alert policy (its
reply, its rules refused) reads in the person's language; the console's `submit` fills a Chinese form."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import pytest
from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.devtools.console import run_console
from slabot.devtools.console_views import fill, submitted_state
from slabot.devtools.localslack import LocalSlack
from slabot.devtools.localslack.view_limits import MODAL_TEXT_MAX, check_view
from slabot.render.ids import ActionId
from slabot.slack.modals.form_inputs import FormOrigin
from storage.models.alerting import AlertRule
from storage.models.catalog import Service
from tests.driver import CHANNEL, SlackDriver, command_body, published_view, signed_headers

ZH, EN = "U0WANG", "U0ALICE"


@pytest.fixture
def catalogue(driver: SlackDriver, slack: LocalSlack) -> SlackDriver:
    """A Chinese reader (Slack locale zh-CN) and an English one; a service with an event-based objective."""
    slack.locales[ZH] = "zh-CN"
    driver.command("/sla service add checkout channel=C0CHECK", user=EN)
    driver.command("/sla define checkout requests target=99.9 source=events", user=EN)
    return driver


def open_form(driver: SlackDriver, line: str, user: str) -> dict[str, Any]:
    """Type `line` as `user`: the modal it opened for them (no reply through response_url)."""
    command, _, text = line.partition(" ")
    before = len(driver.slack.calls_to("response_url"))
    body = command_body(driver.slack, command, text, user, CHANNEL)
    assert driver.dispatch(body, signed_headers(driver.secret, body)).status == 200
    assert len(driver.slack.calls_to("response_url")) == before, driver.slack.calls_to("response_url")[-1].args
    return driver.slack.open_views(user)[-1]


def submit(driver: SlackDriver, view: dict[str, Any], user: str, **typed: str) -> dict[str, Any]:
    """Type `typed` into the open modal (by block_id; a select by an option's value) and submit it."""
    shown = driver.slack.views.type_into(view["id"], fill(view, list(typed.items())))
    ack = driver.submit_view(shown, submitted_state(shown), user=user)
    assert ack.status == 200, ack.body
    return json.loads(ack.body) if ack.body else {}


def labels(view: dict[str, Any]) -> dict[str, str]:
    return {str(b["block_id"]): b["label"]["text"] for b in view["blocks"] if b["type"] == "input"}


def options(view: dict[str, Any], block: str) -> list[str]:
    (element,) = [b["element"] for b in view["blocks"] if b.get("block_id") == block]
    groups = element.get("option_groups") or [{"options": element.get("options") or []}]
    return [option["text"]["text"] for group in groups for option in group["options"]]


def buttons(view: dict[str, Any]) -> tuple[str, str, str]:
    return view["title"]["text"], view["submit"]["text"], view["close"]["text"]


# (command, {locale: (title, submit, close)}, {locale: {block_id: label}}, bad values, block, {locale: error})
FORMS = [
    (
        "/sla service add",
        {"zh": ("新建服务", "添加", "取消"), "en": ("New service", "Add", "Cancel")},
        {"zh": {"name": "名称", "oncall_group": "或值班用户组", "tier": "等级"},
         "en": {"name": "Name", "oncall_group": "Or on-call user group", "tier": "Tier"}},
        {"name": "che/ckout"},
        "name",
        {"zh": "“che/ckout”不是有效的服务名：只能使用英文字母、数字、-、_ 或 .，最多 64 个字符，并以字母或数字开头"
               "（例如 checkout-api）",
         "en": "'che/ckout' is not a valid service name"},
    ),
    (
        "/sla define",
        {"zh": ("新建目标", "定义", "取消"), "en": ("New objective", "Define", "Cancel")},
        {"zh": {"service": "服务", "kind": "类型", "target": "目标值（%）", "window": "统计窗口", "source": "数据来源"},
         "en": {"service": "Service", "kind": "Kind", "target": "Target (%)", "window": "Window", "source": "Source"}},
        {"service": "checkout", "name": "latency", "target": "abc"},
        "target",
        {"zh": "target 必须是大于 0 且小于 100 的百分比，例如 99.9（输入的是“abc”）",
         "en": "target must be a percentage above 0 and below 100, like 99.9 (got 'abc')"},
    ),
    (
        "/sla maintenance add",
        {"zh": ("维护窗口", "添加", "取消"), "en": ("Maintenance window", "Add", "Cancel")},
        {"zh": {"objective": "仅限此目标", "start": "开始", "end": "结束", "reason": "原因"},
         "en": {"objective": "Only this objective", "start": "Start", "end": "End", "reason": "Reason"}},
        {"service": "checkout", "objective": "No/pe"},
        "objective",
        {"zh": "“No/pe”不是有效的目标名", "en": "'No/pe' is not a valid objective name"},
    ),
    (
        "/sla edit checkout/requests",
        {"zh": ("编辑目标", "保存", "取消"), "en": ("Edit objective", "Save", "Cancel")},
        {"zh": {"target": "目标值（%）", "budgeting": "预算方式", "description": "描述"},
         "en": {"target": "Target (%)", "budgeting": "Budgeting", "description": "Description"}},
        {"target": "101"},
        "target",
        {"zh": "target 必须是大于 0 且小于 100 的百分比，例如 99.9（输入的是“101”）",
         "en": "target must be a percentage above 0 and below 100, like 99.9 (got '101')"},
    ),
    (
        "/sla policy",
        {"zh": ("告警策略", "保存", "取消"), "en": ("Alert policy", "Save", "Cancel")},
        {"zh": {"objective": "目标", "rules": "消耗速率规则", "min_events": "发紧急告警所需的最少事件数（min_events）",
                "reset": "默认值"},
         "en": {"objective": "Objective", "rules": "Burn-rate rules", "min_events": "Least events to page (min_events)",
                "reset": "Defaults"}},
        {"objective": "checkout/requests", "rules": "page:2%:5m/1h"},
        "rules",
        {"zh": "“page:2%:5m/1h”：短窗口必须短于长窗口，例如 page:2%:1h/5m 或 ticket:10%:3d/6h",
         "en": "'page:2%:5m/1h': the short window must be shorter than the long one, like page:2%:1h/5m or "
               "ticket:10%:3d/6h"},
    ),
    (
        "/sla calendar add",
        {"zh": ("工作日历", "添加", "取消"), "en": ("Business calendar", "Add", "Cancel")},
        {"zh": {"name": "名称", "tz": "时区", "hours": "工作时间", "country": "国家/地区（法定节假日）"},
         "en": {"name": "Name", "tz": "Time zone", "hours": "Working hours", "country": "Country (public holidays)"}},
        {"name": "cn-office", "tz": "Mars/Olympus"},
        "tz",
        {"zh": "tz= 必须是时区，例如 Europe/Berlin、Asia/Shanghai 或 UTC（输入的是“Mars/Olympus”）",
         "en": "tz= must be a time zone like Europe/Berlin, Asia/Shanghai or UTC (got 'Mars/Olympus')"},
    ),
    (
        "/sla digest add",
        {"zh": ("每周摘要", "添加", "取消"), "en": ("Weekly digest", "Add", "Cancel")},
        {"zh": {"channel": "频道", "services": "服务", "day": "星期", "time": "时间", "tz": "时区"},
         "en": {"channel": "Channel", "services": "Services", "day": "Day", "time": "Time", "tz": "Time zone"}},
        {"time": "25:00"},
        "time",
        {"zh": "time= 必须是24小时制的时间，例如 09:00 或 17:30（收到的是“25:00”）",
         "en": "time= must be a time of day on a 24-hour clock, like 09:00 or 17:30 (got '25:00')"},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("line", "titles", "shown", "bad", "block", "errors"), FORMS, ids=[f[0] for f in FORMS])
def test_each_form_opens_in_the_persons_language_and_refuses_in_it_beside_the_field(
    catalogue: SlackDriver,
    line: str,
    titles: dict[str, tuple[str, str, str]],
    shown: dict[str, dict[str, str]],
    bad: dict[str, str],
    block: str,
    errors: dict[str, str],
) -> None:
    driver = catalogue
    services = [service.name for service in rows(driver, Service)]
    for user, locale in ((ZH, "zh"), (EN, "en")):
        view = open_form(driver, line, user)
        assert buttons(view) == titles[locale]
        assert FormOrigin.loads(view["private_metadata"]).locale == locale
        found = labels(view)
        assert {key: found.get(key) for key in shown[locale]} == shown[locale]
        answer = submit(driver, view, user, **bad)
        assert answer["response_action"] == "errors", answer
        assert errors[locale] in answer["errors"][block]
        assert [service.name for service in rows(driver, Service)] == services  # nothing stored
        assert driver.slack.open_views(user)  # the form stays open, as typed


def test_every_view_opened_passes_the_local_slacks_limits(catalogue: SlackDriver) -> None:
    driver = catalogue
    for line, *_ in FORMS:
        for user in (ZH, EN):
            open_form(driver, line, user)
    opened = driver.slack.calls_to("views.open")
    assert len(opened) == 2 * len(FORMS) and all(call.response["ok"] for call in opened)
    for call in opened:
        view = published_view(call)
        check_view(view, "modal")
        assert all(len(view[key]["text"]) <= MODAL_TEXT_MAX for key in ("title", "submit", "close"))
    titles = {published_view(call)["title"]["text"] for call in opened}
    assert {"新建服务", "新建目标", "维护窗口", "编辑目标", "告警策略", "工作日历", "每周摘要"} <= titles


def test_options_and_hints_read_in_chinese_and_are_read_back_by_their_values(catalogue: SlackDriver) -> None:
    driver = catalogue
    view = open_form(driver, "/sla define", ZH)
    assert options(view, "kind") == ["SLO（服务等级目标）", "SLA（服务等级协议）", "OLA（运营级别协议）"]
    assert options(view, "window") == ["滚动30天", "滚动28天", "滚动7天", "自然周", "自然月", "自然季度"]
    assert options(view, "source") == ["事件记录（停机时长）", "事件计数（推送的计数）", "Prometheus"]
    (window,) = [b for b in view["blocks"] if b.get("block_id") == "window"]
    assert [group["label"]["text"] for group in window["element"]["option_groups"]] == ["滚动窗口", "自然周期"]

    laid_out = choose(driver, view, ZH, "window", ActionId.FORM_WINDOW, "month")
    assert labels(laid_out)["tz"] == "自然周期的时区"
    (tz,) = [b for b in laid_out["blocks"] if b.get("block_id") == "tz"]
    assert tz["hint"]["text"] == "留空则使用 SLABOT_TIMEZONE。"
    laid_out = choose(driver, laid_out, ZH, "source", ActionId.FORM_SOURCE, "prometheus")
    assert labels(laid_out)["counted"] == "良好或不良事件查询"
    assert options(laid_out, "counts") == ["良好事件", "不良事件"]
    assert buttons(laid_out) == ("新建目标", "定义", "取消")

    laid_out = choose(driver, laid_out, ZH, "source", ActionId.FORM_SOURCE, "events")
    answer = submit(driver, laid_out, ZH, service="checkout", name="latency", target="99.5", tz="Asia/Shanghai")
    assert answer == {}  # read back by block_id and option values, whatever the labels say
    (reply,) = [call.args for call in driver.slack.calls_to("response_url")][-1:]
    assert reply["text"].startswith(":white_check_mark: 已定义 *checkout/latency* SLO 目标值 99.5%")
    english = driver.command("/sla list checkout", user=EN).all_text
    assert "*checkout/latency* SLO 99.5% over month · from events · Asia/Shanghai" in english

    service = open_form(driver, "/sla service add", ZH)
    assert options(service, "tier") == ["等级 1", "等级 2", "等级 3", "等级 4"]
    digest = open_form(driver, "/sla digest add", ZH)
    assert options(digest, "day")[:2] == ["星期一", "星期二"]
    (hours,) = [b for b in open_form(driver, "/sla calendar add", ZH)["blocks"] if b.get("block_id") == "hours"]
    assert hours["hint"]["text"].startswith("先写日期再写时间：mon-fri 09:00-12:00,13:00-18:00；")


def test_a_form_filled_in_chinese_stores_and_is_told_in_chinese(catalogue: SlackDriver) -> None:
    driver = catalogue
    view = open_form(driver, "/sla service add", ZH)
    assert submit(driver, view, ZH, name="payments", tier="2") == {}
    reply = driver.slack.calls_to("response_url")[-1].args
    assert reply["text"].startswith(":white_check_mark: 已添加服务：*payments* · 等级 2")
    assert "payments" in [service.name for service in rows(driver, Service)]

    view = open_form(driver, "/sla service add", ZH)
    answer = submit(driver, view, ZH, name="payments")  # refused by the command's rule, in Chinese
    taken = "已有名为 payments 的服务：如需修改，请用 /sla service edit payments key=value。"
    assert answer["errors"] == {"name": taken}
    view = open_form(driver, "/sla service add", EN)
    answer = submit(driver, view, EN, name="payments")
    assert answer["errors"]["name"].startswith("A service named payments already exists")


def test_a_form_opened_from_the_home_is_in_chinese_and_answers_inside_it_in_chinese(catalogue: SlackDriver) -> None:
    driver = catalogue
    home = driver.open_home(ZH)
    driver.click_view(home, ActionId.HOME_NEW_SERVICE, user=ZH)
    (view,) = driver.slack.open_views(ZH)
    assert buttons(view) == ("新建服务", "添加", "取消") and FormOrigin.loads(view["private_metadata"]).locale == "zh"
    answer = submit(driver, view, ZH, name="search")  # no channel to tell: the form shows the reply
    assert answer["response_action"] == "update"
    assert answer["view"]["title"]["text"] == "新建服务" and answer["view"]["close"]["text"] == "关闭"
    assert "已添加服务：*search*" in json.dumps(answer["view"]["blocks"], ensure_ascii=False)


def test_the_alert_policy_reads_and_refuses_in_the_persons_language(catalogue: SlackDriver) -> None:
    driver = catalogue
    zh = driver.command("/sla policy checkout/requests", user=ZH)
    assert zh.text == (
        "checkout/requests 的告警策略（默认）：page:2%:1h/5m; page:5%:6h/30m; ticket:10%:1d/2h; ticket:10%:3d/6h"
    )
    assert zh.blocks[0]["text"]["text"] == "告警策略：checkout/requests"
    assert "`page:2%:1h/5m` 紧急告警：1小时内消耗预算的2%（短窗口5分） → 消耗速率达到 *14.4* 时触发" in zh.all_text
    assert "`ticket:10%:3d/6h` 工单告警：3天内消耗预算的10%（短窗口6小时）" in zh.all_text
    context = (
        "默认 · 长短两个窗口的消耗速率都须达到该值 · 窗口内事件少于100个时不发紧急告警 · 可能的最高消耗速率为 1000"
    )
    assert context in zh.all_text
    en = driver.command("/sla policy checkout/requests", user=EN)
    assert en.text.startswith("Alert policy of checkout/requests (the defaults): page:2%:1h/5m;")
    assert "`page:2%:1h/5m` page: 2% of the budget in 1h (5m) → fires at a burn rate of *14.4*" in en.all_text

    refused = driver.command("/sla policy checkout/requests ticket:10%:40d/1d", user=ZH)
    assert "ticket:10%:40d/1d：长窗口（40天）超过了目标的统计窗口（30天）" in refused.text
    refused = driver.command("/sla policy checkout/requests page:2%:1h", user=ZH)
    assert "“page:2%:1h”不是告警规则：请按 severity:percent%:long/short 书写" in refused.text
    refused = driver.command("/sla policy checkout/requests min_events=many", user=ZH)
    assert "min_events 必须是整数事件数，例如 min_events=100（输入的是“many”）" in refused.text
    refused = driver.command("/sla policy checkout/requests page:2%:1h", user=EN)
    assert "'page:2%:1h' is not an alert rule: write severity:percent%:long/short" in refused.text
    assert [row.severity for row in rows(driver, AlertRule)] == []  # nothing stored


def test_the_edit_policy_button_opens_the_form_in_chinese_and_its_rules_are_checked_in_chinese(
    catalogue: SlackDriver,
) -> None:
    driver = catalogue
    shown = driver.command("/sla policy checkout/requests", user=ZH)
    (actions,) = [b for b in shown.blocks if b["type"] == "actions"]
    assert [e["text"]["text"] for e in actions["elements"]] == ["编辑策略"]
    message = {"ts": "1.0", "channel": CHANNEL, "blocks": shown.blocks, "text": shown.text}
    driver.click(message, ActionId.POLICY_EDIT, user=ZH)
    (view,) = driver.slack.open_views(ZH)
    assert buttons(view) == ("告警策略", "保存", "取消")
    assert view["blocks"][0]["text"]["text"] == "*checkout/requests* 的告警策略"

    answer = submit(driver, view, ZH, rules="ticket:10%:40d/1d")  # refused by the objective's window, in Chinese
    assert answer["errors"]["rules"] == "ticket:10%:40d/1d：长窗口（40天）超过了目标的统计窗口（30天）"
    answer = submit(driver, view, ZH, rules="page:1%:1h/5m", reset="reset")
    assert answer["errors"]["reset"] == "reset 和规则只能二选一：要恢复默认规则，请不要给出规则"
    assert rows(driver, AlertRule) == []

    assert submit(driver, view, ZH, rules="page:1%:1h/5m", reset="") == {}
    reply = driver.slack.calls_to("response_url")[-1].args
    assert reply["text"] == "checkout/requests 的告警策略（自定义）：page:1%:1h/5m"


CONSOLE = """\
/sla language zh
/sla service add checkout
/sla service add
submit name=che/ckout
submit name=payments tier=3
"""


def test_the_console_fills_and_submits_a_chinese_form(runtime: Runtime) -> None:
    out = io.StringIO()
    assert run_console(runtime, io.StringIO(CONSOLE), out, interactive=False) == 0
    text = out.getvalue()
    opened = text.split("> /sla service add\n", 1)[1].split("> submit", 1)[0]
    assert "┌ 新建服务" in opened and "• 名称 [name] (text)" in opened
    assert "options: 等级 1 | 等级 2 | 等级 3 | 等级 4" in opened and "[添加] [取消]" in opened
    bad = text.split("> submit name=che/ckout\n", 1)[1].split("> submit", 1)[0]
    assert "[modal not submitted" in bad and "⚠️ 名称: “che/ckout”不是有效的服务名" in bad
    good = text.split("> submit name=payments tier=3\n", 1)[1]
    assert "已添加服务：*payments* · 等级 3" in good
    with runtime.db.session() as session:
        assert sorted(s.name for s in session.exec(select(Service)).all()) == ["checkout", "payments"]
    assert "Traceback" not in text


def choose(
    driver: SlackDriver, view: dict[str, Any], user: str, block: str, action: ActionId, value: str
) -> dict[str, Any]:
    """Pick `value` in the select `block` that dispatches its action: the modal as the app laid it out again."""
    shown = driver.slack.views.type_into(view["id"], fill(view, [(block, value)]))
    picked = shown["state"]["values"][block][action]
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": driver.slack.team_id},
        "api_app_id": "A0TEST",
        "token": "legacy",
        "container": {"type": "view", "view_id": shown["id"]},
        "trigger_id": driver.slack.new_trigger_id(user),
        "team": {"id": driver.slack.team_id, "domain": "local"},
        "view": shown,
        "actions": [{"type": "static_select", "action_id": action, "block_id": block, **picked,
                     "action_ts": f"{time.time():.6f}"}],
    }  # fmt: skip
    assert driver.interact(payload).status == 200
    return driver.slack.view(shown["id"])


def rows(driver: SlackDriver, model: type[Any]) -> list[Any]:
    with driver.runtime.db.session() as session:
        return list(session.exec(select(model)).all())
