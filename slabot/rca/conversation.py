"""The 5-Why conversation as pure rules: what a thread reply means, which question comes next, and how an
action item is written. No database and no Slack here; `slabot.rca.steps` applies the outcomes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from slabot.core.errors import UserError
from storage.models.rca import ACTION_TEXT_MAX

MAX_WHYS = 5  # questions a 5-Why asks at most
ANSWER_MAX = 1000  # answers are stored as text of any length; this keeps a thread readable
ACTION_EXAMPLE = "action: add a replica lag alarm owner=@dana due=2026-12-01"
# "done", "Done.", "root cause!" end the whys; "back" undoes the last answer.
_FINISH_WORDS = frozenset({"done", "root cause", "that's the root cause", "that is the root cause"})
_BACK_WORDS = frozenset({"back", "go back", "undo"})
_ACTION_PREFIX = re.compile(r"^\s*(?:\*|_)?action(?:\*|_)?\s*:\s*", re.IGNORECASE)
_OPTION = re.compile(r"(?<!\S)(owner|due)=(\S+)", re.IGNORECASE)
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_RELATIVE_DUE = re.compile(r"^(\d{1,3})([dw])$", re.IGNORECASE)


class Intent(StrEnum):
    ANSWER = "answer"
    FINISH = "finish"
    BACK = "back"
    ACTION = "action"


def _normalised(text: str) -> str:
    return " ".join(text.split()).strip(" .!?").lower()


def intent_of(text: str) -> Intent:
    """What a human reply in a running 5-Why's thread asks for."""
    if _ACTION_PREFIX.match(text):
        return Intent.ACTION
    words = _normalised(text)
    if words in _FINISH_WORDS:
        return Intent.FINISH
    if words in _BACK_WORDS:
        return Intent.BACK
    return Intent.ANSWER


def clean_answer(text: str) -> str:
    """An answer as stored: whitespace collapsed, at most ANSWER_MAX characters."""
    answer = " ".join(text.split())
    if not answer:
        raise UserError("An empty reply is not an answer; say why in a few words.")
    if len(answer) > ANSWER_MAX:
        raise UserError(f"That answer is {len(answer)} characters; keep it to {ANSWER_MAX} at most.")
    return answer


def _clause(answer: str) -> str:
    """An answer as the object of the next "why": no closing punctuation, a sentence's capital dropped
    unless the first word is written in capitals ("API", "DNS") or is "I"."""
    clause = answer.strip().rstrip(".!?;:")
    first = clause.split(" ", 1)[0]
    if first == "A" or (len(first) > 1 and first[0].isupper() and not first[1:2].isupper()):
        clause = clause[0].lower() + clause[1:]
    return clause


def current_position(answers: int) -> int:
    """The question a 5-Why with this many answers is at (the last one once all are answered)."""
    return min(answers + 1, MAX_WHYS)


def question(position: int, symptom: str, previous_answer: str | None) -> str:
    """'Why 1/5: why did “<symptom>” happen?', then 'Why n/5: why <previous answer>?'."""
    if not 1 <= position <= MAX_WHYS:
        raise ValueError(f"a 5-Why asks {MAX_WHYS} questions at most, not {position}")
    if position == 1 or previous_answer is None:
        return f"Why {position}/{MAX_WHYS}: why did “{symptom}” happen?"
    return f"Why {position}/{MAX_WHYS}: why {_clause(previous_answer)}?"


@dataclass(frozen=True)
class ActionDraft:
    text: str
    owner_id: str
    due: date


def _owner(value: str, author: str) -> str:
    if value.lower() == "me":
        return author
    match = _MENTION.match(value)
    if match is None:
        raise UserError(f"owner= takes a person picked with @ (or owner=me), not '{value}'. Like: {ACTION_EXAMPLE}")
    return match.group(1)


def _due(value: str, today: date) -> date:
    relative = _RELATIVE_DUE.match(value)
    if relative:
        count = int(relative.group(1))
        return today + timedelta(days=count * (7 if relative.group(2).lower() == "w" else 1))
    try:
        due = date.fromisoformat(value)
    except ValueError:
        raise UserError(f"due= takes a date like 2026-12-01 (or 7d, 2w), not '{value}'.") from None
    if due < today:
        raise UserError(f"due={value} is in the past; give today or a later date.")
    return due


def parse_action(text: str, author: str, today: date) -> ActionDraft:
    """`action: <what> owner=<@U…>|me due=<YYYY-MM-DD|7d|2w>`; the options may come anywhere after the colon."""
    prefix = _ACTION_PREFIX.match(text)
    if prefix is None:
        raise UserError(f"An action item starts with 'action:', like: {ACTION_EXAMPLE}")
    body = text[prefix.end() :]
    options: dict[str, str] = {}
    for match in _OPTION.finditer(body):
        key = match.group(1).lower()
        if key in options:
            raise UserError(f"{key}= is given twice; give it once.")
        options[key] = match.group(2)
    what = " ".join(_OPTION.sub(" ", body).split())
    if not what:
        raise UserError(f"Say what is to be done, like: {ACTION_EXAMPLE}")
    if len(what) > ACTION_TEXT_MAX:
        raise UserError(f"That action item is {len(what)} characters; keep it to {ACTION_TEXT_MAX} at most.")
    missing = [key for key in ("owner", "due") if key not in options]
    if missing:
        raise UserError(f"An action item needs {' and '.join(f'{k}=' for k in missing)}, like: {ACTION_EXAMPLE}")
    return ActionDraft(what, _owner(options["owner"], author), _due(options["due"], today))
