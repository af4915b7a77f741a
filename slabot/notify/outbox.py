"""Writing outbox rows: every message the bot sends on its own is written here first, in the same
transaction as the state change that caused it, then sent by `slabot.notify.delivery`. A key names each
message, so writing it again (a second evaluation, a second replica, a retried request) changes nothing and
Slack sees it once.

Besides messages (post) and their edits (edit), the outbox shares files (upload: a digest's charts, in its
thread) and shows messages to one person (ephemeral: a survey). A delivered upload row keeps the shared
file's id in `ts`, not a message ts, so it cannot be the parent of a thread reply or the target of an edit."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.languages.readers import Readers
from slabot.render.locale import Locale
from slabot.render.reply import Reply, clip
from storage.models.outbox import OutboxAction, OutboxFile, OutboxMessage, OutboxStatus
from storage.queries.outbox import supersede_pending_updates
from storage.queries.rows import insert_ignore

# What a notify module writes for one event: (outbox key, channel) of each row, written now or before.
Written = list[tuple[str, str]]


@dataclass(frozen=True)
class RowContext:
    """What rows are rendered with: the time of the change, the zone times are shown in, the default language
    and who reads what (a channel's own language; a person's for a direct message)."""

    now: datetime
    zone: ZoneInfo
    locale: Locale
    readers: Readers | None = None

    def language(self, session: Session, channel: str) -> Locale:
        """The language of a row posted to `channel`: the channel's (and so its threads'), or for a person (a
        direct message, an ephemeral) what is known of theirs without asking Slack inside the transaction."""
        if self.readers is None:
            return self.locale
        if channel[:1] in ("U", "W"):
            return self.readers.known_of_person(session, channel)
        return self.readers.of_channel(session, channel)


Writer = Callable[[Session, Any, RowContext], Written]

KEY_MAX = 200
FILENAME_MAX = 200
TITLE_MAX = 250
ALT_TEXT_MAX = 1000  # Slack's limit for alt_txt


class FileToShare(Protocol):
    """A file for the outbox to upload; a digest's rendered chart is one."""

    @property
    def filename(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def alt_text(self) -> str: ...

    @property
    def png(self) -> bytes: ...


def _values(key: str, action: OutboxAction, channel_id: str, reply: Reply, now: datetime) -> dict[str, object]:
    if len(key) > KEY_MAX:
        raise ValueError(f"outbox key longer than {KEY_MAX}: {key!r}")
    return {
        "key": key,
        "action": action.value,
        "channel_id": channel_id,
        "text": reply.fallback_text(),
        "blocks": json.dumps(reply.block_dicts()),
        "status": OutboxStatus.PENDING,
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


def ephemeral(
    session: Session,
    key: str,
    channel_id: str,
    user_id: str,
    reply: Reply,
    now: datetime,
    *,
    parent_key: str | None = None,
) -> bool:
    """Queue a message only `user_id` sees in the channel (in the thread of the message queued under
    parent_key); delivered as a direct message when it cannot be shown there."""
    values = _values(key, OutboxAction.EPHEMERAL, channel_id, reply, now)
    values.update(user_id=user_id, parent_key=parent_key)
    return insert_ignore(session, OutboxMessage, values)


def upload(
    session: Session,
    key: str,
    channel_id: str,
    file: FileToShare,
    now: datetime,
    *,
    parent_key: str | None = None,
    thread_ts: str | None = None,
) -> bool:
    """Queue the upload of a PNG file (in a thread: a known thread_ts, or the message queued under parent_key).

    The file is uploaded under `file.filename`, which has to be unique among the files shared in that
    channel or thread (e.g. "slabot-digest-12-sli.png"): an attempt that may have reached Slack is looked up
    by it. The title (the file name if empty) is also the row's text. Returns False when a row with this key
    was queued before (nothing changes then)."""
    if not file.filename or len(file.filename) > FILENAME_MAX:
        raise ValueError(f"file name empty or longer than {FILENAME_MAX}: {file.filename!r}")
    title = file.title or file.filename
    values = _values(key, OutboxAction.UPLOAD, channel_id, Reply(text=title), now)
    values.update(thread_ts=thread_ts, parent_key=parent_key)
    if not insert_ignore(session, OutboxMessage, values):
        return False
    shared = {
        "key": key,
        "filename": file.filename,
        "title": clip(title, TITLE_MAX),
        "alt_text": clip(file.alt_text, ALT_TEXT_MAX),
        "content": file.png,
    }
    insert_ignore(session, OutboxFile, shared)
    return True


def blocks_of(row: OutboxMessage) -> list[dict[str, object]]:
    loaded = json.loads(row.blocks)
    return loaded if isinstance(loaded, list) else []
