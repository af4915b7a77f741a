"""The user groups of the local workspace (@sre, @oncall …) and who is in each, with the Web API methods that
list them: usergroups.list (with their members when include_users, disabled ones only with include_disabled)
and usergroups.users.list. Tests and the console create them with ``add`` and change them with ``set_members``
and ``disable``. ``UserGroups`` shares the workspace's lock (re-entrant): the Web API methods are called holding
it, the methods for tests take it."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slabot.devtools.localslack.errors import SlackError

Args = dict[str, Any]


def _flag(args: Args, key: str) -> bool:
    return str(args.get(key, "")).lower() in ("1", "true")


class UserGroups:
    """The workspace's user groups by id, each as usergroups.list shows it (without its members) and its members."""

    def __init__(self, *, team_id: str, lock: threading.Condition, new_id: Callable[[str], str]) -> None:
        self._team_id = team_id
        self._lock = lock
        self._new_id = new_id
        self._groups: dict[str, Args] = {}
        self._members: dict[str, list[str]] = {}

    # ---- for tests and the console -------------------------------------------------------------

    def add(self, handle: str, members: Iterable[str] = (), *, name: str | None = None) -> str:
        """A new user group @`handle` with `members` (user ids); returns its id (S…)."""
        with self._lock:
            group_id = self._new_id("S")
            self._groups[group_id] = {
                "id": group_id,
                "team_id": self._team_id,
                "is_usergroup": True,
                "name": name or handle,
                "handle": handle,
                "description": "",
                "date_delete": 0,
            }
            self._members[group_id] = list(dict.fromkeys(members))
            return group_id

    def set_members(self, group_id: str, members: Iterable[str]) -> None:
        """Who is in the group from now on (usergroups.users.update)."""
        with self._lock:
            self._group(group_id)
            self._members[group_id] = list(dict.fromkeys(members))

    def disable(self, group_id: str) -> None:
        """The group is disabled (usergroups.disable): listed only with include_disabled."""
        with self._lock:
            self._group(group_id)["date_delete"] = 1

    # ---- Web API methods (the caller holds the lock) --------------------------------------------

    def _group(self, group_id: str) -> Args:
        group = self._groups.get(group_id)
        if group is None:
            raise SlackError("no_such_subteam")
        return group

    def _shown(self, group_id: str, *, users: bool, count: bool) -> Args:
        shown = copy.deepcopy(self._groups[group_id])
        if users:
            shown["users"] = list(self._members[group_id])
        if count:
            shown["user_count"] = len(self._members[group_id])
        return shown

    def list(self, args: Args) -> Args:
        """usergroups.list: every group (enabled ones unless include_disabled), members with include_users."""
        disabled = _flag(args, "include_disabled")
        users, count = _flag(args, "include_users"), _flag(args, "include_count")
        shown = [gid for gid, group in self._groups.items() if disabled or not group["date_delete"]]
        return {"usergroups": [self._shown(gid, users=users, count=count) for gid in shown]}

    def users_list(self, args: Args) -> Args:
        """usergroups.users.list: the members of `usergroup`."""
        group_id = str(args.get("usergroup") or "")
        if not group_id:
            raise SlackError("invalid_arguments")
        self._group(group_id)
        return {"users": list(self._members[group_id])}
