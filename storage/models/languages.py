"""The language each reader gets: a person's or a channel's own choice, and the Slack locale of people who made
none, as users.info last gave it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

LANGUAGE_MAX = 8
SLACK_ID_MAX = 32


class LanguageChoice(SQLModel, table=True):
    """A language chosen with /sla language (scope "user") or /sla channel language (scope "channel")."""

    __tablename__ = "language_choice"

    scope: str = Field(sa_column=Column(String(8), primary_key=True))
    slack_id: str = Field(sa_column=Column(String(SLACK_ID_MAX), primary_key=True))
    language: str = Field(sa_column=Column(String(LANGUAGE_MAX), nullable=False))
    chosen_by: str = Field(sa_column=Column(String(SLACK_ID_MAX), nullable=False))
    chosen_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class SlackLocale(SQLModel, table=True):
    """A person's locale as Slack gave it (users.info with include_locale; "" when it gave none), asked again
    once it is older than a day."""

    __tablename__ = "slack_locale"

    user_id: str = Field(sa_column=Column(String(SLACK_ID_MAX), primary_key=True))
    locale: str = Field(sa_column=Column(String(16), nullable=False))
    fetched_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
