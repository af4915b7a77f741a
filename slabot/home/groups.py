"""The user groups each person is in, as the workspace last listed them: one answer for everyone, kept for a
few minutes and asked again after that (by one caller at a time); a listing that failed counts as no groups
for the same while, so the Home is never held up by asking again and again."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from slabot.core.clock import Clock

log = logging.getLogger("slabot.home")
KEPT_FOR = timedelta(minutes=5)
# Group id -> the people in it; raises when the workspace could not be asked or refused to answer.
Listing = Callable[[], Mapping[str, Iterable[str]]]


@dataclass(frozen=True)
class _Known:
    groups_of: Mapping[str, frozenset[str]]  # person -> the groups they are in
    until: datetime


def _by_person(members: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for group, people in members.items():
        for person in people:
            found.setdefault(person, set()).add(group)
    return {person: frozenset(groups) for person, groups in found.items()}


class GroupBook:
    """Who is in which user group, for one process (the Home listener owns one): `groups_of` answers from
    what is known while it is fresh, else lists the groups with `listing` first."""

    def __init__(self, clock: Clock, kept_for: timedelta = KEPT_FOR) -> None:
        self._clock = clock
        self._kept_for = kept_for
        self._lock = threading.Lock()  # one listing at a time: the others wait for its answer
        self._known: _Known | None = None

    def groups_of(self, person: str, listing: Listing) -> frozenset[str]:
        """The groups `person` is in; none when the groups could not be listed (logged once per failed listing)."""
        with self._lock:
            now = self._clock()
            if self._known is None or now >= self._known.until:
                self._known = _Known(self._list(listing), now + self._kept_for)
            return self._known.groups_of.get(person, frozenset())

    def _list(self, listing: Listing) -> Mapping[str, frozenset[str]]:
        try:
            return _by_person(listing())
        except Exception as error:  # whatever Slack or the network did: the Home goes on without groups
            log.warning(
                "user groups could not be listed (%s); the Home counts no user groups for %s",
                error,
                self._kept_for,
            )
            return {}
