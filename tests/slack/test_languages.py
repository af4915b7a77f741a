"""Which language a person and a channel read slabot in: /sla language, the Slack locale (users.info, remembered
for a day), SLABOT_LANGUAGE, and /sla channel language."""

from __future__ import annotations

from dataclasses import replace

from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from storage.models.languages import LanguageChoice
from tests.conftest import FakeClock
from tests.driver import SlackDriver

ZH_USER, EN_USER = "U0WANG", "U0ALICE"


def locale_lookups(slack: LocalSlack, user: str) -> int:
    return sum(1 for call in slack.calls_to("users.info") if call.args.get("user") == user)


def test_a_chinese_slack_locale_gets_chinese_and_an_english_one_english(driver: SlackDriver, slack: LocalSlack) -> None:
    slack.locales[ZH_USER] = "zh-CN"
    chinese = driver.command("/sla language", user=ZH_USER)
    english = driver.command("/sla language", user=EN_USER)
    assert chinese.text.startswith("slabot 用中文回复你：即你的 Slack 语言")
    assert english.text.startswith("slabot answers you in English: your Slack language")


def test_help_and_errors_follow_the_readers_language(driver: SlackDriver, slack: LocalSlack) -> None:
    slack.locales[ZH_USER] = "zh-CN"
    refused = driver.command("/sla frobnicate", user=ZH_USER)
    assert refused.text.startswith(":warning: “frobnicate”不是 /sla 的命令。可用的有：")
    assert "用法：/sla help" in refused.all_text
    assert "请用 # 和 @ 选择" in driver.command("/sla help", user=ZH_USER).all_text
    assert "Try one of:" in driver.command("/sla frobnicate", user=EN_USER).text


def test_the_slack_locale_is_asked_once_a_day(driver: SlackDriver, slack: LocalSlack, clock: FakeClock) -> None:
    slack.locales[ZH_USER] = "zh-CN"
    driver.command("/sla language", user=ZH_USER)
    driver.command("/sla language", user=ZH_USER)
    assert locale_lookups(slack, ZH_USER) == 1
    (call,) = [c for c in slack.calls_to("users.info") if c.args.get("user") == ZH_USER]
    assert call.args.get("include_locale") in (True, "true", "1")
    clock.advance(seconds=86401)
    slack.locales[ZH_USER] = "en-US"  # they changed it in Slack
    assert driver.command("/sla language", user=ZH_USER).text.startswith("slabot answers you in English")
    assert locale_lookups(slack, ZH_USER) == 2


def test_an_own_choice_beats_the_slack_locale_until_auto(driver: SlackDriver, slack: LocalSlack) -> None:
    slack.locales[ZH_USER] = "zh-CN"
    chose = driver.command("/sla language en", user=ZH_USER).text.splitlines()
    assert chose == [
        ":speech_balloon: slabot now answers you in English.",
        "Back to your Slack language: /sla language auto",
    ]
    assert driver.command("/sla language", user=ZH_USER).text.startswith("slabot answers you in English, as you chose")
    with driver.runtime.db.session() as session:
        row = session.get(LanguageChoice, ("user", ZH_USER))
        assert row is not None and (row.language, row.chosen_by) == ("en", ZH_USER)
    back = driver.command("/sla language auto", user=ZH_USER)
    assert back.text == ":speech_balloon: slabot 将重新使用你的 Slack 语言回复你（当前为中文）。"
    with driver.runtime.db.session() as session:
        assert session.get(LanguageChoice, ("user", ZH_USER)) is None


def test_choosing_chinese_answers_in_chinese_at_once(driver: SlackDriver) -> None:
    answer = driver.command("/sla language ZH-cn", user=EN_USER)
    assert answer.text.splitlines() == [
        ":speech_balloon: slabot 今后用中文回复你。",
        "恢复使用 Slack 语言：/sla language auto",
    ]


def test_a_language_slabot_does_not_speak_is_refused_with_what_to_type(driver: SlackDriver) -> None:
    answer = driver.command("/sla language fr", user=EN_USER)
    assert answer.text.splitlines()[0] == ":warning: 'fr' is not a language slabot speaks: type zh, en or auto"
    assert "Usage: /sla language [zh|en|auto]" in answer.all_text
    assert driver.command("/sla language 中文", user=EN_USER).text.startswith(":warning: '中文' is not a language")
    two = driver.command("/sla language zh en", user=EN_USER).text
    assert two.startswith(":warning: Give one language, like: /sla language zh\n")


