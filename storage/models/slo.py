"""Per-minute event counts of event-based objectives, and their exact rollups over longer spans."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, SmallInteger
from sqlmodel import Field, SQLModel

from storage.types import objective_key


class SliMinute(SQLModel, table=True):
    """Event counts of one objective in one minute. epoch_minute counts whole minutes since 1970-01-01T00:00Z.

    good_slice is 1 when the minute meets the objective's slice target (timeslices), else 0.
    """

    __tablename__ = "sli_minute"
    __table_args__ = {"sqlite_with_rowid": False}

    objective_id: int = Field(sa_column=objective_key())
    epoch_minute: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    good: int = Field(sa_column=Column(BigInteger, nullable=False))
    total: int = Field(sa_column=Column(BigInteger, nullable=False))
    good_slice: int = Field(sa_column=Column(SmallInteger, nullable=False))


class SliRollup(SQLModel, table=True):
    """Sums of SliMinute over a span of span_minutes (15, 60 or 1440) starting at start_minute (UTC-aligned)."""

    __tablename__ = "sli_rollup"
    __table_args__ = {"sqlite_with_rowid": False}

    objective_id: int = Field(sa_column=objective_key())
    span_minutes: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    start_minute: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    good: int = Field(sa_column=Column(BigInteger, nullable=False))
    total: int = Field(sa_column=Column(BigInteger, nullable=False))
    good_slices: int = Field(sa_column=Column(Integer, nullable=False))
    slices: int = Field(sa_column=Column(Integer, nullable=False))
