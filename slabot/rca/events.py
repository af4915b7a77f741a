"""The outcomes of a 5-Why's moves (started, a question asked, the wrap-up shown, changed or withdrawn, an
action item recorded, a problem, finished, cancelled) as frozen facts; notify posts them in the thread."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from slabot.core.errors import Said
from slabot.rca.impact import BudgetImpact
from storage.models.catalog import Service
from storage.models.incidents import Incident
from storage.models.rca import ActionItem, FishboneCategory, Rca, RcaWhy


@dataclass(frozen=True)
class InThread:
    """Which 5-Why a message belongs to, the change of it that causes the message (its row's version, so
    a change made twice says it once), and the incident thread it is said in."""

    rca_id: int
    version: int
    incident_id: int
    channel_id: str
    thread_ts: str

    @classmethod
    def of(cls, rca: Rca) -> InThread:
        return cls(rca.id, rca.version, rca.incident_id, rca.channel_id, rca.thread_ts)


@dataclass(frozen=True)
class WhyStarted:
    """A 5-Why began: by a person (started_by), or by itself because of what the incident cost (impact)."""

    where: InThread
    incident: Incident
    service: Service
    first_question: Said  # Why 1/5, in the thread's language when it is shown
    started_by: str | None = None
    impact: BudgetImpact | None = None  # the objective whose budget the incident used more than 20% of


class Asking(StrEnum):
    """Why a question is asked."""

    NEXT = "next"  # the previous one was answered
    NO_EARLIER = "no_earlier"  # `back` at the first question: it stays
    AGAIN = "again"  # `back`: the previous answer is dropped and its question comes again
    REWORDED = "reworded"  # the answer it asks about was edited


@dataclass(frozen=True)
class QuestionAsked:
    where: InThread
    position: int
    question: Said
    asking: Asking = Asking.NEXT
    replaced: str | None = None  # for AGAIN: the answer the next reply replaces


@dataclass(frozen=True)
class WrapUp:
    """The whys are over: the root cause, the category picked so far; closed once the 5-Why finished."""

    where: InThread
    root_cause: str
    category: FishboneCategory | None
    closed: bool = False


@dataclass(frozen=True)
class WrapUpShown:
    """The wrap-up message is posted (the category buttons and the prompt for action items)."""

    wrap_up: WrapUp


@dataclass(frozen=True)
class WrapUpChanged:
    """The wrap-up message, if one is shown, is to read as this now (a category picked, an edited root
    cause, the 5-Why finished)."""

    wrap_up: WrapUp


class Withdrawal(StrEnum):
    BACK = "back"  # `back` from the wrap-up: the whys go on
    CANCELLED = "cancelled"  # the 5-Why was stopped


@dataclass(frozen=True)
class WrapUpWithdrawn:
    """The wrap-up message, if one is shown, no longer applies; a later wrap-up is a new message."""

    where: InThread
    why: Withdrawal


@dataclass(frozen=True)
class ActionRecorded:
    where: InThread
    item: ActionItem
    updated: bool = False  # the reply it came from was edited


@dataclass(frozen=True)
class ProblemNoted:
    """A reply the 5-Why could not take, and what to type instead (a UserError's message, shown in the thread's
    language)."""

    where: InThread
    problem: Said


@dataclass(frozen=True)
class NotDoneYet:
    """`done` in the wrap-up with something still missing."""

    where: InThread
    category_missing: bool
    action_items_missing: bool


@dataclass(frozen=True)
class WhyFinished:
    where: InThread
    incident: Incident
    service: Service
    category: FishboneCategory | None
    whys: Sequence[RcaWhy]
    action_items: Sequence[ActionItem]


@dataclass(frozen=True)
class WhyCancelled:
    where: InThread
    actor: str


RcaEvent = (
    WhyStarted
    | QuestionAsked
    | WrapUpShown
    | WrapUpChanged
    | WrapUpWithdrawn
    | ActionRecorded
    | ProblemNoted
    | NotDoneYet
    | WhyFinished
    | WhyCancelled
)
