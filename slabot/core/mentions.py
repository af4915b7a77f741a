"""How Slack writes a person, a user group or a channel inside message text: <@U…>, <!subteam^S…>, <#C…>."""

from __future__ import annotations


def user_mention(user_id: str) -> str:
    return f"<@{user_id}>"


def channel_mention(channel_id: str) -> str:
    return f"<#{channel_id}>"


def oncall_mention(oncall_id: str) -> str:
    """Users are <@U…>, user groups <!subteam^S…>."""
    return f"<!subteam^{oncall_id}>" if oncall_id.startswith("S") else user_mention(oncall_id)
