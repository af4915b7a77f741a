"""The outbox: every message the bot sends on its own, written before it is sent, and the files it shares."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, LargeBinary, String, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, enum_column


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    SUPERSEDED = "superseded"
    FAILED = "failed"


class OutboxAction(StrEnum):
    POST = "post"
    UPDATE = "update"
    UPLOAD = "upload"
    EPHEMERAL = "ephemeral"  # seen by one person (user_id) in a channel or thread; a direct message if not


class OutboxMessage(SQLModel, table=True):
    """A message to post (or an edit to make) in Slack, written before it is sent; `key` makes it happen once.

    A post in the thread of another outbox message names it in parent_key; an edit names its message in
    target_key. Both wait until that message has been delivered and has a ts.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    action: OutboxAction = Field(sa_column=enum_column(OutboxAction, 12))
    channel_id: str = Field(max_length=32)
    user_id: str | None = Field(default=None, max_length=32)  # who sees an ephemeral message
    thread_ts: str | None = Field(default=None, max_length=32)
    parent_key: str | None = Field(default=None, max_length=200)
    target_key: str | None = Field(default=None, max_length=200, index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    blocks: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of Block Kit blocks
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_column=enum_column(OutboxStatus, 12))
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    uncertain: bool = Field(default=False)  # an attempt may have reached Slack without us hearing back
    last_error: str | None = Field(default=None, max_length=200)
    ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    delivered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class OutboxFile(SQLModel, table=True):
    """The file an upload row of the outbox shares (a digest's chart), kept apart so claiming rows stays light."""

    __tablename__ = "outbox_file"

    key: str = Field(sa_column=Column(String(200), ForeignKey("outbox.key", ondelete="CASCADE"), primary_key=True))
    filename: str = Field(max_length=200)  # unique per upload: an uncertain attempt is looked up by it
    title: str = Field(max_length=250)
    alt_text: str = Field(max_length=1000)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
