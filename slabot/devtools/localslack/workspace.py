"""The workspace LocalSlack pretends to be: its messages, files, views, channels and user groups, and the Web API
methods (chat.*, files.*, views.*, users.*, usergroups.*, conversations.*, auth.test) that read and change them.

Nothing here speaks HTTP; ``slabot.devtools.localslack.server`` parses requests, calls a method through
``_web_api_method`` and turns a ``SlackError`` into Slack's ``{"ok": false, "error": ...}`` answer.
"""

from __future__ import annotations

import base64
import binascii
import copy
import re
import threading
import time
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from slabot.devtools.localslack.errors import SlackError
from slabot.devtools.localslack.usergroups import UserGroups
from slabot.devtools.localslack.views import Views

SLACK_URL = "https://local.slack.invalid/"
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]+")
_HISTORY_LIMIT, _HISTORY_MAX = 100, 1000

Args = dict[str, Any]


def _require(args: Args, key: str, error: str = "invalid_arguments") -> str:
    value = args.get(key)
    if value is None or value == "":
        raise SlackError(error)
    return str(value)


def _require_content(args: Args) -> None:
    if not any(args.get(key) for key in ("text", "blocks", "attachments")):
        raise SlackError("no_text")


def _flag(args: Args, key: str) -> bool:
    return str(args.get(key, "")).lower() in ("1", "true")


def _metadata(args: Args) -> dict[str, Any] | None:
    """The `metadata` argument of chat.postMessage / chat.update, checked as Slack does; None if absent."""
    metadata = args.get("metadata")
    if metadata is None or metadata == "":
        return None
    if not (
        isinstance(metadata, dict)
        and isinstance(metadata.get("event_type"), str)
        and isinstance(metadata.get("event_payload"), dict)
    ):
        raise SlackError("invalid_metadata_format")
    return {"event_type": metadata["event_type"], "event_payload": metadata["event_payload"]}


def _public(message: dict[str, Any], *, metadata: bool = False) -> dict[str, Any]:
    """A message as the Web API shows it: no channel key, thread_ts only in threads, and metadata only
    when the request asked for it (include_all_metadata)."""
    out = {k: v for k, v in message.items() if k != "channel" and (metadata or k != "metadata")}
    if out.get("thread_ts") is None:
        out.pop("thread_ts", None)
    return copy.deepcopy(out)


def _ts(args: Args, key: str) -> Decimal | None:
    value = args.get(key)
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise SlackError(f"invalid_ts_{key}") from None


def _page(messages: list[dict[str, Any]], args: Args, *, newest_first: bool) -> Args:
    """One page of `messages` (already in answer order) for `limit` and `cursor`, Slack-style: the cursor
    names the ts the next page starts at, so messages posted in between do not shift the pages."""
    try:
        limit = int(args.get("limit") or _HISTORY_LIMIT)
    except (TypeError, ValueError):
        raise SlackError("invalid_limit") from None
    limit = min(max(limit, 1), _HISTORY_MAX)
    start = 0
    if args.get("cursor"):
        try:
            prefix, _, ts = base64.b64decode(str(args["cursor"]), validate=True).decode().partition(":")
            after = Decimal(ts)
        except (binascii.Error, UnicodeDecodeError, InvalidOperation):
            raise SlackError("invalid_cursor") from None
        if prefix != "next_ts":
            raise SlackError("invalid_cursor")
        before = [m for m in messages if (Decimal(m["ts"]) > after if newest_first else Decimal(m["ts"]) < after)]
        start = len(before)
    page, rest = messages[start : start + limit], messages[start + limit :]
    cursor = base64.b64encode(f"next_ts:{rest[0]['ts']}".encode()).decode() if rest else ""
    return {"messages": page, "has_more": bool(rest), "response_metadata": {"next_cursor": cursor}}


def _in_bounds(messages: list[dict[str, Any]], args: Args) -> list[dict[str, Any]]:
    """The messages between `oldest` and `latest`, both exclusive unless `inclusive`."""
    oldest, latest, inclusive = _ts(args, "oldest"), _ts(args, "latest"), _flag(args, "inclusive")

    def inside(message: dict[str, Any]) -> bool:
        ts = Decimal(message["ts"])
        if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
            return False
        return latest is None or ts < latest or (ts == latest and inclusive)

    return [m for m in messages if inside(m)]


