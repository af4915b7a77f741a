"""How Slack writes a person, a user group or a channel inside message text: <@U…>, <!subteam^S…>, <#C…>."""

from __future__ import annotations

import re

_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")


def is_slack_user(actor: str) -> bool:
    """Whether an actor is a Slack user id (U…, W…), not one of slabot's own sources such as alertmanager."""
    return bool(_SLACK_USER.match(actor))


def user_mention(user_id: str) -> str:
    """<@U…> for a Slack user; an actor that is no Slack user (alertmanager) is written as its name."""
    return f"<@{user_id}>" if is_slack_user(user_id) else user_id


def channel_mention(channel_id: str) -> str:
    return f"<#{channel_id}>"


def oncall_mention(oncall_id: str) -> str:
    """Users are <@U…>, user groups <!subteam^S…>."""
    return f"<!subteam^{oncall_id}>" if oncall_id.startswith("S") else user_mention(oncall_id)