def test_when_slack_cannot_be_asked_the_workspace_default_answers(runtime: Runtime, slack: LocalSlack) -> None:
    zh_runtime = replace(runtime, settings=replace(runtime.settings, language="zh"))
    driver = SlackDriver(zh_runtime, slack)
    slack.fail_with_error("users.info", "user_not_visible")
    assert driver.command("/sla frobnicate", user="U0NEW").text.startswith(":warning: “frobnicate”不是")
    slack.locales["U0NEW"] = "fr-FR"  # asked again next time; a language slabot does not speak: the default
    assert driver.command("/sla frobnicate", user="U0NEW").text.startswith(":warning: “frobnicate”不是")
    assert locale_lookups(slack, "U0NEW") == 2


def test_a_channel_language_is_stored_and_told(driver: SlackDriver) -> None:
    answer = driver.command("/sla channel language <#C0CHECK|checkout> zh", user=EN_USER)
    assert answer.text.startswith(":speech_balloon: slabot now posts in <#C0CHECK> in 中文: announcements")
    with driver.runtime.db.session() as session:
        row = session.get(LanguageChoice, ("channel", "C0CHECK"))
        assert row is not None and row.language == "zh"
    again = driver.command("/sla channel language <#C0CHECK|checkout> default", user=EN_USER)
    assert again.text == ":speech_balloon: slabot posts in <#C0CHECK> in the workspace's language again (English)."
    bad = driver.command("/sla channel language checkout zh", user=EN_USER)
    assert "is not a channel" in bad.text


def test_help_fits_slacks_section_limit_in_both_languages(driver: SlackDriver, slack: LocalSlack) -> None:
    slack.locales[ZH_USER] = "zh-CN"
    for user in (EN_USER, ZH_USER):
        blocks = driver.command("/sla help", user=user).blocks
        sections = [block["text"]["text"] for block in blocks if block["type"] == "section"]
        assert sections and all(len(text) <= 3000 for text in sections)
        assert "/sla channel language" in sections[-1]  # the last route is not cut off


def test_chinese_keyboards_full_width_equals_and_quotes_work(driver: SlackDriver) -> None:
    """A Chinese input method types ＝ and “…”: the options read the same as with = and "…"."""
    answer = driver.command("/sla service add checkout owner＝“支付团队 张伟” tier＝1", user=EN_USER)
    assert not answer.text.startswith(":warning:"), answer.text
    listed = driver.command("/sla service list", user=EN_USER)
    assert "支付团队 张伟" in listed.all_text


def test_a_business_calendar_may_have_a_chinese_name(driver: SlackDriver, slack: LocalSlack) -> None:
    slack.locales[ZH_USER] = "zh-CN"
    added = driver.command(
        "/sla calendar add 上海办公室 tz=Asia/Shanghai hours=mon-fri 09:00-12:00,13:00-18:00 country=CN", user=ZH_USER
    )
    assert not added.text.startswith(":warning:"), added.text
    set_ = driver.command("/sla policy sev3 ack=4h resolve=2d calendar=上海办公室", user=ZH_USER)
    assert "上海办公室" in set_.all_text and not set_.text.startswith(":warning:")
    listed = driver.command("/sla calendar list", user=EN_USER)
    assert "上海办公室" in listed.all_text
    spaced = driver.command("/sla calendar add 上海 办公室 tz=Asia/Shanghai hours=mon 09:00-10:00", user=ZH_USER)
    assert spaced.text.startswith(":warning:")


def test_the_digest_list_names_what_it_holds(driver: SlackDriver, slack: LocalSlack) -> None:
    slack.locales[ZH_USER] = "zh-CN"
    driver.command("/sla digest add <#C0LEADS|leads> day=mon", user=EN_USER)
    assert driver.command("/sla digest list", user=EN_USER).blocks[0]["text"]["text"] == "Weekly digests"
    driver.command("/sla digest add <#C0LEADS|leads> every=month day=1", user=EN_USER)
    assert driver.command("/sla digest list", user=EN_USER).blocks[0]["text"]["text"] == "Digests and reports"
    assert driver.command("/sla digest list", user=ZH_USER).blocks[0]["text"]["text"] == "摘要与报告"
