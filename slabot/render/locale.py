"""The language a message is rendered in: every renderer takes one (the languages and catalogues are
slabot.core.i18n's)."""

from __future__ import annotations

from slabot.core.i18n import DEFAULT_LOCALE, LOCALES, Locale

__all__ = ["DEFAULT_LOCALE", "LOCALES", "Locale"]
