"""The moves of a 5-Why, shared by thread replies, buttons and commands. Every move runs inside one
transaction holding the 5-Why's row (`lock_running`, which bumps its version) and returns what it did as
events; the edge has notify write them to the outbox in that transaction, under keys named by the
version, so a move made twice (a retry, a second replica) is said once."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from slabot.core.errors import UserError
from slabot.core.i18n import Message, t
from slabot.incidents.lifecycle import get_incident
from slabot.rca.conversation import why_question
from slabot.rca.events import (
    Asking,
    InThread,
    NotDoneYet,
    QuestionAsked,
    RcaEvent,
    WhyCancelled,
    WhyFinished,
    Withdrawal,
    WrapUp,
    WrapUpChanged,
    WrapUpShown,
    WrapUpWithdrawn,
)
from storage.models.rca import ActionItem, Rca, RcaStage, RcaWhy
from storage.queries.rca import action_items_of_rca, whys_of


class Move:
    """One locked change of a 5-Why: the rows it touches and what it tells the thread (its events)."""

    def __init__(self, session: Session, rca: Rca, now: datetime) -> None:
        self.session = session
        self.rca = rca
        self.now = now
        self.incident, self.service = get_incident(session, rca.incident_id)
        self.where = InThread.of(rca)
        self.events: list[RcaEvent] = []

    def tell(self, event: RcaEvent) -> None:
        self.events.append(event)

    def whys(self) -> list[RcaWhy]:
        return list(whys_of(self.session, self.rca.id))

    def actions(self) -> list[ActionItem]:
        return action_items_of_rca(self.session, self.rca.id)

    def question(self, position: int, whys: list[RcaWhy]) -> Message:
        """Why n/5 as the thread reads it (stored in English with its answer)."""
        previous = whys[position - 2].answer if position >= 2 and len(whys) >= position - 1 else None
        return why_question(position, self.incident.title, previous)

    def wrap_up(self, whys: list[RcaWhy], *, closed: bool = False) -> WrapUp:
        return WrapUp(self.where, whys[-1].answer if whys else "—", self.rca.category, closed=closed)

    def save(self) -> None:
        self.session.add(self.rca)


def ask_next(move: Move, whys: list[RcaWhy], asking: Asking = Asking.NEXT, replaced: str | None = None) -> None:
    position = len(whys) + 1
    move.tell(QuestionAsked(move.where, position, move.question(position, whys), asking, replaced))


def enter_wrap_up(move: Move, whys: list[RcaWhy]) -> None:
    """The whys are over: the last answer is the root cause; ask for the category and action items."""
    move.rca.stage = RcaStage.WRAP_UP
    move.save()
    move.tell(WrapUpShown(move.wrap_up(whys)))


def undo_last_answer(move: Move, whys: list[RcaWhy]) -> None:
    """ "back": the last answer is dropped and its question asked again (from the wrap-up, too)."""
    if move.rca.stage == RcaStage.WRAP_UP:
        move.tell(WrapUpWithdrawn(move.where, Withdrawal.BACK))
        move.rca.stage = RcaStage.WHYS
        move.save()
    if not whys:
        ask_next(move, whys, Asking.NO_EARLIER)
        return
    last = whys.pop()
    move.session.delete(last)
    ask_next(move, whys, Asking.AGAIN, last.answer)


def stop(move: Move, stage: RcaStage, actor: str) -> None:
    move.rca.stage = stage
    move.rca.running_incident_id = None
    move.rca.finished_at = move.now
    move.rca.finished_by = actor
    move.save()


def finish(move: Move, actor: str) -> None:
    """`done` in the wrap-up: needs a category and an action item; then the summary."""
    whys, actions = move.whys(), move.actions()
    if move.rca.category is None or not actions:
        move.tell(NotDoneYet(move.where, move.rca.category is None, not actions))
        return
    stop(move, RcaStage.DONE, actor)
    move.tell(WrapUpChanged(move.wrap_up(whys, closed=True)))
    move.tell(WhyFinished(move.where, move.incident, move.service, move.rca.category, tuple(whys), tuple(actions)))


def cancel(move: Move, actor: str) -> None:
    stop(move, RcaStage.CANCELLED, actor)
    move.tell(WrapUpWithdrawn(move.where, Withdrawal.CANCELLED))
    move.tell(WhyCancelled(move.where, actor))


def require_wrap_up(rca: Rca) -> None:
    if rca.stage != RcaStage.WRAP_UP:
        raise UserError(t("Answer the whys first (say `done` in the thread at the root cause), then pick a category."))
