"""The App Home in Chinese (issue 16): a Chinese person's Home is Chinese (summary, sections, buttons, "and N
more" lines, timers, 5-Whys, action items), an English person's stays English, with the same figures; the Home's
buttons open their forms and modals (Declare incident, Resolve incident, New service, Budget, the hint when a form
cannot open) in the presser's language, and what a click says back is in it too."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from slabot.config.runtime import Runtime
from slabot.devtools.console_views import fill, submitted_state
from slabot.devtools.localslack import LocalSlack
from slabot.render.ids import ActionId, CallbackId, FormField
from storage.models.catalog import Objective, Service
from storage.models.rca import ActionItem
from tests.conftest import FakeClock
from tests.driver import SlackDriver, published_view, view_block_actions_payload
from tests.slack.test_home import buttons, texts, valid

ZH, EN = "U0WANG", "U0CAROL"  # Wang's Slack is Chinese, Carol's English; neither is on call: both see all


@pytest.fixture
def catalogue(driver: SlackDriver, slack: LocalSlack) -> SlackDriver:
    slack.locales[ZH] = "zh-CN"
    driver.command("/sla service add checkout channel=<#C0CHECK|checkout> oncall=<@U0ALICE|alice>")
    driver.command("/sla service add search channel=<#C0SEARCH|search> oncall=<@U0BOB|bob>")
    driver.command("/sla define checkout availability target=99.9 window=30d")
    driver.command("/sla define search availability target=99.9 window=30d")
    driver.command("/incident open checkout sev1 Payments fail <!channel> started=35m")
    driver.command("/incident open search sev3 Slow results started=2h")
    driver.command("/incident resolve 2 resolved=90m")
    driver.command("/sla why 2")  # a running 5-Why
    with driver.runtime.db.session() as session:
        for owner in (ZH, EN):
            session.add(
                ActionItem(incident_id=2, text="add an index", owner_id=owner, due=date(2030, 1, 1), created_by=EN)
            )
    return driver


def button_labels(view: dict[str, Any]) -> list[str]:
    found = []
    for block in view["blocks"]:
        for element in [*(block.get("elements") or []), *([block["accessory"]] if block.get("accessory") else [])]:
            if element.get("type") == "button":
                found.append(element["text"]["text"])
    return found


def figures(text: str) -> list[str]:
    """The numbers of a text (percentages, durations' parts, rates, dates), in any order."""
    return sorted(re.findall(r"\d+(?:\.\d+)?%?", text))


def tampered(driver: SlackDriver, view: dict[str, Any], action_id: str, value: str, user: str) -> None:
    """A click on the button `action_id` of `view` whose value was changed on the way (it names nothing)."""
    payload = view_block_actions_payload(driver.slack, view, action_id, user=user)
    payload["actions"][0]["value"] = value
    assert driver.interact(payload).status == 200


def last_opened(slack: LocalSlack) -> dict[str, Any]:
    return valid(published_view(slack.calls_to("views.open")[-1]))


def test_a_chinese_persons_home_is_chinese_and_an_english_persons_english_with_the_same_figures(
    catalogue: SlackDriver,
) -> None:
    chinese, english = valid(catalogue.open_home(ZH)), valid(catalogue.open_home(EN))
    zh, en = texts(chinese), texts(english)
    assert zh[0] == "服务等级" and en[0] == "Service levels"
    assert zh[1] == "*目标*（全部服务）：已耗尽0个 · 有风险1个 · 无数据0个 · 健康1个 · 截至2026年11月21日 12:00 UTC"
    assert en[1] == (
        "*Objectives* (all services): 0 exhausted · 1 at risk · 0 no data · 1 healthy · as of 2026-11-21 12:00 UTC"
    )
    assert "*风险最高的目标*" in zh and "*未解决的事件*（1）" in zh and "*你的待办改进项*（1）" in zh
    assert "*进行中的 5 Why 分析*（1）" in zh
    assert "*Objectives most at risk*" in en and "*Open incidents* (1)" in en and "*Your open action items* (1)" in en

    zh_objective = next(t for t in zh if "*checkout/availability*" in t)
    en_objective = next(t for t in en if "*checkout/availability*" in t)
    assert "达成率 *99.9%*" in zh_objective and "8分12秒/43分12秒" in zh_objective and "*有风险*" in zh_objective
    assert "Attainment *99.9%*" in en_objective and "budget 8m 12s of 43m 12s" in en_objective
    assert figures(zh_objective) == figures(en_objective)
    zh_incident = next(t for t in zh if "Payments fail" in t)
    en_incident = next(t for t in en if "Payments fail" in t)
    assert "&lt;!channel&gt;" in zh_incident and "<!channel>" not in zh_incident  # typed text still never pings
    assert "*响应时限*" in zh_incident and "已持续35分，尚未确认" in zh_incident
    assert "*Response*" in en_incident and "open for 35m, not acknowledged" in en_incident
    assert figures(zh_incident) == figures(en_incident)
    zh_action = next(t for t in zh if "add an index" in t)
    assert "\n事件 #2 · search" in zh_action
    assert "\nincident #2 · search" in next(t for t in en if "add an index" in t)
    zh_why = next(t for t in zh if t.startswith(":thinking_face:"))
    assert (
        "*#2 Slow results* · search · 正在追问原因\n由 <@U0ALICE> 于" in zh_why and "请在事件的消息串中回答" in zh_why
    )
    en_why = next(t for t in en if t.startswith(":thinking_face:"))
    assert "· search · asking why\nstarted by <@U0ALICE>" in en_why and "answers go in the incident's thread" in en_why

    assert button_labels(chinese) == [
        *("发起事件", "新建服务", "新建目标", "维护窗口"),
        *("预算", "预算", "确认", "解决", "完成"),
    ]
    assert button_labels(english) == [
        *("Declare incident", "New service", "New objective", "Maintenance window"),
        *("Budget", "Budget", "Acknowledge", "Resolve", "Done"),
    ]
    assert buttons(chinese, ActionId.HOME_BUDGET) == buttons(english, ActionId.HOME_BUDGET)


def test_and_n_more_lines_and_the_welcome_read_in_the_persons_language(
    driver: SlackDriver, slack: LocalSlack, clock: FakeClock
) -> None:
    slack.locales[ZH] = "zh-CN"
    welcome = texts(valid(driver.open_home(ZH)))
    assert any(t.startswith("*欢迎使用 slabot。*") and "43分12秒的错误预算" in t for t in welcome)
    with driver.runtime.db.session() as session:
        for s in range(20):
            service = Service(name=f"svc-{s:02d}", channel_id="C0BIG", oncall_id=ZH, created_by=EN)
            session.add(service)
            session.flush()
            session.add(
                Objective(service_id=service.id, name="availability", target_percent=Decimal("99.9"), created_by=EN)
            )
    mine = valid(driver.open_home(ZH))
    shown = texts(mine)
    assert "…另有5个目标：/sla status" in shown
    assert shown[1].startswith("*目标*（你的服务）：已耗尽0个 · 有风险0个 · 无数据0个 · 健康20个 · 截至")
    assert button_labels(mine)[0] == "显示全部服务"
    english = texts(valid(driver.open_home(EN)))  # on call for none of them: every service
    assert "…and 5 more objectives: /sla status" in english


def test_the_homes_buttons_open_forms_and_modals_in_the_pressers_language(
    catalogue: SlackDriver, slack: LocalSlack
) -> None:
    home = catalogue.open_home(ZH)
    catalogue.click_view(home, ActionId.HOME_DECLARE_INCIDENT, user=ZH)
    declare = last_opened(slack)
    assert (declare["title"]["text"], declare["callback_id"]) == ("发起事件", "declare_incident_modal")
    catalogue.click_view(home, ActionId.HOME_NEW_SERVICE, user=ZH)
    form = last_opened(slack)
    assert form["title"]["text"] == "新建服务" and json.loads(form["private_metadata"])["locale"] == "zh"
    catalogue.click_view(home, ActionId.HOME_BUDGET, value="checkout/availability", user=ZH)
    budget = last_opened(slack)
    assert (budget["title"]["text"], budget["close"]["text"]) == ("错误预算", "关闭")
    assert budget["blocks"] == catalogue.command("/sla budget checkout/availability", user=ZH).blocks
    tampered(catalogue, home, ActionId.HOME_BUDGET, "nope", ZH)
    refused = last_opened(slack)
    assert (refused["title"]["text"], refused["close"]["text"]) == ("错误预算", "关闭")
    said = json.dumps(refused["blocks"], ensure_ascii=False)
    assert ":warning: “nope”不是“服务/目标”格式：请写成 checkout/availability 这样" in said

    english = catalogue.open_home(EN)
    catalogue.click_view(english, ActionId.HOME_BUDGET, value="checkout/availability", user=EN)
    assert last_opened(slack)["title"]["text"] == "Error budget"
    catalogue.click_view(english, ActionId.HOME_DECLARE_INCIDENT, user=EN)
    assert last_opened(slack)["title"]["text"] == "Declare incident"


def test_resolve_on_the_home_opens_the_chinese_form_and_publishes_the_home_again_in_chinese(
    catalogue: SlackDriver, slack: LocalSlack
) -> None:
    home = catalogue.open_home(ZH)
    catalogue.click_view(home, ActionId.HOME_RESOLVE, value="1", user=ZH)
    form = slack.open_views(ZH)[-1]
    assert form["callback_id"] == CallbackId.HOME_RESOLVE_FORM
    assert (form["title"]["text"], form["submit"]["text"], form["close"]["text"]) == ("解决事件", "解决", "取消")
    late = slack.views.type_into(form["id"], fill(form, [("resolved", "2999-01-01T00:00")]))
    refused = json.loads(catalogue.submit_view(late, submitted_state(late), user=ZH).body)
    assert refused["errors"][FormField.RESOLVED].startswith("resolved= 是将来的时间")
    now = slack.views.type_into(form["id"], fill(form, [("resolved", "2026-11-21T11:50")]))
    assert catalogue.submit_view(now, submitted_state(now), user=ZH).status == 200
    again = texts(valid(catalogue.last_home(ZH)))
    assert again[0].startswith(":white_check_mark: 已解决事件 #1 sev1：Payments fail") and "服务等级" in again


def test_what_a_click_on_the_home_says_back_is_in_the_pressers_language(
    catalogue: SlackDriver, runtime: Runtime, slack: LocalSlack
) -> None:
    home = catalogue.open_home(ZH)
    catalogue.click_view(home, ActionId.HOME_ACKNOWLEDGE, value="1", user=ZH)
    assert texts(catalogue.last_home(ZH))[0].startswith(":eyes: 已确认事件 #1")
    catalogue.click_view(home, ActionId.HOME_ACKNOWLEDGE, value="1", user=ZH)  # the old Home, clicked again
    assert texts(catalogue.last_home(ZH))[0].startswith(":warning: 事件 #1 已由 <@U0WANG> 于")
    catalogue.click_view(home, ActionId.HOME_ACKNOWLEDGE, value="1", user=EN)
    assert "Incident #1 was already acknowledged by <@U0WANG>" in texts(catalogue.last_home(EN))[0]
    tampered(catalogue, home, ActionId.HOME_ACTION_DONE, "x", ZH)  # a button naming nothing
    assert texts(catalogue.last_home(ZH))[0] == ":warning: 此按钮没有指向任何改进项。"

    restricted = SlackDriver(replace(runtime, settings=replace(runtime.settings, admins=frozenset({"U0ADMIN"}))), slack)
    restricted.click_view(home, ActionId.HOME_NEW_SERVICE, user=ZH)
    hint = last_opened(slack)
    assert (hint["callback_id"], hint["title"]["text"], hint["close"]["text"]) == (
        CallbackId.HOME_HINT,
        "新建服务",
        "关闭",
    )
    said = json.dumps(hint["blocks"], ensure_ascii=False)
    assert ":warning: 只有 slabot 管理员可以修改服务、目标和策略。请联系 <@U0ADMIN>。" in said
    restricted.click_view(home, ActionId.HOME_NEW_SERVICE, user=EN)
    assert "Only slabot admins" in json.dumps(last_opened(slack)["blocks"])


def test_switching_the_scope_keeps_the_persons_language(catalogue: SlackDriver, clock: FakeClock) -> None:
    catalogue.command("/sla service edit checkout oncall=<@U0WANG|wang>")
    mine = catalogue.open_home(ZH)
    assert texts(mine)[1].startswith("*目标*（你的服务）：")
    catalogue.click_view(mine, ActionId.HOME_SCOPE, value="all", user=ZH)
    every = valid(catalogue.last_home(ZH))
    assert texts(every)[1].startswith("*目标*（全部服务）：") and button_labels(every)[0] == "显示我的服务"
    clock.advance(minutes=1)  # the Home is read again, in Chinese, a minute on
    assert texts(valid(catalogue.open_home(ZH, shown=every)))[1].endswith("截至2026年11月21日 12:01 UTC")
