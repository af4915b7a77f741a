"""Turning the text after a slash command into words, key=value options and Slack IDs."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from slabot.catalog.names import parse_name
from slabot.core.errors import UserError, said_by, shown
from slabot.core.i18n import DEFAULT_LOCALE, Locale, Message, t
from slabot.core.timefmt import parse_when
from storage.models.catalog import SLACK_ID_MAX

_QUOTES = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201c", "\u00ab": "\u00bb"}
_CLOSING = {'"', "\u201d", "\u201c", "\u00bb"}
_OPTION = re.compile(r"^([a-z_]+)[=\uff1d](.*)$", re.DOTALL)  # = or a Chinese keyboard's full-width ＝
_CHANNEL = re.compile(r"^(?:<#([CG][A-Z0-9]+)(?:\|[^>]*)?>|([CG][A-Z0-9]{2,}))$")
_USER = re.compile(r"^(?:<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|([UW][A-Z0-9]{2,}))$")
_GROUP = re.compile(r"^(?:<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>|(S[A-Z0-9]{2,}))$")
_ID = re.compile(r"#?([0-9]+)")  # ASCII digits only: str.isdigit() and int() also take '²' and '٣'
_PERCENT = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
ID_MAX = 2_147_483_647  # the largest id an integer column holds (Postgres refuses a larger one)
TIME_MIN = datetime(1970, 1, 1, tzinfo=UTC)
TIME_MAX = datetime(2999, 12, 31, 23, 59, tzinfo=UTC)


def tokenize(text: str) -> list[str]:
    """Split on white space; double quotes (straight or typographic) group words. Apostrophes are literal."""
    tokens: list[str] = []
    current: list[str] = []
    in_token = False
    closing: str | None = None
    for char in text:
        if closing is not None:
            if char == closing or (char in _CLOSING and closing in _CLOSING):
                closing = None
            else:
                current.append(char)
        elif char in _QUOTES:
            closing = _QUOTES[char]
            in_token = True
        elif char.isspace():
            if in_token:
                tokens.append("".join(current))
                current, in_token = [], False
        else:
            current.append(char)
            in_token = True
    if closing is not None:
        raise UserError(t('a quote is not closed: put the closing " after the quoted words'))
    if in_token:
        tokens.append("".join(current))
    return tokens


@dataclass
class Args:
    """Positional words in order, and key=value options (keys lower-cased)."""

    words: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)

    def take_flag(self, flag: str) -> bool:
        """Remove a bare word like `public` or `confirm` wherever it stands; True if it was there."""
        lowered = [word.lower() for word in self.words]
        if flag not in lowered:
            return False
        del self.words[lowered.index(flag)]
        return True


def parse_args(text: str, allowed: frozenset[str] | set[str], *, free_text: bool = False) -> Args:
    """Split text into words and options; an option key not in `allowed` is an error.

    With free_text, an unknown key=value is kept as a word (titles may contain '=').
    """
    args = Args()
    for token in tokenize(text):
        match = _OPTION.match(token)
        key = match.group(1).lower() if match else None
        if match and key is not None and key in allowed:
            if key in args.options:
                raise UserError(t("{key}= is given twice", key=key))
            args.options[key] = match.group(2).strip()
        elif match and not free_text:
            if not allowed:
                raise UserError(t("unknown option {key}= (this command takes no options)", key=key))
            known = ", ".join(f"{name}=" for name in sorted(allowed))
            raise UserError(t("unknown option {key}= (options here: {known})", key=key, known=known))
        else:
            args.words.append(token)
    return args


def parse_objective_ref(text: str) -> tuple[str, str]:
    """`service/objective` as typed in /sla budget and /sla delete."""
    service, slash, objective = text.partition("/")
    if not slash or not service or not objective:
        raise UserError(t("'{text}' is not service/objective: write it like checkout/availability", text=shown(text)))
    return parse_name(service, "service"), parse_name(objective, "objective")


def parse_channel(text: str) -> str:
    """A channel as Slack escapes it (<#C0123|name>) or a bare ID; returns the ID."""
    match = _CHANNEL.match(text.strip())
    if not match or len(match.group(1) or match.group(2)) > SLACK_ID_MAX:
        raise UserError(
            t("'{text}' is not a channel: pick it with # so Slack fills it in (like #checkout)", text=shown(text))
        )
    return match.group(1) or match.group(2)


def parse_oncall(text: str) -> str:
    """A user (<@U0123|bob>, U0123) or a user group (<!subteam^S0123|oncall>, S0123); returns the ID."""
    for pattern in (_USER, _GROUP):
        match = pattern.match(text.strip())
        if match and len(match.group(1) or match.group(2)) <= SLACK_ID_MAX:
            return match.group(1) or match.group(2)
    raise UserError(
        t("'{text}' is not a user or user group: pick it with @ so Slack fills it in (like @alice)", text=shown(text))
    )


def parse_percent(text: str, what: str, *, allow_hundred: bool) -> Decimal:
    """A percentage strictly above 0 and below 100 (or up to 100 with allow_hundred); a trailing % is fine."""
    raw = text.strip().removesuffix("%")
    try:
        value = Decimal(raw) if _PERCENT.fullmatch(raw) else Decimal("NaN")
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0 or value > 100 or (value == 100 and not allow_hundred):
        if allow_hundred:
            raise UserError(
                t("{what} must be a percentage above 0 and at most 100, like 99.9 (got '{text}')", what=what,
                  text=shown(text))
            )  # fmt: skip
        raise UserError(
            t("{what} must be a percentage above 0 and below 100, like 99.9 (got '{text}')", what=what,
              text=shown(text))
        )  # fmt: skip
    if value.as_tuple().exponent < -6:  # type: ignore[operator]
        raise UserError(t("{what} may have at most 6 decimals (got '{text}')", what=what, text=shown(text)))
    return value.normalize() if value != value.to_integral_value() else value.quantize(Decimal(1))


def parse_choice(text: str, what: str, choices: tuple[str, ...]) -> str:
    value = text.lower()
    if value not in choices:
        raise UserError(
            t("{what} must be {choices} or {last} (got '{text}')", what=what, choices=", ".join(choices[:-1]),
              last=choices[-1], text=shown(text))
        )  # fmt: skip
    return value


def parse_id(text: str, what: str, where: str) -> int:
    """A row's number as typed (12 or #12): ASCII digits, from 1 to ID_MAX; `what` it numbers and `where` to
    look it up go into the error ("incident", "/incident list")."""
    match = _ID.fullmatch(text.strip())
    digits = match.group(1).lstrip("0") if match else ""
    number = int(digits) if digits and len(digits) <= len(str(ID_MAX)) else 0
    if number <= 0 or number > ID_MAX:
        raise UserError(_not_a_number(what, shown(text), where))
    return number


def _not_a_number(what: str, text: str, where: str) -> Message:
    if what == "incident":
        return t("'{text}' is not an incident number (they go from 1 to {max}). Give the incident's number from "
                 "{where}, like 12", text=text, max=ID_MAX, where=where)  # fmt: skip
    if what == "digest":
        return t("'{text}' is not a digest number (they go from 1 to {max}). Give the digest's number from {where}, "
                 "like 12", text=text, max=ID_MAX, where=where)  # fmt: skip
    if what == "action item":
        return t("'{text}' is not an action item number (they go from 1 to {max}). Give the action item's number "
                 "from {where}, like 12", text=text, max=ID_MAX, where=where)  # fmt: skip
    return t("'{text}' is not a maintenance window number (they go from 1 to {max}). Give the maintenance "
             "window's number from {where}, like 12", text=text, max=ID_MAX, where=where)  # fmt: skip


def parse_incident_id(text: str) -> int:
    return parse_id(text, "incident", "/incident list")


def parse_time(key: str, text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """A time typed after `key`= (30m, 2h ago, 2026-11-21 10:00, 2026-11-21T10:00+01:00), as UTC, within
    TIME_MIN and TIME_MAX (so later arithmetic and Postgres never overflow)."""
    try:
        moment = parse_when(text, now, zone)
    except ValueError as error:
        raise UserError(t("{key}=: {problem}", key=key, problem=said_by(error))) from None
    except OverflowError:
        moment = None
    if moment is None or not TIME_MIN <= moment <= TIME_MAX:
        raise UserError(
            t("{key}= '{text}' is out of range: times go from 1970-01-01 00:00 to 2999-12-31 23:59 UTC, like "
              "{key}=2026-11-21T10:00", key=key, text=shown(text))
        )  # fmt: skip
    return moment


def optional_service(args: Args, command: str) -> str | None:
    """At most one service name among the words (for listings that take one); None when there is none."""
    if len(args.words) > 1:
        raise UserError(t("Give at most one service name, like: {command} checkout", command=command))
    return parse_name(args.words[0], "service") if args.words else None


def parse_each(
    options: Mapping[str, str], parsers: Mapping[str, Callable[[str], object]], locale: Locale = DEFAULT_LOCALE
) -> tuple[dict[str, object], dict[str, str]]:
    """Each option given through its parser: the values, and the message of each one refused (in the reader's
    language), by key (a command reports the first, a form shows each beside its input)."""
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for key, raw in options.items():
        try:
            values[key] = parsers[key](raw)
        except UserError as error:
            errors[key] = error.text(locale)
    return values, errors


def first_error(errors: Mapping[str, str]) -> None:
    """Raise the first of `errors` (by option key) as the command's UserError, naming its field."""
    for key, message in errors.items():
        raise UserError(message, field=key)
