"""Events API deliveries already acted on, so Slack's retries of one event change nothing."""

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