class Workspace:
    """The state of the local workspace and the Web API methods on it. `_cond` guards the state: the
    methods and helpers below expect the caller to hold it. A subclass provides `url`, where the
    server answers (files.getUploadURLExternal hands out upload URLs under it)."""

    def __init__(
        self,
        *,
        team_id: str = "T0LOCAL",
        bot_user_id: str = "U0SLABOT",
        bot_id: str = "B0SLABOT",
        channels: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.team_id, self.bot_user_id, self.bot_id = team_id, bot_user_id, bot_id
        self._channel_names: dict[str, str] = dict(channels if channels is not None else {"C0GENERAL": "general"})
        self._cond = threading.Condition()
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._files: dict[str, dict[str, Any]] = {}
        self._uploads: dict[str, bytes] = {}
        self.views = Views(team_id=team_id, bot_id=bot_id, lock=self._cond, clock=clock, new_id=self._new_id)
        self.usergroups = UserGroups(team_id=team_id, lock=self._cond, new_id=self._new_id)
        self.locales: dict[str, str] = {}  # users.info's locale (include_locale) of a person; en-US when unset
        self._seq = 0
        self._last_ts = 0

    @property
    def url(self) -> str:
        """Where the server answers, e.g. http://127.0.0.1:PORT; the subclass that runs it says."""
        raise NotImplementedError

    # ---- inspection and scripting ------------------------------------------------------------

    @property
    def uploads(self) -> dict[str, bytes]:
        with self._cond:
            return dict(self._uploads)

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """The messages now in `channel` (or everywhere), oldest first, as edited; deleted ones are gone.

        Each has channel, ts, text, blocks, thread_ts (None outside threads), user, and bot_id for the
        bot's own; possibly attachments, metadata (always shown here), edited, files (a files_upload_v2
        share)."""
        with self._cond:
            found = [m for m in self._messages.values() if channel is None or m["channel"] == channel]
            return copy.deepcopy(sorted(found, key=lambda m: float(m["ts"])))

    def add_message(self, channel: str, text: str, *, user: str = "U0USER", thread_ts: str | None = None) -> str:
        """Put a message from a person into `channel` (e.g. a thread reply); returns its ts."""
        with self._cond:
            return self._store(channel, {"text": text, "thread_ts": thread_ts}, user=user)["ts"]

    def home_of(self, user: str) -> dict[str, Any] | None:
        """The Home tab last published for `user` (views.publish), as Slack shows it; None if none was."""
        return self.views.home_of(user)

    def open_views(self, user: str) -> list[dict[str, Any]]:
        """The modals open for `user`, the first opened first (views.push puts one above it)."""
        return self.views.open_views(user)

    def view(self, view_id: str) -> dict[str, Any]:
        """A view now shown (a modal still open, or a Home), with its id, hash and state.values."""
        return self.views.view(view_id)

    def channel_name(self, channel_id: str) -> str:
        """The name of a channel (its ID in lower case unless the workspace was given one)."""
        with self._cond:
            return str(self._channel(channel_id)["name"])

    # ---- state helpers (hold the lock) ----------------------------------------------------------

    def _web_api_method(self, method: str) -> Callable[[Args], Args] | None:
        """The implementation of Web API `method` ("chat.postMessage", ...), or None if there is none."""
        handler: Callable[[Args], Args] | None = getattr(self, "_api_" + method.replace(".", "_"), None)
        return handler if "." in method else None

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}0L{self._next_seq():06d}"

    def _next_ts(self) -> str:
        """A Slack-style ts from the clock, unique and increasing."""
        micros = max(int(time.time() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _store(self, channel: str, args: Args, *, user: str, bot_id: str | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {"type": "message", "channel": channel, "ts": self._next_ts(), "user": user}
        if bot_id is not None:
            message["bot_id"] = bot_id
        message.update(text=args.get("text") or "", blocks=args.get("blocks") or [])
        if args.get("attachments"):
            message["attachments"] = args["attachments"]
        metadata = _metadata(args)
        if metadata is not None:
            message["metadata"] = metadata
        message["thread_ts"] = str(args["thread_ts"]) if args.get("thread_ts") else None
        if _CHANNEL_ID.fullmatch(channel):
            self._channel_names.setdefault(channel, channel.lower())
        self._messages[(channel, message["ts"])] = message
        return message

    def _own_message(self, args: Args, verb: str) -> dict[str, Any]:
        channel = _require(args, "channel", "channel_not_found")
        message = self._messages.get((channel, _require(args, "ts", "message_not_found")))
        if message is None:
            raise SlackError("message_not_found")
        if message.get("bot_id") != self.bot_id:
            raise SlackError(f"cant_{verb}_message")
        return message

    def _channel(self, channel_id: str) -> dict[str, Any]:
        name = self._channel_names.setdefault(channel_id, channel_id.lower())
        return {"id": channel_id, "name": name, "is_member": True, "is_channel": True, "is_archived": False}

    # ---- Web API methods: _api_<method with "." as "_"> ------------------------------------------

    def _api_auth_test(self, args: Args) -> Args:
        ids = {"team_id": self.team_id, "user_id": self.bot_user_id, "bot_id": self.bot_id}
        return {"url": SLACK_URL, "team": "Local workspace", "user": "slabot", **ids}

    def _api_chat_postMessage(self, args: Args) -> Args:
        channel = _require(args, "channel", "channel_not_found")
        _require_content(args)
        message = self._store(channel, args, user=self.bot_user_id, bot_id=self.bot_id)
        return {"channel": channel, "ts": message["ts"], "message": _public(message)}

    def _api_chat_update(self, args: Args) -> Args:
        message = self._own_message(args, "update")
        metadata = _metadata(args)
        message.update({key: args[key] for key in ("text", "blocks", "attachments") if key in args})
        if metadata is not None:
            message["metadata"] = metadata
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        channel, ts = message["channel"], message["ts"]
        return {"channel": channel, "ts": ts, "text": message["text"], "message": _public(message)}

    def _api_chat_delete(self, args: Args) -> Args:
        message = self._own_message(args, "delete")
        del self._messages[(message["channel"], message["ts"])]
        return {"channel": message["channel"], "ts": message["ts"]}

    def _api_chat_postEphemeral(self, args: Args) -> Args:
        _require(args, "channel", "channel_not_found")
        _require(args, "user", "user_not_found")
        _require_content(args)
        return {"message_ts": self._next_ts()}

    def _api_chat_getPermalink(self, args: Args) -> Args:
        channel = _require(args, "channel", "channel_not_found")
        ts = _require(args, "message_ts", "message_not_found")
        return {"channel": channel, "permalink": f"{SLACK_URL}archives/{channel}/p{ts.replace('.', '')}"}

    def _api_chat_scheduleMessage(self, args: Args) -> Args:
        channel = _require(args, "channel", "channel_not_found")
        _require_content(args)
        try:
            post_at = int(float(_require(args, "post_at", "invalid_time")))
        except ValueError:
            raise SlackError("invalid_time") from None
        message = {"type": "message", "text": args.get("text") or "", "blocks": args.get("blocks") or []}
        message.update(user=self.bot_user_id, bot_id=self.bot_id)
        reply = {"channel": channel, "scheduled_message_id": self._new_id("Q"), "post_at": post_at}
        return {**reply, "message": message}

    def _api_files_getUploadURLExternal(self, args: Args) -> Args:
        filename = _require(args, "filename")
        if not str(args.get("length", "")).isdigit():
            raise SlackError("invalid_arguments")
        alt_txt = str(args.get("alt_txt") or "")
        if len(alt_txt) > 1000:
            raise SlackError("alt_txt_too_large")
        file_id = self._new_id("F")
        permalink = f"{SLACK_URL}files/{self.bot_user_id}/{file_id}/{filename}"
        info: Args = {"id": file_id, "name": filename, "title": filename, "size": int(args["length"])}
        if alt_txt:
            info["alt_txt"] = alt_txt  # what screen readers say for the image
        self._files[file_id] = {**info, "permalink": permalink, "url_private": permalink, "channels": []}
        return {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _api_files_completeUploadExternal(self, args: Args) -> Args:
        items = args.get("files")
        if not isinstance(items, list) or not items or not all(isinstance(item, dict) for item in items):
            raise SlackError("invalid_arguments")
        if any(str(item.get("id")) not in self._uploads for item in items):
            raise SlackError("file_not_found")  # never issued, or its bytes never arrived
        channels = str(args.get("channel_id") or args.get("channels") or "")
        targets = [channel for channel in channels.split(",") if channel]
        if not all(_CHANNEL_ID.fullmatch(target) for target in targets):
            raise SlackError("channel_not_found")  # files need the channel ID, not its name
        files = []
        for item in items:
            info = self._files[str(item["id"])]
            info.update(title=item.get("title") or info["name"], size=len(self._uploads[info["id"]]))
            info["channels"] = [*info["channels"], *targets]
            files.append(copy.deepcopy(info))
        share = {"text": args.get("initial_comment"), "thread_ts": args.get("thread_ts")}
        for target in targets:  # Slack shows the files as a message from the bot
            self._store(target, share, user=self.bot_user_id, bot_id=self.bot_id)["files"] = files
        return {"files": files}

    def _api_views_open(self, args: Args) -> Args:
        return self.views.open(args)

    def _api_views_push(self, args: Args) -> Args:
        return self.views.push(args)

    def _api_views_update(self, args: Args) -> Args:
        return self.views.update(args)

    def _api_views_publish(self, args: Args) -> Args:
        return self.views.publish(args)

    def _api_users_info(self, args: Args) -> Args:
        user_id = _require(args, "user", "user_not_found")
        is_bot = user_id == self.bot_user_id
        name, real_name = ("slabot", "slabot") if is_bot else (user_id.lower(), f"User {user_id}")
        user: Args = {"id": user_id, "team_id": self.team_id, "name": name, "real_name": real_name}
        user.update(is_bot=is_bot, tz="UTC", tz_offset=0, profile={"real_name": real_name, "display_name": name})
        user.update({"locale": self.locales.get(user_id, "en-US")} if _flag(args, "include_locale") else {})
        return {"user": user}

    def _api_usergroups_list(self, args: Args) -> Args:
        return self.usergroups.list(args)

    def _api_usergroups_users_list(self, args: Args) -> Args:
        return self.usergroups.users_list(args)

    def _api_conversations_info(self, args: Args) -> Args:
        return {"channel": self._channel(_require(args, "channel", "channel_not_found"))}

    _api_conversations_join = _api_conversations_info

    def _api_conversations_list(self, args: Args) -> Args:
        channels = [self._channel(c) for c in sorted(self._channel_names) if not c.startswith("D")]
        return {"channels": channels, "response_metadata": {"next_cursor": ""}}

    def _api_conversations_members(self, args: Args) -> Args:
        _require(args, "channel", "channel_not_found")
        return {"members": [self.bot_user_id], "response_metadata": {"next_cursor": ""}}

    def _thread_replies(self, channel: str, ts: str) -> list[dict[str, Any]]:
        thread = (m for m in self._messages.values() if m["channel"] == channel and m["thread_ts"] == ts)
        return sorted((m for m in thread if m["ts"] != ts), key=lambda m: Decimal(m["ts"]))

    def _head(self, message: dict[str, Any], metadata: bool) -> dict[str, Any]:
        """A top-level message as shown, with thread_ts and reply_count when it has replies."""
        replies = self._thread_replies(message["channel"], message["ts"])
        head = _public(message, metadata=metadata)
        if replies:
            head.update(thread_ts=message["ts"], reply_count=len(replies))
        return head

    def _api_conversations_history(self, args: Args) -> Args:
        """Top-level messages (thread replies are left out), newest first, between oldest and latest."""
        channel = _require(args, "channel", "channel_not_found")
        stored = [m for m in self._messages.values() if m["channel"] == channel]
        if not stored and channel not in self._channel_names and not _CHANNEL_ID.fullmatch(channel):
            raise SlackError("channel_not_found")
        top = sorted((m for m in stored if m["thread_ts"] in (None, m["ts"])), key=lambda m: -Decimal(m["ts"]))
        metadata = _flag(args, "include_all_metadata")
        page = _page(_in_bounds(top, args), args, newest_first=True)
        page["messages"] = [self._head(m, metadata) for m in page["messages"]]
        return {**page, "pin_count": 0}

    def _api_conversations_replies(self, args: Args) -> Args:
        """The thread's parent (always first on the first page), then its replies between oldest and latest."""
        channel = _require(args, "channel", "channel_not_found")
        ts = _require(args, "ts", "thread_not_found")
        if (channel, ts) not in self._messages:
            raise SlackError("thread_not_found")
        metadata = _flag(args, "include_all_metadata")
        thread = [self._messages[(channel, ts)], *_in_bounds(self._thread_replies(channel, ts), args)]
        page = _page(thread, args, newest_first=False)
        page["messages"] = [
            self._head(m, metadata) if m["ts"] == ts else _public(m, metadata=metadata) for m in page["messages"]
        ]
        return page
