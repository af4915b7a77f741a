"""Customer satisfaction: the person who opened an incident rates its handling from 1 to 5, and may add a
comment. Only the opener rates, only once the incident is resolved; clicking again changes the rating and
keeps the comment. The digest sums the ratings up (slabot.reports.satisfaction_stats)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from slabot.core.errors import UserError
from slabot.core.i18n import t
from slabot.core.mentions import is_slack_user, user_mention
from slabot.incidents import lifecycle as incidents
from slabot.incidents.events import IncidentChange, SurveyRequested
from storage.models.incidents import CsatRating, Incident, IncidentEventKind, IncidentStatus

log = logging.getLogger(__name__)
# The rating scale and the longest comment, shared by the survey, its buttons and the digest.
CSAT_LOWEST, CSAT_HIGHEST = 1, 5
CSAT_COMMENT_MAX = 1000


def surveys_after(change: IncidentChange) -> list[SurveyRequested]:
    """Once an incident is resolved, the person who opened it is asked how well it was handled (nobody is, when
    it was opened by a source such as Alertmanager rather than a person)."""
    asked = change.kind == IncidentEventKind.RESOLVED and is_slack_user(change.incident.opened_by)
    return [SurveyRequested(change.incident)] if asked else []


def _opener_of(session: Session, incident_id: int, user_id: str) -> Incident:
    """The incident, when `user_id` opened it and it is resolved; else the UserError to show."""
    incident, _ = incidents.get_incident(session, incident_id)
    if user_id != incident.opened_by:
        raise UserError(
            t("Only {who}, who opened incident #{id}, rates it.", who=user_mention(incident.opened_by), id=incident_id)
        )
    if incident.status != IncidentStatus.RESOLVED:
        raise UserError(t("Incident #{id} is not resolved yet; rate it once it is.", id=incident_id))
    return incident


def rate(session: Session, incident_id: int, user_id: str, rating: int, now: datetime) -> CsatRating:
    """Record (or change) the opener's rating of a resolved incident; a comment given before is kept."""
    if not CSAT_LOWEST <= rating <= CSAT_HIGHEST:
        raise UserError(
            t("Rate from {lowest} (poorly) to {highest} (very well).", lowest=CSAT_LOWEST, highest=CSAT_HIGHEST)
        )
    _opener_of(session, incident_id, user_id)
    row = session.get(CsatRating, incident_id)
    if row is None:
        row = CsatRating(incident_id=incident_id, user_id=user_id, rating=rating, rated_at=now)
    else:
        row.rating, row.rated_at = rating, now
    session.add(row)
    session.flush()
    return row


def _rating_of_opener(session: Session, incident_id: int, user_id: str) -> CsatRating:
    _opener_of(session, incident_id, user_id)
    row = session.get(CsatRating, incident_id)
    if row is None:
        raise UserError(
            t("Rate incident #{id} from {lowest} to {highest} first, then add a comment.", id=incident_id,
              lowest=CSAT_LOWEST, highest=CSAT_HIGHEST)
        )  # fmt: skip
    return row


def comment_of(session: Session, incident_id: int, user_id: str) -> str | None:
    """The opener's comment so far (to edit it); a UserError when `user_id` may not comment (yet)."""
    return _rating_of_opener(session, incident_id, user_id).comment


def add_comment(session: Session, incident_id: int, user_id: str, comment: str, now: datetime) -> CsatRating:
    """Set the comment of the opener's rating (replacing one given before); rated_at becomes `now`, the time
    the opener last changed their answer."""
    row = _rating_of_opener(session, incident_id, user_id)
    text = comment.strip()
    if not text:
        raise UserError(t("Write a few words, or press Cancel."))
    if len(text) > CSAT_COMMENT_MAX:
        raise UserError(t("The comment is {n} characters; keep it to {max}.", n=len(text), max=CSAT_COMMENT_MAX))
    row.comment, row.rated_at = text, now
    session.add(row)
    session.flush()
    return row
