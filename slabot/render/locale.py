"""The language a message is rendered in. Every renderer takes one; English is the only one so far."""

from __future__ import annotations

from typing import Literal

Locale = Literal["en"]
DEFAULT_LOCALE: Locale = "en"
