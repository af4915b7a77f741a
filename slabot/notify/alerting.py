"""Alert messages and error budget notices as outbox rows: an alert's one message (`alert:{id}`, edited as
`alert:{id}:v{n}`), its thread notes (`alert:{id}:page`, `alert:{id}:resolved`), and each budget crossing
once (`budget:{objective}:{crossing}:{level}`, `budget:{objective}:{crossing}:lifted`)."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from slabot.alerting.events import AlertEscalated, AlertOpened, AlertResolved, AlertShown, BudgetCrossed, FreezeLifted
from slabot.notify import outbox
from slabot.notify.outbox import RowContext, Writer, Written
from slabot.render import alerts as render
from slabot.render import notices as render_notices
from slabot.render.locale import Locale
from slabot.render.reply import Reply
from storage.models.catalog import Service
from storage.models.outbox import OutboxMessage
from storage.queries import outbox as outbox_queries

Rendered = Callable[[Locale], Reply]  # a message, rendered once the language of where it goes is known


def alert_message(alert_id: int) -> str:
    """The key of an alert's one message, which its edits target and its notes hang under."""
    return f"alert:{alert_id}"


def _posted(session: Session, alert_id: int) -> OutboxMessage | None:
    """The alert's message row; None when it was never written (its service had no channel then)."""
    key = alert_message(alert_id)
    return outbox_queries.by_keys(session, [key]).get(key)


def write_opened(session: Session, event: AlertOpened, at: RowContext) -> Written:
    channel = event.service.channel_id
    if channel is None:  # recorded (and shown by /sla status) but there is nowhere to post it
        return []
    key = alert_message(event.alert.id)
    locale = at.language(session, channel)
    reply = render.alert_message(event.alert, event.objective, event.service, event.figures, at.zone, locale=locale)
    outbox.post(session, key, channel, reply, at.now)
    return [(key, channel)]


def write_shown(session: Session, event: AlertShown, at: RowContext) -> Written:
    """The message edited in place, in the channel it was posted to (an older edit not sent yet is dropped)."""
    message = _posted(session, event.alert.id)
    if message is None:
        return []
    key = f"{message.key}:v{event.version}"
    reply = render.alert_message(
        event.alert,
        event.objective,
        event.service,
        event.figures,
        at.zone,
        locale=at.language(session, message.channel_id),
        silenced_until=event.silenced_until,
    )
    outbox.edit(session, key, message.key, message.channel_id, reply, at.now)
    return [(key, message.channel_id)]


def _thread_note(session: Session, alert_id: int, note: str, render_note: Rendered, at: RowContext) -> Written:
    """A note in the thread of the alert's message (`alert:{id}:{note}`), if the message was ever written; in
    the language of the channel it is in."""
    message = _posted(session, alert_id)
    if message is None:
        return []
    key = f"{message.key}:{note}"
    reply = render_note(at.language(session, message.channel_id))
    outbox.post(session, key, message.channel_id, reply, at.now, parent_key=message.key)
    return [(key, message.channel_id)]


def write_escalated(session: Session, event: AlertEscalated, at: RowContext) -> Written:
    def note(locale: Locale) -> Reply:
        return render.escalation_note(event.service, event.figures, locale=locale)

    return _thread_note(session, event.alert.id, "page", note, at)


def write_resolved(session: Session, event: AlertResolved, at: RowContext) -> Written:
    def note(locale: Locale) -> Reply:
        return render.recovery_note(event.alert, event.objective, event.service, event.figures, locale=locale)

    return _thread_note(session, event.alert.id, "resolved", note, at)


def _budget_notice(session: Session, service: Service, key: str, render_notice: Rendered, at: RowContext) -> Written:
    """A notice in the service's channel (if it has one), in that channel's language."""
    if service.channel_id is None:
        return []
    reply = render_notice(at.language(session, service.channel_id))
    outbox.post(session, key, service.channel_id, reply, at.now)
    return [(key, service.channel_id)]


def write_crossed(session: Session, event: BudgetCrossed, at: RowContext) -> Written:
    key = f"budget:{event.objective.id}:{event.crossing}:{event.level}"
    return _budget_notice(
        session, event.service, key, lambda locale: render_notices.budget_crossing(event, locale=locale), at
    )


def write_lifted(session: Session, event: FreezeLifted, at: RowContext) -> Written:
    key = f"budget:{event.objective.id}:{event.crossing}:lifted"
    return _budget_notice(
        session, event.service, key, lambda locale: render_notices.freeze_lifted(event, locale=locale), at
    )


WRITERS: dict[type, Writer] = {
    AlertOpened: write_opened,
    AlertShown: write_shown,
    AlertEscalated: write_escalated,
    AlertResolved: write_resolved,
    BudgetCrossed: write_crossed,
    FreezeLifted: write_lifted,
}
