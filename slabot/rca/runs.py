"""Starting and stopping a 5-Why, picking its category, and closing the action items it leaves behind.

Starts come from /sla why, the Start 5-Why button on the resolve message, and the budget policy: a resolved
incident that used more than 20% of an objective's error budget starts one itself (SLABOT_AUTO_RCA=off
switches that off). One 5-Why runs per incident at a time (a unique column says so, across replicas)."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from slabot.core.errors import UserError
from slabot.core.i18n import t
from slabot.core.mentions import user_mention
from slabot.incidents import lifecycle as incidents
from slabot.rca import steps
from slabot.rca.conversation import MAX_WHYS, current_position, why_question
from slabot.rca.events import InThread, RcaEvent, WhyStarted, WrapUpChanged
from slabot.rca.impact import BudgetImpact, incident_impacts, over_threshold
from slabot.rca.steps import Move
from storage.models.incidents import Incident, IncidentStatus
from storage.models.rca import ActionItem, ActionItemStatus, FishboneCategory, Rca, RcaStage, RcaTrigger
from storage.queries.rca import lock_running, running_rca, whys_of
from storage.queries.rows import insert_ignore

log = logging.getLogger(__name__)


def _already_running(session: Session, rca: Rca) -> UserError:
    if rca.stage == RcaStage.WHYS:
        return UserError(
            t(
                "A 5-Why for incident #{id} is already running in its thread (at Why {position}/{total}). "
                "Stop it with /sla why {id} cancel.",
                id=rca.incident_id,
                position=current_position(len(whys_of(session, rca.id))),
                total=MAX_WHYS,
            )
        )
    return UserError(
        t(
            "A 5-Why for incident #{id} is already running in its thread (picking a category and action items). "
            "Stop it with /sla why {id} cancel.",
            id=rca.incident_id,
        )
    )


def start(
    session: Session,
    incident_id: int,
    actor: str,
    trigger: RcaTrigger,
    now: datetime,
    impact: BudgetImpact | None = None,
) -> tuple[Incident, list[RcaEvent]]:
    """Start a 5-Why in the incident's thread and ask Why 1/5; returns the incident and what it tells the
    thread. `impact` is the budget that called for an automatic start."""
    incident, service = incidents.get_incident(session, incident_id)
    if incident.status != IncidentStatus.RESOLVED:
        raise UserError(
            t(
                "Incident #{id} is not resolved yet; its 5-Why starts once it is (/incident resolve {id}).",
                id=incident_id,
            )
        )
    if incident.channel_id is None or incident.thread_ts is None:
        raise UserError(
            t(
                "Incident #{id} has no thread in Slack to talk in (it was never announced in a channel). "
                "Give its service a channel with /sla service edit, then open incidents there.",
                id=incident_id,
            )
        )
    running = running_rca(session, incident_id)
    if running is not None:
        raise _already_running(session, running)
    values = {
        "incident_id": incident_id,
        "running_incident_id": incident_id,
        "stage": RcaStage.WHYS.value,
        "trigger": trigger.value,
        "channel_id": incident.channel_id,
        "thread_ts": incident.thread_ts,
        "started_by": actor,
        "started_at": now,
        "version": 0,
    }
    inserted = insert_ignore(session, Rca, values)
    rca = running_rca(session, incident_id)
    if rca is None:
        raise UserError(
            t("Another 5-Why of incident #{id} started and ended just now; start it again.", id=incident_id)
        )
    if not inserted:  # another start won the race
        raise _already_running(session, rca)
    started_by = None if impact is not None else actor
    first = why_question(1, incident.title, None)
    return incident, [WhyStarted(InThread.of(rca), incident, service, first, started_by, impact)]


def start_if_costly(
    session: Session, incident: Incident, enabled: bool, zone: ZoneInfo, now: datetime
) -> list[RcaEvent]:
    """After a resolve: start a 5-Why when the incident used more than 20% of an objective's error budget.
    Runs in a savepoint of the resolve's transaction, so a failure here never spoils the resolve."""
    if not enabled:
        return []
    try:
        with session.begin_nested():
            return _start_if_costly(session, incident, zone, now)
    except UserError as error:
        log.info("no automatic 5-Why for incident %s: %s", incident.id, error.message)
    except Exception:
        log.exception("after resolving incident %s: the automatic 5-Why failed", incident.id)
    return []


def _start_if_costly(session: Session, incident: Incident, zone: ZoneInfo, now: datetime) -> list[RcaEvent]:
    costly = over_threshold(incident_impacts(session, incident, zone, now))
    if not costly or running_rca(session, incident.id) is not None:
        return []
    worst = max(costly, key=lambda impact: impact.consumed or 0)
    return start(session, incident.id, incident.resolved_by or "", RcaTrigger.AUTO, now, worst)[1]


def cancel(session: Session, incident_id: int, actor: str, now: datetime) -> list[RcaEvent]:
    incidents.get_incident(session, incident_id)
    running = running_rca(session, incident_id)
    rca = lock_running(session, running.id) if running is not None else None
    if rca is None:
        raise UserError(t("No 5-Why is running for incident #{id}. Start one with /sla why {id}.", id=incident_id))
    move = Move(session, rca, now)
    steps.cancel(move, actor)
    return move.events


def choose_category(session: Session, rca_id: int, category: FishboneCategory, now: datetime) -> list[RcaEvent]:
    """A category button: record it and show it on the wrap-up message (it can be changed until `done`)."""
    rca = lock_running(session, rca_id)
    if rca is None:
        found = session.get(Rca, rca_id)
        if found is None:
            raise UserError(t("This 5-Why is no longer running; its result is in /incident show."))
        raise UserError(
            t(
                "This 5-Why of incident #{id} is no longer running; its result is in /incident show.",
                id=found.incident_id,
            )
        )
    steps.require_wrap_up(rca)
    move = Move(session, rca, now)
    rca.category = category
    move.save()
    move.tell(WrapUpChanged(move.wrap_up(move.whys())))
    return move.events


def close_action(session: Session, action_id: int, actor: str, now: datetime) -> ActionItem:
    item = session.get(ActionItem, action_id)
    if item is None:
        raise UserError(t("There is no action item #{id}. See /sla actions.", id=action_id))
    if item.status == ActionItemStatus.DONE:
        closer = user_mention(item.done_by or "")
        raise UserError(t("Action item #{id} was already closed by {person}.", id=action_id, person=closer))
    item.status = ActionItemStatus.DONE
    item.done_by = actor
    item.done_at = now
    session.add(item)
    return item
