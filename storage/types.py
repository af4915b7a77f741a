"""Column types that keep values exact, time zones explicit and vocabularies typed on every database.

SQLite has no time zone and no exact decimal type; these decorators make both databases return the same
Python values: aware UTC datetimes, exact Decimals and the StrEnum members a column may hold.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import Column
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=StrEnum)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC; naive datetimes are refused on the way in, UTC is attached on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone first")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as its exact text, so 99.95 never becomes 99.9499999 on SQLite."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"ExactDecimal takes Decimal, got {type(value).__name__}")
        return format(value.normalize(), "f")

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class EnumText(TypeDecorator[E], Generic[E]):
    """A StrEnum stored as its value in a VARCHAR: a value outside the enum is refused on the way in, and
    the member comes back on the way out. (The schema keeps plain VARCHAR columns, so no migration.)"""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum
        self.length = length

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)


def enum_column(enum: type[StrEnum], length: int, *, nullable: bool = False, index: bool = False) -> Column[Any]:
    return Column(EnumText(enum, length), nullable=nullable, index=index)


def objective_key() -> Column[int]:
    """The objective a row belongs to, as (part of) its primary key; deleted with the objective."""
    return Column(Integer, ForeignKey("objective.id", ondelete="CASCADE"), primary_key=True)
