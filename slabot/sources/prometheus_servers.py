"""Which Prometheus server an objective is pulled from: SLABOT_PROMETHEUS_URL (no name), or a named server
(an OpenSLO DataSource, stored with its URL only), with its bearer token from the environment, never from
the files: SLABOT_PROMETHEUS_TOKEN for the unnamed one, SLABOT_PROMETHEUS_TOKEN_<NAME> for a named one
(upper case, `-` as `_`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlparse

from sqlmodel import Session

from slabot.core.errors import UserError, shown
from slabot.core.i18n import t
from slabot.sources.prometheus_client import PrometheusClient
from storage.models.prometheus import DATASOURCE_MAX, URL_MAX
from storage.queries import prometheus as queries

TOKEN_PREFIX = "SLABOT_PROMETHEUS_TOKEN_"
DATASOURCE_NAME = re.compile(rf"^[a-z0-9]([a-z0-9-]{{0,{DATASOURCE_MAX - 2}}}[a-z0-9])?$")


@dataclass(frozen=True)
class Server:
    """One server: its name (None: SLABOT_PROMETHEUS_URL), URL and token."""

    name: str | None
    url: str
    token: str | None = None

    @property
    def shown_name(self) -> str:
        return f"Prometheus {self.name}" if self.name else "Prometheus"

    def client(self) -> PrometheusClient:
        return PrometheusClient(self.url, self.token)


@dataclass(frozen=True)
class Servers:
    """The unnamed server (from the settings) and the tokens of named ones; their URLs are in the database."""

    default_url: str | None = None
    default_token: str | None = None
    tokens: Mapping[str, str] = field(default_factory=dict)

    def resolve(self, session: Session, name: str | None) -> Server:
        """The server objectives naming `name` are pulled from, or a UserError saying how to make one."""
        if name is None:
            if self.default_url is None:
                raise UserError(
                    t(
                        "source=prometheus needs the server: set SLABOT_PROMETHEUS_URL (like http://prometheus:9090), "
                        "or name an imported DataSource with datasource=<name>"
                    ),
                    field="datasource",
                )
            return Server(None, self.default_url, self.default_token)
        url = queries.datasource_url(session, name)
        if url is None:
            known = sorted(queries.datasources(session))
            wanted = shown(name, DATASOURCE_MAX)
            if known:
                said = t(
                    "There is no Prometheus DataSource named {name} (known: {known}): import its OpenSLO DataSource "
                    "with python bot.py openslo import <file>",
                    name=wanted,
                    known=", ".join(known),
                )
            else:
                said = t(
                    "There is no Prometheus DataSource named {name}: import its OpenSLO DataSource with "
                    "python bot.py openslo import <file>",
                    name=wanted,
                )
            raise UserError(said, field="datasource")
        return Server(name, url, self.tokens.get(name))


def parse_datasource_name(value: str, what: str = "datasource") -> str:
    if not DATASOURCE_NAME.match(value):
        raise UserError(
            t(
                "{what}= must be a DataSource name: lower-case letters, digits and -, up to {most} (got '{value}')",
                what=what,
                most=DATASOURCE_MAX,
                value=shown(value, 40),
            ),
            field=what,
        )
    return value


def check_url(value: str) -> str | None:
    """Why `value` is not a server URL slabot can pull from (None: it is)."""
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return "must be an http(s) URL like http://prometheus:9090"
    if len(value) > URL_MAX:
        return f"can be up to {URL_MAX} characters"
    if parsed.username or parsed.password:
        return "must not hold a user or password: give the token as SLABOT_PROMETHEUS_TOKEN_<NAME>"
    return None


def tokens_from(env: Mapping[str, str]) -> dict[str, str]:
    """Named servers' tokens from SLABOT_PROMETHEUS_TOKEN_<NAME> variables: {name: token}."""
    return {
        key.removeprefix(TOKEN_PREFIX).lower().replace("_", "-"): value.strip()
        for key, value in env.items()
        if key.startswith(TOKEN_PREFIX) and value.strip()
    }
