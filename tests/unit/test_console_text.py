"""The console shows Block Kit as Slack would: mrkdwn with mentions and links spelled out and entities
decoded, plain_text exactly as typed (Slack parses neither mentions nor entities there), emoji codes as emoji."""

from __future__ import annotations

from slabot.devtools.console import blocks_to_text


def test_a_plain_text_header_shows_typed_mentions_as_typed_and_mrkdwn_spells_them_out() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": ":rotating_light: Down <!channel> &amp; up"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "by <@U0BOB> · &lt;!here&gt; · <!here>"}},
    ]
    header, _rule, section = blocks_to_text(blocks).splitlines()[:3]
    assert header == "🚨 Down <!channel> &amp; up"
    assert section == "by @U0BOB · <!here> · @here"
