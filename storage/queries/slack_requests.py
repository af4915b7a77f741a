"""Slack requests acted on once: recording a slash command invocation before it runs, and pruning old records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col

from storage.models.slack_events import SlackCommand, SlackEvent
from storage.queries.rows import insert_ignore


def first_run_of_command(session: Session, trigger_id: str, response_url: str, now: datetime) -> bool:
    """Record the invocation; True the first time it is seen, False for a replay of it."""
    values = {"trigger_id": trigger_id[:128], "response_url": response_url[:512], "received_at": now}
    return insert_ignore(session, SlackCommand, values)


def prune_received_before(session: Session, before: datetime) -> int:
    """Forget invocations and event ids received before `before` (Slack replays and retries stop long
    before); returns how many rows went."""
    deleted = 0
    for table, received in ((SlackCommand, SlackCommand.received_at), (SlackEvent, SlackEvent.received_at)):
        result = session.execute(delete(table).where(col(received) < before))
        deleted += int(getattr(result, "rowcount", 0) or 0)
    return deleted
