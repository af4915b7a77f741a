"""The 5-Why conversation as pure rules: what a thread reply means, which question comes next, and how an
action item is written. No database and no Slack here; `slabot.rca.steps` applies the outcomes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from slabot.core.errors import UserError
from slabot.core.i18n import Message, t
from storage.models.rca import ACTION_TEXT_MAX

MAX_WHYS = 5  # questions a 5-Why asks at most
ANSWER_MAX = 1000  # characters (not bytes); answers are stored as text of any length; this keeps a thread readable
# The example action item every prompt shows: its syntax stays, its words are the reader's language.
ACTION_EXAMPLE = t("action: add a replica lag alarm owner=@dana due=2026-12-01")
# "done", "Done.", "root cause!", "完成" end the whys; "back", "返回" undo the last answer.
_FINISH_WORDS = frozenset(
    {"done", "root cause", "that's the root cause", "that is the root cause", "完成", "根因", "这就是根因", "就是根因"}
)
_BACK_WORDS = frozenset({"back", "go back", "undo", "返回", "撤销", "上一步"})
_END_PUNCTUATION = " .!?。！？"
_ACTION_PREFIX = re.compile(r"^\s*(?:\*|_)?(?:action|改进项)(?:\*|_)?\s*[:：]\s*", re.IGNORECASE)
# owner=/due= after a space, or straight after Chinese text ("加告警owner=me"); a value ends at a space or at
# Chinese punctuation, and a Chinese separator before an option goes with it ("owner=me，due=7d").
_OPTION = re.compile(r"[，、；]?\s*(?<![\x21-\x7e])(owner|due)=([^\s，。；、]+)", re.IGNORECASE)
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_RELATIVE_DUE = re.compile(r"^(\d{1,3})([dw天周])$", re.IGNORECASE)
_WEEKS = ("w", "周")


class Intent(StrEnum):
    ANSWER = "answer"
    FINISH = "finish"
    BACK = "back"
    ACTION = "action"


def _normalised(text: str) -> str:
    return " ".join(text.split()).strip(_END_PUNCTUATION).lower()


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
        raise UserError(t("An empty reply is not an answer; say why in a few words."))
    if len(answer) > ANSWER_MAX:
        raise UserError(
            t("That answer is {n} characters; keep it to {limit} at most.", n=len(answer), limit=ANSWER_MAX)
        )
    return answer


def _clause(answer: str) -> str:
    """An answer as the object of the next "why": no closing punctuation, a sentence's capital dropped
    unless the first word is written in capitals ("API", "DNS") or is "I"."""
    clause = answer.strip().rstrip(".!?;:。！？；：，")
    first = clause.split(" ", 1)[0]
    if first == "A" or (len(first) > 1 and first[0].isupper() and not first[1:2].isupper()):
        clause = clause[0].lower() + clause[1:]
    return clause


def current_position(answers: int) -> int:
    """The question a 5-Why with this many answers is at (the last one once all are answered)."""
    return min(answers + 1, MAX_WHYS)


def why_question(position: int, symptom: str, previous_answer: str | None) -> Message:
    """'Why 1/5: why did “<symptom>” happen?', then 'Why n/5: why <previous answer>?', in the reader's
    language (为什么会发生“…”？ in Chinese; the quoted part is what people typed, in any language)."""
    if not 1 <= position <= MAX_WHYS:
        raise ValueError(f"a 5-Why asks {MAX_WHYS} questions at most, not {position}")
    if position == 1 or previous_answer is None:
        return t(
            "Why {position}/{total}: why did “{symptom}” happen?", position=position, total=MAX_WHYS, symptom=symptom
        )
    return t(
        "Why {position}/{total}: why {answer}?", position=position, total=MAX_WHYS, answer=_clause(previous_answer)
    )


def question(position: int, symptom: str, previous_answer: str | None) -> str:
    """The question in English, as it is stored with its answer (it is shown in the reader's language)."""
    return str(why_question(position, symptom, previous_answer))


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
        raise UserError(
            t(
                "owner= takes a person picked with @ (or owner=me), not '{value}'. Like: {example}",
                value=value,
                example=ACTION_EXAMPLE,
            )
        )
    return match.group(1)


def _due(value: str, today: date) -> date:
    relative = _RELATIVE_DUE.match(value)
    if relative:
        count = int(relative.group(1))
        return today + timedelta(days=count * (7 if relative.group(2).lower() in _WEEKS else 1))
    try:
        due = date.fromisoformat(value)
    except ValueError:
        raise UserError(t("due= takes a date like 2026-12-01 (or 7d, 2w), not '{value}'.", value=value)) from None
    if due < today:
        raise UserError(t("due={value} is in the past; give today or a later date.", value=value))
    return due


def _missing(options: dict[str, str]) -> Message | None:
    """What an action item lacks of owner= and due=, said whole (None when it has both)."""
    owner, due = "owner" not in options, "due" not in options
    if owner and due:
        return t("An action item needs owner= and due=, like: {example}", example=ACTION_EXAMPLE)
    if owner:
        return t("An action item needs owner=, like: {example}", example=ACTION_EXAMPLE)
    if due:
        return t("An action item needs due=, like: {example}", example=ACTION_EXAMPLE)
    return None


def parse_action(text: str, author: str, today: date) -> ActionDraft:
    """`action: <what> owner=<@U…>|me due=<YYYY-MM-DD|7d|2w>`; the options may come anywhere after the colon
    (`改进项：` and a full-width colon are taken too; 7天 and 2周 as 7d and 2w)."""
    prefix = _ACTION_PREFIX.match(text)
    if prefix is None:
        raise UserError(t("An action item starts with 'action:', like: {example}", example=ACTION_EXAMPLE))
    body = text[prefix.end() :]
    options: dict[str, str] = {}
    for match in _OPTION.finditer(body):
        key = match.group(1).lower()
        if key in options:
            raise UserError(t("{key}= is given twice; give it once.", key=key))
        options[key] = match.group(2)
    what = " ".join(_OPTION.sub(" ", body).split())
    if not what:
        raise UserError(t("Say what is to be done, like: {example}", example=ACTION_EXAMPLE))
    if len(what) > ACTION_TEXT_MAX:
        raise UserError(
            t("That action item is {n} characters; keep it to {limit} at most.", n=len(what), limit=ACTION_TEXT_MAX)
        )
    missing = _missing(options)
    if missing is not None:
        raise UserError(missing)
    return ActionDraft(what, _owner(options["owner"], author), _due(options["due"], today))
