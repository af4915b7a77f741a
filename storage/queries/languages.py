"""Reading and writing the languages readers chose and the Slack locales slabot was told."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col

from storage.models.languages import LanguageChoice, SlackLocale
from storage.queries.rows import upsert


def choose(session: Session, scope: str, slack_id: str, language: str | None, by: str, now: datetime) -> bool:
    """Set (or, with None, forget) the language of a person or a channel; True when a choice was there before."""
    before = session.get(LanguageChoice, (scope, slack_id)) is not None
    if language is None:
        session.execute(
            delete(LanguageChoice).where(col(LanguageChoice.scope) == scope, col(LanguageChoice.slack_id) == slack_id)
        )
    else:
        values = {"scope": scope, "slack_id": slack_id, "language": language, "chosen_by": by, "chosen_at": now}
        upsert(session, LanguageChoice, values)
    return before


def chosen(session: Session, scope: str, slack_id: str) -> str | None:
    row = session.get(LanguageChoice, (scope, slack_id))
    return row.language if row is not None else None


def slack_locale(session: Session, user_id: str) -> SlackLocale | None:
    return session.get(SlackLocale, user_id)


def remember_slack_locale(session: Session, user_id: str, locale: str, now: datetime) -> None:
    upsert(session, SlackLocale, {"user_id": user_id, "locale": locale[:16], "fetched_at": now})
