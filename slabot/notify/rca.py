"""A 5-Why's messages as outbox rows, all in the incident's thread: its questions, the wrap-up message
(posted once, then edited), notes on what was recorded and the summary. Keys name the 5-Why and the change
of it that says them (`rca:<id>:v<version>:…`), so a change made twice is said once.

Which outbox row shows a 5-Why's wrap-up is kept on its row (`Rca.wrap_up_key`): set when the wrap-up is
posted, cleared when it is withdrawn; its later edits target that row."""

from __future__ import annotations

from sqlmodel import Session

from slabot.notify import keys, outbox
from slabot.notify.incidents import refresh_announcement
from slabot.notify.outbox import RowContext, Writer, Written
from slabot.rca.events import (
    ActionRecorded,
    InThread,
    NotDoneYet,
    ProblemNoted,
    QuestionAsked,
    WhyCancelled,
    WhyFinished,
    WhyStarted,
    WrapUpChanged,
    WrapUpShown,
    WrapUpWithdrawn,
)
from slabot.render import rca as render
from slabot.render.locale import Locale
from slabot.render.reply import Reply
from storage.models.rca import Rca


def _key(where: InThread, suffix: str) -> str:
    return f"rca:{where.rca_id}:v{where.version}:{suffix}"


def _post(session: Session, where: InThread, suffix: str, reply: Reply, at: RowContext) -> Written:
    key = _key(where, suffix)
    outbox.post(session, key, where.channel_id, reply, at.now, thread_ts=where.thread_ts)
    return [(key, where.channel_id)]


def _edit_wrap_up(
    session: Session, where: InThread, reply: Reply, at: RowContext, *, withdraw: bool = False
) -> Written:
    """Edit the wrap-up message shown, if there is one (and forget it when it is withdrawn)."""
    rca = session.get(Rca, where.rca_id)
    if rca is None or rca.wrap_up_key is None:
        return []
    key = _key(where, "wrap-up-edit")
    outbox.edit(session, key, rca.wrap_up_key, where.channel_id, reply, at.now)
    if withdraw:
        rca.wrap_up_key = None
        session.add(rca)
    return [(key, where.channel_id)]


def _refresh(session: Session, where: InThread, what: str, at: RowContext) -> Written:
    """The incident's announcement, whose Start 5-Why button shows only while no 5-Why runs or has finished."""
    key = keys.announcement_rca_edit(where.incident_id, where.rca_id, what)
    return refresh_announcement(session, where.incident_id, key, at)


def _language(session: Session, where: InThread, at: RowContext) -> Locale:
    """The thread's language: its channel's (everyone answering in it reads the same)."""
    return at.language(session, where.channel_id)


def write_started(session: Session, event: WhyStarted, at: RowContext) -> Written:
    reply = render.started(event, locale=_language(session, event.where, at))
    written = _post(session, event.where, "ask1", reply, at)
    return written + _refresh(session, event.where, "started", at)


def write_question(session: Session, event: QuestionAsked, at: RowContext) -> Written:
    reply = render.asked(event, locale=_language(session, event.where, at))
    return _post(session, event.where, f"ask{event.position}", reply, at)


def write_wrap_up(session: Session, event: WrapUpShown, at: RowContext) -> Written:
    where = event.wrap_up.where
    written = _post(session, where, "wrap-up", render.wrap_up(event.wrap_up, locale=_language(session, where, at)), at)
    rca = session.get(Rca, where.rca_id)
    if rca is not None:
        rca.wrap_up_key = written[0][0]
        session.add(rca)
    return written


def write_wrap_up_change(session: Session, event: WrapUpChanged, at: RowContext) -> Written:
    where = event.wrap_up.where
    return _edit_wrap_up(session, where, render.wrap_up(event.wrap_up, locale=_language(session, where, at)), at)


def write_wrap_up_withdrawal(session: Session, event: WrapUpWithdrawn, at: RowContext) -> Written:
    reply = render.wrap_up_withdrawn(event.why, locale=_language(session, event.where, at))
    return _edit_wrap_up(session, event.where, reply, at, withdraw=True)


def write_action(session: Session, event: ActionRecorded, at: RowContext) -> Written:
    suffix = f"action{event.item.id}" + ("-edit" if event.updated else "")
    return _post(
        session, event.where, suffix, render.action_recorded(event, locale=_language(session, event.where, at)), at
    )


def write_problem(session: Session, event: ProblemNoted, at: RowContext) -> Written:
    return _post(session, event.where, "problem", render.problem(event, locale=_language(session, event.where, at)), at)


def write_not_done_yet(session: Session, event: NotDoneYet, at: RowContext) -> Written:
    return _post(
        session, event.where, "not-yet", render.not_done_yet(event, locale=_language(session, event.where, at)), at
    )


def write_summary(session: Session, event: WhyFinished, at: RowContext) -> Written:
    return _post(session, event.where, "summary", render.summary(event, locale=_language(session, event.where, at)), at)


def write_cancelled(session: Session, event: WhyCancelled, at: RowContext) -> Written:
    reply = render.cancelled(event, locale=_language(session, event.where, at))
    written = _post(session, event.where, "cancelled", reply, at)
    return written + _refresh(session, event.where, "cancelled", at)


WRITERS: dict[type, Writer] = {
    WhyStarted: write_started,
    QuestionAsked: write_question,
    WrapUpShown: write_wrap_up,
    WrapUpChanged: write_wrap_up_change,
    WrapUpWithdrawn: write_wrap_up_withdrawal,
    ActionRecorded: write_action,
    ProblemNoted: write_problem,
    NotDoneYet: write_not_done_yet,
    WhyFinished: write_summary,
    WhyCancelled: write_cancelled,
}
