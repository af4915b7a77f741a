"""The moves of a 5-Why, shared by thread replies, buttons and commands. Every move runs inside one
transaction holding the 5-Why's row (`lock`), and queues the bot's replies in the outbox under keys named
by the row's version, so a move made twice (a retry, a second replica) is posted once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, delete, select

from slabot.core.errors import UserError
from slabot.core.mentions import user_mention
from slabot.notify import outbox
from slabot.rca.conversation import question
from slabot.render import rca as render
from slabot.render.reply import Reply
from storage.models.catalog import Service
from storage.models.incidents import Incident
from storage.models.rca import ActionItem, Rca, RcaStage, RcaWhy
from storage.queries.rca import whys_of


def lock(session: Session, rca_id: int) -> Rca | None:
    """Take the running 5-Why's row for this transaction (bumping its version); None if it is not running.

    The UPDATE comes first so concurrent moves queue on the row (Postgres) or the database (SQLite)."""
    bumped = session.execute(
        update(Rca)
        .where(col(Rca.id) == rca_id)
        .where(col(Rca.running_incident_id).is_not(None))
        .values(version=col(Rca.version) + 1)
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        return None
    return session.exec(select(Rca).where(col(Rca.id) == rca_id).execution_options(populate_existing=True)).one()


class Move:
    """One locked change of a 5-Why: the rows it touches and the replies it queues (their outbox keys)."""

    def __init__(self, session: Session, rca: Rca, now: datetime) -> None:
        assert rca.id is not None
        self.session = session
        self.rca = rca
        self.now = now
        self.keys: list[str] = []
        incident = session.get(Incident, rca.incident_id)
        assert incident is not None
        self.incident = incident

    def _key(self, suffix: str) -> str:
        return f"rca:{self.rca.id}:v{self.rca.version}:{suffix}"

    def post(self, reply: Reply, suffix: str) -> str:
        key = self._key(suffix)
        outbox.post(self.session, key, self.rca.channel_id, reply, self.now, thread_ts=self.rca.thread_ts)
        self.keys.append(key)
        return key

    def edit_wrap_up(self, reply: Reply) -> None:
        if self.rca.wrap_up_key is None:
            return
        key = self._key("wrap-up-edit")
        outbox.edit(self.session, key, self.rca.wrap_up_key, self.rca.channel_id, reply, self.now)
        self.keys.append(key)

    def whys(self) -> list[RcaWhy]:
        assert self.rca.id is not None
        return list(whys_of(self.session, self.rca.id))

    def actions(self) -> list[ActionItem]:
        query = select(ActionItem).where(col(ActionItem.rca_id) == self.rca.id).order_by(col(ActionItem.id))
        return list(self.session.exec(query).all())

    def question(self, position: int, whys: list[RcaWhy]) -> str:
        previous = whys[position - 2].answer if position >= 2 and len(whys) >= position - 1 else None
        return question(position, self.incident.title, previous)

    def wrap_up(self, whys: list[RcaWhy], *, closed: bool = False) -> render.WrapUp:
        return render.WrapUp(self.incident, self.rca, whys[-1].answer if whys else "—", closed=closed)

    def save(self) -> None:
        self.session.add(self.rca)


def ask_next(move: Move, whys: list[RcaWhy], note: str | None = None) -> None:
    position = len(whys) + 1
    move.post(render.ask(move.incident, move.question(position, whys), note), f"ask{position}")


def enter_wrap_up(move: Move, whys: list[RcaWhy]) -> None:
    """The whys are over: the last answer is the root cause; ask for the category and action items."""
    move.rca.stage = RcaStage.WRAP_UP
    move.rca.wrap_up_key = move.post(move.wrap_up(whys).reply(), "wrap-up")
    move.save()


def undo_last_answer(move: Move, whys: list[RcaWhy]) -> None:
    """ "back": the last answer is dropped and its question asked again (from the wrap-up, too)."""
    if move.rca.stage == RcaStage.WRAP_UP:
        move.edit_wrap_up(
            render.note(":leftwards_arrow_with_hook: Back to the whys; this step comes again after them.")
        )
        move.rca.stage = RcaStage.WHYS
        move.rca.wrap_up_key = None
        move.save()
    if not whys:
        ask_next(move, whys, "There is no earlier question; this is the first one.")
        return
    last = whys.pop()
    move.session.execute(delete(RcaWhy).where(col(RcaWhy.rca_id) == move.rca.id, col(RcaWhy.position) == last.position))
    ask_next(move, whys, f":leftwards_arrow_with_hook: Again: your next reply replaces “{last.answer}”.")


def stop(move: Move, stage: RcaStage, actor: str) -> None:
    move.rca.stage = stage
    move.rca.running_incident_id = None
    move.rca.finished_at = move.now
    move.rca.finished_by = actor
    move.save()


def finish(move: Move, actor: str) -> None:
    """`done` in the wrap-up: needs a category and an action item; then the summary."""
    whys, actions = move.whys(), move.actions()
    missing = []
    if move.rca.category is None:
        missing.append("pick a category with the buttons above")
    if not actions:
        missing.append("add at least one action item (`action: … owner=@… due=…`)")
    if missing:
        move.post(render.note(f":warning: Before `done`: {' and '.join(missing)}."), "not-yet")
        return
    stop(move, RcaStage.DONE, actor)
    move.edit_wrap_up(move.wrap_up(whys, closed=True).reply())
    service = move.session.get(Service, move.incident.service_id)
    assert service is not None
    move.post(render.Summary(move.incident, service, move.rca, whys, actions).reply(), "summary")


def cancel(move: Move, actor: str) -> None:
    stop(move, RcaStage.CANCELLED, actor)
    if move.rca.wrap_up_key is not None:
        move.edit_wrap_up(render.note(":no_entry_sign: This 5-Why was stopped."))
    incident_id = move.incident.id
    move.post(
        render.note(
            f":no_entry_sign: {user_mention(actor)} stopped this 5-Why. Start again with /sla why {incident_id}."
        ),
        "cancelled",
    )


def require_wrap_up(rca: Rca) -> None:
    if rca.stage != RcaStage.WRAP_UP:
        raise UserError("Answer the whys first (say `done` in the thread at the root cause), then pick a category.")
