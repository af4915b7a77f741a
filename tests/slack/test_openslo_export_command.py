"""/sla export [service]: the same OpenSLO YAML as `python bot.py openslo export`, uploaded to the channel
through the outbox."""

from __future__ import annotations

from slabot.runtime.openslo_cli import export_text
from tests.driver import CHANNEL, SlackDriver


def test_export_uploads_the_catalogue_as_openslo_yaml(driver: SlackDriver) -> None:
    driver.command("/sla service add checkout_api channel=<#C0CHECK|checkout>")
    driver.command("/sla define checkout_api availability target=99.9 window=30d kind=sla")
    answer = driver.command("/sla export checkout_api")
    assert "Uploading *checkout_api* as OpenSLO YAML" in answer.text
    shared = [file for message in driver.slack.messages(CHANNEL) for file in message.get("files", [])]
    assert [file["name"].startswith("slabot-openslo-checkout_api-") for file in shared] == [True]
    assert driver.slack.uploads[shared[0]["id"]].decode() == export_text(driver.runtime, "checkout_api")
    assert "name: checkout--uapi-availability" in export_text(driver.runtime, None)


def test_export_of_an_empty_catalogue_says_so(driver: SlackDriver) -> None:
    assert "no services to export yet" in driver.command("/sla export").text
