"""Slack deliveries already acted on, so a retry or a replay of one changes nothing: Events API event_ids and
slash command invocations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class SlackEvent(SQLModel, table=True):
    """An Events API event_id already acted on; a retry of it (X-Slack-Retry-Num) changes nothing."""

    __tablename__ = "slack_event"

    event_id: str = Field(sa_column=Column(String(64), primary_key=True))
    received_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))


class SlackCommand(SQLModel, table=True):
    """A slash command invocation already run: a replay of its signed request (accepted for five minutes)
    runs nothing. Slack gives every invocation its own trigger_id and response_url and a replay repeats both,
    so the pair names it."""

    __tablename__ = "slack_command"

    trigger_id: str = Field(sa_column=Column(String(128), primary_key=True))
    response_url: str = Field(sa_column=Column(String(512), primary_key=True))
    received_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
