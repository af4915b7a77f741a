"""The outbox: every alert, warning and notice is written here first, in the same transaction as the state
change that caused it, then sent by `slabot.delivery`. A key names each message, so writing it again (a
second evaluation, a second replica) changes nothing and Slack sees it once."""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session

from slabot.render.reply import MAX_FALLBACK_TEXT, Reply, clip
from storage.models import OutboxAction, OutboxMessage, OutboxStatus
from storage.outbox import insert_ignore, supersede_pending_updates

KEY_MAX = 200


def _values(key: str, action: OutboxAction, channel_id: str, reply: Reply, now: datetime) -> dict[str, object]:
    if len(key) > KEY_MAX:
        raise ValueError(f"outbox key longer than {KEY_MAX}: {key!r}")
    return {
        "key": key,
        "action": action.value,
        "channel_id": channel_id,
        "text": clip(reply.text, MAX_FALLBACK_TEXT),
        "blocks": json.dumps(reply.block_dicts()),
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "uncertain": False,
        "next_attempt_at": now,
        "created_at": now,
    }


def post(
    session: Session,
    key: str,
    channel_id: str,
    reply: Reply,
    now: datetime,
    *,
    thread_ts: str | None = None,
    parent_key: str | None = None,
) -> bool:
    """Queue a message (in a thread: a known thread_ts, or the message queued under parent_key).

    Returns False when a message with this key was queued before (nothing changes then)."""
    values = _values(key, OutboxAction.POST, channel_id, reply, now)
    values.update(thread_ts=thread_ts, parent_key=parent_key)
    return insert_ignore(session, OutboxMessage, values)


def edit(session: Session, key: str, target_key: str, channel_id: str, reply: Reply, now: datetime) -> bool:
    """Queue an edit of the message queued under target_key; edits of it not sent yet are dropped."""
    supersede_pending_updates(session, target_key)
    values = _values(key, OutboxAction.UPDATE, channel_id, reply, now)
    values.update(target_key=target_key)
    return insert_ignore(session, OutboxMessage, values)


def blocks_of(row: OutboxMessage) -> list[dict[str, object]]:
    loaded = json.loads(row.blocks)
    return loaded if isinstance(loaded, list) else []
