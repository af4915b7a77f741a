"""The views of the local workspace: trigger ids handed out and spent, each user's Home and stack of open
modals, and what a user has typed into their inputs (state.values), kept across views.update as Slack keeps it.

A trigger works once (``exchanged_trigger_id``) and within 3 seconds of being issued (``expired_trigger_id``);
one LocalSlack never issued is ``invalid_trigger_id``. A view is checked by ``view_limits.check_view`` before
it is shown. ``Views`` shares the workspace's lock (re-entrant): the Web API methods are called holding it,
the methods for tests and the console (``home_of``, ``open_views``, ``view``, ``type_into``, ``answer``,
``close``) take it.
"""

from __future__ import annotations

import copy
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from slabot.devtools.localslack.errors import SlackError
from slabot.devtools.localslack.view_limits import check_view

TRIGGER_SECONDS = 3.0
STACK_MAX = 3  # modals open at once per user: views.push refuses a fourth

Args = dict[str, Any]
P = ParamSpec("P")
R = TypeVar("R")
State = dict[str, dict[str, Any]]  # block_id -> {action_id: value as Slack reports it}


@dataclass
class _Trigger:
    user: str
    issued: float
    used: bool = False


def _inputs(view: dict[str, Any]) -> dict[str, str | None]:
    """block_id -> action_id of each input block (a block without one is given an id, as Slack does)."""
    found: dict[str, str | None] = {}
    for block in view.get("blocks") or []:
        if isinstance(block, dict) and block.get("type") == "input":
            element = block.get("element") or {}
            block.setdefault("block_id", secrets.token_hex(3))
            element.setdefault("action_id", secrets.token_hex(3))
            found[str(block["block_id"])] = str(element["action_id"])
    return found


def _kept(state: State, view: dict[str, Any]) -> State:
    """What of `state` survives into `view`: the values of inputs with the same block_id and action_id."""
    kept: State = {}
    for block_id, action_id in _inputs(view).items():
        if action_id in (state.get(block_id) or {}):
            kept[block_id] = {action_id: copy.deepcopy(state[block_id][action_id])}
    return kept


