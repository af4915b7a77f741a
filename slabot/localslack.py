"""A local stand-in for Slack's Web API, for tests and the console mode.

``LocalSlack`` serves on 127.0.0.1 (a free port) from a daemon thread. Point a client at it with
``WebClient(token=..., base_url=local.base_url)``; give slash commands ``local.new_response_url()``.
Every request is recorded as a ``RecordedCall``; posted messages are kept (with edits and deletions
applied) so ``messages()`` shows what a channel would look like. ``fail()`` and ``fail_with_error()``
make the next calls to a method fail, to exercise retries and error handling.

Only the methods the bot uses are implemented; others answer ``unknown_method``.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

logger = logging.getLogger(__name__)

SLACK_URL = "https://local.slack.invalid/"
RESPONSE_URL_LIMIT = 5  # replies Slack accepts per response_url
_JSON_FIELDS = ("blocks", "attachments", "files", "view", "metadata")
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]+")

Args = dict[str, Any]


@dataclass(frozen=True)
class RecordedCall:
    """One request the server answered. `args` holds the form fields and JSON body merged, with JSON
    strings (blocks, attachments, files, view) decoded; `response` is the JSON the server answered."""

    method: str  # "chat.postMessage", ...; "response_url" for a response URL; "upload" for raw file bytes
    args: dict[str, Any]
    headers: dict[str, str]
    response: dict[str, Any]
    path: str


class _SlackError(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass
class _Reply:
    status: int
    payload: dict[str, Any]  # the JSON body, and what gets recorded
    text: str | None = None  # sent instead of the JSON body when set
    headers: dict[str, str] = field(default_factory=dict)


def _require(args: Args, key: str, error: str = "invalid_arguments") -> str:
    value = args.get(key)
    if value is None or value == "":
        raise _SlackError(error)
    return str(value)


def _require_content(args: Args) -> None:
    if not any(args.get(key) for key in ("text", "blocks", "attachments")):
        raise _SlackError("no_text")


def _parse_args(query: str, content_type: str, body: bytes) -> Args:
    args: Args = dict(parse_qsl(query, keep_blank_values=True))
    if body and content_type == "application/json":
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("a JSON body must be an object")
        args.update(data)
    elif body and content_type.startswith("multipart/"):
        raise ValueError("multipart bodies are not supported")
    elif body:
        args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    for key in _JSON_FIELDS:
        value = args.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            args[key] = json.loads(value)
    return args


def _public(message: dict[str, Any]) -> dict[str, Any]:
    """A message as the Web API shows it: no channel key, thread_ts only in threads."""
    out = {k: v for k, v in message.items() if k != "channel"}
    if out.get("thread_ts") is None:
        out.pop("thread_ts", None)
    return copy.deepcopy(out)


class LocalSlack:
    """Slack's Web API on 127.0.0.1, recording every call; see the module docstring."""

    def __init__(
        self,
        *,
        team_id: str = "T0LOCAL",
        bot_user_id: str = "U0SLABOT",
        bot_id: str = "B0SLABOT",
        on_call: Callable[[RecordedCall], None] | None = None,
        channels: Mapping[str, str] | None = None,
    ) -> None:
        self.team_id, self.bot_user_id, self.bot_id = team_id, bot_user_id, bot_id
        self._on_call = on_call
        self._channel_names: dict[str, str] = dict(channels if channels is not None else {"C0GENERAL": "general"})
        self._cond = threading.Condition()
        self._calls: list[RecordedCall] = []
        self._failures: dict[str, list[_Reply]] = {}
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._files: dict[str, dict[str, Any]] = {}
        self._uploads: dict[str, bytes] = {}
        self._view_ids: dict[str, str] = {}  # external_id -> view id
        self._response_counts: dict[str, int] = {}
        self._seq = 0
        self._last_ts = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------------------

    def start(self) -> LocalSlack:
        if self._server is not None:
            raise RuntimeError("LocalSlack is already running")
        server = _Server(("127.0.0.1", 0), _Handler)
        server.slack = self
        self._server = server
        # a short poll interval keeps stop() quick
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="localslack", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> LocalSlack:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("LocalSlack is not running; call start() first")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/api/"

    def new_response_url(self) -> str:
        with self._cond:
            return f"{self.url}/respond/{self._next_seq()}"

    # ---- inspection and scripting ------------------------------------------------------------

    @property
    def calls(self) -> list[RecordedCall]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        with self._cond:
            return [call for call in self._calls if call.method == method]

    def clear(self) -> None:
        """Forget the recorded calls (messages, files and pending failures stay)."""
        with self._cond:
            self._calls.clear()

    @property
    def uploads(self) -> dict[str, bytes]:
        with self._cond:
            return dict(self._uploads)

    def fail(
        self,
        method: str,
        *,
        status: int = 429,
        times: int = 1,
        retry_after: int = 1,
        error: str | None = None,
    ) -> None:
        """Answer the next `times` calls to `method` with HTTP `status` (429: rate limited)."""
        default = "ratelimited" if status == 429 else "internal_error"
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        self._queue_failure(method, times, _Reply(status, {"ok": False, "error": error or default}, None, headers))

    def fail_with_error(self, method: str, error: str, *, times: int = 1) -> None:
        """Answer the next `times` calls to `method` with HTTP 200 and {"ok": false, "error": error}."""
        self._queue_failure(method, times, _Reply(200, {"ok": False, "error": error}))

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[RecordedCall]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.calls_to(method)) >= count, timeout):
                seen = [call.method for call in self._calls]
                raise AssertionError(f"expected {count} call(s) to {method} within {timeout}s; got {seen}")
            return self.calls_to(method)

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """The messages now in `channel` (or everywhere), oldest first, as edited; deleted ones are gone.

        Each has channel, ts, text, blocks, thread_ts (None outside threads), user, and bot_id for the
        bot's own; possibly attachments, edited, files (a files_upload_v2 share)."""
        with self._cond:
            found = [m for m in self._messages.values() if channel is None or m["channel"] == channel]
            return copy.deepcopy(sorted(found, key=lambda m: float(m["ts"])))

    def add_message(self, channel: str, text: str, *, user: str = "U0USER", thread_ts: str | None = None) -> str:
        """Put a message from a person into `channel` (e.g. a thread reply); returns its ts."""
        with self._cond:
            return self._store(channel, {"text": text, "thread_ts": thread_ts}, user=user)["ts"]

    # ---- request handling (called from the server threads) ------------------------------------

    def _queue_failure(self, method: str, times: int, reply: _Reply) -> None:
        with self._cond:
            self._failures.setdefault(method, []).extend(copy.deepcopy(reply) for _ in range(times))

    def _handle(self, verb: str, raw_path: str, headers: dict[str, str], body: bytes) -> _Reply:
        parts = urlsplit(raw_path)
        path = parts.path
        if path.startswith("/api/") and len(path) > 5:
            content_type = _header(headers, "Content-Type").split(";")[0].strip().lower()
            try:
                args, bad = _parse_args(parts.query, content_type, body), ""
            except ValueError:
                args, bad = {}, "invalid_json" if content_type == "application/json" else "invalid_form_data"
            method = path[5:]
            return self._serve(method, raw_path, headers, args, lambda: self._api(method, args, headers, bad))
        if verb == "POST" and path.startswith("/upload/") and len(path) > 8:
            file_id = path[8:]
            args = {"file_id": file_id, "length": len(body)}
            return self._serve("upload", raw_path, headers, args, lambda: self._upload(file_id, body))
        if verb == "POST" and path.startswith("/respond/") and len(path) > 9:
            try:
                data = json.loads(body) if body else {}
            except ValueError:
                data = None
            args = {**(data if isinstance(data, dict) else {}), "response_url": self.url + path}
            return self._serve("response_url", raw_path, headers, args, lambda: self._respond(path, data))
        return _Reply(404, {"ok": False, "error": "not_found"})

    def _serve(
        self, method: str, path: str, headers: dict[str, str], args: Args, compute: Callable[[], _Reply]
    ) -> _Reply:
        with self._cond:
            queue = self._failures.get(method)
            if queue:
                reply = queue.pop(0)
            else:
                try:
                    reply = compute()
                except _SlackError as exc:
                    reply = _Reply(200, {"ok": False, "error": exc.error})
                except Exception:  # a bug here, or a request shape nobody expected: answer like Slack would
                    logger.exception("LocalSlack: %s failed", method)
                    reply = _Reply(500, {"ok": False, "error": "internal_error"})
            call = RecordedCall(method, args, dict(headers), copy.deepcopy(reply.payload), path)
            self._calls.append(call)
            self._cond.notify_all()
        if self._on_call is not None:
            try:
                self._on_call(call)
            except Exception:
                logger.exception("on_call callback failed for %s", method)
        return reply

    def _api(self, method: str, args: Args, headers: dict[str, str], bad_body: str) -> _Reply:
        handler: Callable[[Args], Args] | None = getattr(self, "_api_" + method.replace(".", "_"), None)
        if handler is None or "." not in method:
            raise _SlackError("unknown_method")
        if bad_body:
            raise _SlackError(bad_body)
        auth = _header(headers, "Authorization")
        if not (auth.startswith("Bearer ") and auth[7:].strip()) and not args.get("token"):
            raise _SlackError("not_authed")
        return _Reply(200, {"ok": True, **handler(args)})

    def _upload(self, file_id: str, body: bytes) -> _Reply:
        if file_id not in self._files:
            return _Reply(404, {"ok": False, "error": "file_not_found"})
        self._uploads[file_id] = body
        return _Reply(200, {"ok": True, "bytes": len(body)}, f"OK - {len(body)}")

    def _respond(self, path: str, data: object) -> _Reply:
        if not isinstance(data, dict):
            return _Reply(400, {"ok": False, "error": "invalid_payload"})
        used = self._response_counts.get(path, 0)
        if used >= RESPONSE_URL_LIMIT:
            return _Reply(404, {"ok": False, "error": "used_url"})
        self._response_counts[path] = used + 1
        return _Reply(200, {"ok": True}, "ok")

    # ---- state helpers (hold the lock) ----------------------------------------------------------

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
        message["thread_ts"] = str(args["thread_ts"]) if args.get("thread_ts") else None
        if _CHANNEL_ID.fullmatch(channel):
            self._channel_names.setdefault(channel, channel.lower())
        self._messages[(channel, message["ts"])] = message
        return message

    def _own_message(self, args: Args, verb: str) -> dict[str, Any]:
        channel = _require(args, "channel", "channel_not_found")
        message = self._messages.get((channel, _require(args, "ts", "message_not_found")))
        if message is None:
            raise _SlackError("message_not_found")
        if message.get("bot_id") != self.bot_id:
            raise _SlackError(f"cant_{verb}_message")
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
        message.update({key: args[key] for key in ("text", "blocks", "attachments") if key in args})
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
            raise _SlackError("invalid_time") from None
        message = {"type": "message", "text": args.get("text") or "", "blocks": args.get("blocks") or []}
        message.update(user=self.bot_user_id, bot_id=self.bot_id)
        reply = {"channel": channel, "scheduled_message_id": self._new_id("Q"), "post_at": post_at}
        return {**reply, "message": message}

    def _api_files_getUploadURLExternal(self, args: Args) -> Args:
        filename = _require(args, "filename")
        if not str(args.get("length", "")).isdigit():
            raise _SlackError("invalid_arguments")
        file_id = self._new_id("F")
        permalink = f"{SLACK_URL}files/{self.bot_user_id}/{file_id}/{filename}"
        info = {"id": file_id, "name": filename, "title": filename, "size": int(args["length"])}
        self._files[file_id] = {**info, "permalink": permalink, "url_private": permalink, "channels": []}
        return {"upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _api_files_completeUploadExternal(self, args: Args) -> Args:
        items = args.get("files")
        if not isinstance(items, list) or not items or not all(isinstance(item, dict) for item in items):
            raise _SlackError("invalid_arguments")
        if any(str(item.get("id")) not in self._uploads for item in items):
            raise _SlackError("file_not_found")  # never issued, or its bytes never arrived
        channels = str(args.get("channel_id") or args.get("channels") or "")
        targets = [channel for channel in channels.split(",") if channel]
        if not all(_CHANNEL_ID.fullmatch(target) for target in targets):
            raise _SlackError("channel_not_found")  # files need the channel ID, not its name
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
        _require(args, "trigger_id")
        return self._save_view(args, None)

    _api_views_push = _api_views_open

    def _api_views_update(self, args: Args) -> Args:
        external_id = str(args.get("external_id") or "")
        if not args.get("view_id") and not external_id:
            raise _SlackError("not_found")
        return self._save_view(args, args.get("view_id") or self._view_ids.get(external_id))

    def _api_views_publish(self, args: Args) -> Args:
        _require(args, "user_id")
        return self._save_view(args, None)

    def _save_view(self, args: Args, view_id: str | None) -> Args:
        view = args.get("view")
        if not isinstance(view, dict):
            raise _SlackError("invalid_arguments")
        view_id = view_id or self._new_id("V")
        if view.get("external_id"):
            self._view_ids[str(view["external_id"])] = view_id
        saved = {**view, "id": view_id, "root_view_id": view_id, "team_id": self.team_id}
        saved.update(bot_id=self.bot_id, app_id="A0LOCAL", state={"values": {}}, hash=f"{self._next_seq()}.local")
        return {"view": saved}

    def _api_users_info(self, args: Args) -> Args:
        user_id = _require(args, "user", "user_not_found")
        is_bot = user_id == self.bot_user_id
        name, real_name = ("slabot", "slabot") if is_bot else (user_id.lower(), f"User {user_id}")
        user: Args = {"id": user_id, "team_id": self.team_id, "name": name, "real_name": real_name}
        user.update(is_bot=is_bot, tz="UTC", tz_offset=0, profile={"real_name": real_name, "display_name": name})
        return {"user": user}

    def _api_conversations_info(self, args: Args) -> Args:
        return {"channel": self._channel(_require(args, "channel", "channel_not_found"))}

    _api_conversations_join = _api_conversations_info

    def _api_conversations_list(self, args: Args) -> Args:
        channels = [self._channel(c) for c in sorted(self._channel_names) if not c.startswith("D")]
        return {"channels": channels, "response_metadata": {"next_cursor": ""}}

    def _api_conversations_members(self, args: Args) -> Args:
        _require(args, "channel", "channel_not_found")
        return {"members": [self.bot_user_id], "response_metadata": {"next_cursor": ""}}

    def _api_conversations_replies(self, args: Args) -> Args:
        channel = _require(args, "channel", "channel_not_found")
        ts = _require(args, "ts", "thread_not_found")
        if (channel, ts) not in self._messages:
            raise _SlackError("thread_not_found")
        thread = [m for m in self._messages.values() if m["channel"] == channel and m["thread_ts"] == ts]
        replies = sorted((m for m in thread if m["ts"] != ts), key=lambda m: float(m["ts"]))
        head = _public(self._messages[(channel, ts)])
        if replies:
            head.update(thread_ts=ts, reply_count=len(replies))
        messages = [head, *map(_public, replies)]
        return {"messages": messages, "has_more": False, "response_metadata": {"next_cursor": ""}}


def _header(headers: Mapping[str, str], name: str) -> str:
    name = name.lower()
    return next((value for key, value in headers.items() if key.lower() == name), "")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops bursts of connections, which then wait a second
    slack: LocalSlack

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("LocalSlack: error while serving %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server_version = "LocalSlack/1.0"

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self, verb: str) -> None:
        slack = cast(_Server, self.server).slack
        try:
            reply = slack._handle(verb, self.path, dict(self.headers.items()), self._read_body())
        except Exception:
            logger.exception("LocalSlack: failed to handle %s %s", verb, self.path)
            reply = _Reply(500, {"ok": False, "error": "internal_error"})
        if reply.text is not None:
            data, content_type = reply.text.encode("utf-8"), "text/plain; charset=utf-8"
        else:
            data, content_type = json.dumps(reply.payload).encode("utf-8"), "application/json; charset=utf-8"
        self.send_response(reply.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Slack-Req-Id", uuid.uuid4().hex)
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("LocalSlack: " + format, *args)
