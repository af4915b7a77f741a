"""The language a person or a channel reads slabot in. A person: their own choice (/sla language), else their
Slack locale (users.info with include_locale, remembered for a day), else SLABOT_LANGUAGE. A channel (its
announcements, alerts and digests, and the threads under them): its choice (/sla channel language), else
SLABOT_LANGUAGE."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from slabot.core.clock import Clock, system_clock
from slabot.core.i18n import DEFAULT_LOCALE, Locale, parse_locale
from storage.db import Database
from storage.queries import languages as queries

log = logging.getLogger(__name__)
SLACK_LOCALE_KEPT = timedelta(days=1)
USER, CHANNEL = "user", "channel"
SlackLocaleLookup = Callable[[str], str | None]  # users.info's locale of a person ("zh-CN"), None if it has none


@dataclass(frozen=True)
class Readers:
    """Answers "which language" for a person or a channel; `lookup` asks Slack (None: never asked, as offline)."""

    db: Database
    default: Locale = DEFAULT_LOCALE
    lookup: SlackLocaleLookup | None = None
    clock: Clock = system_clock

    def of_person(self, user_id: str) -> Locale:
        with self.db.session() as session:
            chosen = parse_locale(queries.chosen(session, USER, user_id))
            if chosen is not None:
                return chosen
            known = queries.slack_locale(session, user_id)
            now = self.clock()
            if known is not None and now - known.fetched_at < SLACK_LOCALE_KEPT:
                return parse_locale(known.locale) or self.default
        tag = self._ask_slack(user_id)
        if tag is None:
            return self.default
        with self.db.session() as session:
            queries.remember_slack_locale(session, user_id, tag, now)
        return parse_locale(tag) or self.default

    def _ask_slack(self, user_id: str) -> str | None:
        """Slack's locale of the person ("" when it has none); None when it could not be asked now (asked again
        next time)."""
        if self.lookup is None:
            return None
        try:
            return self.lookup(user_id) or ""
        except Exception:
            log.warning("could not ask Slack for the locale of %s: answering in %s", user_id, self.default)
            return None

    def known_of_person(self, session: Session, user_id: str) -> Locale:
        """In the caller's transaction, with no call to Slack: their choice, else the Slack locale remembered
        (however old), else the default."""
        chosen = parse_locale(queries.chosen(session, USER, user_id))
        if chosen is not None:
            return chosen
        known = queries.slack_locale(session, user_id)
        return (parse_locale(known.locale) if known is not None else None) or self.default

    def of_channel(self, session: Session, channel_id: str) -> Locale:
        """In the caller's transaction: a message is rendered in the language the channel had when it was queued."""
        return parse_locale(queries.chosen(session, CHANNEL, channel_id)) or self.default

    def has_choice(self, scope: str, slack_id: str) -> bool:
        with self.db.session() as session:
            return queries.chosen(session, scope, slack_id) is not None

    def choose(self, scope: str, slack_id: str, language: Locale | None, by: str, now: datetime) -> bool:
        """Set or (None) forget the choice; True when there was one before."""
        with self.db.session() as session:
            return queries.choose(session, scope, slack_id, language, by, now)