def _locked(method: Callable[Concatenate[Views, P], R]) -> Callable[Concatenate[Views, P], R]:
    """The method runs holding the workspace's lock (it is re-entrant: the Web API methods hold it already)."""

    @wraps(method)
    def run(self: Views, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            return method(self, *args, **kwargs)

    return run


class Views:
    """Triggers, Homes, modal stacks and input state; see the module docstring."""

    def __init__(
        self,
        *,
        team_id: str,
        bot_id: str,
        lock: threading.Condition,
        clock: Callable[[], float],
        new_id: Callable[[str], str],
    ) -> None:
        self.team_id, self.bot_id = team_id, bot_id
        self._lock = lock
        self._clock = clock
        self._new_id = new_id
        self._triggers: dict[str, _Trigger] = {}
        self._views: dict[str, dict[str, Any]] = {}  # view id -> the view as Slack shows it, with its state
        self._owner: dict[str, str] = {}  # view id -> the user it is shown to
        self._homes: dict[str, str] = {}  # user -> view id of their Home
        self._stacks: dict[str, list[str]] = {}  # user -> ids of their open modals, the root first
        self._external: dict[str, str] = {}  # external_id -> view id
        self._hashes = 0

    # ---- triggers -------------------------------------------------------------------------------

    @_locked
    def new_trigger_id(self, user: str) -> str:
        trigger_id = f"{len(self._triggers) + 1}.{int(self._clock() * 1000)}.{secrets.token_hex(16)}"
        self._triggers[trigger_id] = _Trigger(user, self._clock())
        return trigger_id

    def _spend(self, args: Args) -> str:
        """The user whose interaction issued the trigger in `args`; the trigger is used up."""
        trigger = self._triggers.get(str(args.get("trigger_id") or ""))
        if trigger is None:
            raise SlackError("invalid_trigger_id")
        if trigger.used:
            raise SlackError("exchanged_trigger_id")
        if self._clock() - trigger.issued > TRIGGER_SECONDS:
            raise SlackError("expired_trigger_id")
        trigger.used = True
        return trigger.user

    # ---- Web API methods ------------------------------------------------------------------------

    def open(self, args: Args) -> Args:
        view = check_view(copy.deepcopy(args.get("view")), "modal")
        user = self._spend(args)
        for old in self._stacks.pop(user, []):
            self._forget(old)
        view_id = self._show(view, user, None)
        self._stacks[user] = [view_id]
        return {"view": self.view(view_id)}

    def push(self, args: Args) -> Args:
        view = check_view(copy.deepcopy(args.get("view")), "modal")
        user = self._spend(args)
        stack = self._stacks.get(user) or []
        if not stack:
            raise SlackError("not_found")  # nothing open to push onto
        if len(stack) >= STACK_MAX:
            raise SlackError("push_limit_reached")
        view_id = self._show(view, user, stack[-1])
        stack.append(view_id)
        return {"view": self.view(view_id)}

    def update(self, args: Args) -> Args:
        external_id = str(args.get("external_id") or "")
        view_id = str(args.get("view_id") or self._external.get(external_id) or "")
        if not view_id and not external_id:
            raise SlackError("invalid_arguments")
        current = self._views.get(view_id)
        if current is None:
            raise SlackError("not_found")
        self._check_hash(args, current)
        self.replace(view_id, check_view(copy.deepcopy(args.get("view")), str(current["type"])))
        return {"view": self.view(view_id)}

    def publish(self, args: Args) -> Args:
        user = str(args.get("user_id") or "")
        if not user:
            raise SlackError("invalid_arguments")
        view = check_view(copy.deepcopy(args.get("view")), "home")
        view_id = self._homes.get(user)
        if view_id is None:
            view_id = self._homes[user] = self._show(view, user, None)
        else:
            self._check_hash(args, self._views[view_id])
            self.replace(view_id, view)
        return {"view": self.view(view_id)}

    # ---- what a user sees and does --------------------------------------------------------------

    @_locked
    def view(self, view_id: str) -> dict[str, Any]:
        if view_id not in self._views:
            raise KeyError(f"no view {view_id!r} is shown")
        return copy.deepcopy(self._views[view_id])

    @_locked
    def home_of(self, user: str) -> dict[str, Any] | None:
        view_id = self._homes.get(user)
        return None if view_id is None else self.view(view_id)

    @_locked
    def open_views(self, user: str) -> list[dict[str, Any]]:
        return [self.view(view_id) for view_id in self._stacks.get(user) or []]

    @_locked
    def owner(self, view_id: str) -> str:
        return self._owner[view_id]

    @_locked
    def type_into(self, view_id: str, values: State) -> dict[str, Any]:
        """`values` typed into the view's inputs ({block_id: {action_id: {"type": ..., "value": ...}}})."""
        view = self._views[view_id]
        inputs = _inputs(view)
        for block_id, actions in values.items():
            if block_id not in inputs or set(actions) != {inputs[block_id]}:
                raise KeyError(f"no input {block_id!r} with action {sorted(actions)} in view {view_id}")
        view["state"]["values"].update(copy.deepcopy(values))
        return self.view(view_id)

    @_locked
    def replace(self, view_id: str, view: dict[str, Any]) -> None:
        """The view `view_id` shows `view` now (checked already), keeping what was typed into inputs it keeps."""
        current = self._views[view_id]
        state = _kept(current["state"]["values"], view)
        if view.get("external_id"):
            self._external[str(view["external_id"])] = view_id
        kept = {key: current[key] for key in ("id", "root_view_id", "previous_view_id", "team_id", "app_id")}
        self._views[view_id] = {**self._defaults(view), **kept, "state": {"values": state}, "hash": self._hash()}

    @_locked
    def close(self, view_id: str, *, all_views: bool = False) -> list[dict[str, Any]]:
        """Close the modal `view_id` (and those pushed above it), or its whole stack; returns the views closed."""
        stack = self._stacks.get(self._owner.get(view_id, ""), [])
        if view_id not in stack:
            return []
        closing = stack[:] if all_views else stack[stack.index(view_id) :]
        closed = [self.view(v) for v in closing]
        for gone in closing:
            stack.remove(gone)
            self._forget(gone)
        return closed

    @_locked
    def answer(self, view_id: str, response: dict[str, Any]) -> dict[str, str]:
        """Carry out the app's answer to the submission of `view_id`, as Slack does: nothing (or no
        response_action) closes it, "update" replaces it, "push" opens another above it, "clear" closes the
        whole stack, "errors" leaves it open. Returns the errors by block_id ({} unless "errors"). A view in
        the answer that Slack would refuse raises SlackError."""
        action = response.get("response_action")
        if action == "errors":
            return {str(k): str(v) for k, v in (response.get("errors") or {}).items()}
        if action == "update":
            self.replace(view_id, check_view(copy.deepcopy(response.get("view")), "modal"))
        elif action == "push":
            stack = self._stacks.get(self._owner.get(view_id, ""), [])
            if len(stack) >= STACK_MAX:
                raise SlackError("push_limit_reached")
            pushed = self._show(check_view(copy.deepcopy(response.get("view")), "modal"), self._owner[view_id], view_id)
            stack.append(pushed)
        else:
            self.close(view_id, all_views=action == "clear")
        return {}

    # ---- helpers --------------------------------------------------------------------------------

    def _check_hash(self, args: Args, current: dict[str, Any]) -> None:
        given = args.get("hash")
        if given not in (None, "") and given != current["hash"]:
            raise SlackError("hash_conflict")

    def _hash(self) -> str:
        self._hashes += 1
        return f"{self._hashes}.{secrets.token_hex(4)}"

    def _defaults(self, view: dict[str, Any]) -> dict[str, Any]:
        shown = {"private_metadata": "", "callback_id": "", "external_id": "", "clear_on_close": False}
        shown.update(notify_on_close=False, submit=None, close=None, title=None)
        shown.update(view, bot_id=self.bot_id, app_installed_team_id=self.team_id)
        _inputs(shown)
        return shown

    def _show(self, view: dict[str, Any], user: str, previous: str | None) -> str:
        view_id = self._new_id("V")
        root = self._views[previous]["root_view_id"] if previous else view_id
        shown = {**self._defaults(view), "id": view_id, "root_view_id": root, "previous_view_id": previous}
        shown.update(team_id=self.team_id, app_id="A0LOCAL", state={"values": {}}, hash=self._hash())
        self._views[view_id], self._owner[view_id] = shown, user
        if view.get("external_id"):
            self._external[str(view["external_id"])] = view_id
        return view_id

    def _forget(self, view_id: str) -> None:
        view = self._views.pop(view_id, None)
        self._owner.pop(view_id, None)
        if view and self._external.get(str(view.get("external_id") or "")) == view_id:
            del self._external[str(view["external_id"])]
