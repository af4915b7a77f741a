"""Human replies in a 5-Why's thread: answers, `done`, `back`, action items, and edits of earlier replies.

A reply is handled in one transaction that records its Slack event_id (a retry with the same id does
nothing) and holds the 5-Why's row; what the bot answers comes back as events for the edge to queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from slabot.core.errors import UserError
from slabot.core.i18n import t
from slabot.rca import steps
from slabot.rca.conversation import MAX_WHYS, Intent, clean_answer, intent_of, parse_action, question
from slabot.rca.events import ActionRecorded, Asking, ProblemNoted, RcaEvent, WrapUpChanged
from slabot.rca.steps import Move
from storage.models.rca import ActionItem, RcaStage, RcaWhy
from storage.models.slack_events import SlackEvent
from storage.queries.rca import action_item_from_message, lock_running, running_in_thread
from storage.queries.rows import insert_ignore

# Message subtypes that are a person writing in the thread; every other subtype (joins, deletions, bots) is not.
_HUMAN_SUBTYPES = frozenset({None, "thread_broadcast", "file_share", "message_changed"})


@dataclass(frozen=True)
class ThreadMessage:
    """A person's message in a thread, as the Events API delivered it (a new reply, or an edit of one)."""

    event_id: str | None
    channel_id: str
    thread_ts: str
    ts: str
    user_id: str
    text: str
    edited: bool = False

    @classmethod
    def from_event(cls, event: dict[str, Any], event_id: str | None, bot_user_id: str | None) -> ThreadMessage | None:
        """None for anything that is not a person's reply in a thread (top-level messages, bots, the bot)."""
        subtype = event.get("subtype")
        if subtype not in _HUMAN_SUBTYPES:
            return None
        edited = subtype == "message_changed"
        message = (event.get("message") or {}) if edited else event
        user, thread_ts, ts = message.get("user"), message.get("thread_ts"), message.get("ts")
        if message.get("bot_id") or message.get("subtype") == "bot_message" or not user or user == bot_user_id:
            return None
        if not thread_ts or not ts or thread_ts == ts or not event.get("channel"):
            return None
        text = str(message.get("text") or "")
        return cls(event_id, str(event["channel"]), str(thread_ts), str(ts), str(user), text, edited)


def handle(session: Session, message: ThreadMessage, today: date, now: datetime) -> list[RcaEvent]:
    """Apply a thread reply to the 5-Why running in its thread; returns what the bot says to it.

    A thread with no running 5-Why, or an event seen before, changes nothing."""
    running = running_in_thread(session, message.channel_id, message.thread_ts)
    if running is None:
        return []
    if message.event_id and not insert_ignore(
        session, SlackEvent, {"event_id": message.event_id[:64], "received_at": now}
    ):
        return []
    rca = lock_running(session, running.id)
    if rca is None:
        return []
    move = Move(session, rca, now)
    try:
        if message.edited:
            _edit(move, message, today)
        else:
            _reply(move, message, today)
    except UserError as error:
        move.tell(ProblemNoted(move.where, error.said))
    return move.events


def _reply(move: Move, message: ThreadMessage, today: date) -> None:
    intent = intent_of(message.text)
    if intent is Intent.ACTION:
        _add_action(move, message, today)
        return
    whys = move.whys()
    if intent is Intent.BACK:
        steps.undo_last_answer(move, whys)
    elif move.rca.stage == RcaStage.WRAP_UP:
        if intent is Intent.FINISH:
            steps.finish(move, message.user_id)
        # anything else in the wrap-up is conversation, not for the bot
    elif intent is Intent.FINISH:
        if not whys:
            raise UserError(
                t("Answer Why 1/{total} first; say `done` at the answer that is the root cause.", total=MAX_WHYS)
            )
        steps.enter_wrap_up(move, whys)
    else:
        _answer(move, message, whys)


def _answer(move: Move, message: ThreadMessage, whys: list[RcaWhy]) -> None:
    position = len(whys) + 1
    why = RcaWhy(
        rca_id=move.rca.id,
        position=position,
        question=str(move.question(position, whys)),  # English, as stored
        answer=clean_answer(message.text),
        answered_by=message.user_id,
        answered_at=move.now,
        message_ts=message.ts,
    )
    move.session.add(why)
    whys.append(why)
    if position == MAX_WHYS:
        steps.enter_wrap_up(move, whys)
    else:
        steps.ask_next(move, whys)


def _add_action(move: Move, message: ThreadMessage, today: date) -> None:
    draft = parse_action(message.text, message.user_id, today)
    item = ActionItem(
        incident_id=move.rca.incident_id,
        rca_id=move.rca.id,
        text=draft.text,
        owner_id=draft.owner_id,
        due=draft.due,
        message_ts=message.ts,
        created_by=message.user_id,
        created_at=move.now,
    )
    move.session.add(item)
    move.session.flush()
    move.tell(ActionRecorded(move.where, item))


def _edit(move: Move, message: ThreadMessage, today: date) -> None:
    """An edited reply: an answer takes the new text (and the question after it is reworded); an action
    item is parsed again. Edits of other messages are nobody's business."""
    whys = move.whys()
    edited = next((why for why in whys if why.message_ts == message.ts), None)
    if edited is not None:
        if intent_of(message.text) is not Intent.ANSWER:
            return
        edited.answer = clean_answer(message.text)
        move.session.add(edited)
        following = next((why for why in whys if why.position == edited.position + 1), None)
        if following is not None:
            following.question = question(following.position, move.incident.title, edited.answer)
            move.session.add(following)
        elif move.rca.stage == RcaStage.WHYS:
            steps.ask_next(move, whys, Asking.REWORDED)
        else:
            move.tell(WrapUpChanged(move.wrap_up(whys)))
        return
    item = action_item_from_message(move.session, move.rca.id, message.ts)
    if item is None:
        return
    draft = parse_action(message.text, message.user_id, today)
    item.text, item.owner_id, item.due = draft.text, draft.owner_id, draft.due
    move.session.add(item)
    move.tell(ActionRecorded(move.where, item, updated=True))
