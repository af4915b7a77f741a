"""Settings from the environment (and an optional .env file), checked once at start-up.

A bad setting raises ConfigError with one line naming the variable; bot.py prints it and exits.
"""

from __future__ import annotations

import math
import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from slabot.catalog.names import parse_zone
from slabot.core.errors import UserError, shown
from slabot.core.i18n import DEFAULT_LOCALE, Locale, parse_locale
from slabot.sources.alertmanager import parse_label_name, parse_severities
from slabot.sources.prometheus_servers import Servers, tokens_from

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///slabot.db"
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,31}$")  # public C…, private G…; fits a channel column (32)
MIN_API_TOKEN_LENGTH = 16
_API_TOKEN = re.compile(rf"^[!-~]{{{MIN_API_TOKEN_LENGTH},}}$")
MIN_API_TOKEN_DISTINCT = 8
MIN_API_TOKEN_BITS = 64
_MAKE_TOKEN = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"

DEFAULT_ALERT_SEVERITIES = (("critical", 1), ("error", 2), ("warning", 3), ("info", 4))

Mode = Literal["http", "socket", "console", "offline"]


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line naming the variable."""


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    api_url: str = DEFAULT_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    port: int = 3000
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    language: Locale = DEFAULT_LOCALE  # of people who chose none and whose Slack locale is none slabot speaks
    admins: frozenset[str] = frozenset()
    api_token: str | None = None
    raw_retention_days: int = 35
    eval_interval_seconds: int = 60
    digest_grace_hours: int = 12
    auto_rca: bool = True  # start a 5-Why when a resolved incident used more than 20% of a budget
    alert_service_label: str = "service"  # the Alertmanager label naming an alert's service
    alert_severities: tuple[tuple[str, int], ...] = DEFAULT_ALERT_SEVERITIES
    alert_channel: str | None = None  # where incidents of alerts naming no known service are announced
    prometheus_url: str | None = None  # the server source=prometheus objectives are pulled from
    prometheus_token: str | None = None  # sent to it as a bearer token
    prometheus_tokens: tuple[tuple[str, str], ...] = ()  # named servers' tokens (SLABOT_PROMETHEUS_TOKEN_<NAME>)

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    def prometheus_servers(self) -> Servers:
        """The Prometheus servers objectives can be pulled from, with their tokens."""
        return Servers(self.prometheus_url, self.prometheus_token, dict(self.prometheus_tokens))

    def is_admin(self, user_id: str) -> bool:
        """Everyone may change the catalogue while SLABOT_ADMINS is empty."""
        return not self.admins or user_id in self.admins


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _require(env: Mapping[str, str], name: str, prefix: str, why: str) -> str:
    value = _get(env, name)
    if value is None:
        raise ConfigError(f"{name} is not set: {why}")
    if not value.startswith(prefix):
        raise ConfigError(f"{name} must start with '{prefix}' (got '{value[:5]}…')")
    return value


def _api_url(env: Mapping[str, str]) -> str:
    value = _get(env, "SLACK_API_URL") or DEFAULT_API_URL
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"SLACK_API_URL must be an http(s) URL like {DEFAULT_API_URL} (got '{value}')")
    return value if value.endswith("/") else value + "/"


def _database_url(env: Mapping[str, str]) -> str:
    value = _get(env, "DATABASE_URL") or DEFAULT_DATABASE_URL
    try:
        url = make_url(value)
    except ArgumentError:
        raise ConfigError(
            f"DATABASE_URL is not a database URL: use {DEFAULT_DATABASE_URL} or "
            "postgresql+psycopg://user:password@host:5432/dbname"
        ) from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(f"DATABASE_URL must be sqlite:/// or postgresql+psycopg:// (got {url.drivername})")
    if url.get_backend_name() == "postgresql" and url.get_driver_name() != "psycopg":
        raise ConfigError("DATABASE_URL for Postgres must start with postgresql+psycopg://")
    return value


def _port(env: Mapping[str, str]) -> int:
    value = _get(env, "PORT") or "3000"
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError(f"PORT must be a number from 1 to 65535 (got '{value}')")
    return int(value)


def _timezone(env: Mapping[str, str]) -> ZoneInfo:
    value = _get(env, "SLABOT_TIMEZONE") or "UTC"
    try:
        return parse_zone(value)
    except UserError:
        raise ConfigError(
            f"SLABOT_TIMEZONE must be a zone like Europe/Berlin or UTC (got '{shown(value, 40)}')"
        ) from None


def _language(env: Mapping[str, str]) -> Locale:
    value = _get(env, "SLABOT_LANGUAGE") or DEFAULT_LOCALE
    locale = parse_locale(value)
    if locale is None:
        raise ConfigError(f"SLABOT_LANGUAGE must be en or zh (got '{shown(value, 40)}')")
    return locale


def _admins(env: Mapping[str, str]) -> frozenset[str]:
    ids = [part for part in re.split(r"[\s,]+", _get(env, "SLABOT_ADMINS") or "") if part]
    bad = [part for part in ids if not _USER_ID.match(part)]
    if bad:
        raise ConfigError(
            f"SLABOT_ADMINS must list Slack user IDs like U0123ABCD, separated by commas (got '{bad[0]}')"
        )
    return frozenset(ids)


def _api_token(env: Mapping[str, str]) -> str | None:
    """The bearer token of the ingest API; unset means the API is off (it answers 401)."""
    value = _get(env, "SLABOT_API_TOKEN")
    if value is not None and not _API_TOKEN.match(value):
        raise ConfigError(
            f"SLABOT_API_TOKEN must be at least {MIN_API_TOKEN_LENGTH} printable ASCII characters without spaces "
            f"(got {len(value)} characters); make one with: {_MAKE_TOKEN}"
        )
    if value is None:
        return None
    distinct, bits = len(set(value)), token_bits(value)
    if distinct < MIN_API_TOKEN_DISTINCT:
        raise ConfigError(
            f"SLABOT_API_TOKEN is too easy to guess: it uses {distinct} distinct character{'s' * (distinct != 1)}, "
            f"at least {MIN_API_TOKEN_DISTINCT} are needed; make one with: {_MAKE_TOKEN}"
        )
    if bits < MIN_API_TOKEN_BITS:
        raise ConfigError(
            f"SLABOT_API_TOKEN is too easy to guess: about {bits} bits of entropy, at least {MIN_API_TOKEN_BITS} "
            f"are needed (make it longer, or mix letters and digits); make one with: {_MAKE_TOKEN}"
        )
    return value


def token_bits(value: str) -> int:
    """A rough guess of a token's entropy in bits: its length times log2 of the alphabet its kinds of
    characters span (lower case 26, upper case 26, digits 10, punctuation 32). Generous to a token of few
    distinct characters: those are refused on their own."""
    kinds = (string.ascii_lowercase, string.ascii_uppercase, string.digits, string.punctuation)
    alphabet = sum(len(kind) for kind in kinds if any(char in kind for char in value))
    return math.floor(len(value) * math.log2(alphabet)) if alphabet > 1 else 0


def _retention(env: Mapping[str, str]) -> int:
    value = _get(env, "SLABOT_RAW_RETENTION_DAYS") or "35"
    if not value.isdigit() or not 1 <= int(value) <= 3650:
        raise ConfigError(f"SLABOT_RAW_RETENTION_DAYS must be a number of days from 1 to 3650 (got '{value}')")
    return int(value)


def _eval_interval(env: Mapping[str, str]) -> int:
    value = _get(env, "SLABOT_EVAL_INTERVAL") or "60"
    if not value.isdigit() or not 1 <= int(value) <= 3600:
        raise ConfigError(f"SLABOT_EVAL_INTERVAL must be a number of seconds from 1 to 3600 (got '{value}')")
    return int(value)


def _digest_grace(env: Mapping[str, str]) -> int:
    value = _get(env, "SLABOT_DIGEST_GRACE_HOURS") or "12"
    if not value.isdigit() or not 0 <= int(value) <= 144:
        raise ConfigError(f"SLABOT_DIGEST_GRACE_HOURS must be a number of hours from 0 to 144 (got '{value}')")
    return int(value)


def _auto_rca(env: Mapping[str, str]) -> bool:
    value = (_get(env, "SLABOT_AUTO_RCA") or "on").lower()
    if value not in ("on", "off", "true", "false", "1", "0", "yes", "no"):
        raise ConfigError(f"SLABOT_AUTO_RCA must be on or off (got '{value}')")
    return value in ("on", "true", "1", "yes")


def _alert_service_label(env: Mapping[str, str]) -> str:
    value = _get(env, "SLABOT_ALERT_SERVICE_LABEL") or "service"
    if parse_label_name(value) is None:
        raise ConfigError(
            f"SLABOT_ALERT_SERVICE_LABEL must be a Prometheus label name like service (got '{shown(value, 40)}')"
        )
    return value


def _alert_severities(env: Mapping[str, str]) -> tuple[tuple[str, int], ...]:
    value = _get(env, "SLABOT_ALERT_SEVERITIES")
    if value is None:
        return DEFAULT_ALERT_SEVERITIES
    parsed = parse_severities(value)
    if isinstance(parsed, str):
        raise ConfigError(f"SLABOT_ALERT_SEVERITIES must be like critical=1,error=2,warning=3,info=4: {parsed}")
    return tuple(parsed.items())


def _alert_channel(env: Mapping[str, str]) -> str | None:
    """The channel (an ID, as Slack keeps it) announcing incidents of alerts that name no service slabot knows."""
    value = _get(env, "SLABOT_ALERT_CHANNEL")
    if value is not None and not _CHANNEL_ID.match(value):
        raise ConfigError(
            f"SLABOT_ALERT_CHANNEL must be a Slack channel ID like C0123ABCD, not a name (got '{shown(value, 40)}'); "
            "Slack shows it at the bottom of the channel's details"
        )
    return value


def _prometheus_url(env: Mapping[str, str]) -> str | None:
    value = _get(env, "SLABOT_PROMETHEUS_URL")
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(
            f"SLABOT_PROMETHEUS_URL must be an http(s) URL like http://prometheus:9090 (got '{shown(value, 60)}')"
        )
    return value.rstrip("/")


def load_settings(env: Mapping[str, str] | None = None, *, mode: Mode = "http") -> Settings:
    """Read and check every setting; `mode` decides which Slack credentials are required.

    http: bot token and signing secret; socket: bot token and app token; console and offline: none.
    """
    env = os.environ if env is None else env
    if _get(env, "SLACK_CLIENT_ID") and _get(env, "SLACK_CLIENT_SECRET"):
        raise ConfigError(
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set: slabot runs in one workspace with SLACK_BOT_TOKEN; "
            "unset them"
        )
    settings = Settings(
        api_url=_api_url(env),
        database_url=_database_url(env),
        port=_port(env),
        timezone=_timezone(env),
        language=_language(env),
        admins=_admins(env),
        api_token=_api_token(env),
        raw_retention_days=_retention(env),
        eval_interval_seconds=_eval_interval(env),
        digest_grace_hours=_digest_grace(env),
        auto_rca=_auto_rca(env),
        alert_service_label=_alert_service_label(env),
        alert_severities=_alert_severities(env),
        alert_channel=_alert_channel(env),
        prometheus_url=_prometheus_url(env),
        prometheus_token=_get(env, "SLABOT_PROMETHEUS_TOKEN"),
        prometheus_tokens=tuple(sorted(tokens_from(env).items())),
    )
    if mode in ("console", "offline"):
        return settings
    app_token = _get(env, "SLACK_APP_TOKEN")
    bot_token = _require(env, "SLACK_BOT_TOKEN", "xoxb-", "copy the Bot User OAuth Token from your Slack app")
    if app_token is not None:
        app_token = _require(env, "SLACK_APP_TOKEN", "xapp-", "")
        signing_secret = _get(env, "SLACK_SIGNING_SECRET")
    else:
        signing_secret = _get(env, "SLACK_SIGNING_SECRET")
        if signing_secret is None:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set: HTTP mode needs it (or set SLACK_APP_TOKEN for Socket Mode)"
            )
    return replace(settings, bot_token=bot_token, signing_secret=signing_secret, app_token=app_token)


def load_dotenv_file(path: str = ".env") -> None:
    """Merge a .env file into the environment; variables already set win."""
    from dotenv import load_dotenv

    load_dotenv(path, override=False)
